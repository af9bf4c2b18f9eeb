//! The one error of the crate: where (file, line, column, or the
//! environment variable) and the fix.

use std::fmt;
use std::path::PathBuf;

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// A place in the file (1-based line and column, columns in characters).
    File {
        /// The configuration file.
        file: PathBuf,
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
    },
    /// An environment variable that overrode the file (see [`crate::env`](mod@crate::env)).
    Env {
        /// The variable's name.
        var: &'static str,
    },
    /// The file as a whole (an error toml gave no place for).
    Whole {
        /// The configuration file.
        file: PathBuf,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File { file, line, column } => write!(f, "{}:{line}:{column}", file.display()),
            Self::Env { var } => write!(f, "environment variable {var}"),
            Self::Whole { file } => write!(f, "{}", file.display()),
        }
    }
}

/// What can go wrong loading a `supreme.toml` or a credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    #[error("{}: cannot read: {source}; fix: check the path and its permissions", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not TOML, or not the shape of a `supreme.toml`: a syntax error, an
    /// unknown or missing key, a value of the wrong type (a float for money).
    #[error("{at}: {message}; fix: {fix}")]
    Syntax {
        /// Where.
        at: Location,
        /// What toml or the field's parser said.
        message: String,
        /// How to fix it.
        fix: String,
    },
    /// Well-formed, but refused by validation: a limit that makes no sense,
    /// a path in a directory others can write, a pin set without a backup.
    #[error("{at}: {message}; fix: {fix}")]
    Invalid {
        /// Where.
        at: Location,
        /// What is wrong.
        message: String,
        /// How to fix it.
        fix: String,
    },
    /// The vault passphrase could not be read from its credential file.
    #[error("vault passphrase: {message}; fix: {fix}")]
    Passphrase {
        /// What went wrong (never the passphrase).
        message: String,
        /// How to fix it.
        fix: String,
    },
    /// A part of the [`Guard`](crate::Guard) could not be built from a
    /// valid file: the vault did not open, the exchange did not answer, the
    /// risk state is missing or was tampered with, the journal's orders
    /// could not be settled. The guard does not start.
    #[error("{part}: {source}")]
    Start {
        /// Which part (`"vault"`, `"risk state"`, `"exchange"`...).
        part: &'static str,
        /// Why.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl Error {
    /// A [`Error::Start`] of `part`.
    pub(crate) fn start(
        part: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self::Start {
            part,
            source: source.into(),
        }
    }

    /// Where the error is, when it has a place.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Self::Syntax { at, .. } | Self::Invalid { at, .. } => Some(at),
            Self::Read { .. } | Self::Passphrase { .. } | Self::Start { .. } => None,
        }
    }

    /// `(line, column)` in the file, when the error has one.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        match self.location() {
            Some(Location::File { line, column, .. }) => Some((*line, *column)),
            _ => None,
        }
    }

    /// The message without the place and the fix.
    pub fn message(&self) -> String {
        match self {
            Self::Syntax { message, .. }
            | Self::Invalid { message, .. }
            | Self::Passphrase { message, .. } => message.clone(),
            Self::Read { source, .. } => format!("cannot read: {source}"),
            Self::Start { part, source } => format!("{part}: {source}"),
        }
    }

    /// How to fix it.
    pub fn fix(&self) -> &str {
        match self {
            Self::Syntax { fix, .. } | Self::Invalid { fix, .. } | Self::Passphrase { fix, .. } => {
                fix
            }
            Self::Read { .. } => "check the path and its permissions",
            Self::Start { .. } => "see the part's error; the guard did not start",
        }
    }
}

/// Every error found in one file (at least one), in the file's order.
#[derive(Debug)]
pub struct Errors(Vec<Error>);

impl Errors {
    pub(crate) fn new(mut errors: Vec<Error>) -> Self {
        errors.sort_by_key(|e| e.line_column().unwrap_or((usize::MAX, 0)));
        Self(errors)
    }

    /// The errors.
    pub fn iter(&self) -> std::slice::Iter<'_, Error> {
        self.0.iter()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never true for a returned value; here for clippy's `len_without_is_empty`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The errors as a vector.
    pub fn into_vec(self) -> Vec<Error> {
        self.0
    }
}

impl From<Error> for Errors {
    fn from(e: Error) -> Self {
        Self(vec![e])
    }
}

impl<'a> IntoIterator for &'a Errors {
    type Item = &'a Error;
    type IntoIter = std::slice::Iter<'a, Error>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}
