//! The running state of a chain, and rebuilding it from a file on open.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::{Map, Value};

use crate::checkpoint::Checkpoint;
use crate::digest::{Digest, record_hash};
use crate::error::{AuditError, Result};
use crate::merkle::MerkleState;
use crate::record::{Record, scan_head};

/// Chain and tree after the last record.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChainState {
    pub(crate) next_seq: u64,
    pub(crate) head: Digest,
    pub(crate) merkle: MerkleState,
    pub(crate) last_checkpoint: Option<Checkpoint>,
}

impl ChainState {
    pub(crate) fn push(&mut self, line: &[u8]) -> Digest {
        let h = record_hash(line);
        self.merkle.push(h);
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
}

/// Details of a SEGMENT_START record: where the tree stood.
pub(crate) fn segment_start_details(previous: &str, merkle: &MerkleState) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("previous_file".into(), previous.into());
    m.insert("tree_size".into(), merkle.size().into());
    m.insert(
        "compact_range".into(),
        Value::Array(
            merkle
                .compact_range()
                .iter()
                .map(|d| Value::from(d.to_hex()))
                .collect(),
        ),
    );
    m
}

/// The tree state declared by a SEGMENT_START record.
pub(crate) fn merkle_from_segment_start(record: &Record) -> Option<MerkleState> {
    let size = record.details.get("tree_size")?.as_u64()?;
    let range = record.details.get("compact_range")?.as_array()?;
    let stack = range
        .iter()
        .map(|v| Digest::from_hex(v.as_str()?.as_bytes()))
        .collect::<Option<Vec<_>>>()?;
    if size != record.seq {
        return None;
    }
    MerkleState::from_parts(size, stack)
}

/// The checkpoint text in a CHECKPOINT record.
pub(crate) fn checkpoint_of(record: &Record) -> Result<Checkpoint> {
    let text = record
        .details
        .get("checkpoint")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            AuditError::MalformedCheckpoint("CHECKPOINT record without checkpoint text".into())
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
    pub(crate) records: u64,
}

/// Reads a log file, checking its chain; fails closed on anything but a
/// torn last line.
pub(crate) fn scan_file(path: &Path) -> Result<FileScan> {
    let file = File::open(path).map_err(|e| AuditError::io("open", path, e))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut scan = FileScan::default();
    let mut line = Vec::with_capacity(512);
    let mut line_no = 0u64;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| AuditError::io("read", path, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if line.last() != Some(&b'\n') {
            scan.torn = Some((n as u64, record_hash(&line)));
            break;
        }
        line.pop();
        check_line(path, line_no, &line, &mut scan)?;
        scan.valid_len += n as u64;
    }
    Ok(scan)
}

fn check_line(path: &Path, line_no: u64, line: &[u8], scan: &mut FileScan) -> Result<()> {
    let damaged = |what: String| AuditError::Damaged {
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
            let merkle =
                merkle_from_segment_start(r).ok_or_else(|| damaged("bad SEGMENT_START".into()))?;
            scan.state = ChainState {
                next_seq: r.seq,
                head: r.prev,
                merkle,
                last_checkpoint: None,
            };
        } else if r.seq != 0 || r.prev != Digest::ZERO {
            return Err(damaged(
                "first record is neither seq 0 nor a SEGMENT_START".into(),
            ));
        }
        scan.first_seq = Some(r.seq);
        scan.first_time_ms = Some(r.time_ms);
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
        scan.state.last_checkpoint = Some(checkpoint_of(r).map_err(|e| damaged(e.to_string()))?);
    }
    scan.state.push(line);
    scan.records += 1;
    Ok(())
}
