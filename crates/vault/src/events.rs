//! What the vault reports to a core event [`Sink`] (the audit log): each
//! opening, each secret read, each signature, each wrong passphrase.
//!
//! | kind | when | severity | fields |
//! |---|---|---|---|
//! | [`VAULT_OPENED`] | a vault opened (passphrase, MAC, rollback floor all passed) | notice | `vault_id`, `generation`, `entries`, `path` (files) |
//! | [`SECRET_ACCESSED`] | [`Vault::reveal`](crate::Vault::reveal) or [`Vault::signer`](crate::Vault::signer) decrypted an entry | notice | `entry`, `action` (`reveal` / `signer`), `vault_id` |
//! | [`SIGNATURE_MADE`] | each [`Signer::sign`](crate::Signer::sign) | info | `entry`, `kind` (`hmac` / `ed25519`), `use` (1, 2, ... per signer) |
//! | [`AUTH_FAILURE`] | a wrong passphrase | warning | `reason`, `vault_id`, `path` (files) |
//!
//! The kinds are the audit log's well-known ones (`SECRET_ACCESSED` is synced
//! before `append` returns; a signature is batched, as it is on the order
//! path). No field ever holds a secret, a passphrase, an API key id or the
//! signed bytes: an entry is named, and a signer's uses counted.
//!
//! # Fail closed
//!
//! The vault acts only after the sink kept the record: a vault whose
//! `VAULT_OPENED` record is refused is not returned, a secret whose
//! `SECRET_ACCESSED` record is refused is not decrypted out, and a signer
//! whose `SIGNATURE_MADE` record is refused does not sign (each is
//! [`Error::Unrecorded`]). A refused `AUTH_FAILURE` record leaves the
//! open refused with [`Error::WrongPassphrase`] as it was.

use std::sync::Arc;

use supreme_core::event::{Event, Severity, Sink};

use crate::error::Error;

/// A vault was opened.
pub const VAULT_OPENED: &str = "VAULT_OPENED";
/// An entry's secret was decrypted (revealed, or loaded into a signer).
pub const SECRET_ACCESSED: &str = "SECRET_ACCESSED";
/// A signer signed once.
pub const SIGNATURE_MADE: &str = "SIGNATURE_MADE";
/// A wrong passphrase.
pub const AUTH_FAILURE: &str = "AUTH_FAILURE";

/// The actor of every vault event.
pub(crate) const ACTOR: &str = "vault";

/// An event by the vault at `at_ms`.
pub(crate) fn event(kind: &'static str, severity: Severity, at_ms: u64) -> Event {
    Event::new(kind, severity, ACTOR, at_ms)
}

/// Records `event` into `sink` (if any); a refusal is [`Error::Unrecorded`].
pub(crate) fn record(sink: Option<&Arc<dyn Sink>>, event: &Event) -> Result<(), Error> {
    tracing::debug!(target: "supreme_vault", event = event.kind(), severity = ?event.severity(), "vault");
    match sink {
        Some(sink) => sink.record(event).map_err(|source| Error::Unrecorded {
            kind: event.kind(),
            source,
        }),
        None => Ok(()),
    }
}
