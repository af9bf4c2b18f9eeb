//! Looking ahead past a suspicious record (only on the failure path).

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::record::{Head, scan_head};

/// Where a line is.
#[derive(Debug, Clone)]
pub(super) struct Pos {
    pub(super) file: PathBuf,
    pub(super) line: u64,
}

/// Calls `visit` on each complete line after byte `offset` of `files[idx]`
/// (line numbers continue from `line`), then on each line of later files,
/// until it returns true. Returns where it stopped.
pub(super) fn scan_after(
    files: &[PathBuf],
    idx: usize,
    offset: u64,
    line: u64,
    visit: &mut dyn FnMut(&[u8], Option<Head<'_>>) -> bool,
) -> Option<Pos> {
    for (i, path) in files.iter().enumerate().skip(idx) {
        let (start, mut line_no) = if i == idx { (offset, line) } else { (0, 0) };
        if let Some(found) = scan_file_from(path, start, &mut line_no, visit) {
            return Some(found);
        }
    }
    None
}

fn scan_file_from(
    path: &Path,
    start: u64,
    line_no: &mut u64,
    visit: &mut dyn FnMut(&[u8], Option<Head<'_>>) -> bool,
) -> Option<Pos> {
    let mut file = File::open(path).ok()?;
    file.seek(SeekFrom::Start(start)).ok()?;
    let mut reader = BufReader::new(file);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf).ok()? == 0 || buf.last() != Some(&b'\n') {
            return None;
        }
        buf.pop();
        *line_no += 1;
        if visit(&buf, scan_head(&buf)) {
            return Some(Pos {
                file: path.to_owned(),
                line: *line_no,
            });
        }
    }
}

/// The next complete line after `offset`, across files.
pub(super) fn next_line(files: &[PathBuf], idx: usize, offset: u64) -> Option<Vec<u8>> {
    let mut out = None;
    scan_after(files, idx, offset, 0, &mut |line, _| {
        out = Some(line.to_vec());
        true
    });
    out
}
