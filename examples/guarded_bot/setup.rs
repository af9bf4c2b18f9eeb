//! Everything the bot stands on: the simulated exchange, the vault, the
//! exchange client, the rules, the kill switch, the audit log and the gate.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use secrecy::SecretString;
use supreme_security::audit::{AuditLog, OnWriteFailure, Options, PublicKey, SigningKey};
use supreme_security::binance::Params;
use supreme_security::binance::{BinanceClient, BinanceVenue, KeyPolicy, blocking};
use supreme_security::gate::{DecisionLog, Gate, GateBuilder, GateOptions};
use supreme_security::kill_switch::{
    Clock as _, KillSwitch, OperatorKey, ResetPolicy, ResetRequest, SignReset as _,
    SystemClock as KsClock, Trigger, triggers::RiskBreach,
};
use supreme_security::net_guard::SystemClock as NetClock;
use supreme_security::net_guard::ratelimit::ExchangeLimiter;
use supreme_security::net_guard::ratelimit::RateLimit;
use supreme_security::order_guard::Symbol;
use supreme_security::order_guard::{ExchangeInfo, Policy, Validator};
use supreme_security::risk_limits::{
    AccountId, Asset, Breach, CoarseClock, LimitSet, Pct, PositionLimit, RiskBook, RiskConfig,
    Scope, StateFile,
};
use supreme_security::vault::{EntrySecret, KdfParams, OpenOptions as VaultOpenOptions, VaultFile};
use supreme_testkit::binance::{ApiKey, ApiRestrictions, KeyCredential, SimBinance, SimServer};

use crate::transport::{Guarded, HOST};

pub(crate) type BotGate = Gate<RiskBook<CoarseClock>, Arc<ExchangeLimiter<NetClock>>>;

pub(crate) struct Bot {
    pub(crate) sim: SimBinance,
    /// Keeps the simulator serving until the bot ends.
    pub(crate) _server: Arc<SimServer>,
    /// Answers the demo's names until the bot ends.
    pub(crate) _dns: supreme_testkit::dns::DnsServer,
    pub(crate) net: Guarded,
    /// The simulator's port.
    pub(crate) port: u16,
    /// A plain (not async) program: the blocking wrapper of the async client.
    pub(crate) client: blocking::BinanceClient,
    pub(crate) switch: KillSwitch,
    pub(crate) venue: BinanceVenue,
    pub(crate) gate: BotGate,
    pub(crate) audit: Arc<AuditLog>,
    pub(crate) audit_key: PublicKey,
    pub(crate) audit_path: PathBuf,
    /// The switch the audit log trips when it cannot keep a record (taken
    /// out before the log is closed: the switch holds the log too).
    pub(crate) audit_trips: Arc<Mutex<Option<KillSwitch>>>,
    /// Where the bot keeps its files (removed at the end unless the
    /// operator named it with `SUPREME_DEMO_DIR`).
    pub(crate) dir: PathBuf,
    pub(crate) _temp: Option<tempfile::TempDir>,
}

fn step(what: &str, detail: impl std::fmt::Display) {
    println!("  {what:<26} {detail}");
}

/// The directory the bot keeps its files in: `SUPREME_DEMO_DIR` (created
/// 0700 if missing, so a test can read the audit log afterwards), or a
/// temporary one.
fn workdir()
-> Result<(PathBuf, Option<tempfile::TempDir>), Box<dyn std::error::Error + Send + Sync>> {
    if let Some(path) = std::env::var_os("SUPREME_DEMO_DIR") {
        let path = PathBuf::from(path);
        std::fs::create_dir_all(&path)?;
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
        return Ok((path, None));
    }
    let temp = tempfile::tempdir()?;
    Ok((temp.path().to_path_buf(), Some(temp)))
}

pub(crate) fn start() -> Result<Bot, Box<dyn std::error::Error + Send + Sync>> {
    let (dir, temp) = workdir()?;

    // 1. The exchange: a simulated Binance over HTTPS on loopback.
    let sim = SimBinance::with_sample();
    sim.set_balance("USDT", "100000");
    let server = Arc::new(sim.serve(&[HOST])?);
    let dns = crate::transport::dns()?;
    step(
        "simulated exchange",
        format!("{} (a test CA made just now)", server.base_url()),
    );

    // 2. The audit log, with its own signing key. A write it cannot keep
    //    trips the kill switch (set once the switch exists, below).
    let audit_path = dir.as_path().join("audit").join("security.log");
    std::fs::create_dir_all(audit_path.parent().unwrap_or(dir.as_path()))?;
    // The signing key is kept 0600 beside the log, its public half beside it.
    let audit_signing = SigningKey::create(&dir.join("audit.key"), "guarded-bot")?;
    let audit_key = audit_signing.public_key();
    let trip_on_failure: Arc<Mutex<Option<KillSwitch>>> = Arc::default();
    let slot = trip_on_failure.clone();
    let options = Options::new(audit_signing).on_write_failure(OnWriteFailure::Halt(Arc::new(
        move |e: &supreme_security::audit::Error| {
            let switch = slot.lock().unwrap_or_else(PoisonError::into_inner).clone();
            if let Some(switch) = switch {
                switch.tripper(Trigger::AuditFailure, "audit log write failed", "audit-log")(e);
            }
        },
    )));
    let audit = Arc::new(AuditLog::open(&audit_path, options)?);
    step("audit log", audit_path.display());

    // 3. The vault: a demo key pair made here, sealed with Argon2id + XChaCha20-Poly1305.
    let api_key = "demo-api-key-0123456789";
    let secret: String = (0..64)
        .map(|i| char::from(b'A' + (i * 7 % 26) as u8))
        .collect();
    sim.add_key(ApiKey {
        key: api_key.into(),
        credential: KeyCredential::hmac(secret.as_bytes()),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    let passphrase =
        SecretString::from("demo passphrase: use SUPREME_VAULT_PASSPHRASE in real life");
    let vault_path = dir.as_path().join("vault").join("bot.vault");
    let mut vault = VaultFile::create(&vault_path, &passphrase, KdfParams::default())?;
    let entry = EntrySecret::Hmac {
        key_id: api_key.into(),
        secret: SecretString::from(secret),
    };
    vault.vault_mut().put("binance", &entry, None)?;
    vault.save()?;
    // Opening it, each secret handed out and each signature are recorded.
    let opened = VaultFile::open_with(
        &vault_path,
        &passphrase,
        &VaultOpenOptions::default().events(audit.clone()),
    )?;
    let signer = opened.vault().signer("binance")?;
    step(
        "vault",
        format!(
            "{} (0600, Argon2id); signer {signer:?}",
            vault_path.display()
        ),
    );

    // The kill switch, latched to disk, reporting to the audit log, made
    // before the connection (which re-checks its gate right before each order
    // goes out). A new switch is armed once, by an operator's signed init
    // token (the key stays with the operator; the bot holds the public half).
    let sink_log = audit.clone();
    let operator = OperatorKey::generate()?;
    let init = ResetRequest {
        operator: "operator".into(),
        token: operator.sign_init("operator", KsClock.now_ms() + 60_000)?,
    };
    let switch = KillSwitch::builder()
        .latch(dir.as_path().join("kill-switch.latch"))
        .reset_policy(
            ResetPolicy::new(std::time::Duration::from_secs(300))
                .operator("operator", operator.public_key()),
        )
        .events(sink_log)
        .init(&[init])?;
    *trip_on_failure
        .lock()
        .unwrap_or_else(PoisonError::into_inner) = Some(switch.clone());

    // 4. The connection: net-guard's guarded client, pinned to the
    //    simulator's certificate. Rate limits start at Binance's published
    //    defaults and are replaced by the exchange's own from exchangeInfo.
    let bootstrap = crate::transport::connect(
        &server,
        &dns,
        RateLimit::binance_spot_defaults(),
        switch.gate(),
        audit.clone(),
    )?;
    let bootstrap = BinanceClient::new(bootstrap, api_key, opened.vault().signer("binance")?);
    let info_text = blocking::BinanceClient::new(bootstrap).public_body(
        "GET",
        "/api/v3/exchangeInfo",
        &Params::new(),
    )?;
    let limits = RateLimit::from_exchange_info(&info_text)?;
    let net =
        crate::transport::connect(&server, &dns, limits.clone(), switch.gate(), audit.clone())?;
    step(
        "guarded connection",
        format!(
            "https://{HOST}:{} only; pinned {}",
            server.addr().port(),
            server.spki_pin()
        ),
    );

    // 5. The exchange client: signs through the vault.
    // Every request is recorded in the audit log (API_ACCESS, no secrets).
    let client = blocking::BinanceClient::new(
        BinanceClient::new(net.clone(), api_key, signer).with_events(audit.clone()),
    );
    let offset = client.sync_time()?;
    let warnings = client.check_key_privileges(KeyPolicy {
        require_ip_restriction: true,
        ..KeyPolicy::default()
    })?;
    step(
        "API key",
        format!(
            "trading only, IP-restricted ({} warnings); clock offset {offset} ms",
            warnings.len()
        ),
    );
    let rules = Arc::new(ExchangeInfo::from_json(&info_text)?);
    step(
        "exchange rules",
        format!(
            "{} symbols; {} rate limits loaded into the limiter",
            rules.len(),
            limits.len()
        ),
    );

    // 6. Flatten only what the bot trades; the fee asset and the rest stay.
    let venue = BinanceVenue::new(
        client.async_client().clone(),
        rules.clone(),
        Asset::new("USDT")?,
        [Asset::new("BTC")?],
    );

    // 7. Risk limits: a position at most 25 % of equity (warning at 15 %), a
    //    drawdown of 2 % from the high-water mark trips the kill switch.
    let risk = risk_book(&switch, &audit, dir.as_path().join("risk.state"))?;
    step(
        "risk limits",
        "position <= 25% of equity, drawdown <= 2% (breach trips the kill switch)",
    );

    // 8. The gate: every decision and every order it sends go to the audit
    //    log; each order is journaled before it is sent, so a restart after
    //    a crash finds the orders whose answer it never saw.
    let validator = Validator::new(Policy {
        max_order_notional: Some("20000".parse()?),
        ..Policy::default()
    });
    let gate = GateBuilder {
        kill_switch: switch.gate(),
        rules: rules.clone(),
        validator,
        risk,
        rate: net.limiter().clone(),
        decisions: Arc::new(DecisionLog::with_capacity(4096)),
    }
    .build_with(GateOptions {
        journal: Some(dir.join("orders.journal")),
        events: Some(audit.clone()),
        ..GateOptions::default()
    })?;
    // Until the orders of a crashed run are settled with the exchange, the
    // gate rejects every order.
    let recovered = client.recover(&gate)?;
    gate.mark_reconciled()?;
    step(
        "gate",
        "kill switch -> order-guard (fat-finger cap 20,000 USDT) -> risk limits -> rate limit",
    );
    step(
        "order journal",
        format!(
            "{} orders of a previous run settled",
            recovered.ended.len() + recovered.cancelled.len() + recovered.not_found.len()
        ),
    );
    Ok(Bot {
        sim,
        port: server.addr().port(),
        _server: server,
        _dns: dns,
        net,
        client,
        switch,
        venue,
        gate,
        audit,
        audit_key,
        audit_path,
        audit_trips: trip_on_failure,
        dir,
        _temp: temp,
    })
}

pub(crate) fn btc() -> Symbol {
    Symbol::new("BTCUSDT").unwrap_or_else(|_| unreachable!("a valid literal"))
}

fn risk_book(
    switch: &KillSwitch,
    audit: &Arc<AuditLog>,
    state: PathBuf,
) -> Result<RiskBook<CoarseClock>, Box<dyn std::error::Error + Send + Sync>> {
    let usdt = Asset::new("USDT")?;
    let limits = LimitSet {
        position: Some(PositionLimit::new(
            Pct::percent(25),
            Some(Pct::percent(15)),
        )?),
        max_drawdown: Some(Pct::percent(2)),
        ..LimitSet::SEED
    };
    let config = RiskConfig::new(usdt)?.with_limits(Scope::Global, limits)?;
    let switch = switch.clone();
    // The breach sink reacts (trips the switch); the audit log records.
    let book = RiskBook::new(config, CoarseClock)?
        .with_breach_sink(move |b: &Breach| {
            let _ = switch.trip_risk_breach(&RiskBreach {
                limit: format!("{:?}", b.kind),
                limit_value: String::new(),
                observed: b.observed.to_string(),
            });
        })
        .with_events(audit.clone());
    book.add_symbol(btc(), Asset::new("BTC")?, usdt)?;
    book.deposit(AccountId::new("main")?, usdt, "100000".parse()?)?;
    book.set_mark(btc(), "25000".parse()?)?;
    // The state is tagged under a 0600 key file beside it (a bot with a
    // vault keeps the key there instead: `vault.state_key("risk")`).
    let key = state.with_extension("key");
    book.persist_to(StateFile::with_key_file(state, &key)?)?;
    book.start_fresh()?;
    Ok(book)
}
