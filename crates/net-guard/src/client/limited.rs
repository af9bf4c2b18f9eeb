//! Requests through the exchange limiter and the retry policy.

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, Response};

use super::{GuardedClient, SendError};
use crate::Error;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::ratelimit::{Charge, Cost, ExchangeLimiter, parse_retry_after};
use crate::retry::{self, Failure, RequestKind, RetryPolicy, SystemJitter};

impl GuardedClient {
    /// Sends through the exchange limiter and the retry policy: waits for
    /// room in every window (up to the retry deadline), syncs the window
    /// counts from the response headers, backs off on 429, stops on 418.
    /// Idempotent requests are retried; an order that may have reached the
    /// exchange comes back as [`Error::OutcomeUnknown`] and is not re-sent.
    #[allow(clippy::too_many_arguments)]
    pub async fn send_limited<C: crate::Clock>(
        &self,
        limiter: &ExchangeLimiter<C>,
        cost: Cost,
        kind: &RequestKind,
        retry: &RetryPolicy,
        method: Method,
        url: &str,
        headers: HeaderMap,
        body: Option<Vec<u8>>,
    ) -> Result<Response, Error> {
        let admit = || Ok(());
        self.send_limited_admitted(
            limiter, cost, kind, retry, &admit, method, url, headers, body,
        )
        .await
        .map(|(resp, ())| resp)
    }

    /// As [`send_limited`](Self::send_limited), with `admit` called for each
    /// attempt after the limiter's wait and right before the request goes
    /// out: its refusal ([`Error::NotAdmitted`]) means nothing was sent. The
    /// permit it returns is held until the answer's headers are in (a kill
    /// switch counts orders in flight this way) and handed back with them.
    ///
    /// Any failure after the request may have been written (no answer, a
    /// broken connection, an answer refused for HSTS) is, for an order,
    /// [`Error::OutcomeUnknown`] with its client order id.
    #[allow(clippy::too_many_arguments)]
    pub async fn send_limited_admitted<C: crate::Clock, P>(
        &self,
        limiter: &ExchangeLimiter<C>,
        cost: Cost,
        kind: &RequestKind,
        retry: &RetryPolicy,
        admit: &(dyn Fn() -> Result<P, Error> + Sync),
        method: Method,
        url: &str,
        headers: HeaderMap,
        body: Option<Vec<u8>>,
    ) -> Result<(Response, P), Error> {
        self.send_charged(
            limiter,
            cost.into(),
            kind,
            retry,
            admit,
            method,
            url,
            headers,
            body,
        )
        .await
    }

    /// As [`send_limited_admitted`](Self::send_limited_admitted), charged
    /// by `charge`: a [`Charge::Prepaid`] permit (the gate's reservation)
    /// pays for the first attempt, so the request is counted once; only a
    /// retry counts again.
    #[allow(clippy::too_many_arguments)]
    pub async fn send_charged<C: crate::Clock, P>(
        &self,
        limiter: &ExchangeLimiter<C>,
        charge: Charge,
        kind: &RequestKind,
        retry: &RetryPolicy,
        admit: &(dyn Fn() -> Result<P, Error> + Sync),
        method: Method,
        url: &str,
        headers: HeaderMap,
        body: Option<Vec<u8>>,
    ) -> Result<(Response, P), Error> {
        run_limited(Some(limiter), charge, kind, retry, admit, || {
            self.send_tracked(method.clone(), url, headers.clone(), body.clone())
        })
        .await
    }
}

/// The one implementation behind [`GuardedClient::send_charged`] and the
/// [`GuardMiddleware`](crate::middleware::GuardMiddleware): for each attempt
/// (as [`retry::run`] allows), the limiter's wait (unless `charge` prepaid
/// the first), `admit`, `send`, then the header sync and the reaction to
/// 429/418; 429, 418 and 5xx come back as failures for the retry policy to
/// judge by `kind` (an order is never re-sent).
pub(crate) async fn run_limited<C, P, F, Fut>(
    limiter: Option<&ExchangeLimiter<C>>,
    charge: Charge,
    kind: &RequestKind,
    retry: &RetryPolicy,
    admit: &(dyn Fn() -> Result<P, Error> + Sync),
    mut send: F,
) -> Result<(Response, P), Error>
where
    C: crate::Clock,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Response, SendError>>,
{
    let (cost, prepaid): (Cost, _) = match charge {
        Charge::Acquire(cost) => (cost, AtomicBool::new(false)),
        Charge::Prepaid(permit) => (permit.cost(), AtomicBool::new(true)),
    };
    let prepaid = &prepaid;
    let mut jitter = SystemJitter::new();
    retry::run(retry, kind, &mut jitter, |_| {
        let sending = send();
        async move {
            if let Some(limiter) = limiter
                && !prepaid.swap(false, Ordering::AcqRel)
            {
                limiter
                    .acquire(cost, retry.deadline)
                    .await
                    .map_err(Failure::Fatal)?;
            }
            let permit = admit().map_err(Failure::Fatal)?;
            let resp = match sending.await {
                Ok(r) => r,
                Err(SendError::NotSent(Error::Connect(e))) => return Err(Failure::Connect(e)),
                Err(SendError::NotSent(e)) => return Err(Failure::Fatal(e)),
                Err(SendError::MaybeSent(Error::Timeout(_))) => return Err(Failure::Timeout),
                Err(SendError::MaybeSent(Error::Transport(e))) => return Err(Failure::Broken(e)),
                Err(SendError::MaybeSent(e)) => return Err(Failure::AfterSend(e)),
            };
            let hdrs = resp.headers();
            let status = resp.status().as_u16();
            let retry_after = hdrs
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            if let Some(limiter) = limiter {
                limiter.sync_headers(
                    hdrs.iter()
                        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?))),
                );
                limiter.on_status(status, retry_after);
            }
            if status == 429 || status == 418 || status >= 500 {
                return Err(Failure::Status {
                    status,
                    retry_after,
                });
            }
            Ok((resp, permit))
        }
    })
    .await
}
