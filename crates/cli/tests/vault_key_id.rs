//! `vault put --key-id-file`: the API key id stays off the command line,
//! which every user on the host can read (`ps`, `/proc/PID/cmdline`).

mod vault_support;

use std::io::Write;
use std::process::{Command, Stdio};

use vault_support::*;

#[test]
fn key_id_from_stdin_never_reaches_the_process_list() {
    let e = Env::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_supreme"))
        .args(["vault", "put", e.p(), "binance", "--kind", "hmac"])
        .args(["--key-id-file", "-"])
        .env("SUPREME_VAULT_PASSPHRASE", PASS)
        .env("SUPREME_VAULT_INSECURE_TEST_KDF", "1")
        .env("SUPREME_VAULT_STATE_DIR", STATE_DIR)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // What another user sees while it runs.
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", child.id())).expect("cmdline");
    assert!(!String::from_utf8_lossy(&cmdline).contains(KEY_ID));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{KEY_ID}\n{SECRET}\n").as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_ok(&out);
    let out = e.run(&["get", "binance", "--reveal"], &[], "");
    assert_eq!(stdout(&out), format!("{KEY_ID}\n{SECRET}\n"));
    let out = e.run(&["sign", "binance"], &[], PAYLOAD);
    assert_eq!(stdout(&out).trim_end(), SIGNATURE);
}

#[test]
fn key_id_from_a_file() {
    let e = Env::new();
    let file = e.dir.path().join("key-id.txt");
    std::fs::write(&file, format!("{KEY_ID}\n")).expect("write");
    let f = file.to_str().expect("utf-8");
    let args = ["put", "binance", "--kind", "hmac", "--key-id-file", f];
    assert_ok(&e.run(&args, &[], &format!("{SECRET}\n")));
    let out = e.run(&["get", "binance", "--reveal"], &[], "");
    assert_eq!(stdout(&out), format!("{KEY_ID}\n{SECRET}\n"));
    // Two lines in the file: refused, nothing stored.
    std::fs::write(&file, format!("{KEY_ID}\nmore\n")).expect("write");
    let args = ["put", "two", "--kind", "hmac", "--key-id-file", f];
    assert_eq!(code(&e.run(&args, &[], &format!("{SECRET}\n"))), 2);
}

#[test]
fn key_id_input_errors_are_usage_errors() {
    let e = Env::new();
    let stdin_form = ["put", "x", "--kind", "hmac", "--key-id-file", "-"];
    let out = e.run(&stdin_form, &[], &format!("{SECRET}\n"));
    assert_eq!(code(&out), 2, "no newline after the id: {}", stderr(&out));
    let out = e.run(&stdin_form, &[], &format!("\n{SECRET}\n"));
    assert_eq!(code(&out), 2, "empty id");
    let both = [
        "put",
        "x",
        "--kind",
        "hmac",
        "--key-id",
        KEY_ID,
        "--key-id-file",
        "-",
    ];
    assert_eq!(code(&e.run(&both, &[], &format!("{SECRET}\n"))), 2);
    let neither = ["put", "x", "--kind", "hmac"];
    let out = e.run(&neither, &[], &format!("{SECRET}\n"));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--key-id-file"), "{}", stderr(&out));
    let out = run_raw(&["vault", "put", "--help"], &[], b"");
    assert!(
        stdout(&out).contains("prefer --key-id-file"),
        "{}",
        stdout(&out)
    );
    assert!(
        e.run(&["list"], &[], "").stdout.is_empty(),
        "nothing stored"
    );
}
