//! The crate's error type.

use crate::{AmountError, NameError};

/// Why exchange rules or order input could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document is not valid JSON or not the expected shape.
    #[error("exchangeInfo: invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON parser said.
        message: String,
    },
    /// A symbol entry is malformed.
    #[error("exchangeInfo: symbol {symbol:?}: {reason}")]
    Symbol {
        /// The symbol as written.
        symbol: String,
        /// What is wrong.
        reason: String,
    },
    /// A known filter lacks a field or has a malformed value.
    #[error("exchangeInfo: symbol {symbol:?}, filter {filter_type}, field {field}: {reason}")]
    Filter {
        /// The symbol as written (empty for exchange filters).
        symbol: String,
        /// The filter's type.
        filter_type: String,
        /// The field at fault.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The same symbol is listed twice.
    #[error("exchangeInfo: symbol {0:?} listed twice")]
    DuplicateSymbol(String),
    /// An amount could not be read.
    #[error("invalid amount: {0}")]
    Amount(#[from] AmountError),
    /// A symbol or client order id could not be read.
    #[error("invalid name: {0}")]
    Name(#[from] NameError),
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Self::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
