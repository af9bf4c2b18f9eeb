//! Operator keys (Ed25519, via ring).

use std::fmt;
use std::path::Path;

use ring::signature::{Ed25519KeyPair, KeyPair};
use secrecy::{ExposeSecret, SecretSlice};

use super::token::signed_message;
use super::{Error, Purpose, random, valid_operator_name};

/// An operator's Ed25519 public key: all a bot needs to verify their tokens.
///
/// ```
/// use supreme_core::operator::OperatorPublicKey;
/// let key = OperatorPublicKey::from_hex(&"ab".repeat(32))?;
/// assert_eq!(key.to_hex(), "ab".repeat(32));
/// assert!(OperatorPublicKey::from_hex("abc").is_err());
/// # Ok::<(), supreme_core::operator::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct OperatorPublicKey([u8; 32]);

impl OperatorPublicKey {
    /// From 64 hex digits (either case; surrounding whitespace ignored).
    pub fn from_hex(s: &str) -> Result<Self, Error> {
        let mut key = [0u8; 32];
        hex::decode_to_slice(s.trim(), &mut key)
            .map_err(|_| Error::malformed("operator public key", "expected 64 hex digits"))?;
        Ok(Self(key))
    }

    /// As 64 lower-case hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The 32 key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for OperatorPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OperatorPublicKey({})", self.to_hex())
    }
}

impl fmt::Display for OperatorPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// An operator's Ed25519 signing key (PKCS#8), kept by the operator, never by
/// the bot. Debug is redacted; the bytes are zeroized on drop.
///
/// ```
/// use supreme_core::operator::OperatorKey;
/// let key = OperatorKey::generate()?;
/// assert!(format!("{key:?}").contains("REDACTED"));
/// # Ok::<(), supreme_core::operator::Error>(())
/// ```
#[derive(Debug)]
pub struct OperatorKey {
    pkcs8: SecretSlice<u8>,
    public: OperatorPublicKey,
}

impl OperatorKey {
    /// Generates a new key from the system's secure random source.
    pub fn generate() -> Result<Self, Error> {
        let doc =
            Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).map_err(|_| {
                Error::Setup {
                    what: "operator key",
                    detail: "random source failed".to_owned(),
                }
            })?;
        Self::from_pkcs8(SecretSlice::from(doc.as_ref().to_vec()))
    }

    /// From PKCS#8 bytes (as written by [`OperatorKey::write_pkcs8_file`]).
    pub fn from_pkcs8(pkcs8: SecretSlice<u8>) -> Result<Self, Error> {
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.expose_secret())
            .map_err(|e| Error::malformed("operator key", e.to_string()))?;
        let public = <[u8; 32]>::try_from(pair.public_key().as_ref())
            .map_err(|_| Error::malformed("operator key", "public key is not 32 bytes"))?;
        Ok(Self {
            pkcs8,
            public: OperatorPublicKey(public),
        })
    }

    /// Reads a key written by [`OperatorKey::write_pkcs8_file`], through
    /// the private-file policy (no symlink, ours, 0600, in a directory no one
    /// else can write; a refusal names the command that fixes it).
    pub fn from_pkcs8_file(path: &Path) -> Result<Self, Error> {
        let bytes = crate::files::read_private(path, 16 * 1024)
            .map_err(|e| Error::malformed("operator key", e.to_string()))?;
        Self::from_pkcs8(SecretSlice::from(bytes.to_vec()))
    }

    /// Writes the PKCS#8 bytes to a new file with mode 0600 (never
    /// overwrites).
    pub fn write_pkcs8_file(&self, path: &Path) -> Result<(), Error> {
        crate::files::write_new(path, self.pkcs8.expose_secret()).map_err(|e| Error::Setup {
            what: "operator key file",
            detail: e.to_string(),
        })
    }

    /// The PKCS#8 bytes, to store (with mode 0600) by the operator.
    pub fn pkcs8(&self) -> &SecretSlice<u8> {
        &self.pkcs8
    }

    /// The public key, for the policy.
    pub fn public_key(&self) -> OperatorPublicKey {
        self.public
    }

    /// Signs a token for purpose `P` authorizing `subject`, as `operator`,
    /// valid until `expires_ms`, with a fresh random nonce.
    ///
    /// ```
    /// use supreme_core::operator::{OperatorKey, RiskClear};
    /// let key = OperatorKey::generate()?;
    /// let token = key.sign::<RiskClear>("global:drawdown:1700000000000", "alice", 1_700_000_060_000)?;
    /// assert!(token.starts_with("rlc1.global:drawdown:1700000000000.alice."));
    /// # Ok::<(), supreme_core::operator::Error>(())
    /// ```
    pub fn sign<P: Purpose>(
        &self,
        subject: &str,
        operator: &str,
        expires_ms: u64,
    ) -> Result<String, Error> {
        if !valid_operator_name(operator) {
            return Err(Error::malformed(P::TOKEN, "bad operator name"));
        }
        if !P::valid_subject(subject) {
            return Err(Error::malformed(P::TOKEN, format!("bad {}", P::SUBJECT)));
        }
        let mut nonce = [0u8; 16];
        random(P::TOKEN, &mut nonce)?;
        let body = format!(
            "{}.{subject}.{operator}.{}.{expires_ms}",
            P::TAG,
            hex::encode(nonce)
        );
        let pair = Ed25519KeyPair::from_pkcs8(self.pkcs8.expose_secret())
            .map_err(|e| Error::malformed(P::TOKEN, e.to_string()))?;
        let sig = pair.sign(&signed_message::<P>(&body));
        Ok(format!("{body}.{}", hex::encode(sig.as_ref())))
    }
}
