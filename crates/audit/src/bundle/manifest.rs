//! The manifest of a bundle (`MANIFEST`, JSON) and its signature
//! (`MANIFEST.sig`, one line).

use std::collections::BTreeMap;

use ring::signature::{ED25519, UnparsedPublicKey};
use serde::{Deserialize, Serialize};
use supreme_core::operator::OperatorPublicKey;

use super::ustar::valid_name;

/// The format name a manifest carries.
pub const FORMAT: &str = "supreme-incident-bundle/1";
/// The archive entry holding the manifest (first).
pub const MANIFEST: &str = "MANIFEST";
/// The archive entry holding its signature (second).
pub const SIGNATURE: &str = "MANIFEST.sig";
/// The domain line the signature covers before the manifest bytes, so a
/// signature made for anything else (a reset token, a checkpoint) never
/// verifies as a bundle's.
pub(crate) const DOMAIN: &[u8] = b"supreme-incident-bundle/1 manifest\n";
/// The largest manifest a verifier reads.
pub(crate) const MAX_MANIFEST: u64 = 8 << 20;
/// The largest signature entry a verifier reads.
pub(crate) const MAX_SIGNATURE: u64 = 1024;

/// One file a manifest lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// Its path in the archive, e.g. `audit/audit.log`.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// SHA-256 of its bytes, 64 lower-case hex digits.
    pub sha256: String,
}

/// An input that was asked for but could not be gathered (itself evidence:
/// a missing latch reads as tripped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Missing {
    /// The path it would have had in the archive.
    pub path: String,
    /// Why it is not there.
    pub reason: String,
}

/// What a bundle says it holds: signed, and checked file by file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// When the bundle was made, milliseconds since the Unix epoch.
    pub created_ms: u64,
    /// Why (a trip reason, "on demand").
    pub reason: String,
    /// The public key of the operator key that signed it (hex); informative
    /// only: a verifier checks against the key it was given.
    pub signer: String,
    /// Versions of every part: crate name (or file format) to version.
    pub versions: BTreeMap<String, String>,
    /// The files, in archive order.
    pub files: Vec<ManifestFile>,
    /// Inputs asked for that could not be read.
    pub missing: Vec<Missing>,
}

impl Manifest {
    /// Parses a manifest: JSON of exactly this shape, format [`FORMAT`],
    /// valid and distinct paths, digests of 64 lower-case hex digits.
    ///
    /// ```
    /// use supreme_audit::bundle::Manifest;
    /// assert!(Manifest::parse(b"{}").is_err());
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let m: Self = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if m.format != FORMAT {
            return Err(format!("format {:?}, expected {FORMAT:?}", m.format));
        }
        let mut seen = std::collections::BTreeSet::new();
        for f in &m.files {
            if !valid_name(&f.path) || f.path == MANIFEST || f.path == SIGNATURE {
                return Err(format!("invalid path {:?}", f.path));
            }
            if !seen.insert(f.path.as_str()) {
                return Err(format!("path {:?} listed twice", f.path));
            }
            if supreme_core::hex::decode_lower_into(f.sha256.as_bytes(), &mut [0u8; 32]).is_none() {
                return Err(format!("{}: sha256 is not 64 hex digits", f.path));
            }
        }
        Ok(m)
    }
}

/// The signature line over `manifest`: `ed25519 <public key hex> <signature hex>`.
pub(crate) fn signature_line(public: &OperatorPublicKey, sig: &[u8]) -> String {
    format!(
        "ed25519 {} {}\n",
        public.to_hex(),
        supreme_core::hex::encode(sig)
    )
}

/// Whether `line` is a signature over `manifest` by `trusted`. The key in
/// the line must be `trusted` too (a mismatch says which key signed).
pub(crate) fn check_signature(
    manifest: &[u8],
    line: &[u8],
    trusted: &OperatorPublicKey,
) -> Result<(), String> {
    let text = std::str::from_utf8(line).map_err(|_| "signature is not text".to_owned())?;
    let text = text
        .strip_suffix('\n')
        .ok_or_else(|| "signature line does not end in a newline".to_owned())?;
    let mut parts = text.split(' ');
    let (Some("ed25519"), Some(key), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("signature line is not `ed25519 <key> <signature>`".into());
    };
    if key != trusted.to_hex() {
        return Err(format!(
            "signed by key {key:.16}..., not the trusted {:.16}...",
            trusted.to_hex()
        ));
    }
    let mut raw = [0u8; 64];
    supreme_core::hex::decode_lower_into(sig.as_bytes(), &mut raw)
        .ok_or_else(|| "signature is not 128 lower-case hex digits".to_owned())?;
    let mut message = DOMAIN.to_vec();
    message.extend_from_slice(manifest);
    UnparsedPublicKey::new(&ED25519, trusted.as_bytes())
        .verify(&message, &raw)
        .map_err(|_| "signature does not verify under the trusted key".to_owned())
}
