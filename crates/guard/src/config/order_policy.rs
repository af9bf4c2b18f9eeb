//! `[order_policy]`: our own caps on top of the exchange's filters.

use serde::Deserialize;
use supreme_order_guard::{Policy, Quantity, UnknownFilterPolicy};

use crate::Check;
use crate::located::{Decimal, Located};

/// `[order_policy]`.
///
/// ```toml
/// [order_policy]
/// max_order_notional = "50000"     # quote asset, exact decimal string
/// max_order_quantity = "2"         # base asset
/// max_reference_age_ms = 30000     # default 30000
/// unknown_filters = "reject"       # or "ignore"; default "reject"
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderPolicySection {
    /// Fat-finger cap on one order's notional.
    #[serde(default)]
    pub max_order_notional: Option<Located<Decimal>>,
    /// Fat-finger cap on one order's base quantity.
    #[serde(default)]
    pub max_order_quantity: Option<Located<Decimal>>,
    /// The oldest reference price accepted.
    #[serde(default)]
    pub max_reference_age_ms: Option<Located<u64>>,
    /// Filter types this version does not know.
    #[serde(default)]
    pub unknown_filters: Option<Located<UnknownFilters>>,
}

/// `unknown_filters`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownFilters {
    /// Reject orders on a symbol with one.
    Reject,
    /// Let the exchange judge.
    Ignore,
}

fn cap(
    check: &mut Check<'_>,
    what: &str,
    v: &Option<Located<Decimal>>,
) -> Result<Option<Quantity>, ()> {
    let Some(v) = v else { return Ok(None) };
    match v.value.as_str().parse::<Quantity>() {
        Ok(q) if q > Quantity::ZERO => Ok(Some(q)),
        Ok(_) => {
            check.invalid(
                &v.at,
                format!("{what} must be above zero"),
                "remove it for no cap, or set a positive amount",
            );
            Err(())
        }
        Err(e) => {
            check.invalid(
                &v.at,
                format!("{what} {:?}: {e}", v.value.as_str()),
                "write an exact decimal with at most 8 decimals, e.g. \"50000.5\"",
            );
            Err(())
        }
    }
}

impl OrderPolicySection {
    /// The order-guard [`Policy`].
    pub fn to_policy(&self, check: &mut Check<'_>) -> Option<Policy> {
        let notional = cap(check, "max_order_notional", &self.max_order_notional);
        let quantity = cap(check, "max_order_quantity", &self.max_order_quantity);
        let mut policy = Policy::default();
        if let Some(age) = &self.max_reference_age_ms {
            if (1..=600_000).contains(&age.value) {
                policy.max_reference_age_ms = age.value;
            } else {
                check.invalid(
                    &age.at,
                    format!("max_reference_age_ms {} is outside 1..=600000", age.value),
                    "use seconds, not minutes, of staleness, e.g. 30000",
                );
                return None;
            }
        }
        if let Some(u) = &self.unknown_filters {
            policy.unknown_filters = match u.value {
                UnknownFilters::Reject => UnknownFilterPolicy::Reject,
                UnknownFilters::Ignore => UnknownFilterPolicy::Ignore,
            };
        }
        policy.max_order_notional = notional.ok()?;
        policy.max_order_quantity = quantity.ok()?;
        Some(policy)
    }
}
