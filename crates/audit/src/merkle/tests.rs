use super::*;
use crate::digest::{Digest, empty_root, node_hash, record_hash};

/// RFC 6962 MTH, straight from its recursive definition.
fn mth(leaves: &[Digest]) -> Digest {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = (n - 1).next_power_of_two() / if (n - 1).is_power_of_two() { 1 } else { 2 };
            let k = if k >= n { k / 2 } else { k };
            node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

#[test]
fn matches_the_recursive_definition() {
    let mut state = MerkleState::new();
    let mut leaves = Vec::new();
    assert_eq!(state.root(), mth(&leaves));
    for i in 0..130u32 {
        let leaf = record_hash(&i.to_be_bytes());
        leaves.push(leaf);
        state.push(leaf);
        assert_eq!(state.root(), mth(&leaves), "size {}", i + 1);
        assert_eq!(
            state.compact_range().len(),
            state.size().count_ones() as usize
        );
    }
}

#[test]
fn rfc6962_empty_root_is_sha256_of_nothing() {
    assert_eq!(
        MerkleState::new().root().to_hex(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn from_parts_checks_the_shape() {
    let mut s = MerkleState::new();
    for i in 0..5u8 {
        s.push(record_hash(&[i]));
    }
    let rebuilt = MerkleState::from_parts(5, s.compact_range().to_vec()).unwrap();
    assert_eq!(rebuilt, s);
    assert!(MerkleState::from_parts(4, s.compact_range().to_vec()).is_none());
}
