//! The vault passphrase comes from a credential file, never the config,
//! and only from a file that is ours and private.

#![allow(clippy::unwrap_used)]

mod support;

use std::os::unix::fs::PermissionsExt;

use secrecy::ExposeSecret;
use supreme_guard::{Environment, Error, vault_passphrase};

fn file(dir: &std::path::Path, name: &str, text: &str, mode: u32) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    p
}

#[test]
fn the_passphrase_file_variable_wins_over_systemd_credentials() {
    let config = support::full();
    let (dir, _) = support::private_file("");
    let named = file(dir.path(), "named", "from the variable\n", 0o600);
    file(
        dir.path(),
        "supreme-vault-passphrase",
        "from systemd",
        0o400,
    );
    let systemd = Environment::empty().with("CREDENTIALS_DIRECTORY", dir.path());
    assert_eq!(
        vault_passphrase(&config.vault, &systemd)
            .unwrap()
            .expose_secret(),
        "from systemd"
    );
    let both = systemd.with("SUPREME_VAULT_PASSPHRASE_FILE", &named);
    assert_eq!(
        vault_passphrase(&config.vault, &both)
            .unwrap()
            .expose_secret(),
        "from the variable"
    );
}

#[test]
fn an_open_file_or_none_is_refused_without_showing_the_secret() {
    let config = support::full();
    let (dir, _) = support::private_file("");
    let open = file(dir.path(), "open", "hunter2", 0o640);
    let env = Environment::empty().with("SUPREME_VAULT_PASSPHRASE_FILE", &open);
    let e = vault_passphrase(&config.vault, &env).unwrap_err();
    assert!(matches!(e, Error::Passphrase { .. }));
    assert!(e.to_string().contains("chmod 600"), "{e}");
    assert!(!e.to_string().contains("hunter2"));
    let e = vault_passphrase(&config.vault, &Environment::empty()).unwrap_err();
    assert!(
        e.to_string()
            .contains("LoadCredential=supreme-vault-passphrase"),
        "{e}"
    );
}
