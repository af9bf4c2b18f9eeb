//! The coarse and precise clocks agree within a tick.

use super::*;

#[test]
fn coarse_and_precise_agree() {
    let precise = PreciseClock.now_ms();
    let coarse = SystemClock.now_ms();
    let again = PreciseClock.now_ms();
    assert!(
        coarse + 50 >= precise && coarse <= again + 1,
        "{precise} {coarse} {again}"
    );
}
