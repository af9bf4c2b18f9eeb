//! A child started by the kill switch (a notifier command, a supervised
//! strategy) never sees the vault passphrase or the exchange keys the bot
//! holds in its environment.
//!
//! Each test re-runs this test binary with the secrets set (the bot's
//! situation: `SUPREME_VAULT_PASSPHRASE` and `BINANCE_API_SECRET` in its
//! environment), and that process starts a real `/bin/sh` through
//! [`ChildSpec`] that prints its whole environment (captured, then written
//! to a file for the outer half to read).

use std::path::PathBuf;
use std::process::Command;

use supreme_kill_switch::ChildSpec;

const OUT: &str = "KS_CHILD_ENV_TEST_OUT";
const INHERIT: &str = "KS_CHILD_ENV_TEST_INHERIT";

/// The inner half: runs only inside the re-executed binary.
#[test]
fn inner_spawn_writes_the_child_environment() {
    let Some(out) = std::env::var_os(OUT) else {
        return;
    };
    let mut spec = ChildSpec::new("/bin/sh")
        .arg("-c")
        .arg("env")
        .keep_env("KS_NAMED_BY_THE_CALLER")
        .keep_env("SUPREME_VAULT_PASSPHRASE")
        .keep_env("SUPREME_VAULT_NEW_PASSPHRASE")
        .env("SUPREME_VAULT_PASSPHRASE_EXPLICIT", "set-by-the-spec")
        .env("SUPREME_VAULT_NEW_PASSPHRASE_FILE", "set-by-the-spec-too")
        .env("KS_EXPLICIT_KEPT", "yes")
        .capture_output(1 << 20);
    if std::env::var_os(INHERIT).is_some() {
        spec = spec.inherit_env();
    }
    let outcome = spec.run().expect("run child");
    assert!(outcome.status.expect("child exited").success());
    let env = outcome.output.expect("captured").stdout;
    assert!(!env.truncated);
    std::fs::write(PathBuf::from(out), env.bytes).expect("write env");
}

/// Runs the inner half with the bot's secrets in its environment; returns
/// what the child printed.
fn child_environment(name: &str, inherit: bool) -> String {
    let dir = std::env::temp_dir().join(format!("ks-child-env-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("env.txt");
    let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
    cmd.args(["--exact", "inner_spawn_writes_the_child_environment"])
        .env(OUT, &out)
        .env("SUPREME_VAULT_PASSPHRASE", "hunter2-correct-horse")
        .env("SUPREME_VAULT_PASSPHRASE_FILE", "/run/secrets/vault")
        .env("SUPREME_VAULT_PASSPHRASE_NEW", "battery-staple")
        // The one `supreme vault passwd` reads: a vault passphrase too.
        .env("SUPREME_VAULT_NEW_PASSPHRASE", "tr0ub4dor-and-3")
        .env("BINANCE_API_KEY", "vmPUZE6mv9SD5VNHk4HlWFsOr")
        .env(
            "BINANCE_API_SECRET",
            "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
        )
        .env("KS_NAMED_BY_THE_CALLER", "named")
        .env("LANG", "C.UTF-8")
        .env("PATH", "/usr/bin:/bin");
    if inherit {
        cmd.env(INHERIT, "1");
    }
    let run = cmd.output().expect("re-run test binary");
    assert!(run.status.success(), "{run:?}");
    std::fs::read_to_string(&out).expect("child printed its environment")
}

fn names(env: &str) -> Vec<&str> {
    env.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, _)| k)
        .collect()
}

fn assert_no_vault_passphrase(env: &str) {
    for line in env.lines() {
        assert!(
            !line.starts_with("SUPREME_VAULT_PASSPHRASE")
                && !line.starts_with("SUPREME_VAULT_NEW_PASSPHRASE"),
            "child saw {line:?}"
        );
    }
    for secret in [
        "hunter2-correct-horse",
        "battery-staple",
        "set-by-the-spec",
        "tr0ub4dor-and-3",
    ] {
        assert!(!env.contains(secret), "child saw {secret}");
    }
}

#[test]
fn vault_passphrase_and_exchange_keys_do_not_reach_the_child() {
    let env = child_environment("default", false);
    assert_no_vault_passphrase(&env);
    assert!(!env.contains("BINANCE_API"), "{env}");
    assert!(!env.contains("NhqPtmdSJYdKjVHjA7PZj4Mge3R5"), "{env}");
    assert!(env.contains("PATH=/usr/bin:/bin\n"), "{env}");
    assert!(env.contains("LANG=C.UTF-8\n"), "{env}");
    assert!(env.contains("KS_NAMED_BY_THE_CALLER=named\n"), "{env}");
    assert!(env.contains("KS_EXPLICIT_KEPT=yes\n"), "{env}");
    // Nothing else: the baseline, the named, and what sh itself sets.
    let allowed = [
        "PATH",
        "HOME",
        "LANG",
        "TZ",
        "KS_NAMED_BY_THE_CALLER",
        "KS_EXPLICIT_KEPT",
        "PWD",
        "OLDPWD",
        "SHLVL",
        "_",
    ];
    for name in names(&env) {
        assert!(allowed.contains(&name), "child saw {name}: {env}");
    }
}

#[test]
fn inherited_environment_still_drops_the_vault_passphrase() {
    let env = child_environment("inherit", true);
    assert_no_vault_passphrase(&env);
    // Inheriting was asked for: the rest of the environment is there.
    assert!(
        env.contains("BINANCE_API_KEY=vmPUZE6mv9SD5VNHk4HlWFsOr\n"),
        "{env}"
    );
    assert!(env.contains("KS_EXPLICIT_KEPT=yes\n"), "{env}");
}

#[test]
fn new_vault_passphrase_of_passwd_does_not_reach_an_inheriting_child() {
    // `SUPREME_VAULT_NEW_PASSPHRASE` (what `supreme vault passwd` reads) is
    // the vault's passphrase from then on: kept, set or inherited, it stays.
    for inherit in [false, true] {
        let env = child_environment(&format!("new-pass-{inherit}"), inherit);
        assert!(!env.contains("tr0ub4dor-and-3"), "child saw it: {env}");
        assert!(!env.contains("SUPREME_VAULT_NEW_PASSPHRASE"), "{env}");
    }
}

/// `env("PATH=/planted:/usr/bin", ..)` would reach the child as `PATH`
/// (the name ends at the first `=`): a variable other than the one named,
/// and one the program search never saw. Such a name is refused.
#[test]
fn env_name_holding_an_equals_sign_is_refused_not_passed_as_another_variable() {
    for spec in [
        ChildSpec::new("/bin/sh").env("PATH=/planted:/usr/bin", "x"),
        ChildSpec::new("/bin/sh").env("API_SECRET=s3cr3t-value", ""),
        ChildSpec::new("/bin/sh").env("", "x"),
        ChildSpec::new("/bin/sh").keep_env("PATH=/planted"),
    ] {
        let spec = spec
            .arg("-c")
            .arg("env")
            .clean_env(true)
            .capture_output(1 << 16);
        match spec.run() {
            Err(e) => {
                let shown = e.to_string();
                assert!(shown.contains("environment variable name"), "{shown}");
                assert!(
                    !shown.contains("s3cr3t") && !shown.contains("planted"),
                    "{shown}"
                );
            }
            Ok(out) => panic!("ran: {:?}", out.output),
        }
    }
}
