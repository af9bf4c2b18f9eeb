//! A real incident directory for the `supreme incident` tests: an operator
//! key, a tripped latch, a risk state, an audit log with an exported anchor
//! and records after it, a config and a venue snapshot, all made by the
//! real binary (or the real risk book).
#![allow(dead_code, clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

#[path = "../audit_support/mod.rs"]
mod audit_support;
#[path = "../risk_support/mod.rs"]
mod risk_support;

pub(crate) use audit_support::{code, supreme, text};

/// The incident directory (mode 0700) and the operator's public key hex.
pub(crate) struct Scene {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) public_key: String,
}

impl Scene {
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `supreme` in the directory, asserting exit `want`.
    pub(crate) fn run(&self, want: i32, args: &[&str]) -> String {
        let o = supreme(self.path(), args);
        assert_eq!(code(&o), want, "{args:?}: {}", text(&o));
        text(&o)
    }

    /// Writes a bundle of everything to `out` (relative to the directory).
    pub(crate) fn bundle(&self, out: &str) -> PathBuf {
        self.run(
            0,
            &[
                "incident",
                "bundle",
                "--out",
                out,
                "--key",
                "op.key",
                "--reason",
                "drawdown trip",
                "--latch",
                "latch.json",
                "--risk-state",
                "risk.state",
                "--audit-log",
                "audit.log",
                "--config-file",
                "supreme.toml",
                "--venue-snapshot",
                "venue.json",
            ],
        );
        self.path().join(out)
    }
}

pub(crate) fn scene() -> Scene {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let mut s = Scene {
        dir,
        public_key: String::new(),
    };
    s.public_key = s
        .run(0, &["kill-switch", "keygen", "--out", "op.key"])
        .trim()
        .to_owned();
    s.run(
        0,
        &[
            "kill-switch",
            "trigger",
            "--state",
            "latch.json",
            "--reason",
            "drawdown",
        ],
    );
    risk_support::write_state(&s.path().join("risk.state"), 1_700_000_000_000, &[], false);
    for i in 0..3 {
        s.run(
            0,
            &[
                "audit",
                "append",
                "audit.log",
                "--event-type",
                "ORDER_SENT",
                "--details",
                &format!(r#"{{"n":{i}}}"#),
            ],
        );
    }
    s.run(
        0,
        &["audit", "checkpoint", "audit.log", "--out", "anchor.txt"],
    );
    s.run(
        0,
        &[
            "audit",
            "append",
            "audit.log",
            "--event-type",
            "KILL_SWITCH_TRIGGERED",
        ],
    );
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../guard/tests/fixtures/valid/full.toml");
    std::fs::copy(fixture, s.path().join("supreme.toml")).unwrap();
    std::fs::write(
        s.path().join("venue.json"),
        br#"{"open_orders":[],"balances":{"USDT":"100000"}}"#,
    )
    .unwrap();
    s
}

/// (name, content start, size) of each entry of a bundle (ustar).
pub(crate) fn entries(bytes: &[u8]) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 512 <= bytes.len() && bytes[at] != 0 {
        let h = &bytes[at..at + 512];
        let name_len = h[..100].iter().position(|b| *b == 0).unwrap_or(100);
        let name = String::from_utf8(h[..name_len].to_vec()).unwrap();
        let size = usize::from_str_radix(std::str::from_utf8(&h[124..135]).unwrap(), 8).unwrap();
        out.push((name, at + 512, size));
        at += 512 + size.div_ceil(512) * 512;
    }
    out
}
