//! A child started by the kill switch (a notifier command, a supervised
//! strategy) never sees the vault passphrase, whatever this process holds.
//!
//! The test re-runs this test binary with the passphrase variables set (the
//! bot's situation: `SUPREME_VAULT_PASSPHRASE` in its environment), and that
//! process starts a real `/bin/sh` through [`ChildSpec`] that writes its whole
//! environment to a file.

use std::path::PathBuf;
use std::process::Command;

use supreme_kill_switch::ChildSpec;

const OUT: &str = "KS_CHILD_ENV_TEST_OUT";

/// The inner half: runs only inside the re-executed binary.
#[test]
fn inner_spawn_writes_the_child_environment() {
    let Some(out) = std::env::var_os(OUT) else {
        return;
    };
    let out = PathBuf::from(out);
    let script = format!("env > '{}'", out.display());
    let status = ChildSpec::new("/bin/sh")
        .arg("-c")
        .arg(script)
        .env("SUPREME_VAULT_PASSPHRASE_EXPLICIT", "set-by-the-spec")
        .env("KS_EXPLICIT_KEPT", "yes")
        .run()
        .expect("run child")
        .status
        .expect("child exited");
    assert!(status.success());
}

#[test]
fn vault_passphrase_in_the_bot_environment_never_reaches_a_child() {
    let dir = std::env::temp_dir().join(format!("ks-child-env-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("env.txt");
    let status = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "inner_spawn_writes_the_child_environment"])
        .env(OUT, &out)
        .env("SUPREME_VAULT_PASSPHRASE", "hunter2-correct-horse")
        .env("SUPREME_VAULT_PASSPHRASE_FILE", "/run/secrets/vault")
        .env("SUPREME_VAULT_PASSPHRASE_NEW", "battery-staple")
        .env("KS_INHERITED_KEPT", "yes")
        .status()
        .expect("re-run test binary");
    assert!(status.success());
    let env = std::fs::read_to_string(&out).expect("child wrote its environment");
    assert!(env.contains("KS_INHERITED_KEPT=yes"), "{env}");
    assert!(env.contains("KS_EXPLICIT_KEPT=yes"), "{env}");
    for line in env.lines() {
        assert!(
            !line.starts_with("SUPREME_VAULT_PASSPHRASE"),
            "child saw {line:?}"
        );
    }
    for secret in ["hunter2-correct-horse", "battery-staple", "set-by-the-spec"] {
        assert!(!env.contains(secret), "child saw {secret}");
    }
}
