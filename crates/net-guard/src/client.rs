//! The guarded HTTPS client: reqwest with our TLS config (ring, pins), our
//! resolver (trusted nameservers, every answer judged), https only, no
//! proxy, redirects off or re-checked hop by hop, and the connected peer
//! checked against the addresses that were judged.
//!
//! Each request resolves its host through [`GuardedResolver`] first; the
//! judged addresses are what reqwest's connector receives (its resolver hook
//! only reads them), so there is no second lookup and no DNS rebinding.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, LOCATION};
use reqwest::{Method, Response};

use crate::danger::ExtraRoots;
use crate::hsts::{Hsts, HstsMode};
use crate::resolve::{GuardedResolver, ResolverSettings};
use crate::tls_config::find_our_error;
use crate::{EgressPolicy, Error, Target, TargetHost};

/// Something worth a warning that did not stop the request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// HSTS missing or weakened on a host (see [`HstsMode`]).
    HstsWarning {
        /// The host.
        host: String,
        /// What is wrong.
        problem: String,
    },
    /// Credential headers were dropped on a cross-origin redirect.
    CredentialsDropped {
        /// The origin they were meant for.
        from: String,
        /// Where the redirect went.
        to: String,
    },
}

type EventSink = Arc<dyn Fn(&Event) + Send + Sync>;
type Checked = Arc<Mutex<HashMap<String, Vec<IpAddr>>>>;

mod builder;
mod limited;

pub use builder::{DangerousClientBuilder, GuardedClientBuilder};

/// The headers that carry credentials and never cross origins.
const CREDENTIAL_HEADERS: [&str; 3] = ["x-mbx-apikey", "authorization", "cookie"];

/// The guarded client. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct GuardedClient {
    http: reqwest::Client,
    resolver: GuardedResolver,
    checked: Checked,
    policy: Arc<EgressPolicy>,
    hsts: HstsMode,
    max_redirects: usize,
    on_event: Option<EventSink>,
    hsts_seen: Arc<Mutex<HashMap<String, Hsts>>>,
}

impl std::fmt::Debug for GuardedClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardedClient")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl GuardedClient {
    /// A builder over `policy`.
    pub fn builder(policy: EgressPolicy) -> GuardedClientBuilder {
        GuardedClientBuilder {
            policy,
            resolver: ResolverSettings::default(),
            pins: Vec::new(),
            hsts: HstsMode::Warn,
            max_redirects: 0,
            timeout: Duration::from_secs(10),
            extra_roots: ExtraRoots::default(),
            on_event: None,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &EgressPolicy {
        &self.policy
    }

    /// Judges `url` and resolves its host: the addresses a request would use.
    pub async fn check(&self, url: &str) -> Result<(Target, Vec<IpAddr>), Error> {
        let target = self.policy.check_url(url)?;
        let addrs = match &target.host {
            TargetHost::Ip(ip) => vec![*ip],
            TargetHost::Name(name) => self.resolver.resolve(name, target.port).await?,
        };
        Ok((target, addrs))
    }

    /// `GET url`.
    pub async fn get(&self, url: &str) -> Result<Response, Error> {
        self.send(Method::GET, url, HeaderMap::new(), None).await
    }

    /// Sends one request (and follows redirects if enabled). Error statuses
    /// are returned as responses; policy, TLS, pin and HSTS failures as errors.
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        mut headers: HeaderMap,
        body: Option<Vec<u8>>,
    ) -> Result<Response, Error> {
        let mut method = method;
        let mut body = body;
        let mut url = url.to_string();
        let mut hops = 0usize;
        let mut from: Option<String> = None;
        loop {
            let (target, addrs) = match (self.check(&url).await, &from) {
                (Ok(checked), _) => checked,
                (Err(e), None) => return Err(e),
                // A redirect hop that fails any check is reported as a refusal.
                (Err(e), Some(prev)) => {
                    return Err(Error::RedirectRefused {
                        from: prev.clone(),
                        to: url,
                        reason: e.to_string(),
                    });
                }
            };
            if let TargetHost::Name(name) = &target.host {
                let mut checked = self.checked.lock().unwrap_or_else(PoisonError::into_inner);
                if checked.get(name) != Some(&addrs) {
                    checked.insert(name.clone(), addrs.clone());
                }
            }
            let mut req = self
                .http
                .request(method.clone(), target.url.clone())
                .headers(headers.clone());
            if let Some(b) = &body {
                req = req.body(b.clone());
            }
            let resp = req.send().await.map_err(|e| transport_error(&e))?;
            let peer = resp.remote_addr();
            match peer {
                Some(p) if addrs.contains(&p.ip()) && p.port() == target.port => {}
                _ => {
                    return Err(Error::PeerNotChecked {
                        host: target.host_str(),
                        peer: peer.unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0))),
                    });
                }
            }
            self.judge_hsts(&target, &resp)?;
            let location = resp
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let (true, Some(location)) = (resp.status().is_redirection(), location) else {
                return Ok(resp);
            };
            if self.max_redirects == 0 {
                return Ok(resp);
            }
            let next = target
                .url
                .join(&location)
                .map_err(|e| Error::RedirectRefused {
                    from: target.url.to_string(),
                    to: location.clone(),
                    reason: e.to_string(),
                })?;
            hops += 1;
            if hops > self.max_redirects {
                return Err(Error::RedirectRefused {
                    from: target.url.to_string(),
                    to: next.to_string(),
                    reason: format!("more than {} redirects", self.max_redirects),
                });
            }
            if let Err(e) = self.policy.check_parsed(&next) {
                return Err(Error::RedirectRefused {
                    from: target.url.to_string(),
                    to: next.to_string(),
                    reason: e.to_string(),
                });
            }
            if next.origin() != target.url.origin() {
                strip_credentials(&mut headers);
                self.emit(&Event::CredentialsDropped {
                    from: target.url.origin().ascii_serialization(),
                    to: next.origin().ascii_serialization(),
                });
            }
            let status = resp.status().as_u16();
            if status == 303 || (matches!(status, 301 | 302) && method == Method::POST) {
                method = Method::GET;
                body = None;
            }
            url = next.to_string();
            from = Some(target.url.to_string());
        }
    }

    fn judge_hsts(&self, target: &Target, resp: &Response) -> Result<(), Error> {
        let value = resp
            .headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok());
        let host = target.host_str();
        let problem = Hsts::problem(value).or_else(|| {
            // Weakened against what this host sent before (per host, in memory).
            let now = value.and_then(Hsts::parse)?;
            let mut seen = self
                .hsts_seen
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let before = seen.insert(host.clone(), now);
            match before {
                Some(b) if b.include_subdomains && !now.include_subdomains => {
                    Some("weakened: includeSubDomains dropped".to_string())
                }
                _ => None,
            }
        });
        let Some(problem) = problem else {
            return Ok(());
        };
        match self.hsts {
            HstsMode::Require => Err(Error::Hsts { host, problem }),
            HstsMode::Warn => {
                self.emit(&Event::HstsWarning { host, problem });
                Ok(())
            }
        }
    }

    fn emit(&self, e: &Event) {
        if let Some(f) = &self.on_event {
            f(e);
        }
    }
}

fn strip_credentials(headers: &mut HeaderMap) {
    headers.remove(AUTHORIZATION);
    for name in CREDENTIAL_HEADERS {
        if let Ok(n) = HeaderName::from_bytes(name.as_bytes()) {
            headers.remove(n);
        }
    }
}

fn transport_error(e: &reqwest::Error) -> Error {
    if let Some(ours) = find_our_error(e) {
        return ours;
    }
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    if e.is_timeout() {
        Error::Timeout(msg)
    } else if e.is_connect() {
        Error::Connect(msg)
    } else {
        Error::Transport(msg)
    }
}
