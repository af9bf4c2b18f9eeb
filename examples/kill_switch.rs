//! The kill switch in one screen: trip, survive a restart, refuse an
//! unauthorized reset, accept an operator's signed one.
//!
//! `cargo run --example kill_switch`

#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::time::Duration;

use supreme_security::kill_switch::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Core dumps off and the process not dumpable, before any secret is loaded.
    supreme_security::vault::harden_process()?;
    let dir = tempfile::tempdir()?;
    let latch = dir.path().join("kill-switch.latch");
    // The operator's private key stays with the operator; the bot holds the public half.
    let alice = OperatorKey::generate()?;
    let clock = Arc::new(FakeClock::new(1_700_000_000_000));
    let policy =
        || ResetPolicy::new(Duration::from_secs(300)).operator("alice", alice.public_key());
    // A new switch is armed once, by alice's signed init token.
    let init = ResetRequest {
        operator: "alice".into(),
        token: alice.sign_init("alice", clock.now_ms() + 600_000)?,
    };
    let switch = KillSwitch::builder()
        .latch(&latch)
        .clock(clock.clone())
        .reset_policy(policy())
        .init(&[init])?;
    let gate = switch.gate();
    println!("armed: gate open = {}", gate.is_open());

    let trip = switch
        .trip(TripRequest::manual("daily loss limit", "risk-engine").value("loss_pct", "5.2"))?;
    println!(
        "tripped by {} ({}); gate open = {}",
        trip.who,
        trip.reason,
        gate.is_open()
    );

    // A restart finds the latch and starts tripped.
    drop(switch);
    let switch = KillSwitch::builder()
        .latch(&latch)
        .clock(clock.clone())
        .reset_policy(policy())
        .build();
    println!(
        "after restart: state = {:?}, gate open = {}",
        switch.state(),
        switch.gate().is_open()
    );

    // The trip path has no operator key: a forged token is refused.
    let mallory = OperatorKey::generate()?;
    let expires = clock.now_ms() + 600_000;
    let forged = ResetRequest {
        operator: "alice".into(),
        token: mallory.sign_reset(&trip.id, "alice", expires)?,
    };
    println!("forged reset: {}", describe(switch.reset(&forged)));

    let token = alice.sign_reset(&trip.id, "alice", expires)?;
    let request = ResetRequest {
        operator: "alice".into(),
        token,
    };
    println!("alice, too soon: {}", describe(switch.reset(&request)));
    clock.advance(Duration::from_secs(301));
    println!(
        "alice, after the cooldown: {}",
        describe(switch.reset(&request))
    );
    println!(
        "state = {:?}, gate open = {}",
        switch.state(),
        switch.gate().is_open()
    );

    // Deleting the latch does not re-arm: a missing latch reads as tripped.
    drop(switch);
    std::fs::remove_file(&latch)?;
    let switch = KillSwitch::builder()
        .latch(&latch)
        .clock(clock.clone())
        .reset_policy(policy())
        .build();
    println!(
        "latch deleted, restart: state = {:?}, gate open = {}",
        switch.state(),
        switch.gate().is_open()
    );
    Ok(())
}

fn describe<T>(r: Result<T, Error>) -> String {
    match r {
        Ok(_) => "accepted".into(),
        Err(e) => format!("refused ({e})"),
    }
}
