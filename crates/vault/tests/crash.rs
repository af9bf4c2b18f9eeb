//! Crash tests: a real child process saves the vault in a loop and is
//! SIGKILLed at random moments. After every kill the file must open
//! (passphrase, MAC, every entry) as a valid old or new version.
//!
//! - `crash_loop`: the child replaces one entry and saves, 200 kills.
//! - `reseal_crash_loop`: the child starts a key version (`passwd`),
//!   re-seals every entry under it (`reseal`) and retires the older one
//!   (`retire_below`), saving after each, 100 kills: every entry is always
//!   under one version, never half re-sealed.
//!
//! This binary is its own child: `crash --child PATH` and `crash
//! --reseal-child PATH` run the save loops. (harness = false, so it has
//! its own `main`.)

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use supreme_vault::{EntrySecret, Error, KdfParams, VaultFile};

const KILLS: usize = 200;
const RESEAL_KILLS: usize = 100;
const RESEAL_ENTRIES: usize = 16;
/// Kills followed at once by a save from a fresh writer (this process).
const RESTARTS: usize = 40;

fn pass() -> SecretString {
    SecretString::from("crash test passphrase")
}

/// The child: bump a counter entry and save, forever. The counter equals the
/// generation offset, so the parent can check entry and header agree.
fn child(path: &Path) -> ! {
    let mut vf = VaultFile::open(path, &pass()).expect("child open");
    ready();
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

/// Tells the parent the child has opened the vault and starts saving, so
/// the random delay before the kill falls in the save loop, however slow
/// the start (a loaded machine).
fn ready() {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")
        .and_then(|()| out.flush())
        .expect("tell the parent");
}

fn reseal_value(i: usize) -> String {
    format!("entry {i} {}", "y".repeat(4096))
}

/// The reseal child: a new key version, every entry re-sealed under it, the
/// old one retired; a save after each step, forever.
fn reseal_child(path: &Path) -> ! {
    let weak = KdfParams::dangerous().insecure_for_tests();
    let mut vf = VaultFile::open(path, &pass()).expect("child open");
    ready();
    loop {
        vf.vault_mut().passwd(&pass(), weak).expect("passwd");
        vf.save().expect("save");
        assert_eq!(vf.vault_mut().reseal().expect("reseal"), RESEAL_ENTRIES);
        vf.save().expect("save");
        let newest = vf.vault().key_version();
        vf.vault_mut().retire_below(newest).expect("retire");
        vf.save().expect("save");
    }
}

/// After a kill: the file opens, every entry authenticates with its
/// content, all entries are under one held version, the ring ends at the
/// newest with no gap. Returns the generation.
fn check_resealed(path: &Path) -> u64 {
    let vf = VaultFile::open(path, &pass()).expect("vault must open after a crash");
    let v = vf.vault();
    assert_eq!(
        v.verify_entries().expect("all entries authenticate"),
        RESEAL_ENTRIES
    );
    let held = v.key_versions();
    // A child killed after `passwd` starts another one when it restarts, so
    // the ring may hold more than two versions, but never with a gap.
    assert!(held.windows(2).all(|w| w[1] == w[0] + 1), "ring {held:?}");
    let list = v.list();
    let under = list[0].key_version;
    assert!(
        list.iter().all(|e| e.key_version == under),
        "entries half re-sealed"
    );
    assert!(held.contains(&under), "entries under a version not held");
    for i in 0..RESEAL_ENTRIES {
        match v.reveal(&format!("e{i:02}")).expect("entry must open") {
            EntrySecret::Text(s) => assert_eq!(s.expose_secret(), reseal_value(i)),
            other => panic!("unexpected kind {other:?}"),
        }
    }
    v.generation()
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
/// save the dying child completed after our read is a [`Error::Conflict`]
/// (the vault refusing to lose its update), so that one is retried once.
fn fresh_writer(path: &Path, killed: Instant) {
    for attempt in 0..2 {
        if attempt == 0 {
            let started = killed.elapsed();
            assert!(
                started < Duration::from_millis(5),
                "fresh writer started {started:?} after the kill"
            );
        }
        let mut vf = VaultFile::open(path, &pass()).expect("open right after a kill");
        let next = vf.vault().generation() + 1;
        let value = SecretString::from(format!("generation {next} fresh"));
        vf.vault_mut()
            .replace("counter", &EntrySecret::Text(value), None)
            .expect("replace");
        match vf.save() {
            Ok(()) => return,
            Err(Error::Conflict { .. }) if attempt == 0 => {}
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
    if let Some(i) = args.iter().position(|a| a == "--reseal-child") {
        reseal_child(Path::new(&args[i + 1]));
    }
    if args.iter().any(|a| a == "--list") {
        println!("crash_loop: test");
        println!("reseal_crash_loop: test");
        return;
    }
    let started = Instant::now();
    crash_loop(started);
    reseal_crash_loop(started);
    println!(
        "test result: ok. 2 passed; 0 failed; finished in {:.2?}",
        started.elapsed()
    );
}

/// Starts `--child`-style `mode` on `path` and SIGKILLs it a random delay
/// (up to `max_delay_us`) after it reports ready; in the first `restarts`
/// rounds a fresh writer saves at once after the kill; `check` judges the
/// file after every kill. Returns how often the generation advanced and the
/// last one.
fn kill_loop(
    mode: &str,
    path: &Path,
    kills: usize,
    max_delay_us: u64,
    seed: &mut u64,
    check: fn(&Path) -> u64,
    restarts: usize,
) -> (usize, u64) {
    let me = std::env::current_exe().expect("current exe");
    let mut last = check(path);
    let mut advanced = 0;
    for round in 0..kills {
        let mut c = Command::new(&me)
            .arg(mode)
            .arg(path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        let mut line = String::new();
        let stdout = c.stdout.take().expect("child stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the child");
        assert_eq!(line, "ready\n", "the child failed before its save loop");
        std::thread::sleep(Duration::from_micros(500 + next(seed) % max_delay_us));
        c.kill().expect("SIGKILL");
        let killed = Instant::now();
        if round < restarts {
            // A fresh writer at once, while the killed one may still be
            // exiting with the lock held: the bounded lock wait lets it save.
            fresh_writer(path, killed);
        }
        c.wait().expect("wait");
        let now = check(path);
        assert!(now >= last, "generation went backwards: {last} -> {now}");
        if now > last {
            advanced += 1;
        }
        last = now;
    }
    assert!(
        advanced > kills / 4,
        "the child saved too rarely ({advanced} of {kills}) to test anything"
    );
    (advanced, last)
}

fn seed(started: Instant) -> u64 {
    let mut seed = u64::from(std::process::id()) | 1;
    seed ^= u64::try_from(started.elapsed().as_nanos() % 1_000_003).unwrap_or(1) << 20;
    seed
}

fn reseal_crash_loop(started: Instant) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("reseal.vault");
    let mut vf = VaultFile::create(&path, &pass(), KdfParams::dangerous().insecure_for_tests())
        .expect("create");
    for i in 0..RESEAL_ENTRIES {
        let value = EntrySecret::Text(SecretString::from(reseal_value(i)));
        vf.vault_mut()
            .put(&format!("e{i:02}"), &value, None)
            .expect("put");
    }
    vf.save().expect("save");
    let mut seed = seed(started) ^ 0x5eed;
    let (advanced, last) = kill_loop(
        "--reseal-child",
        &path,
        RESEAL_KILLS,
        // Three saves a round, each fsyncs: a longer reach than the loop above.
        60_000,
        &mut seed,
        check_resealed,
        0,
    );
    println!(
        "reseal_crash_loop: {RESEAL_KILLS} SIGKILLs during passwd/reseal/retire, vault advanced {advanced} times to generation {last}, never half re-sealed"
    );
}

fn crash_loop(started: Instant) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("crash.vault");
    let mut vf = VaultFile::create(&path, &pass(), KdfParams::dangerous().insecure_for_tests())
        .expect("create");
    let first = SecretString::from(format!("generation {} ", vf.vault().generation() + 1));
    vf.vault_mut()
        .put("counter", &EntrySecret::Text(first), None)
        .expect("put");
    vf.save().expect("save");
    let mut seed = seed(started);
    let restarts = RESTARTS;
    let (advanced, last) = kill_loop("--child", &path, KILLS, 15_000, &mut seed, check, restarts);
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
    println!(
        "crash_loop: {KILLS} SIGKILLs ({restarts} followed at once by a fresh writer's save), vault advanced {advanced} times to generation {last}, always valid"
    );
}
