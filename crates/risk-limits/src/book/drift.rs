//! Concentration drift: which share limits (position share of equity,
//! concentration) each position is over after a revaluation, the
//! [`Drift`] warning when one crosses from within to over, and the
//! reduce-only gate that limits set [`with_reduce_only_on_drift`] put on
//! the symbol while it stays over.
//!
//! The memory of what is over is one bit per limit kind, per scope: the
//! symbol's (global and symbol scopes) and the slot's (account scope). It
//! is derived state (positions and marks decide it), so it is not persisted.
//!
//! Cost: incremental (see `index`). A revaluation re-checks only the
//! positions whose value or memory moved since the last one, and at each
//! scope compares the largest position within and the smallest over with
//! the limit: O(log n) per moved position and per crossing, plus one step
//! per account and per distinct symbol-scope share limit. The check path
//! reads the two memory bytes of the order's symbol and slot and marks
//! them moved.
//!
//! [`with_reduce_only_on_drift`]: crate::PositionLimit::with_reduce_only_on_drift

mod index;
mod split;
#[cfg(test)]
mod tests;

use supreme_order_guard::Symbol;

use super::check::{concentration_active, over};
use super::state::State;
use crate::{AccountId, Drift, LimitKind, LimitSet, Observed, Pct, Rejection, Scope};

pub(crate) use index::{DriftIndex, add_account, add_slot, add_symbol, evaluate, touch};

/// Over the position-share limit.
const POSITION: u8 = 1;
/// Over the concentration limit.
const CONCENTRATION: u8 = 2;

/// Index of the global scope's bits in a symbol's memory.
pub(crate) const GLOBAL: usize = 0;
/// Index of the symbol scope's bits in a symbol's memory.
pub(crate) const SYMBOL: usize = 1;

/// The share limits of `l` that `part` is over, bit per kind (`whole`: the
/// gross exposure concentration is a share of; `equity`: the scope's
/// equity). Decided as orders are; each kind is monotone in `part`.
#[inline]
fn shares_over(l: &LimitSet, part: i128, whole: i128, equity: i128) -> u8 {
    let position = l
        .position
        .is_some_and(|p| over(p.max(), part, equity, false));
    let concentration = l.concentration.is_some_and(|c| {
        concentration_active(&c, whole, equity, false) && over(c.max(), part, whole, false)
    });
    (u8::from(position) * POSITION) | (u8::from(concentration) * CONCENTRATION)
}

/// The kinds of `l` that make a drifted symbol reduce-only.
fn reduce_only_bits(l: &LimitSet) -> u8 {
    let p = l.position.is_some_and(|p| p.reduce_only_on_drift());
    let c = l.concentration.is_some_and(|c| c.reduce_only_on_drift());
    (u8::from(p) * POSITION) | (u8::from(c) * CONCENTRATION)
}

fn has_shares(l: &LimitSet) -> bool {
    l.position.is_some() || l.concentration.is_some()
}

/// The limit kinds with their bits.
const KINDS: [(u8, LimitKind); 2] = [
    (POSITION, LimitKind::Position),
    (CONCENTRATION, LimitKind::Concentration),
];

/// The scope of a [`Check`], named only when reported.
#[derive(Clone, Copy)]
enum At<'a> {
    Global,
    Symbol,
    Account(&'a AccountId),
}

/// One position at one scope.
struct Check<'a> {
    limits: &'a LimitSet,
    scope: At<'a>,
    symbol: &'a Symbol,
    part: i128,
    whole: i128,
    equity: i128,
}

impl Check<'_> {
    fn scope(&self) -> Scope {
        match self.scope {
            At::Global => Scope::Global,
            At::Symbol => Scope::Symbol(*self.symbol),
            At::Account(id) => Scope::Account(*id),
        }
    }

    /// The limit of kind `bit` and the share now (`None` without that limit).
    fn observed(&self, bit: u8) -> Option<Observed> {
        let (limit, whole) = if bit == POSITION {
            (self.limits.position.map(|p| p.max()), self.equity)
        } else {
            (self.limits.concentration.map(|c| c.max()), self.whole)
        };
        limit.map(|limit| Observed::Share {
            limit,
            observed: Pct::ratio(self.part, whole),
        })
    }

    /// The warning that the position crossed the limit of kind `bit`.
    fn drift(&self, bit: u8, kind: LimitKind, now: u64, out: &mut Vec<Drift>) {
        if let Some(observed) = self.observed(bit) {
            out.push(Drift {
                scope: self.scope(),
                symbol: *self.symbol,
                kind,
                observed,
                at_ms: now,
                reduce_only: reduce_only_bits(self.limits) & bit != 0,
            });
        }
    }

    /// Sets `memory` to what the position is over now, with a [`Drift`] for
    /// each limit it was not over before; returns the bits.
    #[inline]
    fn cross(&self, memory: &mut u8, now: u64, out: &mut Vec<Drift>) -> u8 {
        let bits = shares_over(self.limits, self.part, self.whole, self.equity);
        for (bit, kind) in KINDS {
            if bits & bit != 0 && *memory & bit == 0 {
                self.drift(bit, kind, now, out);
            }
        }
        *memory = bits;
        bits
    }

    /// Records that the position crossed (`over`) or came back within the
    /// limit of kind `bit`, reporting a crossing.
    fn flip(&self, memory: &mut u8, bit: u8, over: bool, now: u64, out: &mut Vec<Drift>) {
        if over {
            *memory |= bit;
            let kind = if bit == POSITION {
                LimitKind::Position
            } else {
                LimitKind::Concentration
            };
            self.drift(bit, kind, now, out);
        } else {
            *memory &= !bit;
        }
    }
}

/// Refuses an order that adds risk in symbol `y` (account `a`, slot `s`)
/// while the symbol is over a limit set reduce-only on drift at any of its
/// scopes. Re-checked against the exposure now (a cancel may have brought
/// it back within since the last revaluation; then the bit clears).
#[inline]
pub(crate) fn gate(st: &mut State, a: u32, y: u32, s: u32) -> Result<(), Rejection> {
    let info = &st.symbols[y as usize];
    if info.over == [0, 0] && st.slots[s as usize].over == 0 {
        return Ok(());
    }
    gate_slow(st, a, y, s)
}

#[cold]
fn gate_slow(st: &mut State, a: u32, y: u32, s: u32) -> Result<(), Rejection> {
    // The memory may change here: the next revaluation re-checks them.
    touch(st, s);
    let equity = st.global_equity();
    let gross = st.exposure.gross();
    let global = st.global.limits;
    let account = &st.accounts[a as usize];
    let info = &mut st.symbols[y as usize];
    let slot = &mut st.slots[s as usize];
    let symbol_part = info.exposure.side_max();
    let (own, symbol) = (info.usage.limits, info.symbol);
    let symbol = &symbol;
    let [global_over, symbol_over] = &mut info.over;
    let at = |limits, scope, part, whole, equity| Check {
        limits,
        scope,
        symbol,
        part,
        whole,
        equity,
    };
    let checks = [
        (
            at(&global, At::Global, symbol_part, gross, equity),
            global_over,
        ),
        (
            at(
                &account.usage.limits,
                At::Account(&account.id),
                slot.exposure.side_max(),
                account.exposure.gross(),
                account.equity(),
            ),
            &mut slot.over,
        ),
        (
            at(&own, At::Symbol, symbol_part, gross, equity),
            symbol_over,
        ),
    ];
    for (check, memory) in checks {
        let held = *memory & reduce_only_bits(check.limits);
        if held == 0 {
            continue;
        }
        let bits = shares_over(check.limits, check.part, check.whole, check.equity);
        // Only clears: a new crossing is for the next revaluation to report.
        *memory &= bits;
        for (bit, kind) in KINDS {
            if let Some(observed) = check.observed(bit).filter(|_| held & bits & bit != 0) {
                return Err(Rejection::Drifted {
                    scope: check.scope(),
                    kind,
                    observed,
                });
            }
        }
    }
    Ok(())
}

/// Symbol `y` is reduce-only by drift at the global or its own scope.
pub(crate) fn symbol_reduce_only(st: &State, y: usize) -> bool {
    let info = &st.symbols[y];
    info.over[GLOBAL] & reduce_only_bits(&st.global.limits) != 0
        || info.over[SYMBOL] & reduce_only_bits(&info.usage.limits) != 0
}
