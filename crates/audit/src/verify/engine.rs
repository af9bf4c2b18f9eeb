//! The verification loop and the classification of the first break.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use super::follow::Pos;
use super::reader;

mod anchor;
mod classify;
use super::{Finding, FindingKind, Report, VerifyOptions};
use crate::digest::Digest;
use crate::error::{AuditError, Result};
use crate::merkle::MerkleState;
use crate::record::{Head, Record, scan_head};
use crate::state::{checkpoint_of, merkle_from_segment_start};

const PROGRESS_STEP: u64 = 8 << 20;

pub(super) fn run(
    paths: &[PathBuf],
    opts: &VerifyOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report> {
    let mut keyed = Vec::with_capacity(paths.len());
    let mut total = 0u64;
    for (i, path) in paths.iter().enumerate() {
        let file = File::open(path).map_err(|e| AuditError::io("open", path, e))?;
        total += file
            .metadata()
            .map_err(|e| AuditError::io("stat", path, e))?
            .len();
        let mut first = Vec::new();
        BufReader::new(file)
            .read_until(b'\n', &mut first)
            .map_err(|e| AuditError::io("read", path, e))?;
        let key =
            scan_head(first.strip_suffix(b"\n").unwrap_or(&first)).map_or(u64::MAX, |h| h.seq);
        keyed.push((key, i, path.clone()));
    }
    keyed.sort();
    let files: Vec<PathBuf> = keyed.into_iter().map(|(_, _, p)| p).collect();
    let mut engine = Engine {
        opts,
        files: &files,
        started: false,
        next_seq: 0,
        head: Digest::ZERO,
        merkle: MerkleState::new(),
        prev_pos: None,
        prev_prev: Digest::ZERO,
        anchor_seen: None,
        report: Report {
            signatures_checked: opts.public_key.is_some(),
            ..Report::default()
        },
        done: 0,
        total,
    };
    engine.run(progress)?;
    Ok(engine.report)
}

struct Engine<'a> {
    opts: &'a VerifyOptions,
    files: &'a [PathBuf],
    started: bool,
    next_seq: u64,
    head: Digest,
    merkle: MerkleState,
    /// File index and line of the last good record.
    prev_pos: Option<(usize, u64)>,
    prev_prev: Digest,
    anchor_seen: Option<(Digest, Digest)>,
    report: Report,
    done: u64,
    total: u64,
}

/// Where the current line is.
#[derive(Clone, Copy)]
struct At {
    idx: usize,
    line: u64,
    end: u64,
}

impl Engine<'_> {
    fn run(&mut self, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        let files = self.files;
        std::thread::scope(|scope| {
            let chunks = reader::spawn(scope, files);
            let result = self.consume(&chunks, progress);
            drop(chunks); // stops the reader if we stopped early
            result
        })?;
        progress(self.done, self.total);
        self.report.next_seq = self.next_seq;
        self.report.head = self.head;
        self.report.root = self.merkle.root();
        if self.report.finding.is_none() {
            self.check_anchor();
        }
        if self.report.finding.is_none() {
            self.tail_notes();
        }
        Ok(())
    }

    fn consume(
        &mut self,
        chunks: &reader::Chunks,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<()> {
        let mut last_progress = 0;
        let (mut line_no, mut before) = (0u64, 0u64);
        for chunk in &chunks.rx {
            let chunk = chunk?;
            let idx = chunk.idx;
            for (&(s, e), hash) in chunk.lines.iter().zip(&chunk.hashes) {
                line_no += 1;
                let at = At {
                    idx,
                    line: line_no,
                    end: chunk.offset + e as u64 + 1,
                };
                if let Some(f) = self.line(&chunk.data[s..e], *hash, at) {
                    self.report.finding = Some(f);
                    break;
                }
                self.prev_pos = Some((idx, line_no));
            }
            self.done += chunk.data.len() as u64;
            if let (None, Some(torn)) = (&self.report.finding, &chunk.torn) {
                self.done += torn.len() as u64;
                line_no += 1;
                let pos = Pos {
                    file: self.files[idx].clone(),
                    line: line_no,
                };
                if idx + 1 == self.files.len() {
                    self.finding(FindingKind::TornTail, pos, None, "the last line is incomplete (a crash while writing?); opening the log with the writer cuts it and records the recovery".into());
                } else {
                    self.finding(
                        FindingKind::Modified,
                        pos,
                        None,
                        "incomplete line at the end of a file that is not the last".into(),
                    );
                }
            }
            if chunk.eof || self.report.finding.is_some() {
                self.report
                    .files
                    .push((self.files[idx].clone(), self.report.records - before));
                before = self.report.records;
                line_no = 0;
            }
            if self.report.finding.is_some() {
                return Ok(());
            }
            let _ = chunks.recycle.try_send(chunk);
            if self.done - last_progress >= PROGRESS_STEP {
                last_progress = self.done;
                progress(self.done, self.total);
            }
        }
        Ok(())
    }

    pub(super) fn finding(
        &mut self,
        kind: FindingKind,
        pos: Pos,
        seq: Option<u64>,
        detail: String,
    ) {
        self.report.finding = Some(Finding {
            kind,
            file: pos.file,
            line: pos.line,
            seq,
            detail,
        });
    }

    pub(super) fn pos(&self, at: At) -> Pos {
        Pos {
            file: self.files[at.idx].clone(),
            line: at.line,
        }
    }

    pub(super) fn make(
        &self,
        kind: FindingKind,
        at: At,
        seq: Option<u64>,
        detail: String,
    ) -> Option<Finding> {
        let p = self.pos(at);
        Some(Finding {
            kind,
            file: p.file,
            line: p.line,
            seq,
            detail,
        })
    }

    fn line(&mut self, line: &[u8], h: Digest, at: At) -> Option<Finding> {
        let Some(hd) = scan_head(line) else {
            return self.unparseable(line, at);
        };
        let special = hd.event == b"CHECKPOINT" || hd.event == b"SEGMENT_START";
        let record = if self.opts.strict || special || !self.started {
            match Record::parse(line) {
                Ok(r) => Some(r),
                Err(e) => {
                    return self.make(
                        FindingKind::Modified,
                        at,
                        Some(hd.seq),
                        format!("not a valid record: {e}"),
                    );
                }
            }
        } else {
            None
        };
        if !self.started
            && let Some(f) = self.start(hd, record.as_ref(), at)
        {
            return Some(f);
        }
        if hd.seq != self.next_seq || hd.prev != self.head {
            return self.classify(h, hd, at);
        }
        if let Some(r) = &record
            && let Some(f) = self.special(r, at)
        {
            return Some(f);
        }
        self.merkle.push(h);
        self.head = h;
        self.prev_prev = hd.prev;
        self.next_seq += 1;
        self.report.records += 1;
        self.capture_anchor();
        None
    }

    fn start(&mut self, hd: Head<'_>, record: Option<&Record>, at: At) -> Option<Finding> {
        self.started = true;
        self.report.first_seq = hd.seq;
        if hd.seq == 0 {
            self.capture_anchor();
            return None;
        }
        match record {
            Some(r) if r.event_type == crate::EventType::SegmentStart => {
                let Some(m) = merkle_from_segment_start(r) else {
                    return self.make(
                        FindingKind::Modified,
                        at,
                        Some(hd.seq),
                        "SEGMENT_START with an inconsistent tree state".into(),
                    );
                };
                self.merkle = m;
                self.next_seq = r.seq;
                self.head = r.prev;
                self.report.notes.push(format!(
                    "starts at seq {} (a rotated file; the files before it were not given, so the chain before them is not checked)",
                    r.seq
                ));
                self.capture_anchor();
                None
            }
            _ => self.make(
                FindingKind::Deleted,
                at,
                Some(hd.seq),
                format!(
                    "records 0..{} are missing: the log's beginning was cut",
                    hd.seq - 1
                ),
            ),
        }
    }

    /// CHECKPOINT and SEGMENT_START records in chain position.
    fn special(&mut self, r: &Record, at: At) -> Option<Finding> {
        match r.event_type {
            crate::EventType::Checkpoint => {
                let cp = match checkpoint_of(r) {
                    Ok(cp) => cp,
                    Err(e) => return self.make(FindingKind::Modified, at, Some(r.seq), e.to_string()),
                };
                if let Some(pk) = &self.opts.public_key
                    && cp.verify(pk).is_err() {
                        return self.make(FindingKind::BadSignature, at, Some(r.seq), format!("checkpoint of {} records is not signed by {}", cp.size, pk.name()));
                    }
                if cp.size != r.seq || cp.head != self.head || cp.root != self.merkle.root() {
                    let since = self.report.covered;
                    return self.make(
                        FindingKind::Modified,
                        at,
                        Some(r.seq),
                        format!("signed checkpoint of {} records does not match the records before it: records after seq {since} were rewritten", cp.size),
                    );
                }
                self.report.checkpoints += 1;
                self.report.covered = cp.size;
                None
            }
            crate::EventType::SegmentStart if r.seq != self.report.first_seq => match merkle_from_segment_start(r) {
                Some(m) if m == self.merkle => None,
                _ => self.make(FindingKind::Modified, at, Some(r.seq), "SEGMENT_START declares a tree state that differs from the records before it".into()),
            },
            _ => None,
        }
    }
}
