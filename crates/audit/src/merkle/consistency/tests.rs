use proptest::prelude::*;

use super::*;
use crate::digest::record_hash;

fn leaves(n: u64) -> Vec<Digest> {
    (0..n).map(|i| record_hash(&i.to_be_bytes())).collect()
}

fn tree(leaves: &[Digest]) -> MerkleState {
    let mut t = MerkleState::new();
    for l in leaves {
        t.push(*l);
    }
    t
}

/// RFC 9162 PROOF(m, D[n]) straight from its definition, over all leaves.
fn reference(m: usize, d: &[Digest], whole: bool, out: &mut Vec<Digest>) {
    let n = d.len();
    if m == n {
        if !whole {
            out.push(mth(d));
        }
        return;
    }
    let k = usize::try_from(split(n as u64)).expect("fits");
    if m <= k {
        reference(m, &d[..k], whole, out);
        out.push(mth(&d[k..]));
    } else {
        reference(m - k, &d[k..], false, out);
        out.push(mth(&d[..k]));
    }
}

fn check(m: u64, n: u64) -> (Vec<Digest>, Digest, Digest) {
    let all = leaves(n);
    let (m_us, n_us) = (
        usize::try_from(m).expect("fits"),
        usize::try_from(n).expect("fits"),
    );
    let old = tree(&all[..m_us]);
    let new = tree(&all);
    let proof = prove(&old, &all[m_us..]);
    if m > 0 && m < n {
        let mut want = Vec::new();
        reference(m_us, &all[..n_us], true, &mut want);
        assert_eq!(proof, want, "m {m} n {n}");
    }
    assert!(
        verify(m, n, &old.root(), &new.root(), &proof),
        "m {m} n {n}"
    );
    (proof, old.root(), new.root())
}

#[test]
fn every_small_pair_proves_and_matches_the_definition() {
    for n in 0..=70 {
        for m in 0..=n {
            check(m, n);
        }
    }
}

#[test]
fn rfc_example_sizes_give_the_documented_proof_lengths() {
    // RFC 6962 section 2.1.3: the tree of 7 leaves; PROOF(3) = [c, d, g, l],
    // PROOF(4) = [l], PROOF(6) = [i, j, k].
    assert_eq!(check(3, 7).0.len(), 4);
    assert_eq!(check(4, 7).0.len(), 1);
    assert_eq!(check(6, 7).0.len(), 3);
}

#[test]
fn a_proof_for_other_sizes_or_roots_fails() {
    let (proof, first, second) = check(5, 13);
    assert!(!verify(4, 13, &first, &second, &proof));
    assert!(!verify(5, 40, &first, &second, &proof));
    assert!(!verify(5, 13, &second, &second, &proof));
    assert!(!verify(5, 13, &first, &first, &proof));
    assert!(!verify(13, 5, &second, &first, &proof));
    assert!(!verify(5, 13, &first, &second, &[]));
    assert!(!verify(0, 13, &first, &second, &proof));
}

proptest! {
    #[test]
    fn generated_proofs_verify(n in 1u64..600, seed in any::<u64>()) {
        check(seed % (n + 1), n);
    }

    #[test]
    fn altered_proofs_fail(n in 2u64..400, seed in any::<u64>(), pick in any::<usize>(), bit in 0usize..256, how in 0u8..4) {
        let m = 1 + seed % (n - 1);
        let (mut proof, first, second) = check(m, n);
        match how {
            0 => {
                let i = pick % proof.len();
                proof[i].0[bit / 8] ^= 1 << (bit % 8);
            }
            1 => { proof.remove(pick % proof.len()); }
            2 => proof.push(first),
            _ => {
                let i = pick % proof.len();
                let j = (i + 1) % proof.len();
                prop_assume!(proof[i] != proof[j]);
                proof.swap(i, j);
            }
        }
        prop_assert!(!verify(m, n, &first, &second, &proof));
    }
}
