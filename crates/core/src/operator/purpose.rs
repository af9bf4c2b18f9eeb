//! What a token authorizes: one [`Purpose`] per kind of undo.

use std::fmt::Debug;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::KillSwitchReset {}
    impl Sealed for super::RiskClear {}
}

/// A kind of authorization, with its own token tag and signing domain.
///
/// Sealed: the purposes are defined here only, so each has a domain no other
/// one shares and a token signed for one never verifies as another.
pub trait Purpose: sealed::Sealed + Copy + Eq + Debug + Send + Sync + 'static {
    /// The token's first field (`ksr1`, `rlc1`).
    const TAG: &'static str;
    /// What the token is called in messages (`"reset token"`).
    const TOKEN: &'static str;
    /// Signed before the token body: the domain separation.
    const DOMAIN: &'static str;
    /// What the subject is, for messages (`"trip id"`, `"breach"`).
    const SUBJECT: &'static str;
    /// Whether `subject` is a well-formed subject of this purpose.
    fn valid_subject(subject: &str) -> bool;
}

/// Resetting a tripped kill switch (or arming a new one); the subject is the
/// trip id: 1 to 128 of `a-z 0-9 -`.
///
/// ```
/// use supreme_core::operator::{KillSwitchReset, Purpose};
/// assert!(KillSwitchReset::valid_subject("18c3f-9a0b"));
/// assert!(!KillSwitchReset::valid_subject("global:drawdown:1"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KillSwitchReset;

impl Purpose for KillSwitchReset {
    const TAG: &'static str = "ksr1";
    const TOKEN: &'static str = "reset token";
    const DOMAIN: &'static str = "supreme-kill-switch reset v1\n";
    const SUBJECT: &'static str = "trip id";
    fn valid_subject(subject: &str) -> bool {
        (1..=128).contains(&subject.len())
            && subject
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }
}

/// Clearing a latched risk breach; the subject names the scope and the
/// breach, `<scope>:<limit>:<breached at ms>` (for example
/// `account:main:drawdown:1700000000000`): 1 to 160 of
/// `A-Z a-z 0-9 . _ : -`. A later breach at the same scope has another
/// subject, so a token for one cannot clear the next.
///
/// ```
/// use supreme_core::operator::{Purpose, RiskClear};
/// assert!(RiskClear::valid_subject("symbol:BTCUSDT:daily_loss:1700000000000"));
/// assert!(!RiskClear::valid_subject("global drawdown"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RiskClear;

impl Purpose for RiskClear {
    const TAG: &'static str = "rlc1";
    const TOKEN: &'static str = "clear token";
    const DOMAIN: &'static str = "supreme-risk-limits clear v1\n";
    const SUBJECT: &'static str = "breach";
    fn valid_subject(subject: &str) -> bool {
        (1..=160).contains(&subject.len())
            && subject
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
    }
}
