//! Incremental drift detection. At one scope every position's share has
//! the same denominator (the scope's equity, or its gross exposure for
//! concentration) and the same limit, and "over" is monotone in the
//! position's value. So the positions over are the largest ones, and a
//! revaluation finds every crossing by comparing the largest position
//! within and the smallest over with the limit ([`Split`]), one crossing at
//! a time. A position whose value or memory moved since the last
//! revaluation (marked by [`touch`]) is re-checked on its own first.
//!
//! Families of members with one denominator and one limit: the global
//! scope (every symbol), each distinct share limit set at symbol scopes
//! (those symbols), each account with share limits (its slots).

use super::split::Split;
use super::{At, CONCENTRATION, Check, GLOBAL, KINDS, POSITION, SYMBOL, has_shares};
use crate::book::check::concentration_active;
use crate::book::state::{State, SymbolInfo};
use crate::{ConcentrationLimit, Drift, LimitKind, LimitSet, Pct, Scope};

/// No family.
const NONE: u32 = u32::MAX;

/// What decides "over" at a scope besides the denominators.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Thresholds {
    position: Option<Pct>,
    concentration: Option<ConcentrationLimit>,
}

impl Thresholds {
    fn of(l: &LimitSet) -> Self {
        Self {
            position: l.position.map(|p| p.max()),
            concentration: l
                .concentration
                .map(|c| ConcentrationLimit::new(c.max(), c.active_from())),
        }
    }
}

/// Members (symbols or slots) sharing denominators and thresholds.
#[derive(Debug)]
pub(crate) struct Family {
    thresholds: Thresholds,
    /// Position share and concentration, by [`KINDS`] order.
    splits: [Split; 2],
    /// Member id in the splits → symbol or slot index.
    members: Vec<u32>,
}

impl Family {
    fn new(l: &LimitSet) -> Self {
        Self {
            thresholds: Thresholds::of(l),
            splits: Default::default(),
            members: Vec::new(),
        }
    }

    fn add(&mut self, member: u32) -> u32 {
        self.members.push(member);
        let [position, concentration] = &mut self.splits;
        concentration.add();
        position.add()
    }

    /// A member's value and memory bits after it was re-checked.
    #[inline]
    fn place(&mut self, id: u32, part: i128, bits: u8) {
        for ((bit, _), split) in KINDS.into_iter().zip(&mut self.splits) {
            split.set(id, part, bits & bit != 0);
        }
    }

    /// Moves every member whose side changed with the denominators `whole`
    /// (gross) and `equity`, telling `on` (member, bit, value, now over).
    #[inline]
    fn settle(&mut self, whole: i128, equity: i128, mut on: impl FnMut(u32, u8, i128, bool)) {
        let Self {
            thresholds,
            splits,
            members,
        } = self;
        let [position, concentration] = splits;
        if let Some(max) = thresholds.position {
            let over = |part| max.exceeded_by(part, equity);
            settle(position, members, over, POSITION, &mut on);
        }
        if let Some(c) = thresholds.concentration {
            let active = concentration_active(&c, whole, equity, false);
            let over = |part| active && c.max().exceeded_by(part, whole);
            settle(concentration, members, over, CONCENTRATION, &mut on);
        }
    }
}

fn settle(
    split: &mut Split,
    members: &[u32],
    over: impl Fn(i128) -> bool,
    bit: u8,
    on: &mut impl FnMut(u32, u8, i128, bool),
) {
    while let Some((part, id)) = split.top_within().filter(|(part, _)| over(*part)) {
        split.flip(id);
        on(members[id as usize], bit, part, true);
    }
    while let Some((part, id)) = split.least_over().filter(|(part, _)| !over(*part)) {
        split.flip(id);
        on(members[id as usize], bit, part, false);
    }
}

/// The families, and the members moved since the last revaluation.
#[derive(Debug, Default)]
pub(crate) struct DriftIndex {
    global: Option<Family>,
    symbols: Vec<Family>,
    /// By account index.
    accounts: Vec<Option<Family>>,
    /// Symbols (then slots) touched; capacity for all, so pushes never allocate.
    dirty_symbols: Vec<u32>,
    dirty_slots: Vec<u32>,
}

impl DriftIndex {
    /// An index for a book with `global` limits.
    pub(crate) fn new(global: &LimitSet) -> Self {
        Self {
            global: has_shares(global).then(|| Family::new(global)),
            ..Self::default()
        }
    }
}

/// Registers account `a` (just added).
pub(crate) fn add_account(st: &mut State, a: u32) {
    let limits = &st.accounts[a as usize].usage.limits;
    let family = has_shares(limits).then(|| Family::new(limits));
    st.drift.accounts.push(family);
}

/// Registers symbol `y` (just added) in its families; checked at the next
/// revaluation.
pub(crate) fn add_symbol(st: &mut State, y: u32) {
    let drift = &mut st.drift;
    let info = &mut st.symbols[y as usize];
    if let Some(f) = &mut drift.global {
        info.local[GLOBAL] = f.add(y);
    }
    info.family = NONE;
    if has_shares(&info.usage.limits) {
        let thresholds = Thresholds::of(&info.usage.limits);
        let ix = match drift
            .symbols
            .iter()
            .position(|f| f.thresholds == thresholds)
        {
            Some(ix) => ix,
            None => {
                drift.symbols.push(Family::new(&info.usage.limits));
                drift.symbols.len() - 1
            }
        };
        info.family = u32::try_from(ix).unwrap_or(NONE);
        info.local[SYMBOL] = drift.symbols[ix].add(y);
    }
    let n = st.symbols.len();
    drift.dirty_symbols.reserve(n - drift.dirty_symbols.len());
    st.symbols[y as usize].dirty = true;
    drift.dirty_symbols.push(y);
}

/// Registers slot `s` (just added) in its account's family.
pub(crate) fn add_slot(st: &mut State, s: u32) {
    let drift = &mut st.drift;
    let slot = &mut st.slots[s as usize];
    slot.local = NONE;
    if let Some(Some(f)) = drift.accounts.get_mut(slot.account as usize) {
        slot.local = f.add(s);
    }
    let n = st.slots.len();
    drift.dirty_slots.reserve(n - drift.dirty_slots.len());
    touch(st, s);
}

/// Slot `s` and its symbol moved (value, reservation or memory): the next
/// revaluation re-checks them. No allocation.
#[inline]
pub(crate) fn touch(st: &mut State, s: u32) {
    let slot = &mut st.slots[s as usize];
    if !slot.dirty {
        slot.dirty = true;
        st.drift.dirty_slots.push(s);
    }
    let y = slot.symbol;
    let info = &mut st.symbols[y as usize];
    if !info.dirty {
        info.dirty = true;
        st.drift.dirty_symbols.push(y);
    }
}

/// Updates what every position is over at every scope with share limits,
/// after a revaluation (`equity`: the global equity now); reports each new
/// crossing, in symbol order (global then symbol scope), then slot order
/// (account scope).
pub(crate) fn evaluate(st: &mut State, equity: i128, now: u64, out: &mut Vec<Drift>) {
    let first = out.len();
    let gross = st.exposure.gross();
    let State {
        drift,
        symbols,
        slots,
        accounts,
        global,
        ..
    } = &mut *st;
    let global = &global.limits;
    while let Some(y) = drift.dirty_symbols.pop() {
        let SymbolInfo {
            symbol,
            usage,
            exposure,
            over,
            family,
            local,
            dirty,
            ..
        } = &mut symbols[y as usize];
        *dirty = false;
        let part = exposure.side_max();
        let at = |limits, scope| Check {
            limits,
            scope,
            symbol,
            part,
            whole: gross,
            equity,
        };
        if let Some(f) = &mut drift.global {
            let bits = at(global, At::Global).cross(&mut over[GLOBAL], now, out);
            f.place(local[GLOBAL], part, bits);
        }
        if let Some(f) = drift.symbols.get_mut(*family as usize) {
            let check = at(&usage.limits, At::Symbol);
            let bits = check.cross(&mut over[SYMBOL], now, out);
            f.place(local[SYMBOL], part, bits);
        }
    }
    while let Some(s) = drift.dirty_slots.pop() {
        let slot = &mut slots[s as usize];
        slot.dirty = false;
        if let Some(Some(f)) = drift.accounts.get_mut(slot.account as usize) {
            let account = &accounts[slot.account as usize];
            let part = slot.exposure.side_max();
            let check = Check {
                limits: &account.usage.limits,
                scope: At::Account(&account.id),
                symbol: &symbols[slot.symbol as usize].symbol,
                part,
                whole: account.exposure.gross(),
                equity: account.equity(),
            };
            let bits = check.cross(&mut slot.over, now, out);
            f.place(slot.local, part, bits);
        }
    }
    // Members not moved: only the extremes of each family can have crossed.
    let mut symbol_side = |f: &mut Family, memory: usize, global_scope: bool| {
        f.settle(gross, equity, |y, bit, part, over| {
            let info = &mut symbols[y as usize];
            let check = Check {
                limits: if global_scope {
                    global
                } else {
                    &info.usage.limits
                },
                scope: if global_scope { At::Global } else { At::Symbol },
                symbol: &info.symbol,
                part,
                whole: gross,
                equity,
            };
            check.flip(&mut info.over[memory], bit, over, now, out);
        });
    };
    if let Some(f) = &mut drift.global {
        symbol_side(f, GLOBAL, true);
    }
    for f in &mut drift.symbols {
        symbol_side(f, SYMBOL, false);
    }
    for (account, f) in accounts.iter().zip(&mut drift.accounts) {
        let Some(f) = f else { continue };
        let (whole, equity) = (account.exposure.gross(), account.equity());
        f.settle(whole, equity, |s, bit, part, over| {
            let slot = &mut slots[s as usize];
            let check = Check {
                limits: &account.usage.limits,
                scope: At::Account(&account.id),
                symbol: &symbols[slot.symbol as usize].symbol,
                part,
                whole,
                equity,
            };
            check.flip(&mut slot.over, bit, over, now, out);
        });
    }
    if out.len() - first > 1 {
        out[first..].sort_unstable_by_key(|d| report_order(st, d));
    }
}

/// Where a full pass over the symbols, then the slots, would report `d`.
fn report_order(st: &State, d: &Drift) -> (u8, u32, u8, bool) {
    let y = st.symbol_ix.get(&d.symbol).copied().unwrap_or(NONE);
    let late = d.kind == LimitKind::Concentration;
    match d.scope {
        Scope::Global => (0, y, 0, late),
        Scope::Symbol(_) => (0, y, 1, late),
        Scope::Account(id) => {
            let a = st.account_ix.get(&id).copied().unwrap_or(NONE);
            let s = st
                .symbols
                .get(y as usize)
                .and_then(|info| info.slots.iter().find(|(acc, _)| *acc == a))
                .map_or(NONE, |(_, s)| *s);
            (1, s, 0, late)
        }
        Scope::Strategy(_) => (2, y, 0, late),
    }
}
