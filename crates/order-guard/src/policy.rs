//! Our own rules on top of the exchange's: [`Policy`].

use crate::Quantity;

/// What to do with a filter type this version does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownFilterPolicy {
    /// Reject every order on a symbol (or account) with one (fail closed).
    #[default]
    Reject,
    /// Ignore it and let the exchange judge.
    Ignore,
}

/// Validation policy beyond the exchange's filters.
///
/// ```
/// use supreme_order_guard::{Policy, Validator};
/// let policy = Policy {
///     max_order_notional: Some("50000".parse()?), // in the quote asset
///     max_order_quantity: Some("2".parse()?),
///     ..Policy::default()
/// };
/// let validator = Validator::new(policy);
/// # let _ = validator;
/// # Ok::<(), supreme_order_guard::AmountError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Unknown filter types: reject (default) or ignore.
    pub unknown_filters: UnknownFilterPolicy,
    /// The oldest reference price accepted, milliseconds (default 30 s).
    pub max_reference_age_ms: u64,
    /// Fat-finger cap on one order's notional, in the quote asset. Market
    /// orders are valued at the context's worst-case price.
    pub max_order_notional: Option<Quantity>,
    /// Fat-finger cap on one order's base quantity.
    pub max_order_quantity: Option<Quantity>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            unknown_filters: UnknownFilterPolicy::Reject,
            max_reference_age_ms: 30_000,
            max_order_notional: None,
            max_order_quantity: None,
        }
    }
}
