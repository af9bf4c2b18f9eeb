//! Breaches, the high-water mark and the daily loss survive a restart
//! through a real state file; a missing or corrupt file is an error.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::*;
use supreme_risk_limits::*;

fn limits() -> LimitSet {
    LimitSet {
        daily_loss: Some(v("5000")),
        max_drawdown: Some(Pct::percent(10)),
        ..LimitSet::default()
    }
}

#[test]
fn a_restart_cannot_reset_a_breach() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    let clock = Arc::new(FakeClock::new(T0));
    {
        let book = unstarted(config(limits()), clock.clone());
        book.start_fresh().unwrap();
        book.persist_to(state_file(&path)).unwrap();
        let a = book
            .check_and_reserve(&buy(btc(), q("1"), p("50000")))
            .unwrap();
        book.fill(a.id, q("1"), p("50000"), None).unwrap();
        book.set_mark(btc(), p("80000")).unwrap(); // high-water mark 130,000
        book.save().unwrap();
        book.set_mark(btc(), p("60000")).unwrap(); // 110,000: 15.4 % down, latched and saved
        assert_eq!(
            book.view(Scope::Global).unwrap().latched,
            Some(LimitKind::Drawdown)
        );
    }
    // The file is in place beside its key and lock, no temporary file is left.
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, [".risk.state.lock", "risk.key", "risk.state"]);

    // Restart: the price has recovered, yet the breach holds.
    let book = unstarted(config(limits()), clock.clone());
    book.set_position(main_account(), btc(), q("1"), p("50000"))
        .unwrap();
    book.withdraw(main_account(), usdt(), q("50000")).unwrap(); // the cash spent on the fill
    book.set_mark(btc(), p("90000")).unwrap();
    let state = state_file(&path).load().unwrap();
    book.restore(&state).unwrap();
    let view = book.view(Scope::Global).unwrap();
    assert_eq!(
        (view.state, view.latched),
        (TradingState::Halted, Some(LimitKind::Drawdown))
    );
    let r = book
        .check_and_reserve(&buy(eth(), q("1"), p("2000")))
        .unwrap_err();
    assert_eq!(
        r,
        Rejection::State {
            scope: Scope::Global,
            state: TradingState::Halted
        }
    );
    // The way out stays open.
    assert!(
        book.check_and_reserve(&sell(btc(), q("1"), p("90000")))
            .unwrap()
            .reducing
    );
    assert!(matches!(book.start_fresh(), Err(Error::AlreadyStarted)));
}

#[test]
fn the_high_water_mark_and_daily_loss_survive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    let clock = Arc::new(FakeClock::new(T0));
    {
        let book = unstarted(config(limits()), clock.clone());
        book.set_position(main_account(), btc(), q("1"), p("50000"))
            .unwrap(); // equity 150,000
        book.start_fresh().unwrap();
        book.persist_to(state_file(&path)).unwrap();
    }
    // Down while the bot was down: 150,000 → 145,500 is a 4,500 loss, within
    // the daily limit; the restored day start says so.
    clock.advance(std::time::Duration::from_millis(60_000));
    let book = unstarted(config(limits()), clock.clone());
    book.set_position(main_account(), btc(), q("1"), p("50000"))
        .unwrap();
    book.set_mark(btc(), p("45500")).unwrap();
    book.restore(&state_file(&path).load().unwrap()).unwrap();
    let view = book.view(Scope::Global).unwrap();
    assert_eq!(view.day_pnl, v("-4500"));
    assert_eq!(view.high_water_mark, Some(v("150000")));
    assert_eq!(view.state, TradingState::Active);
    book.persist_to(state_file(&path)).unwrap();
    // 1,000 more lost: the daily loss (5,500) breaches, measured from the
    // start of the day before the restart, not from the restart.
    book.set_mark(btc(), p("44500")).unwrap();
    assert_eq!(
        book.view(Scope::Global).unwrap().latched,
        Some(LimitKind::DailyLoss)
    );
    let saved = state_file(&path).load().unwrap();
    let global = saved.record(&Scope::Global).unwrap();
    assert_eq!(global.latch.unwrap().kind, LimitKind::DailyLoss);

    // The next day the daily-loss breach ends, also across a restart.
    clock.advance(std::time::Duration::from_millis(86_400_000));
    let book = unstarted(config(limits()), clock.clone());
    book.set_position(main_account(), btc(), q("1"), p("50000"))
        .unwrap();
    book.restore(&saved).unwrap();
    assert_eq!(
        book.view(Scope::Global).unwrap().state,
        TradingState::Active
    );
}

#[test]
fn missing_or_corrupt_state_is_an_error_the_caller_decides_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    let file = state_file(&path);
    assert!(matches!(file.load(), Err(Error::StateMissing { .. })));

    let clock = Arc::new(FakeClock::new(T0));
    let book = unstarted(config(limits()), clock.clone());
    book.start_fresh().unwrap();
    book.set_state(Scope::Account(main_account()), TradingState::ReduceOnly)
        .unwrap();
    book.persist_to(file.clone()).unwrap();
    let good = std::fs::read(&path).unwrap();
    let restored = file.load().unwrap();
    let record = restored.record(&Scope::Account(main_account())).unwrap();
    assert_eq!(record.operator_state, TradingState::ReduceOnly);

    // One byte changed anywhere, or the file cut short: corrupt.
    for at in [0, 25, good.len() / 2, good.len() - 2] {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        std::fs::write(&path, &bad).unwrap();
        assert!(
            matches!(file.load(), Err(Error::StateCorrupt { .. })),
            "flip at {at}"
        );
    }
    std::fs::write(&path, &good[..good.len() - 10]).unwrap();
    assert!(matches!(file.load(), Err(Error::StateCorrupt { .. })));
    std::fs::write(&path, b"").unwrap();
    assert!(matches!(file.load(), Err(Error::StateCorrupt { .. })));

    // A book that has not registered a scope the state names refuses it.
    let bare = RiskBook::new(config(limits()), clock.clone()).unwrap();
    bare.add_symbol(btc(), Asset::new("BTC").unwrap(), usdt())
        .unwrap();
    assert!(matches!(
        bare.restore(&restored),
        Err(Error::StateScopeUnknown(Scope::Symbol(_)))
    ));
    // And, not started, it refuses every order that adds risk.
    assert_eq!(
        bare.check_and_reserve(&buy(btc(), q("1"), p("1")))
            .unwrap_err(),
        Rejection::NotStarted
    );
}

#[test]
fn a_failed_save_blocks_new_risk_until_a_save_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    let clock = Arc::new(FakeClock::new(T0));
    let book = unstarted(config(limits()), clock);
    book.start_fresh().unwrap();
    book.persist_to(state_file(&path)).unwrap();
    // A directory where the file goes: the rename fails (for root too).
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    std::fs::write(path.join("occupied"), b"x").unwrap();
    book.set_state(Scope::Symbol(eth()), TradingState::ReduceOnly)
        .unwrap();
    assert!(matches!(book.save(), Err(Error::StateIo { .. })));
    let r = book
        .check_and_reserve(&buy(btc(), q("0.1"), p("50000")))
        .unwrap_err();
    assert_eq!(r, Rejection::StateNotPersisted);
    // Reducing orders still pass.
    book.set_position(main_account(), btc(), q("1"), p("50000"))
        .unwrap();
    assert!(
        book.check_and_reserve(&sell(btc(), q("1"), p("50000")))
            .unwrap()
            .reducing
    );
    std::fs::remove_dir_all(&path).unwrap();
    book.save().unwrap();
    let _ = book
        .check_and_reserve(&buy(btc(), q("0.1"), p("50000")))
        .unwrap();
}

#[test]
fn a_rising_high_water_mark_is_saved_without_being_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    let clock = Arc::new(FakeClock::new(T0));
    let book = unstarted(config(limits()), clock);
    book.set_position(main_account(), btc(), q("1"), p("50000"))
        .unwrap(); // equity 150,000
    book.start_fresh().unwrap();
    book.persist_to(state_file(&path)).unwrap();
    let hwm = |path: &std::path::Path| {
        let state = state_file(path).load().unwrap();
        state.record(&Scope::Global).unwrap().high_water_mark
    };
    book.set_mark(btc(), p("50100")).unwrap(); // +0.067 %: below the 0.1 % step
    assert_eq!(hwm(&path), v("150000"));
    book.set_mark(btc(), p("50200")).unwrap(); // +0.13 %: saved
    assert_eq!(hwm(&path), v("150200"));
}
