//! The kill switch a guard starts with (from its latch: a missing or forged
//! latch starts it tripped), its triggers, and the responder that halts
//! the venue when it trips.
//!
//! The triggers need no thread or task of the bot's: one monitor thread
//! polls the dead-man's switch, the stale-data trigger, the trip file and
//! the latch every [`TRIGGER_POLL`](crate::TRIGGER_POLL); the responder waits on a thread of its own and
//! runs the halt on a runtime of its own, so a stalled application runtime
//! delays neither.

use std::sync::Arc;
use std::time::Duration;

use supreme_audit::AuditLog;
use supreme_binance::BinanceVenue;
use supreme_core::Quantity;
use supreme_kill_switch::triggers::{
    DeadMansSwitch, ErrorRateTrigger, LatchWatcher, Monitor, StaleDataTrigger, TripFileWatcher,
    Watch,
};
use supreme_kill_switch::{
    FlattenConfig, HaltConfig, KillSwitch, ResetRequest, Responder, ResponderHandle,
};

use crate::{Config, Error};

/// How often the monitor polls its watches.
pub const TRIGGER_POLL: Duration = Duration::from_millis(50);

/// Close orders of the halt are priced at most this far (1/100 %) from the mark.
pub const FLATTEN_MAX_SLIPPAGE_BPS: u32 = 200;

/// The triggers a guard runs.
pub(super) struct Running {
    pub(super) heartbeat: Option<Arc<DeadMansSwitch>>,
    pub(super) stale: Option<Arc<StaleDataTrigger>>,
    pub(super) error_rate: Option<Arc<ErrorRateTrigger>>,
    _monitor: Monitor,
}

/// The switch of `[kill_switch]`, reporting to the audit log; on a first
/// run armed with `init` (refused if a latch exists).
pub(super) fn switch(
    config: &Config,
    audit: &Arc<AuditLog>,
    init: Option<&[ResetRequest]>,
) -> Result<KillSwitch, Error> {
    let ks = &config.kill_switch;
    let builder = KillSwitch::builder()
        .latch(&ks.latch)
        .reset_policy(ks.reset.clone())
        .events(audit.clone());
    match init {
        Some(tokens) => builder
            .init(tokens)
            .map_err(|e| Error::start("kill switch", e)),
        None => Ok(builder.build()),
    }
}

/// Starts the monitor and the responder.
pub(super) fn start(
    config: &Config,
    switch: &KillSwitch,
    venue: &Arc<BinanceVenue>,
) -> Result<(Running, ResponderHandle), Error> {
    let t = &config.kill_switch.triggers;
    let heartbeat = t
        .dead_man
        .map(|d| Arc::new(DeadMansSwitch::new(switch.clone(), d)));
    let stale = t.stale_data.map(|d| {
        let s = Arc::new(StaleDataTrigger::new(switch.clone(), d));
        for symbol in &config.exchange.symbols {
            s.watch(symbol.as_str());
        }
        s
    });
    let error_rate = t
        .error_rate
        .map(|l| Arc::new(ErrorRateTrigger::new(switch.clone(), l)));
    let mut watches: Vec<Arc<dyn Watch>> = vec![Arc::new(LatchWatcher::new(switch.clone()))];
    if let Some(h) = &heartbeat {
        watches.push(h.clone());
    }
    if let Some(s) = &stale {
        watches.push(s.clone());
    }
    if let Some(path) = &t.trip_file {
        watches.push(Arc::new(TripFileWatcher::new(switch.clone(), path)));
    }
    let monitor = Monitor::spawn(TRIGGER_POLL, watches)
        .map_err(|e| Error::start("kill switch monitor", e))?;
    let flatten = FlattenConfig::new(FLATTEN_MAX_SLIPPAGE_BPS, Quantity::from_units(u64::MAX))
        .map_err(|e| Error::start("kill switch flatten", e))?;
    let responder = Responder {
        venue: Some(venue.clone()),
        halt: HaltConfig {
            flatten: (!config.kill_switch.flatten_assets.is_empty()).then_some(flatten),
            ..HaltConfig::default()
        },
        ..Responder::default()
    }
    .spawn(switch.clone())
    .map_err(|e| Error::start("kill switch responder", e))?;
    Ok((
        Running {
            heartbeat,
            stale,
            error_rate,
            _monitor: monitor,
        },
        responder,
    ))
}
