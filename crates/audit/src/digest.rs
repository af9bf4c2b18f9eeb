//! SHA-256 digests and the record hash.

use std::fmt;

use ring::digest::{Context, SHA256};

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// All zeros: the `prev` of the very first record.
    pub const ZERO: Self = Self([0; 32]);

    /// Lower-case hex, 64 characters.
    pub fn to_hex(&self) -> String {
        let mut s = String::with_capacity(64);
        self.write_hex(&mut s);
        s
    }

    pub(crate) fn write_hex(&self, out: &mut String) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for b in self.0 {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }

    /// Parses exactly 64 lower-case hex characters.
    pub fn from_hex(hex: &[u8]) -> Option<Self> {
        if hex.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, pair) in hex.chunks_exact(2).enumerate() {
            out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
        }
        Some(Self(out))
    }
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.to_hex())
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

fn finish(ctx: Context) -> Digest {
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    Digest(out)
}

/// The hash of a record: SHA-256 over `0x00 || line` (without the newline).
///
/// This is the RFC 6962 Merkle leaf hash of the line, so one hash serves
/// both the chain (`prev` of the next record) and the Merkle tree.
pub fn record_hash(line: &[u8]) -> Digest {
    let mut ctx = Context::new(&SHA256);
    ctx.update(&[0]);
    ctx.update(line);
    finish(ctx)
}

/// RFC 6962 interior node: SHA-256 over `0x01 || left || right`.
pub(crate) fn node_hash(left: &Digest, right: &Digest) -> Digest {
    let mut buf = [0u8; 65];
    buf[0] = 1;
    buf[1..33].copy_from_slice(&left.0);
    buf[33..].copy_from_slice(&right.0);
    let mut ctx = Context::new(&SHA256);
    ctx.update(&buf);
    finish(ctx)
}

/// RFC 6962 root of the empty tree: SHA-256 of nothing.
pub(crate) fn empty_root() -> Digest {
    finish(Context::new(&SHA256))
}
