//! Signed checkpoints in the C2SP tlog-checkpoint form:
//!
//! ```text
//! <origin>
//! <record count>
//! <base64 Merkle root (RFC 6962)>
//! chain <base64 hash of the last record>
//!
//! — <key name> <base64(4-byte key id || Ed25519 signature)>
//! ```
//!
//! The signature covers the body: every line before the blank line, each
//! with its newline. The `chain` line is an extension line.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::key::{PublicKey, SigningKey, valid_key_name};

const SIG_PREFIX: &str = "\u{2014} ";
const MAX_LEN: usize = 16 * 1024;

/// One signature line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// Key name.
    pub key_name: String,
    /// Key id (C2SP key hash).
    pub key_id: [u8; 4],
    /// The signature bytes.
    pub signature: Vec<u8>,
}

/// A signed statement that a log had `size` records with this root and head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line (its identity).
    pub origin: String,
    /// Number of records covered (seq 0 to size - 1).
    pub size: u64,
    /// RFC 6962 Merkle root over the records' lines.
    pub root: Digest,
    /// Hash of record `size - 1` (zeros when empty).
    pub head: Digest,
    /// Signatures, at least one.
    pub signatures: Vec<NoteSignature>,
}

impl Checkpoint {
    fn body(origin: &str, size: u64, root: &Digest, head: &Digest) -> String {
        format!(
            "{origin}\n{size}\n{}\nchain {}\n",
            B64.encode(root.0),
            B64.encode(head.0)
        )
    }

    /// Signs a new checkpoint.
    pub fn sign(
        origin: &str,
        size: u64,
        root: Digest,
        head: Digest,
        key: &SigningKey,
    ) -> Result<Self> {
        if origin.is_empty() || origin.contains('\n') || origin != origin.trim() {
            return Err(Error::InvalidOption(format!(
                "bad checkpoint origin {origin:?}"
            )));
        }
        let body = Self::body(origin, size, &root, &head);
        let sig = key.sign(body.as_bytes());
        let public = key.public_key();
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            head,
            signatures: vec![NoteSignature {
                key_name: key.name().to_owned(),
                key_id: public.id,
                signature: sig.to_vec(),
            }],
        })
    }

    /// The signed text.
    pub fn to_text(&self) -> String {
        let mut s = Self::body(&self.origin, self.size, &self.root, &self.head);
        s.push('\n');
        for sig in &self.signatures {
            let mut raw = sig.key_id.to_vec();
            raw.extend_from_slice(&sig.signature);
            s.push_str(&format!(
                "{SIG_PREFIX}{} {}\n",
                sig.key_name,
                B64.encode(raw)
            ));
        }
        s
    }

    /// Parses checkpoint text (signatures are not checked here; see
    /// [`Checkpoint::verify`]).
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |what: &str| Error::MalformedCheckpoint(what.to_owned());
        if text.len() > MAX_LEN {
            return Err(bad("too long"));
        }
        let (body, sigs) = text
            .split_once("\n\n")
            .ok_or_else(|| bad("no blank line before signatures"))?;
        let mut lines = body.split('\n');
        let origin = lines
            .next()
            .filter(|l| !l.is_empty())
            .ok_or_else(|| bad("empty origin"))?;
        let size_line = lines.next().ok_or_else(|| bad("missing size"))?;
        if size_line.is_empty()
            || (size_line.len() > 1 && size_line.starts_with('0'))
            || !size_line.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad("size is not a canonical decimal"));
        }
        let size = size_line.parse().map_err(|_| bad("size out of range"))?;
        let root = decode_digest(lines.next().ok_or_else(|| bad("missing root hash"))?)
            .ok_or_else(|| bad("root is not base64 of 32 bytes"))?;
        let mut head = None;
        for ext in lines {
            match ext.strip_prefix("chain ") {
                Some(h) if head.is_none() => {
                    head = Some(
                        decode_digest(h).ok_or_else(|| bad("chain is not base64 of 32 bytes"))?,
                    )
                }
                _ => return Err(bad("unexpected extension line")),
            }
        }
        let head = head.ok_or_else(|| bad("missing chain line"))?;
        let sigs = sigs
            .strip_suffix('\n')
            .ok_or_else(|| bad("signature block must end with a newline"))?;
        let mut signatures = Vec::new();
        for line in sigs.split('\n') {
            let rest = line
                .strip_prefix(SIG_PREFIX)
                .ok_or_else(|| bad("signature line must start with an em dash"))?;
            let (name, b64) = rest
                .split_once(' ')
                .ok_or_else(|| bad("signature line needs a name and a signature"))?;
            if !valid_key_name(name) {
                return Err(bad("bad key name"));
            }
            let raw = B64
                .decode(b64)
                .map_err(|_| bad("signature is not base64"))?;
            if raw.len() < 5 {
                return Err(bad("signature too short"));
            }
            let mut key_id = [0u8; 4];
            key_id.copy_from_slice(&raw[..4]);
            signatures.push(NoteSignature {
                key_name: name.to_owned(),
                key_id,
                signature: raw[4..].to_vec(),
            });
        }
        let cp = Self {
            origin: origin.to_owned(),
            size,
            root,
            head,
            signatures,
        };
        if cp.to_text() != text {
            return Err(bad("not in canonical form"));
        }
        Ok(cp)
    }

    /// Checks that `key` signed this checkpoint.
    pub fn verify(&self, key: &PublicKey) -> Result<()> {
        let body = Self::body(&self.origin, self.size, &self.root, &self.head);
        let ok = self.signatures.iter().any(|s| {
            s.key_name == key.name
                && s.key_id == key.id
                && key.verify(body.as_bytes(), &s.signature)
        });
        if ok {
            Ok(())
        } else {
            Err(Error::BadSignature {
                key_name: key.name.clone(),
            })
        }
    }
}

impl fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

fn decode_digest(b64: &str) -> Option<Digest> {
    let raw = B64.decode(b64).ok()?;
    Some(Digest(<[u8; 32]>::try_from(raw.as_slice()).ok()?))
}

#[cfg(test)]
mod tests;
