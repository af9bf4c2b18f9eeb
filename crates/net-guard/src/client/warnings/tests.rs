use super::*;

fn hsts(host: &str, at_ms: u64) -> CoreEvent {
    Event::HstsWarning {
        host: host.to_string(),
        problem: "missing".to_string(),
    }
    .to_core(at_ms)
}

#[test]
fn each_distinct_warning_is_shown_once_and_none_is_lost() {
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let out = lines.clone();
    let sink = OncePerWarning::new(move |l: &str| out.lock().unwrap().push(l.to_string()));
    for t in 0..3 {
        sink.record(&hsts("api.binance.test", t)).unwrap();
    }
    sink.record(&hsts("other.binance.test", 9)).unwrap();
    let lines = lines.lock().unwrap();
    assert_eq!(
        *lines,
        [
            "net-guard warning: HSTS_WARNING: host=\"api.binance.test\", problem=\"missing\"",
            "net-guard warning: HSTS_WARNING: host=\"other.binance.test\", problem=\"missing\""
        ]
    );
}

#[test]
fn hostile_text_is_escaped_in_the_warning_line() {
    let e = Event::CredentialsDropped {
        from: "https://a.test".to_string(),
        to: "https://b.test/\u{1b}[2J\n".to_string(),
    };
    let text = e.to_string();
    assert!(!text.contains('\u{1b}') && !text.contains('\n'), "{text}");
    let line = line(&e.to_core(0));
    assert!(!line.contains('\u{1b}') && !line.contains('\n'), "{line}");
}

#[test]
fn past_the_memory_cap_warnings_are_printed_not_dropped() {
    let count = Arc::new(Mutex::new(0usize));
    let c = count.clone();
    let sink = OncePerWarning::new(move |_: &str| *c.lock().unwrap() += 1);
    for i in 0..MAX_REMEMBERED + 10 {
        sink.record(&hsts(&format!("h{i}.test"), 0)).unwrap();
    }
    sink.record(&hsts("h0.test", 0)).unwrap();
    assert_eq!(*count.lock().unwrap(), MAX_REMEMBERED + 11);
}
