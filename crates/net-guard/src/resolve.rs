//! Trusted resolution: hickory-resolver against configured nameservers only
//! (DNS-over-TLS or DNS-over-HTTPS by default, plain UDP/TCP when asked),
//! hosts file off, TTLs capped, and every answer judged by the policy.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use hickory_resolver::config::{
    ConnectionConfig, LookupIpStrategy, NameServerConfig, ResolveHosts, ResolverConfig,
    ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::{Resolver, TokioResolver};

use crate::danger::ExtraRoots;
use crate::tls_config::client_config;
use crate::{EgressPolicy, Error};

/// A nameserver the bot trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nameserver {
    /// Plain DNS over UDP, falling back to TCP (a local or test resolver).
    Plain(SocketAddr),
    /// DNS-over-TLS, verified against webpki-roots for `server_name`.
    Tls {
        /// Address and port (853).
        addr: SocketAddr,
        /// Name on the server's certificate.
        server_name: String,
    },
    /// DNS-over-HTTPS.
    Https {
        /// Address and port (443).
        addr: SocketAddr,
        /// Name on the server's certificate.
        server_name: String,
    },
}

impl Nameserver {
    /// Cloudflare's DNS-over-TLS resolvers.
    pub fn cloudflare_tls() -> Vec<Self> {
        ["1.1.1.1:853", "1.0.0.1:853"]
            .iter()
            .filter_map(|a| a.parse().ok())
            .map(|addr| Self::Tls {
                addr,
                server_name: "cloudflare-dns.com".into(),
            })
            .collect()
    }

    fn to_config(&self) -> NameServerConfig {
        let (addr, conns) = match self {
            Self::Plain(a) => (*a, vec![ConnectionConfig::udp(), ConnectionConfig::tcp()]),
            Self::Tls { addr, server_name } => (
                *addr,
                vec![ConnectionConfig::tls(Arc::from(server_name.as_str()))],
            ),
            Self::Https { addr, server_name } => (
                *addr,
                vec![ConnectionConfig::https(
                    Arc::from(server_name.as_str()),
                    None,
                )],
            ),
        };
        let conns = conns
            .into_iter()
            .map(|mut c| {
                c.port = addr.port();
                c
            })
            .collect();
        NameServerConfig::new(addr.ip(), true, conns)
    }
}

/// Resolver settings.
#[derive(Debug, Clone)]
pub struct ResolverSettings {
    /// The trusted nameservers (at least one).
    pub nameservers: Vec<Nameserver>,
    /// Longest time an answer is cached.
    pub ttl_cap: Duration,
    /// Per-query timeout.
    pub timeout: Duration,
}

impl Default for ResolverSettings {
    /// Cloudflare over TLS, TTL capped at 60 s, 3 s timeout.
    fn default() -> Self {
        Self {
            nameservers: Nameserver::cloudflare_tls(),
            ttl_cap: Duration::from_secs(60),
            timeout: Duration::from_secs(3),
        }
    }
}

type Cache = Arc<Mutex<HashMap<String, (Vec<IpAddr>, Instant)>>>;

/// Most names kept in the resolver's own answer cache.
const CACHE_MAX: usize = 1024;

/// Resolves through trusted nameservers and judges every answer.
///
/// Answers are kept until their (capped) TTL runs out; they are judged by
/// the policy on every use, cached or not.
#[derive(Clone)]
pub struct GuardedResolver {
    inner: TokioResolver,
    policy: Arc<EgressPolicy>,
    cache: Cache,
}

impl std::fmt::Debug for GuardedResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardedResolver").finish_non_exhaustive()
    }
}

impl GuardedResolver {
    /// A resolver over `settings.nameservers` only; hosts file off.
    /// DNS-over-TLS and DNS-over-HTTPS servers are verified against webpki-roots.
    pub fn new(settings: &ResolverSettings, policy: Arc<EgressPolicy>) -> Result<Self, Error> {
        Self::with_extra_roots(settings, policy, &ExtraRoots::default())
    }

    /// As [`new`](Self::new), also trusting exactly the CAs in `extra` for
    /// DNS-over-TLS/HTTPS servers (a test's DoT server; see [`crate::danger`]).
    pub fn with_extra_roots(
        settings: &ResolverSettings,
        policy: Arc<EgressPolicy>,
        extra: &ExtraRoots,
    ) -> Result<Self, Error> {
        if settings.nameservers.is_empty() {
            return Err(Error::Config("no nameservers".into()));
        }
        let config = ResolverConfig::from_name_servers(
            settings
                .nameservers
                .iter()
                .map(Nameserver::to_config)
                .collect(),
        );
        let mut opts = ResolverOpts::default();
        opts.use_hosts_file = ResolveHosts::Never;
        opts.positive_max_ttl = Some(settings.ttl_cap);
        opts.negative_max_ttl = Some(settings.ttl_cap);
        opts.timeout = settings.timeout;
        opts.attempts = 1;
        opts.ndots = 0;
        opts.ip_strategy = LookupIpStrategy::Ipv4AndIpv6;
        let mut tls = client_config(&[], extra, None)?;
        tls.alpn_protocols.clear();
        let inner = Resolver::builder_with_config(config, TokioRuntimeProvider::default())
            .with_options(opts)
            .with_tls_config(tls)
            .build()
            .map_err(|e| Error::Config(e.to_string()))?;
        Ok(Self {
            inner,
            policy,
            cache: Cache::default(),
        })
    }

    /// The policy answers are judged by.
    pub fn policy(&self) -> &EgressPolicy {
        &self.policy
    }

    /// All A and AAAA addresses of `host`, each judged for `port`; denied if any is.
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<IpAddr>, Error> {
        let addrs = self.lookup(host).await?;
        self.policy.check_addrs(host, &addrs, port)?;
        Ok(addrs)
    }

    /// The trusted nameservers' answer for `host` (cached up to its capped
    /// TTL), not yet judged: callers judge it for the port they connect to.
    pub(crate) async fn lookup(&self, host: &str) -> Result<Vec<IpAddr>, Error> {
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(host)
            .filter(|(_, until)| *until > Instant::now())
            .map(|(addrs, _)| addrs.clone());
        if let Some(addrs) = cached {
            return Ok(addrs);
        }
        let fqdn = format!("{}.", host.trim_end_matches('.'));
        let lookup = self.inner.lookup_ip(fqdn.as_str()).await.map_err(|e| {
            if e.is_no_records_found() || e.is_nx_domain() {
                Error::NoAddresses {
                    host: host.to_string(),
                }
            } else {
                Error::Resolve {
                    host: host.to_string(),
                    reason: e.to_string(),
                }
            }
        })?;
        let mut addrs: Vec<IpAddr> = lookup.iter().collect();
        addrs.sort_unstable();
        addrs.dedup();
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= CACHE_MAX {
            let now = Instant::now();
            cache.retain(|_, (_, until)| *until > now);
            if cache.len() >= CACHE_MAX {
                cache.clear();
            }
        }
        cache.insert(host.to_string(), (addrs.clone(), lookup.valid_until()));
        Ok(addrs)
    }
}
