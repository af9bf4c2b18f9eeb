//! `[vault]`: where the encrypted credentials are, never a secret.

use std::path::PathBuf;

use serde::Deserialize;

use crate::Check;
use crate::located::{Located, SecretKey, refuse_secret};

/// The credential name looked up in `$CREDENTIALS_DIRECTORY` by default.
pub const DEFAULT_CREDENTIAL: &str = "supreme-vault-passphrase";

/// `[vault]`.
///
/// ```toml
/// [vault]
/// path = "vault.svlt"              # SUPREME_VAULT_PATH overrides
/// entry = "binance-main"           # the entry holding the API key
/// credential = "supreme-vault-passphrase"  # name under $CREDENTIALS_DIRECTORY
/// ```
///
/// A `passphrase`, `password`, `secret`, `api_key` or `api_secret` key is
/// refused: see [`crate::vault_passphrase`] for where the passphrase comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultSection {
    /// The vault file.
    pub path: Located<PathBuf>,
    /// The entry holding the exchange's API key.
    pub entry: Located<String>,
    /// The systemd credential name holding the passphrase.
    #[serde(default)]
    pub credential: Option<Located<String>>,
    #[serde(default)]
    passphrase: SecretKey,
    #[serde(default)]
    password: SecretKey,
    #[serde(default)]
    secret: SecretKey,
    #[serde(default)]
    api_key: SecretKey,
    #[serde(default)]
    api_secret: SecretKey,
}

/// The vault settings, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vault {
    /// The vault file (resolved against the config file's directory).
    pub path: PathBuf,
    /// The entry name.
    pub entry: String,
    /// The credential name under `$CREDENTIALS_DIRECTORY`.
    pub credential: String,
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        && !s.starts_with('.')
}

impl VaultSection {
    /// Validates the section and the vault's directory.
    pub fn to_vault(&self, check: &mut Check<'_>) -> Option<Vault> {
        for (key, v) in [
            ("passphrase", &self.passphrase),
            ("password", &self.password),
            ("secret", &self.secret),
            ("api_key", &self.api_key),
            ("api_secret", &self.api_secret),
        ] {
            if let Some(v) = v {
                refuse_secret(check, key, &v.at);
            }
        }
        let mut ok = true;
        if !valid_name(&self.entry.value) {
            check.invalid(
                &self.entry.at,
                format!("entry {:?} is not an entry name", self.entry.value),
                "use letters, digits, '-', '_' or '.'",
            );
            ok = false;
        }
        let credential = match &self.credential {
            Some(c) if !valid_name(&c.value) => {
                check.invalid(
                    &c.at,
                    format!("credential {:?} is not a file name", c.value),
                    "use letters, digits, '-', '_' or '.' (no '/')",
                );
                ok = false;
                String::new()
            }
            Some(c) => c.value.clone(),
            None => DEFAULT_CREDENTIAL.to_owned(),
        };
        let path = check.path("vault", &self.path);
        ok.then(|| Vault {
            path,
            entry: self.entry.value.clone(),
            credential,
        })
    }
}
