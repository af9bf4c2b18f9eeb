//! What survives a restart ([`PersistedState`]) and its file ([`StateFile`]):
//! written atomically (temporary file, fsync, rename, fsync of the
//! directory), checksummed, and never silently replaced by a fresh start.
//!
//! The file is three parts: a header line `supreme-risk-state 1`, a line
//! `sha256=<hex of the body>`, and the body, a JSON document.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::book::market::{equity_of, usage_mut};
use crate::book::state::{Latch, State};
use crate::{Error, LimitKind, Observed, RiskConfig, Scope, TradingState, Value};

const HEADER: &str = "supreme-risk-state 1\n";

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
    /// Parses a state file's bytes: header, checksum, then the JSON body.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let corrupt = |reason: &str| Error::StateCorrupt {
            path: None,
            reason: reason.to_owned(),
        };
        let rest = bytes
            .strip_prefix(HEADER.as_bytes())
            .ok_or_else(|| corrupt("not a risk state file (header)"))?;
        let rest = rest
            .strip_prefix(b"sha256=")
            .ok_or_else(|| corrupt("no checksum line"))?;
        let (sum, body) = rest
            .split_at_checked(65)
            .ok_or_else(|| corrupt("truncated checksum"))?;
        if sum.last() != Some(&b'\n') || sum[..64] != hex(&sha256(body)) {
            return Err(corrupt("checksum mismatch"));
        }
        let state: Self = serde_json::from_slice(body).map_err(|e| corrupt(&e.to_string()))?;
        if !state.scopes.iter().any(|r| r.scope == Scope::Global) {
            return Err(corrupt("no global scope record"));
        }
        Ok(state)
    }

    /// The file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let body = serde_json::to_vec_pretty(self).unwrap_or_default();
        let mut out = Vec::with_capacity(body.len() + 96);
        out.extend_from_slice(HEADER.as_bytes());
        out.extend_from_slice(b"sha256=");
        out.extend_from_slice(&hex(&sha256(&body)));
        out.push(b'\n');
        out.extend_from_slice(&body);
        out
    }

    /// The record of `scope`.
    pub fn record(&self, scope: &Scope) -> Option<&ScopeRecord> {
        self.scopes.iter().find(|r| r.scope == *scope)
    }
}

fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

fn hex(bytes: &[u8; 32]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(b & 15)];
    }
    out
}

/// The state file.
#[derive(Clone, Debug)]
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    /// The file at `path` (its directory must exist).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the state. A missing file is [`Error::StateMissing`], an
    /// unreadable or altered one [`Error::StateCorrupt`]: the caller decides.
    pub fn load(&self) -> Result<PersistedState, Error> {
        let bytes = match fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::StateMissing {
                    path: self.path.clone(),
                });
            }
            Err(source) => {
                return Err(Error::StateIo {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        PersistedState::parse(&bytes).map_err(|e| match e {
            Error::StateCorrupt { reason, .. } => Error::StateCorrupt {
                path: Some(self.path.clone()),
                reason,
            },
            other => other,
        })
    }

    /// Writes `state` atomically: a temporary file beside it (mode 0600),
    /// fsync, rename over the old one, fsync the directory.
    pub fn save(&self, state: &PersistedState) -> Result<(), Error> {
        let io = |source| Error::StateIo {
            path: self.path.clone(),
            source,
        };
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".tmp");
        let tmp = dir.join(name);
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io)?;
        file.write_all(&state.to_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        drop(file);
        fs::rename(&tmp, &self.path).map_err(io)?;
        File::open(&dir).and_then(|d| d.sync_all()).map_err(io)
    }
}

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
