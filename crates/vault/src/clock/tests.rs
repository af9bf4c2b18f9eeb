use super::*;

#[test]
fn system_clock_agrees_with_system_time() {
    let coarse = SystemClock.now_unix();
    let precise = precise_now();
    assert!((precise - coarse).abs() <= 1, "{coarse} vs {precise}");
}

#[test]
fn manual_clock_moves_only_when_told() {
    let c = ManualClock::new(10);
    c.advance(5);
    assert_eq!(c.now_unix(), 15);
    c.set(-3);
    assert_eq!(c.now_unix(), -3);
}
