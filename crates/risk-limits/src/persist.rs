//! What survives a restart ([`PersistedState`]) and its file
//! ([`StateFile`]): written atomically, keyed, and never silently replaced
//! by a fresh start.
//!
//! The file is three parts: a header line `supreme-risk-state 2`, a line
//! `hmac-sha256=<hex tag>`, and the body, a JSON document. The tag is an
//! HMAC-SHA256 of the body under a [`StateKey`] (see its docs for what it
//! protects against and what it does not).

use serde::{Deserialize, Serialize};
use supreme_core::files::StateKey;

use crate::book::market::{equity_of, usage_mut};
use crate::book::state::{Latch, State};
use crate::{Error, LimitKind, Observed, RiskConfig, Scope, TradingState, Value};

/// Breaches, states, high-water marks and the day's P&L base, per scope.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersistedState {
    /// When it was taken, ms since the epoch.
    pub saved_at_ms: u64,
    /// The trading day it belongs to.
    pub day: i64,
    /// One record per scope (the global one always).
    pub scopes: Vec<ScopeRecord>,
}

/// One scope's durable part.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeRecord {
    /// The scope.
    pub scope: Scope,
    /// The operator's state.
    pub operator_state: TradingState,
    /// A latched breach.
    pub latch: Option<LatchRecord>,
    /// End of a cooldown, ms since the epoch (0: none).
    pub cooldown_until_ms: u64,
    /// Equity high-water mark.
    pub high_water_mark: Value,
    /// Equity at the start of the day.
    pub day_start: Value,
    /// Realized P&L today (strategies).
    pub realized_today: Value,
}

/// A latched breach.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatchRecord {
    /// Which limit.
    pub kind: LimitKind,
    /// When.
    pub at_ms: u64,
    /// The limit and the observed value.
    pub observed: Observed,
}

impl PersistedState {
    /// The first line of a state file, and the label its tag is made under.
    pub const FORMAT: &'static str = "supreme-risk-state 2";

    /// Parses a state file's bytes: header, the HMAC-SHA256 tag under
    /// `key`, then the JSON body. A body edited (and its checksum
    /// recomputed) without the key is refused, as is any other format
    /// (including version 1, whose plain SHA-256 anyone could recompute).
    pub fn parse(bytes: &[u8], key: &StateKey) -> Result<Self, Error> {
        let corrupt = |reason: &str| Error::StateCorrupt {
            path: None,
            reason: reason.to_owned(),
        };
        let rest = bytes
            .strip_prefix(Self::FORMAT.as_bytes())
            .and_then(|r| r.strip_prefix(b"\n"))
            .ok_or_else(|| corrupt("not a version 2 risk state file (header)"))?;
        let rest = rest
            .strip_prefix(TAG_PREFIX.as_bytes())
            .ok_or_else(|| corrupt("no hmac-sha256 line"))?;
        let (tag_hex, body) = rest
            .split_at_checked(65)
            .ok_or_else(|| corrupt("truncated tag"))?;
        let tag = (tag_hex.last() == Some(&b'\n'))
            .then(|| unhex(&tag_hex[..64]))
            .flatten()
            .ok_or_else(|| corrupt("the tag is not 64 hex digits"))?;
        if !key.verify(Self::FORMAT, body, &tag) {
            return Err(corrupt(
                "authentication failed: edited, or written under another state key",
            ));
        }
        let state: Self = serde_json::from_slice(body).map_err(|e| corrupt(&e.to_string()))?;
        if !state.scopes.iter().any(|r| r.scope == Scope::Global) {
            return Err(corrupt("no global scope record"));
        }
        Ok(state)
    }

    /// The file's bytes, tagged under `key`.
    pub fn to_bytes(&self, key: &StateKey) -> Vec<u8> {
        let body = serde_json::to_vec_pretty(self).unwrap_or_default();
        let mut out = Vec::with_capacity(body.len() + 112);
        out.extend_from_slice(Self::FORMAT.as_bytes());
        out.push(b'\n');
        out.extend_from_slice(TAG_PREFIX.as_bytes());
        out.extend_from_slice(supreme_core::hex::encode(key.tag(Self::FORMAT, &body)).as_bytes());
        out.push(b'\n');
        out.extend_from_slice(&body);
        out
    }

    /// The record of `scope`.
    pub fn record(&self, scope: &Scope) -> Option<&ScopeRecord> {
        self.scopes.iter().find(|r| r.scope == *scope)
    }
}

const TAG_PREFIX: &str = "hmac-sha256=";

fn unhex(text: &[u8]) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    supreme_core::hex::decode_lower_into(text, &mut out)?;
    Some(out)
}

mod file;

pub use file::StateFile;

/// The book's durable part now.
pub(crate) fn snapshot(st: &State, now: u64) -> PersistedState {
    let mut scopes =
        Vec::with_capacity(1 + st.accounts.len() + st.strategies.len() + st.symbols.len());
    let mut push = |scope: Scope, u: &crate::book::state::Usage| {
        scopes.push(ScopeRecord {
            scope,
            operator_state: u.operator_state,
            latch: u.latch.map(|l| LatchRecord {
                kind: l.kind,
                at_ms: l.at_ms,
                observed: l.observed,
            }),
            cooldown_until_ms: u.cooldown_until,
            high_water_mark: Value::from_units(u.hwm),
            day_start: Value::from_units(u.day_start),
            realized_today: Value::from_units(u.realized_today),
        });
    };
    push(Scope::Global, &st.global);
    st.accounts
        .iter()
        .for_each(|a| push(Scope::Account(a.id), &a.usage));
    st.strategies
        .iter()
        .for_each(|s| push(Scope::Strategy(s.id), &s.usage));
    st.symbols
        .iter()
        .for_each(|s| push(Scope::Symbol(s.symbol), &s.usage));
    PersistedState {
        saved_at_ms: now,
        day: st.day,
        scopes,
    }
}

/// Restores `state` into a book not yet started.
pub(crate) fn apply(
    st: &mut State,
    cfg: &RiskConfig,
    state: &PersistedState,
    now: u64,
) -> Result<(), Error> {
    let today = cfg.reset.day_index(now);
    st.day = today;
    crate::book::market::reset_day_starts(st);
    for a in &mut st.accounts {
        a.usage.hwm = a.equity();
    }
    st.global.hwm = st.global_equity();
    // Check every scope first: nothing applied unless all are known.
    for r in &state.scopes {
        usage_mut(st, &r.scope).map_err(|_| Error::StateScopeUnknown(r.scope))?;
    }
    let same_day = state.day >= today;
    for r in &state.scopes {
        let equity = equity_of(st, &r.scope);
        let u = usage_mut(st, &r.scope)?;
        u.operator_state = r.operator_state;
        u.cooldown_until = r.cooldown_until_ms;
        u.latch = r.latch.map(|l| Latch {
            kind: l.kind,
            at_ms: l.at_ms,
            observed: l.observed,
        });
        if let Some(e) = equity {
            u.hwm = r.high_water_mark.units().max(e);
        }
        if same_day {
            u.day_start = r.day_start.units();
            u.realized_today = r.realized_today.units();
        } else if u.latch.is_some_and(|l| l.kind == LimitKind::DailyLoss) {
            u.latch = None;
        }
    }
    Ok(())
}
