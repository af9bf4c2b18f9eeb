//! What the log's own records carry to bind files together.
//!
//! - A CHECKPOINT record holds the signed [`Checkpoint`] and the RFC 6962
//!   consistency proof from the checkpoint before it (`from` its size).
//! - A SEGMENT_START record, the first of every file after the first, is
//!   bound to the previous file's last signed checkpoint: it holds that
//!   checkpoint and the tree's compact range at its size (which must hash to
//!   the signed root); the previous file's last record is that checkpoint's
//!   own CHECKPOINT record, whose hash is the SEGMENT_START's `prev`. So the
//!   tree a file starts from rests on a signature, never on unsigned state.

use serde_json::{Map, Value};

use crate::checkpoint::Checkpoint;
use crate::digest::Digest;
use crate::merkle::MerkleState;
use crate::record::Record;

/// A SEGMENT_START's binding to the signed checkpoint before it.
#[derive(Debug, Clone)]
pub(crate) struct SegmentBase {
    /// The previous file's last signed checkpoint (signature not checked here).
    pub(crate) checkpoint: Checkpoint,
    /// The tree at `checkpoint.size`, whose root is the signed root.
    pub(crate) at_checkpoint: MerkleState,
    /// The tree before the SEGMENT_START: `at_checkpoint` plus the
    /// CHECKPOINT record's leaf (the SEGMENT_START's `prev`).
    pub(crate) tree: MerkleState,
}

fn hex_list(digests: &[Digest]) -> Value {
    Value::Array(digests.iter().map(|d| Value::from(d.to_hex())).collect())
}

fn parse_list(v: Option<&Value>) -> Option<Vec<Digest>> {
    v?.as_array()?
        .iter()
        .map(|v| Digest::from_hex(v.as_str()?.as_bytes()))
        .collect()
}

/// Details of a SEGMENT_START record after `previous` (a file name), bound
/// to `checkpoint`, the last one signed, with the tree `at_checkpoint` at
/// its size, and the tree `merkle` at the new file's first seq.
pub(crate) fn segment_start_details(
    previous: &str,
    merkle: &MerkleState,
    checkpoint: &Checkpoint,
    at_checkpoint: &MerkleState,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("previous_file".into(), previous.into());
    m.insert("tree_size".into(), merkle.size().into());
    m.insert("compact_range".into(), hex_list(merkle.compact_range()));
    m.insert("checkpoint".into(), checkpoint.to_text().into());
    m.insert(
        "checkpoint_range".into(),
        hex_list(at_checkpoint.compact_range()),
    );
    m
}

/// Reads and checks a SEGMENT_START's binding: the checkpoint parses, the
/// compact range at its size hashes to its root, the record sits right
/// after the checkpoint's own record, and the declared tree is that tree
/// with the checkpoint record's leaf (`prev`) appended. The signature is
/// the caller's to check.
pub(crate) fn segment_base(record: &Record) -> Result<SegmentBase, String> {
    let d = &record.details;
    let text = d
        .get("checkpoint")
        .and_then(Value::as_str)
        .ok_or("SEGMENT_START carries no signed checkpoint of the file before it")?;
    let checkpoint = Checkpoint::parse(text).map_err(|e| format!("SEGMENT_START: {e}"))?;
    let at_checkpoint = parse_list(d.get("checkpoint_range"))
        .and_then(|r| MerkleState::from_parts(checkpoint.size, r))
        .ok_or("SEGMENT_START: bad checkpoint_range")?;
    if at_checkpoint.root() != checkpoint.root {
        return Err(format!(
            "SEGMENT_START: the tree it declares at size {} does not hash to the signed root",
            checkpoint.size
        ));
    }
    if checkpoint.size.checked_add(1) != Some(record.seq) {
        return Err(format!(
            "SEGMENT_START at seq {} does not follow its checkpoint of {} records",
            record.seq, checkpoint.size
        ));
    }
    let mut tree = at_checkpoint.clone();
    tree.push(record.prev);
    let declared = d
        .get("tree_size")
        .and_then(Value::as_u64)
        .zip(parse_list(d.get("compact_range")))
        .and_then(|(size, range)| MerkleState::from_parts(size, range));
    if declared.as_ref() != Some(&tree) {
        return Err("SEGMENT_START declares a tree state that differs from its checkpoint".into());
    }
    Ok(SegmentBase {
        checkpoint,
        at_checkpoint,
        tree,
    })
}

/// Details of a CHECKPOINT record: the checkpoint, and the consistency proof
/// from the checkpoint of `from` records before it.
pub(crate) fn checkpoint_details(
    cp: &Checkpoint,
    from: u64,
    proof: &[Digest],
) -> Map<String, Value> {
    let mut c = Map::new();
    c.insert("from".into(), from.into());
    c.insert("proof".into(), hex_list(proof));
    let mut m = Map::new();
    m.insert("checkpoint".into(), cp.to_text().into());
    m.insert("consistency".into(), Value::Object(c));
    m
}

/// The consistency proof in a CHECKPOINT record: `(from, proof)`.
pub(crate) fn consistency_of(record: &Record) -> Option<(u64, Vec<Digest>)> {
    let c = record.details.get("consistency")?;
    Some((c.get("from")?.as_u64()?, parse_list(c.get("proof"))?))
}
