//! Running `supreme vault ...` as a real process, shared by the vault CLI tests.
#![allow(dead_code)] // each test file uses a part

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The rollback memory every test run shares (vault ids are random);
/// tests about it pass their own `SUPREME_VAULT_STATE_DIR`.
pub(crate) const STATE_DIR: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/vault-cli-state");
pub(crate) const SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
pub(crate) const KEY_ID: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
pub(crate) const PAYLOAD: &str = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
pub(crate) const SIGNATURE: &str =
    "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";
pub(crate) const PASS: &str = "cli test passphrase";

/// A fresh vault made by `supreme vault init` in a temporary directory.
pub(crate) struct Env {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) path: PathBuf,
}

impl Env {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bot.vault");
        let env = Self { dir, path };
        let out = env.run(&["init"], &[], "");
        assert_ok(&out);
        env
    }

    pub(crate) fn p(&self) -> &str {
        self.path.to_str().expect("utf-8 path")
    }

    /// `supreme vault CMD PATH ARGS...` with PASS unless `env` overrides.
    pub(crate) fn run(&self, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
        let (cmd, rest) = args.split_first().expect("a subcommand");
        let mut full = vec!["vault", cmd, self.p()];
        full.extend_from_slice(rest);
        run_raw(&full, env, stdin.as_bytes())
    }

    pub(crate) fn put_hmac(&self, name: &str, extra: &[&str]) -> Output {
        let mut args = vec!["put", name, "--kind", "hmac", "--key-id", KEY_ID];
        args.extend_from_slice(extra);
        self.run(&args, &[], &format!("{SECRET}\n"))
    }
}

pub(crate) fn run_raw(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_supreme"));
    c.args(args)
        .env_remove("SUPREME_VAULT_PASSPHRASE_FILE")
        .env("SUPREME_VAULT_STATE_DIR", STATE_DIR)
        .env("SUPREME_VAULT_PASSPHRASE", PASS)
        .env("SUPREME_VAULT_INSECURE_TEST_KDF", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        if v.is_empty() {
            c.env_remove(k);
        } else {
            c.env(k, v);
        }
    }
    let mut child = c.spawn().expect("spawn supreme");
    // A child that refuses before reading its input closes the pipe early.
    match child.stdin.take().expect("stdin").write_all(stdin) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.expect("write stdin"),
    }
    let out = child.wait_with_output().expect("wait");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let revealing = args.contains(&"--reveal");
    assert!(
        revealing || !all.contains(SECRET),
        "secret leaked by {args:?}: {all}"
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains(SECRET),
        "secret on stderr"
    );
    out
}

pub(crate) fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

pub(crate) fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub(crate) fn assert_ok(out: &Output) {
    assert_eq!(
        code(out),
        0,
        "stdout: {}\nstderr: {}",
        stdout(out),
        stderr(out)
    );
}
