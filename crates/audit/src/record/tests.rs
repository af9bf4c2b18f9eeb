use serde_json::json;

use super::*;

fn sample() -> Record {
    let details =
        json!({"z": 1, "a": {"y": [1, "two", null, true], "b": 1.5}, "quote\"d": "line\nbreak"});
    Record {
        seq: 42,
        time_ms: 1_764_384_184_123,
        mono_ns: 987_654_321,
        event_type: EventType::OrderSent,
        severity: Severity::Warning,
        actor: "strategy \"one\"".into(),
        host: "host-1".into(),
        pid: 4242,
        details: details.as_object().unwrap().clone(),
        prev: crate::record_hash(b"x"),
    }
}

#[test]
fn canonical_line_round_trips() {
    let r = sample();
    let line = r.to_line();
    let text = std::str::from_utf8(&line).unwrap();
    assert!(text.starts_with("{\"seq\":42,\"time\":\"2025-11-29T02:43:04.123Z\",\"mono_ns\":987654321,\"event\":\"ORDER_SENT\""));
    assert!(text.contains("\"details\":{\"a\":{\"b\":1.5,\"y\":[1,\"two\",null,true]},\"quote\\\"d\":\"line\\nbreak\",\"z\":1}"));
    assert_eq!(Record::parse(&line).unwrap(), r);
    let head = scan_head(&line).unwrap();
    assert_eq!(
        (head.seq, head.event, head.prev),
        (42, &b"ORDER_SENT"[..], r.prev)
    );
}

#[test]
fn rejects_non_canonical_and_unknown() {
    let line = String::from_utf8(sample().to_line()).unwrap();
    let cases = [
        line.replacen("{\"seq\":42", "{ \"seq\":42", 1),
        line.replacen("\"seq\":42", "\"seq\":042", 1),
        line.replacen(".123Z", "Z", 1),
        line.replacen("\"pid\":4242}", "\"pid\":4242,\"x\":1}", 1),
        line.replacen("\"details\":{\"a\"", "\"extra\":1,\"details\":{\"a\"", 1),
        line.replacen("\"z\":1}", "\"z\":1,\"a\":2}", 1),
        line.replacen("ORDER_SENT", "order_sent", 1),
        line.replacen("WARNING", "LOUD", 1),
        line.to_uppercase(),
        line[..line.len() - 1].to_owned(),
    ];
    for bad in cases {
        assert!(Record::parse(bad.as_bytes()).is_err(), "{bad}");
    }
}

#[test]
fn scan_head_refuses_garbage() {
    for bad in [
        &b""[..],
        b"{}",
        b"{\"seq\":01,",
        b"not json at all",
        &[0xff; 200],
    ] {
        assert!(scan_head(bad).is_none());
    }
}
