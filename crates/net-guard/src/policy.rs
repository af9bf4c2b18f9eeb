//! The egress policy: https only, a host allowlist, allowed ports,
//! IP-literal hosts denied unless listed, and every address judged by
//! [`classify()`](crate::classify::classify).
//!
//! URLs go through the WHATWG parser of the `url` crate, so the forms a
//! browser would accept reach the address they really reach:
//! `https://2130706433/`, `https://0x7f.1/`, `https://0177.0.0.1/` and
//! `https://127.1/` are all `127.0.0.1`; `https://api.binance.com@10.0.0.1/`
//! is `10.0.0.1` with a user name.

use std::net::IpAddr;

use url::{Host, Url};

use crate::Error;
use crate::classify::classify;
use crate::danger::Allowances;

/// One allowlist entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// This name exactly.
    Exact(String),
    /// `*.suffix`: exactly one label before `suffix` (`.suffix` stored).
    OneLabel(String),
}

impl HostPattern {
    /// Parses `name` or `*.name`: lowercased, IDNA to punycode, trailing dot stripped.
    pub fn parse(pattern: &str) -> Result<Self, Error> {
        match pattern.strip_prefix("*.") {
            Some(rest) => Ok(Self::OneLabel(format!(".{}", normalize_name(rest)?))),
            None => Ok(Self::Exact(normalize_name(pattern)?)),
        }
    }

    /// Does `host` (already normalized) match?
    pub fn matches(&self, host: &str) -> bool {
        match self {
            Self::Exact(name) => name == host,
            Self::OneLabel(suffix) => host
                .strip_suffix(suffix.as_str())
                .is_some_and(|label| !label.is_empty() && !label.contains('.')),
        }
    }
}

/// Normalizes a domain name: IDNA (UTS 46) to lowercase punycode, trailing dot stripped.
pub fn normalize_name(name: &str) -> Result<String, Error> {
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    match Host::parse(trimmed) {
        Ok(Host::Domain(d)) if !d.is_empty() => Ok(d),
        Ok(_) => Err(Error::InvalidHost {
            host: name.to_string(),
            reason: "an IP address, not a name".into(),
        }),
        Err(e) => Err(Error::InvalidHost {
            host: name.to_string(),
            reason: e.to_string(),
        }),
    }
}

/// Where a checked URL goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetHost {
    /// A name still to resolve (normalized).
    Name(String),
    /// An IP literal, already judged.
    Ip(IpAddr),
}

/// A URL that passed the policy (names still need their addresses checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The parsed URL.
    pub url: Url,
    /// The host.
    pub host: TargetHost,
    /// The port (443 unless given).
    pub port: u16,
}

impl Target {
    /// The host as a string (name, or the address).
    pub fn host_str(&self) -> String {
        match &self.host {
            TargetHost::Name(n) => n.clone(),
            TargetHost::Ip(ip) => ip.to_string(),
        }
    }
}

/// The egress policy. Build with [`EgressPolicy::builder`].
#[derive(Debug, Clone)]
pub struct EgressPolicy {
    hosts: Vec<HostPattern>,
    ports: Vec<u16>,
    literals: Vec<IpAddr>,
    pub(crate) allow: Allowances,
}

impl Default for EgressPolicy {
    /// Any public host on port 443.
    fn default() -> Self {
        Self {
            hosts: Vec::new(),
            ports: vec![443],
            literals: Vec::new(),
            allow: Allowances::default(),
        }
    }
}

impl EgressPolicy {
    /// A builder: no allowlist (any public host), port 443.
    pub fn builder() -> EgressPolicyBuilder {
        EgressPolicyBuilder {
            policy: Self::default(),
            ports_set: false,
        }
    }

    /// `true` when no allowlist is set (any public host passes).
    pub fn allows_any_public_host(&self) -> bool {
        self.hosts.is_empty()
    }

    /// Checks a URL string.
    pub fn check_url(&self, url: &str) -> Result<Target, Error> {
        let parsed = Url::parse(url).map_err(|e| Error::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        self.check_parsed(&parsed)
    }

    /// Checks a parsed URL: scheme, host or literal, port, then userinfo.
    pub fn check_parsed(&self, url: &Url) -> Result<Target, Error> {
        if url.scheme() != "https" {
            return Err(Error::SchemeNotHttps {
                scheme: url.scheme().to_string(),
            });
        }
        let port = url.port_or_known_default().unwrap_or(443);
        let host = match url.host() {
            None => {
                return Err(Error::InvalidUrl {
                    url: url.to_string(),
                    reason: "no host".into(),
                });
            }
            Some(Host::Ipv4(v4)) => TargetHost::Ip(IpAddr::V4(v4)),
            Some(Host::Ipv6(v6)) => TargetHost::Ip(IpAddr::V6(v6)),
            Some(Host::Domain(d)) => {
                TargetHost::Name(d.strip_suffix('.').unwrap_or(d).to_ascii_lowercase())
            }
        };
        let host_str = match &host {
            TargetHost::Ip(ip) => {
                self.check_addr_inner(&ip.to_string(), *ip, port)?;
                if !self.literals.contains(ip) && !self.allow.allows(*ip, port) {
                    return Err(Error::IpLiteralNotAllowed { addr: *ip });
                }
                ip.to_string()
            }
            TargetHost::Name(name) => {
                self.check_name(name)?;
                name.clone()
            }
        };
        let exact_socket = matches!(host, TargetHost::Ip(ip) if self.allow.allows(ip, port));
        if !self.ports.contains(&port) && !exact_socket {
            return Err(Error::PortNotAllowed {
                host: host_str,
                port,
            });
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::UserinfoRefused { host: host_str });
        }
        Ok(Target {
            url: url.clone(),
            host,
            port,
        })
    }

    /// Judges one resolved (or literal) address for `host`, on `port`.
    pub fn check_addr(&self, host: &str, addr: IpAddr, port: u16) -> Result<(), Error> {
        self.check_addr_inner(host, addr, port)
    }

    /// Judges every address of `host`: denied if any one is denied, or if there are none.
    pub fn check_addrs(&self, host: &str, addrs: &[IpAddr], port: u16) -> Result<(), Error> {
        if addrs.is_empty() {
            return Err(Error::NoAddresses {
                host: host.to_string(),
            });
        }
        addrs
            .iter()
            .try_for_each(|a| self.check_addr_inner(host, *a, port))
    }

    /// The allowlist alone, for a normalized host name (lower case, no
    /// trailing dot): [`Error::HostNotAllowed`] unless a pattern matches
    /// (any name passes when no allowlist is set).
    pub(crate) fn check_name(&self, name: &str) -> Result<(), Error> {
        if !self.hosts.is_empty() && !self.hosts.iter().any(|p| p.matches(name)) {
            return Err(Error::HostNotAllowed {
                host: name.to_string(),
            });
        }
        Ok(())
    }

    /// An IP-literal host the policy lists, or one an exact test allowance
    /// names (on some port: the connector then judges the exact socket).
    pub(crate) fn allows_literal(&self, addr: IpAddr) -> bool {
        self.literals.contains(&addr) || self.allow.allows_ip(addr)
    }

    /// The socket a new connection really reached: its address judged as
    /// [`check_addr`](Self::check_addr) does, and its port allowed (or the
    /// exact socket allowed by a test allowance).
    pub(crate) fn check_peer(&self, peer: std::net::SocketAddr) -> Result<(), Error> {
        let host = format!("connected peer {peer}");
        self.check_addr_inner(&host, peer.ip(), peer.port())?;
        if !self.ports.contains(&peer.port()) && !self.allow.allows(peer.ip(), peer.port()) {
            return Err(Error::PortNotAllowed {
                host,
                port: peer.port(),
            });
        }
        Ok(())
    }

    fn check_addr_inner(&self, host: &str, addr: IpAddr, port: u16) -> Result<(), Error> {
        match classify(addr) {
            Ok(()) => Ok(()),
            Err(_) if self.allow.allows(addr, port) => Ok(()),
            Err(denied) => Err(Error::AddressDenied {
                host: host.to_string(),
                denied,
            }),
        }
    }
}

/// Builds an [`EgressPolicy`].
#[derive(Debug, Clone)]
pub struct EgressPolicyBuilder {
    policy: EgressPolicy,
    ports_set: bool,
}

impl EgressPolicyBuilder {
    /// Allows a host name or a `*.` one-label wildcard (`*.binance.com`).
    pub fn allow_host(mut self, pattern: &str) -> Result<Self, Error> {
        self.policy.hosts.push(HostPattern::parse(pattern)?);
        Ok(self)
    }

    /// Allows a port (the first call replaces the default 443).
    pub fn allow_port(mut self, port: u16) -> Self {
        if !self.ports_set {
            self.policy.ports.clear();
            self.ports_set = true;
        }
        self.policy.ports.push(port);
        self
    }

    /// Lists an IP-literal host (it must still be global unicast).
    pub fn allow_ip_literal(mut self, addr: IpAddr) -> Self {
        self.policy.literals.push(addr);
        self
    }

    /// Test-only allowances: see [`crate::danger`].
    pub fn dangerous(self) -> crate::danger::DangerousPolicyBuilder {
        crate::danger::DangerousPolicyBuilder { inner: self }
    }

    pub(crate) fn allowances_mut(&mut self) -> &mut Allowances {
        &mut self.policy.allow
    }

    /// The policy.
    pub fn build(self) -> EgressPolicy {
        self.policy
    }
}

#[cfg(test)]
mod tests;
