//! What an accepted order gets back: its reservation and the soft
//! thresholds it crossed.

use crate::Warning;

/// A held reservation: fill, cancel or reject it through the book.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ReservationId {
    pub(crate) index: u32,
    pub(crate) generation: u32,
}

/// An accepted order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[must_use = "a reservation holds exposure until it is filled, cancelled or rejected"]
pub struct Accepted {
    /// The reservation.
    pub id: ReservationId,
    /// The order only reduces a position (accepted whatever the limits).
    pub reducing: bool,
    /// Soft thresholds crossed.
    pub warnings: Warnings,
}

/// Up to three warnings, held inline.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Warnings {
    items: [Option<Warning>; 3],
}

impl Warnings {
    pub(crate) fn push(&mut self, w: Warning) {
        if let Some(slot) = self.items.iter_mut().find(|s| s.is_none()) {
            *slot = Some(w);
        }
    }

    /// The warnings.
    pub fn iter(&self) -> impl Iterator<Item = &Warning> {
        self.items.iter().flatten()
    }

    /// None crossed.
    pub fn is_empty(&self) -> bool {
        self.items.iter().all(Option::is_none)
    }
}
