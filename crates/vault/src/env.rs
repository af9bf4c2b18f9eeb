//! Secrets from the environment: `NAME_ENCRYPTED=sv1:...` opens through the
//! vault; a plain `NAME=secret` is read only with an explicit opt-in.

use secrecy::SecretString;

use crate::error::Error;
use crate::vault::Vault;

/// Whether a plain (unsealed) secret in the environment is acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PlainEnv {
    /// Refuse a plain secret (the default).
    #[default]
    Refuse,
    /// Accept it: an explicit, visible opt-in.
    Allow,
}

/// Reads secret `name` from the process environment: `{name}_ENCRYPTED`
/// (opened with `vault`, label `name`) first, then `{name}` if `plain` allows.
///
/// # Errors
/// [`Error::Env`] when missing, or plain without opt-in; those of
/// [`Vault::open_text`].
pub fn read_env_secret(
    vault: Option<&Vault>,
    name: &str,
    plain: PlainEnv,
) -> Result<SecretString, Error> {
    read_secret_with(|k| std::env::var(k).ok(), vault, name, plain)
}

/// As [`read_env_secret`] with an injected lookup (for tests and for
/// sources other than the process environment).
///
/// # Errors
/// As [`read_env_secret`].
pub fn read_secret_with(
    lookup: impl Fn(&str) -> Option<String>,
    vault: Option<&Vault>,
    name: &str,
    plain: PlainEnv,
) -> Result<SecretString, Error> {
    let sealed_var = format!("{name}_ENCRYPTED");
    if let Some(value) = lookup(&sealed_var).map(zeroize::Zeroizing::new) {
        let vault =
            vault.ok_or_else(|| Error::Env(format!("{sealed_var} is set but no vault is open")))?;
        return vault.open_text(name, &value);
    }
    match (lookup(name), plain) {
        (Some(v), PlainEnv::Allow) => Ok(SecretString::from(v)),
        (Some(_), PlainEnv::Refuse) => Err(Error::Env(format!(
            "{name} holds a plain secret; seal it into {sealed_var} (supreme vault seal) or opt in to plain secrets"
        ))),
        (None, _) => Err(Error::Env(format!(
            "neither {sealed_var} nor {name} is set"
        ))),
    }
}
