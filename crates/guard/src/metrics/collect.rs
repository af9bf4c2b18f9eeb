//! The gauges read from the running parts each time `/metrics` is scraped,
//! so they are exact at that moment and cost nothing between scrapes.

use std::sync::Arc;

use metrics::gauge;
use supreme_audit::AuditLog;
use supreme_core::Clock;
use supreme_gate::LiveStatus;
use supreme_kill_switch::{KillSwitch, State};
use supreme_net_guard::SystemClock;
use supreme_order_guard::Symbol;
use supreme_risk_limits::{Scope, ScopeView, Value};

use crate::GuardGate;

/// `supreme_kill_switch_state{state}`: 1 for the state now, 0 for the rest.
pub const KILL_SWITCH_STATE: &str = "supreme_kill_switch_state";
/// `supreme_rate_limit_used{kind, interval_ms}`: units used in the window now.
pub const RATE_USED: &str = "supreme_rate_limit_used";
/// `supreme_rate_limit_max{kind, interval_ms}`: the window's limit.
pub const RATE_MAX: &str = "supreme_rate_limit_max";
/// `supreme_audit_queue_depth`: events queued for the audit writer.
pub const AUDIT_QUEUE: &str = "supreme_audit_queue_depth";
/// `supreme_audit_checkpoint_age_seconds`: whole seconds since the newest checkpoint.
pub const AUDIT_CHECKPOINT_AGE: &str = "supreme_audit_checkpoint_age_seconds";
/// `supreme_gate_live_orders{status}`: orders in the gate's registry.
pub const LIVE_ORDERS: &str = "supreme_gate_live_orders";
/// `supreme_risk_open_orders{scope}`: open orders holding a reservation.
pub const RISK_OPEN_ORDERS: &str = "supreme_risk_open_orders";
/// `supreme_risk_exposure{scope, side}`: worst-case exposure (`gross`,
/// `net`, `long`, `short`) in the valuation currency.
pub const RISK_EXPOSURE: &str = "supreme_risk_exposure";
/// `supreme_risk_drawdown_bps{scope}`: equity below its high-water mark, in
/// basis points (global scope).
pub const RISK_DRAWDOWN_BPS: &str = "supreme_risk_drawdown_bps";

const STATES: [(State, &str); 5] = [
    (State::Armed, "armed"),
    (State::Tripped, "tripped"),
    (State::Halting, "halting"),
    (State::Flattening, "flattening"),
    (State::Halted, "halted"),
];

/// The parts a scrape reads.
pub(crate) struct Parts {
    pub(crate) switch: KillSwitch,
    pub(crate) gate: GuardGate,
    pub(crate) audit: Arc<AuditLog>,
    pub(crate) symbols: Vec<Symbol>,
}

impl Parts {
    /// Sets every gauge from the parts as they are now.
    pub(crate) fn collect(&self) {
        let now = self.switch.state();
        for (state, name) in STATES {
            gauge!(KILL_SWITCH_STATE, "state" => name).set(f64::from(u8::from(now == state)));
        }
        for (limit, used) in self.gate.rate().usage() {
            let kind = limit.kind.to_string();
            let interval = limit.interval_ms.to_string();
            gauge!(RATE_USED, "kind" => kind.clone(), "interval_ms" => interval.clone())
                .set(f64::from(used));
            gauge!(RATE_MAX, "kind" => kind, "interval_ms" => interval).set(f64::from(limit.limit));
        }
        gauge!(AUDIT_QUEUE).set(count(self.audit.queue_depth()));
        let age_ms = SystemClock
            .now_ms()
            .saturating_sub(self.audit.last_checkpoint_ms());
        gauge!(AUDIT_CHECKPOINT_AGE).set(count(age_ms / 1000));
        let live = self.gate.live_orders();
        for (status, name) in [
            (LiveStatus::Sending, "sending"),
            (LiveStatus::Open, "open"),
            (LiveStatus::Unknown, "unknown"),
        ] {
            let n = live.iter().filter(|o| o.status == status).count();
            gauge!(LIVE_ORDERS, "status" => name).set(count(n as u64));
        }
        let book = self.gate.risk();
        let scopes =
            std::iter::once(Scope::Global).chain(self.symbols.iter().map(|s| Scope::Symbol(*s)));
        for scope in scopes {
            if let Ok(view) = book.view(scope) {
                scope_gauges(&scope.to_string(), &view);
            }
        }
    }
}

fn scope_gauges(scope: &str, v: &ScopeView) {
    gauge!(RISK_OPEN_ORDERS, "scope" => scope.to_owned()).set(f64::from(v.open_orders));
    for (side, value) in [
        ("gross", v.gross),
        ("net", v.net),
        ("long", v.long),
        ("short", v.short),
    ] {
        gauge!(RISK_EXPOSURE, "scope" => scope.to_owned(), "side" => side).set(shown(value));
    }
    if let (Some(equity), Some(hwm)) = (v.equity, v.high_water_mark) {
        gauge!(RISK_DRAWDOWN_BPS, "scope" => scope.to_owned()).set(drawdown_bps(equity, hwm));
    }
}

/// Equity below the high-water mark in whole basis points, computed in
/// exact integers (the gauge is only the display).
pub(crate) fn drawdown_bps(equity: Value, hwm: Value) -> f64 {
    let (e, h) = (equity.units(), hwm.units());
    if h <= 0 || e >= h {
        return 0.0;
    }
    let bps = (h - e).saturating_mul(10_000) / h;
    count(u64::try_from(bps).unwrap_or(u64::MAX))
}

/// A count as a gauge value (exact below 2^53, which every count here is).
#[allow(clippy::cast_precision_loss)]
fn count(n: u64) -> f64 {
    n as f64
}

/// A money value as a gauge, for display only: Prometheus values are
/// floating point, so nothing reads a decision back from them.
fn shown(v: Value) -> f64 {
    v.to_string().parse().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawdown_in_exact_basis_points() {
        let hwm: Value = "1000".parse().unwrap();
        assert_eq!(drawdown_bps("925".parse().unwrap(), hwm), 750.0);
        assert_eq!(drawdown_bps("1001".parse().unwrap(), hwm), 0.0);
        assert_eq!(drawdown_bps("1".parse().unwrap(), Value::ZERO), 0.0);
    }
}
