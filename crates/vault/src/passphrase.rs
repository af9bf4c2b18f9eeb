//! Where a passphrase comes from: the environment, a permission-checked
//! file, or (in the CLI) a no-echo prompt.

use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::error::Error;
use supreme_core::files::read_private;

/// The variable holding the passphrase itself.
pub const PASSPHRASE_ENV: &str = "SUPREME_VAULT_PASSPHRASE";
/// The variable naming a file (0600, ours) that holds the passphrase.
pub const PASSPHRASE_FILE_ENV: &str = "SUPREME_VAULT_PASSPHRASE_FILE";
/// The variable holding a new passphrase for `passwd`.
pub const NEW_PASSPHRASE_ENV: &str = "SUPREME_VAULT_NEW_PASSPHRASE";

/// Removes one trailing `\n` (or `\r\n`): what `echo` appends is not data.
#[must_use]
pub fn strip_one_newline(bytes: &[u8]) -> &[u8] {
    let b = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if b.len() < bytes.len() {
        b.strip_suffix(b"\r").unwrap_or(b)
    } else {
        b
    }
}

/// Reads a passphrase file after the same checks as a vault file.
///
/// # Errors
/// [`Error::UnsafeFile`], [`Error::Io`], [`Error::Env`] if
/// it is empty or not UTF-8.
pub fn read_passphrase_file(path: &std::path::Path) -> Result<SecretString, Error> {
    let bytes = read_private(path, 64 * 1024)?;
    secret_from_bytes(strip_one_newline(&bytes))
}

fn secret_from_bytes(bytes: &[u8]) -> Result<SecretString, Error> {
    let s = Zeroizing::new(
        std::str::from_utf8(bytes)
            .map_err(|_| Error::Env("passphrase is not UTF-8".into()))?
            .to_owned(),
    );
    if s.is_empty() {
        return Err(Error::Env("empty passphrase".into()));
    }
    Ok(SecretString::from(s.as_str()))
}

/// The passphrase from `var` or, failing that, from the file named by
/// `file_var`. `Ok(None)` when neither is set.
///
/// # Errors
/// As [`read_passphrase_file`], or an empty value.
pub fn passphrase_from_env(
    var: &str,
    file_var: Option<&str>,
) -> Result<Option<SecretString>, Error> {
    if let Some(v) = std::env::var_os(var) {
        let v = Zeroizing::new(v.into_encoded_bytes());
        return secret_from_bytes(&v).map(Some);
    }
    match file_var.and_then(std::env::var_os) {
        Some(path) => read_passphrase_file(std::path::Path::new(&path)).map(Some),
        None => Ok(None),
    }
}
