//! `[metrics]`: where the Prometheus endpoint listens.

use std::net::SocketAddr;

use serde::Deserialize;

use crate::Check;
use crate::located::Located;

/// `[metrics]`.
///
/// ```toml
/// [metrics]
/// listen = "127.0.0.1:9464"        # loopback only; SUPREME_METRICS_ADDR overrides
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSection {
    /// The listen address.
    pub listen: Located<String>,
}

impl MetricsSection {
    /// The address: loopback, unless `[danger]` says `public_metrics = true`.
    pub fn to_addr(&self, check: &mut Check<'_>, allow_public: bool) -> Option<SocketAddr> {
        let Ok(addr) = self.listen.value.parse::<SocketAddr>() else {
            check.invalid(
                &self.listen.at,
                format!("{:?} is not an address and port", self.listen.value),
                "write it as 127.0.0.1:9464",
            );
            return None;
        };
        if !addr.ip().is_loopback() && !allow_public {
            check.invalid(
                &self.listen.at,
                format!("metrics on {addr} would tell anyone who can reach it the bot's positions and limits"),
                "listen on 127.0.0.1 (scrape through an SSH tunnel or a local agent)",
            );
            return None;
        }
        Some(addr)
    }
}
