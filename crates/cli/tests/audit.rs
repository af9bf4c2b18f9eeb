//! `supreme audit ...` through the real binary.

mod audit_support;

use std::os::unix::fs::PermissionsExt;

use audit_support::{code, supreme, text};

#[test]
fn append_show_checkpoint_verify_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = supreme(
        d,
        &[
            "audit",
            "append",
            "a.log",
            "--event-type",
            "ORDER_SENT",
            "--details",
            r#"{"symbol":"BTCUSDT","api_secret":"hunter2"}"#,
        ],
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        text(&o).contains("created signing key a.log.key"),
        "{}",
        text(&o)
    );
    assert_eq!(
        std::fs::metadata(d.join("a.log.key"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    let o = supreme(
        d,
        &[
            "audit",
            "append",
            "a.log",
            "--event-type",
            "KILL_SWITCH_TRIGGERED",
            "--severity",
            "CRITICAL",
            "--json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["appended"], 2);
    assert!(!text(&o).contains("created signing key"));
    assert!(
        !std::fs::read_to_string(d.join("a.log"))
            .unwrap()
            .contains("hunter2")
    );

    let o = supreme(
        d,
        &[
            "audit",
            "show",
            "a.log",
            "--event-type",
            "KILL_SWITCH_TRIGGERED",
        ],
    );
    assert_eq!(code(&o), 0);
    let out = text(&o);
    assert!(
        out.contains("KILL_SWITCH_TRIGGERED") && !out.contains("ORDER_SENT"),
        "{out}"
    );
    let o = supreme(d, &["audit", "show", "a.log", "--since", "2999-01-01"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).lines().count(),
        1,
        "only the header"
    );

    let o = supreme(d, &["audit", "checkpoint", "a.log", "--out", "anchor.txt"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let printed = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        printed,
        std::fs::read_to_string(d.join("anchor.txt")).unwrap()
    );
    assert_eq!(
        printed.lines().nth(1),
        Some("3"),
        "the close after the last append sealed 3 records: {printed}"
    );
    assert_eq!(printed.lines().next(), Some("supreme-audit/a.log"));

    // The key beside the log is checked but not trusted: exit 3.
    let o = supreme(d, &["audit", "verify", "a.log", "--anchor", "anchor.txt"]);
    assert_eq!(code(&o), 3, "{}", text(&o));
    assert!(
        text(&o).contains("intact but NOT authenticated"),
        "{}",
        text(&o)
    );
    let args = ["audit", "verify", "a.log", "--anchor", "anchor.txt"];
    let o = supreme(d, &[&args[..], &["--public-key", "a.log.key.pub"]].concat());
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        text(&o).starts_with("public key: a.log.key.pub") && text(&o).contains("\nintact\n"),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("signatures verified"), "{}", text(&o));
    let o = supreme(
        d,
        &[
            "audit",
            "verify",
            "a.log",
            "--json",
            "--strict",
            "--public-key",
            "a.log.key.pub",
        ],
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (
            v["intact"].as_bool(),
            v["authenticated"].as_bool(),
            v["records"].as_u64()
        ),
        (Some(true), Some(true), Some(4))
    );
}

#[test]
fn tampering_exits_1_and_names_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for i in 0..5 {
        let details = format!(r#"{{"i":{i}}}"#);
        assert_eq!(
            code(&supreme(
                d,
                &[
                    "audit",
                    "append",
                    "a.log",
                    "--event-type",
                    "API_ACCESS",
                    "--details",
                    &details
                ]
            )),
            0
        );
    }
    let o = supreme(d, &["audit", "checkpoint", "a.log", "--out", "anchor.txt"]);
    assert_eq!(code(&o), 0);
    let log = std::fs::read_to_string(d.join("a.log")).unwrap();
    std::fs::write(d.join("a.log"), log.replacen("\"i\":2", "\"i\":7", 1)).unwrap();
    let o = supreme(d, &["audit", "verify", "a.log", "--json"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["finding"]["kind"], "modified");
    assert_eq!(v["finding"]["line"], 5); // record 2 is the 5th line (checkpoints between appends)

    // A cut tail against the anchor.
    let lines: Vec<&str> = log.lines().collect();
    std::fs::write(d.join("a.log"), lines[..lines.len() - 3].join("\n") + "\n").unwrap();
    let o = supreme(d, &["audit", "verify", "a.log", "--anchor", "anchor.txt"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("TAMPERED: truncated"), "{}", text(&o));

    // A wrong public key: bad signature.
    std::fs::write(d.join("a.log"), &log).unwrap();
    assert_eq!(
        code(&supreme(
            d,
            &["audit", "append", "b.log", "--event-type", "API_ACCESS"]
        )),
        0
    );
    let o = supreme(
        d,
        &["audit", "verify", "a.log", "--public-key", "b.log.key.pub"],
    );
    assert_eq!(code(&o), 1);
    assert!(text(&o).contains("bad-signature"), "{}", text(&o));
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(code(&supreme(d, &["audit", "verify", "missing.log"])), 2);
    assert_eq!(
        code(&supreme(
            d,
            &["audit", "append", "a.log", "--event-type", "lower case"]
        )),
        2
    );
    assert_eq!(
        code(&supreme(
            d,
            &["audit", "append", "a.log", "--event-type", "CHECKPOINT"]
        )),
        2
    );
    assert_eq!(
        code(&supreme(
            d,
            &[
                "audit",
                "append",
                "a.log",
                "--event-type",
                "X",
                "--details",
                "[1]"
            ]
        )),
        2
    );
    assert_eq!(
        code(&supreme(
            d,
            &[
                "audit",
                "append",
                "a.log",
                "--event-type",
                "X",
                "--severity",
                "LOUD"
            ]
        )),
        2
    );
    assert_eq!(
        code(&supreme(
            d,
            &["audit", "append", "a.log", "--event-type", "X"]
        )),
        0
    );
    std::fs::write(d.join("anchor.txt"), "not a checkpoint").unwrap();
    assert_eq!(
        code(&supreme(
            d,
            &["audit", "verify", "a.log", "--anchor", "anchor.txt"]
        )),
        2
    );
    assert_eq!(
        code(&supreme(
            d,
            &["audit", "show", "a.log", "--since", "yesterday"]
        )),
        2
    );
    assert_eq!(code(&supreme(d, &["audit", "verify"])), 2);
}

#[test]
fn a_torn_line_is_recovered_by_the_next_append() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(
        code(&supreme(
            d,
            &["audit", "append", "a.log", "--event-type", "API_ACCESS"]
        )),
        0
    );
    let mut log = std::fs::read(d.join("a.log")).unwrap();
    log.extend_from_slice(b"{\"seq\":2,\"ti");
    std::fs::write(d.join("a.log"), &log).unwrap();
    let o = supreme(d, &["audit", "verify", "a.log"]);
    assert_eq!(code(&o), 1);
    assert!(text(&o).contains("torn-tail"), "{}", text(&o));
    let o = supreme(
        d,
        &["audit", "append", "a.log", "--event-type", "API_ACCESS"],
    );
    assert_eq!(code(&o), 0);
    assert!(
        text(&o).contains("recovered: cut a torn last line of 12 bytes"),
        "{}",
        text(&o)
    );
    let o = supreme(
        d,
        &["audit", "verify", "a.log", "--public-key", "a.log.key.pub"],
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        std::fs::read_to_string(d.join("a.log"))
            .unwrap()
            .contains("LOG_RECOVERED")
    );
}
