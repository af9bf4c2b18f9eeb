//! How to open a vault: read caps, rollback floor, clock.

use std::sync::Arc;

use crate::kdf::KdfLimits;
use supreme_core::{Clock, CoarseClock};

/// How to open a vault: read caps, rollback floor, clock.
#[derive(Clone)]
pub struct OpenOptions {
    pub(crate) limits: KdfLimits,
    pub(crate) min_generation: u64,
    pub(crate) clock: Arc<dyn Clock>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            limits: KdfLimits::default(),
            min_generation: 0,
            clock: Arc::new(CoarseClock),
        }
    }
}

impl std::fmt::Debug for OpenOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenOptions")
            .field("limits", &self.limits)
            .field("min_generation", &self.min_generation)
            .finish_non_exhaustive()
    }
}

impl OpenOptions {
    /// Caps on the key-derivation parameters a file may ask for.
    #[must_use]
    pub fn kdf_limits(mut self, limits: KdfLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Refuse a file whose generation is below `generation` (a rollback to
    /// an older copy). Keep the last [`crate::Vault::generation`] you saw to
    /// use it, or let [`crate::SeenGenerations`] keep it for you.
    #[must_use]
    pub fn min_generation(mut self, generation: u64) -> Self {
        self.min_generation = generation;
        self
    }

    /// The clock used for expiry.
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}
