//! The crate's one error type.

use std::path::PathBuf;

/// Why a permission check refused a file (the one policy of
/// [`supreme_core::files`]).
pub use supreme_core::files::Problem as UnsafeReason;

/// Everything that can go wrong, with what a caller needs to act.
///
/// No variant ever carries secret bytes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A stream could not be read or written.
    #[error("stream I/O error: {0}")]
    StreamIo(#[source] std::io::Error),
    /// A file's permissions or ownership are unsafe; `fix` says what to run.
    #[error("refusing {path}: {reason:?}; fix: {fix}")]
    UnsafeFile {
        /// The file or directory refused.
        path: PathBuf,
        /// What is wrong.
        reason: UnsafeReason,
        /// The command that fixes it (as OpenSSH prints), e.g. `chmod 600 PATH`.
        fix: String,
    },
    /// The bytes are not a vault (wrong magic, bad structure, trailing bytes).
    #[error("not a valid vault file: {0}")]
    Malformed(&'static str),
    /// The file's format version is not one this build reads.
    #[error("unsupported vault format version {0}")]
    UnsupportedVersion(u16),
    /// The key-derivation parameters in the header exceed the read caps.
    #[error("key-derivation parameters over the cap: {0}")]
    KdfOverCap(&'static str),
    /// Key-derivation parameters are invalid for Argon2id.
    #[error("invalid key-derivation parameters: {0}")]
    KdfParams(&'static str),
    /// The passphrase is wrong, or the header was altered (indistinguishable).
    #[error("wrong passphrase or altered vault header")]
    WrongPassphrase,
    /// The whole-file MAC does not match: entries were altered, removed,
    /// swapped, duplicated or rolled back.
    #[error("vault integrity check failed: the file was altered")]
    Tampered,
    /// The file's generation is older than the caller has already seen.
    #[error("vault rolled back: generation {found} is older than {expected_at_least}")]
    Rollback {
        /// The generation in the file.
        found: u64,
        /// The minimum the caller required.
        expected_at_least: u64,
    },
    /// The rollback memory ([`crate::SeenGenerations`]) holds a record that
    /// cannot be read as a generation. Nothing is assumed: fix the record,
    /// or remove it (which forgets the generations seen of that vault).
    #[error("rollback memory {path}: {reason}; fix or remove the record")]
    SeenState {
        /// The record.
        path: PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The vault's key-derivation parameters are below the floor the caller
    /// requires ([`crate::KdfParams::check_floor`]): its passphrase is
    /// cheaper to guess than it should be.
    #[error(
        "weak key derivation: Argon2id {memory_kib} KiB x {passes} passes is below the floor of {floor_memory_kib} KiB x {floor_passes} passes; raise it with a passphrase change (supreme vault passwd)"
    )]
    KdfBelowFloor {
        /// The vault's memory cost.
        memory_kib: u32,
        /// The vault's passes.
        passes: u32,
        /// The floor's memory cost.
        floor_memory_kib: u32,
        /// The floor's passes.
        floor_passes: u32,
    },
    /// Another writer saved the file since we opened it; saving would lose
    /// its change. Open again and redo the change.
    #[error(
        "the vault changed on disk since it was opened (generation {expected} -> {found}); open it again"
    )]
    Conflict {
        /// The generation we opened.
        expected: u64,
        /// The generation on disk now.
        found: u64,
    },
    /// An entry failed to decrypt (altered ciphertext or metadata).
    #[error("entry {name:?} failed authentication")]
    EntryTampered {
        /// The entry's name.
        name: String,
    },
    /// No entry of that name.
    #[error("no entry named {0:?}")]
    NotFound(String),
    /// An entry of that name already exists (use replace).
    #[error("an entry named {0:?} already exists")]
    AlreadyExists(String),
    /// The entry's expiry has passed.
    #[error("entry {name:?} expired at unix time {expired_at}")]
    Expired {
        /// The entry's name.
        name: String,
        /// Its expiry, in Unix seconds.
        expired_at: i64,
    },
    /// The entry, sealed value or stream was made under a data-key version
    /// this vault no longer holds (retired with [`crate::Vault::retire_below`],
    /// or dropped by a rotation of an earlier release).
    #[error("stale key version {found} (retired), the vault is at {current}")]
    StaleKeyVersion {
        /// Version found.
        found: u32,
        /// The vault's newest version.
        current: u32,
    },
    /// The entry or sealed value was made under a data-key version newer
    /// than any this copy of the vault holds: it was sealed by a later copy
    /// (for example after a `passwd`), which an older copy cannot open.
    #[error(
        "sealed under key version {found}, newer than this vault's newest ({newest}): an older copy of the vault cannot open it"
    )]
    UnknownKeyVersion {
        /// Version found.
        found: u32,
        /// The newest version this vault holds.
        newest: u32,
    },
    /// Retiring would drop a data-key version an entry is still sealed
    /// under; re-seal the entries first ([`crate::Vault::reseal`]).
    #[error(
        "entry {name:?} is still sealed under key version {key_version}, which retiring would drop; reseal the entries first"
    )]
    KeyVersionInUse {
        /// The first such entry, by name.
        name: String,
        /// The version it is sealed under.
        key_version: u32,
    },
    /// `retire_below(below)` would drop the newest data-key version, which
    /// seals everything new; rotate first to retire what it holds now.
    #[error(
        "cannot retire below key version {below}: version {newest} is the newest and is never retired (rotate first)"
    )]
    RetireNewest {
        /// The version asked for.
        below: u32,
        /// The newest version, which stays.
        newest: u32,
    },
    /// The operation needs another entry kind (e.g. signing with a text secret).
    #[error("entry {name:?} is {found}, expected {expected}")]
    WrongKind {
        /// The entry's name.
        name: String,
        /// Its kind.
        found: &'static str,
        /// The kind the operation needs.
        expected: &'static str,
    },
    /// An entry name is empty, too long or has characters outside `[A-Za-z0-9._-]`.
    #[error("invalid entry name: {0}")]
    InvalidName(&'static str),
    /// A secret failed the hygiene or format checks (the reason never quotes it).
    #[error("secret rejected: {0}")]
    RejectedSecret(String),
    /// A sealed text value (`sv1:...`) is malformed or fails authentication.
    #[error("sealed value refused: {0}")]
    SealedValue(&'static str),
    /// An encrypted stream is malformed, altered, reordered or truncated.
    #[error("encrypted stream refused: {0}")]
    Stream(&'static str),
    /// An environment variable is missing, or holds a plain secret without opt-in.
    #[error("environment: {0}")]
    Env(String),
    /// A value could not be serialized or deserialized.
    #[error("serde: {0}")]
    Serde(String),
    /// The system random generator or a primitive failed.
    #[error("cryptographic primitive failed: {0}")]
    Crypto(&'static str),
    /// The vault is over a size limit.
    #[error("limit exceeded: {0}")]
    Limit(&'static str),
    /// Another process held the file's lock for the whole bounded wait.
    #[error("{0}")]
    Locked(#[source] supreme_core::files::Error),
    /// The event sink (the audit log) refused the record of this access, so
    /// the vault did not act: not opened, not revealed, not signed (see
    /// [`crate::events`]).
    #[error("refused: the event sink did not keep the {kind} record: {source}")]
    Unrecorded {
        /// The event kind refused (`VAULT_OPENED`, `SECRET_ACCESSED`, `SIGNATURE_MADE`).
        kind: &'static str,
        /// The sink's refusal.
        #[source]
        source: supreme_core::event::SinkError,
    },
}

impl Error {
    /// True for refusals (tampering, expiry, wrong passphrase, unsafe files),
    /// false for usage or I/O errors. The CLI maps these to exit codes 1 and 2.
    #[must_use]
    pub fn is_refusal(&self) -> bool {
        !matches!(
            self,
            Self::Io { .. }
                | Self::StreamIo(_)
                | Self::NotFound(_)
                | Self::AlreadyExists(_)
                | Self::InvalidName(_)
                | Self::Env(_)
                | Self::Serde(_)
                | Self::KdfParams(_)
                | Self::WrongKind { .. }
                | Self::RetireNewest { .. }
                | Self::Limit(_)
                | Self::Locked(_)
        )
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<supreme_core::files::Error> for Error {
    fn from(e: supreme_core::files::Error) -> Self {
        use supreme_core::files::Error as F;
        match e {
            F::Unsafe { path, problem, fix } => Self::UnsafeFile {
                path,
                reason: problem,
                fix,
            },
            F::Io { path, source, .. } => Self::Io { path, source },
            F::TooLarge { .. } => Self::Limit("file too large"),
            F::AlreadyExists { path } => Self::AlreadyExists(path.display().to_string()),
            F::Random => Self::Crypto("system random"),
            e @ F::Locked { .. } => Self::Locked(e),
            // Not produced by the calls the vault makes (keyed files, key
            // files): kept as I/O, never dropped.
            other => Self::Io {
                path: std::path::PathBuf::new(),
                source: std::io::Error::other(other.to_string()),
            },
        }
    }
}
