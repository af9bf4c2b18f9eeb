//! [`InlineStr`]: short ASCII text held inline, the storage behind
//! [`Symbol`](crate::Symbol), [`Asset`](crate::Asset),
//! [`ClientOrderId`](crate::ClientOrderId) and the names of other crates
//! (risk-limits' accounts and strategies).

use std::fmt;

/// Up to `N` ASCII bytes (`N` at most 255) stored inline: `Copy`, no heap.
///
/// ```
/// use supreme_core::InlineStr;
/// let s = InlineStr::<8>::from_ascii("BTC").unwrap();
/// assert_eq!(s.as_str(), "BTC");
/// assert!(InlineStr::<2>::from_ascii("BTC").is_none());
/// assert!(InlineStr::<8>::from_ascii("€").is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InlineStr<const N: usize> {
    len: u8,
    bytes: [u8; N],
}

impl<const N: usize> InlineStr<N> {
    /// `s` when it is ASCII and at most `N` (and 255) bytes long.
    pub fn from_ascii(s: &str) -> Option<Self> {
        let len = u8::try_from(s.len())
            .ok()
            .filter(|&l| usize::from(l) <= N)?;
        if !s.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; N];
        bytes
            .iter_mut()
            .zip(s.bytes())
            .for_each(|(slot, b)| *slot = b);
        Some(Self { len, bytes })
    }

    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        // Only ASCII is ever stored, so this cannot fail.
        std::str::from_utf8(bytes).unwrap_or_default()
    }
}

impl<const N: usize> fmt::Debug for InlineStr<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}
