//! The vault in one screen: store an exchange key, sign with it, never see it.
//!
//! `cargo run --example vault_sign`

#![allow(clippy::print_stdout)]

use secrecy::SecretString;
use supreme_security::vault::{EntrySecret, KdfParams, VaultFile};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Core dumps off and the process not dumpable, before any secret is loaded.
    supreme_security::vault::harden_process()?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("keys").join("bot.vault");
    let passphrase = SecretString::from("correct horse battery staple");

    // Argon2id with the calibrated parameters (about 0.4 s): the file is 0600
    // in a 0700 directory, written atomically.
    let mut file = VaultFile::create(&path, &passphrase, KdfParams::default())?;
    file.vault_mut().put(
        "binance",
        &EntrySecret::Hmac {
            key_id: "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A".into(),
            // Binance's documented example secret (public; never commit a real one).
            secret: SecretString::from(
                "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
            ),
        },
        None,
    )?;
    file.save()?;
    println!("vault written: {}", path.display());

    // Reopen: every byte is authenticated, permissions are checked.
    let file = VaultFile::open(&path, &passphrase)?;
    for entry in file.vault().list() {
        println!("entry: {entry:?}");
    }
    let signer = file.vault().signer("binance")?;
    println!("signer: {signer:?}"); // the key is redacted
    let payload = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    let signature = signer.sign(payload.as_bytes())?;
    println!("payload:   {payload}");
    println!("signature: {signature}");
    assert_eq!(
        signature.as_str(),
        "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    );
    println!("matches Binance's documented signature; the secret never left the vault");

    let wrong = VaultFile::open(&path, &SecretString::from("wrong"));
    println!(
        "wrong passphrase: {}",
        wrong.err().map(|e| e.to_string()).unwrap_or_default()
    );
    Ok(())
}
