//! Many threads on one shared book never jointly exceed a limit.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use common::*;
use supreme_order_guard::{Price, Quantity};
use supreme_risk_limits::*;

const THREADS: u64 = 8;

#[test]
fn concurrent_reservations_never_jointly_exceed_the_cap() {
    let limits = LimitSet {
        gross_exposure: Some(v("10000")),
        max_open_orders: NonZeroU32::new(150),
        ..LimitSet::default()
    };
    let book = Arc::new(unstarted(config(limits), Arc::new(FakeClock::new(T0))));
    book.start_fresh().unwrap();
    // Sum of accepted worst-case values, in 10⁻¹⁶ USDT (qty × price at the mark).
    let accepted = Arc::new(AtomicU64::new(0));
    let count = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (book, accepted, count) = (book.clone(), accepted.clone(), count.clone());
            thread::spawn(move || {
                for i in 0..400u64 {
                    // 0.00001 .. 0.00128 BTC at 50,000: 0.5 .. 64 USDT.
                    let units = 1_000 * (1 + (t * 7 + i * 13) % 128);
                    let order = buy(btc(), Quantity::from_units(units), p("50000"));
                    if book.check_and_reserve(&order).is_ok() {
                        accepted.fetch_add(units * 50_000, Ordering::SeqCst);
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().unwrap());
    // units × 50,000 is in 10⁻⁸ USDT.
    let total = accepted.load(Ordering::SeqCst);
    let count = count.load(Ordering::SeqCst);
    assert!(count <= 150, "open orders {count}");
    assert!(total <= 10_000 * 100_000_000, "accepted {total} > cap");
    let gross = book.view(Scope::Global).unwrap().gross;
    assert_eq!(
        gross.units(),
        i128::from(total) * 100_000_000,
        "book agrees with the threads"
    );
    assert!(
        count == 150 || total > 9_936 * 100_000_000,
        "filled up to the cap"
    );
}

#[test]
fn concurrent_orders_fills_and_cancels_keep_every_limit() {
    let limits = LimitSet {
        position: Some(PositionLimit::SEED),
        gross_exposure: Some(v("15000")),
        max_open_orders: NonZeroU32::new(20),
        ..LimitSet::default()
    };
    let book = Arc::new(unstarted(config(limits), Arc::new(FakeClock::new(T0))));
    book.start_fresh().unwrap();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let book = book.clone();
            thread::spawn(move || {
                let mut mine = Vec::new();
                for i in 0..300u64 {
                    let (sym, price) = if (t + i) % 2 == 0 {
                        (btc(), Price::from_units(5_000_000_000_000))
                    } else {
                        (eth(), Price::from_units(200_000_000_000))
                    };
                    let qty = Quantity::from_units(100_000 * (1 + (t * 31 + i * 17) % 50));
                    let side_sell = i % 5 == 4;
                    let order = if side_sell {
                        sell(sym, qty, price)
                    } else {
                        buy(sym, qty, price)
                    };
                    if let Ok(a) = book.check_and_reserve(&order) {
                        let view = book.view(Scope::Global).unwrap();
                        if !a.reducing {
                            assert!(view.gross <= v("15000"), "gross {}", view.gross);
                            for s in [btc(), eth()] {
                                let sv = book.view(Scope::Symbol(s)).unwrap();
                                let side = sv.long.max(sv.short);
                                assert!(side <= v("10000"), "{s} {side}");
                            }
                        }
                        mine.push((a.id, qty, price));
                    }
                    if i % 3 == 0
                        && let Some((id, qty, price)) = mine.pop()
                    {
                        if i % 2 == 0 {
                            book.fill(id, qty, price, None).unwrap();
                        } else {
                            book.cancel(id).unwrap();
                        }
                    }
                }
                mine.into_iter()
                    .for_each(|(id, _, _)| book.cancel(id).unwrap());
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().unwrap());
    let view = book.view(Scope::Global).unwrap();
    assert_eq!(view.open_orders, 0);
    // What is left is positions only: marked at the fill prices, within the caps.
    let btc_pos = book
        .position(main_account(), btc())
        .map_or(0, |p| p.value.units());
    let eth_pos = book
        .position(main_account(), eth())
        .map_or(0, |p| p.value.units());
    assert_eq!(view.gross.units(), btc_pos.abs() + eth_pos.abs());
    assert!(view.gross <= v("15000"));
}
