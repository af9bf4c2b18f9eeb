//! Passphrase -> key-encryption key, with Argon2id.
//!
//! The parameters live in the vault header. The default is calibrated on the
//! reference machine (2 shared cores, 2026) so that opening a vault takes
//! 0.5 to 0.75 s in a release build (criterion, `benches/vault.rs`):
//! 128 MiB, 3 passes, 1 lane. Reading a header
//! caps them ([`KdfLimits`]) so a hostile file cannot make us spend minutes
//! or gigabytes before the passphrase is even checked.

use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use crate::danger::DangerousKdfParams;
use crate::error::Error;
use crate::keys::Key32;

/// Argon2id cost parameters, as stored in the vault header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    m_cost_kib: u32,
    t_cost: u32,
    p_cost: u32,
}

/// The smallest memory cost [`KdfParams::new`] accepts for real vaults (19 MiB,
/// OWASP's floor for Argon2id).
pub const MIN_MEMORY_KIB: u32 = 19 * 1024;

impl KdfParams {
    /// The calibrated default: 128 MiB, 3 passes, 1 lane (0.5 to 0.75 s here).
    pub const CALIBRATED: Self = Self {
        m_cost_kib: 128 * 1024,
        t_cost: 3,
        p_cost: 1,
    };

    /// Custom parameters, at least [`MIN_MEMORY_KIB`] and 2 passes.
    ///
    /// # Errors
    /// [`Error::KdfParams`] when under the floor or invalid for Argon2.
    pub fn new(m_cost_kib: u32, t_cost: u32, p_cost: u32) -> Result<Self, Error> {
        if m_cost_kib < MIN_MEMORY_KIB || t_cost < 2 {
            return Err(Error::KdfParams("below 19 MiB or 2 passes"));
        }
        Self::unchecked(m_cost_kib, t_cost, p_cost)
    }

    /// Parameters read from a file: valid for Argon2, otherwise unchecked.
    pub(crate) fn unchecked(m_cost_kib: u32, t_cost: u32, p_cost: u32) -> Result<Self, Error> {
        Params::new(m_cost_kib, t_cost, p_cost, Some(32))
            .map_err(|_| Error::KdfParams("rejected by Argon2"))?;
        Ok(Self {
            m_cost_kib,
            t_cost,
            p_cost,
        })
    }

    /// Test-only parameters: see [`DangerousKdfParams`].
    ///
    /// ```
    /// let weak = supreme_vault::KdfParams::dangerous().insecure_for_tests();
    /// assert_eq!(weak.memory_kib(), 8);
    /// ```
    #[must_use]
    pub const fn dangerous() -> DangerousKdfParams {
        DangerousKdfParams(())
    }

    /// Argon2's minimum (8 KiB, 1 pass, 1 lane), for [`DangerousKdfParams`].
    pub(crate) const fn minimum() -> Self {
        Self {
            m_cost_kib: 8,
            t_cost: 1,
            p_cost: 1,
        }
    }

    /// Memory cost in KiB.
    #[must_use]
    pub const fn memory_kib(&self) -> u32 {
        self.m_cost_kib
    }

    /// Number of passes.
    #[must_use]
    pub const fn passes(&self) -> u32 {
        self.t_cost
    }

    /// Degree of parallelism (lanes).
    #[must_use]
    pub const fn lanes(&self) -> u32 {
        self.p_cost
    }

    /// Refuses parameters below `floor` in memory or in passes (lanes do
    /// not add cost to a guess). The CLI uses [`KdfParams::CALIBRATED`].
    ///
    /// ```
    /// use supreme_vault::{KdfParams, Error};
    /// let floor = KdfParams::CALIBRATED;
    /// assert!(KdfParams::CALIBRATED.check_floor(&floor).is_ok());
    /// assert!(matches!(
    ///     KdfParams::dangerous().insecure_for_tests().check_floor(&floor),
    ///     Err(Error::KdfBelowFloor { memory_kib: 8, .. })
    /// ));
    /// ```
    ///
    /// # Errors
    /// [`Error::KdfBelowFloor`].
    pub fn check_floor(&self, floor: &KdfParams) -> Result<(), Error> {
        if self.m_cost_kib < floor.m_cost_kib || self.t_cost < floor.t_cost {
            return Err(Error::KdfBelowFloor {
                memory_kib: self.m_cost_kib,
                passes: self.t_cost,
                floor_memory_kib: floor.m_cost_kib,
                floor_passes: floor.t_cost,
            });
        }
        Ok(())
    }

    /// Derives the 32-byte key-encryption key.
    pub(crate) fn derive(&self, passphrase: &[u8], salt: &[u8; 16]) -> Result<Key32, Error> {
        let params = Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(32))
            .map_err(|_| Error::KdfParams("rejected by Argon2"))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(passphrase, salt, out.as_mut())
            .map_err(|_| Error::Crypto("argon2id"))?;
        Ok(Key32::from_bytes(&out))
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::CALIBRATED
    }
}

/// Caps applied to parameters read from a file, before any work is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfLimits {
    /// Largest memory cost accepted, in KiB.
    pub max_memory_kib: u32,
    /// Most passes accepted.
    pub max_passes: u32,
    /// Most lanes accepted.
    pub max_lanes: u32,
    /// Largest memory x passes product accepted (KiB x passes): bounds time.
    pub max_work: u64,
}

impl Default for KdfLimits {
    /// 512 MiB, 16 passes, 8 lanes, and 2 GiB x passes of work in total
    /// (about 2.5 s here): four times the calibrated default, no more.
    fn default() -> Self {
        Self {
            max_memory_kib: 512 * 1024,
            max_passes: 16,
            max_lanes: 8,
            max_work: 2 * 1024 * 1024,
        }
    }
}

impl KdfLimits {
    /// Tight caps (1 MiB, 2 passes) for fuzzing: any header asking for more
    /// is refused before Argon2 runs.
    #[must_use]
    pub const fn tiny() -> Self {
        Self {
            max_memory_kib: 1024,
            max_passes: 2,
            max_lanes: 1,
            max_work: 2048,
        }
    }

    /// Refuses `params` over these caps.
    ///
    /// # Errors
    /// [`Error::KdfOverCap`] naming the parameter.
    pub fn check(&self, params: &KdfParams) -> Result<(), Error> {
        if params.m_cost_kib > self.max_memory_kib {
            return Err(Error::KdfOverCap("memory"));
        }
        if params.t_cost > self.max_passes {
            return Err(Error::KdfOverCap("passes"));
        }
        if params.p_cost > self.max_lanes {
            return Err(Error::KdfOverCap("lanes"));
        }
        if u64::from(params.m_cost_kib) * u64::from(params.t_cost) > self.max_work {
            return Err(Error::KdfOverCap("memory x passes"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
