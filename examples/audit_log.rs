//! The audit log in one screen: chained records, a redacted secret, a
//! signed checkpoint, and a verifier that names the tampered record.
//!
//! `cargo run --example audit_log`

#![allow(clippy::print_stdout)]

use supreme_security::audit::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Core dumps off and the process not dumpable, before any secret is loaded.
    supreme_security::vault::harden_process()?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("audit.log");
    let (key, _) = SigningKey::generate("bot-audit")?;
    let public = key.public_key();
    let log = AuditLog::open(&path, Options::new(key))?;

    let api_secret = secrecy::SecretString::from(
        "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
    );
    log.append(Event::new(EventType::VaultOpened).actor("bot"))?;
    log.append(
        Event::new(EventType::OrderSent)
            .actor("strategy-1")
            .detail("symbol", "BTCUSDT")
            .secret("api_secret", &api_secret),
    )?;
    log.append(Event::new(EventType::OrderRejected).detail("reason", "PRICE_FILTER"))?;
    log.append(
        Event::new(EventType::KillSwitchTriggered)
            .severity(Severity::Critical)
            .detail("reason", "drawdown"),
    )?;
    let checkpoint = log.close()?;

    let text = std::fs::read_to_string(&path)?;
    println!(
        "{} lines written; the secret appears {} times",
        text.lines().count(),
        text.matches("NhqPtmdS").count()
    );
    let options = VerifyOptions {
        public_key: Some(public),
        anchor: Some(checkpoint),
        ..Default::default()
    };
    println!("verify: {}", verify_log(&path, &options)?);

    // Change one character of the second record: the verifier says where.
    let tampered = text.replacen("BTCUSDT", "ETHUSDT", 1);
    std::fs::write(&path, tampered)?;
    println!("after tampering: {}", verify_log(&path, &options)?);
    Ok(())
}
