//! Request weight and order counts per window, with Binance's 429 and 418.

use super::http::SimResponse;

/// The simulator's rate limits (Binance's defaults by [`Default`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitConfig {
    /// REQUEST_WEIGHT per aligned minute.
    pub weight_per_minute: u32,
    /// ORDERS per aligned 10 seconds.
    pub orders_per_10s: u32,
    /// ORDERS per UTC day.
    pub orders_per_day: u32,
    /// 429 answers tolerated (per minute) before an IP ban (418).
    pub ban_after_429s: u32,
    /// How long a ban lasts.
    pub ban_ms: u64,
}

impl Default for LimitConfig {
    fn default() -> Self {
        Self {
            weight_per_minute: 6000,
            orders_per_10s: 50,
            orders_per_day: 160_000,
            ban_after_429s: 3,
            ban_ms: 120_000,
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    minute: u64,
    weight: u32,
    ten: u64,
    orders_10s: u32,
    day: u64,
    orders_day: u32,
    rejections: u32,
    banned_until: u64,
}

impl Counters {
    fn roll(&mut self, now: u64) {
        if now / 60_000 != self.minute {
            (self.minute, self.weight, self.rejections) = (now / 60_000, 0, 0);
        }
        if now / 10_000 != self.ten {
            (self.ten, self.orders_10s) = (now / 10_000, 0);
        }
        if now / 86_400_000 != self.day {
            (self.day, self.orders_day) = (now / 86_400_000, 0);
        }
    }

    /// Weight used this minute (for `X-MBX-USED-WEIGHT-1M`).
    pub(crate) fn weight(&self) -> u32 {
        self.weight
    }

    /// Order counts this 10 s and today.
    pub(crate) fn orders(&self) -> (u32, u32) {
        (self.orders_10s, self.orders_day)
    }

    /// Counts a request's weight; a 429 or 418 when over.
    pub(crate) fn admit(
        &mut self,
        cfg: &LimitConfig,
        now: u64,
        weight: u32,
    ) -> Result<(), SimResponse> {
        self.roll(now);
        if self.banned_until > now {
            return Err(banned(self.banned_until, now));
        }
        self.weight = self.weight.saturating_add(weight);
        if self.weight <= cfg.weight_per_minute {
            return Ok(());
        }
        self.rejections += 1;
        if self.rejections > cfg.ban_after_429s {
            self.banned_until = now + cfg.ban_ms;
            return Err(banned(self.banned_until, now));
        }
        let retry_after = (60_000 - now % 60_000).div_ceil(1000);
        let msg = format!(
            "Too much request weight used; current limit is {} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.",
            cfg.weight_per_minute
        );
        let mut r = SimResponse::error(429, -1003, &msg);
        r.headers
            .push(("retry-after".into(), retry_after.to_string()));
        Err(r)
    }

    /// Counts one new order; a 429 when over either order window.
    pub(crate) fn admit_order(&mut self, cfg: &LimitConfig, now: u64) -> Result<(), SimResponse> {
        self.roll(now);
        self.orders_10s += 1;
        self.orders_day += 1;
        let (limit, interval, retry_ms) = if self.orders_10s > cfg.orders_per_10s {
            (cfg.orders_per_10s, "10 SECOND", 10_000 - now % 10_000)
        } else if self.orders_day > cfg.orders_per_day {
            (cfg.orders_per_day, "1 DAY", 86_400_000 - now % 86_400_000)
        } else {
            return Ok(());
        };
        let msg = format!("Too many new orders; current limit is {limit} orders per {interval}.");
        let mut r = SimResponse::error(429, -1015, &msg);
        r.headers
            .push(("retry-after".into(), retry_ms.div_ceil(1000).to_string()));
        Err(r)
    }
}

fn banned(until: u64, now: u64) -> SimResponse {
    let msg = format!(
        "Way too much request weight used; IP banned until {until}. Please use WebSocket Streams for live updates to avoid bans."
    );
    let mut r = SimResponse::error(418, -1003, &msg);
    r.headers.push((
        "retry-after".into(),
        (until - now).div_ceil(1000).to_string(),
    ));
    r
}
