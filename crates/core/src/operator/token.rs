//! [`Token`]: a parsed operator token of one [`Purpose`].

use std::fmt;
use std::marker::PhantomData;

use ring::signature::{ED25519, UnparsedPublicKey};

use super::{OperatorPublicKey, Purpose, valid_operator_name};

/// Longest token text accepted.
pub(crate) const MAX_TOKEN_LEN: usize = 512;

/// A parsed operator token for purpose `P`:
/// `<tag>.<subject>.<operator>.<nonce>.<expires ms>.<signature>`.
///
/// Parsing checks syntax only; [`Token::verify`] checks the signature, and
/// [`Policy::authorize`](super::Policy::authorize) everything else.
///
/// ```
/// use supreme_core::operator::{KillSwitchReset, OperatorKey, RiskClear, Token};
///
/// let key = OperatorKey::generate()?;
/// let text = key.sign::<KillSwitchReset>("trip-1", "alice", 1_700_000_000_000)?;
/// let token = Token::<KillSwitchReset>::parse(&text).unwrap();
/// assert_eq!(token.subject(), "trip-1");
/// assert!(token.verify(&key.public_key()));
/// // Another purpose does not even parse it.
/// assert!(Token::<RiskClear>::parse(&text).is_err());
/// # Ok::<(), supreme_core::operator::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Token<P: Purpose> {
    body: String,
    subject: String,
    operator: String,
    nonce: String,
    expires_ms: u64,
    signature: [u8; 64],
    purpose: PhantomData<P>,
}

impl<P: Purpose> fmt::Debug for Token<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("tag", &P::TAG)
            .field("subject", &self.subject)
            .field("operator", &self.operator)
            .field("nonce", &self.nonce)
            .field("expires_ms", &self.expires_ms)
            .finish_non_exhaustive()
    }
}

impl<P: Purpose> Token<P> {
    /// Parses token text (surrounding whitespace ignored). Checks syntax
    /// only; the error says which field is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.len() > MAX_TOKEN_LEN {
            return Err(format!("longer than {MAX_TOKEN_LEN} bytes"));
        }
        let (body, sig) = text.rsplit_once('.').ok_or("no signature")?;
        let fields = body.split('.').count() + 1;
        let (tag, rest) = body.split_once('.').unwrap_or((body, ""));
        let mut tail = rest.rsplitn(4, '.');
        let (Some(expires), Some(nonce), Some(operator), Some(subject)) =
            (tail.next(), tail.next(), tail.next(), tail.next())
        else {
            return Err(format!("expected 6 fields, found {fields}"));
        };
        if tag != P::TAG {
            return Err(format!("unknown prefix {tag:?}"));
        }
        if !P::valid_subject(subject) {
            return Err(format!("bad {}", P::SUBJECT));
        }
        if !valid_operator_name(operator) {
            return Err("bad operator name".to_owned());
        }
        if nonce.len() != 32 || hex::decode(nonce).is_err() {
            return Err("nonce must be 32 hex digits".to_owned());
        }
        if expires.is_empty() || expires.len() > 20 || !expires.bytes().all(|b| b.is_ascii_digit())
        {
            return Err("bad expiry".to_owned());
        }
        let expires_ms = expires.parse().map_err(|_| "bad expiry".to_owned())?;
        let mut signature = [0u8; 64];
        hex::decode_to_slice(sig, &mut signature)
            .map_err(|_| "signature must be 128 hex digits".to_owned())?;
        Ok(Self {
            body: body.to_owned(),
            subject: subject.to_owned(),
            operator: operator.to_owned(),
            nonce: nonce.to_ascii_lowercase(),
            expires_ms,
            signature,
            purpose: PhantomData,
        })
    }

    /// Whether the signature verifies with `key` under this purpose's domain.
    pub fn verify(&self, key: &OperatorPublicKey) -> bool {
        UnparsedPublicKey::new(&ED25519, key.as_bytes())
            .verify(&signed_message::<P>(&self.body), &self.signature)
            .is_ok()
    }

    /// The token as text, as [`Token::parse`] reads it.
    pub fn to_text(&self) -> String {
        format!("{}.{}", self.body, hex::encode(self.signature))
    }

    /// What it authorizes (a trip id, a breach).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The operator who signed it.
    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// The nonce (32 lower-case hex digits): spent once.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// Expiry, milliseconds since the Unix epoch.
    pub fn expires_ms(&self) -> u64 {
        self.expires_ms
    }
}

/// What is signed: the purpose's domain line, then the body.
pub(crate) fn signed_message<P: Purpose>(body: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(P::DOMAIN.len() + body.len());
    m.extend_from_slice(P::DOMAIN.as_bytes());
    m.extend_from_slice(body.as_bytes());
    m
}
