//! On a trip, a strategy running as a subprocess tree is stopped by an
//! ordered shutdown hook (SIGTERM to its process group, then SIGKILL).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use supreme_kill_switch::*;

fn running(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        let rest = &stat[stat.rfind(')').map_or(0, |i| i + 1)..];
        !matches!(rest.split_whitespace().next(), Some("Z" | "X"))
    })
}

#[test]
fn trip_stops_the_strategy_process_tree() {
    let dir = std::env::temp_dir().join(format!("ks-strategy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let pids = dir.join("pids");
    // A "strategy" that ignores SIGTERM and runs two workers.
    let script = format!(
        "trap '' TERM; sleep 300 & echo $! >> {p}; sleep 300 & echo $! >> {p}; wait",
        p = pids.display()
    );
    let child = ChildSpec::new("/bin/sh")
        .arg("-c")
        .arg(script)
        .clean_env(true)
        .grace(Duration::from_millis(200))
        .spawn()
        .expect("spawn");
    let leader = i32::try_from(child.pid()).expect("pid");
    let mut workers = Vec::new();
    for _ in 0..400 {
        workers = std::fs::read_to_string(&pids)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.parse::<i32>().ok())
            .collect();
        if workers.len() == 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(workers.len(), 2);

    let switch = KillSwitch::builder().build();
    let mut responder = Responder::default();
    responder
        .hooks
        .add_child(10, "strategy", Arc::new(Mutex::new(child)));
    switch
        .trip(TripRequest::manual("stop strategy", "test"))
        .expect("trip");
    assert_eq!(responder.respond(&switch).expect("respond"), None);
    assert!(!running(leader));
    for w in workers {
        assert!(!running(w), "worker {w} survived");
    }
}
