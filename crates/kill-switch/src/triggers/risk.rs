//! A risk-breach callback for the risk engine.

use std::sync::Arc;

use crate::state::{Trigger, TripRecord, TripRequest};
use crate::switch::KillSwitch;

/// A breached limit, as a risk engine reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskBreach {
    /// The limit's name ("max_drawdown", ...).
    pub limit: String,
    /// The limit's value, as text.
    pub limit_value: String,
    /// The observed value, as text.
    pub observed: String,
}

impl KillSwitch {
    /// Trips for a risk breach.
    pub fn trip_risk_breach(&self, breach: &RiskBreach) -> Option<TripRecord> {
        let req = TripRequest::new(
            Trigger::RiskBreach,
            format!("risk limit {} breached", breach.limit),
            "risk-limits",
        )
        .value("limit", &breach.limit)
        .value("limit_value", &breach.limit_value)
        .value("observed", &breach.observed);
        self.trip(req).ok()
    }

    /// A callback to hand to a risk engine (no crate dependency needed).
    pub fn risk_breach_callback(&self) -> Arc<dyn Fn(&RiskBreach) + Send + Sync> {
        let switch = self.clone();
        Arc::new(move |b: &RiskBreach| {
            let _ = switch.trip_risk_breach(b);
        })
    }
}
