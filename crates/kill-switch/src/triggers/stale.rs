//! Stale market data: a watched symbol without a tick for too long trips.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use super::Watch;
use crate::state::{Trigger, TripRecord, TripRequest};
use crate::switch::KillSwitch;
use supreme_core::time::duration_ms;

/// Tracks the last update per symbol. A watched symbol that never ticks is
/// stale once the maximum age has passed since it was watched. Ages are
/// measured on the clock's monotonic reading.
#[derive(Debug)]
pub struct StaleDataTrigger {
    switch: KillSwitch,
    max_age_ms: u64,
    last: Mutex<BTreeMap<String, u64>>,
}

impl StaleDataTrigger {
    /// A trigger for data older than `max_age`.
    pub fn new(switch: KillSwitch, max_age: Duration) -> Self {
        Self {
            switch,
            max_age_ms: duration_ms(max_age),
            last: Mutex::new(BTreeMap::new()),
        }
    }

    /// Starts watching `symbol` (now counts as its last update).
    pub fn watch(&self, symbol: &str) {
        let now = duration_ms(self.switch.clock().monotonic());
        self.lock().entry(symbol.to_owned()).or_insert(now);
    }

    /// Market data for `symbol` arrived.
    pub fn tick(&self, symbol: &str) {
        let now = duration_ms(self.switch.clock().monotonic());
        self.lock().insert(symbol.to_owned(), now);
    }

    /// Trips if any watched symbol is stale (the stalest is reported).
    pub fn check(&self) -> Option<TripRecord> {
        let now = duration_ms(self.switch.clock().monotonic());
        let (symbol, last) = {
            let last = self.lock();
            let (s, t) = last.iter().min_by_key(|(_, t)| **t)?;
            (s.clone(), *t)
        };
        let age = now.saturating_sub(last);
        if age <= self.max_age_ms {
            return None;
        }
        let req = TripRequest::new(Trigger::StaleMarketData, "market data stale", "market-data")
            .value("symbol", symbol)
            .value("age_ms", age)
            .value("max_age_ms", self.max_age_ms);
        self.switch.trip(req).ok()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, u64>> {
        self.last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Watch for StaleDataTrigger {
    fn poll(&self) {
        let _ = self.check();
    }
}
