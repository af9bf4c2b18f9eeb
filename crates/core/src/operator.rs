//! Operators: who may undo a protection, and the signed tokens they do it with.
//!
//! Tripping a kill switch or latching a risk breach never needs a secret.
//! Undoing one does: an operator signs a short token offline with their
//! Ed25519 key ([`OperatorKey`]) and the bot, which holds only their public
//! keys ([`OperatorPublicKey`] in a [`Policy`]), verifies it. A token binds
//! *what* it authorizes (its subject: a kill switch's trip id, a risk scope
//! and the breach latched there), the operator's name, a random nonce (so it
//! is spent once; the caller keeps used nonces, see [`NonceStore`]) and an
//! expiry.
//!
//! Each [`Purpose`] has its own token prefix and signing domain, so a token
//! signed for one purpose never verifies for another: a kill-switch reset
//! token cannot be replayed to clear a risk breach, and the other way round.
//! The purposes are a closed set defined here ([`KillSwitchReset`],
//! [`RiskClear`]), so no two crates can pick the same domain.
//!
//! Token text: `<tag>.<subject>.<operator>.<nonce>.<expires ms>.<signature>`,
//! the signature (Ed25519, 128 hex digits) over the purpose's domain line
//! followed by everything before the last dot.
//!
//! ```
//! use std::time::Duration;
//! use supreme_core::operator::{KillSwitchReset, OperatorKey, Policy, Request, RiskClear};
//!
//! let alice = OperatorKey::generate()?;
//! let policy = Policy::new(Duration::ZERO).operator("alice", alice.public_key());
//! let now = 1_700_000_000_000;
//! let token = alice.sign::<RiskClear>("global:drawdown:1699999990000", "alice", now + 60_000)?;
//! let req = Request { operator: "alice".into(), token };
//! let ok = policy.authorize::<RiskClear>(std::slice::from_ref(&req), "global:drawdown:1699999990000", 0, now);
//! assert!(ok.is_ok());
//! // The same signed text is no kill-switch reset token.
//! assert!(policy.authorize::<KillSwitchReset>(&[req], "trip-1", 0, now).is_err());
//! # Ok::<(), supreme_core::operator::Error>(())
//! ```

mod authorize;
mod error;
mod key;
mod nonces;
mod policy;
mod purpose;
mod token;

pub use authorize::{Refusal, Request};
pub use error::Error;
pub use key::{OperatorKey, OperatorPublicKey};
pub use nonces::NonceStore;
pub use policy::Policy;
pub use purpose::{KillSwitchReset, Purpose, RiskClear};
pub use token::Token;

/// Operator names: 1 to 64 of `A-Z a-z 0-9 _ -`.
///
/// ```
/// use supreme_core::operator::valid_operator_name;
/// assert!(valid_operator_name("alice_2"));
/// assert!(!valid_operator_name("alice.bob"));
/// ```
pub fn valid_operator_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn random(what: &'static str, buf: &mut [u8]) -> Result<(), Error> {
    use ring::rand::SecureRandom;
    ring::rand::SystemRandom::new()
        .fill(buf)
        .map_err(|_| Error::Setup {
            what,
            detail: "random source failed".to_owned(),
        })
}

#[cfg(test)]
mod tests;
