//! Retries: exponential back-off with full jitter, an overall deadline and
//! Retry-After honoured. Only idempotent requests retry by themselves.
//!
//! The seed retried every 5xx, orders included: a POST that timed out may
//! have been filled, and re-sending it can double a position. Here an order
//! that times out, drops or gets a 5xx comes back as
//! [`Error::OutcomeUnknown`] with its client order id, for the caller to
//! reconcile (query the order by that id); it is never re-sent.

use std::future::Future;
use std::time::Duration;

use crate::Error;

/// How a request may be retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestKind {
    /// Safe to repeat (GET, HEAD, a cancel by id): retried.
    Idempotent,
    /// Places an order: never retried; unknown outcomes name this id.
    Order {
        /// The `newClientOrderId` sent with the order.
        client_order_id: String,
    },
    /// Anything else that changes state: never retried.
    NonIdempotent,
}

/// What went wrong with one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Could not connect: the request was certainly not sent.
    Connect(String),
    /// No answer in time: the request may have been processed.
    Timeout,
    /// The connection broke after the request may have been sent.
    Broken(String),
    /// An error status (with Retry-After if given).
    Status {
        /// Status code.
        status: u16,
        /// Retry-After.
        retry_after: Option<Duration>,
    },
    /// A failure that retrying cannot fix (policy refusal, bad TLS, ...),
    /// before the request could have been written.
    Fatal(Error),
    /// The request was sent and answered, and the answer refused (HSTS
    /// missing, a redirect refused): never retried; an order's outcome is
    /// unknown.
    AfterSend(Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Connect(e) => write!(f, "connect failed: {e}"),
            Self::Timeout => f.write_str("timed out"),
            Self::Broken(e) => write!(f, "connection broken: {e}"),
            Self::Status { status, .. } => write!(f, "HTTP {status}"),
            Self::Fatal(e) | Self::AfterSend(e) => write!(f, "{e}"),
        }
    }
}

/// Back-off parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// First back-off cap.
    pub base: Duration,
    /// Largest back-off cap.
    pub max_delay: Duration,
    /// Overall deadline from the first attempt.
    pub deadline: Duration,
    /// Attempts at most (the first included).
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            deadline: Duration::from_secs(30),
            max_attempts: 5,
        }
    }
}

impl RetryPolicy {
    /// The back-off cap before attempt `n + 1` (`n` failures so far): `base * 2^(n-1)`, capped.
    pub fn cap(&self, failures: u32) -> Duration {
        let shift = failures.saturating_sub(1).min(20);
        self.base.saturating_mul(1 << shift).min(self.max_delay)
    }
}

/// A source of jitter: a uniform value in `0..=max_ms`.
pub trait Jitter {
    /// A value in `0..=max_ms`.
    fn pick(&mut self, max_ms: u64) -> u64;
}

/// xorshift64* seeded from the OS (through ring).
#[derive(Debug, Clone)]
pub struct SystemJitter(u64);

impl SystemJitter {
    /// Seeded from the OS.
    pub fn new() -> Self {
        let mut seed = [0u8; 8];
        let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut seed);
        Self(u64::from_le_bytes(seed) | 1)
    }
}

impl Default for SystemJitter {
    fn default() -> Self {
        Self::new()
    }
}

impl Jitter for SystemJitter {
    fn pick(&mut self, max_ms: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % max_ms.saturating_add(1)
    }
}

/// Runs `attempt` (given the attempt number, from 1) until it succeeds, a
/// failure is not retryable, or the deadline or attempt count is reached.
/// Sleeps with tokio's timer (so tests can run on paused time).
pub async fn run<T, F, Fut>(
    policy: &RetryPolicy,
    kind: &RequestKind,
    jitter: &mut impl Jitter,
    mut attempt: F,
) -> Result<T, Error>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let start = tokio::time::Instant::now();
    let mut n = 0u32;
    loop {
        n += 1;
        let failure = match attempt(n).await {
            Ok(v) => return Ok(v),
            Err(f) => f,
        };
        let retry_after = match (&failure, kind) {
            (Failure::Fatal(e), _) => return Err(e.clone()),
            (Failure::AfterSend(_), RequestKind::Order { client_order_id }) => {
                return Err(order_failure(&failure, client_order_id));
            }
            (Failure::AfterSend(e), _) => return Err(e.clone()),
            (
                Failure::Status {
                    status: 418,
                    retry_after,
                },
                _,
            ) => {
                return Err(Error::Banned {
                    wait: retry_after.unwrap_or(Duration::from_secs(120)),
                });
            }
            (f, RequestKind::Order { client_order_id }) => {
                return Err(order_failure(f, client_order_id));
            }
            (f, RequestKind::NonIdempotent) => return Err(not_retried(f)),
            (
                Failure::Status {
                    status,
                    retry_after,
                },
                RequestKind::Idempotent,
            ) => {
                if !retryable_status(*status) {
                    return Err(not_retried(&failure));
                }
                *retry_after
            }
            (_, RequestKind::Idempotent) => None,
        };
        let cap = u64::try_from(policy.cap(n).as_millis()).unwrap_or(u64::MAX);
        let delay = Duration::from_millis(jitter.pick(cap)).max(retry_after.unwrap_or_default());
        if n >= policy.max_attempts || start.elapsed() + delay > policy.deadline {
            return Err(Error::RetriesExhausted {
                attempts: n,
                last: failure.to_string(),
            });
        }
        crate::metrics::retried();
        tokio::time::sleep(delay).await;
    }
}

fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

fn not_retried(f: &Failure) -> Error {
    match f {
        Failure::Status {
            status,
            retry_after,
        } => Error::Status {
            status: *status,
            retry_after: *retry_after,
        },
        Failure::Fatal(e) | Failure::AfterSend(e) => e.clone(),
        Failure::Connect(e) => Error::Connect(e.clone()),
        other => Error::Transport(other.to_string()),
    }
}

/// An order's failure: unknown outcome unless it certainly was not executed.
fn order_failure(f: &Failure, client_order_id: &str) -> Error {
    match f {
        // Not sent, or rejected before execution (4xx incl. 429): known outcome.
        Failure::Connect(_) => not_retried(f),
        Failure::Status { status, .. } if *status < 500 => not_retried(f),
        Failure::Fatal(e) => e.clone(),
        Failure::Timeout | Failure::Broken(_) | Failure::Status { .. } | Failure::AfterSend(_) => {
            Error::OutcomeUnknown {
                client_order_id: client_order_id.to_string(),
                reason: f.to_string(),
            }
        }
    }
}

#[cfg(test)]
mod tests;
