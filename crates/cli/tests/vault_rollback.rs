//! An older copy of the vault put back in place (a backup, a sync
//! conflict, someone undoing a rotation), and a vault whose key derivation
//! is too cheap: real files, the real CLI.

mod vault_support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use vault_support::*;

fn state_dir(e: &Env) -> PathBuf {
    e.dir.path().join("state/supreme")
}

/// `supreme vault [PRE...] CMD VAULT ARGS...` with this test's rollback memory.
fn with_state(e: &Env, pre: &[&str], args: &[&str], stdin: &str) -> Output {
    let state = state_dir(e);
    let (cmd, rest) = args.split_first().expect("a subcommand");
    let mut full = vec!["vault"];
    full.extend_from_slice(pre);
    full.extend_from_slice(&[cmd, e.p()]);
    full.extend_from_slice(rest);
    let state = state.to_str().expect("utf-8");
    run_raw(
        &full,
        &[("SUPREME_VAULT_STATE_DIR", state)],
        stdin.as_bytes(),
    )
}

fn put_text(e: &Env, name: &str) -> Output {
    with_state(e, &[], &["put", name], "some text\n")
}

#[test]
fn restored_older_copy_is_refused_unless_accepted() {
    let e = Env::new();
    assert_ok(&put_text(&e, "a")); // generation 2
    let aside = e.dir.path().join("aside.vault");
    fs::copy(&e.path, &aside).expect("copy aside");
    assert_ok(&put_text(&e, "b")); // generation 3, through the CLI
    fs::copy(&aside, &e.path).expect("restore the old copy");

    for cmd in [&["list"][..], &["verify"], &["get", "a", "--reveal"]] {
        let out = with_state(&e, &[], cmd, "");
        assert_eq!(code(&out), 1, "{cmd:?}: {}", stderr(&out));
        let msg = stderr(&out);
        assert!(
            msg.contains("generation 2 is older than 3") && msg.contains("--accept-rollback"),
            "{msg}"
        );
        assert!(
            stdout(&out).is_empty(),
            "nothing from the old copy: {}",
            stdout(&out)
        );
    }
    let out = with_state(&e, &[], &["put", "c"], "x\n");
    assert_eq!(code(&out), 1, "no write on top of the old copy either");

    // The operator restored it on purpose.
    let out = with_state(&e, &["--accept-rollback"], &["list"], "");
    assert_ok(&out);
    assert!(
        stderr(&out).contains("accepted a rollback"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "a\ttext\tv1\texpires never\n");
    // From then on it is the newest remembered; the flag also goes after.
    assert_ok(&with_state(&e, &[], &["list"], ""));
    assert_ok(&with_state(&e, &[], &["verify", "--accept-rollback"], ""));
}

#[test]
fn rollback_memory_is_a_private_directory() {
    let e = Env::new();
    assert_ok(&put_text(&e, "a"));
    let dir = state_dir(&e);
    let mode = |p: &Path| fs::metadata(p).expect("meta").permissions().mode() & 0o7777;
    assert_eq!(mode(&dir), 0o700);
    let records: Vec<_> = fs::read_dir(&dir)
        .expect("read_dir")
        .flatten()
        .filter(|f| !f.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert_eq!(records.len(), 1, "one record per vault");
    assert_eq!(mode(&records[0].path()), 0o600);
    assert_eq!(
        fs::read_to_string(records[0].path()).expect("record"),
        "2\n"
    );
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = with_state(&e, &[], &["list"], "");
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains(&format!("chmod 700 {}", dir.display())),
        "{}",
        stderr(&out)
    );
}

#[test]
fn weak_kdf_warns_and_verify_refuses_without_the_test_variable() {
    let e = Env::new(); // made with the weak test KDF
    let weak_ok = [("SUPREME_VAULT_INSECURE_TEST_KDF", "")];
    let out = e.run(&["list"], &weak_ok, "");
    assert_ok(&out);
    assert!(
        stderr(&out).contains("warning:") && stderr(&out).contains("weak key derivation"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("8 KiB x 1 passes"),
        "{}",
        stderr(&out)
    );
    let out = e.run(&["verify"], &weak_ok, "");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refused: weak key derivation"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("supreme vault passwd"));
    // With the test-only variable: silent, and verify passes.
    let out = e.run(&["verify"], &[], "");
    assert_ok(&out);
    assert!(
        !stderr(&out).contains("weak key derivation"),
        "{}",
        stderr(&out)
    );
}
