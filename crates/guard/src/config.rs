//! `supreme.toml`: one section per part, each a serde struct that refuses
//! unknown keys, and [`Config`], the whole file validated and built.

mod audit;
mod danger;
mod egress;
mod exchange;
mod kill_switch;
mod metrics;
mod order_policy;
mod risk;
mod state;
mod vault;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use supreme_order_guard::Policy;
use supreme_risk_limits::RiskConfig;

pub use audit::{Audit, AuditSection, Fsync};
pub use danger::{Danger, DangerSection};
pub use egress::{Egress, EgressSection, NameserverEntry, NameserverKind, PinEntry};
pub use exchange::{Exchange, ExchangeSection, Network, TESTNET_HOST};
pub use kill_switch::{
    ErrorRateEntry, KillSwitch, KillSwitchSection, ResetSection, Triggers, TriggersSection,
};
pub use metrics::MetricsSection;
pub use order_policy::{OrderPolicySection, UnknownFilters};
pub use risk::{CooldownEntry, DailyResetEntry, OrderRateEntry, RiskSection, ScopeLimits};
pub use state::{State, StateSection};
pub use vault::{DEFAULT_CREDENTIAL, Vault, VaultSection};

use crate::env::{self, Environment};
use crate::located::{FIX, Located};
use crate::{Check, Error, Errors, Source};

/// The largest `supreme.toml` read.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// The file as parsed, before validation: every section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// `[exchange]`.
    pub exchange: ExchangeSection,
    /// `[egress]`.
    pub egress: EgressSection,
    /// `[vault]`.
    pub vault: VaultSection,
    /// `[order_policy]` (default: order-guard's defaults, no caps).
    #[serde(default)]
    pub order_policy: OrderPolicySection,
    /// `[risk]`.
    pub risk: RiskSection,
    /// `[kill_switch]`.
    pub kill_switch: KillSwitchSection,
    /// `[audit]`.
    pub audit: AuditSection,
    /// `[state]`.
    pub state: StateSection,
    /// `[metrics]` (none: no endpoint).
    #[serde(default)]
    pub metrics: Option<MetricsSection>,
    /// `[danger]`.
    #[serde(default)]
    pub danger: Option<Located<DangerSection>>,
}

/// A `supreme.toml`, validated as a whole, with each part's configuration
/// built from it.
///
/// ```
/// use supreme_guard::{Config, Environment};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("supreme.toml");
/// std::fs::write(&path, "[exchange]\nbase_url = \"http://api.binance.com\"\n")?;
/// let errors = Config::load_with(&path, &Environment::empty()).unwrap_err();
/// // The first error names the file, line and column: a missing section.
/// assert!(errors.iter().any(|e| e.line_column().is_some() || e.location().is_some()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// The file as parsed (after environment overrides).
    pub file: ConfigFile,
    /// `[exchange]`.
    pub exchange: Exchange,
    /// `[egress]`: policy, pins, resolver.
    pub egress: Egress,
    /// `[vault]`.
    pub vault: Vault,
    /// `[order_policy]`.
    pub order_policy: Policy,
    /// `[risk]`.
    pub risk: RiskConfig,
    /// `[kill_switch]`.
    pub kill_switch: KillSwitch,
    /// `[audit]`.
    pub audit: Audit,
    /// `[state]`.
    pub state: State,
    /// `[metrics] listen`.
    pub metrics: Option<SocketAddr>,
    /// `[danger]`, accepted because `SUPREME_ALLOW_DANGER=1`.
    pub danger: Option<Danger>,
}

impl Config {
    /// Reads, parses and validates `path`, with the process environment's
    /// overrides (see [`crate::env`](mod@crate::env)).
    pub fn load(path: &Path) -> Result<Self, Errors> {
        Self::load_with(path, &Environment::process())
    }

    /// As [`Config::load`], with the given environment.
    pub fn load_with(path: &Path, env: &Environment) -> Result<Self, Errors> {
        let read = |source| Error::Read {
            file: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(read)?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(read(std::io::Error::other("larger than 1 MiB")).into());
        }
        let text = std::fs::read_to_string(path).map_err(read)?;
        Self::parse(&Source::new(path, text), env)
    }

    /// Parses and validates `src` (relative paths against its directory).
    pub fn parse(src: &Source, env: &Environment) -> Result<Self, Errors> {
        let mut file = parse_file(src)?;
        apply_overrides(&mut file, env);
        Self::validate(file, src, env)
    }

    fn validate(file: ConfigFile, src: &Source, env: &Environment) -> Result<Self, Errors> {
        let mut check = Check::new(src);
        let danger = match &file.danger {
            None => None,
            Some(d) if env.allows_danger() => Some(d.value.to_danger(&mut check)),
            Some(d) => {
                check.invalid(&d.at, "a [danger] section (test CA, loopback targets) in a file run without SUPREME_ALLOW_DANGER=1", "remove [danger] in production; tests and the simulator set SUPREME_ALLOW_DANGER=1");
                None
            }
        };
        let loopback = danger.as_ref().map_or(&[][..], |d| &d.loopback_targets[..]);
        let test_host = danger.as_ref().and_then(|d| d.exchange_host.as_deref());
        let exchange = file.exchange.to_exchange(&mut check, loopback, test_host);
        let egress = file.egress.to_egress(&mut check, danger.as_ref());
        if let (Some(x), Some(e)) = (&exchange, &egress)
            && let Err(err) = e.policy.check_url(&x.base_url)
        {
            check.invalid(
                &file.exchange.base_url.at,
                format!("egress refuses the exchange's own base_url: {err}"),
                "add the base URL's host (and port) to [egress] allow_hosts and ports",
            );
        }
        let vault = file.vault.to_vault(&mut check);
        let order_policy = file.order_policy.to_policy(&mut check);
        let risk = file.risk.to_risk_config(&mut check);
        let kill_switch = file.kill_switch.to_kill_switch(&mut check);
        let audit = file.audit.to_audit(&mut check);
        let state = file.state.to_state(&mut check);
        let allow_public = danger.as_ref().is_some_and(|d| d.public_metrics);
        let metrics = file
            .metrics
            .as_ref()
            .map(|m| m.to_addr(&mut check, allow_public));
        let built = (|| {
            Some(Self {
                exchange: exchange?,
                egress: egress?,
                vault: vault?,
                order_policy: order_policy?,
                risk: risk?,
                kill_switch: kill_switch?,
                audit: audit?,
                state,
                metrics: match metrics {
                    Some(m) => Some(m?),
                    None => None,
                },
                danger,
                file: file.clone(),
            })
        })();
        check.finish(built)
    }

    /// Every path the file names, resolved (for the operator commands).
    pub fn paths(&self) -> Vec<(&'static str, &Path)> {
        let mut out = vec![
            ("vault", self.vault.path.as_path()),
            ("audit log", &self.audit.log),
            ("audit key", &self.audit.key),
            ("audit anchors", &self.audit.anchors),
            ("kill switch latch", &self.kill_switch.latch),
            ("risk state", &self.state.risk_state),
            ("order journal", &self.state.journal),
        ];
        if let Some(t) = &self.kill_switch.triggers.trip_file {
            out.push(("trip file", t));
        }
        out
    }
}

/// Parses the TOML into the sections, or the one error serde stopped at.
pub fn parse_file(src: &Source) -> Result<ConfigFile, Errors> {
    toml::from_str::<ConfigFile>(src.text()).map_err(|e| {
        let raw = e.message().trim_end().to_owned();
        if let Some(key) = secret_looking_unknown_key(&raw) {
            return Errors::from(Error::Invalid {
                at: src.locate_span(e.span()),
                message: format!("`{key}` looks like a secret, and secrets are never read from the configuration file"),
                fix: crate::located::SECRET_FIX.to_owned(),
            });
        }
        let (message, fix) = match raw.split_once(FIX) {
            Some((m, f)) => (m.to_owned(), f.to_owned()),
            None => {
                let fix = if raw.starts_with("unknown field") {
                    "remove the key or correct its spelling (the keys this table takes are listed above)"
                } else if raw.starts_with("missing field") {
                    "add the key (see supreme-guard's config docs for every section)"
                } else if raw.starts_with("invalid type") || raw.starts_with("unknown variant") {
                    "give the key a value of the type it takes"
                } else {
                    "correct the TOML syntax here"
                };
                (raw, fix.to_owned())
            }
        };
        Errors::from(Error::Syntax {
            at: src.locate_span(e.span()),
            message,
            fix,
        })
    })
}

/// The key of an `unknown field` error if its name suggests a secret
/// (`token`, `password`, `private_key`...), in any section.
fn secret_looking_unknown_key(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    let key = &rest[..rest.find('`')?];
    let lower = key.to_ascii_lowercase();
    [
        "secret",
        "passphrase",
        "password",
        "passwd",
        "token",
        "api_key",
        "apikey",
        "private_key",
    ]
    .iter()
    .any(|w| lower.contains(w))
    .then_some(key)
}

fn path_override(env: &Environment, var: &'static str, field: &mut Located<PathBuf>) {
    if let Some(v) = env.get(var) {
        *field = Located::from_env(PathBuf::from(v), var);
    }
}

/// Applies the `SUPREME_*` overrides of [`crate::env`](mod@crate::env).
fn apply_overrides(file: &mut ConfigFile, env: &Environment) {
    path_override(env, env::VAULT_PATH, &mut file.vault.path);
    path_override(env, env::AUDIT_LOG, &mut file.audit.log);
    path_override(env, env::AUDIT_KEY, &mut file.audit.key);
    path_override(env, env::AUDIT_ANCHORS, &mut file.audit.anchors);
    path_override(env, env::KILL_SWITCH_LATCH, &mut file.kill_switch.latch);
    path_override(env, env::RISK_STATE, &mut file.state.risk_state);
    path_override(env, env::ORDER_JOURNAL, &mut file.state.journal);
    if let Some(v) = env.get(env::METRICS_ADDR) {
        file.metrics = Some(MetricsSection {
            listen: Located::from_env(v.to_string_lossy().into_owned(), env::METRICS_ADDR),
        });
    }
}
