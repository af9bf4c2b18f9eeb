//! [`Guard`]: the whole guarded bot built from one [`Config`]: clock, vault
//! signer, guarded client, exchange limiter, gate, risk book, kill switch,
//! audit log, triggers and the halt, wired together.
//!
//! The order of the build is the order of trust: the audit log first (every
//! later part reports to it), then the kill switch from its latch (a missing
//! or forged latch starts it tripped), the vault (its opening and each
//! signature recorded), the guarded connection (the exchange's own rate
//! limits loaded from `exchangeInfo`), the risk book (restored from its
//! state file, or refusing to start), the gate (its journal's orders of a
//! crashed run settled with the exchange before any order passes), and
//! last the triggers and the responder that halts the venue on a trip.

mod audit;
mod net;
mod risk;
mod triggers;

pub use triggers::{FLATTEN_MAX_SLIPPAGE_BPS, TRIGGER_POLL};

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use secrecy::SecretString;
use supreme_audit::{AuditLog, Checkpoint, PublicKey};
use supreme_binance::{BinanceClient, BinanceVenue, GuardedTransport, Recovery};
use supreme_gate::{DecisionLog, Gate, GateBuilder, GateOptions};
use supreme_kill_switch::triggers::{DeadMansSwitch, ErrorRateTrigger, StaleDataTrigger};
use supreme_kill_switch::{HaltReport, KillSwitch, ResetRequest, ResponderHandle};
use supreme_net_guard::SystemClock;
use supreme_net_guard::ratelimit::ExchangeLimiter;
use supreme_order_guard::{ExchangeInfo, Validator};
use supreme_risk_limits::{CoarseClock, RiskBook};

use crate::metrics::{Exporter, Parts};
use crate::{Config, Environment, Error, Errors};

/// The gate a [`Guard`] builds: the risk book and the exchange limiter as
/// its stages.
pub type GuardGate = Gate<RiskBook<CoarseClock>, Arc<ExchangeLimiter<SystemClock>>>;

/// The guarded transport to the exchange.
pub type Transport = GuardedTransport<SystemClock>;

/// A wired bot: hand orders to [`gate`](Self::gate), send each
/// [`Approval`](supreme_gate::Approval) with
/// [`client().place_order`](BinanceClient::place_order).
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use supreme_guard::Guard;
/// let guard = Guard::from_config("supreme.toml".as_ref()).await?;
/// println!("kill switch {:?}", guard.switch().state());
/// # Ok(()) }
/// ```
pub struct Guard {
    config: Config,
    audit: Arc<AuditLog>,
    audit_key: PublicKey,
    switch: KillSwitch,
    client: Arc<BinanceClient>,
    transport: Arc<Transport>,
    venue: Arc<BinanceVenue>,
    rules: Arc<ExchangeInfo>,
    gate: GuardGate,
    recovered: Recovery,
    triggers: triggers::Running,
    responder: Mutex<Option<ResponderHandle>>,
    audit_trips: Arc<Mutex<Option<KillSwitch>>>,
    metrics: Option<Exporter>,
}

impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard")
            .field("exchange", &self.config.exchange.base_url)
            .field("kill_switch", &self.switch.state())
            .finish_non_exhaustive()
    }
}

/// How a [`Guard`] starts: the passphrase (else from the credential file,
/// [`vault_passphrase`](crate::vault_passphrase)) and, on a first run only,
/// the operators' signed tokens that arm a new kill switch.
#[derive(Debug)]
pub struct GuardBuilder {
    config: Config,
    passphrase: Option<SecretString>,
    first_run: Option<Vec<ResetRequest>>,
}

impl Guard {
    /// Loads `path` (with the process environment's overrides), reads the
    /// vault passphrase from its credential file and starts the guard.
    pub async fn from_config(path: &Path) -> Result<Self, Errors> {
        let config = Config::load(path)?;
        let passphrase = crate::vault_passphrase(&config.vault, &Environment::process())?;
        Self::builder(config).passphrase(passphrase).start().await
    }

    /// A builder for `config`.
    pub fn builder(config: Config) -> GuardBuilder {
        GuardBuilder {
            config,
            passphrase: None,
            first_run: None,
        }
    }

    /// The configuration it was built from.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The pre-trade gate: the only maker of approvals.
    pub fn gate(&self) -> &GuardGate {
        &self.gate
    }

    /// The exchange client (async; sends approvals).
    pub fn client(&self) -> &Arc<BinanceClient> {
        &self.client
    }

    /// The guarded transport (its limiter is the gate's rate stage).
    pub fn transport(&self) -> &Arc<Transport> {
        &self.transport
    }

    /// The kill switch.
    pub fn switch(&self) -> &KillSwitch {
        &self.switch
    }

    /// The venue the halt cancels and flattens on (its own connection).
    pub fn venue(&self) -> &Arc<BinanceVenue> {
        &self.venue
    }

    /// The exchange's rules, as loaded at start.
    pub fn rules(&self) -> &Arc<ExchangeInfo> {
        &self.rules
    }

    /// The audit log.
    pub fn audit(&self) -> &Arc<AuditLog> {
        &self.audit
    }

    /// Where `/metrics` is served (`[metrics] listen`), when configured.
    pub fn metrics_addr(&self) -> Option<std::net::SocketAddr> {
        self.metrics.as_ref().map(Exporter::addr)
    }

    /// The audit log's public key (to verify it).
    pub fn audit_key(&self) -> &PublicKey {
        &self.audit_key
    }

    /// What the start settled of a crashed run's orders.
    pub fn recovered(&self) -> &Recovery {
        &self.recovered
    }

    /// The dead-man's switch, when `dead_man_secs` is set: call
    /// [`beat`](DeadMansSwitch::beat) from the strategy loop.
    pub fn heartbeat(&self) -> Option<&Arc<DeadMansSwitch>> {
        self.triggers.heartbeat.as_ref()
    }

    /// The stale-data trigger, when `stale_data_secs` is set: call
    /// [`tick`](StaleDataTrigger::tick) on each market update.
    pub fn stale_data(&self) -> Option<&Arc<StaleDataTrigger>> {
        self.triggers.stale.as_ref()
    }

    /// The error-rate trigger, when `error_rate` is set.
    pub fn error_rate(&self) -> Option<&Arc<ErrorRateTrigger>> {
        self.triggers.error_rate.as_ref()
    }

    /// After a trip: waits for the responder's halt (cancel every order,
    /// flatten the configured assets, verify the venue clean) and returns
    /// its report; `None` when the switch has not tripped or the report
    /// was taken before.
    pub async fn halted(&self) -> Option<Result<HaltReport, supreme_kill_switch::Error>> {
        self.switch.trip_record()?;
        let handle = self
            .responder
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()?;
        let joined = tokio::task::spawn_blocking(move || handle.join()).await;
        match joined {
            Ok(Ok(Some(report))) => Some(Ok(report)),
            Ok(Ok(None)) => None,
            Ok(Err(e)) => Some(Err(e)),
            Err(e) => Some(Err(supreme_kill_switch::Error::Setup {
                what: "responder",
                detail: e.to_string(),
            })),
        }
    }

    /// Flushes the gate's last decisions, stops the triggers, closes the
    /// audit log and writes its signed checkpoint into the anchors
    /// directory (`<log file name>.checkpoint`); returns the checkpoint.
    pub fn shutdown(self) -> Result<Checkpoint, Error> {
        let Self {
            config,
            audit,
            switch,
            client,
            transport,
            venue,
            gate,
            triggers,
            responder,
            audit_trips,
            metrics,
            ..
        } = self;
        if let Some(m) = &metrics {
            m.detach();
        }
        drop(metrics);
        gate.flush().map_err(|e| Error::start("gate", e))?;
        drop(responder);
        drop(triggers);
        drop((gate, venue, client, transport, switch));
        audit_trips
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let audit = Arc::try_unwrap(audit).map_err(|_| {
            Error::start(
                "audit log",
                "still held by a clone of a part (drop them before shutdown)",
            )
        })?;
        let checkpoint = audit.close().map_err(|e| Error::start("audit log", e))?;
        audit::write_anchor(&config.audit, &checkpoint)?;
        tracing::info!(target: "supreme_guard", records = checkpoint.size, "guard stopped, checkpoint written");
        Ok(checkpoint)
    }
}

impl GuardBuilder {
    /// The vault passphrase (instead of its credential file).
    pub fn passphrase(mut self, passphrase: SecretString) -> Self {
        self.passphrase = Some(passphrase);
        self
    }

    /// A first run: arms the new kill switch with `tokens` (from
    /// `supreme kill-switch` operators, [`SignReset::sign_init`](supreme_kill_switch::SignReset::sign_init))
    /// and starts the risk book fresh. Refused when a latch or a risk state
    /// already exists: later runs restore both.
    pub fn first_run(mut self, tokens: Vec<ResetRequest>) -> Self {
        self.first_run = Some(tokens);
        self
    }

    /// Builds and wires every part (see the module docs for the order).
    pub async fn start(self) -> Result<Guard, Errors> {
        let Self {
            config,
            passphrase,
            first_run,
        } = self;
        let passphrase = match passphrase {
            Some(p) => p,
            None => crate::vault_passphrase(&config.vault, &Environment::process())?,
        };
        if config.metrics.is_some() {
            // Before any part registers its counters (the gate's are
            // registered when it is built).
            crate::metrics::recorder()?;
        }
        let (audit, audit_key, audit_trips) = audit::open(&config.audit)?;
        let switch = triggers::switch(&config, &audit, first_run.as_deref())?;
        *audit_trips.lock().unwrap_or_else(PoisonError::into_inner) = Some(switch.clone());
        let vault = net::open_vault(&config, &passphrase, &audit)?;
        drop(passphrase);
        let conn = net::connect(&config, &switch, &audit, &vault).await?;
        let book = risk::book(&config, &switch, &audit, &conn, first_run.is_some()).await?;
        let gate = GateBuilder {
            kill_switch: switch.gate(),
            rules: conn.rules.clone(),
            validator: Validator::new(config.order_policy),
            risk: book,
            rate: conn.transport.limiter().clone(),
            decisions: Arc::new(DecisionLog::with_capacity(4096)),
        }
        .build_with(GateOptions {
            journal: Some(config.state.journal.clone()),
            events: Some(audit.clone()),
            ..GateOptions::default()
        })
        .map_err(|e| Error::start("gate", e))?;
        let recovered = conn
            .client
            .recover(&gate)
            .await
            .map_err(|e| Error::start("gate journal recovery", e))?;
        gate.mark_reconciled()
            .map_err(|e| Error::start("gate", e))?;
        let venue = Arc::new(net::venue(&config, &switch, &audit, &conn, &vault)?);
        drop(vault);
        let (triggers, responder) = triggers::start(&config, &switch, &venue)?;
        tracing::info!(
            target: "supreme_guard",
            exchange = %config.exchange.base_url,
            symbols = config.exchange.symbols.len(),
            kill_switch = ?switch.state(),
            "guard started"
        );
        let metrics = match config.metrics {
            Some(addr) => Some(
                Exporter::start(
                    addr,
                    Parts {
                        switch: switch.clone(),
                        gate: gate.clone(),
                        audit: audit.clone(),
                        symbols: config.exchange.symbols.clone(),
                    },
                )
                .await?,
            ),
            None => None,
        };
        Ok(Guard {
            config,
            audit,
            audit_key,
            switch,
            client: conn.client,
            transport: conn.transport,
            venue,
            rules: conn.rules,
            gate,
            recovered,
            triggers,
            responder: Mutex::new(Some(responder)),
            audit_trips,
            metrics,
        })
    }
}
