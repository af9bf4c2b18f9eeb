use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::*;

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ks-sup-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Whether `pid` is running (present and not a zombie).
fn running(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let rest = &stat[stat.rfind(')').unwrap() + 1..];
            !matches!(rest.split_whitespace().next(), Some("Z" | "X"))
        }
        Err(_) => false,
    }
}

/// Waits for the file of grandchild pids to hold `n` lines.
fn read_pids(path: &Path, n: usize) -> Vec<i32> {
    for _ in 0..400 {
        if let Ok(text) = std::fs::read_to_string(path) {
            let pids: Vec<i32> = text.lines().filter_map(|l| l.trim().parse().ok()).collect();
            if pids.len() >= n {
                return pids;
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("grandchildren did not start");
}

#[test]
fn kill_tree_terminates_child_and_grandchildren_with_term() {
    let d = temp("term");
    let pids = d.join("pids");
    let script = format!(
        "sleep 300 & echo $! >> {p}; (sleep 300 & echo $! >> {p}; wait) & wait",
        p = pids.display()
    );
    let mut child = ChildSpec::new("/bin/sh")
        .arg("-c")
        .arg(script)
        .spawn()
        .unwrap();
    let grandchildren = read_pids(&pids, 2);
    assert!(grandchildren.iter().all(|p| running(*p)));
    let out = child.kill_tree().unwrap();
    assert!(!out.killed_hard);
    assert!(out.status.is_some());
    assert!(!child.group_running().unwrap());
    assert!(child.gone, "an empty group is never signalled again");
    assert_eq!(child.kill_tree().unwrap(), out);
    for p in grandchildren {
        assert!(!running(p), "grandchild {p} survived");
    }
}

#[test]
fn kill_tree_escalates_to_kill_when_term_is_ignored() {
    let d = temp("kill");
    let pids = d.join("pids");
    let script = format!(
        "trap '' TERM; (trap '' TERM; sleep 300 & echo $! >> {p}; wait) & sleep 300 & echo $! >> {p}; wait",
        p = pids.display()
    );
    let mut child = ChildSpec::new("/bin/sh")
        .arg("-c")
        .arg(script)
        .grace(Duration::from_millis(200))
        .spawn()
        .unwrap();
    let grandchildren = read_pids(&pids, 2);
    let out = child.kill_tree().unwrap();
    assert!(out.killed_hard);
    for p in grandchildren {
        assert!(!running(p), "grandchild {p} survived");
    }
}

#[test]
fn run_times_out_and_kills_the_group() {
    let d = temp("timeout");
    let pids = d.join("pids");
    let script = format!("sleep 300 & echo $! >> {p}; wait", p = pids.display());
    let started = Instant::now();
    let out = ChildSpec::new("/bin/sh")
        .arg("-c")
        .arg(script)
        .timeout(Duration::from_millis(300))
        .grace(Duration::from_millis(500))
        .run()
        .unwrap();
    assert_eq!(out.status, None);
    assert!(started.elapsed() < Duration::from_secs(5));
    for p in read_pids(&pids, 1) {
        assert!(!running(p));
    }
}

#[test]
fn run_returns_exit_status_and_clean_env_applies() {
    let out = ChildSpec::new("/bin/sh")
        .arg("-c")
        .arg("test -z \"$HOME\" && test \"$ONLY\" = yes")
        .clean_env(true)
        .env("ONLY", "yes")
        .timeout(Duration::from_secs(10))
        .run()
        .unwrap();
    assert!(out.status.unwrap().success());
    let out = ChildSpec::new("/bin/sh")
        .arg("-c")
        .arg("exit 7")
        .run()
        .unwrap();
    assert_eq!(out.status.unwrap().code(), Some(7));
    assert!(ChildSpec::new("/no/such/program").spawn().is_err());
}

#[test]
fn dropping_a_supervised_child_kills_its_tree() {
    let d = temp("drop");
    let pids = d.join("pids");
    let script = format!("sleep 300 & echo $! >> {p}; wait", p = pids.display());
    let child = ChildSpec::new("/bin/sh")
        .arg("-c")
        .arg(script)
        .spawn()
        .unwrap();
    let gc = read_pids(&pids, 1);
    drop(child);
    assert!(!running(gc[0]));
}

#[test]
fn parse_stat_handles_odd_names() {
    assert_eq!(
        group::parse_stat_for_tests("123 (a) b) c) S 1 456 789"),
        Some(('S', 456))
    );
}

fn vars(pairs: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect()
}

#[test]
fn env_modes_resolve_from_the_parent_and_never_pass_the_passphrase() {
    let parent = vars(&[
        ("PATH", "/bin"),
        ("TZ", "UTC"),
        ("BINANCE_API_SECRET", "s3cr3t"),
        ("NAMED", "n"),
        ("SUPREME_VAULT_PASSPHRASE", "pw"),
    ]);
    let mut spec = env::EnvSpec {
        keep: vec![
            "NAMED".into(),
            "MISSING".into(),
            "SUPREME_VAULT_PASSPHRASE".into(),
        ],
        set: vars(&[("SET", "1"), ("SUPREME_VAULT_PASSPHRASE_X", "pw2")]),
        ..Default::default()
    };
    let names = |spec: &env::EnvSpec| -> Vec<String> {
        spec.resolve(parent.clone())
            .into_keys()
            .map(|k| k.to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(names(&spec), ["NAMED", "PATH", "SET", "TZ"]);
    spec.mode = env::EnvMode::Empty;
    assert_eq!(names(&spec), ["NAMED", "SET"]);
    spec.mode = env::EnvMode::Inherit;
    assert_eq!(
        names(&spec),
        ["BINANCE_API_SECRET", "NAMED", "PATH", "SET", "TZ"]
    );
}

#[test]
fn programs_are_found_on_absolute_path_entries_only() {
    let sh = env::find_program(OsStr::new("sh"), Some(OsStr::new("relative:/bin"))).unwrap();
    assert_eq!(sh, PathBuf::from("/bin/sh"));
    assert!(env::find_program(OsStr::new("sh"), Some(OsStr::new("bin:"))).is_err());
    assert!(env::find_program(OsStr::new("sh"), None).is_err());
    assert!(env::find_program(OsStr::new(""), Some(OsStr::new("/bin"))).is_err());
    assert!(env::find_program(OsStr::new("/etc/passwd"), None).is_err());
}

#[test]
fn prlimit_options_follow_the_limits() {
    let mut l = limits::Limits::default();
    assert_eq!(l.prlimit_args(), [OsString::from("--core=0")]);
    l.core_dumps = true;
    assert!(l.prlimit_args().is_empty());
    l.cpu_secs = Some(3);
    l.address_space = Some(1 << 20);
    l.open_files = Some(16);
    assert_eq!(
        l.prlimit_args(),
        ["--cpu=3", "--as=1048576", "--nofile=16"].map(OsString::from)
    );
    assert!(limits::find_prlimit(Some(Path::new("/no/such/prlimit")), None).is_err());
}

#[test]
fn fdinfo_flags_are_read_as_octal() {
    assert_eq!(
        fds::parse_flags("pos:\t0\nflags:\t02100002\nmnt_id:\t9\n"),
        Some(0o2_100_002)
    );
    assert_eq!(fds::parse_flags("pos:\t0\n"), None);
    fds::seal().unwrap();
    assert_eq!(fds::inheritable().unwrap(), Vec::<i32>::new());
}

#[test]
fn debug_of_a_spec_names_variables_without_their_values() {
    let spec = ChildSpec::new("strategy").env("BINANCE_API_SECRET", "NhqPtmdSJYdKjVHj");
    let shown = format!("{spec:?}");
    assert!(shown.contains("BINANCE_API_SECRET"), "{shown}");
    assert!(!shown.contains("NhqPtmdSJYdKjVHj"), "{shown}");
}
