//! The writer continues an active file only where the newest rotated file
//! ends: a forged or replaced active file is refused, never signed over.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::digest::record_hash;
use crate::error::{Error, Result};
use crate::record::Record;
use crate::state::{FileScan, checkpoint_of};

/// The last line of a rotated file is at most this long (a CHECKPOINT record).
const TAIL: u64 = 64 * 1024;

/// Checks that the active file (scanned as `scan`) starts right after the
/// last record of `last`, the newest rotated file: its SEGMENT_START's
/// `prev` is the hash of that record, which is the CHECKPOINT record of the
/// checkpoint the SEGMENT_START is bound to.
pub(super) fn check_continues(active: &Path, scan: &FileScan, last: &Path) -> Result<()> {
    let refuse = |what: String| Error::Damaged {
        path: active.to_owned(),
        line: 1,
        what,
    };
    let (Some(first_seq), Some(base)) = (scan.first_seq, scan.base.as_ref()) else {
        return Err(refuse(format!(
            "the active file starts at seq 0, but rotated file {} exists",
            last.display()
        )));
    };
    let line = last_line(last)?;
    let matches = Record::parse(&line).ok().is_some_and(|r| {
        r.seq.checked_add(1) == Some(first_seq)
            && record_hash(&line) == scan.first_prev
            && checkpoint_of(&r).is_ok_and(|cp| &cp == base)
    });
    if matches {
        Ok(())
    } else {
        Err(refuse(format!(
            "the active file's SEGMENT_START (seq {first_seq}) does not continue the last record of {}",
            last.display()
        )))
    }
}

/// The last complete line of `path`, without its newline.
fn last_line(path: &Path) -> Result<Vec<u8>> {
    let io = |e| Error::io("read", path, e);
    let mut file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let start = len.saturating_sub(TAIL);
    file.seek(SeekFrom::Start(start)).map_err(io)?;
    let mut buf = Vec::new();
    file.read_to_end(&mut buf).map_err(io)?;
    let Some(body) = buf.strip_suffix(b"\n") else {
        return Ok(Vec::new());
    };
    let from = memchr::memrchr(b'\n', body).map_or(0, |i| i + 1);
    if from == 0 && start > 0 {
        return Ok(Vec::new());
    }
    Ok(body[from..].to_vec())
}
