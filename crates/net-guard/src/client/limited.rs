//! Requests through the exchange limiter and the retry policy.

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, Response};

use super::GuardedClient;
use crate::Error;
use crate::ratelimit::{Cost, ExchangeLimiter, parse_retry_after};
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
        let mut jitter = SystemJitter::new();
        retry::run(retry, kind, &mut jitter, |_| {
            let (method, headers, body) = (method.clone(), headers.clone(), body.clone());
            async move {
                limiter
                    .acquire(cost, retry.deadline)
                    .await
                    .map_err(Failure::Fatal)?;
                let resp = match self.send(method, url, headers, body).await {
                    Ok(r) => r,
                    Err(Error::Connect(e)) => return Err(Failure::Connect(e)),
                    Err(Error::Timeout(_)) => return Err(Failure::Timeout),
                    Err(Error::Transport(e)) => return Err(Failure::Broken(e)),
                    Err(e) => return Err(Failure::Fatal(e)),
                };
                let hdrs = resp.headers();
                limiter.sync_headers(
                    hdrs.iter()
                        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?))),
                );
                let status = resp.status().as_u16();
                let retry_after = hdrs
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_retry_after);
                limiter.on_status(status, retry_after);
                if status == 429 || status == 418 || status >= 500 {
                    return Err(Failure::Status {
                        status,
                        retry_after,
                    });
                }
                Ok(resp)
            }
        })
        .await
    }
}
