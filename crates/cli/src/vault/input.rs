//! Passphrases, standard input, time and key formats for the vault CLI.

use std::io::{IsTerminal, Read};
use std::path::Path;

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

/// Whether `SUPREME_VAULT_INSECURE_TEST_KDF=1` (tests only) is set.
pub(crate) fn insecure_test_kdf() -> bool {
    std::env::var_os(INSECURE_TEST_KDF_ENV).is_some_and(|v| v == "1")
}

/// The KDF parameters for a new vault (or a new passphrase).
pub(crate) fn kdf_for_new_vault() -> KdfParams {
    if insecure_test_kdf() {
        eprintln!("warning: {INSECURE_TEST_KDF_ENV}=1: weak key derivation, for tests only");
        KdfParams::dangerous().insecure_for_tests()
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
    secret_from(&stdin_bytes(1024 * 1024)?)
}

fn secret_from(bytes: &[u8]) -> Result<SecretString, Failure> {
    let s =
        std::str::from_utf8(bytes).map_err(|_| Failure::Usage("the secret is not UTF-8".into()))?;
    if s.is_empty() {
        return Err(Failure::Usage("empty secret on standard input".into()));
    }
    Ok(SecretString::from(s))
}

/// Longest API key id accepted (bytes).
const MAX_KEY_ID: usize = 1024;

fn key_id_from(bytes: &[u8], source: &str) -> Result<String, Failure> {
    let line = strip_one_newline(bytes);
    let id = std::str::from_utf8(line)
        .map_err(|_| Failure::Usage(format!("key id from {source} is not UTF-8")))?;
    if id.is_empty() || id.len() > MAX_KEY_ID {
        return Err(Failure::Usage(format!(
            "key id from {source}: 1 to {MAX_KEY_ID} bytes expected"
        )));
    }
    if id.chars().any(char::is_control) {
        return Err(Failure::Usage(format!(
            "key id from {source}: one line without control characters expected"
        )));
    }
    Ok(id.to_owned())
}

/// The key id and the secret of `put --kind hmac`: the id from `--key-id`,
/// or from `--key-id-file FILE` (one line), with the secret on standard
/// input; or, with `--key-id-file -`, both on standard input, the id on the
/// first line and the secret after it.
pub(crate) fn hmac_input(
    key_id: Option<&str>,
    key_id_file: Option<&Path>,
) -> Result<(String, SecretString), Failure> {
    match (key_id, key_id_file) {
        (Some(id), None) => Ok((key_id_from(id.as_bytes(), "--key-id")?, stdin_secret()?)),
        (None, Some(file)) if file == Path::new("-") => {
            let all = stdin_bytes(1024 * 1024 + MAX_KEY_ID + 1)?;
            let split = all.iter().position(|&b| b == b'\n').ok_or_else(|| {
                Failure::Usage(
                    "--key-id-file -: standard input needs the key id, a newline, then the secret"
                        .into(),
                )
            })?;
            let id = key_id_from(&all[..split], "standard input")?;
            Ok((id, secret_from(&all[split + 1..])?))
        }
        (None, Some(file)) => {
            let mut bytes = Vec::with_capacity(MAX_KEY_ID + 2);
            std::fs::File::open(file)
                .and_then(|f| {
                    f.take(u64::try_from(MAX_KEY_ID).unwrap_or(u64::MAX) + 2)
                        .read_to_end(&mut bytes)
                })
                .map_err(|e| Failure::Usage(format!("{}: {e}", file.display())))?;
            let id = key_id_from(&bytes, &file.display().to_string())?;
            Ok((id, stdin_secret()?))
        }
        _ => Err(Failure::Usage(
            "--kind hmac needs --key-id-file FILE|- (preferred) or --key-id".into(),
        )),
    }
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
