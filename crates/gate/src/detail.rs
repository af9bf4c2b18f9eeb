//! What a rejection says in the audit log: the rule, the limit and the
//! observed value ([`Detail`]), from every stage's reason ([`Explain`]).

use std::convert::Infallible;

use serde_json::Value;
use supreme_order_guard::Violation;

/// The rule an order broke, its limit and what the order would have reached,
/// as text for the audit record (`rule`, `limit`, `observed`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Detail {
    /// The rule: an order-guard violation (`PRICE_NOT_ON_TICK`), a risk
    /// limit (`MAX_DRAWDOWN`), ...
    pub rule: String,
    /// The limit, when the rule has one.
    pub limit: Option<String>,
    /// The value the order would have reached, when known.
    pub observed: Option<String>,
}

/// A stage's reason, explained for the audit log.
///
/// ```
/// use supreme_gate::Explain;
/// use supreme_order_guard::Violation;
///
/// let v = Violation::TooManyIcebergParts { parts: 12, limit: 10 };
/// let d = v.explain();
/// assert_eq!((d.rule.as_str(), d.limit.as_deref(), d.observed.as_deref()),
///            ("TOO_MANY_ICEBERG_PARTS", Some("10"), Some("12")));
/// ```
pub trait Explain {
    /// The rule, limit and observed value.
    fn explain(&self) -> Detail;
}

impl Explain for Infallible {
    fn explain(&self) -> Detail {
        match *self {}
    }
}

/// A stage with text reasons: the text is the rule.
impl Explain for String {
    fn explain(&self) -> Detail {
        Detail {
            rule: self.clone(),
            ..Detail::default()
        }
    }
}

/// Field names that hold a violation's limit, most specific first.
const LIMIT_KEYS: [&str; 8] = [
    "max",
    "min",
    "tick",
    "step",
    "limit",
    "max_age_ms",
    "reference",
    "multiplier",
];
/// Field names that hold what the order reached.
const OBSERVED_KEYS: [&str; 9] = [
    "price",
    "quantity",
    "notional",
    "open",
    "parts",
    "age_ms",
    "position_after",
    "delta",
    "id",
];

fn first(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match &v[*k] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

impl Explain for Violation {
    fn explain(&self) -> Detail {
        // The violation's serde form is its documented shape: a
        // SCREAMING_SNAKE_CASE tag and the amounts by name.
        let v = serde_json::to_value(self).unwrap_or(Value::Null);
        Detail {
            rule: v["violation"].as_str().unwrap_or("ORDER_GUARD").to_string(),
            limit: first(&v, &LIMIT_KEYS),
            observed: first(&v, &OBSERVED_KEYS),
        }
    }
}
