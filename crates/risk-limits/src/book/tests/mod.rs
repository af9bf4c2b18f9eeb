//! Unit tests: every limit at its boundary, reducing orders, bookkeeping;
//! the shared book and order helpers are here, the tests in files by concept.

use std::num::{NonZeroU32, NonZeroU64};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use supreme_order_guard::{Order, OrderType, Price, Quantity, Side, Symbol};

use crate::*;

mod counts;
mod exits;
mod exposure;
mod losses;
mod records;
mod scopes;

const T0: u64 = 1_700_000_000_000;

fn q(s: &str) -> Quantity {
    s.parse().unwrap()
}
fn p(s: &str) -> Price {
    s.parse().unwrap()
}
fn v(s: &str) -> Value {
    s.parse().unwrap()
}
fn usdt() -> Asset {
    Asset::new("USDT").unwrap()
}
fn btc() -> Symbol {
    Symbol::new("BTCUSDT").unwrap()
}
fn eth() -> Symbol {
    Symbol::new("ETHUSDT").unwrap()
}
fn main_account() -> AccountId {
    AccountId::new("main").unwrap()
}
fn buy(sym: Symbol, qty: &str, price: &str) -> Order {
    Order::limit(sym, Side::Buy, q(qty), p(price))
}
fn sell(sym: Symbol, qty: &str, price: &str) -> Order {
    Order::limit(sym, Side::Sell, q(qty), p(price))
}

/// 100,000 USDT of equity; BTCUSDT marked 50,000, ETHUSDT 2,000.
fn book_with(limits: &[(Scope, LimitSet)]) -> (RiskBook<Arc<FakeClock>>, Arc<FakeClock>) {
    let mut config = RiskConfig::new(usdt()).unwrap();
    for (scope, set) in limits {
        config = config.with_limits(*scope, *set).unwrap();
    }
    let clock = Arc::new(FakeClock::new(T0));
    let book = RiskBook::new(config, clock.clone()).unwrap();
    book.add_symbol(btc(), Asset::new("BTC").unwrap(), usdt())
        .unwrap();
    book.add_symbol(eth(), Asset::new("ETH").unwrap(), usdt())
        .unwrap();
    book.deposit(main_account(), usdt(), q("100000")).unwrap();
    book.set_mark(btc(), p("50000")).unwrap();
    book.set_mark(eth(), p("2000")).unwrap();
    book.start_fresh().unwrap();
    (book, clock)
}

fn global(set: LimitSet) -> (RiskBook<Arc<FakeClock>>, Arc<FakeClock>) {
    book_with(&[(Scope::Global, set)])
}

fn limit_of(r: Rejection) -> (Scope, LimitKind, Observed) {
    match r {
        Rejection::Limit {
            scope,
            kind,
            observed,
        } => (scope, kind, observed),
        other => panic!("expected a limit rejection, got {other:?}"),
    }
}

fn bought(book: &RiskBook<Arc<FakeClock>>, sym: Symbol, qty: &str, price: &str) {
    let a = book.check_and_reserve(&buy(sym, qty, price)).unwrap();
    book.fill(a.id, q(qty), p(price), None).unwrap();
}
