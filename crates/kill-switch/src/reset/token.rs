//! Reset tokens and operator keys (Ed25519, via ring).

use std::fmt;

use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use secrecy::{ExposeSecret, SecretSlice};

use crate::error::KillSwitchError;
use crate::hex;

const PREFIX: &str = "ksr1";
const DOMAIN: &[u8] = b"supreme-kill-switch reset v1\n";
const MAX_TOKEN_LEN: usize = 512;

/// Trip ids of tokens for a first arming start with this.
pub(crate) const INIT_PREFIX: &str = "init-";

/// Operator names: 1 to 64 of `A-Z a-z 0-9 _ -`.
pub(crate) fn valid_operator_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// An operator's Ed25519 public key: all the switch needs to verify resets.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct OperatorPublicKey([u8; 32]);

impl OperatorPublicKey {
    /// From 64 hex digits.
    pub fn from_hex(s: &str) -> Result<Self, KillSwitchError> {
        hex::decode(s.trim())
            .and_then(|v| <[u8; 32]>::try_from(v).ok())
            .map(Self)
            .ok_or_else(|| KillSwitchError::Malformed {
                what: "operator public key",
                detail: "expected 64 hex digits".to_owned(),
            })
    }

    /// As 64 hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
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
#[derive(Debug)]
pub struct OperatorKey {
    pkcs8: SecretSlice<u8>,
    public: OperatorPublicKey,
}

impl OperatorKey {
    /// Generates a new key from the system's secure random source.
    pub fn generate() -> Result<Self, KillSwitchError> {
        let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| {
            KillSwitchError::Setup {
                what: "operator key",
                detail: "random source failed".to_owned(),
            }
        })?;
        Self::from_pkcs8(SecretSlice::from(doc.as_ref().to_vec()))
    }

    /// From PKCS#8 bytes (as written by [`OperatorKey::pkcs8`]).
    pub fn from_pkcs8(pkcs8: SecretSlice<u8>) -> Result<Self, KillSwitchError> {
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.expose_secret()).map_err(|e| {
            KillSwitchError::Malformed {
                what: "operator key",
                detail: e.to_string(),
            }
        })?;
        let public = <[u8; 32]>::try_from(pair.public_key().as_ref()).map_err(|_| {
            KillSwitchError::Malformed {
                what: "operator key",
                detail: "public key is not 32 bytes".to_owned(),
            }
        })?;
        Ok(Self {
            pkcs8,
            public: OperatorPublicKey(public),
        })
    }

    /// Reads a key written by [`OperatorKey::write_pkcs8_file`], through
    /// the private-file policy (no symlink, ours, 0600, in a directory no one
    /// else can write; a refusal names the command that fixes it).
    pub fn from_pkcs8_file(path: &std::path::Path) -> Result<Self, KillSwitchError> {
        let bytes = supreme_core::files::read_private(path, 16 * 1024).map_err(|e| {
            KillSwitchError::Malformed {
                what: "operator key",
                detail: e.to_string(),
            }
        })?;
        Self::from_pkcs8(SecretSlice::from(bytes.to_vec()))
    }

    /// Writes the PKCS#8 bytes to a new file with mode 0600 (never
    /// overwrites).
    pub fn write_pkcs8_file(&self, path: &std::path::Path) -> Result<(), KillSwitchError> {
        supreme_core::files::write_new(path, self.pkcs8.expose_secret()).map_err(|e| {
            KillSwitchError::Setup {
                what: "operator key file",
                detail: e.to_string(),
            }
        })
    }

    /// The PKCS#8 bytes, to store (with mode 0600) by the operator.
    pub fn pkcs8(&self) -> &SecretSlice<u8> {
        &self.pkcs8
    }

    /// The public key, for the reset policy.
    pub fn public_key(&self) -> OperatorPublicKey {
        self.public
    }

    /// Signs a token for the first arming of a new switch
    /// ([`KillSwitchBuilder::init`](crate::KillSwitchBuilder::init)) with a
    /// fresh `init-` id. For a quorum, the other operators sign the same id
    /// with [`OperatorKey::sign_reset`] (read it with [`ResetToken::parse`]).
    pub fn sign_init(&self, operator: &str, expires_ms: u64) -> Result<String, KillSwitchError> {
        let mut id = [0u8; 8];
        SystemRandom::new()
            .fill(&mut id)
            .map_err(|_| KillSwitchError::Setup {
                what: "init token",
                detail: "random source failed".to_owned(),
            })?;
        self.sign_reset(
            &format!("{INIT_PREFIX}{}", hex::encode(&id)),
            operator,
            expires_ms,
        )
    }

    /// Signs a reset token for trip `trip_id` as `operator`, valid until
    /// `expires_ms`, with a fresh random nonce.
    pub fn sign_reset(
        &self,
        trip_id: &str,
        operator: &str,
        expires_ms: u64,
    ) -> Result<String, KillSwitchError> {
        let bad = |detail: &str| KillSwitchError::Malformed {
            what: "reset token",
            detail: detail.to_owned(),
        };
        if !valid_operator_name(operator) {
            return Err(bad("bad operator name"));
        }
        if !crate::latch::valid_id(trip_id) {
            return Err(bad("bad trip id"));
        }
        let mut nonce = [0u8; 16];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| bad("random source failed"))?;
        let body = format!(
            "{PREFIX}.{trip_id}.{operator}.{}.{expires_ms}",
            hex::encode(&nonce)
        );
        let pair = Ed25519KeyPair::from_pkcs8(self.pkcs8.expose_secret())
            .map_err(|e| bad(&e.to_string()))?;
        let sig = pair.sign(&signed_message(&body));
        Ok(format!("{body}.{}", hex::encode(sig.as_ref())))
    }
}

fn signed_message(body: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(DOMAIN.len() + body.len());
    m.extend_from_slice(DOMAIN);
    m.extend_from_slice(body.as_bytes());
    m
}

/// A parsed reset token: `ksr1.<trip id>.<operator>.<nonce>.<expires ms>.<signature>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetToken {
    body: String,
    trip_id: String,
    operator: String,
    nonce: String,
    expires_ms: u64,
    signature: [u8; 64],
}

impl ResetToken {
    /// Parses token text. Checks syntax only; see [`ResetToken::verify`].
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.len() > MAX_TOKEN_LEN {
            return Err(format!("longer than {MAX_TOKEN_LEN} bytes"));
        }
        let (body, sig) = text.rsplit_once('.').ok_or("no signature")?;
        let parts: Vec<&str> = body.split('.').collect();
        let [prefix, trip_id, operator, nonce, expires] = parts[..] else {
            return Err(format!("expected 6 fields, found {}", parts.len() + 1));
        };
        if prefix != PREFIX {
            return Err(format!("unknown prefix {prefix:?}"));
        }
        if !crate::latch::valid_id(trip_id) {
            return Err("bad trip id".to_owned());
        }
        if !valid_operator_name(operator) {
            return Err("bad operator name".to_owned());
        }
        if nonce.len() != 32 || hex::decode(nonce).is_none() {
            return Err("nonce must be 32 hex digits".to_owned());
        }
        if expires.is_empty() || expires.len() > 20 || !expires.bytes().all(|b| b.is_ascii_digit())
        {
            return Err("bad expiry".to_owned());
        }
        let expires_ms = expires.parse().map_err(|_| "bad expiry".to_owned())?;
        let signature = hex::decode(sig)
            .and_then(|v| <[u8; 64]>::try_from(v).ok())
            .ok_or("signature must be 128 hex digits")?;
        Ok(Self {
            body: body.to_owned(),
            trip_id: trip_id.to_owned(),
            operator: operator.to_owned(),
            nonce: nonce.to_ascii_lowercase(),
            expires_ms,
            signature,
        })
    }

    /// Whether the signature verifies with `key`.
    pub fn verify(&self, key: &OperatorPublicKey) -> bool {
        UnparsedPublicKey::new(&ED25519, key.0)
            .verify(&signed_message(&self.body), &self.signature)
            .is_ok()
    }

    /// The token as text, as [`ResetToken::parse`] reads it.
    pub fn to_text(&self) -> String {
        format!("{}.{}", self.body, hex::encode(&self.signature))
    }

    /// The trip the token resets.
    pub fn trip_id(&self) -> &str {
        &self.trip_id
    }

    /// The operator who signed it.
    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// The nonce (32 lower-case hex digits).
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// Expiry, milliseconds since the Unix epoch.
    pub fn expires_ms(&self) -> u64 {
        self.expires_ms
    }
}
