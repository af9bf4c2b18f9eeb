//! How to open a vault: read caps, rollback floor, clock.

use std::sync::Arc;

use crate::kdf::KdfLimits;
use supreme_core::event::Sink;
use supreme_core::{Clock, CoarseClock};

/// How to open a vault: read caps, rollback floor, clock, event sink.
#[derive(Clone)]
pub struct OpenOptions {
    pub(crate) limits: KdfLimits,
    pub(crate) min_generation: u64,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) events: Option<Arc<dyn Sink>>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            limits: KdfLimits::default(),
            min_generation: 0,
            clock: Arc::new(CoarseClock),
            events: None,
        }
    }
}

impl std::fmt::Debug for OpenOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenOptions")
            .field("limits", &self.limits)
            .field("min_generation", &self.min_generation)
            .field("events", &self.events.is_some())
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

    /// Records the opening (`VAULT_OPENED`) or a wrong passphrase
    /// (`AUTH_FAILURE`) into `sink`, and gives it to the opened vault (so
    /// its reads and signers record too, see [`crate::events`]). The vault
    /// opens only once the sink kept its record.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use supreme_core::event::VecSink;
    /// use supreme_vault::{Error, KdfParams, OpenOptions, Vault};
    /// # let pass = supreme_vault::secrecy::SecretString::from("p");
    /// let bytes = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests())?.to_bytes()?;
    /// let seen = Arc::new(VecSink::new());
    /// let opts = OpenOptions::default().events(seen.clone());
    /// let wrong = supreme_vault::secrecy::SecretString::from("q");
    /// assert!(matches!(Vault::from_bytes(&bytes, &wrong, &opts), Err(Error::WrongPassphrase)));
    /// Vault::from_bytes(&bytes, &pass, &opts)?;
    /// let kinds: Vec<_> = seen.events().iter().map(|e| e.kind()).collect();
    /// assert_eq!(kinds, ["AUTH_FAILURE", "VAULT_OPENED"]);
    /// # Ok::<(), Error>(())
    /// ```
    #[must_use]
    pub fn events(mut self, sink: Arc<dyn Sink>) -> Self {
        self.events = Some(sink);
        self
    }
}
