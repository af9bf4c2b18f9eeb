//! [`FleetGate`]: the local kill switch's gate and the fleet's health, in
//! one check.

use std::sync::Arc;

use supreme_kill_switch::{Gate, InFlight};

use crate::Error;
use crate::fleet::Health;

/// Open only while the local kill switch is armed (which mirrors the fleet
/// record) and this instance is in touch with the fleet's Redis (answered
/// within the bound and re-synced). Cheap to clone; a check is two atomic
/// loads and a monotonic clock read, with no I/O.
///
/// Check it when deciding, and again with [`enter_order`](Self::enter_order)
/// right before an order's bytes are written.
#[derive(Debug, Clone)]
pub struct FleetGate {
    health: Arc<Health>,
    kill: Gate,
}

impl FleetGate {
    pub(crate) fn new(health: Arc<Health>, kill: Gate) -> Self {
        Self { health, kill }
    }

    /// `true` only while both are open.
    #[inline]
    pub fn is_open(&self) -> bool {
        self.kill.is_open() && self.health.is_open()
    }

    /// `Ok` while open; otherwise why not.
    pub fn check(&self) -> Result<(), Error> {
        if let Err(state) = self.kill.check() {
            return Err(Error::KillSwitch(format!("the local switch is {state}")));
        }
        if !self.health.is_open() {
            return Err(Error::Unavailable {
                reason: self.health.reason(),
            });
        }
        Ok(())
    }

    /// The kill switch's [`Gate::enter_order`] (counted in flight for the
    /// halt), refused also while the fleet's Redis is out of touch.
    pub fn enter_order(&self) -> Result<InFlight, Error> {
        let in_flight = self
            .kill
            .enter_order()
            .map_err(|state| Error::KillSwitch(format!("the local switch is {state}")))?;
        if !self.health.is_open() {
            return Err(Error::Unavailable {
                reason: self.health.reason(),
            });
        }
        Ok(in_flight)
    }

    /// The local kill switch's gate alone.
    pub fn kill_gate(&self) -> &Gate {
        &self.kill
    }
}
