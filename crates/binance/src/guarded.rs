//! [`GuardedTransport`]: every request through net-guard's guarded HTTPS
//! client and the exchange rate limiter, orders through the kill switch's
//! gate once more right before they go out.

use std::net::IpAddr;
use std::sync::Arc;

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use supreme_kill_switch::{Gate, InFlight};
use supreme_net_guard::retry::{RequestKind, RetryPolicy};
use supreme_net_guard::{
    Charge, Clock as NetClock, Cost, Error as NetError, ExchangeLimiter, GuardedClient, Permit,
};

use crate::{Request, Response, Transport, TransportError, is_order};

/// Sends each request through net-guard's [`GuardedClient`] (HTTPS only,
/// allowlist, SSRF-safe resolution, pinning) and its [`ExchangeLimiter`]
/// (every Binance window, synced from response headers, 429 back-off, 418
/// stop). Reads are retried with back-off; an order is sent once, and any
/// failure after its bytes may have been written is
/// [`TransportError::NoResponse`] (the client reports it as an unknown
/// outcome with its client order id), never [`TransportError::NotSent`].
///
/// With [`with_kill_switch`](Self::with_kill_switch), each order passes the
/// kill switch's gate again after the limiter's wait, right before it is
/// sent, and counts as in flight until its answer is in (the switch's halt
/// waits for it). The halt's own close orders pass.
///
/// Async, with no runtime of its own: [`send`](Transport::send) awaits the
/// guarded client on the caller's runtime, from any task (its futures are
/// `Send`). Pooled connections are served by the runtime that opened them,
/// so keep that runtime running while the transport is in use (a blocking
/// bot's calls all run on the [`blocking`](crate::blocking) wrappers'
/// shared runtime, which never stops).
pub struct GuardedTransport<C: NetClock> {
    client: GuardedClient,
    base_url: String,
    limiter: Arc<ExchangeLimiter<C>>,
    retry: RetryPolicy,
    kill_switch: Option<Gate>,
}

impl<C: NetClock> std::fmt::Debug for GuardedTransport<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardedTransport")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl<C: NetClock> GuardedTransport<C> {
    /// Requests go to `base_url` (`https://api.binance.com`, or the testnet's
    /// `https://testnet.binance.vision`) through `client` and `limiter`.
    pub fn new(
        client: GuardedClient,
        base_url: &str,
        limiter: Arc<ExchangeLimiter<C>>,
    ) -> Result<Self, TransportError> {
        let base_url = base_url.trim_end_matches('/').to_string();
        Ok(Self {
            client,
            base_url,
            limiter,
            retry: RetryPolicy::default(),
            kill_switch: None,
        })
    }

    /// Uses `retry` for idempotent requests.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Checks `gate` again right before each order is sent (after any
    /// rate-limit wait), refusing with [`TransportError::KillSwitch`] once
    /// the switch is tripped, and counts the orders in flight.
    pub fn with_kill_switch(mut self, gate: Gate) -> Self {
        self.kill_switch = Some(gate);
        self
    }

    /// The limiter (shared with the pre-trade gate).
    pub fn limiter(&self) -> &Arc<ExchangeLimiter<C>> {
        &self.limiter
    }

    /// Judges `url` as a request would (policy, resolution, address
    /// classes) without sending anything: the addresses it would reach.
    pub async fn check_url(&self, url: &str) -> Result<Vec<IpAddr>, NetError> {
        self.client.check(url).await.map(|(_, addrs)| addrs)
    }
}

fn kind(req: &Request) -> RequestKind {
    if is_order(req.method, req.path) {
        let id = req
            .query
            .split('&')
            .find_map(|kv| kv.strip_prefix("newClientOrderId="))
            .unwrap_or_default()
            .to_string();
        RequestKind::Order {
            client_order_id: id,
        }
    } else if req.method == "GET" {
        RequestKind::Idempotent
    } else {
        RequestKind::NonIdempotent
    }
}

impl<C: NetClock + Send + Sync> Transport for GuardedTransport<C> {
    async fn send(&self, req: &Request) -> Result<Response, TransportError> {
        self.send_with(req, None).await
    }

    /// Spends the gate's permit: the request is counted once, at the gate.
    async fn send_charged(
        &self,
        req: &Request,
        permit: Permit,
    ) -> Result<Response, TransportError> {
        self.send_with(req, Some(permit)).await
    }
}

impl<C: NetClock + Send + Sync> GuardedTransport<C> {
    async fn send_with(
        &self,
        req: &Request,
        permit: Option<Permit>,
    ) -> Result<Response, TransportError> {
        let url = if req.query.is_empty() {
            format!("{}{}", self.base_url, req.path)
        } else {
            format!("{}{}?{}", self.base_url, req.path, req.query)
        };
        let method = Method::from_bytes(req.method.as_bytes())
            .map_err(|e| TransportError::NotSent(e.to_string()))?;
        let mut headers = HeaderMap::new();
        for (k, v) in &req.headers {
            let value =
                HeaderValue::from_str(v).map_err(|e| TransportError::NotSent(e.to_string()))?;
            headers.insert(HeaderName::from_static(k), value);
        }
        let order = is_order(req.method, req.path);
        let cost = Cost {
            weight: req.weight,
            orders: u32::from(order),
        };
        // A permit that covers the request pays for it; one that does not
        // (a smaller reservation) is dropped, and the request counted in full.
        let charge = match permit {
            Some(p) if p.cost().weight >= cost.weight && p.cost().orders >= cost.orders => {
                Charge::Prepaid(p)
            }
            _ => Charge::Acquire(cost),
        };
        let kind = kind(req);
        let gate = self.kill_switch.as_ref().filter(|_| order);
        let admit = || -> Result<Option<InFlight>, NetError> {
            gate.map(|g| {
                g.enter_order()
                    .map_err(|state| NetError::NotAdmitted(format!("kill switch {state}")))
            })
            .transpose()
        };
        let result = async {
            let (resp, in_flight) = self
                .client
                .send_charged(
                    &self.limiter,
                    charge,
                    &kind,
                    &self.retry,
                    &admit,
                    method,
                    &url,
                    headers,
                    None,
                )
                .await?;
            let status = resp.status().as_u16();
            let headers = resp
                .headers()
                .iter()
                .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
                .collect();
            let body = resp
                .text()
                .await
                .map_err(|e| NetError::Transport(e.to_string()))?;
            drop(in_flight);
            Ok::<_, NetError>(Response {
                status,
                headers,
                body,
            })
        }
        .await;
        result.or_else(|e| outcome(e, order))
    }
}

/// A failed request as the client sees it: an answer with an error status
/// (after any retries) is handed on as that answer; a failure after the
/// request may have been written is [`TransportError::NoResponse`]; only a
/// refusal or failure before anything was written is
/// [`TransportError::NotSent`]. An order is `NotSent` only for the errors
/// known to come before sending (anything unforeseen counts as sent).
fn outcome(e: NetError, order: bool) -> Result<Response, TransportError> {
    let answer = |status: u16, retry_after: Option<std::time::Duration>| Response {
        status,
        headers: retry_after
            .map(|d| ("retry-after".into(), d.as_secs().to_string()))
            .into_iter()
            .collect(),
        body: String::new(),
    };
    match e {
        NetError::Status {
            status,
            retry_after,
        } => Ok(answer(status, retry_after)),
        // A 418 answer, or the limiter holding a ban: the client's `Banned`.
        NetError::Banned { wait } => Ok(answer(418, Some(wait))),
        NetError::NotAdmitted(why) => Err(TransportError::KillSwitch(why)),
        e if order && !before_sending(&e) => Err(TransportError::NoResponse(e.to_string())),
        e @ (NetError::OutcomeUnknown { .. }
        | NetError::Timeout(_)
        | NetError::Transport(_)
        | NetError::Hsts { .. }
        | NetError::RedirectRefused { .. }
        | NetError::RetriesExhausted { .. }) => Err(TransportError::NoResponse(e.to_string())),
        e => Err(TransportError::NotSent(e.to_string())),
    }
}

/// Errors net-guard raises only before a request's bytes are written.
fn before_sending(e: &NetError) -> bool {
    matches!(
        e,
        NetError::InvalidUrl { .. }
            | NetError::SchemeNotHttps { .. }
            | NetError::UserinfoRefused { .. }
            | NetError::HostNotAllowed { .. }
            | NetError::PortNotAllowed { .. }
            | NetError::IpLiteralNotAllowed { .. }
            | NetError::AddressDenied { .. }
            | NetError::InvalidHost { .. }
            | NetError::Resolve { .. }
            | NetError::NoAddresses { .. }
            | NetError::PeerNotChecked { .. }
            | NetError::PinMismatch { .. }
            | NetError::RateLimited { .. }
            | NetError::KeyRateLimited { .. }
            | NetError::UnknownEndpoint { .. }
            | NetError::BackedOff { .. }
            | NetError::TooManyKeys { .. }
            | NetError::Connect(_)
            | NetError::Config(_)
    )
}
