//! Group commit off the writer thread: the writer hands written-but-unsynced
//! records to the syncer, which fsyncs them while the writer keeps writing.
//! Whatever was written before an fsync started is covered by it.

use std::fs::File;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use super::{Reply, Shared};
use crate::danger::FaultInjector;
use crate::error::{Error, Result};
use crate::options::OnWriteFailure;

#[derive(Default)]
struct Queue {
    file: Option<Arc<File>>,
    /// Records written to the OS and asked to be synced.
    target: u64,
    /// Records known on disk.
    done: u64,
    waiters: Vec<(Reply<u64>, u64)>,
    stop: bool,
}

/// The writer's handle on the syncer thread.
pub(crate) struct Syncer {
    inner: Arc<Inner>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct Inner {
    q: Mutex<Queue>,
    work: Condvar,
    done: Condvar,
    shared: Arc<Shared>,
    policy: OnWriteFailure,
    fault: Option<FaultInjector>,
    path: std::path::PathBuf,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.q
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Syncer {
    pub(crate) fn start(
        shared: Arc<Shared>,
        policy: OnWriteFailure,
        fault: Option<FaultInjector>,
        path: std::path::PathBuf,
        synced: u64,
    ) -> Result<Self> {
        let inner = Arc::new(Inner {
            q: Mutex::new(Queue {
                done: synced,
                target: synced,
                ..Queue::default()
            }),
            work: Condvar::new(),
            done: Condvar::new(),
            shared,
            policy,
            fault,
            path: path.clone(),
        });
        let worker = Arc::clone(&inner);
        let thread = std::thread::Builder::new()
            .name("supreme-audit-sync".into())
            .spawn(move || run(&worker))
            .map_err(|e| Error::io("spawn sync thread", path, e))?;
        Ok(Self {
            inner,
            thread: Some(thread),
        })
    }

    /// Asks for an fsync of `file` covering the first `upto` records, and
    /// queues `waiters` to be answered once it is done.
    pub(crate) fn request(
        &self,
        file: &Arc<File>,
        upto: u64,
        waiters: &mut Vec<(Reply<u64>, u64)>,
    ) {
        let mut q = self.inner.lock();
        q.file = Some(Arc::clone(file));
        q.target = q.target.max(upto);
        q.waiters.append(waiters);
        self.inner.work.notify_one();
    }

    /// Records asked for but not yet synced.
    pub(crate) fn lag(&self) -> u64 {
        let q = self.inner.lock();
        q.target.saturating_sub(q.done)
    }

    /// Waits until the first `upto` records are synced, or the log failed.
    pub(crate) fn wait(&self, upto: u64) -> Result<()> {
        let mut q = self.inner.lock();
        loop {
            if let Some(e) = self.inner.shared.failure() {
                return Err(e);
            }
            if q.done >= upto {
                return Ok(());
            }
            q = self
                .inner
                .done
                .wait_timeout(q, Duration::from_millis(100))
                .map_or_else(|e| e.into_inner().0, |r| r.0);
        }
    }

    /// Waits until the lag is at most `max`.
    pub(crate) fn wait_lag(&self, max: u64) -> Result<()> {
        let target = {
            let q = self.inner.lock();
            if q.target.saturating_sub(q.done) <= max {
                return Ok(());
            }
            q.target - max
        };
        self.wait(target)
    }
}

impl Drop for Syncer {
    fn drop(&mut self) {
        self.inner.lock().stop = true;
        self.inner.work.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(inner: &Inner) {
    loop {
        let (file, target) = {
            let mut q = inner.lock();
            while q.target <= q.done && !q.stop {
                q = inner
                    .work
                    .wait(q)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            if q.target <= q.done {
                return; // stop, nothing left
            }
            match q.file.clone() {
                Some(f) => (f, q.target),
                None => return,
            }
        };
        let started = std::time::Instant::now();
        let result = inner
            .fault
            .as_ref()
            .map_or(Ok(()), FaultInjector::check)
            .and_then(|()| file.sync_data());
        crate::metrics::fsynced(started.elapsed());
        let mut q = inner.lock();
        match result {
            Ok(()) => {
                q.done = q.done.max(target);
                inner.shared.synced.store(q.done, Ordering::Release);
                let done = q.done;
                let (ready, rest): (Vec<_>, Vec<_>) =
                    q.waiters.drain(..).partition(|(_, seq)| *seq < done);
                q.waiters = rest;
                for (r, seq) in ready {
                    let _ = r.send(Ok(seq));
                }
            }
            Err(e) => {
                if let OnWriteFailure::Block { retry } = inner.policy {
                    drop(q);
                    std::thread::sleep(retry);
                    continue;
                }
                let err = inner
                    .shared
                    .fail(Error::io("sync", &inner.path, e), &inner.policy);
                for (r, _) in q.waiters.drain(..) {
                    let _ = r.send(Err(Error::WriteFailed {
                        reason: err.to_string(),
                    }));
                }
                q.stop = true;
            }
        }
        inner.done.notify_all();
    }
}
