use std::sync::Arc;
use std::time::Duration;

use supreme_core::{Clock, FakeClock};

use super::*;
use crate::state::{State, Trigger};
use crate::switch::KillSwitch;

fn switch() -> (KillSwitch, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::new(1_000_000));
    (KillSwitch::builder().clock(clock.clone()).build(), clock)
}

#[test]
fn dead_mans_switch_trips_only_after_the_timeout_without_beats() {
    let (s, clock) = switch();
    let dms = DeadMansSwitch::new(s.clone(), Duration::from_secs(5));
    for _ in 0..10 {
        clock.advance(Duration::from_secs(4));
        assert!(dms.check().is_none());
        dms.beat();
    }
    assert_eq!(s.state(), State::Armed);
    clock.advance(Duration::from_secs(5));
    assert!(
        dms.check().is_none(),
        "exactly at the timeout is still alive"
    );
    clock.advance(Duration::from_millis(1));
    let rec = dms.check().unwrap();
    assert_eq!(rec.trigger, Trigger::HeartbeatLost);
    assert_eq!(rec.values["silent_ms"], "5001");
    assert_eq!(rec.values["timeout_ms"], "5000");
    assert!(!s.gate().is_open());
}

#[test]
fn error_rate_trips_on_count_and_share_within_window() {
    let (s, clock) = switch();
    let limit = ErrorRateLimit {
        window: Duration::from_secs(10),
        min_errors: 5,
        max_error_permille: 500,
    };
    let t = ErrorRateTrigger::new(s.clone(), limit);
    // 4 errors among many successes: below both.
    for _ in 0..20 {
        t.record_ok();
    }
    for _ in 0..4 {
        assert!(t.record_error().is_none());
    }
    // Old errors leave the window.
    clock.advance(Duration::from_secs(11));
    assert_eq!(t.counts(), (0, 0));
    for _ in 0..4 {
        assert!(t.record_error().is_none());
    }
    t.record_ok();
    t.record_ok();
    // 5 errors of 7: tripped.
    let rec = t.record_error().unwrap();
    assert_eq!(rec.trigger, Trigger::ErrorRate);
    assert_eq!(rec.values["errors"], "5");
    assert_eq!(rec.values["total"], "7");
    assert_eq!(s.state(), State::Tripped);
}

#[test]
fn error_rate_share_blocks_trip_when_mostly_ok() {
    let (s, _clock) = switch();
    let limit = ErrorRateLimit {
        window: Duration::from_secs(60),
        min_errors: 3,
        max_error_permille: 100,
    };
    let t = ErrorRateTrigger::new(s.clone(), limit);
    for _ in 0..100 {
        t.record_ok();
    }
    for _ in 0..10 {
        assert!(t.record_error().is_none());
    }
    // 11 of 111 is >= 10 %.
    assert!(t.record_error().is_none());
    assert!(t.record_error().is_some());
}

#[test]
fn stale_market_data_trips_on_the_stalest_symbol() {
    let (s, clock) = switch();
    let t = StaleDataTrigger::new(s.clone(), Duration::from_secs(2));
    assert!(t.check().is_none(), "nothing watched");
    t.watch("BTCUSDT");
    t.watch("ETHUSDT");
    clock.advance(Duration::from_millis(1500));
    t.tick("BTCUSDT");
    clock.advance(Duration::from_millis(600));
    let rec = t.check().unwrap();
    assert_eq!(rec.trigger, Trigger::StaleMarketData);
    assert_eq!(rec.values["symbol"], "ETHUSDT");
    assert_eq!(rec.values["age_ms"], "2100");
}

#[test]
fn trip_file_on_disk_trips_with_its_text() {
    let (s, _clock) = switch();
    let dir = std::env::temp_dir().join(format!("ks-tripfile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("STOP");
    let w = Arc::new(TripFileWatcher::new(s.clone(), &path));
    assert!(w.check().is_none());
    // Driven by a real monitor thread.
    let monitor = Monitor::spawn(Duration::from_millis(5), vec![w.clone()]).unwrap();
    std::fs::write(&path, "ops: exchange incident\n").unwrap();
    let rec = s.wait_tripped(Duration::from_secs(5)).unwrap();
    drop(monitor);
    assert_eq!(rec.trigger, Trigger::TripFile);
    assert_eq!(rec.reason, "trip file: ops: exchange incident");
}

#[test]
fn risk_breach_callback_trips_with_values() {
    let (s, _clock) = switch();
    let cb = s.risk_breach_callback();
    cb(&RiskBreach {
        limit: "max_drawdown".into(),
        limit_value: "5%".into(),
        observed: "7.2%".into(),
    });
    let rec = s.trip_record().unwrap();
    assert_eq!(rec.trigger, Trigger::RiskBreach);
    assert_eq!(rec.values["observed"], "7.2%");
    assert_eq!(rec.who, "risk-limits");
}

#[test]
fn wall_clock_stepped_back_does_not_keep_a_dead_strategy_alive() {
    let (s, clock) = switch();
    let dms = DeadMansSwitch::new(s.clone(), Duration::from_secs(5));
    let start = clock.now_ms();
    clock.advance(Duration::from_secs(6));
    // An NTP correction (or an attacker with the host's clock) steps the
    // wall back to the last beat: the strategy is still silent for 6 s.
    clock.set_ms(start);
    let rec = dms.check().expect("tripped on monotonic silence");
    assert_eq!(rec.values["silent_ms"], "6000");
    assert_eq!(rec.values["last_beat_ms"], (start - 6_000).to_string());
    assert!(!s.gate().is_open());
}

#[test]
fn wall_clock_stepped_forward_does_not_trip_fresh_data_as_stale() {
    let (s, clock) = switch();
    let stale = StaleDataTrigger::new(s.clone(), Duration::from_secs(5));
    stale.watch("BTCUSDT");
    clock.advance(Duration::from_secs(1));
    stale.tick("BTCUSDT");
    clock.set_ms(clock.now_ms() + 3_600_000);
    assert!(stale.check().is_none());
    let dms = DeadMansSwitch::new(s.clone(), Duration::from_secs(5));
    clock.set_ms(clock.now_ms() + 3_600_000);
    assert!(dms.check().is_none());
    assert!(s.gate().is_open());
}
