//! `supreme order check|normalize`, run as a real process.

use std::process::{Command, Output};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../order-guard/data/exchangeInfo-sample.json"
);

fn supreme(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supreme"))
        .args(args)
        .output()
        .expect("run supreme")
}

fn check(extra: &[&str]) -> Output {
    let mut args = vec![
        "order",
        "check",
        "--exchange-info",
        SAMPLE,
        "--symbol",
        "BTCUSDT",
        "--side",
        "BUY",
    ];
    args.extend_from_slice(extra);
    supreme(&args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn accepted_order_exits_0() {
    let o = check(&[
        "--type",
        "LIMIT",
        "--time-in-force",
        "GTC",
        "--quantity",
        "0.01",
        "--price",
        "25000",
        "--reference-price",
        "25000",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        stdout(&o).trim(),
        "ACCEPTED symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=25000"
    );
}

#[test]
fn rejected_order_exits_1_with_one_violation_per_line() {
    let o = check(&[
        "--type",
        "LIMIT",
        "--time-in-force",
        "GTC",
        "--quantity",
        "0.0001",
        "--price",
        "25000.001",
        "--reference-price",
        "25000",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(lines[0], "REJECTED: 2 violation(s)");
    assert!(
        lines[1].contains("not a multiple of tickSize 0.01"),
        "{out}"
    );
    assert!(lines[2].contains("below minNotional 5"), "{out}");
}

#[test]
fn json_output_is_a_document() {
    let o = check(&["--type", "MARKET", "--quantity", "0.0001", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["accepted"], false);
    assert_eq!(doc["violations"][0]["violation"], "REFERENCE_PRICE_MISSING");
}

/// `supreme order normalize` of a GTC LIMIT order on BTCUSDT at a reference of 25,000.
fn normalize(side: &str, quantity: &str, price: &str) -> Output {
    supreme(&[
        "order",
        "normalize",
        "--exchange-info",
        SAMPLE,
        "--symbol",
        "BTCUSDT",
        "--side",
        side,
        "--type",
        "LIMIT",
        "--time-in-force",
        "GTC",
        "--quantity",
        quantity,
        "--price",
        price,
        "--reference-price",
        "25000",
    ])
}

#[test]
fn normalize_prints_the_adjusted_order() {
    let o = normalize("SELL", "0.0123456", "25000.001");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        stdout(&o).trim(),
        "ACCEPTED symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=0.01234&price=25000.01"
    );
    let o = normalize("BUY", "0.000001", "25000");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("no valid order exists"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn input_errors_exit_2_with_a_clear_message() {
    let dir = std::env::temp_dir().join(format!("supreme-cli-order-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"symbols\": [ {\"symbol\": \"BTCUSDT\"").unwrap();
    let o = supreme(&[
        "order",
        "check",
        "--exchange-info",
        broken.to_str().unwrap(),
        "--symbol",
        "BTCUSDT",
        "--side",
        "BUY",
        "--type",
        "MARKET",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("invalid JSON"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    let o = supreme(&[
        "order",
        "check",
        "--exchange-info",
        "/nonexistent/x.json",
        "--symbol",
        "BTCUSDT",
        "--side",
        "BUY",
        "--type",
        "MARKET",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read"));

    let o = check(&["--type", "LIMIT", "--price", "1e5"]);
    assert_eq!(o.status.code(), Some(2));
    let o = check(&["--type", "SOMETHING"]);
    assert_eq!(o.status.code(), Some(2));
    let o = supreme(&[
        "order",
        "check",
        "--exchange-info",
        SAMPLE,
        "--symbol",
        "btc",
        "--side",
        "BUY",
        "--type",
        "MARKET",
    ]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An operator's typo, `--price -5`, is refused in words naming the field,
/// not as an unknown flag of the argument parser.
#[test]
fn negative_numbers_are_refused_naming_the_field() {
    let limit = ["--type", "LIMIT", "--time-in-force", "GTC"];
    let cases: [(&[&str], &str); 5] = [
        (
            &["--quantity", "0.01", "--price", "-5"],
            "price must be positive (got -5)",
        ),
        (
            &["--quantity", "-0.01", "--price", "5"],
            "quantity must be positive (got -0.01)",
        ),
        (
            &["--quantity", "0.01", "--price", "5", "--open-orders", "-1"],
            "open orders must not be negative (got -1)",
        ),
        (
            &[
                "--quantity",
                "0.01",
                "--price",
                "5",
                "--base-position",
                "-2",
            ],
            "base position must not be negative (got -2)",
        ),
        (
            &["--quantity", "0.01", "--price", "25000.123456789"],
            "price 25000.123456789 has more than 8 decimal places",
        ),
    ];
    for (extra, want) in cases {
        let mut args = limit.to_vec();
        args.extend_from_slice(extra);
        let o = check(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(want), "{extra:?}: {err}");
        assert!(!err.contains("unexpected argument"), "{extra:?}: {err}");
    }
}
