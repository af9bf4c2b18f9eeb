//! The operator module's error.

/// A key, token, policy or nonce store that could not be made or read.
///
/// The messages name what was being read (`"operator public key"`,
/// `"reset policy"`, ...) so an operator knows which file to fix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Input that does not parse.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// What was being parsed.
        what: &'static str,
        /// Why it was rejected.
        detail: String,
    },
    /// Something the system had to provide failed (random source, a file).
    #[error("{what}: {detail}")]
    Setup {
        /// What was being set up.
        what: &'static str,
        /// Why it failed.
        detail: String,
    },
}

impl Error {
    pub(crate) fn malformed(what: &'static str, detail: impl Into<String>) -> Self {
        Self::Malformed {
            what,
            detail: detail.into(),
        }
    }
}
