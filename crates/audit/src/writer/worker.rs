//! The writer thread: formats, chains, batches, syncs, checkpoints, rotates.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use supreme_core::time::saturating_i64;

use super::syncer::Syncer;
use super::{Msg, Pending, Reply, Shared};
use crate::checkpoint::Checkpoint;
use crate::error::{Error, Result};
use crate::event::Severity;
use crate::options::{FlushPolicy, OnWriteFailure, Options};
use crate::record::LineParts;
use crate::segment::WriterLock;
use crate::state::ChainState;

mod rotate;

const BUF_LIMIT: usize = 256 * 1024;
const DRAIN_MAX: usize = 4096;
const NAPS: usize = 8;
const YIELDS: usize = 64;
const BUSY_NAP: Duration = Duration::from_micros(50);
/// The least queue capacity at which the busy writer naps: a nap of up to
/// ~100 µs must not fill the queue at a million events a second.
const NAP_MIN_CAPACITY: usize = 1024;
/// Leaf hashes kept for the next consistency proof (32 MiB) before a
/// checkpoint is written regardless of the checkpoint policy.
const PROOF_LEAVES_MAX: usize = 1 << 20;
const TICK: Duration = Duration::from_millis(200);
/// The actor of the log's own records (checkpoints, segment starts,
/// recoveries), as a JSON string.
const LOG_ACTOR_JSON: &str = "\"supreme-audit\"";

/// Waits a little for the next message before the writer parks. With room
/// for a nap's worth of events in the queue, naps (up to `NAPS` times: a
/// sync-required append waits at most one nap longer); with a small queue a
/// nap would stall the senders, so it yields instead (up to `YIELDS` times).
fn spin_recv(rx: &Receiver<Msg>, nap: bool) -> Option<Msg> {
    let rounds = if nap { NAPS } else { YIELDS };
    for _ in 0..rounds {
        if nap {
            std::thread::sleep(BUSY_NAP);
        } else {
            std::thread::yield_now();
        }
        if let Ok(m) = rx.try_recv() {
            return Some(m);
        }
    }
    None
}

pub(crate) struct Worker {
    pub(crate) path: PathBuf,
    pub(crate) file: Arc<File>,
    pub(crate) file_len: u64,
    pub(crate) buf: Vec<u8>,
    /// This log's `source` object (host, pid), rendered once.
    pub(crate) source: Vec<u8>,
    /// The log's default actor as a JSON string, rendered once.
    pub(crate) default_actor: Vec<u8>,
    pub(crate) state: ChainState,
    pub(crate) active_first_seq: u64,
    pub(crate) active_started_ms: i64,
    pub(crate) unsynced: u64,
    pub(crate) unsynced_since: Option<Instant>,
    pub(crate) since_checkpoint: u64,
    pub(crate) last_checkpoint_ms: i64,
    pub(crate) opts: Options,
    pub(crate) shared: Arc<Shared>,
    pub(crate) syncer: Syncer,
    /// The proof file, `<log>.proofs`, open for appending.
    pub(crate) proofs: File,
    pub(crate) _lock: WriterLock,
}

enum Flow {
    Continue,
    Stop,
}

impl Worker {
    pub(crate) fn run(mut self, rx: Receiver<Msg>) {
        let mut replies: Vec<(Reply<u64>, u64)> = Vec::new();
        let mut busy = false;
        loop {
            // While busy, nap a few times before parking: parking and waking
            // the writer for every event costs more than the event, and
            // draining a batch after a nap moves the queue's cache lines
            // between the cores once per batch instead of once per event.
            let nap = self.opts.queue_capacity >= NAP_MIN_CAPACITY;
            let mut next = if busy { spin_recv(&rx, nap) } else { None };
            if next.is_none() {
                next = match rx.recv_timeout(self.wakeup()) {
                    Ok(m) => Some(m),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => {
                        let _ = self.seal();
                        return;
                    }
                };
            }
            let mut handled = 0;
            while let Some(msg) = next {
                if let Flow::Stop = self.handle(msg, &mut replies) {
                    return;
                }
                handled += 1;
                next = if handled < DRAIN_MAX {
                    rx.try_recv().ok()
                } else {
                    None
                };
            }
            busy = handled > 0;
            self.idle(&mut replies);
        }
    }

    fn wakeup(&self) -> Duration {
        match (self.opts.flush, self.unsynced_since) {
            (FlushPolicy::Batch { interval, .. }, Some(since)) => {
                interval.saturating_sub(since.elapsed()).min(TICK)
            }
            _ => TICK,
        }
    }

    fn handle(&mut self, msg: Msg, replies: &mut Vec<(Reply<u64>, u64)>) -> Flow {
        match msg {
            Msg::Append(p, reply) => {
                self.shared.queued.fetch_sub(1, Ordering::AcqRel);
                let result = self.append(&p);
                match (result, reply) {
                    (Ok(seq), Some(r)) => replies.push((r, seq)),
                    (Err(e), Some(r)) => {
                        let _ = r.send(Err(e));
                    }
                    (_, None) => {}
                }
            }
            Msg::Sync(r) => {
                let res = self.sync_now().map(|()| self.state.next_seq);
                self.answer(replies);
                let _ = r.send(res);
            }
            Msg::Checkpoint(r) => {
                let res = self.seal();
                self.answer(replies);
                let _ = r.send(res);
            }
            Msg::Close(r) => {
                let res = self.seal();
                self.answer(replies);
                let _ = r.send(res);
                return Flow::Stop;
            }
        }
        Flow::Continue
    }

    fn append(&mut self, p: &Pending) -> Result<u64> {
        self.check_failed()?;
        self.maybe_rotate()?;
        let default_actor = std::mem::take(&mut self.default_actor);
        let actor = p.actor_json().unwrap_or(&default_actor);
        let seq = self.write_record(
            p.event_type.as_str(),
            p.severity,
            actor,
            p.details(),
            p.time_ms,
            p.mono_ns,
        );
        self.default_actor = default_actor;
        self.since_checkpoint += 1;
        if self.opts.flush == FlushPolicy::EveryRecord {
            self.sync_now()?;
        } else if self.buf.len() >= BUF_LIMIT {
            self.write_out()?;
            if let FlushPolicy::Batch { records, .. } = self.opts.flush {
                // At most a few batches in flight: a slow disk slows the writer.
                let max_lag = records.get().saturating_mul(8).max(4096);
                if self.syncer.lag() > max_lag {
                    self.request_sync(&mut Vec::new())?;
                    self.syncer.wait_lag(max_lag)?;
                }
            }
        }
        if self
            .opts
            .checkpoint_every
            .is_some_and(|n| self.since_checkpoint >= n.get())
            || self.state.since_checkpoint.len() >= PROOF_LEAVES_MAX
        {
            self.write_checkpoint()?;
        }
        Ok(seq)
    }

    /// Sync-required appends, time-based checkpoints, group commit.
    fn idle(&mut self, replies: &mut Vec<(Reply<u64>, u64)>) {
        if self.check_failed().is_err() {
            self.answer(replies);
            return;
        }
        let now = saturating_i64(self.opts.clock.now_ms());
        if let Some(interval) = self.opts.checkpoint_interval {
            let due = now.saturating_sub(self.last_checkpoint_ms)
                >= i64::try_from(interval.as_millis()).unwrap_or(i64::MAX);
            if due && self.state.uncovered() && self.state.next_seq > 0 {
                let _ = self.write_checkpoint();
            }
        }
        let _ = self.maybe_rotate();
        if !replies.is_empty() {
            self.answer(replies);
            return;
        }
        let _ = match self.opts.flush {
            FlushPolicy::Batch { records, interval } => {
                let due = self.unsynced >= records.get()
                    || self.unsynced_since.is_some_and(|s| s.elapsed() >= interval);
                if due {
                    self.request_sync(&mut Vec::new())
                } else {
                    self.write_out()
                }
            }
            _ => self.write_out(),
        };
    }

    /// Passes sync waiters to the syncer (or fails them).
    fn answer(&mut self, replies: &mut Vec<(Reply<u64>, u64)>) {
        if replies.is_empty() {
            return;
        }
        if let Err(e) = self
            .check_failed()
            .and_then(|()| self.request_sync(replies))
        {
            for (r, _) in replies.drain(..) {
                let _ = r.send(Err(Error::WriteFailed {
                    reason: e.to_string(),
                }));
            }
        }
    }

    /// Hands the buffer to the OS and asks the syncer to fsync it; `waiters`
    /// are answered once that is done.
    fn request_sync(&mut self, waiters: &mut Vec<(Reply<u64>, u64)>) -> Result<()> {
        self.write_out()?;
        self.syncer
            .request(&self.file, self.state.next_seq, waiters);
        self.unsynced = 0;
        self.unsynced_since = None;
        Ok(())
    }

    pub(crate) fn write_record(
        &mut self,
        event: &str,
        severity: Severity,
        actor_json: &[u8],
        details: &[u8],
        time_ms: i64,
        mono_ns: u64,
    ) -> u64 {
        let seq = self.state.next_seq;
        let start = self.buf.len();
        LineParts {
            seq,
            time_ms,
            mono_ns,
            event,
            severity,
            actor: "",
            actor_json: Some(actor_json),
            host: &self.opts.host,
            pid: self.opts.pid,
            source: Some(&self.source),
            details,
            prev: &self.state.head,
        }
        .write(&mut self.buf);
        self.state.push(&self.buf[start..]);
        self.buf.push(b'\n');
        self.unsynced += 1;
        self.unsynced_since.get_or_insert_with(Instant::now);
        self.shared
            .appended
            .store(self.state.next_seq, Ordering::Release);
        seq
    }

    pub(crate) fn write_internal(&mut self, event: &str, details: &Map<String, Value>) -> u64 {
        let (now, mono) = (
            saturating_i64(self.opts.clock.now_ms()),
            super::mono_ns(&*self.opts.clock),
        );
        let details = crate::record::canonical_object(details);
        let actor = LOG_ACTOR_JSON.as_bytes();
        self.write_record(event, Severity::Notice, actor, &details, now, mono)
    }

    pub(super) fn write_checkpoint(&mut self) -> Result<Checkpoint> {
        let s = &self.state;
        let cp = Checkpoint::sign(
            &self.opts.origin,
            s.next_seq,
            s.merkle.root(),
            s.head,
            &self.opts.key,
        )?;
        let (from, proof) = s.proof();
        let link = crate::proofs::link_line(&cp, from, &proof);
        let proofs_path = crate::proofs::proofs_path(&self.path);
        (&self.proofs)
            .write_all(&link)
            .and_then(|()| self.proofs.sync_data())
            .map_err(|e| self.fail(Error::io("write", &proofs_path, e)))?;
        let details = crate::binding::checkpoint_details(&cp, from, &proof);
        self.state.mark_checkpoint(cp.clone());
        self.write_internal("CHECKPOINT", &details);
        self.since_checkpoint = 0;
        self.last_checkpoint_ms = saturating_i64(self.opts.clock.now_ms());
        self.shared
            .checkpoint_ms
            .store(self.opts.clock.now_ms(), Ordering::Release);
        Ok(cp)
    }

    /// Checkpoint if anything is uncovered, then sync.
    fn seal(&mut self) -> Result<Checkpoint> {
        self.check_failed()?;
        let cp = match (&self.state.last_checkpoint, self.state.uncovered()) {
            (Some(cp), false) => cp.clone(),
            _ => self.write_checkpoint()?,
        };
        self.sync_now()?;
        Ok(cp)
    }

    fn check_failed(&self) -> Result<()> {
        match self.shared.failure() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Hands the buffer to the OS.
    pub(crate) fn write_out(&mut self) -> Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.check_failed()?;
        loop {
            let res = self
                .fault()
                .and_then(|()| (&*self.file).write_all(&self.buf));
            match res {
                Ok(()) => break,
                Err(e) => self.on_io_error("write", e)?,
            }
        }
        self.file_len += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    /// Writes and fsyncs everything buffered, and waits for it.
    pub(crate) fn sync_now(&mut self) -> Result<()> {
        self.request_sync(&mut Vec::new())?;
        self.syncer.wait(self.state.next_seq)
    }

    fn fault(&self) -> std::io::Result<()> {
        self.opts.fault.as_ref().map_or(Ok(()), |f| f.check())
    }

    /// Under `Block`: undo any partial write, wait, and let the caller retry.
    /// Otherwise: fail closed.
    fn on_io_error(&mut self, op: &'static str, e: std::io::Error) -> Result<()> {
        if let OnWriteFailure::Block { retry } = self.opts.on_failure {
            let _ = self.file.set_len(self.file_len);
            std::thread::sleep(retry);
            return Ok(());
        }
        Err(self.fail(Error::io(op, &self.path, e)))
    }

    pub(super) fn fail(&mut self, err: Error) -> Error {
        self.shared.fail(err, &self.opts.on_failure)
    }
}
