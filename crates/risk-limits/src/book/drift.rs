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
//! Cost: a revaluation (mark, rate, fill) makes one pass over the symbols
//! when a global or symbol scope has share limits, and one over the
//! positions when an account has; none otherwise. The check path only
//! reads the two memory bytes of the order's symbol and slot.
//!
//! [`with_reduce_only_on_drift`]: crate::PositionLimit::with_reduce_only_on_drift

use supreme_order_guard::Symbol;

use super::check::{concentration_active, over};
use super::state::{State, SymbolInfo};
use crate::{Drift, LimitKind, LimitSet, Observed, Pct, Rejection, Scope};

/// Over the position-share limit.
const POSITION: u8 = 1;
/// Over the concentration limit.
const CONCENTRATION: u8 = 2;

/// Index of the global scope's bits in a symbol's memory.
pub(crate) const GLOBAL: usize = 0;
/// Index of the symbol scope's bits in a symbol's memory.
pub(crate) const SYMBOL: usize = 1;

/// The share limits of `l` that `part` is over, bit per kind, with the
/// observed share of each (`whole`: the gross exposure concentration is a
/// share of; `equity`: the scope's equity). Decided as orders are.
fn shares_over(l: &LimitSet, part: i128, whole: i128, equity: i128) -> (u8, [Option<Observed>; 2]) {
    let mut bits = 0;
    let mut observed = [None, None];
    if let Some(p) = l.position.filter(|p| over(p.max(), part, equity, false)) {
        bits |= POSITION;
        observed[0] = Some(Observed::Share {
            limit: p.max(),
            observed: Pct::ratio(part, equity),
        });
    }
    if let Some(c) = l.concentration.filter(|c| {
        concentration_active(c, whole, equity, false) && over(c.max(), part, whole, false)
    }) {
        bits |= CONCENTRATION;
        observed[1] = Some(Observed::Share {
            limit: c.max(),
            observed: Pct::ratio(part, whole),
        });
    }
    (bits, observed)
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

/// One position at one scope: what it is over now; a [`Drift`] for each
/// limit it was not over before.
struct Check<'a> {
    limits: &'a LimitSet,
    scope: Scope,
    symbol: Symbol,
    part: i128,
    whole: i128,
    equity: i128,
}

impl Check<'_> {
    fn cross(&self, memory: &mut u8, now: u64, out: &mut Vec<Drift>) {
        let (bits, observed) = shares_over(self.limits, self.part, self.whole, self.equity);
        let reduce_only = reduce_only_bits(self.limits);
        let kinds = [
            (POSITION, LimitKind::Position),
            (CONCENTRATION, LimitKind::Concentration),
        ];
        for ((bit, kind), observed) in kinds.into_iter().zip(observed) {
            if let Some(observed) = observed.filter(|_| *memory & bit == 0) {
                out.push(Drift {
                    scope: self.scope,
                    symbol: self.symbol,
                    kind,
                    observed,
                    at_ms: now,
                    reduce_only: reduce_only & bit != 0,
                });
            }
        }
        *memory = bits;
    }
}

/// Updates what every position is over at every scope with share limits,
/// after a revaluation; reports each new crossing. One pass over the
/// symbols and one over the slots (positions), each only where such limits
/// are set.
pub(crate) fn evaluate(st: &mut State, now: u64, out: &mut Vec<Drift>) {
    let equity = st.global_equity();
    let gross = st.exposure.gross();
    let global = st.global.limits;
    let (global_shares, symbol_shares) = (has_shares(&global), st.symbol_shares);
    if global_shares || symbol_shares {
        for info in &mut st.symbols {
            let SymbolInfo {
                symbol,
                usage,
                exposure,
                over,
                ..
            } = info;
            let at = |limits, scope| Check {
                limits,
                scope,
                symbol: *symbol,
                part: exposure.side_max(),
                whole: gross,
                equity,
            };
            let [global_over, symbol_over] = over;
            if global_shares {
                at(&global, Scope::Global).cross(global_over, now, out);
            }
            if symbol_shares && has_shares(&usage.limits) {
                at(&usage.limits, Scope::Symbol(*symbol)).cross(symbol_over, now, out);
            }
        }
    }
    if !st.accounts.iter().any(|a| has_shares(&a.usage.limits)) {
        return;
    }
    for slot in &mut st.slots {
        let account = &st.accounts[slot.account as usize];
        if !has_shares(&account.usage.limits) {
            continue;
        }
        let check = Check {
            limits: &account.usage.limits,
            scope: Scope::Account(account.id),
            symbol: st.symbols[slot.symbol as usize].symbol,
            part: slot.exposure.side_max(),
            whole: account.exposure.gross(),
            equity: account.equity(),
        };
        check.cross(&mut slot.over, now, out);
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
    let equity = st.global_equity();
    let gross = st.exposure.gross();
    let global = st.global.limits;
    let account = &st.accounts[a as usize];
    let info = &mut st.symbols[y as usize];
    let slot = &mut st.slots[s as usize];
    let symbol_part = info.exposure.side_max();
    let (own, symbol) = (info.usage.limits, info.symbol);
    let [global_over, symbol_over] = &mut info.over;
    let checks = [
        (
            &global,
            Scope::Global,
            symbol_part,
            gross,
            equity,
            global_over,
        ),
        (
            &account.usage.limits,
            Scope::Account(account.id),
            slot.exposure.side_max(),
            account.exposure.gross(),
            account.equity(),
            &mut slot.over,
        ),
        (
            &own,
            Scope::Symbol(symbol),
            symbol_part,
            gross,
            equity,
            symbol_over,
        ),
    ];
    for (limits, scope, part, whole, equity, memory) in checks {
        let held = *memory & reduce_only_bits(limits);
        if held == 0 {
            continue;
        }
        let (bits, observed) = shares_over(limits, part, whole, equity);
        // Only clears: a new crossing is for the next revaluation to report.
        *memory &= bits;
        let kinds = [
            (POSITION, LimitKind::Position),
            (CONCENTRATION, LimitKind::Concentration),
        ];
        for ((bit, kind), observed) in kinds.into_iter().zip(observed) {
            if let Some(observed) = observed.filter(|_| held & bit != 0) {
                return Err(Rejection::Drifted {
                    scope,
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
