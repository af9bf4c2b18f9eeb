//! An append-only RFC 6962 Merkle tree kept as its compact range: the roots
//! of the perfect subtrees that make up the leaves so far (O(log n) memory).

use crate::digest::{Digest, empty_root, node_hash};

pub(crate) mod consistency;

/// Incremental Merkle tree hash (RFC 6962 section 2.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MerkleState {
    size: u64,
    /// Subtree roots, largest (leftmost) first; subtree `i` has
    /// `2^k` leaves where `k` is the position of the i-th highest set bit.
    stack: Vec<Digest>,
}

impl MerkleState {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds from a size and its compact range; `None` if they disagree.
    pub fn from_parts(size: u64, stack: Vec<Digest>) -> Option<Self> {
        (usize::try_from(size.count_ones()).ok() == Some(stack.len()))
            .then_some(Self { size, stack })
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The compact range (subtree roots, left to right).
    pub fn compact_range(&self) -> &[Digest] {
        &self.stack
    }

    /// Appends a leaf given its leaf hash.
    pub fn push(&mut self, leaf_hash: Digest) {
        let mut node = leaf_hash;
        let mut size = self.size;
        // Merge with equal-sized subtrees on the right edge.
        while size & 1 == 1 {
            let Some(left) = self.stack.pop() else { break };
            node = node_hash(&left, &node);
            size >>= 1;
        }
        self.stack.push(node);
        self.size += 1;
    }

    /// The tree head: the root over all leaves.
    pub fn root(&self) -> Digest {
        let mut iter = self.stack.iter().rev();
        let Some(last) = iter.next() else {
            return empty_root();
        };
        iter.fold(*last, |acc, left| node_hash(left, &acc))
    }
}

#[cfg(test)]
mod tests;
