//! A thread that polls watches periodically.

use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::error::Error;

/// Something checked periodically (dead-man's switch, stale data, trip file).
pub trait Watch: Send + Sync {
    /// Checks once, tripping the switch if needed.
    fn poll(&self);
}

/// Polls its watches every period on a background thread until dropped.
#[derive(Debug)]
pub struct Monitor {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Monitor {
    /// Starts polling `watches` every `period` (real time).
    pub fn spawn(period: Duration, watches: Vec<Arc<dyn Watch>>) -> Result<Self, Error> {
        let (stop, rx) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("kill-switch-monitor".to_owned())
            .spawn(move || {
                loop {
                    for w in &watches {
                        w.poll();
                    }
                    match rx.recv_timeout(period) {
                        Err(RecvTimeoutError::Timeout) => {}
                        Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            })
            .map_err(|e| Error::Setup {
                what: "monitor thread",
                detail: e.to_string(),
            })?;
        Ok(Self {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
