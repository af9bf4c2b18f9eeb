//! The vault passphrase of an unattended bot, from a credential file.

use std::path::PathBuf;

use secrecy::SecretString;

use crate::env::{CREDENTIALS_DIRECTORY, Environment, VAULT_PASSPHRASE_FILE};
use crate::{Error, config::Vault};

/// Reads the vault passphrase from the file `SUPREME_VAULT_PASSPHRASE_FILE`
/// names or, failing that, from `$CREDENTIALS_DIRECTORY/<credential>`
/// (systemd's `LoadCredential=`), refusing a file that is not ours, is
/// open to group or others, is a symlink, or sits in a directory another
/// user could write in. One trailing newline is dropped. The passphrase is
/// never in `supreme.toml`.
///
/// A systemd unit that hands the bot its passphrase:
///
/// ```ini
/// [Service]
/// User=supreme
/// ExecStart=/usr/local/bin/my-bot --config /etc/supreme/supreme.toml
/// # systemd copies the file to $CREDENTIALS_DIRECTORY/supreme-vault-passphrase,
/// # readable only by the service, on a non-swappable mount; it is gone when it stops.
/// LoadCredential=supreme-vault-passphrase:/etc/supreme/credentials/vault-passphrase
/// # or, encrypted to this host's TPM or key: systemd-creds encrypt ... then
/// # LoadCredentialEncrypted=supreme-vault-passphrase:/etc/supreme/vault-passphrase.cred
/// ```
///
/// ```
/// use std::os::unix::fs::PermissionsExt;
/// use secrecy::ExposeSecret;
/// use supreme_guard::{Environment, vault_passphrase, config::Vault};
///
/// let dir = tempfile::tempdir()?;
/// std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
/// let file = dir.path().join("supreme-vault-passphrase");
/// std::fs::write(&file, "correct horse\n")?;
/// std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
/// let vault = Vault { path: "vault.svlt".into(), entry: "main".into(), credential: "supreme-vault-passphrase".into() };
/// let env = Environment::empty().with("CREDENTIALS_DIRECTORY", dir.path());
/// assert_eq!(vault_passphrase(&vault, &env)?.expose_secret(), "correct horse");
///
/// std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644))?;
/// assert!(vault_passphrase(&vault, &env).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::Passphrase`]: neither variable set, or the file refused or
/// unreadable, empty or not UTF-8.
pub fn vault_passphrase(vault: &Vault, env: &Environment) -> Result<SecretString, Error> {
    let (path, from) = if let Some(p) = env.get(VAULT_PASSPHRASE_FILE) {
        (PathBuf::from(p), VAULT_PASSPHRASE_FILE)
    } else if let Some(dir) = env.get(CREDENTIALS_DIRECTORY) {
        (
            PathBuf::from(dir).join(&vault.credential),
            CREDENTIALS_DIRECTORY,
        )
    } else {
        return Err(Error::Passphrase {
            message: format!("neither {VAULT_PASSPHRASE_FILE} nor {CREDENTIALS_DIRECTORY} is set"),
            fix: format!(
                "set {VAULT_PASSPHRASE_FILE} to a 0600 file of yours, or run under systemd with LoadCredential={}:<file>",
                vault.credential
            ),
        });
    };
    supreme_vault::read_passphrase_file(&path).map_err(|e| Error::Passphrase {
        message: format!("{} (from {from}): {e}", path.display()),
        fix: format!(
            "chmod 600 {} and make it yours, in a directory only you can write",
            path.display()
        ),
    })
}
