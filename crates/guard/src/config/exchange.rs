//! `[exchange]`: where orders go.

use serde::Deserialize;

use supreme_core::Symbol;

use crate::Check;
use crate::located::{Located, SecretKey, refuse_secret};

/// Binance's spot testnet.
pub const TESTNET_HOST: &str = "testnet.binance.vision";

/// Which network the base URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// `testnet.binance.vision`: play money.
    Testnet,
    /// `*.binance.com`: real money.
    Real,
    /// A loopback target the `[danger]` section lists (a simulator).
    Loopback,
}

/// `[exchange]`.
///
/// ```toml
/// [exchange]
/// base_url = "https://testnet.binance.vision"   # https only
/// recv_window_ms = 5000                          # 1..=60000, default 5000
/// symbols = ["BTCUSDT", "ETHBTC"]                # what the bot trades (the risk book tracks them)
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeSection {
    /// The REST base URL: `https://api.binance.com` (real) or
    /// `https://testnet.binance.vision` (testnet).
    pub base_url: Located<String>,
    /// Binance's `recvWindow`, milliseconds.
    #[serde(default)]
    pub recv_window_ms: Option<Located<u64>>,
    /// The symbols the bot trades: the risk book tracks them, their marks
    /// and the balances of their assets (required by `Guard`).
    #[serde(default)]
    pub symbols: Option<Located<Vec<String>>>,
    #[serde(default)]
    api_key: SecretKey,
    #[serde(default)]
    api_secret: SecretKey,
    #[serde(default)]
    secret: SecretKey,
}

/// The exchange settings, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The base URL (no trailing slash).
    pub base_url: String,
    /// Testnet, real, or a loopback simulator.
    pub network: Network,
    /// `recvWindow`, milliseconds.
    pub recv_window_ms: u64,
    /// The symbols the bot trades.
    pub symbols: Vec<Symbol>,
}

impl ExchangeSection {
    /// Validates the section. `loopback` is the `[danger]` section's list
    /// of loopback targets (empty without one).
    pub fn to_exchange(
        &self,
        check: &mut Check<'_>,
        loopback: &[std::net::SocketAddr],
        test_host: Option<&str>,
    ) -> Option<Exchange> {
        let mut symbols = Vec::new();
        let listed = self
            .symbols
            .iter()
            .flat_map(|l| l.value.iter().map(move |s| (s, &l.at)));
        for (s, at) in listed {
            match Symbol::new(s) {
                Ok(sym) if !symbols.contains(&sym) => symbols.push(sym),
                Ok(_) => check.invalid(
                    at,
                    format!("symbol {s:?} is listed twice"),
                    "list each symbol once",
                ),
                Err(e) => check.invalid(
                    at,
                    format!("symbol {s:?}: {e}"),
                    "write Binance's symbol, e.g. \"BTCUSDT\"",
                ),
            }
        }
        for (key, v) in [
            ("api_key", &self.api_key),
            ("api_secret", &self.api_secret),
            ("secret", &self.secret),
        ] {
            if let Some(v) = v {
                refuse_secret(check, key, &v.at);
            }
        }
        let recv_window_ms = match &self.recv_window_ms {
            None => 5000,
            Some(r) if (1..=60_000).contains(&r.value) => r.value,
            Some(r) => {
                check.invalid(
                    &r.at,
                    format!(
                        "recv_window_ms {} is outside 1..=60000 (Binance's range)",
                        r.value
                    ),
                    "set it to a few seconds, e.g. 5000",
                );
                return None;
            }
        };
        let at = &self.base_url.at;
        let raw = self.base_url.value.trim_end_matches('/');
        let url = match url::Url::parse(raw) {
            Ok(u) => u,
            Err(e) => {
                check.invalid(
                    at,
                    format!("base_url {raw:?} is not a URL: {e}"),
                    "write it as https://api.binance.com",
                );
                return None;
            }
        };
        if url.scheme() != "https" {
            check.invalid(
                at,
                format!(
                    "base_url uses {}, not https: requests and signatures would travel in clear",
                    url.scheme()
                ),
                "use https://api.binance.com (real) or https://testnet.binance.vision (testnet)",
            );
            return None;
        }
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let port = url.port_or_known_default().unwrap_or(443);
        let test_socket = loopback.iter().any(|s| s.port() == port);
        let network = if host == TESTNET_HOST {
            Network::Testnet
        } else if host == "binance.com" || host.ends_with(".binance.com") {
            Network::Real
        } else if loopback.iter().any(|s| {
            host.trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .ok()
                == Some(s.ip())
                && s.port() == port
        }) || (test_host == Some(host.as_str()) && test_socket)
        {
            Network::Loopback
        } else {
            check.invalid(
                at,
                format!("base_url host {host:?} is neither Binance (*.binance.com) nor its testnet ({TESTNET_HOST})"),
                "use https://api.binance.com or https://testnet.binance.vision; a simulator on loopback needs [danger] loopback_targets",
            );
            return None;
        };
        Some(Exchange {
            base_url: raw.to_owned(),
            network,
            recv_window_ms,
            symbols,
        })
    }
}
