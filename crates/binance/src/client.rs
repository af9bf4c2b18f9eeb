//! [`BinanceClient`]: public and signed requests, the exchange's clock, and
//! usage read back from response headers.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;
use supreme_core::event::Sink;
use supreme_net_guard::Permit;
use supreme_vault::Signer;

use crate::reconcile::Unknowns;
use crate::scrub::scrub;
use crate::transport::DynTransport;
use crate::{
    Clock, DEFAULT_MAX_BODY_BYTES, Error, Params, Request, Response, ServerTime, SystemClock,
    Transport, TransportError, weight,
};

/// Usage the exchange reported in its last response headers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// `X-MBX-USED-WEIGHT-1M`.
    pub used_weight_1m: Option<u32>,
    /// `X-MBX-ORDER-COUNT-10S`.
    pub order_count_10s: Option<u32>,
    /// `X-MBX-ORDER-COUNT-1D`.
    pub order_count_1d: Option<u32>,
}

/// A Binance spot REST client whose key never leaves the vault.
///
/// Every request goes through the [`Transport`] (net-guard's guarded client
/// in production); signed requests carry `timestamp` on the exchange's clock
/// and `recvWindow`, and are signed by the vault's [`Signer`].
pub struct BinanceClient {
    transport: Box<dyn DynTransport>,
    api_key: String,
    signer: Signer,
    clock: Arc<dyn Clock>,
    server_time: ServerTime,
    recv_window_ms: u64,
    max_body_bytes: usize,
    usage: Mutex<Usage>,
    events: Option<Arc<dyn Sink>>,
    unrecorded: AtomicU64,
    unknowns: Unknowns,
}

/// Leaves out the API key (it identifies the account to the exchange).
impl std::fmt::Debug for BinanceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BinanceClient")
            .field("signer", &self.signer)
            .field("recv_window_ms", &self.recv_window_ms)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl BinanceClient {
    /// A client sending through `transport`, identified by `api_key` (the
    /// public key id) and signing with `signer`. `recvWindow` is 5,000 ms.
    pub fn new(
        transport: impl Transport + 'static,
        api_key: impl Into<String>,
        signer: Signer,
    ) -> Self {
        Self {
            transport: Box::new(transport),
            api_key: api_key.into(),
            signer,
            clock: Arc::new(SystemClock),
            server_time: ServerTime::default(),
            recv_window_ms: 5_000,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            usage: Mutex::new(Usage::default()),
            events: None,
            unrecorded: AtomicU64::new(0),
            unknowns: Unknowns::default(),
        }
    }

    /// Reads at most `bytes` of any response body (default
    /// [`DEFAULT_MAX_BODY_BYTES`], 16 MiB): each [`Request`] carries the
    /// limit to the transport, and a longer body is an error
    /// ([`Error::OutcomeUnknown`] for an order).
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Uses `clock` for timestamps.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Sets `recvWindow` (Binance allows up to 60,000 ms).
    pub fn with_recv_window_ms(mut self, ms: u64) -> Self {
        self.recv_window_ms = ms.min(60_000);
        self
    }

    /// Records every request to the exchange in `sink` (the audit log), as
    /// one [`API_ACCESS`](crate::API_ACCESS) core event: method, path (the
    /// route, not the query), signed, weight, status, the exchange's
    /// `used_weight_1m`, latency in ms. Never the API key, the signature or
    /// the signed query. The request has been sent by then, so a refusal
    /// changes nothing; it is counted ([`unrecorded_events`](Self::unrecorded_events)).
    /// An answer refusing the key or the signature (-2014, -2015, -1022) is
    /// also one [`AUTH_FAILURE`](crate::AUTH_FAILURE) event (method, path,
    /// status, code, reason).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use supreme_binance::{BinanceClient, Request, Response, Transport, TransportError};
    /// use supreme_core::event::VecSink;
    /// use supreme_vault::{EntrySecret, KdfParams, Vault};
    /// # use secrecy::SecretString;
    ///
    /// struct Answer; // stands in for the exchange
    /// impl Transport for Answer {
    ///     async fn send(&self, _: &Request) -> Result<Response, TransportError> {
    ///         Ok(Response { status: 200, headers: vec![], body: r#"{"serverTime":1}"#.into() })
    ///     }
    /// }
    /// # let mut vault = Vault::create(&SecretString::from("p"), KdfParams::dangerous().insecure_for_tests())?;
    /// # vault.put("binance", &EntrySecret::Hmac { key_id: "sim-api-key-0001".into(), secret: SecretString::from("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP") }, None)?;
    /// let seen = Arc::new(VecSink::new());
    /// let client = BinanceClient::new(Answer, "sim-api-key-0001", vault.signer("binance")?).with_events(seen.clone());
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
    /// client.sync_time().await?;
    /// let e = &seen.events()[0];
    /// assert_eq!((e.kind(), e.get("path"), e.get("status")), ("API_ACCESS", Some("/api/v3/time"), Some("200")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_events(mut self, sink: Arc<dyn Sink>) -> Self {
        self.events = Some(sink);
        self
    }

    /// How many request records the sink ([`with_events`](Self::with_events))
    /// refused.
    pub fn unrecorded_events(&self) -> u64 {
        self.unrecorded.load(Ordering::Relaxed)
    }

    /// Now on the local clock, Unix ms.
    pub(crate) fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    pub(crate) fn recv_window_ms(&self) -> u64 {
        self.recv_window_ms
    }

    /// Orders whose outcome is unknown, and when each stops being acceptable.
    pub(crate) fn unknowns(&self) -> &Unknowns {
        &self.unknowns
    }

    /// The params of a signed WebSocket API request (`apiKey`, `recvWindow`,
    /// `timestamp` on the exchange's clock, `signature` over them sorted by
    /// name), signed by the vault's signer: for the user-data subscription.
    pub(crate) fn ws_signed_params(&self) -> Result<serde_json::Value, Error> {
        let timestamp = self.server_time.to_server(self.clock.now_ms());
        let payload = format!(
            "apiKey={}&recvWindow={}&timestamp={timestamp}",
            self.api_key, self.recv_window_ms
        );
        let signature = self.signer.sign(payload.as_bytes())?;
        Ok(serde_json::json!({
            "apiKey": self.api_key,
            "recvWindow": self.recv_window_ms,
            "timestamp": timestamp,
            "signature": signature.as_str(),
        }))
    }

    /// The usage reported by the last response.
    pub fn usage(&self) -> Usage {
        *self.usage.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The measured offset of the exchange's clock, ms.
    pub fn clock_offset_ms(&self) -> i64 {
        self.server_time.offset_ms()
    }

    /// Starts from `offset_ms` as the exchange's clock offset (measured by
    /// another client, [`clock_offset_ms`](Self::clock_offset_ms)) instead of
    /// 0: a client that must not send a request before it is needed (the
    /// halt's, whose connections belong to the halt's own runtime) signs
    /// with the right timestamps from its first request.
    pub fn with_clock_offset_ms(self, offset_ms: i64) -> Self {
        self.server_time.set_offset_ms(offset_ms);
        self
    }

    /// Measures the exchange's clock offset (`GET /api/v3/time`).
    pub async fn sync_time(&self) -> Result<i64, Error> {
        let sent = self.clock.now_ms();
        let v = self.public("GET", "/api/v3/time", &Params::new()).await?;
        let received = self.clock.now_ms();
        let server = v["serverTime"].as_u64().ok_or_else(|| Error::Malformed {
            path: "/api/v3/time",
            reason: "no serverTime".into(),
        })?;
        Ok(self.server_time.record(sent, received, server))
    }

    /// An unsigned request.
    pub async fn public(
        &self,
        method: &'static str,
        path: &'static str,
        params: &Params,
    ) -> Result<Value, Error> {
        let body = self.public_body(method, path, params).await?;
        parse(path, &body)
    }

    /// An unsigned request's raw body (for large documents parsed elsewhere).
    pub async fn public_body(
        &self,
        method: &'static str,
        path: &'static str,
        params: &Params,
    ) -> Result<String, Error> {
        let req = Request {
            method,
            path,
            query: params.encode(),
            headers: Vec::new(),
            weight: weight(method, path, params.get("symbol").is_some()),
            max_body_bytes: self.max_body_bytes,
        };
        self.exchange(&req, None).await.map(|r| r.body)
    }

    /// A signed request. A `-1021` (timestamp outside recvWindow) re-measures
    /// the clock and tries once more: the exchange refused the first one, so
    /// nothing was done twice.
    pub async fn signed(
        &self,
        method: &'static str,
        path: &'static str,
        params: &Params,
    ) -> Result<Value, Error> {
        match self.signed_once(method, path, params, None).await {
            Err(Error::Api { code: -1021, .. }) => {
                self.sync_time().await?;
                self.signed_once(method, path, params, None).await
            }
            other => other,
        }
    }

    /// A signed request sent exactly once (orders: a retry could duplicate),
    /// its rate-limit cost paid by `permit` when the gate reserved it.
    pub(crate) async fn signed_no_retry(
        &self,
        method: &'static str,
        path: &'static str,
        params: &Params,
        permit: Option<Permit>,
    ) -> Result<Value, Error> {
        self.signed_once(method, path, params, permit).await
    }

    async fn signed_once(
        &self,
        method: &'static str,
        path: &'static str,
        params: &Params,
        permit: Option<Permit>,
    ) -> Result<Value, Error> {
        let timestamp = self.server_time.to_server(self.clock.now_ms());
        let mut query = params
            .clone()
            .with("recvWindow", self.recv_window_ms)
            .with("timestamp", timestamp)
            .encode();
        let signature = self.signer.sign(query.as_bytes())?;
        query.push_str("&signature=");
        crate::payload::encode_into(&mut query, signature.as_str());
        let req = Request {
            method,
            path,
            query,
            headers: vec![("x-mbx-apikey", self.api_key.clone())],
            weight: weight(method, path, params.get("symbol").is_some()),
            max_body_bytes: self.max_body_bytes,
        };
        let resp = self.exchange(&req, permit).await?;
        parse(path, &resp.body)
    }

    /// Sends, records usage, and turns error statuses into typed errors
    /// (their text scrubbed of the API key and the signed query).
    async fn exchange(&self, req: &Request, permit: Option<Permit>) -> Result<Response, Error> {
        let started = self.clock.monotonic();
        let sent = match permit {
            Some(permit) => self.transport.send_charged_dyn(req, permit).await,
            None => self.transport.send_dyn(req).await,
        };
        if let Some(sink) = &self.events {
            let latency =
                supreme_core::time::duration_ms(self.clock.monotonic().saturating_sub(started));
            let event = crate::access::access_event(req, &sent, latency, self.clock.now_ms());
            if sink.record(&event).is_err() {
                self.unrecorded.fetch_add(1, Ordering::Relaxed);
            }
        }
        tracing::debug!(
            target: "supreme_binance",
            method = req.method,
            path = req.path,
            status = sent.as_ref().map_or(0, |r| r.status),
            "exchange call"
        );
        let resp = sent.map_err(|e| match e {
            TransportError::NotSent(why) => TransportError::NotSent(scrub(&why, req)),
            TransportError::NoResponse(why) => TransportError::NoResponse(scrub(&why, req)),
            TransportError::KillSwitch(why) => TransportError::KillSwitch(scrub(&why, req)),
        })?;
        if resp.body.len() > req.max_body_bytes {
            return Err(Error::Malformed {
                path: req.path,
                reason: format!(
                    "body of {} bytes is over the limit of {} bytes",
                    resp.body.len(),
                    req.max_body_bytes
                ),
            });
        }
        self.record_usage(&resp);
        let retry_after_s = || {
            resp.header("retry-after")
                .and_then(|v| v.parse().ok())
                .unwrap_or(60)
        };
        match resp.status {
            200..=299 => Ok(resp),
            429 => Err(Error::RateLimited {
                retry_after_s: retry_after_s(),
            }),
            418 => Err(Error::Banned {
                retry_after_s: retry_after_s(),
            }),
            status => {
                let v: Value = serde_json::from_str(&resp.body).unwrap_or(Value::Null);
                let code = v["code"].as_i64().unwrap_or(0);
                let (events, now) = (self.events.as_ref(), self.clock.now_ms());
                crate::auth_events::record(events, &self.unrecorded, req, status, code, now);
                Err(Error::Api {
                    status,
                    code,
                    msg: scrub(v["msg"].as_str().unwrap_or(&resp.body), req),
                })
            }
        }
    }

    fn record_usage(&self, resp: &Response) {
        let read = |name| resp.header(name).and_then(|v| v.parse().ok());
        let mut usage = self.usage.lock().unwrap_or_else(PoisonError::into_inner);
        usage.used_weight_1m = read("x-mbx-used-weight-1m").or(usage.used_weight_1m);
        if let Some(n) = read("x-mbx-order-count-10s") {
            usage.order_count_10s = Some(n);
        }
        if let Some(n) = read("x-mbx-order-count-1d") {
            usage.order_count_1d = Some(n);
        }
    }
}

fn parse(path: &'static str, body: &str) -> Result<Value, Error> {
    serde_json::from_str(body).map_err(|e| Error::Malformed {
        path,
        reason: e.to_string(),
    })
}
