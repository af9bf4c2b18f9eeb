//! The reading half of verification, on its own thread: reads files in
//! large chunks, splits lines and hashes each one, while the checking half
//! walks the chain and the tree of the chunk before.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::digest::{Digest, record_hash};
use crate::error::{Error, Result};

const CHUNK: usize = 1 << 20;

/// Complete lines of one file, with their record hashes.
pub(super) struct Chunk {
    pub(super) idx: usize,
    pub(super) data: Vec<u8>,
    /// `(start, end)` of each line in `data`, newline excluded.
    pub(super) lines: Vec<(usize, usize)>,
    pub(super) hashes: Vec<Digest>,
    /// File offset of `data[0]`.
    pub(super) offset: u64,
    /// Bytes after the last newline at the end of the file (a torn line).
    pub(super) torn: Option<Vec<u8>>,
    /// The last chunk of its file.
    pub(super) eof: bool,
}

/// The two ends the checker holds: chunks in, used chunks back for reuse
/// (so the reader does not map and fault in fresh pages for every chunk).
pub(super) struct Chunks {
    pub(super) rx: Receiver<Result<Chunk>>,
    pub(super) recycle: SyncSender<Chunk>,
}

/// Starts reading `files` in order on a scoped thread. The caller joins
/// the handle (after dropping the [`Chunks`], which stops the reader) on
/// every path: a scope only waits for the thread's closure, not for the
/// thread to exit, so its thread-local destructors could still be running
/// when the verifier returns.
pub(super) fn spawn<'s>(
    scope: &'s std::thread::Scope<'s, '_>,
    files: &'s [PathBuf],
) -> std::io::Result<(Chunks, std::thread::ScopedJoinHandle<'s, ()>)> {
    let (tx, rx) = sync_channel(2);
    let (recycle, used) = sync_channel(4);
    let handle = std::thread::Builder::new()
        .name("supreme-audit-verify".into())
        .spawn_scoped(scope, move || {
            for (idx, path) in files.iter().enumerate() {
                if let Err(e) = read_file(idx, path, &tx, &used) {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        })?;
    Ok((Chunks { rx, recycle }, handle))
}

fn read_file(
    idx: usize,
    path: &PathBuf,
    tx: &SyncSender<Result<Chunk>>,
    used: &Receiver<Chunk>,
) -> Result<()> {
    let mut file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    // Small files get small buffers (one read to the end and one to see EOF).
    let len = file
        .metadata()
        .map_err(|e| Error::io("stat", path, e))?
        .len();
    let chunk = usize::try_from(len).map_or(CHUNK, |l| l.saturating_add(1).clamp(4096, CHUNK));
    let mut carry: Vec<u8> = Vec::new();
    let mut offset = 0u64;
    loop {
        let (mut data, mut lines, mut hashes) = match used.try_recv() {
            Ok(c) => (c.data, c.lines, c.hashes),
            Err(_) => (Vec::with_capacity(chunk + 4096), Vec::new(), Vec::new()),
        };
        data.clear();
        lines.clear();
        hashes.clear();
        data.extend_from_slice(&carry);
        let start = data.len();
        data.resize(start + chunk, 0);
        let n = read_full(&mut file, &mut data[start..]).map_err(|e| Error::io("read", path, e))?;
        data.truncate(start + n);
        let eof = n == 0;
        let complete = memchr::memrchr(b'\n', &data).map_or(0, |i| i + 1);
        carry.clear();
        carry.extend_from_slice(&data[complete..]);
        data.truncate(complete);
        let mut s = 0;
        for nl in memchr::memchr_iter(b'\n', &data) {
            lines.push((s, nl));
            hashes.push(record_hash(&data[s..nl]));
            s = nl + 1;
        }
        let torn = (eof && !carry.is_empty()).then(|| std::mem::take(&mut carry));
        let len = data.len() as u64;
        let chunk = Chunk {
            idx,
            data,
            lines,
            hashes,
            offset,
            torn,
            eof,
        };
        if tx.send(Ok(chunk)).is_err() {
            return Ok(()); // the checker stopped at a finding
        }
        offset += len;
        if eof {
            return Ok(());
        }
    }
}

fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
