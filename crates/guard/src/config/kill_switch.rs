//! `[kill_switch]`: the latch, who may reset, what to flatten, what trips it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use supreme_core::Asset;
use supreme_core::operator::{OperatorPublicKey, valid_operator_name};
use supreme_kill_switch::ResetPolicy;
use supreme_kill_switch::triggers::ErrorRateLimit;

use crate::Check;
use crate::located::Located;

/// `[kill_switch]`.
///
/// ```toml
/// [kill_switch]
/// latch = "kill-switch.latch"      # SUPREME_KILL_SWITCH_LATCH overrides
/// flatten_assets = ["BTC", "ETH"]  # sold when the switch trips with flatten
///
/// [kill_switch.reset]
/// cooldown_secs = 300
/// quorum = 2                       # distinct operators per reset
/// max_token_lifetime_secs = 600
/// operators = { alice = "<64 hex>", bob = "<64 hex>" }  # public keys only
///
/// [kill_switch.triggers]
/// dead_man_secs = 30
/// stale_data_secs = 10
/// trip_file = "TRIP"
/// error_rate = { window_secs = 60, min_errors = 5, max_error_permille = 500 }
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KillSwitchSection {
    /// The latch file.
    pub latch: Located<PathBuf>,
    /// Assets sold when a trip flattens.
    #[serde(default)]
    pub flatten_assets: Vec<Located<String>>,
    /// The reset policy.
    pub reset: ResetSection,
    /// Triggers.
    #[serde(default)]
    pub triggers: TriggersSection,
}

/// `[kill_switch.reset]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetSection {
    /// Seconds after a trip before a reset is accepted.
    pub cooldown_secs: Located<u64>,
    /// Distinct operators a reset needs.
    pub quorum: Located<usize>,
    /// Longest token lifetime accepted (default 3600).
    #[serde(default)]
    pub max_token_lifetime_secs: Option<Located<u64>>,
    /// Operator name to Ed25519 public key (64 hex digits).
    pub operators: Located<BTreeMap<String, String>>,
}

/// `[kill_switch.triggers]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggersSection {
    /// Trip when the bot has not beaten for this long.
    #[serde(default)]
    pub dead_man_secs: Option<Located<u64>>,
    /// Trip when market data is this old.
    #[serde(default)]
    pub stale_data_secs: Option<Located<u64>>,
    /// Trip when this file appears.
    #[serde(default)]
    pub trip_file: Option<Located<PathBuf>>,
    /// Trip on an error rate.
    #[serde(default)]
    pub error_rate: Option<Located<ErrorRateEntry>>,
}

/// `error_rate`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorRateEntry {
    /// The window.
    pub window_secs: u64,
    /// At least this many errors...
    pub min_errors: u32,
    /// ...making at least this share, per mille (0: the count alone).
    #[serde(default)]
    pub max_error_permille: u32,
}

/// The triggers, built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Triggers {
    /// Dead man's switch timeout.
    pub dead_man: Option<Duration>,
    /// Stale-data age.
    pub stale_data: Option<Duration>,
    /// The trip file.
    pub trip_file: Option<PathBuf>,
    /// The error-rate limit.
    pub error_rate: Option<ErrorRateLimit>,
}

/// The kill switch's settings, built.
#[derive(Debug, Clone)]
pub struct KillSwitch {
    /// The latch file.
    pub latch: PathBuf,
    /// Assets to flatten.
    pub flatten_assets: Vec<Asset>,
    /// Who may reset.
    pub reset: ResetPolicy,
    /// Triggers.
    pub triggers: Triggers,
}

fn secs(check: &mut Check<'_>, what: &str, v: &Option<Located<u64>>) -> Option<Duration> {
    let v = v.as_ref()?;
    if v.value == 0 || v.value > 86_400 {
        check.invalid(
            &v.at,
            format!("{what} {} is outside 1..=86400 seconds", v.value),
            "remove it to disable the trigger, or set a positive number of seconds",
        );
        return None;
    }
    Some(Duration::from_secs(v.value))
}

impl ResetSection {
    /// The reset [`ResetPolicy`] (core's operator policy).
    pub fn to_reset_policy(&self, check: &mut Check<'_>) -> Option<ResetPolicy> {
        let mut policy = ResetPolicy::new(Duration::from_secs(self.cooldown_secs.value));
        if let Some(l) = &self.max_token_lifetime_secs {
            if l.value == 0 {
                check.invalid(
                    &l.at,
                    "max_token_lifetime_secs 0 would refuse every token",
                    "use a few minutes, e.g. 600",
                );
                return None;
            }
            policy = policy.max_token_lifetime(Duration::from_secs(l.value));
        }
        let ops = &self.operators;
        if ops.value.is_empty() {
            check.invalid(
                &ops.at,
                "no operators: no one could ever reset the switch",
                "add operators = { alice = \"<public key hex>\" } (supreme kill-switch keygen)",
            );
            return None;
        }
        let q = self.quorum.value;
        if q == 0 || q > ops.value.len() {
            check.invalid(
                &self.quorum.at,
                format!(
                    "quorum {q} must be between 1 and the number of operators ({})",
                    ops.value.len()
                ),
                "lower the quorum or add operators",
            );
            return None;
        }
        policy = policy.quorum(q);
        let mut keys: Vec<(OperatorPublicKey, &str)> = Vec::new();
        for (name, hex) in &ops.value {
            if !valid_operator_name(name) {
                check.invalid(
                    &ops.at,
                    format!("bad operator name {name:?}"),
                    "use letters, digits, '-' or '_'",
                );
                return None;
            }
            let key = check.ok(
                &ops.at,
                OperatorPublicKey::from_hex(hex),
                "give the 64 hex digits `supreme kill-switch keygen` printed",
            )?;
            if let Some((_, other)) = keys.iter().find(|(k, _)| *k == key) {
                check.invalid(&ops.at, format!("operators {other:?} and {name:?} have the same key, so a quorum would count them once"), "give each operator their own key");
                return None;
            }
            keys.push((key, name));
            policy = policy.operator(name.clone(), key);
        }
        Some(policy)
    }
}

impl KillSwitchSection {
    /// The latch, flatten list, reset policy and triggers.
    pub fn to_kill_switch(&self, check: &mut Check<'_>) -> Option<KillSwitch> {
        let latch = check.path("kill switch latch", &self.latch);
        let mut bad = false;
        let mut flatten_assets = Vec::new();
        for a in &self.flatten_assets {
            match check.ok(&a.at, Asset::new(&a.value), "use an asset code such as BTC") {
                Some(asset) => flatten_assets.push(asset),
                None => bad = true,
            }
        }
        let reset = self.reset.to_reset_policy(check);
        let t = &self.triggers;
        let mut triggers = Triggers {
            dead_man: secs(check, "dead_man_secs", &t.dead_man_secs),
            stale_data: secs(check, "stale_data_secs", &t.stale_data_secs),
            trip_file: t.trip_file.as_ref().map(|f| check.path("trip file", f)),
            error_rate: None,
        };
        bad |= t.dead_man_secs.is_some() != triggers.dead_man.is_some();
        bad |= t.stale_data_secs.is_some() != triggers.stale_data.is_some();
        if let Some(e) = &t.error_rate {
            let v = e.value;
            if v.window_secs == 0 || v.min_errors == 0 || v.max_error_permille > 1000 {
                check.invalid(&e.at, "error_rate needs window_secs and min_errors above zero and max_error_permille at most 1000", "e.g. { window_secs = 60, min_errors = 5, max_error_permille = 500 }");
                bad = true;
            } else {
                triggers.error_rate = Some(ErrorRateLimit {
                    window: Duration::from_secs(v.window_secs),
                    min_errors: v.min_errors,
                    max_error_permille: v.max_error_permille,
                });
            }
        }
        let reset = reset?;
        (!bad).then_some(KillSwitch {
            latch,
            flatten_assets,
            reset,
            triggers,
        })
    }
}
