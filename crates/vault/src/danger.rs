//! Switches for tests only, reached through `.dangerous()` (as in rustls).
//!
//! Everything here weakens the vault. Nothing in it belongs in a bot that
//! holds a real secret.

use crate::kdf::KdfParams;

/// Dangerous [`KdfParams`], reached through [`KdfParams::dangerous`].
#[derive(Debug, Clone, Copy)]
pub struct DangerousKdfParams(pub(crate) ());

impl DangerousKdfParams {
    /// Tiny parameters (8 KiB, 1 pass, Argon2's minimum) that make a vault
    /// cheap to brute-force. Only for tests and fuzzing, where hundreds of
    /// vaults are opened; never for a vault that holds a real secret.
    ///
    /// ```
    /// use secrecy::SecretString;
    /// use supreme_vault::{KdfParams, Vault};
    ///
    /// let weak = KdfParams::dangerous().insecure_for_tests();
    /// assert_eq!((weak.memory_kib(), weak.passes()), (8, 1));
    /// let vault = Vault::create(&SecretString::from("p"), weak)?;
    /// assert!(weak.check_floor(&KdfParams::CALIBRATED).is_err());
    /// # Ok::<(), supreme_vault::Error>(())
    /// ```
    #[must_use]
    pub const fn insecure_for_tests(self) -> KdfParams {
        KdfParams::minimum()
    }
}
