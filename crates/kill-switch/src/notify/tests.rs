use std::sync::Arc;

use supreme_core::FakeClock;

use super::*;

#[derive(Default, Clone)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().write(b)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn notice(s: &str) -> Notice {
    Notice::routine(s, "line1\nline2")
}

#[test]
fn log_notifier_writes_one_line() {
    let buf = Buf::default();
    let n = LogNotifier::new(Box::new(buf.clone()));
    n.notify(&notice("tripped")).unwrap();
    let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert_eq!(text, "kill-switch: tripped: line1 | line2\n");
}

#[test]
fn rate_limit_suppresses_and_counts() {
    let buf = Buf::default();
    let clock = Arc::new(FakeClock::new(0));
    let n = RateLimited::new(
        LogNotifier::new(Box::new(buf.clone())),
        Duration::from_secs(60),
        clock.clone(),
    );
    n.notify(&notice("a")).unwrap();
    let err = n.notify(&notice("b")).unwrap_err();
    assert_eq!(err, NotifyError::Suppressed { so_far: 1 });
    assert!(n.notify(&notice("c")).is_err());
    clock.advance(Duration::from_secs(60));
    n.notify(&notice("d")).unwrap();
    let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("kill-switch: a:"));
    assert!(
        lines[1].contains("(2 earlier notices suppressed)"),
        "{}",
        lines[1]
    );
}

#[test]
fn command_notifier_runs_with_a_clean_env() {
    let dir = std::env::temp_dir().join(format!("ks-cmdnotify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("out.txt");
    let script = format!(
        "printf '%s|%s|%s' \"$SUPREME_KS_SUBJECT\" \"$SUPREME_KS_BODY\" \"${{HOME:-nohome}}\" > {}",
        out.display()
    );
    let n = CommandNotifier::new(
        ChildSpec::new("/bin/sh")
            .arg("-c")
            .arg(script)
            .timeout(Duration::from_secs(10)),
    );
    n.notify(&notice("tripped")).unwrap();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "tripped|line1\nline2|nohome"
    );
    let failing = CommandNotifier::new(ChildSpec::new("/bin/sh").arg("-c").arg("exit 3"));
    let err = failing.notify(&notice("x")).unwrap_err();
    assert!(err.to_string().contains("exit"), "{err}");
}

#[test]
fn fn_notifier_behind_a_rate_limit() {
    let sent: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = Arc::clone(&sent);
    let clock = Arc::new(FakeClock::new(0));
    let webhook = FnNotifier::new("webhook", move |n: &Notice| {
        log.lock().unwrap().push(n.subject.clone());
        Ok(())
    });
    let n = RateLimited::new(webhook, Duration::from_secs(10), clock.clone());
    assert_eq!(n.name(), "webhook");
    for i in 0..5 {
        let _ = n.notify(&notice(&format!("n{i}")));
        clock.advance(Duration::from_secs(3));
    }
    // t = 0, 3, 6, 9, 12: sent at 0 and 12.
    assert_eq!(*sent.lock().unwrap(), ["n0", "n4"]);
}

#[test]
fn command_notifier_that_hangs_is_killed() {
    let n = CommandNotifier::new(
        ChildSpec::new("/bin/sh")
            .arg("-c")
            .arg("sleep 30")
            .timeout(Duration::from_millis(200))
            .grace(Duration::from_millis(100)),
    );
    let started = std::time::Instant::now();
    let err = n.notify(&notice("x")).unwrap_err();
    assert_eq!(err, NotifyError::Failed("timed out, killed".into()));
    assert!(started.elapsed() < Duration::from_secs(5));
}

type Sent = Arc<Mutex<Vec<Notice>>>;

fn recorder() -> (FnNotifier<impl Fn(&Notice) -> Result<(), String>>, Sent) {
    let sent: Sent = Arc::default();
    let log = Arc::clone(&sent);
    let n = FnNotifier::new("rec", move |n: &Notice| {
        log.lock().unwrap().push(n.clone());
        Ok(())
    });
    (n, sent)
}

/// The trip notice is followed at once by "HALT NOT VERIFIED": a rate limit
/// must not swallow the second.
#[test]
fn critical_notices_are_never_suppressed_and_carry_the_count() {
    let clock = Arc::new(FakeClock::new(0));
    let (rec, sent) = recorder();
    let n = RateLimited::new(rec, Duration::from_secs(3600), clock.clone());
    n.notify(&notice("warning")).unwrap();
    assert!(n.notify(&notice("warning again")).is_err());
    n.notify(&Notice::critical("TRIPPED (manual): x", ""))
        .unwrap();
    n.notify(&Notice::critical("HALT NOT VERIFIED", "venue down"))
        .unwrap();
    let sent = sent.lock().unwrap();
    let subjects: Vec<&str> = sent.iter().map(|n| n.subject.as_str()).collect();
    assert_eq!(
        subjects,
        ["warning", "TRIPPED (manual): x", "HALT NOT VERIFIED"]
    );
    assert!(
        sent[1].body.contains("(1 earlier notices suppressed)"),
        "{:?}",
        sent[1]
    );
}

#[test]
fn suppressed_counts_are_flushed_on_a_timer() {
    let clock = Arc::new(FakeClock::new(0));
    let (rec, sent) = recorder();
    let n = Arc::new(RateLimited::new(
        rec,
        Duration::from_secs(60),
        clock.clone(),
    ));
    n.notify(&notice("a")).unwrap();
    for _ in 0..3 {
        assert!(n.notify(&notice("b")).is_err());
    }
    let _flusher = n.flush_every(Duration::from_millis(5)).unwrap();
    std::thread::sleep(Duration::from_millis(30));
    assert_eq!(sent.lock().unwrap().len(), 1, "not due before the interval");
    clock.advance(Duration::from_secs(60));
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while sent.lock().unwrap().len() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let sent = sent.lock().unwrap();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].subject, "3 notices suppressed by the rate limit");
    assert_eq!(n.suppressed(), 0);
}

#[test]
fn a_failed_flush_keeps_the_count() {
    let clock = Arc::new(FakeClock::new(0));
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = Arc::clone(&fail);
    let inner = FnNotifier::new("flaky", move |_: &Notice| {
        if flag.load(std::sync::atomic::Ordering::SeqCst) {
            Err("down".into())
        } else {
            Ok(())
        }
    });
    let n = RateLimited::new(inner, Duration::from_secs(60), clock.clone());
    n.notify(&notice("a")).unwrap();
    let _ = n.notify(&notice("b"));
    fail.store(true, std::sync::atomic::Ordering::SeqCst);
    clock.advance(Duration::from_secs(60));
    assert!(matches!(n.flush_due(), Some(Err(NotifyError::Failed(_)))));
    assert_eq!(n.suppressed(), 1);
    assert!(n.flush_due().is_none(), "not due again within the interval");
}
