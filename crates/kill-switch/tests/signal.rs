//! SIGUSR1 trips the switch (its own test binary: it installs a handler).

use std::time::Duration;

use nix::sys::signal::{Signal, raise};
use supreme_kill_switch::*;

#[test]
fn sigusr1_trips_the_switch() {
    let switch = KillSwitch::builder().build();
    let trigger = triggers::SignalTrigger::sigusr1(switch.clone()).unwrap();
    assert!(switch.gate().is_open());
    raise(Signal::SIGUSR1).unwrap();
    let rec = switch
        .wait_tripped(Duration::from_secs(5))
        .expect("tripped");
    assert_eq!(rec.trigger, Trigger::Signal);
    assert_eq!(rec.who, "SIGUSR1");
    assert_eq!(rec.values["signal"], "10");
    assert!(!switch.gate().is_open());
    drop(trigger);
}
