//! proptest over random sequences of orders, fills, cancels, price moves and
//! halts: what was accepted never exceeds a limit, and an order that only
//! reduces a position is always accepted.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::num::NonZeroU32;
use std::sync::Arc;

use common::*;
use proptest::prelude::*;
use supreme_order_guard::{Order, Price, Quantity, Side, Symbol};
use supreme_risk_limits::*;

#[derive(Debug, Clone)]
enum Op {
    Order {
        sym: usize,
        sell: bool,
        lots: u64,
        price_pct: u64,
        market: bool,
    },
    Exit {
        sym: usize,
        share_pct: u64,
    },
    Fill {
        pick: usize,
        share_pct: u64,
    },
    Cancel {
        pick: usize,
    },
    Mark {
        sym: usize,
        pct: u64,
    },
    Halt(bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..2usize, any::<bool>(), 1..60u64, 90..111u64, any::<bool>())
            .prop_map(|(sym, sell, lots, price_pct, market)| Op::Order { sym, sell, lots, price_pct, market }),
        2 => (0..2usize, 1..101u64).prop_map(|(sym, share_pct)| Op::Exit { sym, share_pct }),
        3 => (any::<usize>(), 1..101u64).prop_map(|(pick, share_pct)| Op::Fill { pick, share_pct }),
        2 => any::<usize>().prop_map(|pick| Op::Cancel { pick }),
        2 => (0..2usize, 85..116u64).prop_map(|(sym, pct)| Op::Mark { sym, pct }),
        1 => any::<bool>().prop_map(Op::Halt),
    ]
}

struct OpenOrder {
    id: ReservationId,
    sym: usize,
    side: Side,
    remaining: u64,
    price: Price,
    reducing: bool,
}

const SYMS: [(&str, u64); 2] = [("BTCUSDT", 50_000), ("ETHUSDT", 2_000)];

fn symbol(i: usize) -> Symbol {
    Symbol::new(SYMS[i].0).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn accepted_orders_never_exceed_a_limit(ops in prop::collection::vec(op(), 1..120)) {
        let gross_cap = v("25000");
        let net_cap = v("15000");
        let limits = LimitSet {
            position: Some(PositionLimit::SEED),
            gross_exposure: Some(gross_cap),
            net_exposure: Some(net_cap),
            max_open_orders: NonZeroU32::new(12),
            ..LimitSet::default()
        };
        let book = unstarted(config(limits), Arc::new(FakeClock::new(T0)));
        book.start_fresh().unwrap();
        let mut marks = [SYMS[0].1 * 100_000_000, SYMS[1].1 * 100_000_000];
        let mut position = [0i128; 2];
        let mut open: Vec<OpenOrder> = Vec::new();

        for op in ops {
            match op {
                Op::Order { sym, sell, lots, price_pct, market } => {
                    // A lot is 1/1000 of a unit of value 1,000 USDT at the start mark.
                    let qty = Quantity::from_units(lots * 100_000_000_000 / (SYMS[sym].1 * 1000) * 10);
                    let price = Price::from_units(marks[sym] / 100 * price_pct);
                    let side = if sell { Side::Sell } else { Side::Buy };
                    let order = if market {
                        Order::market(symbol(sym), side, qty)
                    } else {
                        Order::limit(symbol(sym), side, qty, price)
                    };
                    submit(&book, order, sym, price, &mut open, marks[sym], gross_cap, net_cap)?;
                }
                Op::Exit { sym, share_pct } => {
                    // Whatever is held and not already being reduced.
                    let pending: i128 = open.iter().filter(|o| o.sym == sym && o.reducing)
                        .map(|o| i128::from(o.remaining)).sum();
                    let free = position[sym].abs() - pending;
                    if free <= 0 { continue; }
                    let qty = u64::try_from(free * i128::from(share_pct) / 100).unwrap().max(1);
                    let side = if position[sym] > 0 { Side::Sell } else { Side::Buy };
                    let price = Price::from_units(marks[sym]);
                    let order = Order::limit(symbol(sym), side, Quantity::from_units(qty), price);
                    let accepted = book.check_and_reserve(&order);
                    prop_assert!(accepted.is_ok(), "a reducing order was refused: {:?}", accepted);
                    let accepted = accepted.unwrap();
                    prop_assert!(accepted.reducing);
                    open.push(OpenOrder { id: accepted.id, sym, side, remaining: qty, price, reducing: true });
                }
                Op::Fill { pick, share_pct } => {
                    if open.is_empty() { continue; }
                    let i = pick % open.len();
                    let o = &mut open[i];
                    let qty = (o.remaining * share_pct / 100).max(1);
                    let report = book.fill(o.id, Quantity::from_units(qty), o.price, None).unwrap();
                    position[o.sym] += match o.side { Side::Buy => i128::from(qty), Side::Sell => -i128::from(qty) };
                    o.remaining -= qty;
                    prop_assert_eq!(report.closed, o.remaining == 0);
                    if o.remaining == 0 { open.swap_remove(i); }
                    for (s, &expected) in position.iter().enumerate() {
                        let held = book.position(main_account(), symbol(s)).map_or(0, |p| p.quantity_units);
                        prop_assert_eq!(held, expected);
                    }
                }
                Op::Cancel { pick } => {
                    if open.is_empty() { continue; }
                    let o = open.swap_remove(pick % open.len());
                    book.cancel(o.id).unwrap();
                    prop_assert!(book.cancel(o.id).is_err());
                }
                Op::Mark { sym, pct } => {
                    marks[sym] = SYMS[sym].1 * 100_000_000 / 100 * pct;
                    book.set_mark(symbol(sym), Price::from_units(marks[sym])).unwrap();
                }
                Op::Halt(halt) => {
                    let state = if halt { TradingState::Halted } else { TradingState::Active };
                    book.set_state(Scope::Global, state).unwrap();
                }
            }
            let view = book.view(Scope::Global).unwrap();
            prop_assert_eq!(view.open_orders as usize, open.len());
        }
        for o in open { book.cancel(o.id).unwrap(); }
        let view = book.view(Scope::Global).unwrap();
        let held: i128 = (0..2)
            .filter_map(|s| book.position(main_account(), symbol(s)))
            .map(|p| p.value.units().abs())
            .sum();
        prop_assert_eq!(view.gross.units(), held, "only positions remain");
        prop_assert_eq!(view.open_orders, 0);
    }
}

#[allow(clippy::too_many_arguments)]
fn submit(
    book: &RiskBook<Arc<FakeClock>>,
    order: Order,
    sym: usize,
    price: Price,
    open: &mut Vec<OpenOrder>,
    mark: u64,
    gross_cap: Value,
    net_cap: Value,
) -> Result<(), TestCaseError> {
    let before = book.view(Scope::Global).unwrap();
    let Ok(accepted) = book.check_and_reserve(&order) else {
        return Ok(());
    };
    let after = book.view(Scope::Global).unwrap();
    if !accepted.reducing {
        prop_assert!(
            before.state == TradingState::Active,
            "accepted while {:?}",
            before.state
        );
        prop_assert!(after.gross <= gross_cap, "gross {}", after.gross);
        prop_assert!(after.net <= net_cap, "net {}", after.net);
        prop_assert!(after.open_orders <= 12);
        let equity = after.equity.unwrap().units();
        for s in 0..2 {
            let sv = book.view(Scope::Symbol(symbol(s))).unwrap();
            let side = sv.long.max(sv.short).units();
            prop_assert!(
                side * 10 <= equity,
                "{} side {} of equity {}",
                symbol(s),
                side,
                equity
            );
        }
    }
    let qty = order.quantity.unwrap().units();
    let fill_price = if order.price.is_some() {
        price
    } else {
        Price::from_units(mark)
    };
    open.push(OpenOrder {
        id: accepted.id,
        sym,
        side: order.side,
        remaining: qty,
        price: fill_price,
        reducing: accepted.reducing,
    });
    Ok(())
}
