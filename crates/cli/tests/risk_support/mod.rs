//! What the `supreme risk` tests share: a state file a real book wrote, keyed
//! by a key file beside it.
#![allow(clippy::unwrap_used, dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use supreme_order_guard::{Order, Side, Symbol};
use supreme_risk_limits::{
    AccountId, Asset, FakeClock, LimitSet, Pct, RiskBook, RiskConfig, Scope, StateFile,
};

/// The state key file beside a state file.
pub(crate) fn key_of(state: &Path) -> PathBuf {
    state.with_extension("key")
}

/// The state file at `path`, keyed by [`key_of`] (created if missing).
pub(crate) fn state_file(path: &Path) -> StateFile {
    StateFile::with_key_file(path, &key_of(path)).unwrap()
}

/// A book persisting to `path` at `at_ms`, with a 10 % drawdown limit on
/// each of `scopes`; with `breach`, BTC falls 50 % after a buy, which
/// latches the breach there.
pub(crate) fn write_state(path: &Path, at_ms: u64, scopes: &[Scope], breach: bool) {
    let usdt = Asset::new("USDT").unwrap();
    let limits = LimitSet {
        max_drawdown: Some(Pct::percent(10)),
        ..LimitSet::default()
    };
    let mut config = RiskConfig::new(usdt).unwrap();
    for scope in scopes {
        config = config.with_limits(*scope, limits).unwrap();
    }
    let book = RiskBook::new(config, FakeClock::new(at_ms)).unwrap();
    let btc = Symbol::new("BTCUSDT").unwrap();
    book.add_symbol(btc, Asset::new("BTC").unwrap(), usdt)
        .unwrap();
    let main = AccountId::new("main").unwrap();
    book.deposit(main, usdt, "100000".parse().unwrap()).unwrap();
    book.set_mark(btc, "50000".parse().unwrap()).unwrap();
    book.start_fresh().unwrap();
    book.persist_to(state_file(path)).unwrap();
    if breach {
        let order = Order::limit(
            btc,
            Side::Buy,
            "1".parse().unwrap(),
            "50000".parse().unwrap(),
        );
        let a = book.check_and_reserve(&order).unwrap();
        book.fill(a.id, "1".parse().unwrap(), "50000".parse().unwrap(), None)
            .unwrap();
        book.set_mark(btc, "25000".parse().unwrap()).unwrap();
    }
}

/// Runs the real `supreme` binary.
pub(crate) fn supreme(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supreme"))
        .args(args)
        .output()
        .expect("run supreme")
}

/// The exit code.
pub(crate) fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

/// Standard output and error together.
pub(crate) fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A path as the `&str` an argument takes.
pub(crate) fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}
