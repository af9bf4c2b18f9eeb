//! `[egress]`: the hosts and ports the bot may reach, their pins, and the
//! resolver it trusts.

use std::net::SocketAddr;
use std::time::Duration;

use serde::Deserialize;
use supreme_net_guard::EgressPolicy;
use supreme_net_guard::pin::PinSet;
use supreme_net_guard::resolve::{Nameserver, ResolverSettings};

use crate::Check;
use crate::located::Located;

/// `[egress]`.
///
/// ```toml
/// [egress]
/// allow_hosts = ["api.binance.com", "*.binance.vision"]
/// ports = [443]                     # default [443]
///
/// [[egress.pins]]                   # per host, at least two pins (a backup)
/// host = "api.binance.com"
/// pins = ["sha256/...", "sha256/..."]
///
/// [[egress.nameservers]]            # default: Cloudflare over TLS
/// kind = "tls"                      # "tls", "https" ("plain" only under [danger])
/// addr = "1.1.1.1:853"
/// server_name = "cloudflare-dns.com"
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EgressSection {
    /// Host names or `*.` one-label wildcards.
    pub allow_hosts: Located<Vec<String>>,
    /// Allowed ports.
    #[serde(default)]
    pub ports: Option<Located<Vec<u16>>>,
    /// SPKI pins per host.
    #[serde(default)]
    pub pins: Vec<PinEntry>,
    /// Trusted nameservers.
    #[serde(default)]
    pub nameservers: Vec<NameserverEntry>,
    /// Per-query resolver timeout, milliseconds (default 3000).
    #[serde(default)]
    pub resolver_timeout_ms: Option<Located<u64>>,
}

/// `[[egress.pins]]`: one host's pins.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinEntry {
    /// The host.
    pub host: Located<String>,
    /// `sha256/<base64>` SPKI pins: the live key and at least one backup.
    pub pins: Located<Vec<String>>,
}

/// How a nameserver is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameserverKind {
    /// DNS-over-TLS (port 853).
    Tls,
    /// DNS-over-HTTPS (port 443).
    Https,
    /// Plain DNS: only under `[danger]` (a test resolver).
    Plain,
}

/// `[[egress.nameservers]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameserverEntry {
    /// tls, https or plain.
    pub kind: Located<NameserverKind>,
    /// Address and port.
    pub addr: Located<String>,
    /// The name on its certificate (tls and https).
    #[serde(default)]
    pub server_name: Option<Located<String>>,
}

/// The egress settings, built.
#[derive(Debug, Clone)]
pub struct Egress {
    /// The policy every request is judged by.
    pub policy: EgressPolicy,
    /// Pins per host.
    pub pins: Vec<PinSet>,
    /// The resolver.
    pub resolver: ResolverSettings,
}

impl EgressSection {
    /// Builds the policy (with exactly the `[danger]` section's loopback
    /// sockets, if any), the pin sets and the resolver settings.
    pub fn to_egress(
        &self,
        check: &mut Check<'_>,
        danger: Option<&crate::config::Danger>,
    ) -> Option<Egress> {
        let before = check.is_clean();
        let policy = self.to_policy(check, danger);
        let mut pins = Vec::new();
        for entry in &self.pins {
            if let Some(policy) = &policy
                && let Err(e) = policy.check_url(&format!(
                    "https://{}:{}/",
                    entry.host.value,
                    self.first_port()
                ))
            {
                check.invalid(
                    &entry.host.at,
                    format!("pins for {:?}, which egress refuses: {e}", entry.host.value),
                    "add the host to allow_hosts or remove its pins",
                );
                continue;
            }
            let list: Vec<&str> = entry.pins.value.iter().map(String::as_str).collect();
            match PinSet::new(&entry.host.value, &list) {
                Ok(set) => pins.push(set),
                Err(supreme_net_guard::Error::NoBackupPin { host }) => check.invalid(
                    &entry.pins.at,
                    format!("{host} has one distinct pin and no backup: a key rotation would cut the bot off"),
                    "add the pin of a backup key you hold offline (or of the CA's next intermediate): at least two distinct pins",
                ),
                Err(e) => check.invalid(&entry.pins.at, e.to_string(), "write each pin as sha256/<base64 of the SPKI's SHA-256>"),
            }
        }
        let mut resolver = ResolverSettings::default();
        if let Some(t) = &self.resolver_timeout_ms {
            if (1..=60_000).contains(&t.value) {
                resolver.timeout = Duration::from_millis(t.value);
            } else {
                check.invalid(
                    &t.at,
                    format!("resolver_timeout_ms {} is outside 1..=60000", t.value),
                    "use a few seconds, e.g. 3000",
                );
            }
        }
        if !self.nameservers.is_empty() {
            resolver.nameservers = self
                .nameservers
                .iter()
                .filter_map(|n| n.to_nameserver(check, danger))
                .collect();
        }
        (before && check.is_clean()).then(|| Egress {
            policy: policy.unwrap_or_default(),
            pins,
            resolver,
        })
    }

    /// The first allowed port (443 when the section lists none).
    fn first_port(&self) -> u16 {
        self.ports
            .as_ref()
            .and_then(|p| p.value.first().copied())
            .unwrap_or(443)
    }

    /// The egress policy alone.
    pub fn to_policy(
        &self,
        check: &mut Check<'_>,
        danger: Option<&crate::config::Danger>,
    ) -> Option<EgressPolicy> {
        let mut builder = EgressPolicy::builder();
        if self.allow_hosts.value.is_empty() {
            check.invalid(
                &self.allow_hosts.at,
                "allow_hosts is empty: any public host would pass",
                "list the exchange's hosts, e.g. [\"api.binance.com\"]",
            );
            return None;
        }
        let mut ok = true;
        for h in &self.allow_hosts.value {
            match builder.clone().allow_host(h) {
                Ok(b) => builder = b,
                Err(e) => {
                    check.invalid(
                        &self.allow_hosts.at,
                        e.to_string(),
                        "write a host name or a one-label wildcard such as *.binance.com",
                    );
                    ok = false;
                }
            }
        }
        if let Some(ports) = &self.ports {
            if ports.value.is_empty() || ports.value.contains(&0) {
                check.invalid(
                    &ports.at,
                    "ports must list at least one port, none of them 0",
                    "use [443]",
                );
                ok = false;
            }
            for p in &ports.value {
                builder = builder.allow_port(*p);
            }
        }
        if let Some(danger) = danger {
            let mut d = builder.dangerous();
            for s in &danger.loopback_targets {
                d = d.allow_socket(*s);
            }
            builder = d.done();
        }
        ok.then(|| builder.build())
    }
}

impl NameserverEntry {
    fn to_nameserver(
        &self,
        check: &mut Check<'_>,
        danger: Option<&crate::config::Danger>,
    ) -> Option<Nameserver> {
        let addr: SocketAddr = match self.addr.value.parse() {
            Ok(a) => a,
            Err(_) => {
                check.invalid(
                    &self.addr.at,
                    format!("{:?} is not an address and port", self.addr.value),
                    "write it as 1.1.1.1:853",
                );
                return None;
            }
        };
        let name = || match &self.server_name {
            Some(n) if !n.value.is_empty() => Some(n.value.clone()),
            _ => None,
        };
        match self.kind.value {
            NameserverKind::Plain if danger.is_some_and(|d| d.plain_dns) => {
                Some(Nameserver::Plain(addr))
            }
            NameserverKind::Plain => {
                check.invalid(&self.kind.at, "plain DNS can be forged by anyone on the path", "use kind = \"tls\" or \"https\"; a test resolver needs [danger] plain_dns = true");
                None
            }
            kind => {
                let Some(server_name) = name() else {
                    check.invalid(
                        &self.kind.at,
                        "a tls or https nameserver needs server_name",
                        "add server_name = \"cloudflare-dns.com\" (the name on its certificate)",
                    );
                    return None;
                };
                Some(if kind == NameserverKind::Tls {
                    Nameserver::Tls { addr, server_name }
                } else {
                    Nameserver::Https { addr, server_name }
                })
            }
        }
    }
}
