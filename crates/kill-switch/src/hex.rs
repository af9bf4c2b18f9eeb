//! Lower-case hex: the maintained `hex` crate's encoder, under the name the
//! switch's callers use.

/// Encodes bytes as lower-case hex.
pub(crate) fn encode(bytes: &[u8]) -> String {
    ::hex::encode(bytes)
}
