//! Breaches and drift warnings as core security events, for the audit log.

use supreme_core::event::{Event, Severity};

use super::{Breach, Drift};
use crate::Observed;

/// The kind of a [`Breach`]'s event.
pub const BREACH_KIND: &str = "RISK_BREACH";
/// The kind of a [`Drift`] warning's event.
pub const DRIFT_KIND: &str = "RISK_DRIFT";

/// `(observed, limit value)` as text.
fn values(o: &Observed) -> (String, String) {
    match o {
        Observed::Share { limit, observed } => (observed.to_string(), limit.to_string()),
        Observed::Amount { limit, observed } => (observed.to_string(), limit.to_string()),
        Observed::Count { limit, observed } => (observed.to_string(), limit.to_string()),
    }
}

impl Breach {
    /// This breach as a core event: kind [`BREACH_KIND`] (`RISK_BREACH`),
    /// critical, by `risk-limits`, with fields `scope`, `limit`, `observed`,
    /// `limit_value`, `state` and `until_ms` (when a cooldown lifts; absent
    /// otherwise).
    ///
    /// ```
    /// use supreme_risk_limits::{Breach, LimitKind, Observed, Scope, TradingState};
    /// let b = Breach {
    ///     scope: Scope::Global,
    ///     kind: LimitKind::LosingTrades,
    ///     observed: Observed::Count { limit: 3, observed: 3 },
    ///     at_ms: 7,
    ///     state: TradingState::Halted,
    ///     until_ms: Some(60_007),
    /// };
    /// let e = b.to_event();
    /// assert_eq!((e.kind(), e.at_ms()), ("RISK_BREACH", 7));
    /// assert_eq!(e.get("scope"), Some("global"));
    /// assert_eq!(e.get("limit"), Some("losing trades"));
    /// assert_eq!((e.get("observed"), e.get("limit_value")), (Some("3"), Some("3")));
    /// assert_eq!(e.get("until_ms"), Some("60007"));
    /// ```
    pub fn to_event(&self) -> Event {
        let (observed, limit) = values(&self.observed);
        let e = Event::new(BREACH_KIND, Severity::Critical, "risk-limits", self.at_ms)
            .field("scope", self.scope.to_string())
            .field("limit", self.kind.to_string())
            .field("observed", observed)
            .field("limit_value", limit)
            .field("state", format!("{:?}", self.state));
        match self.until_ms {
            Some(t) => e.field("until_ms", t.to_string()),
            None => e,
        }
    }
}

impl Drift {
    /// This warning as a core event: kind [`DRIFT_KIND`] (`RISK_DRIFT`),
    /// warning, by `risk-limits`, with fields `scope`, `symbol`, `limit`,
    /// `observed`, `limit_value` and `reduce_only`.
    ///
    /// ```
    /// use supreme_order_guard::Symbol;
    /// use supreme_risk_limits::{Drift, LimitKind, Observed, Scope};
    /// let d = Drift {
    ///     scope: Scope::Global,
    ///     symbol: Symbol::new("BTCUSDT")?,
    ///     kind: LimitKind::Position,
    ///     observed: Observed::Count { limit: 1, observed: 2 },
    ///     at_ms: 9,
    ///     reduce_only: true,
    /// };
    /// let e = d.to_event();
    /// assert_eq!((e.kind(), e.get("symbol"), e.get("reduce_only")), ("RISK_DRIFT", Some("BTCUSDT"), Some("true")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_event(&self) -> Event {
        let (observed, limit) = values(&self.observed);
        Event::new(DRIFT_KIND, Severity::Warning, "risk-limits", self.at_ms)
            .field("scope", self.scope.to_string())
            .field("symbol", self.symbol.to_string())
            .field("limit", self.kind.to_string())
            .field("observed", observed)
            .field("limit_value", limit)
            .field("reduce_only", self.reduce_only.to_string())
    }
}
