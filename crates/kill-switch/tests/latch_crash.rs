//! Crash test of the latch writer: a real child process rewrites the latch
//! in a loop and is SIGKILLed at random moments, 40 times. After every kill
//! the latch reads as the old or the new version (never corrupt, never
//! older), and the next write leaves no temporary file behind.
//!
//! This binary is its own child: `latch_crash child PATH` runs the loop
//! (harness = false, so it has its own `main`).
#![allow(missing_docs, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use supreme_kill_switch::latch::{LatchContents, LatchRead, read_latch, write_latch};
use supreme_kill_switch::{State, Trigger, TripRecord};

const ROUNDS: u64 = 40;

fn contents(n: u64) -> LatchContents {
    let mut values = BTreeMap::new();
    // Padding, so a write is large enough to be caught half done.
    values.insert("padding".to_owned(), "x".repeat(16 * 1024));
    LatchContents::tripped(
        State::Tripped,
        TripRecord {
            id: format!("trip-{n}"),
            trigger: Trigger::Manual,
            reason: format!("{n}"),
            who: "latch-crash-test".to_owned(),
            at_ms: 1_700_000_000_000 + n,
            values,
        },
    )
}

/// The write number the latch holds; panics on anything but a whole latch.
fn version(path: &Path, round: u64) -> u64 {
    match read_latch(path) {
        LatchRead::Present(c) => c.trip.unwrap().reason.parse().unwrap(),
        other => panic!("round {round}: the latch does not read whole: {other:?}"),
    }
}

fn child(path: &Path) -> ! {
    let mut n = match read_latch(path) {
        LatchRead::Present(c) => c.trip.unwrap().reason.parse::<u64>().unwrap(),
        _ => 0,
    };
    loop {
        n += 1;
        write_latch(path, &contents(n)).unwrap();
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, mode, path] = args.as_slice()
        && mode == "child"
    {
        child(Path::new(path));
    }
    if args.iter().any(|a| a == "--list") {
        println!("latch_crash_loop: test");
        return;
    }
    let began = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kill-switch.latch");
    write_latch(&path, &contents(0)).unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut last = 0;
    for round in 0..ROUNDS {
        let mut child = Command::new(&exe)
            .args(["child", path.to_str().unwrap()])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        // Until this child has written, then a varying moment more.
        let deadline = Instant::now() + Duration::from_secs(10);
        while version(&path, round) <= last {
            assert!(Instant::now() < deadline, "the child never wrote");
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_micros(round % 7 * 900 + 200));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = version(&path, round);
        assert!(
            now > last,
            "round {round}: the latch went back {last} -> {now}"
        );
        last = now;
    }
    // The next write removes the temp files the killed writers left.
    write_latch(&path, &contents(last + 1)).unwrap();
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["kill-switch.latch"], "temp files left");
    println!(
        "latch_crash_loop: {ROUNDS} SIGKILLs during latch writes, always whole, {last} writes, {:?}",
        began.elapsed()
    );
    println!("test result: ok. 1 passed; 0 failed");
}
