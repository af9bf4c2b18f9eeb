//! `[danger]`: test-only switches, refused unless `SUPREME_ALLOW_DANGER=1`.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

use crate::Check;
use crate::located::Located;

/// `[danger]`: for tests and the simulator only.
///
/// ```toml
/// [danger]                         # refused unless SUPREME_ALLOW_DANGER=1
/// test_ca = "ca.pem"               # trust this CA too (a CA made at test time)
/// loopback_targets = ["127.0.0.1:8443"]  # exactly these loopback sockets
/// exchange_host = "api.binance.test"     # a simulator's name (its DNS server is a [[egress.nameservers]])
/// plain_dns = true                 # allow kind = "plain" nameservers
/// public_metrics = true            # allow metrics on a non-loopback address
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DangerSection {
    /// An extra CA certificate (PEM).
    #[serde(default)]
    pub test_ca: Option<Located<PathBuf>>,
    /// Loopback sockets egress may reach.
    #[serde(default)]
    pub loopback_targets: Vec<Located<String>>,
    /// The host name of a simulated exchange (served on a loopback target).
    #[serde(default)]
    pub exchange_host: Option<Located<String>>,
    /// Allow plain DNS.
    #[serde(default)]
    pub plain_dns: bool,
    /// Allow metrics on a public address.
    #[serde(default)]
    pub public_metrics: bool,
}

/// The test-only switches, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Danger {
    /// The extra CA.
    pub test_ca: Option<PathBuf>,
    /// The loopback sockets.
    pub loopback_targets: Vec<SocketAddr>,
    /// A simulated exchange's host name.
    pub exchange_host: Option<String>,
    /// Plain DNS allowed.
    pub plain_dns: bool,
    /// Public metrics allowed.
    pub public_metrics: bool,
}

impl DangerSection {
    /// Validates the section.
    pub fn to_danger(&self, check: &mut Check<'_>) -> Danger {
        let mut loopback_targets = Vec::new();
        for t in &self.loopback_targets {
            match t.value.parse::<SocketAddr>() {
                Ok(s) if s.ip().is_loopback() => loopback_targets.push(s),
                Ok(s) => check.invalid(
                    &t.at,
                    format!("{s} is not a loopback address"),
                    "list only 127.0.0.1 or [::1] sockets of test servers",
                ),
                Err(_) => check.invalid(
                    &t.at,
                    format!("{:?} is not an address and port", t.value),
                    "write it as 127.0.0.1:8443",
                ),
            }
        }
        Danger {
            test_ca: self.test_ca.as_ref().map(|c| check.path("test CA", c)),
            loopback_targets,
            exchange_host: self
                .exchange_host
                .as_ref()
                .map(|h| h.value.to_ascii_lowercase()),
            plain_dns: self.plain_dns,
            public_metrics: self.public_metrics,
        }
    }
}
