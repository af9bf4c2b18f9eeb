use super::*;

#[test]
fn floor_enforced_for_real_vaults() {
    assert!(KdfParams::new(MIN_MEMORY_KIB, 2, 1).is_ok());
    assert!(KdfParams::new(MIN_MEMORY_KIB - 1, 2, 1).is_err());
    assert!(KdfParams::new(MIN_MEMORY_KIB, 1, 1).is_err());
    assert!(KdfParams::new(MIN_MEMORY_KIB, 2, 0).is_err());
    assert_eq!(KdfParams::default(), KdfParams::CALIBRATED);
}

#[test]
fn default_limits_admit_the_default_and_refuse_more() {
    let limits = KdfLimits::default();
    assert!(limits.check(&KdfParams::default()).is_ok());
    let over = |m, t, p| KdfParams::unchecked(m, t, p).expect("valid for argon2");
    assert!(matches!(
        limits.check(&over(1024 * 1024, 2, 1)),
        Err(Error::KdfOverCap("memory"))
    ));
    assert!(matches!(
        limits.check(&over(65536, 17, 1)),
        Err(Error::KdfOverCap("passes"))
    ));
    assert!(matches!(
        limits.check(&over(65536, 2, 9)),
        Err(Error::KdfOverCap("lanes"))
    ));
    assert!(matches!(
        limits.check(&over(512 * 1024, 16, 1)),
        Err(Error::KdfOverCap("memory x passes"))
    ));
    assert!(
        KdfLimits::tiny()
            .check(&KdfParams::dangerous().insecure_for_tests())
            .is_ok()
    );
}

#[test]
fn derivation_is_deterministic_and_salted() {
    let p = KdfParams::dangerous().insecure_for_tests();
    let a = p.derive(b"pass", &[1; 16]).expect("derive");
    let b = p.derive(b"pass", &[1; 16]).expect("derive");
    let c = p.derive(b"pass", &[2; 16]).expect("derive");
    assert_eq!(a.expose(), b.expose());
    assert_ne!(a.expose(), c.expose());
}
