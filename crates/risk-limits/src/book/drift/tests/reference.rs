//! Incremental drift detection emits exactly what a full scan over every
//! symbol and slot (the detection before it was incremental, kept here as
//! the reference) emits, over random marks, rates, orders, fills and
//! cancels on a book with share limits at every scope.

use std::sync::Arc;

use supreme_core::event::{Event, VecSink};

use proptest::prelude::*;
use supreme_order_guard::{Order, Price, Quantity, Side, Symbol};

use super::super::{At, Check, GLOBAL, SYMBOL, has_shares};
use crate::book::state::State;
use crate::*;

/// The drift memory of every symbol (global, symbol scope) and slot.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Memory {
    symbols: Vec<[u8; 2]>,
    slots: Vec<u8>,
}

impl Memory {
    fn of(st: &State) -> Self {
        Self {
            symbols: st.symbols.iter().map(|s| s.over).collect(),
            slots: st.slots.iter().map(|s| s.over).collect(),
        }
    }
}

/// The reference: every symbol at the global and its own scope, then every
/// slot at its account's, each against the memory before.
fn scan(st: &State, memory: &mut Memory, now: u64) -> Vec<Drift> {
    memory.symbols.resize(st.symbols.len(), [0; 2]);
    memory.slots.resize(st.slots.len(), 0);
    let mut out = Vec::new();
    let equity = st.global_equity();
    let gross = st.exposure.gross();
    let global = &st.global.limits;
    for (info, memory) in st.symbols.iter().zip(&mut memory.symbols) {
        let at = |limits, scope| Check {
            limits,
            scope,
            symbol: &info.symbol,
            part: info.exposure.side_max(),
            whole: gross,
            equity,
        };
        if has_shares(global) {
            at(global, At::Global).cross(&mut memory[GLOBAL], now, &mut out);
        }
        let own = &info.usage.limits;
        if has_shares(own) {
            at(own, At::Symbol).cross(&mut memory[SYMBOL], now, &mut out);
        }
    }
    for (slot, memory) in st.slots.iter().zip(&mut memory.slots) {
        let account = &st.accounts[slot.account as usize];
        if has_shares(&account.usage.limits) {
            let check = Check {
                limits: &account.usage.limits,
                scope: At::Account(&account.id),
                symbol: &st.symbols[slot.symbol as usize].symbol,
                part: slot.exposure.side_max(),
                whole: account.exposure.gross(),
                equity: account.equity(),
            };
            check.cross(memory, now, &mut out);
        }
    }
    out
}

/// The drift warnings the book recorded, as core events.
#[derive(Clone, Default)]
struct Drifts(Arc<VecSink>);

impl Drifts {
    fn take(&self) -> Vec<Event> {
        self.0.take()
    }
}

/// A reference scan's drifts as the events the book records.
fn events(drifts: Vec<Drift>) -> Vec<Event> {
    drifts.iter().map(Drift::to_event).collect()
}

const T0: u64 = 1_700_000_000_000;
/// Symbols and their base prices (the last one quoted in EUR).
const SYMBOLS: [(&str, u64); 5] = [
    ("BTCUSDT", 50_000),
    ("ETHUSDT", 2_000),
    ("SOLUSDT", 100),
    ("XRPUSDT", 1),
    ("BTCEUR", 45_000),
];

fn sym(i: usize) -> Symbol {
    Symbol::new(SYMBOLS[i].0).unwrap()
}
fn asset(name: &str) -> Asset {
    Asset::new(name).unwrap()
}
fn account(i: usize) -> AccountId {
    AccountId::new(["main", "other"][i]).unwrap()
}
fn pct(p: u32) -> Pct {
    Pct::percent(p)
}
/// `base` × `percent` / 100, in price units.
fn price(base: u64, percent: u64) -> Price {
    Price::from_units(base * percent * 1_000_000)
}

/// Seed limits globally; a position limit on `main`, concentration on
/// `other`; position 8 % on BTCUSDT and SOLUSDT (one family), concentration
/// on ETHUSDT, none on XRPUSDT. `ro` sets reduce-only on drift per scope.
fn book(ro: [bool; 3]) -> (RiskBook<Arc<FakeClock>>, Drifts) {
    let position = |max, ro| LimitSet {
        position: Some(
            PositionLimit::new(pct(max), None)
                .unwrap()
                .with_reduce_only_on_drift(ro),
        ),
        ..LimitSet::default()
    };
    let concentration = |max, from, ro| LimitSet {
        concentration: Some(
            ConcentrationLimit::new(pct(max), pct(from)).with_reduce_only_on_drift(ro),
        ),
        ..LimitSet::default()
    };
    let seed = LimitSet {
        position: Some(PositionLimit::SEED.with_reduce_only_on_drift(ro[0])),
        ..LimitSet::SEED
    };
    let config = RiskConfig::new(asset("USDT"))
        .unwrap()
        .with_limits(Scope::Global, seed)
        .unwrap()
        .with_limits(Scope::Account(account(0)), position(30, ro[1]))
        .unwrap()
        .with_limits(Scope::Account(account(1)), concentration(40, 10, ro[1]))
        .unwrap()
        .with_limits(Scope::Symbol(sym(0)), position(8, ro[2]))
        .unwrap()
        .with_limits(Scope::Symbol(sym(2)), position(8, !ro[2]))
        .unwrap()
        .with_limits(Scope::Symbol(sym(1)), concentration(25, 20, ro[2]))
        .unwrap();
    let drifts = Drifts::default();
    let clock = Arc::new(FakeClock::new(T0));
    let book = RiskBook::new(config, clock)
        .unwrap()
        .with_events(drifts.0.clone());
    book.add_account(account(1)).unwrap();
    for (i, (name, base)) in SYMBOLS.iter().enumerate() {
        let quote = if i == 4 { "EUR" } else { "USDT" };
        book.add_symbol(sym(i), asset(&name[..3]), asset(quote))
            .unwrap();
        book.set_mark(sym(i), price(*base, 100)).unwrap();
    }
    book.set_rate(asset("EUR"), price(1, 110));
    book.deposit(account(0), asset("USDT"), "100000".parse().unwrap())
        .unwrap();
    book.deposit(account(1), asset("USDT"), "50000".parse().unwrap())
        .unwrap();
    let held = [
        (0, 0, "0.15"),
        (0, 1, "5"),
        (0, 2, "80"),
        (1, 3, "4000"),
        (1, 4, "0.3"),
        (1, 0, "0.1"),
    ];
    for (a, y, qty) in held {
        let base = price(SYMBOLS[y].1, 100);
        book.set_position(account(a), sym(y), qty.parse().unwrap(), base)
            .unwrap();
    }
    (book, drifts)
}

#[derive(Clone, Debug)]
enum Op {
    /// Symbol, percent of its base price.
    Mark(usize, u64),
    /// EUR in USDT, percent.
    Rate(u64),
    /// Account, symbol, buy, quantity in hundredths of a base unit, percent of base price.
    Order(usize, usize, bool, u64, u64),
    /// Open order, whole (or half).
    Fill(usize, bool),
    Cancel(usize),
    /// Account, deposit (or withdraw), thousands of USDT: equity moves with
    /// no revaluation.
    Cash(usize, bool, u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..5, 20u64..300).prop_map(|(y, p)| Op::Mark(y, p)),
        1 => (50u64..200).prop_map(Op::Rate),
        3 => (0usize..2, 0usize..5, any::<bool>(), 1u64..2_000, 50u64..150)
            .prop_map(|(a, y, b, q, p)| Op::Order(a, y, b, q, p)),
        2 => (0usize..8, any::<bool>()).prop_map(|(i, w)| Op::Fill(i, w)),
        1 => (0usize..8).prop_map(Op::Cancel),
        1 => (0usize..2, any::<bool>(), 1u64..60).prop_map(|(a, d, k)| Op::Cash(a, d, k)),
    ]
}

/// An accepted order still open: id, symbol, quantity left, price.
type Open = (ReservationId, Quantity, Price);

fn apply(book: &RiskBook<Arc<FakeClock>>, open: &mut Vec<Open>, op: &Op) -> bool {
    let default = StrategyId::new("default").unwrap();
    match *op {
        Op::Mark(y, percent) => book.set_mark(sym(y), price(SYMBOLS[y].1, percent)).unwrap(),
        Op::Rate(percent) => book.set_rate(asset("EUR"), price(1, percent)),
        Op::Order(a, y, buy, hundredths, percent) => {
            let side = if buy { Side::Buy } else { Side::Sell };
            let (qty, px) = (
                Quantity::from_units(hundredths * 1_000_000),
                price(SYMBOLS[y].1, percent),
            );
            let origin = Origin {
                account: account(a),
                strategy: default,
            };
            if let Ok(ok) = book.check_and_reserve_for(&Order::limit(sym(y), side, qty, px), origin)
            {
                open.push((ok.id, qty, px));
            }
            return false;
        }
        Op::Fill(i, whole) if i < open.len() => {
            let (id, qty, px) = open[i];
            let filled = if whole {
                qty
            } else {
                Quantity::from_units(qty.units() / 2)
            };
            let report = book.fill(id, filled, px, None).unwrap();
            if report.closed {
                open.remove(i);
            } else {
                open[i].1 = Quantity::from_units(qty.units() - filled.units());
            }
        }
        Op::Cancel(i) if i < open.len() => {
            book.cancel(open.remove(i).0).unwrap();
            return false;
        }
        Op::Cash(a, deposit, thousands) => {
            let amount = Quantity::from_units(thousands * 100_000_000_000);
            let usdt = asset("USDT");
            match deposit {
                true => book.deposit(account(a), usdt, amount).unwrap(),
                false => book.withdraw(account(a), usdt, amount).unwrap(),
            }
            return false;
        }
        Op::Fill(..) | Op::Cancel(_) => return false,
    }
    true
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Start, then every operation: the warnings the book emits are the
    /// full scan's, in its order, and the memory is the scan's after every
    /// revaluation.
    #[test]
    fn incremental_drift_matches_a_full_scan(
        ro in any::<[bool; 3]>(),
        ops in prop::collection::vec(op(), 1..60),
    ) {
        let (book, drifts) = book(ro);
        let mut memory = Memory::of(&book.lock());
        book.start_fresh().unwrap();
        let expected = scan(&book.lock(), &mut memory, T0);
        prop_assert_eq!(drifts.take(), events(expected));
        prop_assert_eq!(&Memory::of(&book.lock()), &memory);
        let mut open = Vec::new();
        for op in &ops {
            let mut before = Memory::of(&book.lock());
            let revalued = apply(&book, &mut open, op);
            let emitted = drifts.take();
            let st = book.lock();
            if revalued {
                let expected = events(scan(&st, &mut before, T0));
                prop_assert_eq!(&emitted, &expected, "after {:?}", op);
                prop_assert_eq!(&Memory::of(&st), &before, "after {:?}", op);
            } else {
                prop_assert!(emitted.is_empty(), "after {:?}: {:?}", op, emitted);
            }
        }
    }
}
