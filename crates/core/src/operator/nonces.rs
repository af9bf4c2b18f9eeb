//! [`NonceStore`]: the nonces of spent tokens, kept in a private file.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Error, Purpose, Token};
use crate::files::{self, FileLock};

const FORMAT: &str = "supreme-operator-nonces/1";
/// A store larger than this is unreadable (about 60,000 tokens).
const MAX_BYTES: usize = 4 * 1024 * 1024;
/// How long to wait for another process holding the lock.
const LOCK_WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreFile {
    format: String,
    used: BTreeSet<String>,
}

/// The used nonces of one protected file (a risk state, ...), in a private
/// file beside it, read and written under an exclusive lock of
/// `<file>.lock` held until drop, so two operators cannot spend one token
/// twice at once.
///
/// The file is JSON (`{"format": "supreme-operator-nonces/1", "used": [...]}`),
/// mode 0600 (refused when group or others have any access), written
/// atomically (a new temporary file, fsync, rename, fsync of the directory).
///
/// ```
/// use supreme_core::operator::{NonceStore, OperatorKey, RiskClear, Token};
///
/// let dir = std::env::temp_dir().join(format!("nonce-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("risk.state.nonces");
/// let key = OperatorKey::generate()?;
/// let text = key.sign::<RiskClear>("global:drawdown:1", "alice", 10)?;
/// let token = Token::<RiskClear>::parse(&text).unwrap();
///
/// let mut store = NonceStore::open_or_create(&path)?;
/// assert!(!store.is_used(token.nonce()));
/// store.spend([&token])?;
/// drop(store);
/// assert!(NonceStore::open(&path)?.is_used(token.nonce()));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), supreme_core::operator::Error>(())
/// ```
#[derive(Debug)]
pub struct NonceStore {
    path: PathBuf,
    file: StoreFile,
    _lock: FileLock,
}

impl NonceStore {
    /// Locks and loads the store at `path`. Missing, unreadable, not
    /// private or malformed: an error naming the file and the reason.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let lock = lock(path)?;
        let file = load(path)?.ok_or_else(|| setup(path, "missing"))?;
        Ok(Self {
            path: path.to_owned(),
            file,
            _lock: lock,
        })
    }

    /// Like [`NonceStore::open`], but a missing store is created empty.
    pub fn open_or_create(path: &Path) -> Result<Self, Error> {
        let lock = lock(path)?;
        let file = match load(path)? {
            Some(f) => f,
            None => {
                let f = StoreFile {
                    format: FORMAT.to_owned(),
                    used: BTreeSet::new(),
                };
                save(path, &f)?;
                f
            }
        };
        Ok(Self {
            path: path.to_owned(),
            file,
            _lock: lock,
        })
    }

    /// Whether `nonce` was spent.
    pub fn is_used(&self, nonce: &str) -> bool {
        self.file.used.contains(nonce)
    }

    /// Records the tokens' nonces as spent, persisted before this returns.
    /// Refused, with nothing recorded, when any of them was spent already.
    pub fn spend<'a, P: Purpose>(
        &mut self,
        tokens: impl IntoIterator<Item = &'a Token<P>>,
    ) -> Result<(), Error> {
        let nonces: Vec<&str> = tokens.into_iter().map(Token::nonce).collect();
        if let Some(n) = nonces.iter().find(|n| self.is_used(n)) {
            return Err(setup(&self.path, &format!("token nonce {n} already used")));
        }
        self.file.used.extend(nonces.into_iter().map(str::to_owned));
        save(&self.path, &self.file)
    }
}

fn setup(path: &Path, detail: &str) -> Error {
    Error::Setup {
        what: "nonce store",
        detail: format!("{}: {detail}", path.display()),
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn lock(path: &Path) -> Result<FileLock, Error> {
    let lock_path = sibling(path, ".lock");
    FileLock::acquire(&lock_path, LOCK_WAIT).map_err(|e| setup(&lock_path, &e.to_string()))
}

/// Reads the store through the private-file policy (no symlink, ours, 0600,
/// a parent no one else can write); a missing store is `None`.
fn load(path: &Path) -> Result<Option<StoreFile>, Error> {
    let err = |e: &dyn std::fmt::Display| setup(path, &e.to_string());
    let bytes = match files::read_private(path, MAX_BYTES) {
        Ok(b) => b,
        Err(files::Error::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
            return Ok(None);
        }
        Err(e) => return Err(err(&e)),
    };
    let store: StoreFile = serde_json::from_slice(&bytes).map_err(|e| err(&e))?;
    if store.format != FORMAT {
        return Err(err(&format!("unknown format {:?}", store.format)));
    }
    Ok(Some(store))
}

/// Writes the store with the core atomic writer (random 0600 temp, fsync,
/// rename, fsync of the directory).
fn save(path: &Path, file: &StoreFile) -> Result<(), Error> {
    let bytes = serde_json::to_vec(file).map_err(|e| setup(path, &e.to_string()))?;
    files::write_atomic(path, &bytes).map_err(|e| setup(path, &e.to_string()))
}
