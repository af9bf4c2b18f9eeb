//! SIGKILL during saves never leaves a missing or corrupt state file, and
//! the high-water mark never goes back: a real child process (this binary,
//! run with `child FILE`) saves in a loop and is killed at a random moment.
//!
//! A plain `main` (harness = false) so the child is the same executable.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use supreme_risk_limits::*;

const ROUNDS: u32 = 40;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, mode, path] = args.as_slice()
        && mode == "child"
    {
        child(path);
        return;
    }
    parent();
}

/// Restores (or starts fresh on the first run), then raises the price and
/// saves, forever.
fn child(path: &str) {
    let file = state_file(path);
    let clock = Arc::new(FakeClock::new(T0));
    let book = unstarted(config(LimitSet::default()), clock);
    match file.load() {
        Ok(state) => book.restore(&state).unwrap(),
        Err(Error::StateMissing { .. }) => book.start_fresh().unwrap(),
        Err(e) => panic!("child found {e}"),
    }
    let start = state_file(path).load().map_or(0, |s| {
        s.record(&Scope::Global).unwrap().high_water_mark.units()
    });
    book.set_position(main_account(), btc(), q("1"), p("50000"))
        .unwrap();
    book.persist_to(file).unwrap();
    // Continue from the saved high-water mark: 100,000 cash + 1 BTC at `mark`.
    let from_hwm = u64::try_from(start / 100_000_000)
        .unwrap_or(0)
        .saturating_sub(100_000 * 100_000_000);
    let mut mark: u64 = from_hwm.max(50_000 * 100_000_000);
    loop {
        mark += 100_000_000;
        book.set_mark(btc(), supreme_order_guard::Price::from_units(mark))
            .unwrap();
        book.save().unwrap();
    }
}

fn parent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    let exe = std::env::current_exe().unwrap();
    let mut last_hwm = Value::ZERO;
    let mut restarted_within = Duration::ZERO;
    let began = Instant::now();
    for round in 0..ROUNDS {
        let mut child = Command::new(&exe)
            .args(["child", path.to_str().unwrap()])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until this child has saved a higher mark, then a varying moment more.
        let deadline = Instant::now() + Duration::from_secs(10);
        let hwm_of = |s: PersistedState| s.record(&Scope::Global).unwrap().high_water_mark;
        while state_file(&path)
            .load()
            .map_or(true, |s| hwm_of(s) <= last_hwm)
        {
            assert!(Instant::now() < deadline, "child never saved");
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_micros(u64::from(round % 7) * 1_500 + 300));
        child.kill().unwrap(); // SIGKILL
        // A fresh writer, within 5 ms of the kill, while the killed one may
        // still be exiting with the lock held: it waits for it, then saves.
        let killed = Instant::now();
        let fresh = state_file(&path);
        let before = fresh
            .load()
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        let started = killed.elapsed();
        assert!(
            started < Duration::from_millis(5),
            "round {round}: {started:?}"
        );
        fresh
            .save(&before)
            .unwrap_or_else(|e| panic!("round {round}: fresh writer after kill -9: {e}"));
        restarted_within = restarted_within.max(started);
        let status = child.wait().unwrap();
        assert!(!status.success(), "the child was killed, it never exits");
        let state = state_file(&path)
            .load()
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        let hwm = state.record(&Scope::Global).unwrap().high_water_mark;
        assert!(
            hwm >= last_hwm,
            "round {round}: high-water mark went back {last_hwm} -> {hwm}"
        );
        last_hwm = hwm;
    }
    // The next write removes the temp files the killed writers left.
    let file = state_file(&path);
    file.save(&file.load().unwrap()).unwrap();
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [".risk.state.lock", "risk.key", "risk.state"],
        "temp files left"
    );
    println!(
        "{ROUNDS} SIGKILLs during saves: state always intact, high-water mark {last_hwm}, \
         a fresh writer saved each time (started within {restarted_within:?} of the kill), {:?}",
        began.elapsed()
    );
}
