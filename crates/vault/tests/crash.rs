//! Crash test: a real child process saves the vault in a loop and is
//! SIGKILLed at random moments, 200 times. After every kill the file must
//! open (passphrase, MAC, every entry) as a valid old or new version.
//!
//! This binary is its own child: `crash --child PATH` runs the save loop.
//! (harness = false, so it has its own `main`.)

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use supreme_vault::{EntrySecret, KdfParams, VaultError, VaultFile};

const KILLS: usize = 200;
/// Kills followed at once by a save from a fresh writer (this process).
const RESTARTS: usize = 40;

fn pass() -> SecretString {
    SecretString::from("crash test passphrase")
}

/// The child: bump a counter entry and save, forever. The counter equals the
/// generation offset, so the parent can check entry and header agree.
fn child(path: &Path) -> ! {
    let mut vf = VaultFile::open(path, &pass()).expect("child open");
    loop {
        let next = vf.vault().generation() + 1;
        let value = SecretString::from(format!("generation {next} {}", "x".repeat(4096)));
        vf.vault_mut()
            .replace("counter", &EntrySecret::Text(value), None)
            .expect("replace");
        assert_eq!(vf.vault().generation(), next);
        vf.save().expect("save");
    }
}

fn check(path: &Path) -> u64 {
    let vf = VaultFile::open(path, &pass()).expect("vault must open after a crash");
    let generation = vf.vault().generation();
    match vf.vault().reveal("counter").expect("entry must open") {
        EntrySecret::Text(s) => {
            let expected = format!("generation {generation} ");
            assert!(
                s.expose_secret().starts_with(&expected),
                "entry and header disagree"
            );
        }
        other => panic!("unexpected kind {other:?}"),
    }
    assert_eq!(
        vf.vault()
            .verify_entries()
            .expect("all entries authenticate"),
        1
    );
    generation
}

/// Opens and saves the vault right after a kill (within 5 ms of it). A
/// save the dying child completed after our read is a [`VaultError::Conflict`]
/// (the vault refusing to lose its update), so that one is retried once.
fn fresh_writer(path: &Path) {
    let killed = Instant::now();
    let started = killed.elapsed();
    assert!(
        started < Duration::from_millis(5),
        "fresh writer started {started:?} after the kill"
    );
    for attempt in 0..2 {
        let mut vf = VaultFile::open(path, &pass()).expect("open right after a kill");
        let next = vf.vault().generation() + 1;
        let value = SecretString::from(format!("generation {next} fresh"));
        vf.vault_mut()
            .replace("counter", &EntrySecret::Text(value), None)
            .expect("replace");
        match vf.save() {
            Ok(()) => return,
            Err(VaultError::Conflict { .. }) if attempt == 0 => {}
            Err(e) => panic!("a fresh writer right after kill -9 failed: {e}"),
        }
    }
}

/// xorshift64: random kill delays without a dependency.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(Path::new(&args[i + 1]));
    }
    if args.iter().any(|a| a == "--list") {
        println!("crash_loop: test");
        return;
    }
    let started = Instant::now();
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("crash.vault");
    let mut vf = VaultFile::create(&path, &pass(), KdfParams::dangerous_insecure_for_tests())
        .expect("create");
    let first = SecretString::from(format!("generation {} ", vf.vault().generation() + 1));
    vf.vault_mut()
        .put("counter", &EntrySecret::Text(first), None)
        .expect("put");
    vf.save().expect("save");
    let me = std::env::current_exe().expect("current exe");
    let mut seed = u64::from(std::process::id()) | 1;
    seed ^= u64::try_from(started.elapsed().as_nanos() % 1_000_003).unwrap_or(1) << 20;
    let mut last = check(&path);
    let mut advanced = 0;
    let mut restarts = 0;
    for _ in 0..KILLS {
        let mut c = Command::new(&me)
            .arg("--child")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        std::thread::sleep(Duration::from_micros(500 + next(&mut seed) % 15_000));
        c.kill().expect("SIGKILL");
        if restarts < RESTARTS {
            // A fresh writer at once, while the killed one may still be
            // exiting with the lock held: the bounded lock wait lets it save.
            fresh_writer(&path);
            restarts += 1;
        }
        c.wait().expect("wait");
        let now = check(&path);
        assert!(now >= last, "generation went backwards: {last} -> {now}");
        if now > last {
            advanced += 1;
        }
        last = now;
    }
    // A save after the crashes clears the temp files the killed children left
    // (only the vault and its lock file remain).
    let mut vf = VaultFile::open(&path, &pass()).expect("open");
    vf.vault_mut().remove("counter").expect("remove");
    vf.save().expect("save");
    let mut names: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [".crash.vault.lock", "crash.vault"],
        "stale temp files left"
    );
    assert!(
        advanced > KILLS / 4,
        "the child saved too rarely ({advanced} of {KILLS}) to test anything"
    );
    println!(
        "crash_loop: {KILLS} SIGKILLs ({restarts} followed at once by a fresh writer's save), vault advanced {advanced} times to generation {last}, always valid"
    );
    println!(
        "test result: ok. 1 passed; 0 failed; finished in {:.2?}",
        started.elapsed()
    );
}
