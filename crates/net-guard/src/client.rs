//! The guarded HTTPS client: reqwest with our TLS config (ring, pins), our
//! resolver (trusted nameservers, every answer judged), https only, no
//! proxy, redirects off or re-checked hop by hop.
//!
//! Each request's URL is judged and its host resolved and judged first (a
//! clear refusal before anything happens); then every new connection is
//! judged where it is made (the `connect` module): reqwest's resolver hook hands out
//! only judged answers, and the connector layer judges the socket's real
//! peer before a request byte is written on it. Nothing is checked after a
//! request was sent, so a failure after sending is never mistaken for one
//! before it: an order's is [`Error::OutcomeUnknown`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, LOCATION};
use reqwest::{Method, Response};

use crate::danger::ExtraRoots;
use crate::hsts::{Hsts, HstsMode};
use crate::resolve::{GuardedResolver, ResolverSettings};
use crate::tls_config::find_our_error;
use crate::{EgressPolicy, Error, Target, TargetHost};

/// Something worth a warning that did not stop the request. It reaches the
/// builder's [`events`](GuardedClientBuilder::events) sink as a core event
/// ([`Event::to_core`]).
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

type EventSink = Arc<dyn supreme_core::event::Sink>;

mod builder;
mod connect;
mod denials;
pub(crate) mod limited;
mod warnings;
mod wss;

pub use crate::danger::DangerousClientBuilder;
pub use builder::GuardedClientBuilder;
pub use wss::{TlsTcpStream, WssStream};

/// The headers that carry credentials and never cross origins.
const CREDENTIAL_HEADERS: [&str; 3] = ["x-mbx-apikey", "authorization", "cookie"];

/// The guarded client. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct GuardedClient {
    http: reqwest::Client,
    resolver: GuardedResolver,
    policy: Arc<EgressPolicy>,
    hsts: HstsMode,
    max_redirects: usize,
    events: EventSink,
    hsts_seen: Arc<Mutex<HashMap<String, Hsts>>>,
    /// (host, problem) pairs already warned about: each is recorded once
    /// per client, not on every request (bounded as the stderr memory is:
    /// past it, every warning).
    hsts_warned: Arc<Mutex<std::collections::HashSet<(String, String)>>>,
    /// The TLS config of every connection, for [`connect_wss`](Self::connect_wss).
    tls: Arc<rustls::ClientConfig>,
    connect_timeout: Duration,
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
            events: None,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &EgressPolicy {
        &self.policy
    }

    /// The `reqwest::Client` inside, for a bot already on reqwest (barter's
    /// `RestClient`, binance-sdk, a [`reqwest_middleware`] stack): it holds
    /// the policy by itself, on every connection it opens, whoever builds
    /// the request:
    ///
    /// - names: the resolver hook refuses a host off the allowlist before
    ///   any lookup, asks only the trusted nameservers, and refuses an
    ///   answer if any address in it is denied (every answer judged, cached
    ///   or not);
    /// - IP literals: refused in the TLS handshake unless the policy lists
    ///   them (after the TCP connect, before any request byte; the
    ///   [`GuardMiddleware`](crate::middleware::GuardMiddleware) refuses
    ///   them before connecting);
    /// - the peer: the socket a new connection really reached (address and
    ///   port) is judged in the connector before a byte is written on it;
    /// - TLS: ring, TLS 1.2+, webpki-roots, the SPKI pins; https only, no
    ///   proxy (environment variables ignored), redirects not followed (a
    ///   3xx comes back as the response), the builder's timeouts.
    ///
    /// What the client alone does not do: the exchange limiter, retries,
    /// HSTS, denial events. Add [`GuardMiddleware`](crate::middleware::GuardMiddleware)
    /// for those. A clone shares the connection pool.
    ///
    /// ```no_run
    /// use supreme_net_guard::{EgressPolicy, GuardedClient};
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let policy = EgressPolicy::builder().allow_host("api.binance.com")?.build();
    /// let guarded = GuardedClient::builder(policy).build()?;
    /// let http: reqwest::Client = guarded.reqwest_client();
    /// // A host off the allowlist fails before anything is sent.
    /// assert!(http.get("https://example.com/").send().await.is_err());
    /// let time = http.get("https://api.binance.com/api/v3/time").send().await?;
    /// # let _ = time;
    /// # Ok(())
    /// # }
    /// ```
    pub fn reqwest_client(&self) -> reqwest::Client {
        self.http.clone()
    }

    /// Judges `url` and resolves its host: the addresses a request would
    /// use. A refusal by policy is recorded in the events sink as
    /// `EGRESS_DENIED`.
    pub async fn check(&self, url: &str) -> Result<(Target, Vec<std::net::IpAddr>), Error> {
        let judged = self.judge(url).await;
        if let Err(e) = &judged {
            self.record_denial(url, e);
        }
        judged
    }

    async fn judge(&self, url: &str) -> Result<(Target, Vec<std::net::IpAddr>), Error> {
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
        headers: HeaderMap,
        body: Option<Vec<u8>>,
    ) -> Result<Response, Error> {
        self.send_tracked(method, url, headers, body)
            .await
            .map_err(SendError::into_error)
    }

    /// As [`send`](Self::send), saying whether a failure came before the
    /// request could have been written or after.
    pub(crate) async fn send_tracked(
        &self,
        method: Method,
        url: &str,
        mut headers: HeaderMap,
        body: Option<Vec<u8>>,
    ) -> Result<Response, SendError> {
        let mut method = method;
        let mut body = body;
        let mut url = url.to_string();
        let mut hops = 0usize;
        let mut from: Option<String> = None;
        loop {
            let (target, _) = match (self.check(&url).await, &from) {
                (Ok(checked), _) => checked,
                (Err(e), None) => return Err(SendError::NotSent(e)),
                // A redirect hop that fails any check is reported as a
                // refusal; the first request was sent.
                (Err(e), Some(prev)) => {
                    return Err(SendError::MaybeSent(Error::RedirectRefused {
                        from: prev.clone(),
                        to: url,
                        reason: e.to_string(),
                    }));
                }
            };
            let mut req = self
                .http
                .request(method.clone(), target.url.clone())
                .headers(headers.clone());
            if let Some(b) = &body {
                req = req.body(b.clone());
            }
            let resp = match req.send().await {
                Ok(resp) => resp,
                Err(e) => return Err(send_failure(&e, from.is_none())),
            };
            // From here on the request was sent and answered.
            self.judge_hsts(&target, &resp)
                .map_err(SendError::MaybeSent)?;
            match self.next_hop(&target, &resp, hops, &mut headers) {
                Ok(None) => return Ok(resp),
                Ok(Some(next)) => {
                    hops += 1;
                    let status = resp.status().as_u16();
                    if status == 303 || (matches!(status, 301 | 302) && method == Method::POST) {
                        method = Method::GET;
                        body = None;
                    }
                    url = next.to_string();
                    from = Some(target.url.to_string());
                }
                Err(e) => return Err(SendError::MaybeSent(e)),
            }
        }
    }

    /// Where a redirect leads, if it is to be followed: `None` for a final
    /// answer. Refuses a hop over the limit or outside the policy; drops
    /// credentials across origins.
    fn next_hop(
        &self,
        target: &Target,
        resp: &Response,
        hops: usize,
        headers: &mut HeaderMap,
    ) -> Result<Option<url::Url>, Error> {
        let location = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (true, Some(location)) = (resp.status().is_redirection(), location) else {
            return Ok(None);
        };
        if self.max_redirects == 0 {
            return Ok(None);
        }
        let refused = |to: String, reason: String| Error::RedirectRefused {
            from: target.url.to_string(),
            to,
            reason,
        };
        let next = target
            .url
            .join(&location)
            .map_err(|e| refused(location.clone(), e.to_string()))?;
        if hops + 1 > self.max_redirects {
            return Err(refused(
                next.to_string(),
                format!("more than {} redirects", self.max_redirects),
            ));
        }
        if let Err(e) = self.policy.check_parsed(&next) {
            return Err(refused(next.to_string(), e.to_string()));
        }
        if next.origin() != target.url.origin() {
            strip_credentials(headers);
            self.emit(&Event::CredentialsDropped {
                from: target.url.origin().ascii_serialization(),
                to: next.origin().ascii_serialization(),
            });
        }
        Ok(Some(next))
    }

    pub(crate) fn judge_hsts(&self, target: &Target, resp: &Response) -> Result<(), Error> {
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
                let first = {
                    let mut warned = self
                        .hsts_warned
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner);
                    warned.len() >= warnings::MAX_REMEMBERED
                        || warned.insert((host.clone(), problem.clone()))
                };
                if first {
                    self.emit(&Event::HstsWarning { host, problem });
                }
                Ok(())
            }
        }
    }

    /// A warning never stops the request, so a sink's refusal changes
    /// nothing here (the sink says what it could not keep).
    fn emit(&self, e: &Event) {
        let core = e.to_core(supreme_core::Clock::now_ms(&supreme_core::SystemClock));
        tracing::warn!(target: "supreme_net_guard", event = core.kind(), severity = ?core.severity(), "egress");
        let _ = self.events.record(&core);
    }
}

/// A failure of [`GuardedClient::send_tracked`], by when it happened.
#[derive(Debug)]
pub(crate) enum SendError {
    /// Before any byte of the request could have been written (a refusal by
    /// the policy, a connection or TLS failure, a pin mismatch).
    NotSent(Error),
    /// After the request may have been written (no answer, a broken
    /// connection, or the answer refused: HSTS, a redirect).
    MaybeSent(Error),
}

impl SendError {
    pub(crate) fn into_error(self) -> Error {
        match self {
            Self::NotSent(e) | Self::MaybeSent(e) => e,
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

/// A failure of reqwest's `send` by when it happened: a timeout or a
/// broken connection may come after the request was written; anything else
/// (a refusal by the resolver hook, the TLS verifier or the connector, a
/// failed connect) comes before, on the first hop. Every failure on a later
/// hop comes after the first request was sent.
pub(crate) fn send_failure(e: &reqwest::Error, first_hop: bool) -> SendError {
    let e = transport_error(e);
    if first_hop && !matches!(e, Error::Timeout(_) | Error::Transport(_)) {
        SendError::NotSent(e)
    } else {
        SendError::MaybeSent(e)
    }
}

pub(crate) fn transport_error(e: &reqwest::Error) -> Error {
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
