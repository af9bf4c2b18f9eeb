use super::*;

#[test]
fn defaults_validate() {
    let c = FleetConfig::new("redis://127.0.0.1:6379/", "acct-1");
    c.validate().unwrap();
    assert_eq!(c.unreachable_bound, Duration::from_secs(1));
    assert!(c.instance.starts_with('i'));
    assert!(c.propagate_local_trips);
}

#[test]
fn bad_names_and_durations_are_refused() {
    let base = FleetConfig::new("redis://127.0.0.1:6379/", "acct");
    for ns in ["", "has space", "brace}", &"x".repeat(65)] {
        let mut c = base.clone();
        c.namespace = ns.to_owned();
        assert!(matches!(c.validate(), Err(Error::Config(_))), "{ns:?}");
    }
    assert!(
        base.clone()
            .with_instance("seventeen-bytes-x")
            .validate()
            .is_err()
    );
    let mut c = base.clone();
    c.unreachable_bound = c.heartbeat;
    assert!(c.validate().is_err(), "a bound under two heartbeats");
    let mut c = base.clone();
    c.timeout = Duration::from_secs(2);
    assert!(c.validate().is_err(), "a timeout past the bound");
    let mut c = base.clone();
    c.record_ttl = Duration::ZERO;
    assert!(c.validate().is_err());
    let mut c = base;
    c.url = String::new();
    assert!(c.validate().is_err());
}
