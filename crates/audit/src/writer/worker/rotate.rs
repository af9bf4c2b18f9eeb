//! Rotation: seal the active file, rename it, start a new one whose first
//! record commits to the old one's last, then apply retention.

use std::sync::Arc;

use supreme_core::time::saturating_i64;

use super::Worker;
use crate::binding::segment_start_details;
use crate::error::{Error, Result};
use crate::segment::{segment_path, sync_dir};

impl Worker {
    pub(super) fn maybe_rotate(&mut self) -> Result<()> {
        let r = self.opts.rotation;
        let has_records = self.state.next_seq > self.active_first_seq + 1;
        let by_size = r
            .max_bytes
            .is_some_and(|m| self.file_len + self.buf.len() as u64 >= m);
        let age = saturating_i64(self.opts.clock.now_ms()).saturating_sub(self.active_started_ms);
        let by_age = r
            .max_age
            .is_some_and(|a| age >= i64::try_from(a.as_millis()).unwrap_or(i64::MAX));
        if has_records && (by_size || by_age) {
            self.rotate()
        } else {
            Ok(())
        }
    }

    pub(super) fn rotate(&mut self) -> Result<()> {
        if self.state.uncovered() {
            self.write_checkpoint()?;
        }
        self.sync_now()?;
        let old = segment_path(&self.path, self.active_first_seq);
        std::fs::rename(&self.path, &old)
            .map_err(|e| self.fail(Error::io("rotate", &self.path, e)))?;
        let file = super::super::open::create_log_file(&self.path).map_err(|e| self.fail(e))?;
        sync_dir(&self.path).map_err(|e| self.fail(e))?;
        self.file = Arc::new(file);
        self.file_len = 0;
        self.active_first_seq = self.state.next_seq;
        self.active_started_ms = saturating_i64(self.opts.clock.now_ms());
        let prev_name = old
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(cp) = self.state.last_checkpoint.as_ref() else {
            return Err(self.fail(Error::InvalidOption(
                "rotation without a checkpoint to bind the new file to".into(),
            )));
        };
        let details = segment_start_details(
            &prev_name,
            &self.state.merkle,
            cp,
            &self.state.at_checkpoint,
        );
        self.write_internal("SEGMENT_START", &details);
        self.sync_now()?;
        // A retention failure deletes nothing and is retried at the next
        // rotation; it never stops the log.
        let now = saturating_i64(self.opts.clock.now_ms());
        let _ = self
            .opts
            .retention
            .apply(&self.path, self.active_first_seq, now);
        Ok(())
    }
}
