//! A trip file watched on disk: touch it to stop the bot.

use std::io::Read;
use std::path::PathBuf;

use super::Watch;
use crate::state::{Trigger, TripRecord, TripRequest};
use crate::switch::KillSwitch;

/// Bytes of the trip file quoted in the reason.
const MAX_REASON_BYTES: u64 = 256;

/// Trips the switch when the file exists. Its first bytes (if text) become
/// the reason. The file is left in place; the latch records the trip.
#[derive(Debug)]
pub struct TripFileWatcher {
    switch: KillSwitch,
    path: PathBuf,
}

impl TripFileWatcher {
    /// Watches `path`.
    pub fn new(switch: KillSwitch, path: impl Into<PathBuf>) -> Self {
        Self {
            switch,
            path: path.into(),
        }
    }

    /// Trips if the file exists.
    pub fn check(&self) -> Option<TripRecord> {
        // symlink_metadata: a dangling symlink counts as present, too.
        std::fs::symlink_metadata(&self.path).ok()?;
        let mut text = String::new();
        if let Ok(f) = std::fs::File::open(&self.path) {
            let mut bytes = Vec::new();
            let _ = f.take(MAX_REASON_BYTES).read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).trim().to_owned();
        }
        let reason = if text.is_empty() {
            "trip file present".to_owned()
        } else {
            format!("trip file: {text}")
        };
        let req = TripRequest::new(Trigger::TripFile, reason, "trip-file")
            .value("path", self.path.display());
        self.switch.trip(req).ok()
    }
}

impl Watch for TripFileWatcher {
    fn poll(&self) {
        let _ = self.check();
    }
}

/// Adopts trips written to the switch's latch by another process (the
/// `supreme kill-switch trigger` command, another instance of the bot) by
/// polling [`KillSwitch::adopt_latch`].
#[derive(Debug)]
pub struct LatchWatcher {
    switch: KillSwitch,
}

impl LatchWatcher {
    /// Watches `switch`'s latch file.
    pub fn new(switch: KillSwitch) -> Self {
        Self { switch }
    }
}

impl Watch for LatchWatcher {
    fn poll(&self) {
        let _ = self.switch.adopt_latch();
    }
}
