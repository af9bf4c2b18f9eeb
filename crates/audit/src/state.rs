//! The running state of a chain, and rebuilding it from a file on open.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::Value;

use crate::binding::{consistency_of, segment_base};
use crate::checkpoint::Checkpoint;
use crate::digest::{Digest, record_hash};
use crate::error::{Error, Result};
use crate::key::PublicKey;
use crate::merkle::{MerkleState, consistency};
use crate::record::{Record, scan_head};

/// Chain and tree after the last record.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChainState {
    pub(crate) next_seq: u64,
    pub(crate) head: Digest,
    pub(crate) merkle: MerkleState,
    pub(crate) last_checkpoint: Option<Checkpoint>,
    /// The tree at the last checkpoint's size (empty before the first).
    pub(crate) at_checkpoint: MerkleState,
    /// Leaf hashes since then: what the next consistency proof needs.
    pub(crate) since_checkpoint: Vec<Digest>,
}

impl ChainState {
    pub(crate) fn push(&mut self, line: &[u8]) -> Digest {
        let h = record_hash(line);
        self.merkle.push(h);
        self.since_checkpoint.push(h);
        self.head = h;
        self.next_seq += 1;
        h
    }

    /// Whether records exist that no checkpoint covers (the checkpoint
    /// record itself does not count).
    pub(crate) fn uncovered(&self) -> bool {
        match &self.last_checkpoint {
            None => true,
            Some(cp) => self.next_seq > cp.size + 1,
        }
    }

    /// The consistency proof from the last checkpoint to the tree now:
    /// `(from, proof)`.
    pub(crate) fn proof(&self) -> (u64, Vec<Digest>) {
        (
            self.at_checkpoint.size(),
            consistency::prove(&self.at_checkpoint, &self.since_checkpoint),
        )
    }

    /// Records that `cp`, of the tree now, is the last checkpoint (before
    /// its own record is pushed).
    pub(crate) fn mark_checkpoint(&mut self, cp: Checkpoint) {
        self.at_checkpoint = self.merkle.clone();
        self.since_checkpoint.clear();
        self.last_checkpoint = Some(cp);
    }
}

/// The checkpoint text in a CHECKPOINT record.
pub(crate) fn checkpoint_of(record: &Record) -> Result<Checkpoint> {
    let text = record
        .details
        .get("checkpoint")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            Error::MalformedCheckpoint("CHECKPOINT record without checkpoint text".into())
        })?;
    Checkpoint::parse(text)
}

/// What reading an existing file found.
#[derive(Debug, Default)]
pub(crate) struct FileScan {
    pub(crate) state: ChainState,
    /// Bytes of complete, valid lines.
    pub(crate) valid_len: u64,
    /// A torn (incomplete) last line: its length and hash.
    pub(crate) torn: Option<(u64, Digest)>,
    pub(crate) first_seq: Option<u64>,
    pub(crate) first_time_ms: Option<i64>,
    /// The first record's `prev` (the hash of the previous file's last record).
    pub(crate) first_prev: Digest,
    /// The checkpoint a first SEGMENT_START is bound to.
    pub(crate) base: Option<Checkpoint>,
    pub(crate) records: u64,
}

/// Reads a log file, checking its chain, its tree and every checkpoint in
/// it (signed by `key`, matching the records before it, proven consistent
/// with the one before); a file that starts with a SEGMENT_START must be
/// bound to a checkpoint `key` signed. Fails closed on anything but a torn
/// last line.
pub(crate) fn scan_file(path: &Path, key: &PublicKey) -> Result<FileScan> {
    let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut scan = FileScan::default();
    let mut line = Vec::with_capacity(512);
    let mut line_no = 0u64;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::io("read", path, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if line.last() != Some(&b'\n') {
            scan.torn = Some((n as u64, record_hash(&line)));
            break;
        }
        line.pop();
        check_line(path, line_no, &line, key, &mut scan)?;
        scan.valid_len += n as u64;
    }
    Ok(scan)
}

fn check_line(
    path: &Path,
    line_no: u64,
    line: &[u8],
    key: &PublicKey,
    scan: &mut FileScan,
) -> Result<()> {
    let damaged = |what: String| Error::Damaged {
        path: path.to_owned(),
        line: line_no,
        what,
    };
    let head = scan_head(line).ok_or_else(|| damaged("not a record".into()))?;
    let special = head.event == b"CHECKPOINT" || head.event == b"SEGMENT_START";
    let record = if special || scan.first_seq.is_none() {
        Some(Record::parse(line).map_err(|e| damaged(e.to_string()))?)
    } else {
        None
    };
    if scan.first_seq.is_none() {
        let r = record
            .as_ref()
            .ok_or_else(|| damaged("unreadable first record".into()))?;
        if r.event_type == crate::EventType::SegmentStart {
            let base = segment_base(r).map_err(damaged)?;
            base.checkpoint.verify(key).map_err(|_| {
                damaged("SEGMENT_START's checkpoint is not signed by this log's key".into())
            })?;
            scan.state = ChainState {
                next_seq: r.seq,
                head: r.prev,
                merkle: base.tree,
                last_checkpoint: Some(base.checkpoint.clone()),
                at_checkpoint: base.at_checkpoint,
                since_checkpoint: vec![r.prev],
            };
            scan.base = Some(base.checkpoint);
        } else if r.seq != 0 || r.prev != Digest::ZERO {
            return Err(damaged(
                "first record is neither seq 0 nor a SEGMENT_START".into(),
            ));
        }
        scan.first_seq = Some(r.seq);
        scan.first_time_ms = Some(r.time_ms);
        scan.first_prev = r.prev;
    }
    if head.seq != scan.state.next_seq {
        return Err(damaged(format!(
            "seq {} where {} was expected",
            head.seq, scan.state.next_seq
        )));
    }
    if head.prev != scan.state.head {
        return Err(damaged(format!(
            "seq {} does not chain to the record before it",
            head.seq
        )));
    }
    if head.event == b"CHECKPOINT"
        && let Some(r) = &record
    {
        let cp = checkpoint_of(r).map_err(|e| damaged(e.to_string()))?;
        check_checkpoint(&cp, r, key, &scan.state).map_err(damaged)?;
        scan.state.mark_checkpoint(cp);
    } else if head.event == b"SEGMENT_START" && scan.records > 0 {
        return Err(damaged("a SEGMENT_START inside a file".into()));
    }
    scan.state.push(line);
    scan.records += 1;
    Ok(())
}

/// A CHECKPOINT record the writer may continue from: signed by `key`, over
/// exactly the records before it, proven to extend the checkpoint before.
fn check_checkpoint(
    cp: &Checkpoint,
    r: &Record,
    key: &PublicKey,
    state: &ChainState,
) -> std::result::Result<(), String> {
    cp.verify(key)
        .map_err(|_| "checkpoint not signed by this log's key".to_owned())?;
    if cp.size != r.seq || cp.root != state.merkle.root() || cp.head != state.head {
        return Err("checkpoint does not match the records before it".into());
    }
    let (from, proof) = consistency_of(r).ok_or("checkpoint without a consistency proof")?;
    let old = &state.at_checkpoint;
    if from != old.size() || !consistency::verify(from, cp.size, &old.root(), &cp.root, &proof) {
        return Err("checkpoint's consistency proof does not verify".into());
    }
    Ok(())
}
