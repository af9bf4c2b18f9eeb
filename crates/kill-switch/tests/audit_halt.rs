//! The audit log's `OnWriteFailure::Halt` wired to the kill switch through
//! `KillSwitch::tripper`: a real log whose writes fail trips the switch, and
//! its gate rejects the next order. The switch records into that same log,
//! so the wiring is the one a bot uses (log -> switch -> log).
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::sync::{Arc, OnceLock};

use supreme_audit::danger::FaultInjector;
use supreme_audit::{AuditLog, Event, EventType, OnWriteFailure, Options, SigningKey};
use supreme_core::event::{Event as CoreEvent, FnSink, Sink, SinkError};
use supreme_kill_switch::{KillSwitch, State, Trigger};

#[test]
fn an_audit_write_failure_trips_the_switch_and_its_gate_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    // The switch records into the log, which is opened after the switch
    // (the log's halt callback needs the switch): a slot filled below.
    let slot: Arc<OnceLock<Arc<AuditLog>>> = Arc::new(OnceLock::new());
    let to_log = Arc::clone(&slot);
    let sink = FnSink::new(move |e: &CoreEvent| match to_log.get() {
        Some(log) => log.record(e),
        None => Err(SinkError::new("audit log", "not open yet")),
    });
    let switch = KillSwitch::builder().events(Arc::new(sink)).build();
    let gate = switch.gate();

    let trip = switch.tripper(Trigger::AuditFailure, "audit log write failed", "audit-log");
    let faults = FaultInjector::new();
    let mut options = Options::new(SigningKey::generate("ks-test").unwrap().0).on_write_failure(
        OnWriteFailure::Halt(Arc::new(move |e: &supreme_audit::Error| trip(e))),
    );
    options.dangerous().inject_faults(faults.clone());
    let log = Arc::new(AuditLog::open(&path, options).unwrap());
    assert!(slot.set(Arc::clone(&log)).is_ok());

    // Healthy: orders pass, records are kept.
    log.append(Event::new(EventType::OrderSent)).unwrap();
    log.sync().unwrap();
    assert_eq!(gate.check(), Ok(()));

    // The disk fails: the next synced record fails, the log calls the halt.
    faults.fail_next(u64::MAX);
    assert!(log.append(Event::new(EventType::SecretAccessed)).is_err());
    assert_eq!(
        gate.check(),
        Err(State::Tripped),
        "the next check is rejected"
    );
    assert!(gate.enter_order().is_err());
    let record = switch.trip_record().unwrap();
    assert_eq!(record.trigger, Trigger::AuditFailure);
    assert_eq!(record.who, "audit-log");
    assert!(
        record.values["error"].contains("injected write fault"),
        "{record:?}"
    );
    // The trip's own record could not be kept by the failed log: counted,
    // and the switch tripped anyway (a refusal never keeps the gate open).
    assert_eq!(switch.unrecorded_events(), 1);
    // Later writes fail closed too.
    assert!(log.append(Event::new(EventType::OrderSent)).is_err());
}
