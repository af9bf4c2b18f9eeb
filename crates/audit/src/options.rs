//! How a log is written: durability, queueing, checkpoints, rotation, failures.

use std::num::NonZeroU64;
use std::sync::Arc;
use std::time::Duration;

use supreme_core::{Clock, SystemClock};

use crate::error::Error;
use crate::event::{EventType, Severity};
use crate::key::SigningKey;
use crate::redact::Redactor;

/// When records reach the disk (as auditd's `flush`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlushPolicy {
    /// Hand records to the OS when the writer is idle or its buffer is full;
    /// never fsync (except for sync-required events and on close).
    None,
    /// Group commit: fsync when `records` records are unsynced or the oldest
    /// unsynced one is `interval` old, whichever comes first.
    Batch {
        /// Records per group commit.
        records: NonZeroU64,
        /// Longest a record stays unsynced.
        interval: Duration,
    },
    /// fsync after every record.
    EveryRecord,
}

impl FlushPolicy {
    /// Batch of 512 records or 50 ms.
    pub const DEFAULT_BATCH: Self = Self::Batch {
        records: NonZeroU64::MIN.saturating_add(511),
        interval: Duration::from_millis(50),
    };
}

/// What happens when writing or syncing the log fails.
#[derive(Clone)]
pub enum OnWriteFailure {
    /// Fail closed: the error reaches the caller of every later `append`,
    /// `sync` and `close`, and every waiting sync-required append.
    Error,
    /// Keep the records and retry every `retry`; meanwhile the queue fills
    /// and `append` blocks (push back).
    Block {
        /// Pause between attempts.
        retry: Duration,
    },
    /// Call this once (for example to trip the kill switch and halt trading),
    /// then fail closed as [`OnWriteFailure::Error`].
    Halt(Arc<dyn Fn(&Error) + Send + Sync>),
}

impl std::fmt::Debug for OnWriteFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Error => f.write_str("Error"),
            Self::Block { retry } => write!(f, "Block {{ retry: {retry:?} }}"),
            Self::Halt(_) => f.write_str("Halt(<callback>)"),
        }
    }
}

/// When to start a new file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rotation {
    /// Rotate once the active file reaches this many bytes.
    pub max_bytes: Option<u64>,
    /// Rotate once the active file's first record is this old.
    pub max_age: Option<Duration>,
}

/// Options for [`AuditLog::open`](crate::AuditLog::open).
#[derive(Debug)]
pub struct Options {
    pub(crate) key: SigningKey,
    pub(crate) origin: String,
    pub(crate) flush: FlushPolicy,
    pub(crate) queue_capacity: usize,
    pub(crate) checkpoint_every: Option<NonZeroU64>,
    pub(crate) checkpoint_interval: Option<Duration>,
    pub(crate) rotation: Rotation,
    pub(crate) retention: crate::Retention,
    pub(crate) on_failure: OnWriteFailure,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) redactor: Redactor,
    pub(crate) sync_events: Vec<EventType>,
    pub(crate) sync_severity: Option<Severity>,
    pub(crate) actor: String,
    pub(crate) host: String,
    pub(crate) pid: u32,
    pub(crate) fault: Option<crate::danger::FaultInjector>,
    pub(crate) lock_wait: Duration,
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

impl Options {
    /// Defaults: batch flush (512 records / 50 ms), queue of 16,384 events,
    /// a checkpoint every 10,000 records or 60 s and on close, no rotation,
    /// fail closed on write errors, the system clock, the default redactor;
    /// KILL_SWITCH_TRIGGERED, KILL_SWITCH_RESET, SECRET_ACCESSED and CRITICAL
    /// events are synced before `append` returns.
    pub fn new(key: SigningKey) -> Self {
        Self {
            origin: format!("supreme-audit/{}", key.name()),
            key,
            flush: FlushPolicy::DEFAULT_BATCH,
            queue_capacity: 16_384,
            checkpoint_every: NonZeroU64::new(10_000),
            checkpoint_interval: Some(Duration::from_secs(60)),
            rotation: Rotation::default(),
            retention: crate::Retention::default(),
            on_failure: OnWriteFailure::Error,
            clock: Arc::new(SystemClock),
            redactor: Redactor::default(),
            sync_events: vec![
                EventType::KillSwitchTriggered,
                EventType::KillSwitchReset,
                EventType::SecretAccessed,
            ],
            sync_severity: Some(Severity::Critical),
            actor: std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned()),
            host: hostname(),
            pid: std::process::id(),
            fault: None,
            lock_wait: supreme_core::files::FileLock::DEFAULT_WAIT,
        }
    }

    /// How long `open` waits for the lock of a writer that is still exiting
    /// (a restart right after `kill -9`) before [`Error::Locked`](crate::Error::Locked),
    /// which names the holder's pid; 2 s by default.
    #[must_use]
    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// The checkpoint origin line (the log's identity); one line, no
    /// surrounding spaces.
    #[must_use]
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = origin.into();
        self
    }

    /// The flush policy.
    #[must_use]
    pub fn flush(mut self, flush: FlushPolicy) -> Self {
        self.flush = flush;
        self
    }

    /// Bounded queue length; `append` blocks when it is full (at least 1).
    #[must_use]
    pub fn queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity.max(1);
        self
    }

    /// Checkpoint every `records` records (`None`: only by time and on close).
    #[must_use]
    pub fn checkpoint_every(mut self, records: Option<NonZeroU64>) -> Self {
        self.checkpoint_every = records;
        self
    }

    /// Checkpoint when records are uncovered for this long (by the clock).
    #[must_use]
    pub fn checkpoint_interval(mut self, interval: Option<Duration>) -> Self {
        self.checkpoint_interval = interval;
        self
    }

    /// Rotation by size and age.
    #[must_use]
    pub fn rotation(mut self, rotation: Rotation) -> Self {
        self.rotation = rotation;
        self
    }

    /// Keep at most this many rotated files live (sets
    /// [`Retention::keep_segments`](crate::Retention::keep_segments)): older ones are deleted only once a
    /// checkpoint covering them was exported and they were archived and the
    /// copy verified, so without [`Options::retention`]'s archive nothing
    /// is deleted.
    #[must_use]
    pub fn keep_segments(mut self, keep: Option<usize>) -> Self {
        self.retention.keep_segments = keep;
        self
    }

    /// Retention: archive rotated files, delete by count, age and total
    /// size (see [`Retention`](crate::Retention)). Replaces what
    /// [`Options::keep_segments`] set.
    #[must_use]
    pub fn retention(mut self, retention: crate::Retention) -> Self {
        self.retention = retention;
        self
    }

    /// What a write failure does.
    #[must_use]
    pub fn on_write_failure(mut self, policy: OnWriteFailure) -> Self {
        self.on_failure = policy;
        self
    }

    /// The clock.
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The redactor of secret-marked detail fields.
    #[must_use]
    pub fn redactor(mut self, redactor: Redactor) -> Self {
        self.redactor = redactor;
        self
    }

    /// Event types synced before `append` returns.
    #[must_use]
    pub fn sync_events(mut self, events: Vec<EventType>) -> Self {
        self.sync_events = events;
        self
    }

    /// Events at or above this severity are synced before `append` returns.
    #[must_use]
    pub fn sync_severity(mut self, severity: Option<Severity>) -> Self {
        self.sync_severity = severity;
        self
    }

    /// The actor of events that name none.
    #[must_use]
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = actor.into();
        self
    }

    /// The host name written in records (default: the kernel's host name).
    #[must_use]
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// Switches for tests that are dangerous in production.
    pub fn dangerous(&mut self) -> crate::danger::DangerousOptions<'_> {
        crate::danger::DangerousOptions { options: self }
    }
}
