//! The vault's audit events, into a real audit log and a real vault file:
//! opening, each signature counted, a wrong passphrase; never the secret;
//! and a sink that refuses stops the signature (fail closed).
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use secrecy::SecretString;
use supreme_audit::{AuditLog, Options, SigningKey, VerifyOptions, verify_log};
use supreme_core::event::{Event, FnSink, SinkError, VecSink};
use supreme_vault::{EntrySecret, Error, KdfParams, OpenOptions, VaultFile};

const SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const KEY_ID: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const PAYLOAD: &str = "symbol=LTCBTC&side=BUY&quantity=1&timestamp=1499827319559";

fn pass() -> SecretString {
    SecretString::from("events test passphrase")
}

/// A real vault file holding one HMAC entry, `binance`.
fn vault_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("bot.vault");
    let mut vf =
        VaultFile::create(&path, &pass(), KdfParams::dangerous().insecure_for_tests()).unwrap();
    vf.vault_mut()
        .put(
            "binance",
            &EntrySecret::Hmac {
                key_id: KEY_ID.into(),
                secret: SecretString::from(SECRET),
            },
            None,
        )
        .unwrap();
    vf.save().unwrap();
    path
}

#[test]
fn opening_signing_and_a_wrong_passphrase_land_in_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let vault_path = vault_file(dir.path());
    let log_path = dir.path().join("audit.log");
    let (key, _) = SigningKey::generate("vault-test").unwrap();
    let public = key.public_key();
    let log = Arc::new(AuditLog::open(&log_path, Options::new(key)).unwrap());
    let opts = OpenOptions::default().events(log.clone());

    let wrong = VaultFile::open_with(&vault_path, &SecretString::from("guess"), &opts);
    assert!(matches!(wrong, Err(Error::WrongPassphrase)));
    let vf = VaultFile::open_with(&vault_path, &pass(), &opts).unwrap();
    let signer = vf.vault().signer("binance").unwrap();
    let mut sigs = Vec::new();
    for _ in 0..3 {
        sigs.push(signer.sign(PAYLOAD.as_bytes()).unwrap());
    }
    assert_eq!(signer.uses(), 3);
    drop((signer, vf, opts));
    Arc::into_inner(log).unwrap().close().unwrap();

    let text = std::fs::read_to_string(&log_path).unwrap();
    let lines = |kind: &str| {
        text.lines()
            .filter(|l| l.contains(&format!("\"{kind}\"")))
            .collect::<Vec<_>>()
    };
    let failed = lines("AUTH_FAILURE");
    assert_eq!(failed.len(), 1, "{text}");
    assert!(failed[0].contains("wrong passphrase") && failed[0].contains("bot.vault"));
    let opened = lines("VAULT_OPENED");
    assert_eq!(opened.len(), 1, "{text}");
    assert!(opened[0].contains("bot.vault"), "{}", opened[0]);
    let accessed = lines("SECRET_ACCESSED");
    assert_eq!(accessed.len(), 1, "{text}");
    assert!(accessed[0].contains("\"signer\"") && accessed[0].contains("binance"));
    let signed = lines("SIGNATURE_MADE");
    assert_eq!(signed.len(), 3, "{text}");
    for (n, line) in signed.iter().enumerate() {
        assert!(
            line.contains(&format!("\"{}\"", n + 1)),
            "use count in {line}"
        );
    }
    // Never the secret, the key id, the signed bytes or a signature.
    for leak in [SECRET, KEY_ID, PAYLOAD, "events test passphrase", "guess"]
        .into_iter()
        .chain(sigs.iter().map(|s| s.as_str()))
    {
        assert!(!text.contains(leak), "{leak} leaked into the log");
    }
    let report = verify_log(
        &log_path,
        &VerifyOptions {
            public_key: Some(public),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(report.finding.is_none(), "{report}");
}

#[test]
fn a_sink_that_refuses_stops_the_signature_and_the_open() {
    let dir = tempfile::tempdir().unwrap();
    let vault_path = vault_file(dir.path());
    let seen = Arc::new(VecSink::new());
    let vf = VaultFile::open_with(
        &vault_path,
        &pass(),
        &OpenOptions::default().events(seen.clone()),
    )
    .unwrap();
    let refusing = Arc::new(FnSink::new(|_: &Event| {
        Err(SinkError::new("audit log", "queue full"))
    }));
    let signer = vf
        .vault()
        .signer("binance")
        .unwrap()
        .with_events(refusing.clone());
    let err = signer.sign(PAYLOAD.as_bytes()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unrecorded {
                kind: "SIGNATURE_MADE",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.is_refusal());
    assert!(!err.to_string().contains(SECRET));

    // A vault whose opening cannot be recorded is not opened; a reveal
    // that cannot be recorded hands nothing out.
    let refused = VaultFile::open_with(
        &vault_path,
        &pass(),
        &OpenOptions::default().events(refusing.clone()),
    );
    assert!(matches!(
        refused,
        Err(Error::Unrecorded {
            kind: "VAULT_OPENED",
            ..
        })
    ));
    let vault = vf.into_vault().with_events(refusing);
    assert!(matches!(
        vault.reveal("binance"),
        Err(Error::Unrecorded {
            kind: "SECRET_ACCESSED",
            ..
        })
    ));
    let kinds: Vec<_> = seen.events().iter().map(|e| e.kind()).collect();
    assert_eq!(kinds, ["VAULT_OPENED", "SECRET_ACCESSED"]);
}
