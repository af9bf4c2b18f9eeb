//! Signals (SIGUSR1 by default) trip the switch.

use std::thread::JoinHandle;

use signal_hook::iterator::{Handle, Signals};

use crate::error::Error;
use crate::state::{Trigger, TripRequest};
use crate::switch::KillSwitch;

/// Trips the switch when one of the signals arrives. Handlers are installed
/// through `signal-hook` (which only writes to a pipe in the handler); the
/// trip runs on a dedicated thread. Dropping it stops listening.
#[derive(Debug)]
pub struct SignalTrigger {
    handle: Handle,
    thread: Option<JoinHandle<()>>,
}

impl SignalTrigger {
    /// Listens for SIGUSR1.
    pub fn sigusr1(switch: KillSwitch) -> Result<Self, Error> {
        Self::install(switch, &[signal_hook::consts::SIGUSR1])
    }

    /// Listens for `signals` (forbidden ones such as SIGKILL fail).
    pub fn install(switch: KillSwitch, signals: &[i32]) -> Result<Self, Error> {
        let setup = |e: std::io::Error| Error::Setup {
            what: "signal handler",
            detail: e.to_string(),
        };
        let mut signals = Signals::new(signals).map_err(setup)?;
        let handle = signals.handle();
        let thread = std::thread::Builder::new()
            .name("kill-switch-signal".to_owned())
            .spawn(move || {
                for sig in signals.forever() {
                    let name = signal_hook::low_level::signal_name(sig).unwrap_or("signal");
                    let req = TripRequest::new(Trigger::Signal, format!("{name} received"), name)
                        .value("signal", sig);
                    let _ = switch.trip(req);
                }
            })
            .map_err(setup)?;
        Ok(Self {
            handle,
            thread: Some(thread),
        })
    }
}

impl Drop for SignalTrigger {
    fn drop(&mut self) {
        self.handle.close();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
