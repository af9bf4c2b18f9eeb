//! The verifier: checks chain, tree, checkpoints and an anchor, and names the
//! first bad record and what is wrong with it.

mod engine;
mod follow;
mod reader;

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::checkpoint::Checkpoint;
use crate::digest::Digest;
use crate::error::Result;
use crate::key::PublicKey;

/// What to check against.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Verifies every checkpoint's signature (and the anchor's). Without it,
    /// signatures are not checked and the report is not authenticated.
    pub public_key: Option<PublicKey>,
    /// `public_key` is not one the caller trusts (the CLI: found beside the
    /// log as `<log>.key.pub`, where whoever can write the log can replace
    /// it, and matching no fingerprint given): signatures are checked
    /// against it (a bad one is still tampering), but the report is never
    /// authenticated.
    pub untrusted_key: bool,
    /// A checkpoint exported earlier: the log must contain at least its
    /// records, with the same root and head (this catches a cut tail); or,
    /// when it is older than the files, they must be linked to it through
    /// signed checkpoints and consistency proofs stored in `proofs`.
    pub anchor: Option<Checkpoint>,
    /// The log's proof file ([`proofs_path`](crate::proofs_path)), read
    /// only for an anchor older than the files. [`verify_log`] finds it.
    pub proofs: Option<PathBuf>,
    /// Also parse every record fully and require canonical form. Without it
    /// records are read on a fast path (sequence, event, `prev`), which is
    /// enough for tamper evidence: any changed byte changes the chain.
    /// Strict also allows no uncovered tail: every record but the last
    /// checkpoint's own must be covered by a signed checkpoint for the
    /// report to be authenticated.
    pub strict: bool,
}

/// What is wrong with the first bad record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FindingKind {
    /// The record's bytes changed (or it is not a valid record).
    Modified,
    /// Records are missing here.
    Deleted,
    /// A record that was never written by the log is here.
    Inserted,
    /// Records are out of order.
    Reordered,
    /// The log ends before records an anchor or checkpoint covers.
    Truncated,
    /// The last line is incomplete (a crash while writing; reopening the log
    /// with the writer recovers it).
    TornTail,
    /// A checkpoint's (or the anchor's) signature does not verify.
    BadSignature,
    /// The anchor is older than the files, and no signed checkpoint with a
    /// valid consistency proof links them to it.
    Unlinked,
}

impl FindingKind {
    /// Lower-case name (`modified`, `deleted`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Modified => "modified",
            Self::Deleted => "deleted",
            Self::Inserted => "inserted",
            Self::Reordered => "reordered",
            Self::Truncated => "truncated",
            Self::TornTail => "torn-tail",
            Self::BadSignature => "bad-signature",
            Self::Unlinked => "unlinked",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The first bad record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What is wrong.
    pub kind: FindingKind,
    /// The file (or `<anchor>`).
    pub file: PathBuf,
    /// 1-based line number in that file (0 for the anchor).
    pub line: u64,
    /// The sequence number concerned, when known.
    pub seq: Option<u64>,
    /// Explanation.
    pub detail: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}:{}", self.kind, self.file.display(), self.line)?;
        if let Some(seq) = self.seq {
            write!(f, " (seq {seq})")?;
        }
        write!(f, ": {}", self.detail)
    }
}

/// The verifier's verdict.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Files checked, in chain order, with their record counts.
    pub files: Vec<(PathBuf, u64)>,
    /// Records checked.
    pub records: u64,
    /// Sequence number of the first record checked.
    pub first_seq: u64,
    /// Sequence number the next record would have.
    pub next_seq: u64,
    /// Hash of the last good record.
    pub head: Digest,
    /// Merkle root over records 0 to `next_seq - 1`.
    pub root: Digest,
    /// Checkpoint records found consistent (and signed, if a key was given).
    pub checkpoints: u64,
    /// Whether signatures were checked.
    pub signatures_checked: bool,
    /// Records covered by the last good checkpoint.
    pub covered: u64,
    /// Whether an anchor was compared.
    pub anchor_checked: bool,
    /// Records after the last checkpoint record, covered by the chain only.
    pub uncovered_tail: u64,
    /// Why an intact report is not authenticated (empty when it is).
    pub unauthenticated: Vec<String>,
    /// Remarks that are not tampering (unchecked signatures, unsealed tail).
    pub notes: Vec<String>,
    /// The first bad record, if any.
    pub finding: Option<Finding>,
}

impl Report {
    /// No finding.
    pub fn is_intact(&self) -> bool {
        self.finding.is_none()
    }

    /// Intact, and every checkpoint signature was checked against a key the
    /// caller trusts, a signed checkpoint covers the files from their first
    /// record, and (strict) no record is left uncovered.
    pub fn is_authenticated(&self) -> bool {
        self.is_intact() && self.unauthenticated.is_empty()
    }

    /// Machine-readable form.
    pub fn to_json(&self) -> Value {
        json!({
            "intact": self.is_intact(),
            "authenticated": self.is_authenticated(),
            "unauthenticated": self.unauthenticated,
            "uncovered_tail": self.uncovered_tail,
            "files": self.files.iter().map(|(p, n)| json!({"path": p.display().to_string(), "records": n})).collect::<Vec<_>>(),
            "records": self.records,
            "first_seq": self.first_seq,
            "next_seq": self.next_seq,
            "head": self.head.to_hex(),
            "root": self.root.to_hex(),
            "checkpoints": self.checkpoints,
            "signatures_checked": self.signatures_checked,
            "covered": self.covered,
            "anchor_checked": self.anchor_checked,
            "notes": self.notes,
            "finding": self.finding.as_ref().map(|f| json!({
                "kind": f.kind.as_str(),
                "file": f.file.display().to_string(),
                "line": f.line,
                "seq": f.seq,
                "detail": f.detail,
            })),
        })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.finding {
            Some(finding) => writeln!(f, "TAMPERED: {finding}")?,
            None if self.unauthenticated.is_empty() => writeln!(f, "intact")?,
            None => {
                writeln!(f, "intact but NOT authenticated:")?;
                for why in &self.unauthenticated {
                    writeln!(f, "  - {why}")?;
                }
            }
        }
        writeln!(
            f,
            "{} records (seq {}..{}) in {} file(s); {} checkpoint(s){}; covered through {}",
            self.records,
            self.first_seq,
            self.next_seq,
            self.files.len(),
            self.checkpoints,
            if self.signatures_checked {
                " with signatures verified"
            } else {
                ", signatures NOT checked"
            },
            self.covered,
        )?;
        writeln!(f, "head {}\nroot {}", self.head, self.root)?;
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        Ok(())
    }
}

/// Verifies a set of log files (any order; they are put in chain order by
/// their first sequence number). `progress` is called with bytes done and
/// bytes in total. I/O errors are `Err`; tampering is a report finding.
pub fn verify_files(
    paths: &[PathBuf],
    options: &VerifyOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report> {
    engine::run(paths, options, progress)
}

/// Verifies every file of the log whose active file is `active`, with its
/// proof file. An active file missing while rotated files exist (its
/// records, if it had any, are gone) makes the report unauthenticated.
pub fn verify_log(active: &Path, options: &VerifyOptions) -> Result<Report> {
    let files = crate::segment::log_files(active)?;
    if files.is_empty() {
        return Err(crate::Error::io(
            "open",
            active,
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    let mut options = options.clone();
    options
        .proofs
        .get_or_insert_with(|| crate::proofs::proofs_path(active));
    let mut report = verify_files(&files, &options, &mut |_, _| {})?;
    if let Some(why) = missing_active(active) {
        report.unauthenticated.push(why);
    }
    Ok(report)
}

/// Why a log whose active file is missing while rotated files exist is
/// not authenticated (`None` when the active file is there or nothing is).
pub fn missing_active(active: &Path) -> Option<String> {
    let rotated = crate::segment::list_segments(active).ok()?;
    (!active.exists() && !rotated.is_empty()).then(|| {
        format!(
            "the active file {} is missing while {} rotated file(s) exist: records after them may be gone",
            active.display(),
            rotated.len()
        )
    })
}
