//! Shared setup for the integration tests.
#![allow(dead_code, missing_docs, unreachable_pub, clippy::unwrap_used)]

use std::sync::Arc;

use supreme_order_guard::{Order, Price, Quantity, Side, Symbol};
use supreme_risk_limits::*;

pub const T0: u64 = 1_700_000_000_000;

pub fn q(s: &str) -> Quantity {
    s.parse().unwrap()
}
pub fn p(s: &str) -> Price {
    s.parse().unwrap()
}
pub fn v(s: &str) -> Value {
    s.parse().unwrap()
}
pub fn usdt() -> Asset {
    Asset::new("USDT").unwrap()
}
pub fn btc() -> Symbol {
    Symbol::new("BTCUSDT").unwrap()
}
pub fn eth() -> Symbol {
    Symbol::new("ETHUSDT").unwrap()
}
pub fn main_account() -> AccountId {
    AccountId::new("main").unwrap()
}
pub fn buy(sym: Symbol, qty: Quantity, price: Price) -> Order {
    Order::limit(sym, Side::Buy, qty, price)
}
pub fn sell(sym: Symbol, qty: Quantity, price: Price) -> Order {
    Order::limit(sym, Side::Sell, qty, price)
}

/// A book with 100,000 USDT, BTCUSDT at 50,000 and ETHUSDT at 2,000,
/// registered but not started.
pub fn unstarted(config: RiskConfig, clock: Arc<FakeClock>) -> RiskBook<Arc<FakeClock>> {
    let book = RiskBook::new(config, clock).unwrap();
    book.add_symbol(btc(), Asset::new("BTC").unwrap(), usdt())
        .unwrap();
    book.add_symbol(eth(), Asset::new("ETH").unwrap(), usdt())
        .unwrap();
    book.deposit(main_account(), usdt(), q("100000")).unwrap();
    book.set_mark(btc(), p("50000")).unwrap();
    book.set_mark(eth(), p("2000")).unwrap();
    book
}

pub fn config(limits: LimitSet) -> RiskConfig {
    RiskConfig::new(usdt())
        .unwrap()
        .with_limits(Scope::Global, limits)
        .unwrap()
}

/// The state file at `path`, keyed by a 0600 key file beside it (created by
/// the first process that needs it, read by every later one).
pub fn state_file(path: impl AsRef<std::path::Path>) -> StateFile {
    let path = path.as_ref();
    StateFile::with_key_file(path, &path.with_extension("key")).unwrap()
}
