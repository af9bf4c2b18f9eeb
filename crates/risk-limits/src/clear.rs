//! Clearing a latched breach, authorized by operators' signed tokens.
//!
//! A loss or drawdown breach latches its scope halted until an operator
//! clears it. Nothing in the bot can: a clear needs a token signed offline
//! by an operator's Ed25519 key, for this purpose only
//! ([`RiskClear`]: a kill switch's reset token is refused), naming the scope
//! and the breach latched there ([`breach_subject`]: a later breach needs a
//! new token), not expired, from the policy's quorum of operators, after the
//! policy's cooldown since the breach. Each token is spent once: its nonce
//! is recorded in a private file beside the state ([`clear_nonce_path`],
//! `<state>.nonces`) before the breach is cleared.
//!
//! The keys, tokens and policy file are supreme-core's, the same as the kill
//! switch's reset: `supreme kill-switch keygen` makes an operator key, one
//! policy file serves both, and `supreme risk sign-clear` signs a clear.
//!
//! ```
//! use std::time::Duration;
//! use supreme_risk_limits::operator::{OperatorKey, Policy, Request, RiskClear};
//! use supreme_risk_limits::{LatchRecord, LimitKind, Observed, Scope, Value, breach_subject};
//!
//! let latch = LatchRecord {
//!     kind: LimitKind::Drawdown,
//!     at_ms: 1_700_000_000_000,
//!     observed: Observed::Amount { limit: Value::whole(1_000), observed: Value::whole(1_200) },
//! };
//! let subject = breach_subject(&Scope::Global, &latch);
//! assert_eq!(subject, "global:drawdown:1700000000000");
//! let alice = OperatorKey::generate()?;
//! let token = alice.sign::<RiskClear>(&subject, "alice", 1_700_000_060_000)?;
//! let policy = Policy::new(Duration::ZERO).operator("alice", alice.public_key());
//! let req = Request { operator: "alice".into(), token };
//! assert!(policy.authorize::<RiskClear>(&[req], &subject, latch.at_ms, 1_700_000_010_000).is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use supreme_core::operator::{
    NonceStore, OperatorPublicKey, Policy, Refusal, Request, RiskClear, Token,
};

use crate::persist::{LatchRecord, StateFile};
use crate::{Error, LimitKind, Scope, Value};

/// What a clear token for the breach `latch` at `scope` names:
/// `<scope>:<limit>:<breached at ms>`, as `account:main:daily_loss:1700000000000`.
pub fn breach_subject(scope: &Scope, latch: &LatchRecord) -> String {
    format!("{scope}:{}:{}", kind_slug(latch.kind), latch.at_ms)
}

fn kind_slug(kind: LimitKind) -> &'static str {
    match kind {
        LimitKind::Position => "position",
        LimitKind::Concentration => "concentration",
        LimitKind::GrossExposure => "gross_exposure",
        LimitKind::NetExposure => "net_exposure",
        LimitKind::OpenOrders => "open_orders",
        LimitKind::OrderRate => "order_rate",
        LimitKind::DailyLoss => "daily_loss",
        LimitKind::Drawdown => "drawdown",
        LimitKind::LosingTrades => "losing_trades",
    }
}

/// The file of spent clear-token nonces beside the state file `state`:
/// `<state>.nonces`.
///
/// ```
/// use std::path::Path;
/// let p = supreme_risk_limits::clear_nonce_path(Path::new("/var/lib/bot/risk.state"));
/// assert_eq!(p, Path::new("/var/lib/bot/risk.state.nonces"));
/// ```
pub fn clear_nonce_path(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_owned();
    name.push(".nonces");
    PathBuf::from(name)
}

/// Why a breach clear was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClearRefusal {
    /// Nothing is latched at the scope.
    NotLatched,
    /// A token did not pass the operator policy (forged, another
    /// operator's, expired, for another breach or purpose, ...).
    Operator(Refusal),
    /// A token was already spent.
    Replayed,
    /// The nonce file is unreadable or could not be written: no token can
    /// be checked for reuse, so none passes.
    NonceStore(String),
}

impl fmt::Display for ClearRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotLatched => f.write_str("no breach is latched there"),
            Self::Operator(r) => r.fmt(f),
            Self::Replayed => f.write_str("token already used"),
            Self::NonceStore(d) => {
                write!(f, "nonce store unavailable, every clear is refused: {d}")
            }
        }
    }
}

/// Checks `reqs` for the breach `latch` at `scope` and spends their nonces
/// in `store` (locked by the caller for the whole clear).
pub(crate) fn authorize(
    policy: &Policy,
    reqs: &[Request],
    scope: &Scope,
    latch: &LatchRecord,
    store: &mut NonceStore,
    now_ms: u64,
) -> Result<(), Error> {
    let refused = |refusal| Error::ClearRefused {
        scope: *scope,
        refusal,
    };
    let subject = breach_subject(scope, latch);
    let tokens: Vec<(Token<RiskClear>, OperatorPublicKey)> = policy
        .authorize::<RiskClear>(reqs, &subject, latch.at_ms, now_ms)
        .map_err(|r| refused(ClearRefusal::Operator(r)))?;
    if tokens.iter().any(|(t, _)| store.is_used(t.nonce())) {
        return Err(refused(ClearRefusal::Replayed));
    }
    store
        .spend(tokens.iter().map(|(t, _)| t))
        .map_err(|e| refused(ClearRefusal::NonceStore(e.to_string())))
}

/// Opens (or creates, on the first clear) the nonce store beside `state`.
pub(crate) fn open_store(state: &Path, scope: &Scope) -> Result<NonceStore, Error> {
    NonceStore::open_or_create(&clear_nonce_path(state)).map_err(|e| Error::ClearRefused {
        scope: *scope,
        refusal: ClearRefusal::NonceStore(e.to_string()),
    })
}

impl StateFile {
    /// Clears the breach latched at `scope` in this file, authorized by
    /// `reqs` under `policy` at `now_ms`, and returns it: the nonces are
    /// spent first (a crash after that leaves the breach latched), then the
    /// state is written without it. A cleared drawdown restarts its
    /// high-water mark at the equity the next [`restore`](crate::RiskBook::restore)
    /// finds. This is `supreme risk clear`, for a bot that is stopped: a
    /// running book rewrites the file from memory (use
    /// [`RiskBook::clear_breach`](crate::RiskBook::clear_breach) there).
    pub fn clear_breach(
        &self,
        scope: Scope,
        policy: &Policy,
        reqs: &[Request],
        now_ms: u64,
    ) -> Result<LatchRecord, Error> {
        let mut store = open_store(self.path(), &scope)?;
        let mut state = self.load()?;
        let record = state
            .scopes
            .iter_mut()
            .find(|r| r.scope == scope)
            .ok_or(Error::StateScopeUnknown(scope))?;
        let latch = record.latch.ok_or(Error::ClearRefused {
            scope,
            refusal: ClearRefusal::NotLatched,
        })?;
        authorize(policy, reqs, &scope, &latch, &mut store, now_ms)?;
        record.latch = None;
        if latch.kind == LimitKind::Drawdown {
            record.high_water_mark = Value::ZERO;
        }
        self.save(&state)?;
        Ok(latch)
    }
}

#[cfg(test)]
mod tests;
