//! What the gate tells the `metrics` facade (target `supreme_gate`).
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `supreme_gate_decisions_total` | counter | `outcome` ([`Outcome::as_str`]), `guard` ([`Outcome::guard`]), `rule` (the rejection's rule; `none` for an approval) |
//! | `supreme_gate_outcome_unknown_total` | counter | orders whose answer was lost, held for reconciliation |
//! | `supreme_gate_reconciled_total` | counter | `result`: `found` (the exchange knew it) or `not_found` (it never arrived) |
//!
//! The approval's counter is registered once, when the gate is built, so
//! the accept path pays one atomic increment and allocates nothing. A gate
//! built before the process installs a recorder counts into nothing.

use metrics::{Counter, counter};

use crate::Outcome;

/// The decisions counter's name.
pub const DECISIONS: &str = "supreme_gate_decisions_total";
/// The unknown-outcome counter's name.
pub const OUTCOME_UNKNOWN: &str = "supreme_gate_outcome_unknown_total";
/// The reconciliation counter's name.
pub const RECONCILED: &str = "supreme_gate_reconciled_total";

/// Handles registered when the gate is built.
pub(crate) struct GateMetrics {
    approved: Counter,
    unknown: Counter,
}

impl GateMetrics {
    pub(crate) fn register() -> Self {
        Self {
            approved: counter!(DECISIONS, "outcome" => Outcome::Approved.as_str(), "guard" => Outcome::Approved.guard(), "rule" => "none"),
            unknown: counter!(OUTCOME_UNKNOWN),
        }
    }

    #[inline]
    pub(crate) fn approved(&self) {
        self.approved.increment(1);
    }

    /// A rejection, by outcome and rule (the slow path: it already built
    /// the detail's strings).
    pub(crate) fn rejected(outcome: Outcome, rule: &str) {
        counter!(DECISIONS, "outcome" => outcome.as_str(), "guard" => outcome.guard(), "rule" => rule.to_owned())
            .increment(1);
    }

    pub(crate) fn unknown(&self) {
        self.unknown.increment(1);
    }

    pub(crate) fn reconciled(found: bool) {
        let result = if found { "found" } else { "not_found" };
        counter!(RECONCILED, "result" => result).increment(1);
    }
}
