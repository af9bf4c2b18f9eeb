use std::time::{Duration, Instant};

use crate::{KillSwitch, State, TripRequest};

#[test]
fn orders_are_counted_while_in_flight_and_refused_once_tripped() {
    let switch = KillSwitch::builder().build();
    let gate = switch.gate();
    let a = gate.enter_order().unwrap();
    let b = switch.gate().enter_order().unwrap();
    assert!(!a.is_exempt());
    assert_eq!(
        gate.in_flight(),
        2,
        "every gate of one switch shares the count"
    );
    drop(a);
    assert_eq!(gate.in_flight(), 1);
    switch.trip(TripRequest::manual("t", "unit")).unwrap();
    assert_eq!(gate.enter_order().unwrap_err(), State::Tripped);
    assert_eq!(gate.in_flight(), 1, "a refused order is not counted");
    drop(b);
    assert_eq!(gate.in_flight(), 0);
}

#[test]
fn only_the_halting_thread_of_that_switch_is_exempt() {
    let switch = KillSwitch::builder().build();
    let other = KillSwitch::builder().build();
    switch.trip(TripRequest::manual("t", "unit")).unwrap();
    other.trip(TripRequest::manual("t", "unit")).unwrap();
    let gate = switch.gate();
    {
        let _scope = gate.halt_scope();
        let close = gate.enter_order().unwrap();
        assert!(close.is_exempt());
        assert_eq!(gate.in_flight(), 0, "the halt does not wait for itself");
        // Another switch's gate, and another thread, are not exempt.
        assert!(other.gate().enter_order().is_err());
        let g2 = gate.clone();
        let elsewhere = std::thread::spawn(move || g2.enter_order().map(|_| ()));
        assert_eq!(elsewhere.join().unwrap(), Err(State::Tripped));
    }
    assert_eq!(
        gate.enter_order().unwrap_err(),
        State::Tripped,
        "scope over"
    );
}

#[test]
fn drain_waits_for_the_last_answer_within_its_bound() {
    let switch = KillSwitch::builder().build();
    let gate = switch.gate();
    let order = gate.enter_order().unwrap();
    switch.trip(TripRequest::manual("t", "unit")).unwrap();
    let t = Instant::now();
    assert_eq!(gate.drain(Duration::from_millis(30)), 1);
    assert!(t.elapsed() >= Duration::from_millis(30));
    let answered = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(40));
        drop(order);
    });
    assert_eq!(gate.drain(Duration::from_secs(5)), 0);
    answered.join().unwrap();
}
