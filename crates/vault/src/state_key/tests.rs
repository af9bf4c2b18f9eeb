#![allow(clippy::unwrap_used)]

use secrecy::SecretString;

use super::*;
use crate::KdfParams;
use crate::test_support::pass;

fn kdf() -> KdfParams {
    KdfParams::dangerous().insecure_for_tests()
}

fn tag(key: &StateKey) -> [u8; 32] {
    key.tag("supreme-risk-state 2", b"{\"day\":1}")
}

#[test]
fn state_key_survives_rotate_and_passwd_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bot.vault");
    let mut vf = VaultFile::create(&path, &pass(), kdf()).unwrap();
    let first = tag(&vf.state_key("risk").unwrap());

    let mut vf = VaultFile::open(&path, &pass()).unwrap();
    vf.vault_mut().rotate().unwrap();
    vf.save().unwrap();
    let new_pass = SecretString::from("another long passphrase");
    let mut vf = VaultFile::open(&path, &pass()).unwrap();
    vf.vault_mut().passwd(&new_pass, kdf()).unwrap();
    vf.save().unwrap();

    let mut vf = VaultFile::open(&path, &new_pass).unwrap();
    let generation = vf.vault().generation();
    assert_eq!(tag(&vf.state_key("risk").unwrap()), first);
    assert_eq!(
        vf.vault().generation(),
        generation,
        "found, not created again"
    );
}

#[test]
fn each_purpose_has_its_own_key() {
    let mut vault = Vault::create(&pass(), kdf()).unwrap();
    let risk = tag(&vault.state_key("risk").unwrap());
    let other = tag(&vault.state_key("fleet").unwrap());
    assert_ne!(risk, other);
    assert!(matches!(
        vault.existing_state_key("none"),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn an_entry_that_is_not_a_state_key_is_refused() {
    let mut vault = Vault::create(&pass(), kdf()).unwrap();
    let text = EntrySecret::Text(SecretString::from("not hex"));
    vault.put("state-key.risk", &text, None).unwrap();
    assert!(matches!(
        vault.state_key("risk"),
        Err(Error::RejectedSecret(_))
    ));
}

#[test]
fn a_purpose_that_is_not_an_entry_name_is_refused() {
    let mut vault = Vault::create(&pass(), kdf()).unwrap();
    assert!(matches!(
        vault.state_key("has space"),
        Err(Error::InvalidName(_))
    ));
}
