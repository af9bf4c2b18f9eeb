//! Opening a log: lock, rebuild the chain, recover a torn tail, start the writer.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::{Arc, mpsc};

use serde_json::Map;

use super::worker::Worker;
use super::{AuditLog, Recovery, Shared};
use crate::binding::segment_start_details;
use crate::error::{Error, Result};
use crate::options::Options;
use crate::segment::{WriterLock, list_segments, sync_dir};
use crate::state::{ChainState, FileScan, scan_file};

/// Opens (creating, mode 0600) a log file for appending.
pub(crate) fn create_log_file(path: &Path) -> Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| Error::io("open", path, e))
}

pub(crate) fn open(path: &Path, options: Options) -> Result<AuditLog> {
    if options.origin.is_empty()
        || options.origin.contains('\n')
        || options.origin != options.origin.trim()
    {
        return Err(Error::InvalidOption(format!(
            "bad origin {:?}",
            options.origin
        )));
    }
    let lock = WriterLock::acquire(path, options.lock_wait)?;
    let key = options.key.public_key();
    let active = if path.exists() {
        Some(scan_file(path, &key)?)
    } else {
        None
    };
    let torn = active
        .as_ref()
        .and_then(|s| s.torn.map(|t| (s.valid_len, t)));
    let segments = list_segments(path)?;
    // An active file without a complete record continues the newest rotated file.
    let (scan, needs_start) = match active {
        Some(s) if s.first_seq.is_some() => {
            if let Some((_, last)) = segments.last() {
                super::continuity::check_continues(path, &s, last)?;
            }
            (s, false)
        }
        _ => match segments.last() {
            Some((_, last)) => {
                let s = scan_file(last, &key)?;
                if s.torn.is_some() || s.state.uncovered() {
                    return Err(Error::Damaged {
                        path: last.clone(),
                        line: s.records + 1,
                        what: "rotated file does not end with its checkpoint".into(),
                    });
                }
                (s, true)
            }
            None => (FileScan::default(), false),
        },
    };
    let file = create_log_file(path)?;
    if let Some((valid_len, _)) = torn {
        file.set_len(valid_len)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io("truncate torn line", path, e))?;
    }
    if needs_start && torn.is_none() {
        file.set_len(0)
            .map_err(|e| Error::io("truncate", path, e))?;
    }
    sync_dir(path)?;
    let file_len = if needs_start { 0 } else { scan.valid_len };
    let clock = Arc::clone(&options.clock);
    let now = supreme_core::time::saturating_i64(clock.now_ms());
    let state: ChainState = scan.state;
    let public_key = key;
    let proofs = create_log_file(&crate::proofs::proofs_path(path))?;
    let (sync_events, sync_severity, redactor, capacity) = (
        options.sync_events.clone(),
        options.sync_severity,
        options.redactor.clone(),
        options.queue_capacity,
    );
    let shared = Arc::new(Shared::default());
    shared
        .checkpoint_ms
        .store(options.clock.now_ms(), std::sync::atomic::Ordering::Release);
    shared
        .appended
        .store(state.next_seq, std::sync::atomic::Ordering::Release);
    shared
        .synced
        .store(state.next_seq, std::sync::atomic::Ordering::Release);
    let syncer = super::syncer::Syncer::start(
        Arc::clone(&shared),
        options.on_failure.clone(),
        options.fault.clone(),
        path.to_owned(),
        state.next_seq,
    )?;
    let mut worker = Worker {
        path: path.to_owned(),
        file: Arc::new(file),
        file_len,
        buf: Vec::with_capacity(256 * 1024),
        source: crate::record::source_json(&options.host, options.pid),
        default_actor: crate::record::json_string(&options.actor),
        active_first_seq: if needs_start {
            state.next_seq
        } else {
            scan.first_seq.unwrap_or(0)
        },
        active_started_ms: if needs_start {
            now
        } else {
            scan.first_time_ms.unwrap_or(now)
        },
        state,
        unsynced: 0,
        unsynced_since: None,
        since_checkpoint: 0,
        last_checkpoint_ms: now,
        shared: Arc::clone(&shared),
        syncer,
        proofs,
        _lock: lock,
        opts: options,
    };
    if needs_start {
        let prev = segments
            .last()
            .and_then(|(_, p)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        let s = &worker.state;
        let cp = s
            .last_checkpoint
            .as_ref()
            .ok_or_else(|| Error::InvalidOption("no checkpoint to bind the new file to".into()))?;
        let details = segment_start_details(&prev, &s.merkle, cp, &s.at_checkpoint);
        worker.write_internal("SEGMENT_START", &details);
        worker.sync_now()?;
    }
    let recovery = match torn {
        Some((offset, (torn_bytes, hash))) => {
            let mut d = Map::new();
            d.insert(
                "file".into(),
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
                    .into(),
            );
            d.insert("offset".into(), offset.into());
            d.insert("torn_bytes".into(), torn_bytes.into());
            d.insert("torn_hash".into(), hash.to_hex().into());
            let seq = worker.write_internal("LOG_RECOVERED", &d);
            worker.sync_now()?;
            Some(Recovery {
                file: path.to_owned(),
                offset,
                torn_bytes,
                recorded_as: seq,
            })
        }
        None => None,
    };
    let (tx, rx) = mpsc::sync_channel(capacity);
    let thread = std::thread::Builder::new()
        .name("supreme-audit-writer".into())
        .spawn(move || worker.run(rx))
        .map_err(|e| Error::io("spawn writer thread", path, e))?;
    Ok(AuditLog {
        tx: Some(tx),
        thread: Some(thread),
        shared,
        clock,
        redactor,
        sync_events,
        sync_severity,
        capacity,
        path: path.to_owned(),
        public_key,
        recovery,
    })
}
