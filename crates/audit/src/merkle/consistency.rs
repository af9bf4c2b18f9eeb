//! RFC 6962 consistency proofs (RFC 9162 section 2.1.4): that the tree of
//! `m` leaves is a prefix of the tree of `n` leaves.
//!
//! The writer proves from what it holds: the compact range of the older tree
//! (every node a proof needs from the first `m` leaves is one of its subtree
//! roots) and the leaf hashes added since.

use super::MerkleState;
use crate::digest::{Digest, empty_root, node_hash};

/// The largest power of two strictly below `n` (`n >= 2`).
fn split(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// RFC 6962 MTH over `leaves` (not empty).
fn mth(leaves: &[Digest]) -> Digest {
    match leaves {
        [] => empty_root(),
        [one] => *one,
        _ => {
            let k = usize::try_from(split(leaves.len() as u64)).unwrap_or(usize::MAX);
            node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

/// What the prover can hash: the old tree's compact range and the new leaves.
struct Nodes<'a> {
    old: &'a MerkleState,
    leaves: &'a [Digest],
}

impl Nodes<'_> {
    /// MTH over leaves `lo..hi`, when it is a subtree the prover holds.
    fn hash(&self, lo: u64, hi: u64) -> Option<Digest> {
        let m = self.old.size();
        if lo >= m {
            let lo = usize::try_from(lo - m).ok()?;
            let hi = usize::try_from(hi - m).ok()?;
            return self.leaves.get(lo..hi).map(mth);
        }
        // A node of the old tree: one of its compact range's subtree roots.
        let mut start = 0u64;
        for (bit, node) in (0..64u32)
            .rev()
            .filter(|b| m >> b & 1 == 1)
            .zip(self.old.compact_range())
        {
            let end = start + (1u64 << bit);
            if (start, end) == (lo, hi) {
                return Some(*node);
            }
            start = end;
        }
        None
    }

    /// RFC 9162 SUBPROOF(m, D[lo:hi], b), in absolute leaf positions.
    fn subproof(&self, m: u64, lo: u64, hi: u64, whole: bool, out: &mut Vec<Digest>) -> Option<()> {
        if m == hi {
            if !whole {
                out.push(self.hash(lo, hi)?);
            }
            return Some(());
        }
        let k = split(hi - lo);
        if m <= lo + k {
            self.subproof(m, lo, lo + k, whole, out)?;
            out.push(self.hash(lo + k, hi)?);
        } else {
            self.subproof(m, lo + k, hi, false, out)?;
            out.push(self.hash(lo, lo + k)?);
        }
        Some(())
    }
}

/// The consistency proof from the tree `old` to the tree that has `leaves`
/// (the leaf hashes of records `old.size()` onwards) appended to it.
///
/// Empty when `old` is empty or `leaves` is. Costs one hash per new leaf.
pub(crate) fn prove(old: &MerkleState, leaves: &[Digest]) -> Vec<Digest> {
    let m = old.size();
    let n = m + leaves.len() as u64;
    let mut out = Vec::new();
    if m == 0 || m == n {
        return out;
    }
    let nodes = Nodes { old, leaves };
    match nodes.subproof(m, 0, n, true, &mut out) {
        Some(()) => out,
        // Unreachable for a well-formed compact range: every old node a
        // proof needs is one of its roots. An empty proof then fails to
        // verify (closed), rather than panicking in the writer.
        None => Vec::new(),
    }
}

/// Verifies that the tree of `m` leaves with root `first` is a prefix of
/// the tree of `n` leaves with root `second`, by RFC 9162 section 2.1.4.2.
pub(crate) fn verify(m: u64, n: u64, first: &Digest, second: &Digest, proof: &[Digest]) -> bool {
    if m > n {
        return false;
    }
    if m == n {
        return proof.is_empty() && first == second;
    }
    if m == 0 {
        return proof.is_empty() && *first == empty_root();
    }
    let mut path = proof.iter();
    let seed = if m.is_power_of_two() {
        *first
    } else {
        match path.next() {
            Some(d) => *d,
            None => return false,
        }
    };
    let (mut f, mut s) = (m - 1, n - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (seed, seed);
    for c in path {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    fr == *first && sr == *second && s == 0
}

#[cfg(test)]
mod tests;
