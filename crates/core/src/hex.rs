//! Lowercase hex, as every file and token of the workspace writes it, on the
//! maintained `hex` crate.

/// `bytes` as lowercase hex.
///
/// ```
/// assert_eq!(supreme_core::hex::encode([0xab, 0x01]), "ab01");
/// ```
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    hex::encode(bytes)
}

/// Decodes `text` into `out`, which it must fill exactly, accepting only
/// lowercase hex (the one form the workspace writes, so a file has one
/// spelling). `None` on any other length or character.
///
/// ```
/// let mut out = [0u8; 2];
/// assert_eq!(supreme_core::hex::decode_lower_into(b"ab01", &mut out), Some(()));
/// assert_eq!(out, [0xab, 0x01]);
/// assert_eq!(supreme_core::hex::decode_lower_into(b"AB01", &mut out), None);
/// assert_eq!(supreme_core::hex::decode_lower_into(b"ab0", &mut out), None);
/// ```
pub fn decode_lower_into(text: &[u8], out: &mut [u8]) -> Option<()> {
    let lower = text
        .iter()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c));
    if !lower || text.len() != out.len().checked_mul(2)? {
        return None;
    }
    hex::decode_to_slice(text, out).ok()
}
