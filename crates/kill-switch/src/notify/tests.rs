use std::sync::Arc;

use super::*;
use crate::clock::ManualClock;

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
    Notice {
        subject: s.to_owned(),
        body: "line1\nline2".to_owned(),
    }
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
    let clock = Arc::new(ManualClock::new(0));
    let n = RateLimited::new(
        LogNotifier::new(Box::new(buf.clone())),
        Duration::from_secs(60),
        clock.clone(),
    );
    n.notify(&notice("a")).unwrap();
    assert!(n.notify(&notice("b")).unwrap_err().contains("suppressed"));
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
    assert!(failing.notify(&notice("x")).unwrap_err().contains("exit"));
}

#[test]
fn fn_notifier_behind_a_rate_limit() {
    let sent: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = Arc::clone(&sent);
    let clock = Arc::new(ManualClock::new(0));
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
    assert_eq!(n.notify(&notice("x")).unwrap_err(), "timed out, killed");
    assert!(started.elapsed() < Duration::from_secs(5));
}
