//! The attack: a bot logs what it has at hand (a request URL, the headers
//! it sent, an exchange's error body, a config object) and the credentials
//! inside reach the audit file, which every reader of the log then holds.
//! Each case goes through a real log file; the file's bytes are searched.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::json;
use supreme_audit::*;

/// Secret-bearing (field name, value) pairs: every value holds `LEAKnn`.
fn corpus() -> Vec<(&'static str, String)> {
    let named = [
        "api-key",
        "apiKey",
        "X-API-KEY",
        "X-MBX-APIKEY",
        "private-key",
        "privateKey",
        "auth",
        "X-Auth",
        "pwd",
        "db_pwd",
        "credentials",
        "listenKey",
        "client_secret",
        "accessToken",
        "session_id",
        "passphrase",
        "Authorization",
        "signature",
        "Set-Cookie",
        "mnemonic",
    ];
    let mut out: Vec<(&'static str, String)> = named
        .iter()
        .enumerate()
        .map(|(i, n)| (*n, format!("LEAK{i:02}")))
        .collect();
    let in_values = [
        // URLs and query strings.
        "https://api.binance.com/api/v3/order?symbol=BTCUSDT&apiKey=LEAK20&signature=LEAK21",
        "POST /api/v3/order?timestamp=1&recvWindow=5000&signature=LEAK22",
        "wss://stream.binance.com:9443/ws?listenKey=LEAK23",
        "https://bot:LEAK24@proxy.internal:8080/",
        "redis://:LEAK25@127.0.0.1:6379/0",
        // Header lines.
        "X-MBX-APIKEY: LEAK26",
        "GET / HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer LEAK27\r\nAccept: */*",
        "Cookie: session=LEAK28; theme=dark",
        "retrying with Bearer LEAK29",
        "x-api-key:LEAK30",
        // JSON inside a string, plain and escaped once more.
        r#"{"code":-2015,"apiKey":"LEAK31","msg":"Invalid API-key"}"#,
        r#"{"config":{"api_secret":"LEAK32","symbols":["BTCUSDT"]}}"#,
        r#"{"body":"{\"password\":\"LEAK33\"}"}"#,
        r#"{"tokens":["LEAK34","LEAK35"],"pin":1}"#,
        r#"{"privateKey": 36, "otp": "LEAK36"}"#,
    ];
    out.extend(in_values.iter().map(|v| ("note", (*v).to_owned())));
    out
}

fn read(path: &std::path::Path) -> String {
    String::from_utf8(std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn secret_names_and_values_never_reach_the_log_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let clock = t0_clock();
    let log = AuditLog::open(&path, options(key(), &clock)).unwrap();
    let cases = corpus();
    assert!(cases.len() >= 30);
    for (name, value) in &cases {
        // Flat (typed detail), tree (JSON object) and nested in an array.
        log.append(Event::new(EventType::ApiAccess).detail(*name, value.as_str()))
            .unwrap();
        log.append(Event::new(EventType::ApiAccess).details(json!({ *name: value })))
            .unwrap();
        log.append(Event::new(EventType::ApiAccess).detail("list", json!([{ *name: [value] }])))
            .unwrap();
    }
    log.close().unwrap();
    let text = read(&path);
    for i in 0..=36 {
        let leak = format!("LEAK{i:02}");
        assert!(!text.contains(&leak), "{leak} reached the file");
    }
    assert!(text.contains(REDACTED));
    // What is not secret in those values stays, for the evidence.
    for kept in [
        "symbol=BTCUSDT",
        "Invalid API-key",
        "Host: api",
        "recvWindow=5000",
    ] {
        assert!(text.contains(kept), "{kept} was lost");
    }
}

#[test]
fn evidence_fields_survive_in_the_log_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let clock = t0_clock();
    let log = AuditLog::open(&path, options(key(), &clock)).unwrap();
    let names = [
        "public_key",
        "key_version",
        "key_id",
        "checks_passed",
        "author",
        "tokens_used",
        "session_start",
    ];
    for (i, name) in names.iter().enumerate() {
        log.append(
            Event::new(EventType::ApiAccess)
                .detail(*name, format!("EVIDENCE{i}"))
                .details(json!({ "nested": { *name: format!("NESTED{i}") } }))
                .detail("url", format!("https://h/p?{name}=QUERY{i}")),
        )
        .unwrap();
    }
    log.close().unwrap();
    let text = read(&path);
    for (i, name) in names.iter().enumerate() {
        for want in [
            format!("\"{name}\":\"EVIDENCE{i}\""),
            format!("\"{name}\":\"NESTED{i}\""),
            format!("{name}=QUERY{i}"),
        ] {
            assert!(text.contains(&want), "{want} is missing");
        }
    }
}

/// The attack: a credential after `Bearer` or `Basic` and a tab (a header
/// dump, a tab-separated trace line), or after `pwd=` following a tab, held
/// in a typed detail whose canonical JSON escapes the tab as `\t`.
#[test]
fn bearer_after_a_tab_never_reaches_the_log_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let clock = t0_clock();
    let log = AuditLog::open(&path, options(key(), &clock)).unwrap();
    let values = [
        "Bearer\tTABLEAK1",
        "Authorization\tBasic\tTABLEAK2",
        "x\tpwd=TABLEAK3",
    ];
    for v in values {
        log.append(Event::new(EventType::ApiAccess).detail("note", v))
            .unwrap();
        log.append(Event::new(EventType::ApiAccess).details(json!({ "note": v })))
            .unwrap();
    }
    log.close().unwrap();
    let text = read(&path);
    for i in 1..=3 {
        assert!(
            !text.contains(&format!("TABLEAK{i}")),
            "TABLEAK{i} reached the file"
        );
    }
}
