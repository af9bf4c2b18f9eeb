//! Crash test: a child process appending to the log is SIGKILLed at random
//! moments; reopening recovers, verification succeeds, and every record the
//! child saw synced is there. The reopen starts right after the kill, while
//! the killed writer may still be exiting with the lock held: the bounded
//! lock wait lets it through (with no wait, it fails "locked by another
//! writer"). This binary is its own child (`harness = false`).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use supreme_audit::*;

const CHILD_ENV: &str = "SUPREME_AUDIT_CRASH_CHILD";
const ROUNDS: u64 = 40;

fn main() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        child(Path::new(&dir));
        return;
    }
    parent();
    println!("crash test: ok");
}

fn open(dir: &Path) -> AuditLog {
    let (key, _) = SigningKey::load_or_create(&dir.join("audit.key"), "crash-test").expect("key");
    let flush = FlushPolicy::Batch {
        records: std::num::NonZeroU64::new(32).expect("nonzero"),
        interval: Duration::from_millis(2),
    };
    let opts = Options::new(key)
        .flush(flush)
        .rotation(Rotation {
            max_bytes: Some(64 * 1024),
            max_age: None,
        })
        .checkpoint_every(std::num::NonZeroU64::new(50));
    AuditLog::open(dir.join("audit.log"), opts).expect("open")
}

/// Appends forever; every 5th event is synced and reported on stdout.
fn child(dir: &Path) {
    let log = open(dir);
    let mut out = std::io::stdout().lock();
    let pid = std::process::id();
    for n in 0u64.. {
        let event = Event::new(EventType::OrderSent)
            .detail("n", n)
            .detail("pid", pid);
        if n % 5 == 0 {
            if let Appended::Synced(seq) = log.append(event.require_sync()).expect("append") {
                writeln!(out, "synced {seq} {pid} {n}").expect("stdout");
                out.flush().expect("flush");
            }
        } else {
            log.append(event).expect("append");
        }
    }
}

fn parent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = Rng(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(7, |d| u64::from(d.subsec_nanos()) ^ d.as_secs())
        | 1);
    let mut synced: Vec<(u64, u64, u64)> = Vec::new();
    let mut recoveries = 0;
    let mut longest_reopen = Duration::ZERO;
    let started = Instant::now();
    for round in 0..ROUNDS {
        let mut child = Command::new(std::env::current_exe().expect("exe"))
            .env(CHILD_ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn child");
        let stdout = child.stdout.take().expect("stdout");
        let reader = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let parts: Vec<u64> = line
                    .split(' ')
                    .skip(1)
                    .map(|p| p.parse().expect("number"))
                    .collect();
                seen.push((parts[0], parts[1], parts[2]));
            }
            seen
        });
        std::thread::sleep(Duration::from_millis(20 + rng.next() % 80));
        child.kill().expect("SIGKILL"); // std sends SIGKILL on Unix
        // Reopen at once (the restart of a supervisor): recovery must succeed
        // and the whole log must verify.
        let killed = Instant::now();
        let log = open(dir.path());
        let waited = killed.elapsed();
        assert!(
            waited < Duration::from_secs(2),
            "round {round}: reopen took {waited:?}"
        );
        longest_reopen = longest_reopen.max(waited);
        child.wait().expect("wait");
        synced.extend(reader.join().expect("reader"));
        if log.recovery().is_some() {
            recoveries += 1;
        }
        log.close().expect("close");
        check(dir.path(), &synced, round, round + 1 == ROUNDS);
    }
    assert!(!synced.is_empty(), "the child never synced anything");
    eprintln!(
        "crash test: {ROUNDS} kills, each followed at once by a reopen (longest {longest_reopen:?}), {} synced records checked, {recoveries} torn lines recovered, {:?}",
        synced.len(),
        started.elapsed()
    );
}

/// Verifies the log after each kill; on the last round also parses every
/// record strictly and looks up every synced one.
fn check(dir: &Path, synced: &[(u64, u64, u64)], round: u64, last: bool) {
    let active = dir.join("audit.log");
    let public = PublicKey::load(&public_path(&dir.join("audit.key"))).expect("public key");
    let files = log_files(&active).expect("files");
    let opts = VerifyOptions {
        public_key: Some(public),
        anchor: None,
        strict: last,

        ..Default::default()
    };
    let report = verify_files(&files, &opts, &mut |_, _| {}).expect("verify");
    assert!(report.is_intact(), "round {round}: {report}");
    let max_synced = synced.iter().map(|s| s.0).max().unwrap_or(0);
    assert!(
        report.next_seq > max_synced,
        "round {round}: synced seq {max_synced} beyond the log's end {}",
        report.next_seq
    );
    if !last {
        return;
    }
    let mut by_seq = std::collections::HashMap::new();
    for path in &files {
        for line in std::fs::read_to_string(path).expect("read").lines() {
            let r = Record::parse(line.as_bytes()).expect("record");
            by_seq.insert(
                r.seq,
                (
                    r.details.get("pid").and_then(|v| v.as_u64()),
                    r.details.get("n").and_then(|v| v.as_u64()),
                ),
            );
        }
    }
    for &(seq, pid, n) in synced {
        assert_eq!(
            by_seq.get(&seq),
            Some(&(Some(pid), Some(n))),
            "round {round}: synced record {seq} lost"
        );
    }
    let _: Vec<PathBuf> = files;
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}
