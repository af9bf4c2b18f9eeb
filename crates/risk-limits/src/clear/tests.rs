use std::sync::Arc;
use std::time::Duration;

use supreme_core::operator::{KillSwitchReset, OperatorKey, Policy, Request, RiskClear};
use supreme_order_guard::{Order, Side, Symbol};

use crate::*;

const T0: u64 = 1_700_000_000_000;

/// A persisted book whose global drawdown limit (10 %) is latched.
fn breached(dir: &std::path::Path) -> (RiskBook<Arc<FakeClock>>, Arc<FakeClock>, StateFile) {
    let usdt = Asset::new("USDT").unwrap();
    let btc = Symbol::new("BTCUSDT").unwrap();
    let set = LimitSet {
        max_drawdown: Some(Pct::percent(10)),
        ..LimitSet::default()
    };
    let config = RiskConfig::new(usdt)
        .unwrap()
        .with_limits(Scope::Global, set)
        .unwrap();
    let clock = Arc::new(FakeClock::new(T0));
    let book = RiskBook::new(config, clock.clone()).unwrap();
    book.add_symbol(btc, Asset::new("BTC").unwrap(), usdt)
        .unwrap();
    book.deposit(
        AccountId::new("main").unwrap(),
        usdt,
        "100000".parse().unwrap(),
    )
    .unwrap();
    book.set_mark(btc, "50000".parse().unwrap()).unwrap();
    book.start_fresh().unwrap();
    let buy = Order::limit(
        btc,
        Side::Buy,
        "1".parse().unwrap(),
        "50000".parse().unwrap(),
    );
    let ok = book.check_and_reserve(&buy).unwrap();
    book.fill(ok.id, "1".parse().unwrap(), "50000".parse().unwrap(), None)
        .unwrap();
    let file = StateFile::new(
        dir.join("risk.state"),
        supreme_core::files::StateKey::generate().unwrap(),
    );
    book.persist_to(file.clone()).unwrap();
    book.set_mark(btc, "30000".parse().unwrap()).unwrap(); // 20 % down
    assert_eq!(
        book.view(Scope::Global).unwrap().latched,
        Some(LimitKind::Drawdown)
    );
    (book, clock, file)
}

fn request(token: String) -> Request {
    Request {
        operator: "alice".to_owned(),
        token,
    }
}

#[test]
fn a_live_book_clears_only_with_a_token_for_this_breach_and_only_once() {
    let dir = tempfile::tempdir().unwrap();
    let (book, clock, file) = breached(dir.path());
    let alice = OperatorKey::generate().unwrap();
    let policy = Policy::new(Duration::ZERO).operator("alice", alice.public_key());
    let latch = file
        .load()
        .unwrap()
        .record(&Scope::Global)
        .unwrap()
        .latch
        .unwrap();
    let subject = breach_subject(&Scope::Global, &latch);
    let expires = clock.now_ms() + 60_000;

    let reset = alice
        .sign::<KillSwitchReset>("trip-1", "alice", expires)
        .unwrap();
    let err = book
        .clear_breach(Scope::Global, &policy, &[request(reset)])
        .unwrap_err();
    assert!(matches!(err, Error::ClearRefused { .. }), "{err}");

    let token = alice.sign::<RiskClear>(&subject, "alice", expires).unwrap();
    let cleared = book
        .clear_breach(Scope::Global, &policy, &[request(token.clone())])
        .unwrap();
    assert_eq!(cleared, latch);
    assert_eq!(
        book.view(Scope::Global).unwrap().state,
        TradingState::Active
    );
    assert!(
        file.load()
            .unwrap()
            .record(&Scope::Global)
            .unwrap()
            .latch
            .is_none()
    );
    // Spent: presenting it again (nothing latched now) is refused too, and
    // the nonce is on disk.
    assert!(
        book.clear_breach(Scope::Global, &policy, &[request(token)])
            .is_err()
    );
    let nonces = std::fs::read_to_string(clear_nonce_path(file.path())).unwrap();
    assert!(nonces.contains("supreme-operator-nonces/1"));
}

#[test]
fn a_book_that_does_not_persist_refuses_every_clear() {
    let alice = OperatorKey::generate().unwrap();
    let policy = Policy::new(Duration::ZERO).operator("alice", alice.public_key());
    let book = RiskBook::new(
        RiskConfig::new(Asset::new("USDT").unwrap()).unwrap(),
        FakeClock::new(T0),
    )
    .unwrap();
    book.start_fresh().unwrap();
    let token = alice
        .sign::<RiskClear>("global:drawdown:1", "alice", T0 + 1)
        .unwrap();
    let err = book
        .clear_breach(Scope::Global, &policy, &[request(token)])
        .unwrap_err();
    assert!(err.to_string().contains("no state file"), "{err}");
}
