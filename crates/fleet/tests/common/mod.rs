//! Shared parts of the fleet's integration tests: a real redis-server per
//! test and instances with short timings.

#![allow(dead_code, unreachable_pub)]

use std::time::{Duration, Instant};

use supreme_fleet::{Fleet, FleetConfig};
use supreme_kill_switch::KillSwitch;

/// A config with test timings: 20 ms heartbeat, 100 ms timeout, 300 ms bound.
pub fn config(url: &str, instance: &str) -> FleetConfig {
    let mut c = FleetConfig::new(url, "test").with_instance(instance);
    c.heartbeat = Duration::from_millis(20);
    c.timeout = Duration::from_millis(100);
    c.unreachable_bound = Duration::from_millis(300);
    c.lost_data_hold = Duration::from_millis(500);
    c.order_id_ttl = Duration::from_secs(30);
    c.record_ttl = Duration::from_secs(60);
    c
}

/// An instance with its own in-memory kill switch.
pub async fn instance(url: &str, name: &str) -> Fleet {
    Fleet::connect(config(url, name), KillSwitch::builder().build())
        .await
        .expect("connect")
}

/// Waits (polling every 100 µs, up to `bound`) until `f` holds; how long it took.
pub async fn within(bound: Duration, f: impl Fn() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() <= bound {
        if f() {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_micros(100)).await;
    }
    None
}
