//! A fast hasher for the symbol table.
//!
//! Symbols are short inline strings taken from the exchange's own
//! `exchangeInfo`, not from an adversary, so the table does not need
//! SipHash's flooding resistance; an Fx-style multiply-rotate hash takes the
//! lookup from about 25 ns to a few.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::{Symbol, SymbolRules};

/// Symbol → rules.
pub(crate) type SymbolMap = HashMap<Symbol, SymbolRules, BuildHasherDefault<SymbolHasher>>;

/// Fx-style hasher (rustc's FxHasher construction), 8 bytes at a time.
#[derive(Default, Clone, Copy)]
pub(crate) struct SymbolHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl SymbolHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for SymbolHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail.iter_mut().zip(rest).for_each(|(t, b)| *t = *b);
        self.add(u64::from_le_bytes(tail) ^ (rest.len() as u64) << 56);
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}
