use serde_json::json;

use super::*;

/// Names the evidence needs, which must survive unredacted.
pub(crate) const SURVIVE: &[&str] = &[
    "public_key",
    "key_version",
    "key_id",
    "checks_passed",
    "author",
    "tokens_used",
    "session_start",
    "publicKey",
    "KEY-ID",
    "authored_by",
    "session_started",
    "token_count",
    "password_changed",
    "api_key_fingerprint",
    "token_type",
    "passed",
    "symbol",
    "client_order_id",
    "signer",
    "seeded",
    "compass",
];

/// Names that must be redacted.
const SECRET: &[&str] = &[
    "api_key",
    "api-key",
    "apiKey",
    "APIKEY",
    "X-API-KEY",
    "X-MBX-APIKEY",
    "private-key",
    "privateKey",
    "PRIVATE_KEY",
    "auth",
    "X-Auth",
    "basic_auth",
    "pwd",
    "db_pwd",
    "credentials",
    "aws.credential",
    "listenKey",
    "listen_key",
    "secret",
    "clientSecret",
    "api_secret",
    "token",
    "accessToken",
    "refresh_token",
    "session",
    "session_id",
    "sessionToken",
    "password",
    "Passwd",
    "passphrase",
    "authorization",
    "Authorization",
    "bearer",
    "signature",
    "sig",
    "cookie",
    "Set-Cookie",
    "mnemonic",
    "seed",
    "api_key_id",
    "session_start_token",
];

#[test]
fn secret_names_are_secret() {
    let r = Redactor::default();
    for name in SECRET {
        assert!(r.is_secret(name), "{name} must be redacted");
    }
}

#[test]
fn evidence_names_survive() {
    let r = Redactor::default();
    for name in SURVIVE {
        assert!(!r.is_secret(name), "{name} must survive");
    }
}

#[test]
fn names_split_on_separators_and_camel_case() {
    let mut segs = Vec::new();
    let name = "X-MBX-APIKey.sessionStart_ok";
    names::segments(name.as_bytes(), |r| segs.push(&name[r]));
    assert_eq!(segs, ["X", "MBX", "API", "Key", "session", "Start", "ok"]);
}

#[test]
fn redacts_secret_names_at_any_depth() {
    let mut details = json!({
        "symbol": "BTCUSDT",
        "api_secret": "s3cr3t",
        "nested": {"Password": "p", "list": [{"session_token": "t", "ok": 1}]},
        "url": "https://api.example/x?apiKey=AK1&symbol=ETH",
    })
    .as_object()
    .unwrap()
    .clone();
    Redactor::default().redact(&mut details);
    let text = serde_json::to_string(&details).unwrap();
    assert!(
        !text.contains("s3cr3t") && !text.contains("\"p\"") && !text.contains("\"t\""),
        "{text}"
    );
    assert!(
        !text.contains("AK1") && text.contains("symbol=ETH"),
        "{text}"
    );
    assert_eq!(details["symbol"], "BTCUSDT");
    assert_eq!(details["nested"]["list"][0]["ok"], 1);
    assert_eq!(details["api_secret"], REDACTED);
}

#[test]
fn values_lose_their_secret_parts_only() {
    let r = Redactor::default();
    let cases = [
        (
            "symbol=BTCUSDT&apiKey=AK&signature=SIG#frag",
            "symbol=BTCUSDT&apiKey=[REDACTED]&signature=[REDACTED]#frag",
        ),
        (
            "X-MBX-APIKEY: AK\r\nHost: api",
            "X-MBX-APIKEY: [REDACTED]\r\nHost: api",
        ),
        ("Authorization: Bearer T0K", "Authorization: [REDACTED]"),
        (
            "sent with Bearer T0K, ok",
            "sent with Bearer [REDACTED], ok",
        ),
        (
            r#"{"a":1,"token":"T","n":{"pwd":42}}"#,
            r#"{"a":1,"token":"[REDACTED]","n":{"pwd":[REDACTED]}}"#,
        ),
        (
            r#"{"body":"{\"secret\":\"S\"}"}"#,
            r#"{"body":"{\"secret\":\"[REDACTED]\"}"}"#,
        ),
        (
            r#"{"credentials":["A","B"],"x":1}"#,
            r#"{"credentials":[REDACTED],"x":1}"#,
        ),
        (
            "https://bot:hunter2@host/p",
            "https://bot:[REDACTED]@host/p",
        ),
        (
            "at 12:30:45 key_id=7 author: me",
            "at 12:30:45 key_id=7 author: me",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(r.redact_str(input), want, "{input}");
    }
}

#[test]
fn custom_markers() {
    let r = Redactor::new(["iban"]).with_marker("PIN");
    assert!(r.is_secret("user_IBAN") && r.is_secret("card_pin") && r.is_secret("cardPin"));
    assert!(!r.is_secret("password") && !r.is_secret("card_pinned"));
    let w = Redactor::new(["x"]).with_word("iban");
    assert!(w.is_secret("userIbans"));
    assert!(
        !Redactor::default()
            .with_evidence_suffix("hint")
            .is_secret("password_hint")
    );
}

#[test]
fn no_markers_means_nothing_is_secret() {
    let r = Redactor::new(Vec::<String>::new());
    assert!(!r.is_secret("password"));
    assert_eq!(
        r.redact_str("Authorization: Bearer x"),
        "Authorization: Bearer x"
    );
    assert!(Redactor::default().is_secret("X-API_KEY"));
}

fn join(segs: &[&str], style: u8) -> String {
    match style {
        0 => segs.join("_"),
        1 => segs.join("-").to_ascii_uppercase(),
        2 => segs.join("."),
        _ => segs
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut c = s.chars();
                match c.next() {
                    Some(f) if i > 0 => f.to_ascii_uppercase().to_string() + c.as_str(),
                    _ => (*s).to_owned(),
                }
            })
            .collect(),
    }
}

proptest::proptest! {
    /// The verdict depends on the segments, not on how they are joined.
    #[test]
    fn separators_and_case_do_not_change_the_verdict(
        segs in proptest::collection::vec(
            proptest::sample::select(vec![
                "api", "key", "private", "public", "session", "start", "token",
                "used", "auth", "author", "id", "pwd", "order", "secret", "count",
            ]),
            1..5,
        ),
    ) {
        let r = Redactor::default();
        let verdict = r.is_secret(&join(&segs, 0));
        for style in 1..4 {
            proptest::prop_assert_eq!(r.is_secret(&join(&segs, style)), verdict);
        }
    }

    /// Any text: no panic, and text without a secret comes back unchanged.
    #[test]
    fn any_text_is_scanned_safely(text in ".*|[a-zA-Z=:&\" {}\\[\\]\\\\@/]{0,40}") {
        let r = Redactor::default();
        let out = r.redact_str(&text);
        if out != text {
            proptest::prop_assert!(out.contains(REDACTED));
        }
    }
}

/// The reference for string values: every string scanned, names judged
/// without the pre-filter.
fn redact_str_full(r: &Redactor, text: &str) -> String {
    if r.matcher.is_empty() {
        return text.to_owned();
    }
    let spans = values::spans(text.as_bytes(), |n| r.matcher.is_secret_full(n));
    values::replace(text, &spans, REDACTED)
}

/// Pieces secrets are built from: markers, evidence, separators, and the
/// values of the log-file corpus (tests/redaction.rs).
const PIECES: &[&str] = &[
    "api",
    "Key",
    "KEY",
    "private",
    "session",
    "start",
    "token",
    "used",
    "auth",
    "author",
    "id",
    "pwd",
    "pass",
    "sig",
    "otp",
    "seed",
    "jwt",
    "secret",
    "price",
    "side",
    "symbol",
    "client",
    "order",
    "iban",
    "pin",
    "x",
    "ab",
    "Bearer",
    "basic",
    "_",
    "-",
    ".",
    " ",
    "\t",
    "=",
    ":",
    "\"",
    "\\\"",
    "{",
    "}",
    "[",
    "]",
    "@",
    "//",
    "&",
    "?",
    ",",
    ";",
    "\r\n",
    "LEAK",
    "é",
    "https://bot:LEAK24@proxy.internal:8080/",
    "redis://:LEAK25@127.0.0.1:6379/0",
    "?symbol=BTCUSDT&apiKey=LEAK20&signature=LEAK21",
    "X-MBX-APIKEY: LEAK26",
    "Authorization: Bearer LEAK27\r\n",
    "Cookie: session=LEAK28; theme=dark",
    "retrying with Bearer LEAK29",
    "x-api-key:LEAK30",
    r#"{"code":-2015,"apiKey":"LEAK31","msg":"Invalid API-key"}"#,
    r#"{"body":"{\"password\":\"LEAK33\"}"}"#,
    r#"{"tokens":["LEAK34","LEAK35"],"pin":1}"#,
    r#"{"privateKey": 36, "otp": "LEAK36"}"#,
];

fn texts() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        ".{0,40}",
        "[a-zA-Z0-9_\\-. =:\t\"{}@/&]{0,40}",
        proptest::collection::vec(proptest::sample::select(PIECES), 0..8).prop_map(|p| p.concat()),
    ]
}

fn redactors() -> [Redactor; 3] {
    [
        Redactor::default(),
        Redactor::new(["x", "pi n", "ab"])
            .with_word("q")
            .with_word("iban"),
        Redactor::new(Vec::<String>::new()),
    ]
}

proptest::proptest! {
    /// The name pre-filter never changes a verdict.
    #[test]
    fn name_fast_path_matches_the_full_path(name in texts()) {
        for r in redactors() {
            proptest::prop_assert_eq!(
                r.is_secret(&name),
                r.matcher.is_secret_full(name.as_bytes()),
                "{:?}", name
            );
        }
    }

    /// The value pre-filters (in `redact_str` and on canonical JSON in
    /// `write_scalar`) never change the output, byte for byte.
    #[test]
    fn value_fast_path_matches_the_full_path(text in texts()) {
        for r in redactors() {
            let want = redact_str_full(&r, &text);
            let got_str = r.redact_str(&text);
            proptest::prop_assert_eq!(got_str.as_ref(), want.as_str());
            let mut json = Vec::new();
            crate::record::write_str(&mut json, &text);
            let mut got = Vec::new();
            r.write_scalar(&mut got, &json);
            let mut expect = Vec::new();
            crate::record::write_str(&mut expect, &want);
            proptest::prop_assert_eq!(
                String::from_utf8_lossy(&got), String::from_utf8_lossy(&expect), "{:?}", text
            );
        }
    }
}

#[test]
fn fast_paths_match_the_full_path_on_the_corpora() {
    for r in redactors() {
        let tabs = ["Bearer\tLEAK", "x\tBasic\tLEAK", "pwd\t=\tLEAK"];
        for name in PIECES.iter().chain(SURVIVE).chain(SECRET).chain(&tabs) {
            assert_eq!(
                r.is_secret(name),
                r.matcher.is_secret_full(name.as_bytes()),
                "{name}"
            );
            let want = redact_str_full(&r, name);
            assert_eq!(r.redact_str(name), want, "{name}");
            let (mut json, mut got, mut expect) = (Vec::new(), Vec::new(), Vec::new());
            crate::record::write_str(&mut json, name);
            r.write_scalar(&mut got, &json);
            crate::record::write_str(&mut expect, &want);
            assert_eq!(got, expect, "{name}");
        }
    }
}
