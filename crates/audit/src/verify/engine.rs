//! The verification loop and the classification of the first break.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use super::follow::Pos;
use super::reader;

mod anchor;
mod classify;
mod special;
mod verdict;
use super::{Finding, FindingKind, Report, VerifyOptions};
use crate::checkpoint::Checkpoint;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::merkle::MerkleState;
use crate::record::{Record, scan_head};

const PROGRESS_STEP: u64 = 8 << 20;

pub(super) fn run(
    paths: &[PathBuf],
    opts: &VerifyOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report> {
    let mut keyed = Vec::with_capacity(paths.len());
    let mut total = 0u64;
    for (i, path) in paths.iter().enumerate() {
        let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
        total += file
            .metadata()
            .map_err(|e| Error::io("stat", path, e))?
            .len();
        let mut first = Vec::new();
        BufReader::new(file)
            .read_until(b'\n', &mut first)
            .map_err(|e| Error::io("read", path, e))?;
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
        proven: None,
        last_checkpoint: None,
        base: None,
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
    /// Size and root of the last signed tree head the next checkpoint's
    /// consistency proof must extend (the empty tree at seq 0).
    proven: Option<(u64, Digest)>,
    /// The last checkpoint seen (or the one the first file is bound to).
    last_checkpoint: Option<Checkpoint>,
    /// The checkpoint the first file's SEGMENT_START is bound to.
    base: Option<Checkpoint>,
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
        let place = || files.first().cloned().unwrap_or_default();
        std::thread::scope(|scope| {
            let (chunks, reader) = reader::spawn(scope, files)
                .map_err(|e| Error::io("start the reader thread", place(), e))?;
            let result = self.consume(&chunks, progress);
            drop(chunks); // stops the reader if we stopped early
            // Joined on every path, so no thread of ours outlives the call.
            let joined = reader.join();
            match (result, joined) {
                (Err(e), _) => Err(e),
                (Ok(()), Ok(())) => Ok(()),
                (Ok(()), Err(_)) => Err(Error::io(
                    "read",
                    place(),
                    std::io::Error::other("the reader thread panicked"),
                )),
            }
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
        self.verdict();
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
}
