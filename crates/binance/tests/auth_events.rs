//! The exchange refusing the key or the signature is one AUTH_FAILURE event
//! each, against the simulated exchange over real TLS: an unknown key
//! (-2015), a malformed key (-2014), a wrong secret (-1022). No record holds
//! the key, the signature or the signed query.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use std::sync::Arc;

use secrecy::SecretString;
use support::*;
use supreme_binance::*;
use supreme_core::event::{Event, VecSink};
use supreme_testkit::binance::{ApiKey, ApiRestrictions, KeyCredential, SimBinance, SimServer};
use supreme_vault::{EntrySecret, KdfParams, Vault};

const WRONG_SECRET: &str = "Qm7XkT2pLw9ZrB4vNc8HsJ3dYf6GaU1eRo5KiWt0MyVxPbCnEgDhSjAlOuIqFz5W";

/// A client sending `api_key`, signing with `secret` (held in the vault
/// under the test key's id), against a simulator that knows only the test
/// key, recording into a VecSink.
fn client(api_key: &str, secret: &str) -> (BinanceClient, Arc<VecSink>, Arc<SimServer>) {
    let sim = SimBinance::with_sample();
    sim.add_key(ApiKey {
        key: API_KEY.into(),
        credential: KeyCredential::hmac(SECRET.as_bytes()),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    let server = Arc::new(sim.serve(&[]).unwrap());
    let mut v = Vault::create(
        &SecretString::from("p"),
        KdfParams::dangerous().insecure_for_tests(),
    )
    .unwrap();
    let entry = EntrySecret::Hmac {
        key_id: API_KEY.into(),
        secret: SecretString::from(secret),
    };
    v.put("k", &entry, None).unwrap();
    let seen = Arc::new(VecSink::new());
    let client = BinanceClient::new(
        TlsTransport(server.clone()),
        api_key,
        v.signer("k").unwrap(),
    )
    .with_events(seen.clone());
    (client, seen, server)
}

async fn refused(api_key: &str, secret: &str, code: i64, reason: &str) {
    let (client, seen, _server) = client(api_key, secret);
    let err = client
        .signed("GET", "/api/v3/account", &Params::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Api { code: c, .. } if c == code),
        "{err}"
    );
    let events = seen.take();
    let auth: Vec<&Event> = events.iter().filter(|e| e.kind() == AUTH_FAILURE).collect();
    assert_eq!(auth.len(), 1, "{events:?}");
    let e = auth[0];
    assert_eq!(e.actor(), "binance");
    assert_eq!(e.get("code"), Some(code.to_string().as_str()));
    assert_eq!(e.get("reason"), Some(reason));
    assert_eq!(e.get("path"), Some("/api/v3/account"));
    assert_eq!(e.get("method"), Some("GET"));
    assert_eq!(e.get("status").map(|s| s.starts_with('4')), Some(true));
    // The API_ACCESS record is still there, once.
    assert_eq!(events.iter().filter(|e| e.kind() == API_ACCESS).count(), 1);
    for e in &events {
        let text = e.to_string();
        for leak in [api_key, secret, "signature=", "timestamp=", "recvWindow"] {
            assert!(!text.contains(leak), "{leak:?} in {text}");
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_unknown_api_key_is_an_auth_failure() {
    refused(
        "unknown-key-0042",
        SECRET,
        -2015,
        "invalid api key, ip or permissions",
    )
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_malformed_api_key_is_an_auth_failure() {
    refused("not a key", SECRET, -2014, "api key format invalid").await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_wrong_secret_is_an_invalid_signature_auth_failure() {
    refused(API_KEY, WRONG_SECRET, -1022, "invalid signature").await;
}

#[tokio::test(flavor = "current_thread")]
async fn other_refusals_are_no_auth_failure() {
    let (client, seen, _server) = client(API_KEY, SECRET);
    client.sync_time().await.unwrap();
    // An order that does not exist: refused by the exchange (-2013), but
    // not for the key.
    let params = Params::new()
        .with("symbol", "BTCUSDT")
        .with("origClientOrderId", "never-sent");
    let err = client
        .signed("GET", "/api/v3/order", &params)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { code: -2013, .. }), "{err}");
    assert!(seen.events().iter().all(|e| e.kind() != AUTH_FAILURE));
}
