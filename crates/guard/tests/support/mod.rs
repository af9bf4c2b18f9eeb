//! Fixtures copied into a private directory (0700) made at test time, so
//! their relative paths resolve somewhere no other user can write.

#![allow(dead_code, clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use supreme_guard::{Config, Environment, Errors};

/// The fixtures directory.
pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `text` written as `supreme.toml` in a fresh private directory.
pub(crate) fn private_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let path = dir.path().join("supreme.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// The fixture `rel` (under fixtures/) copied into a fresh private directory.
pub(crate) fn private_copy(rel: &str) -> (tempfile::TempDir, PathBuf) {
    private_file(&std::fs::read_to_string(fixtures().join(rel)).unwrap())
}

/// Loads `text` from a private directory with `env`.
pub(crate) fn load(text: &str, env: &Environment) -> Result<Config, Errors> {
    let (_dir, path) = private_file(text);
    Config::load_with(&path, env)
}

/// The full valid fixture, loaded.
pub(crate) fn full() -> Config {
    let (_dir, path) = private_copy("valid/full.toml");
    Config::load_with(&path, &Environment::empty()).unwrap()
}

/// The full fixture's text with `old` replaced by `new` (which must be there).
pub(crate) fn full_with(old: &str, new: &str) -> String {
    let text = std::fs::read_to_string(fixtures().join("valid/full.toml")).unwrap();
    assert!(text.contains(old), "{old:?} not in full.toml");
    text.replacen(old, new, 1)
}

pub(crate) mod sim;
