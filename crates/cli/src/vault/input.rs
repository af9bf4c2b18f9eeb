//! Passphrases, standard input, time and key formats for the vault CLI.

use std::io::{IsTerminal, Read};

use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use supreme_vault::{
    KdfParams, NEW_PASSPHRASE_ENV, PASSPHRASE_ENV, PASSPHRASE_FILE_ENV, passphrase_from_env,
    strip_one_newline,
};
use zeroize::Zeroizing;

use super::Failure;

/// DANGER, tests only: `init` uses Argon2's minimum cost instead of the
/// calibrated one, so a test suite can create many vaults quickly.
pub(crate) const INSECURE_TEST_KDF_ENV: &str = "SUPREME_VAULT_INSECURE_TEST_KDF";

/// The KDF parameters for a new vault (or a new passphrase).
pub(crate) fn kdf_for_new_vault() -> KdfParams {
    if std::env::var_os(INSECURE_TEST_KDF_ENV).is_some_and(|v| v == "1") {
        eprintln!("warning: {INSECURE_TEST_KDF_ENV}=1: weak key derivation, for tests only");
        KdfParams::dangerous_insecure_for_tests()
    } else {
        KdfParams::default()
    }
}

fn prompt(label: &str, confirm: bool) -> Result<SecretString, Failure> {
    if !std::io::stderr().is_terminal() {
        return Err(Failure::Usage(format!(
            "no passphrase: set {PASSPHRASE_ENV} or {PASSPHRASE_FILE_ENV}, or run on a terminal"
        )));
    }
    let read = |l: &str| {
        rpassword::prompt_password(l)
            .map(Zeroizing::new)
            .map_err(|e| {
                Failure::Usage(format!("cannot read the passphrase from the terminal: {e}"))
            })
    };
    let first = read(label)?;
    if first.is_empty() {
        return Err(Failure::Usage("empty passphrase".into()));
    }
    if confirm && *read("Repeat: ")? != *first {
        return Err(Failure::Usage("the passphrases differ".into()));
    }
    Ok(SecretString::from(first.as_str()))
}

/// The current passphrase: environment, file, or prompt.
pub(crate) fn passphrase(confirm: bool) -> Result<SecretString, Failure> {
    match passphrase_from_env(PASSPHRASE_ENV, Some(PASSPHRASE_FILE_ENV))? {
        Some(p) => Ok(p),
        None => prompt("Vault passphrase: ", confirm),
    }
}

/// The new passphrase for `passwd`: environment or prompt (twice).
pub(crate) fn new_passphrase() -> Result<SecretString, Failure> {
    match passphrase_from_env(NEW_PASSPHRASE_ENV, None)? {
        Some(p) => Ok(p),
        None => prompt("New vault passphrase: ", true),
    }
}

/// All of standard input (at most `max` bytes), one trailing newline removed.
pub(crate) fn stdin_bytes(max: usize) -> Result<Zeroizing<Vec<u8>>, Failure> {
    // Reserved up front so a typical secret is read without reallocation
    // (a reallocation would leave an unzeroized copy in freed memory).
    let mut buf = Zeroizing::new(Vec::with_capacity(max.min(64 * 1024)));
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    std::io::stdin()
        .lock()
        .take(limit)
        .read_to_end(&mut buf)
        .map_err(|e| Failure::Usage(format!("cannot read standard input: {e}")))?;
    if buf.len() > max {
        return Err(Failure::Usage(format!("standard input over {max} bytes")));
    }
    let keep = strip_one_newline(&buf).len();
    buf.truncate(keep);
    Ok(buf)
}

/// Standard input as a UTF-8 secret, one trailing newline removed.
pub(crate) fn stdin_secret() -> Result<SecretString, Failure> {
    let bytes = stdin_bytes(1024 * 1024)?;
    let s = std::str::from_utf8(&bytes)
        .map_err(|_| Failure::Usage("the secret is not UTF-8".into()))?;
    if s.is_empty() {
        return Err(Failure::Usage("empty secret on standard input".into()));
    }
    Ok(SecretString::from(s))
}

/// An Ed25519 key from PEM (`-----BEGIN PRIVATE KEY-----`) or raw DER.
pub(crate) fn pkcs8_from(input: &[u8]) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let Ok(text) = std::str::from_utf8(input) else {
        return Ok(Zeroizing::new(input.to_vec()));
    };
    let Some(body) = text.trim().strip_prefix("-----BEGIN PRIVATE KEY-----") else {
        return Ok(Zeroizing::new(input.to_vec()));
    };
    let body = body
        .trim()
        .strip_suffix("-----END PRIVATE KEY-----")
        .ok_or_else(|| Failure::Usage("PEM without its END line".into()))?;
    let b64: Zeroizing<String> =
        Zeroizing::new(body.chars().filter(|c| !c.is_whitespace()).collect());
    base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .map(Zeroizing::new)
        .map_err(|_| Failure::Usage("PEM body is not base64".into()))
}

/// Parses an RFC 3339 time into Unix seconds.
pub(crate) fn parse_rfc3339(s: &str) -> Result<i64, Failure> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map(time::OffsetDateTime::unix_timestamp)
        .map_err(|e| Failure::Usage(format!("--expires {s:?}: not RFC 3339 ({e})")))
}

/// Formats Unix seconds as RFC 3339 (UTC).
pub(crate) fn format_rfc3339(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("@{t}"))
}

/// Writes a secret to standard output (only after `--reveal`).
pub(crate) fn print_secret(s: &SecretString) {
    println!("{}", s.expose_secret());
}
