//! The exchange limiter: every Binance window at once, exact.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::limits::{Cost, LimitKind, RateLimit, interval_unit_ms};
use crate::Error;
use supreme_core::Clock;

#[derive(Debug, Clone)]
struct Window {
    limit: RateLimit,
    start_ms: u64,
    used: u32,
}

impl Window {
    fn roll(&mut self, now: u64) {
        let start = now - now % self.limit.interval_ms;
        if start != self.start_ms {
            self.start_ms = start;
            self.used = 0;
        }
    }

    fn end_ms(&self) -> u64 {
        self.start_ms.saturating_add(self.limit.interval_ms)
    }
}

#[derive(Debug)]
struct State {
    windows: Vec<Window>,
    backoff_until: u64,
    banned_until: u64,
}

/// Default back-off after a 429 without Retry-After.
const DEFAULT_429_MS: u64 = 60_000;
/// Default ban after a 418 without Retry-After (Binance bans start at 2 min).
const DEFAULT_418_MS: u64 = 120_000;

/// A limiter that models Binance's REQUEST_WEIGHT, ORDERS and RAW_REQUESTS
/// windows. [`try_acquire`](Self::try_acquire) admits a request only if every
/// window has room, and counts it in all of them at once.
#[derive(Debug)]
pub struct ExchangeLimiter<C: Clock> {
    state: Mutex<State>,
    clock: C,
}

impl<C: Clock> ExchangeLimiter<C> {
    /// A limiter for these limits (at least one) on this clock.
    pub fn new(limits: Vec<RateLimit>, clock: C) -> Result<Self, Error> {
        if limits.is_empty() {
            return Err(Error::RateLimits("no limits".into()));
        }
        let windows = limits
            .into_iter()
            .map(|limit| Window {
                limit,
                start_ms: 0,
                used: 0,
            })
            .collect();
        Ok(Self {
            state: Mutex::new(State {
                windows,
                backoff_until: 0,
                banned_until: 0,
            }),
            clock,
        })
    }

    /// The clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Admits and counts the request, or says how long to wait.
    pub fn try_acquire(&self, cost: Cost) -> Result<(), Error> {
        let now = self.clock.now_ms();
        let mut st = self.lock();
        if st.banned_until > now {
            return Err(Error::Banned {
                wait: Duration::from_millis(st.banned_until - now),
            });
        }
        if st.backoff_until > now {
            return Err(Error::BackedOff {
                wait: Duration::from_millis(st.backoff_until - now),
            });
        }
        let mut worst: Option<(LimitKind, u64)> = None;
        for w in &mut st.windows {
            w.roll(now);
            let units = cost.units(w.limit.kind);
            if units > w.limit.limit {
                return Err(Error::RateLimits(format!(
                    "a cost of {units} can never fit {} {} per {} ms",
                    w.limit.limit, w.limit.kind, w.limit.interval_ms
                )));
            }
            if w.used.saturating_add(units) > w.limit.limit {
                let wait = w.end_ms() - now;
                if worst.is_none_or(|(_, x)| wait > x) {
                    worst = Some((w.limit.kind, wait));
                }
            }
        }
        if let Some((limit, wait)) = worst {
            return Err(Error::RateLimited {
                limit,
                wait: Duration::from_millis(wait),
            });
        }
        for w in &mut st.windows {
            w.used += cost.units(w.limit.kind);
        }
        Ok(())
    }

    /// Waits (async, real time) until the request fits, then counts it.
    /// Gives up with the limiter's error if the wait would pass `max_wait`.
    pub async fn acquire(&self, cost: Cost, max_wait: Duration) -> Result<(), Error> {
        let start = tokio::time::Instant::now();
        loop {
            let wait = match self.try_acquire(cost) {
                Ok(()) => return Ok(()),
                Err(
                    Error::RateLimited { wait, .. }
                    | Error::BackedOff { wait }
                    | Error::Banned { wait },
                ) => wait,
                Err(e) => return Err(e),
            };
            if start.elapsed() + wait > max_wait {
                return self.try_acquire(cost);
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// Units used in the current window of this kind and interval.
    pub fn used(&self, kind: LimitKind, interval_ms: u64) -> Option<u32> {
        let now = self.clock.now_ms();
        let mut st = self.lock();
        st.windows
            .iter_mut()
            .find(|w| w.limit.kind == kind && w.limit.interval_ms == interval_ms)
            .map(|w| {
                w.roll(now);
                w.used
            })
    }

    /// Every window's limit and the units used in its current window, in
    /// the order of the limits (for metrics and status views).
    ///
    /// ```
    /// use supreme_net_guard::{Cost, ExchangeLimiter, FakeClock, LimitKind, RateLimit};
    /// let limiter = ExchangeLimiter::new(
    ///     vec![RateLimit::new(LimitKind::Orders, 10_000, 50)?],
    ///     FakeClock::new(0),
    /// )?;
    /// limiter.try_acquire(Cost::order(1))?;
    /// assert_eq!(limiter.usage()[0].1, 1);
    /// # Ok::<(), supreme_net_guard::Error>(())
    /// ```
    pub fn usage(&self) -> Vec<(RateLimit, u32)> {
        let now = self.clock.now_ms();
        let mut st = self.lock();
        st.windows
            .iter_mut()
            .map(|w| {
                w.roll(now);
                (w.limit, w.used)
            })
            .collect()
    }

    /// Corrects the counts from response headers (`X-MBX-USED-WEIGHT-1M`,
    /// `X-MBX-ORDER-COUNT-10S`, ...): a window's count only ever goes up to
    /// what the exchange says, never down (requests may still be in flight).
    pub fn sync_headers<'a>(&self, headers: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let now = self.clock.now_ms();
        let mut st = self.lock();
        for (name, value) in headers {
            let Some((kind, interval_ms)) = parse_usage_header(name) else {
                continue;
            };
            let Ok(count) = value.trim().parse::<u32>() else {
                continue;
            };
            for w in st
                .windows
                .iter_mut()
                .filter(|w| w.limit.kind == kind && w.limit.interval_ms == interval_ms)
            {
                w.roll(now);
                w.used = w.used.max(count);
            }
        }
    }

    /// Reacts to a response status: 429 backs off for `retry_after` (60 s if
    /// absent), 418 stops all traffic for `retry_after` (2 min if absent).
    pub fn on_status(&self, status: u16, retry_after: Option<Duration>) {
        let now = self.clock.now_ms();
        let ms = |d: Option<Duration>, default: u64| {
            d.map_or(default, |d| {
                u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
            })
        };
        crate::metrics::throttled(status);
        let mut st = self.lock();
        match status {
            429 => {
                st.backoff_until = st
                    .backoff_until
                    .max(now.saturating_add(ms(retry_after, DEFAULT_429_MS)));
            }
            418 => {
                st.banned_until = st
                    .banned_until
                    .max(now.saturating_add(ms(retry_after, DEFAULT_418_MS)));
            }
            _ => {}
        }
    }
}

/// Reads a usage header's name: `x-mbx-used-weight-1m` -> (RequestWeight,
/// 60 000); `x-mbx-order-count-10s` -> (Orders, 10 000). Case-insensitive;
/// `None` for any other header. (Also used by the fleet's shared limiter.)
///
/// ```
/// use supreme_net_guard::{LimitKind, parse_usage_header};
/// assert_eq!(parse_usage_header("X-MBX-USED-WEIGHT-1M"), Some((LimitKind::RequestWeight, 60_000)));
/// assert_eq!(parse_usage_header("content-type"), None);
/// ```
pub fn parse_usage_header(name: &str) -> Option<(LimitKind, u64)> {
    let lower = name.to_ascii_lowercase();
    let (kind, rest) = if let Some(r) = lower.strip_prefix("x-mbx-used-weight-") {
        (LimitKind::RequestWeight, r)
    } else if let Some(r) = lower.strip_prefix("x-mbx-order-count-") {
        (LimitKind::Orders, r)
    } else {
        return None;
    };
    let split = rest.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = rest.split_at(split);
    let num: u64 = num.parse().ok()?;
    if num == 0 {
        return None;
    }
    Some((kind, num.checked_mul(interval_unit_ms(unit)?)?))
}

/// Parses a Retry-After header value in seconds (HTTP dates are not used by Binance).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests;
