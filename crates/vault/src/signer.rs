//! Signing with a key that never leaves the vault.
//!
//! HMAC-SHA256 (hex, as Binance's `signature=` parameter) and Ed25519
//! (standard base64, as Binance's Ed25519 API keys expect), both with ring.
//! The raw secret is dropped (and zeroized) as soon as ring's key schedule
//! is built; there is no method that returns it.
//!
//! ring's key schedules (`hmac::Key`, `Ed25519KeyPair`) do not zeroize
//! themselves, and ring exposes no way to do it without `unsafe`. We keep
//! each in one heap allocation and, on drop, overwrite it in place with a
//! schedule built from an all-zero key, then pass it through
//! [`std::hint::black_box`] so the store is not optimised away. This is best
//! effort, documented as such.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arrayvec::ArrayString;
use base64::Engine as _;
use ring::hmac;
use ring::signature::{Ed25519KeyPair, KeyPair};
use secrecy::ExposeSecret;

use crate::entry::{EntryKind, EntrySecret};
use crate::error::Error;
use crate::events::{self, SIGNATURE_MADE};
use supreme_core::event::{Severity, Sink};
use supreme_core::{Clock, time::saturating_i64};

/// A signature in its text form: 64 hex digits (HMAC-SHA256) or 88 base64
/// characters (Ed25519).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(ArrayString<88>);

impl Signature {
    /// The text form.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl std::fmt::Display for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signature({})", self.as_str())
    }
}

enum KeyHolder {
    Hmac(Box<hmac::Key>),
    Ed25519(Box<Ed25519KeyPair>),
}

/// Signs payloads with one vault entry. It re-checks the entry's expiry on
/// every call, so a long-lived signer stops at expiry.
///
/// With an event sink (inherited from [`Vault::with_events`](crate::Vault::with_events),
/// or [`Signer::with_events`]) each signature is recorded first as one
/// `SIGNATURE_MADE` event (the entry's name, its kind and this signer's use
/// count; never the key, the key id or the signed bytes), and not made if
/// the sink refuses it.
pub struct Signer {
    name: String,
    key_id: Option<String>,
    key: KeyHolder,
    expires: Option<i64>,
    clock: Arc<dyn Clock>,
    events: Option<Arc<dyn Sink>>,
    uses: AtomicU64,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("name", &self.name)
            .field("kind", &self.kind())
            .field("key", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

/// Lower-case hex digits for the HMAC tag, written into the stack buffer of
/// every signature (no allocation). Kept instead of the `hex` crate: for a
/// 32-byte tag this loop measured about 46 ns against 56 ns for
/// `hex::encode_to_slice` (min of 30 runs of 5M, release).
const HEX: &[u8; 16] = b"0123456789abcdef";

impl Signer {
    pub(crate) fn new(
        name: &str,
        secret: EntrySecret,
        expires: Option<i64>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, Error> {
        let (key, key_id) = match &secret {
            EntrySecret::Hmac { key_id, secret } => (
                KeyHolder::Hmac(Box::new(hmac::Key::new(
                    hmac::HMAC_SHA256,
                    secret.expose_secret().as_bytes(),
                ))),
                Some(key_id.clone()),
            ),
            EntrySecret::Ed25519 { pkcs8 } => {
                let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8.expose_secret())
                    .map_err(|_| Error::RejectedSecret("not an Ed25519 PKCS#8 key".into()))?;
                (KeyHolder::Ed25519(Box::new(pair)), None)
            }
            EntrySecret::Text(_) => {
                return Err(Error::WrongKind {
                    name: name.to_owned(),
                    found: "text",
                    expected: "hmac or ed25519",
                });
            }
        };
        Ok(Self {
            name: name.to_owned(),
            key_id,
            key,
            expires,
            clock,
            events: None,
            uses: AtomicU64::new(0),
        })
    }

    /// Records each signature into `sink` from now on (see the type's docs).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use supreme_core::event::{Event, FnSink, SinkError};
    /// use supreme_vault::{EntrySecret, KdfParams, Vault, Error};
    /// # let pass = supreme_vault::secrecy::SecretString::from("p");
    /// let mut vault = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests())?;
    /// vault.put("k", &EntrySecret::Hmac { key_id: "sim-api-key-0001".into(), secret: "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP".into() }, None)?;
    /// let full = FnSink::new(|_: &Event| Err(SinkError::new("audit log", "queue full")));
    /// let signer = vault.signer("k")?.with_events(Arc::new(full));
    /// // Unrecorded, so not signed.
    /// assert!(matches!(signer.sign(b"a=1"), Err(Error::Unrecorded { kind: "SIGNATURE_MADE", .. })));
    /// # Ok::<(), Error>(())
    /// ```
    #[must_use]
    pub fn with_events(mut self, sink: Arc<dyn Sink>) -> Self {
        self.events = Some(sink);
        self
    }

    /// How many signatures this signer was asked for with a sink set (each
    /// one recorded, or refused unrecorded).
    #[must_use]
    pub fn uses(&self) -> u64 {
        self.uses.load(Ordering::Relaxed)
    }

    /// Records one use; refused: no signature.
    fn record_use(&self) -> Result<(), Error> {
        if self.events.is_none() {
            return Ok(());
        }
        let n = self.uses.fetch_add(1, Ordering::Relaxed).saturating_add(1);
        let e = events::event(SIGNATURE_MADE, Severity::Info, self.clock.now_ms())
            .field("entry", self.name.as_str())
            .field("kind", self.kind().as_str())
            .field("use", n.to_string());
        events::record(self.events.as_ref(), &e)
    }

    /// The entry's kind: [`EntryKind::Hmac`] or [`EntryKind::Ed25519`].
    #[must_use]
    pub fn kind(&self) -> EntryKind {
        match self.key {
            KeyHolder::Hmac(_) => EntryKind::Hmac,
            KeyHolder::Ed25519(_) => EntryKind::Ed25519,
        }
    }

    /// The public API key id of an HMAC entry (for `X-MBX-APIKEY`).
    #[must_use]
    pub fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }

    /// The Ed25519 public key, for registering with the exchange.
    #[must_use]
    pub fn public_key(&self) -> Option<[u8; 32]> {
        match &self.key {
            KeyHolder::Ed25519(pair) => pair.public_key().as_ref().try_into().ok(),
            KeyHolder::Hmac(_) => None,
        }
    }

    /// Signs `payload`: lower-case hex HMAC-SHA256, or base64 Ed25519.
    ///
    /// # Errors
    /// [`Error::Expired`] once the entry's expiry has passed;
    /// [`Error::Unrecorded`] if the event sink refused the record.
    pub fn sign(&self, payload: &[u8]) -> Result<Signature, Error> {
        if let Some(at) = self.expires
            && saturating_i64(self.clock.now_unix_secs()) >= at
        {
            return Err(Error::Expired {
                name: self.name.clone(),
                expired_at: at,
            });
        }
        self.record_use()?;
        let mut buf = [0u8; 88];
        let len = match &self.key {
            KeyHolder::Hmac(key) => {
                let tag = hmac::sign(key, payload);
                for (pair, b) in buf.chunks_exact_mut(2).zip(tag.as_ref()) {
                    pair[0] = HEX[usize::from(b >> 4)];
                    pair[1] = HEX[usize::from(b & 0x0f)];
                }
                64
            }
            KeyHolder::Ed25519(pair) => base64::engine::general_purpose::STANDARD
                .encode_slice(pair.sign(payload).as_ref(), &mut buf)
                .map_err(|_| Error::Crypto("base64"))?,
        };
        let text = buf
            .get(..len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .ok_or(Error::Crypto("encoding"))?;
        let out = ArrayString::from(text).map_err(|_| Error::Crypto("encoding"))?;
        Ok(Signature(out))
    }
}

impl Drop for Signer {
    fn drop(&mut self) {
        match &mut self.key {
            KeyHolder::Hmac(key) => {
                **key = hmac::Key::new(hmac::HMAC_SHA256, &[0u8; 32]);
                std::hint::black_box(&**key);
            }
            KeyHolder::Ed25519(pair) => {
                if let Ok(zero) = Ed25519KeyPair::from_seed_unchecked(&[0u8; 32]) {
                    **pair = zero;
                    std::hint::black_box(&**pair);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
