//! The state key kept in the vault: a state written under it still loads
//! after `rotate` and `passwd`, and an edit is still refused.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::*;
use supreme_risk_limits::*;
use supreme_vault::secrecy::SecretString;
use supreme_vault::{KdfParams, VaultFile};

#[test]
fn state_keyed_in_the_vault_loads_after_rotate_and_passwd() {
    let dir = tempfile::tempdir().unwrap();
    let vault_path = dir.path().join("vault").join("bot.vault");
    let state_path = dir.path().join("risk.state");
    let pass = SecretString::from("the first passphrase");
    let kdf = KdfParams::dangerous().insecure_for_tests();
    let mut vault = VaultFile::create(&vault_path, &pass, kdf).unwrap();

    let book = unstarted(config(LimitSet::default()), Arc::new(FakeClock::new(T0)));
    book.start_fresh().unwrap();
    book.persist_to(StateFile::new(
        &state_path,
        vault.state_key("risk").unwrap(),
    ))
    .unwrap();
    book.set_state(Scope::Symbol(eth()), TradingState::ReduceOnly)
        .unwrap();
    drop(book);

    let mut vault = VaultFile::open(&vault_path, &pass).unwrap();
    vault.vault_mut().rotate().unwrap();
    vault.save().unwrap();
    let new_pass = SecretString::from("the second passphrase");
    let mut vault = VaultFile::open(&vault_path, &pass).unwrap();
    vault.vault_mut().passwd(&new_pass, kdf).unwrap();
    vault.save().unwrap();

    let mut vault = VaultFile::open(&vault_path, &new_pass).unwrap();
    let file = StateFile::new(&state_path, vault.state_key("risk").unwrap());
    let state = file.load().unwrap();
    let eth_state = state.record(&Scope::Symbol(eth())).unwrap().operator_state;
    assert_eq!(eth_state, TradingState::ReduceOnly);

    // A fresh vault (another key) does not authenticate it.
    let other = dir.path().join("other").join("bot.vault");
    let mut other = VaultFile::create(&other, &pass, kdf).unwrap();
    let foreign = StateFile::new(&state_path, other.state_key("risk").unwrap());
    assert!(matches!(foreign.load(), Err(Error::StateCorrupt { .. })));
}
