//! A child's stdout and stderr, captured up to a cap.
//!
//! One thread per pipe reads until end of file. Bytes past the cap are read
//! and thrown away, so a child that writes more than the cap never blocks on
//! a full pipe (and so never outlives its timeout for that reason).

use std::io::{ErrorKind, Read};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What a child wrote on one stream, up to the cap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    /// The first bytes written (at most the cap).
    pub bytes: Vec<u8>,
    /// Bytes were thrown away: the child wrote more than the cap, the pipe
    /// failed, or it was still open when the run ended (a descendant that
    /// left the process group kept it).
    pub truncated: bool,
}

/// What a child wrote, captured by [`ChildSpec::capture_output`](super::ChildSpec::capture_output).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CapturedOutput {
    /// Its standard output.
    pub stdout: Captured,
    /// Its standard error.
    pub stderr: Captured,
}

#[derive(Debug, Default)]
struct Shared {
    captured: Captured,
    /// The run ended without this stream's end of file: keep draining,
    /// keep nothing.
    abandoned: bool,
}

/// A thread draining one pipe.
#[derive(Debug)]
pub(super) struct Reader {
    shared: Arc<Mutex<Shared>>,
    handle: JoinHandle<()>,
}

const CHUNK: usize = 8192;

fn drain(mut pipe: impl Read, cap: usize, shared: &Mutex<Shared>) {
    let mut buf = [0u8; CHUNK];
    loop {
        let n = match pipe.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => {
                let mut s = shared.lock().unwrap_or_else(PoisonError::into_inner);
                s.captured.truncated = true;
                return;
            }
        };
        let mut s = shared.lock().unwrap_or_else(PoisonError::into_inner);
        if s.abandoned {
            continue;
        }
        let room = cap.saturating_sub(s.captured.bytes.len());
        let take = room.min(n);
        s.captured.bytes.extend_from_slice(&buf[..take]);
        if take < n {
            s.captured.truncated = true;
        }
    }
}

impl Reader {
    /// Starts a thread that reads `pipe` to its end, keeping `cap` bytes.
    pub(super) fn start(pipe: impl Read + Send + 'static, cap: usize) -> std::io::Result<Self> {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let theirs = Arc::clone(&shared);
        let handle = std::thread::Builder::new()
            .name("kill-switch-capture".into())
            .spawn(move || drain(pipe, cap, &theirs))?;
        Ok(Self { shared, handle })
    }

    /// What was read, once the pipe ends or `wait` passes (then the stream
    /// counts as truncated and the thread drains the rest into nothing).
    pub(super) fn finish(self, wait: Duration) -> Captured {
        let deadline = Instant::now() + wait;
        while !self.handle.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        let finished = self.handle.is_finished();
        let mut s = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        s.abandoned = true;
        let mut captured = std::mem::take(&mut s.captured);
        drop(s);
        if finished {
            // A panic in the reader cannot happen short of a bug; its
            // partial capture is still returned, marked truncated.
            captured.truncated |= self.handle.join().is_err();
        } else {
            captured.truncated = true;
        }
        captured
    }
}
