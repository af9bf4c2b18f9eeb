//! Ordered shutdown hooks: stop strategies, then feeds, then the rest.

use std::sync::{Arc, Mutex, PoisonError};

use crate::event::Event;
use crate::supervise::Supervised;
use crate::switch::KillSwitch;

type Hook = Box<dyn Fn() -> Result<(), String> + Send + Sync>;

/// Hooks run in ascending `order` (ties in the order added). A failing hook
/// is reported and the next one still runs.
#[derive(Default)]
pub struct ShutdownHooks {
    hooks: Vec<(i32, String, Hook)>,
}

impl std::fmt::Debug for ShutdownHooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.hooks.iter().map(|(o, n, _)| (o, n)))
            .finish()
    }
}

impl ShutdownHooks {
    /// No hooks.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a hook.
    pub fn add(
        &mut self,
        order: i32,
        name: impl Into<String>,
        hook: impl Fn() -> Result<(), String> + Send + Sync + 'static,
    ) {
        self.hooks.push((order, name.into(), Box::new(hook)));
        // Stable: equal orders keep insertion order.
        self.hooks.sort_by_key(|(o, _, _)| *o);
    }

    /// Adds a hook that kills a supervised child's process tree (SIGTERM,
    /// grace, SIGKILL): how strategy subprocesses are stopped on a trip.
    pub fn add_child(
        &mut self,
        order: i32,
        name: impl Into<String>,
        child: Arc<Mutex<Supervised>>,
    ) {
        self.add(order, name, move || {
            let mut child = child.lock().unwrap_or_else(PoisonError::into_inner);
            child.kill_tree().map(drop).map_err(|e| e.to_string())
        });
    }

    /// Runs every hook in order, reporting each as an event on `switch`.
    /// Returns the names of the hooks that failed.
    pub fn run(&self, switch: &KillSwitch) -> Vec<String> {
        let mut failed = Vec::new();
        for (_, name, hook) in &self.hooks {
            let outcome = hook();
            if outcome.is_err() {
                failed.push(name.clone());
            }
            switch.emit(Event::Hook {
                name: name.clone(),
                outcome,
            });
        }
        failed
    }
}
