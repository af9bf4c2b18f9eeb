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
