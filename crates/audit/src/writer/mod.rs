//! The log handle: a bounded queue in front of one writer thread.

mod continuity;
mod open;
mod syncer;
mod worker;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use supreme_core::time::saturating_i64;

use crate::checkpoint::Checkpoint;
use crate::error::{Error, Result};
use crate::event::{Event, EventType, Severity};
use crate::key::PublicKey;
use crate::options::Options;

/// What open found and repaired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// The file whose last line was torn.
    pub file: PathBuf,
    /// Where the valid part ends (the file was cut here).
    pub offset: u64,
    /// Bytes of the torn line that were cut.
    pub torn_bytes: u64,
    /// Sequence number of the LOG_RECOVERED record written about it.
    pub recorded_as: u64,
}

/// An event on its way to the writer.
pub(crate) struct Pending {
    pub(crate) event_type: EventType,
    pub(crate) severity: Severity,
    /// Length of the actor's JSON string at the start of `bytes` (`None`:
    /// the log's default actor).
    pub(crate) actor_len: Option<usize>,
    /// The actor as a JSON string, then the canonical JSON of the (redacted)
    /// details, made on
    /// the caller's thread; inline when small, so the writer frees nothing
    /// the caller allocated (cross-thread frees contend on malloc's locks).
    pub(crate) bytes: SmallBytes,
    pub(crate) time_ms: i64,
    pub(crate) mono_ns: u64,
}

impl Pending {
    pub(crate) fn actor_json(&self) -> Option<&[u8]> {
        self.bytes.get(..self.actor_len?)
    }

    pub(crate) fn details(&self) -> &[u8] {
        self.bytes.get(self.actor_len.unwrap_or(0)..).unwrap_or(&[])
    }
}

/// Bytes stored inline up to 240, on the heap beyond.
#[allow(clippy::large_enum_variant)] // inline on purpose: no allocation per event
pub(crate) enum SmallBytes {
    Inline(arrayvec::ArrayVec<u8, 240>),
    Heap(Vec<u8>),
}

impl SmallBytes {
    fn new(bytes: &[u8]) -> Self {
        match arrayvec::ArrayVec::try_from(bytes) {
            Ok(inline) => Self::Inline(inline),
            Err(_) => Self::Heap(bytes.to_vec()),
        }
    }
}

/// A scratch buffer grown past this by one huge event is not kept.
const SCRATCH_KEEP: usize = 64 * 1024;

thread_local! {
    /// Where a caller's thread formats an event before queueing it.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(1024));
}

impl std::ops::Deref for SmallBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Self::Inline(a) => a,
            Self::Heap(v) => v,
        }
    }
}

type Reply<T> = SyncSender<Result<T>>;

#[allow(clippy::large_enum_variant)] // appends dominate; boxing them would allocate per event
pub(crate) enum Msg {
    Append(Pending, Option<Reply<u64>>),
    Sync(Reply<u64>),
    Checkpoint(Reply<Checkpoint>),
    Close(Reply<Checkpoint>),
}

/// State shared between the handle and the writer thread.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    pub(crate) failed: AtomicBool,
    pub(crate) reason: Mutex<Option<String>>,
    pub(crate) appended: AtomicU64,
    pub(crate) synced: AtomicU64,
    pub(crate) halted: AtomicBool,
    /// Appends handed to the writer thread and not yet taken by it.
    pub(crate) queued: AtomicU64,
    /// When the newest checkpoint was signed, Unix ms.
    pub(crate) checkpoint_ms: AtomicU64,
}

impl Shared {
    /// Marks the log failed (the first reason sticks), calls a halt callback
    /// once, and returns the error to report.
    pub(crate) fn fail(&self, err: Error, policy: &crate::options::OnWriteFailure) -> Error {
        let reason = err.to_string();
        tracing::error!(target: "supreme_audit", %reason, "the audit log failed");
        if let Ok(mut r) = self.reason.lock() {
            r.get_or_insert(reason.clone());
        }
        self.failed.store(true, Ordering::Release);
        if let crate::options::OnWriteFailure::Halt(cb) = policy
            && !self.halted.swap(true, Ordering::AcqRel)
        {
            cb(&err);
        }
        Error::WriteFailed { reason }
    }

    pub(crate) fn failure(&self) -> Option<Error> {
        if !self.failed.load(Ordering::Acquire) {
            return None;
        }
        let reason = self.reason.lock().map(|r| r.clone()).unwrap_or_default();
        Some(Error::WriteFailed {
            reason: reason.unwrap_or_else(|| "unknown".into()),
        })
    }
}

/// How an append went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    /// Queued; it reaches the disk under the flush policy.
    Queued,
    /// Written and synced to disk, with its sequence number.
    Synced(u64),
}

/// A tamper-evident audit log open for appending. `Send + Sync`: share it
/// behind an `Arc`. Dropping it closes it (with a final checkpoint).
#[derive(Debug)]
pub struct AuditLog {
    tx: Option<SyncSender<Msg>>,
    thread: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
    clock: Arc<dyn supreme_core::Clock>,
    redactor: crate::Redactor,
    sync_events: Vec<EventType>,
    sync_severity: Option<Severity>,
    capacity: usize,
    path: PathBuf,
    public_key: PublicKey,
    recovery: Option<Recovery>,
}

impl AuditLog {
    /// Opens (or creates) the log whose active file is `path`. Takes the
    /// writer lock; rebuilds the chain from the existing files; cuts a torn
    /// last line left by a crash and records that in a LOG_RECOVERED record.
    /// Fails closed (`Damaged`) on any other damage.
    pub fn open(path: impl AsRef<Path>, options: Options) -> Result<Self> {
        open::open(path.as_ref(), options)
    }

    /// Appends an event. Blocks while the queue is full. Returns after the
    /// record is synced when the event requires it (by type, severity or
    /// [`Event::require_sync`]).
    pub fn append(&self, event: Event) -> Result<Appended> {
        self.send(event, true)
    }

    /// As [`AuditLog::append`], but returns `QueueFull` instead of blocking.
    pub fn try_append(&self, event: Event) -> Result<Appended> {
        self.send(event, false)
    }

    fn send(&self, event: Event, block: bool) -> Result<Appended> {
        if let Some(e) = self.shared.failure() {
            return Err(e);
        }
        if event.event_type.is_reserved() {
            return Err(Error::InvalidEventType(
                event.event_type.as_str().to_owned(),
            ));
        }
        let wants_sync = event.require_sync
            || self.sync_events.contains(&event.event_type)
            || self.sync_severity.is_some_and(|s| event.severity >= s);
        // The actor as a JSON string, then the redacted canonical details,
        // made in a buffer this thread reuses (a fresh one while the thread's
        // locals are being torn down, or if it is somehow in use).
        let format = |buf: &mut Vec<u8>| {
            buf.clear();
            if let Some(actor) = &event.actor {
                crate::record::write_str(buf, actor);
            }
            let actor_len = event.actor.as_ref().map(|_| buf.len());
            event.details.write_canonical(buf, &self.redactor);
            (actor_len, SmallBytes::new(buf))
        };
        let reused = SCRATCH.try_with(|cell| {
            let mut buf = cell.try_borrow_mut().ok()?;
            let made = format(&mut buf);
            if buf.capacity() > SCRATCH_KEEP {
                *buf = Vec::with_capacity(1024);
            }
            Some(made)
        });
        let (actor_len, bytes) = match reused {
            Ok(Some(made)) => made,
            _ => format(&mut Vec::new()),
        };
        let pending = Pending {
            event_type: event.event_type,
            severity: event.severity,
            actor_len,
            bytes,
            time_ms: saturating_i64(self.clock.now_ms()),
            mono_ns: mono_ns(&*self.clock),
        };
        let tx = self.tx.as_ref().ok_or(Error::Closed)?;
        // Counted before the send so the writer's decrement never runs first.
        self.shared.queued.fetch_add(1, Ordering::AcqRel);
        let sent = self.enqueue(tx, pending, wants_sync, block);
        if sent.is_err() {
            self.shared.queued.fetch_sub(1, Ordering::AcqRel);
        }
        sent
    }

    fn enqueue(
        &self,
        tx: &SyncSender<Msg>,
        pending: Pending,
        wants_sync: bool,
        block: bool,
    ) -> Result<Appended> {
        if wants_sync {
            let (rtx, rrx) = mpsc::sync_channel(1);
            tx.send(Msg::Append(pending, Some(rtx)))
                .map_err(|_| self.gone())?;
            let seq = rrx.recv().map_err(|_| self.gone())??;
            return Ok(Appended::Synced(seq));
        }
        let msg = Msg::Append(pending, None);
        if block {
            tx.send(msg).map_err(|_| self.gone())?;
        } else {
            match tx.try_send(msg) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => {
                    return Err(Error::QueueFull {
                        capacity: self.capacity,
                    });
                }
                Err(TrySendError::Disconnected(_)) => return Err(self.gone()),
            }
        }
        Ok(Appended::Queued)
    }

    fn gone(&self) -> Error {
        self.shared.failure().unwrap_or(Error::Closed)
    }

    fn request<T>(&self, make: impl FnOnce(Reply<T>) -> Msg) -> Result<T> {
        let tx = self.tx.as_ref().ok_or(Error::Closed)?;
        let (rtx, rrx) = mpsc::sync_channel(1);
        tx.send(make(rtx)).map_err(|_| self.gone())?;
        rrx.recv().map_err(|_| self.gone())?
    }

    /// Writes and syncs everything queued so far; returns the record count.
    pub fn sync(&self) -> Result<u64> {
        self.request(Msg::Sync)
    }

    /// Seals what is there: signs a checkpoint record if any record is not
    /// yet covered, syncs, and returns the latest checkpoint.
    pub fn checkpoint(&self) -> Result<Checkpoint> {
        self.request(Msg::Checkpoint)
    }

    /// Checkpoints, then writes the checkpoint text to `dest` (atomically)
    /// and remembers it as exported, which allows retention to delete the
    /// rotated files it covers. Copy `dest` somewhere the log's host cannot
    /// write: it is the anchor that catches a cut tail.
    pub fn export_checkpoint(&self, dest: impl AsRef<Path>) -> Result<Checkpoint> {
        let cp = self.checkpoint()?;
        let text = cp.to_text();
        crate::segment::write_atomic(dest.as_ref(), &text)?;
        crate::segment::write_atomic(&crate::segment::exported_path(&self.path), &text)?;
        Ok(cp)
    }

    /// Closes the log: a final checkpoint, a sync, the writer thread joined.
    pub fn close(mut self) -> Result<Checkpoint> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<Checkpoint> {
        let result = self.request(Msg::Close);
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        result
    }

    /// What open recovered, if the last line was torn.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// The public key that verifies this log's checkpoints.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The active file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records written to the file so far (synced or not).
    pub fn appended(&self) -> u64 {
        self.shared.appended.load(Ordering::Acquire)
    }

    /// Records known synced to disk.
    pub fn synced(&self) -> u64 {
        self.shared.synced.load(Ordering::Acquire)
    }

    /// Events queued for the writer thread and not yet written (the
    /// `supreme_audit_queue_depth` gauge).
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// use supreme_audit::{AuditLog, Options, SigningKey};
    /// let log = AuditLog::open(dir.path().join("a.log"), Options::new(SigningKey::generate("doc")?.0))?;
    /// log.sync()?;
    /// assert_eq!(log.queue_depth(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn queue_depth(&self) -> u64 {
        self.shared.queued.load(Ordering::Acquire)
    }

    /// When the newest checkpoint was signed (Unix ms; the log's opening
    /// time until the first one).
    pub fn last_checkpoint_ms(&self) -> u64 {
        self.shared.checkpoint_ms.load(Ordering::Acquire)
    }
}

impl Drop for AuditLog {
    fn drop(&mut self) {
        if self.tx.is_some() {
            let _ = self.shutdown();
        }
    }
}

/// The clock's monotonic reading in whole nanoseconds (saturating), as a
/// record keeps it.
fn mono_ns(clock: &dyn supreme_core::Clock) -> u64 {
    u64::try_from(clock.monotonic().as_nanos()).unwrap_or(u64::MAX)
}
