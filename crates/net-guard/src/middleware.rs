//! The guard as a [`reqwest_middleware::Middleware`], for a bot already on
//! reqwest (barter's `RestClient`, binance-sdk): swap its client for
//! [`GuardedClient::reqwest_client`] and add [`GuardMiddleware`].
//!
//! For every request the middleware judges the URL ([`EgressPolicy::check_url`](crate::EgressPolicy::check_url),
//! a refusal recorded as `EGRESS_DENIED` in the client's events sink), then
//! runs the same code as [`GuardedClient::send_charged`]: the
//! [`ExchangeLimiter`] (wait for room, or spend a prepaid [`Permit`]), the
//! host resolved and judged, the request sent down the rest of the stack,
//! HSTS judged, the window counts synced from the answer's headers, 429
//! backing off and 418 stopping all traffic, and the retry policy: an
//! idempotent request retried with back-off and jitter, an order never
//! re-sent (its failure after it may have been written is
//! [`Error::OutcomeUnknown`] with its client order id).
//!
//! Per request, through [`http::Extensions`]
//! (`reqwest_middleware::RequestBuilder::with_extension`):
//!
//! - a [`Cost`]: what the request counts in the limiter's windows (without
//!   one, the middleware's [`EndpointWeights`] by method and path; an
//!   endpoint it does not know is refused, [`Error::UnknownEndpoint`]);
//! - a [`PrepaidPermit`]: capacity already counted (a gate's reservation),
//!   spent by the first attempt instead of counting again;
//! - a [`RequestKind`]: how it may be retried (without one: GET, HEAD and
//!   OPTIONS are idempotent; any other request carrying `newClientOrderId`
//!   in its query or form body is an order with that id; the rest is never
//!   retried);
//! - a [`RetryPolicy`]: instead of the middleware's.
//!
//! Errors come back as `reqwest_middleware::Error::Middleware` holding this
//! crate's [`Error`]; [`Error::from_middleware`] gets it back. 429, 418 and
//! 5xx answers are errors ([`Error::Status`], [`Error::Banned`],
//! [`Error::RetriesExhausted`]) once the retry policy is done with them;
//! any other status is the response.
//!
//! Put it last in the stack (nearest the client), and no retry middleware
//! around it: it retries by itself, and an outer retry could re-send an
//! order. With a `reqwest::Client` that net-guard did not build, the URL is
//! still judged but the connection is not (that client's resolver and
//! connector decide where it goes).

mod kind;

use std::sync::{Arc, Mutex, PoisonError};

use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::Next;

use crate::client::{SendError, limited::run_limited, send_failure, transport_error};
use crate::ratelimit::{Charge, Cost, EndpointWeights, ExchangeLimiter, Permit};
use crate::retry::{RequestKind, RetryPolicy};
use crate::{Error, GuardedClient, SystemClock};

type Admit = Arc<dyn Fn() -> Result<(), Error> + Send + Sync>;

/// net-guard's policy, limiter and retries as a `reqwest_middleware`
/// middleware, over the client whose policy and events sink it uses.
///
/// ```no_run
/// use std::sync::Arc;
/// use supreme_net_guard::middleware::GuardMiddleware;
/// use supreme_net_guard::retry::RequestKind;
/// use supreme_net_guard::{Cost, EgressPolicy, ExchangeLimiter, GuardedClient, RateLimit, SystemClock};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let policy = EgressPolicy::builder().allow_host("api.binance.com")?.build();
/// let guarded = GuardedClient::builder(policy).build()?;
/// let limiter = Arc::new(ExchangeLimiter::new(RateLimit::binance_spot_defaults(), SystemClock)?);
/// let http = reqwest_middleware::ClientBuilder::new(guarded.reqwest_client())
///     .with(GuardMiddleware::new(&guarded).limiter(limiter))
///     .build();
/// // Weighed by the Binance spot table; an idempotent GET, retried.
/// let info = http.get("https://api.binance.com/api/v3/exchangeInfo").send().await?;
/// // An order: counted once, never re-sent.
/// let placed = http
///     .post("https://api.binance.com/api/v3/order?symbol=BTCUSDT&newClientOrderId=bot-1")
///     .with_extension(Cost::order(1))
///     .with_extension(RequestKind::Order { client_order_id: "bot-1".into() })
///     .send()
///     .await;
/// # let _ = (info, placed);
/// # Ok(())
/// # }
/// ```
pub struct GuardMiddleware<C: crate::Clock = SystemClock> {
    client: GuardedClient,
    limiter: Option<Arc<ExchangeLimiter<C>>>,
    weights: EndpointWeights,
    retry: RetryPolicy,
    admit: Option<Admit>,
}

impl<C: crate::Clock> std::fmt::Debug for GuardMiddleware<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardMiddleware")
            .field("client", &self.client)
            .field("limiter", &self.limiter.is_some())
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl GuardMiddleware<SystemClock> {
    /// The middleware over `client`'s policy and events sink: no limiter
    /// yet, Binance spot weights, the default [`RetryPolicy`].
    ///
    /// ```no_run
    /// use supreme_net_guard::middleware::GuardMiddleware;
    /// use supreme_net_guard::{EgressPolicy, GuardedClient};
    ///
    /// # fn run() -> Result<(), supreme_net_guard::Error> {
    /// let policy = EgressPolicy::builder().allow_host("api.binance.com")?.build();
    /// let guarded = GuardedClient::builder(policy).build()?;
    /// let http = reqwest_middleware::ClientBuilder::new(guarded.reqwest_client())
    ///     .with(GuardMiddleware::new(&guarded))
    ///     .build();
    /// # let _ = http;
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(client: &GuardedClient) -> Self {
        Self {
            client: client.clone(),
            limiter: None,
            weights: EndpointWeights::binance_spot(),
            retry: RetryPolicy::default(),
            admit: None,
        }
    }
}

impl<C: crate::Clock> GuardMiddleware<C> {
    /// Counts every request in `limiter` (shared with the gate and any
    /// other client of the same account), syncs it from the answers'
    /// headers, backs off on 429 and stops on 418.
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// use supreme_net_guard::middleware::GuardMiddleware;
    /// use supreme_net_guard::{EgressPolicy, ExchangeLimiter, GuardedClient, RateLimit, SystemClock};
    ///
    /// # fn run() -> Result<(), supreme_net_guard::Error> {
    /// let guarded = GuardedClient::builder(EgressPolicy::default()).build()?;
    /// let limiter = Arc::new(ExchangeLimiter::new(RateLimit::binance_spot_defaults(), SystemClock)?);
    /// let guard = GuardMiddleware::new(&guarded).limiter(limiter.clone());
    /// # let _ = guard;
    /// # Ok(())
    /// # }
    /// ```
    pub fn limiter<D: crate::Clock>(self, limiter: Arc<ExchangeLimiter<D>>) -> GuardMiddleware<D> {
        GuardMiddleware {
            client: self.client,
            limiter: Some(limiter),
            weights: self.weights,
            retry: self.retry,
            admit: self.admit,
        }
    }

    /// The costs of requests that carry no [`Cost`] extension.
    ///
    /// ```no_run
    /// use supreme_net_guard::middleware::GuardMiddleware;
    /// use supreme_net_guard::{Cost, EgressPolicy, EndpointWeights, GuardedClient};
    ///
    /// # fn run() -> Result<(), supreme_net_guard::Error> {
    /// let guarded = GuardedClient::builder(EgressPolicy::default()).build()?;
    /// let mut weights = EndpointWeights::binance_spot();
    /// weights.set("GET", "/api/v3/uiKlines", Cost::weight(2));
    /// let guard = GuardMiddleware::new(&guarded).weights(weights);
    /// # let _ = guard;
    /// # Ok(())
    /// # }
    /// ```
    pub fn weights(mut self, weights: EndpointWeights) -> Self {
        self.weights = weights;
        self
    }

    /// The retry policy of requests that carry no [`RetryPolicy`] extension.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use supreme_net_guard::middleware::GuardMiddleware;
    /// use supreme_net_guard::retry::RetryPolicy;
    /// use supreme_net_guard::{EgressPolicy, GuardedClient};
    ///
    /// # fn run() -> Result<(), supreme_net_guard::Error> {
    /// let guarded = GuardedClient::builder(EgressPolicy::default()).build()?;
    /// let retry = RetryPolicy { deadline: Duration::from_secs(5), ..RetryPolicy::default() };
    /// let guard = GuardMiddleware::new(&guarded).retry(retry);
    /// # let _ = guard;
    /// # Ok(())
    /// # }
    /// ```
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Calls `admit` for each attempt, after the limiter's wait and right
    /// before the request goes down the stack: its refusal (say
    /// [`Error::NotAdmitted`] from a tripped kill switch) means nothing was
    /// sent.
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use supreme_net_guard::middleware::GuardMiddleware;
    /// use supreme_net_guard::{EgressPolicy, Error, GuardedClient};
    ///
    /// # fn run() -> Result<(), Error> {
    /// let guarded = GuardedClient::builder(EgressPolicy::default()).build()?;
    /// let tripped = Arc::new(AtomicBool::new(false));
    /// let guard = GuardMiddleware::new(&guarded).admit(move || {
    ///     if tripped.load(Ordering::Acquire) {
    ///         return Err(Error::NotAdmitted("kill switch tripped".into()));
    ///     }
    ///     Ok(())
    /// });
    /// # let _ = guard;
    /// # Ok(())
    /// # }
    /// ```
    pub fn admit(mut self, admit: impl Fn() -> Result<(), Error> + Send + Sync + 'static) -> Self {
        self.admit = Some(Arc::new(admit));
        self
    }

    /// How `req` is charged: a prepaid permit, its [`Cost`] extension, or
    /// the weights table (only when there is a limiter to charge).
    fn charge(&self, req: &Request, extensions: &mut Extensions) -> Result<Charge, Error> {
        if let Some(permit) = extensions.remove::<PrepaidPermit>().and_then(|p| p.take()) {
            return Ok(Charge::Prepaid(permit));
        }
        if let Some(cost) = extensions.get::<Cost>() {
            return Ok(Charge::Acquire(*cost));
        }
        if self.limiter.is_none() {
            return Ok(Charge::Acquire(Cost::default()));
        }
        self.weights
            .require(req.method().as_str(), req.url().path())
            .map(Charge::Acquire)
    }

    async fn guard(
        &self,
        req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> Result<Response, Error> {
        // The URL first, before anything is counted or looked up.
        if let Err(e) = self.client.policy().check_parsed(req.url()) {
            self.client.record_denial(req.url().as_str(), &e);
            return Err(e);
        }
        let kind = extensions
            .get::<RequestKind>()
            .cloned()
            .unwrap_or_else(|| kind::infer(&req));
        let mut retry = extensions
            .get::<RetryPolicy>()
            .copied()
            .unwrap_or(self.retry);
        let charge = self.charge(&req, extensions)?;
        // A body that cannot be cloned (a stream) can be sent once only.
        let (template, once) = match req.try_clone() {
            Some(_) => (Some(req), Mutex::new(None)),
            None => {
                retry.max_attempts = 1;
                (None, Mutex::new(Some(req)))
            }
        };
        let extensions = tokio::sync::Mutex::new(extensions);
        let admit = || self.admit.as_ref().map_or(Ok(()), |f| f());
        let (client, next, extensions) = (&self.client, &next, &extensions);
        let send = || {
            let req = match &template {
                Some(t) => t.try_clone(),
                None => once.lock().unwrap_or_else(PoisonError::into_inner).take(),
            };
            async move {
                let Some(req) = req else {
                    return Err(SendError::NotSent(Error::Config(
                        "request body cannot be sent twice".into(),
                    )));
                };
                let (target, _) = client
                    .check(req.url().as_str())
                    .await
                    .map_err(SendError::NotSent)?;
                let mut ext = extensions.lock().await;
                let resp = next
                    .clone()
                    .run(req, &mut ext)
                    .await
                    .map_err(downstream_failure)?;
                client
                    .judge_hsts(&target, &resp)
                    .map_err(SendError::MaybeSent)?;
                Ok(resp)
            }
        };
        let limiter = self.limiter.as_deref();
        run_limited(limiter, charge, &kind, &retry, &admit, send)
            .await
            .map(|(resp, ())| resp)
    }
}

#[async_trait::async_trait]
impl<C: crate::Clock + 'static> reqwest_middleware::Middleware for GuardMiddleware<C> {
    async fn handle(
        &self,
        req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        self.guard(req, extensions, next)
            .await
            .map_err(reqwest_middleware::Error::middleware)
    }
}

/// A failure from further down the stack, by when it happened: reqwest's
/// own as [`GuardedClient::send`] sorts them; another middleware's may come
/// after the request was written, so it counts as such.
fn downstream_failure(e: reqwest_middleware::Error) -> SendError {
    match e {
        reqwest_middleware::Error::Reqwest(e) => send_failure(&e, true),
        reqwest_middleware::Error::Middleware(e) => {
            SendError::MaybeSent(Error::Transport(format!("{e:#}")))
        }
    }
}

/// Capacity already counted in the limiter (a [`Permit`], say the gate's
/// reservation), carried to one request as an extension so that its first
/// attempt spends it instead of counting again (a retry counts anew).
/// Clones share the one permit: whichever request takes it first spends it.
///
/// ```
/// use supreme_net_guard::middleware::PrepaidPermit;
/// use supreme_net_guard::{Cost, ExchangeLimiter, FakeClock, LimitKind, RateLimit};
///
/// let limits = vec![RateLimit { kind: LimitKind::Orders, interval_ms: 10_000, limit: 10 }];
/// let limiter = ExchangeLimiter::new(limits, FakeClock::new(0))?;
/// let prepaid = PrepaidPermit::new(limiter.try_reserve(Cost::order(1))?);
/// // request_builder.with_extension(prepaid.clone()) ...
/// assert_eq!(prepaid.take().map(|p| p.cost()), Some(Cost::order(1)));
/// assert!(prepaid.take().is_none(), "spent once");
/// # Ok::<(), supreme_net_guard::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct PrepaidPermit(Arc<Mutex<Option<Permit>>>);

impl PrepaidPermit {
    /// Wraps `permit` for a request's extensions.
    pub fn new(permit: Permit) -> Self {
        Self(Arc::new(Mutex::new(Some(permit))))
    }

    /// The permit, once.
    pub fn take(&self) -> Option<Permit> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

impl Error {
    /// This crate's error inside a `reqwest_middleware` error: the one
    /// [`GuardMiddleware`] refused or failed with, or what reqwest's own
    /// failure means here (a refusal by the guarded client's resolver hook,
    /// TLS verifier or connector, a pin mismatch, a connect failure, a
    /// timeout). `None` for another middleware's error.
    ///
    /// ```
    /// use supreme_net_guard::Error;
    ///
    /// let e = reqwest_middleware::Error::middleware(Error::NotAdmitted("tripped".into()));
    /// assert_eq!(Error::from_middleware(&e), Some(Error::NotAdmitted("tripped".into())));
    /// ```
    pub fn from_middleware(e: &reqwest_middleware::Error) -> Option<Self> {
        match e {
            reqwest_middleware::Error::Middleware(e) => e.downcast_ref::<Self>().cloned(),
            reqwest_middleware::Error::Reqwest(e) => Some(Self::from_reqwest(e)),
        }
    }

    /// What a failure of [`GuardedClient::reqwest_client`] means here: the
    /// refusal inside it (a host off the allowlist, a denied address or
    /// peer, an unlisted IP literal, a pin mismatch), else a connect
    /// failure, a timeout or a transport error.
    ///
    /// ```no_run
    /// use supreme_net_guard::{EgressPolicy, Error, GuardedClient};
    ///
    /// # async fn run() -> Result<(), Error> {
    /// let policy = EgressPolicy::builder().allow_host("api.binance.com")?.build();
    /// let http = GuardedClient::builder(policy).build_reqwest()?;
    /// let err = http.get("https://example.com/").send().await.unwrap_err();
    /// assert!(matches!(Error::from_reqwest(&err), Error::HostNotAllowed { .. }));
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_reqwest(e: &reqwest::Error) -> Self {
        transport_error(e)
    }
}
