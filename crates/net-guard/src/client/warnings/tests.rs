use super::*;

fn hsts(host: &str) -> Event {
    Event::HstsWarning {
        host: host.to_string(),
        problem: "missing".to_string(),
    }
}

#[test]
fn each_distinct_warning_is_shown_once_and_none_is_lost() {
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let out = lines.clone();
    let sink = once_per_warning(move |l| out.lock().unwrap().push(l.to_string()));
    for _ in 0..3 {
        sink(&hsts("api.binance.test"));
    }
    sink(&hsts("other.binance.test"));
    let lines = lines.lock().unwrap();
    assert_eq!(
        *lines,
        [
            "net-guard warning: HSTS on api.binance.test: missing",
            "net-guard warning: HSTS on other.binance.test: missing"
        ]
    );
}

#[test]
fn hostile_text_is_escaped_in_the_warning_line() {
    let e = Event::CredentialsDropped {
        from: "https://a.test".to_string(),
        to: "https://b.test/\u{1b}[2J\n".to_string(),
    };
    let line = e.to_string();
    assert!(!line.contains('\u{1b}') && !line.contains('\n'), "{line}");
}

#[test]
fn past_the_memory_cap_warnings_are_printed_not_dropped() {
    let count = Arc::new(Mutex::new(0usize));
    let c = count.clone();
    let sink = once_per_warning(move |_| *c.lock().unwrap() += 1);
    for i in 0..MAX_REMEMBERED + 10 {
        sink(&hsts(&format!("h{i}.test")));
    }
    sink(&hsts("h0.test"));
    assert_eq!(*count.lock().unwrap(), MAX_REMEMBERED + 11);
}
