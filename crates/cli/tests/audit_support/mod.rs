//! Running `supreme audit ...` as a real process, shared by the audit CLI tests.
#![allow(dead_code)] // each test file uses a part

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary in `dir`.
pub(crate) fn supreme(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supreme"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run supreme")
}

/// The exit code.
pub(crate) fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

/// Standard output, then standard error.
pub(crate) fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
