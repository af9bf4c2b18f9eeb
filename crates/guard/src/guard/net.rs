//! The exchange connection: the vault's signer, net-guard's guarded client
//! (allowlist, judged addresses, pins, the `[danger]` test CA), the
//! exchange limiter loaded with the exchange's own limits, the client, and
//! the venue's own connection for the halt.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;
use secrecy::SecretString;
use supreme_audit::AuditLog;
use supreme_binance::{BinanceClient, BinanceVenue, Params};
use supreme_kill_switch::KillSwitch;
use supreme_net_guard::ratelimit::{ExchangeLimiter, RateLimit};
use supreme_net_guard::{GuardedClient, SystemClock};
use supreme_order_guard::ExchangeInfo;
use supreme_vault::{OpenOptions, Signer, VaultFile};

use super::Transport;
use crate::{Config, Error};

/// What [`connect`] made.
pub(super) struct Connection {
    pub(super) client: Arc<BinanceClient>,
    pub(super) transport: Arc<Transport>,
    pub(super) rules: Arc<ExchangeInfo>,
    api_key: String,
}

/// Opens the vault (recorded in the audit log); the guard takes the
/// entry's signers from it and drops it once started.
pub(super) fn open_vault(
    config: &Config,
    passphrase: &SecretString,
    audit: &Arc<AuditLog>,
) -> Result<VaultFile, Error> {
    let options = OpenOptions::default().events(audit.clone());
    VaultFile::open_with(&config.vault.path, passphrase, &options)
        .map_err(|e| Error::start("vault", e))
}

/// A signer of the configured entry.
fn signer(config: &Config, vault: &VaultFile) -> Result<Signer, Error> {
    vault
        .vault()
        .signer(&config.vault.entry)
        .map_err(|e| Error::start("vault entry", e))
}

/// A guarded client for the exchange: the file's egress policy, resolver and
/// pins, events to the audit log, and the `[danger]` test CA when there is one.
fn guarded_client(config: &Config, audit: &Arc<AuditLog>) -> Result<GuardedClient, Error> {
    let mut builder = GuardedClient::builder(config.egress.policy.clone())
        .resolver(config.egress.resolver.clone())
        .events(audit.clone());
    for pins in &config.egress.pins {
        builder = builder.pin(pins.clone());
    }
    if let Some(path) = config.danger.as_ref().and_then(|d| d.test_ca.as_ref()) {
        let ca = CertificateDer::from_pem_file(path)
            .map_err(|e| Error::start("[danger] test_ca", format!("{}: {e}", path.display())))?;
        builder = builder.dangerous().add_root_ca(ca).done();
    }
    builder
        .build()
        .map_err(|e| Error::start("guarded client", e))
}

/// The transport through `limiter`, orders re-checked against the switch.
fn transport(
    config: &Config,
    switch: &KillSwitch,
    audit: &Arc<AuditLog>,
    limiter: Arc<ExchangeLimiter<SystemClock>>,
) -> Result<Transport, Error> {
    Ok(Transport::new(
        guarded_client(config, audit)?,
        &config.exchange.base_url,
        limiter,
    )
    .map_err(|e| Error::start("exchange transport", e))?
    .with_kill_switch(switch.gate()))
}

fn client(
    config: &Config,
    transport: Arc<Transport>,
    key: &str,
    signer: Signer,
    audit: &Arc<AuditLog>,
) -> BinanceClient {
    BinanceClient::new(transport, key, signer)
        .with_recv_window_ms(config.exchange.recv_window_ms)
        .with_events(audit.clone())
}

/// Connects: `exchangeInfo` over a bootstrap connection limited by
/// Binance's published defaults, then the connection the bot uses, limited
/// by the exchange's own limits; the clock offset synced.
pub(super) async fn connect(
    config: &Config,
    switch: &KillSwitch,
    audit: &Arc<AuditLog>,
    vault: &VaultFile,
) -> Result<Connection, Error> {
    let signer = signer(config, vault)?;
    let api_key = signer
        .key_id()
        .ok_or_else(|| Error::start("vault entry", "the entry has no API key id"))?
        .to_owned();
    let exchange = |e| Error::start("exchange", e);
    let defaults = ExchangeLimiter::new(RateLimit::binance_spot_defaults(), SystemClock)
        .map_err(|e| Error::start("rate limits", e))?;
    let bootstrap = Arc::new(transport(config, switch, audit, Arc::new(defaults))?);
    let info = client(config, bootstrap, &api_key, signer, audit)
        .public_body("GET", "/api/v3/exchangeInfo", &Params::new())
        .await
        .map_err(exchange)?;
    let limits =
        RateLimit::from_exchange_info(&info).map_err(|e| Error::start("rate limits", e))?;
    let rules =
        Arc::new(ExchangeInfo::from_json(&info).map_err(|e| Error::start("exchange rules", e))?);
    let limiter =
        ExchangeLimiter::new(limits, SystemClock).map_err(|e| Error::start("rate limits", e))?;
    let transport = Arc::new(transport(config, switch, audit, Arc::new(limiter))?);
    let signer = self::signer(config, vault)?;
    let client = Arc::new(client(config, transport.clone(), &api_key, signer, audit));
    client.sync_time().await.map_err(exchange)?;
    Ok(Connection {
        client,
        transport,
        rules,
        api_key,
    })
}

/// The venue the halt uses: its own client and connection pool (pooled
/// connections and the resolver's name-server connections belong to the
/// runtime that made them, and the halt runs on a runtime of its own),
/// sharing the limiter with the bot. It sends nothing until a halt: its
/// clock offset is the bot client's.
pub(super) fn venue(
    config: &Config,
    switch: &KillSwitch,
    audit: &Arc<AuditLog>,
    conn: &Connection,
    vault: &VaultFile,
) -> Result<BinanceVenue, Error> {
    let own = Arc::new(transport(
        config,
        switch,
        audit,
        conn.transport.limiter().clone(),
    )?);
    let client = client(config, own, &conn.api_key, signer(config, vault)?, audit)
        .with_clock_offset_ms(conn.client.clock_offset_ms());
    Ok(BinanceVenue::new(
        Arc::new(client),
        conn.rules.clone(),
        config.risk.valuation(),
        config.kill_switch.flatten_assets.iter().copied(),
    ))
}
