//! What the CLI prints, attacked: forged rows through control characters,
//! secrets on argv, and a reader that closes the pipe early.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn supreme(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supreme"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn append(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["audit", "append", "a.log", "--event-type", "ORDER_SENT"];
    args.extend_from_slice(extra);
    let o = supreme(dir, &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    o
}

#[test]
fn newline_in_actor_does_not_forge_a_show_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let forged = "bot\n       7  2026-12-01T00:00:00.000Z  CRITICAL  KILL_SWITCH_RESET  \
                  admin           {\"approved\":true}\r\u{1b}[2K";
    append(
        d,
        &["--actor", forged, "--details", r#"{"symbol":"BTCUSDT"}"#],
    );
    let o = supreme(d, &["audit", "show", "a.log"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let rows: Vec<&str> = out.lines().collect();
    // The log holds the event and the checkpoint the append sealed it with.
    let records = stdout(&supreme(d, &["audit", "show", "a.log", "--json"]))
        .lines()
        .count();
    assert_eq!(records, 2);
    assert_eq!(rows.len(), 1 + records, "a forged row: {out}");
    assert!(
        !rows
            .iter()
            .any(|r| r.contains("KILL_SWITCH_RESET") && !r.contains("bot\\n"))
    );
    assert!(!out.contains('\r') && !out.contains('\u{1b}'), "{out:?}");
    assert!(
        rows[1].contains("bot\\n") && rows[1].contains("\\u001b"),
        "{out}"
    );
}

#[test]
fn control_characters_in_an_error_message_do_not_forge_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let o = supreme(
        dir.path(),
        &["audit", "show", "no\nerror: all clear\u{1b}[1A.log"],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no\\nerror: all clear\\u001b"), "{err}");
}

#[test]
fn secret_details_come_from_stdin_or_a_file_not_argv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_supreme"))
        .current_dir(d)
        .args(["audit", "append", "a.log", "--event-type", "ORDER_SENT"])
        .args(["--details-file", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"symbol":"ETHUSDT","api_secret":"stdin-hunter2"}"#)
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::write(
        d.join("details.json"),
        r#"{"listenKey":"file-hunter3","n":1}"#,
    )
    .unwrap();
    append(d, &["--details-file", "details.json"]);
    let log = std::fs::read_to_string(d.join("a.log")).unwrap();
    assert!(log.contains("ETHUSDT") && log.contains("\"n\":1"), "{log}");
    assert!(!log.contains("hunter"), "{log}");
    // Both forms at once is a usage error.
    let o = supreme(
        d,
        &[
            "audit",
            "append",
            "a.log",
            "--event-type",
            "ORDER_SENT",
            "--details",
            "{}",
            "--details-file",
            "details.json",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
}

/// Writes a log long enough that `show` fills any pipe buffer.
fn long_log(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("long.log");
    let key = supreme_audit::SigningKey::generate("test").unwrap().0;
    let log = supreme_audit::AuditLog::open(&path, supreme_audit::Options::new(key)).unwrap();
    for i in 0..3_000u32 {
        let e = supreme_audit::Event::new(supreme_audit::EventType::OrderSent)
            .detail("i", i)
            .detail("symbol", "BTCUSDT");
        log.append(e).unwrap();
    }
    log.close().unwrap();
    path
}

/// Runs `supreme args`, reads one line of its output and closes the pipe.
fn read_one_line_then_close(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_supreme"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped here: the pipe's read end is closed.
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (child.wait().unwrap().code(), err)
}

#[test]
fn closed_stdout_pipe_ends_quietly_with_the_normal_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    long_log(d);
    for args in [
        &["audit", "show", "long.log"][..],
        &["audit", "show", "long.log", "--json"][..],
    ] {
        let (code, err) = read_one_line_then_close(d, args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{err}"
        );
    }
    // Commands whose output is short: the pipe is closed before they write.
    for args in [
        &["audit", "verify", "long.log"][..],
        &["kill-switch", "status", "--state", "nowhere"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_supreme"))
            .current_dir(d)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_ne!(o.status.code(), Some(101), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
}
