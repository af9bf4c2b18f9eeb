use std::num::{NonZeroU32, NonZeroUsize};
use std::time::Duration;

use governor::Quota;

use super::*;

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

#[test]
fn each_key_has_its_own_burst() {
    let l = KeyedLimiter::new(Quota::per_hour(nz(2)), NonZeroUsize::new(100).unwrap());
    assert!(l.check(&"a").is_ok());
    assert!(l.check(&"a").is_ok());
    assert!(matches!(l.check(&"a"), Err(Error::KeyRateLimited { .. })));
    assert!(l.check(&"b").is_ok());
    assert_eq!(l.len(), 2);
}

#[test]
fn memory_is_bounded_however_many_keys_appear() {
    let l = KeyedLimiter::new(Quota::per_hour(nz(5)), NonZeroUsize::new(64).unwrap());
    let mut refused = 0;
    for k in 0..10_000u32 {
        match l.check(&k) {
            Ok(()) => {}
            Err(Error::TooManyKeys { max: 64 }) => refused += 1,
            Err(e) => panic!("{e}"),
        }
        assert!(l.len() <= 64);
    }
    assert_eq!(refused, 10_000 - 64);
    // Known keys keep working while new ones are refused.
    assert!(l.check(&3).is_ok());
}

#[test]
fn idle_keys_are_swept_to_make_room() {
    let l = KeyedLimiter::new(
        Quota::with_period(Duration::from_millis(5)).unwrap(),
        NonZeroUsize::new(8).unwrap(),
    );
    for k in 0..8u32 {
        l.check(&k).unwrap();
    }
    assert!(matches!(l.check(&100), Err(Error::TooManyKeys { .. })));
    std::thread::sleep(Duration::from_millis(20));
    assert!(l.check(&100).is_ok());
    assert!(l.len() <= 8);
}
