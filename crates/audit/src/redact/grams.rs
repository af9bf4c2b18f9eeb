//! A pre-filter for names: the first four bytes of every marker, so a
//! name none of them occurs in is passed in one pass of bit lookups,
//! without the matcher's per-byte candidate lists.
//!
//! Bytes are taken modulo 32, which folds ASCII case (`A` and `a` are
//! both 1) and maps a few other bytes onto letters. The filter may say
//! "maybe" more often than needed, never less: a name it passes over
//! cannot match, because every match starts with its marker's first
//! four bytes (or the whole marker, when shorter).

/// Which marker prefixes occur: the first 1, 2, 3 or 4 bytes of each marker.
#[derive(Clone)]
pub(super) struct Grams {
    /// Prefixes of four bytes, a bit per hash of (a, b, c, d) modulo 32.
    four: Box<[u64; 1024]>,
    /// Markers of three bytes, a bit per (a, b, c) modulo 32.
    three: Box<[u64; 512]>,
    /// Markers of two bytes, a bit per (a, b) modulo 32.
    two: [u64; 16],
    /// Markers of one byte, a bit per byte modulo 32.
    one: u32,
    /// Whether some marker is shorter than three bytes.
    short: bool,
}

fn fold(b: u8) -> usize {
    usize::from(b & 31)
}

/// The bit of four folded bytes (20 bits) in a table of 2^16.
fn hash4(window: usize) -> usize {
    let w = u32::try_from(window & 0xf_ffff).unwrap_or_default();
    usize::try_from(w.wrapping_mul(0x9e37_79b1) >> 16).unwrap_or_default()
}

fn set(bits: &mut [u64], i: usize) {
    if let Some(w) = bits.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

fn get(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

impl Grams {
    pub(super) fn new() -> Self {
        Self {
            four: Box::new([0; 1024]),
            three: Box::new([0; 512]),
            two: [0; 16],
            one: 0,
            short: false,
        }
    }

    /// Records the start of a marker (a word, or a sequence's first segment).
    pub(super) fn add(&mut self, marker: &[u8]) {
        match *marker {
            [] => {}
            [a] => {
                self.one |= 1 << fold(a);
                self.short = true;
            }
            [a, b] => {
                set(&mut self.two, (fold(a) << 5) | fold(b));
                self.short = true;
            }
            [a, b, c] => set(&mut *self.three, (fold(a) << 10) | (fold(b) << 5) | fold(c)),
            [a, b, c, d, ..] => set(
                &mut *self.four,
                hash4((fold(a) << 15) | (fold(b) << 10) | (fold(c) << 5) | fold(d)),
            ),
        }
    }

    /// Whether some marker may start somewhere in `name`; false only when
    /// none can.
    pub(super) fn may_match(&self, name: &[u8]) -> bool {
        if self.short && self.may_match_short(name) {
            return true;
        }
        // The last four bytes folded, 5 bits each, in a rolling window.
        let mut window = 0usize;
        for (i, &b) in name.iter().enumerate() {
            window = ((window << 5) | fold(b)) & 0xf_ffff;
            if i >= 2 && get(&*self.three, window & 0x7fff) {
                return true;
            }
            if i >= 3 && get(&*self.four, hash4(window)) {
                return true;
            }
        }
        false
    }

    fn may_match_short(&self, name: &[u8]) -> bool {
        name.iter().any(|&a| self.one & (1 << fold(a)) != 0)
            || name.windows(2).any(|w| match *w {
                [a, b] => get(&self.two, (fold(a) << 5) | fold(b)),
                _ => false,
            })
    }
}
