//! Appends made while a thread is ending (from a thread-local's destructor,
//! after the log's own per-thread buffer is gone) still reach the log.

mod common;

use std::cell::RefCell;
use std::sync::Arc;

use common::*;
use supreme_audit::*;

/// Appends one event when dropped: a guard a bot might keep per thread.
struct Farewell(Option<Arc<AuditLog>>);

impl Drop for Farewell {
    fn drop(&mut self) {
        if let Some(log) = self.0.take() {
            log.append(Event::new(EventType::ApiAccess).detail("at", "thread exit"))
                .expect("append from a thread-local destructor");
        }
    }
}

thread_local! {
    static FAREWELL: RefCell<Farewell> = const { RefCell::new(Farewell(None)) };
}

#[test]
fn append_from_a_thread_local_destructor_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let clock = t0_clock();
    let path = dir.path().join("audit.log");
    let log = Arc::new(AuditLog::open(&path, options(key(), &clock)).unwrap());
    let shared = Arc::clone(&log);
    std::thread::spawn(move || {
        // Registered before the log's own thread-local: destroyed after it.
        FAREWELL.with(|f| f.borrow_mut().0 = Some(Arc::clone(&shared)));
        shared
            .append(Event::new(EventType::ApiAccess).detail("at", "running"))
            .unwrap();
    })
    .join()
    .expect("the thread ends without aborting");
    log.sync().unwrap();
    let text = lines(&path).join("\n");
    assert!(text.contains(r#""at":"running""#), "{text}");
    assert!(text.contains(r#""at":"thread exit""#), "{text}");
}
