//! A fleet trip reaching other *processes*: three child processes join the
//! fleet on a real redis-server, the parent trips, each child reports the
//! wall-clock time its gate closed. The children poll the record only every
//! 500 ms, so a close well under that came through pub/sub.
//!
//! Run as its own binary (`harness = false`): `kill_process --child URL NAME`
//! is the child.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use supreme_fleet::{Fleet, FleetConfig};
use supreme_kill_switch::{KillSwitch, TripRequest};
use supreme_testkit::redis::RedisServer;

fn micros() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros()
}

fn config(url: &str, name: &str) -> FleetConfig {
    let mut c = FleetConfig::new(url, "procs").with_instance(name);
    c.heartbeat = Duration::from_millis(500);
    c.timeout = Duration::from_millis(200);
    c.unreachable_bound = Duration::from_secs(2);
    c
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn child(url: &str, name: &str) {
    let rt = runtime();
    let fleet = rt
        .block_on(Fleet::connect(
            config(url, name),
            KillSwitch::builder().build(),
        ))
        .unwrap();
    let gate = fleet.gate();
    println!("ready");
    while gate.is_open() {
        std::thread::sleep(Duration::from_micros(50));
    }
    println!("closed {}", micros());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 4 && args[1] == "--child" {
        return child(&args[2], &args[3]);
    }
    let redis = RedisServer::require();
    let exe = std::env::current_exe().unwrap();
    let mut children = Vec::new();
    for i in 0..3 {
        let mut c = Command::new(&exe)
            .args(["--child", &redis.url(), &format!("child{i}")])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(c.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "child {i} did not join");
        children.push((c, out));
    }
    let rt = runtime();
    let parent = rt
        .block_on(Fleet::connect(
            config(&redis.url(), "parent"),
            KillSwitch::builder().build(),
        ))
        .unwrap();
    let t0 = micros();
    rt.block_on(parent.trip(TripRequest::manual("process drill", "test")))
        .unwrap();
    let mut latencies = Vec::new();
    for (mut c, mut out) in children {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let at: u128 = line
            .trim()
            .strip_prefix("closed ")
            .unwrap()
            .parse()
            .unwrap();
        latencies.push(Duration::from_micros(
            u64::try_from(at.saturating_sub(t0)).unwrap(),
        ));
        assert!(c.wait().unwrap().success());
    }
    latencies.sort();
    println!("trip -> child gates closed (3 processes): {latencies:?}");
    let last = latencies[latencies.len() - 1];
    assert!(
        last < Duration::from_millis(100),
        "not through pub/sub: {latencies:?}"
    );
    println!("1 passed, 0 failed");
}
