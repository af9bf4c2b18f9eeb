//! Rate-limit values as Binance publishes them in `exchangeInfo`.

use std::fmt;

use serde::Deserialize;

use crate::Error;

/// The kind of a Binance rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LimitKind {
    /// `REQUEST_WEIGHT`: the sum of endpoint weights per window.
    RequestWeight,
    /// `ORDERS`: orders placed per window.
    Orders,
    /// `RAW_REQUESTS`: requests per window, whatever their weight.
    RawRequests,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::RequestWeight => "REQUEST_WEIGHT",
            Self::Orders => "ORDERS",
            Self::RawRequests => "RAW_REQUESTS",
        })
    }
}

/// One window: at most `limit` units per `interval_ms`, aligned to multiples
/// of `interval_ms` since the Unix epoch (so minutes, 10 s and UTC days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// What is counted.
    pub kind: LimitKind,
    /// Window length in milliseconds (non-zero).
    pub interval_ms: u64,
    /// Units allowed per window.
    pub limit: u32,
}

impl RateLimit {
    /// A limit; `interval_ms` must be non-zero.
    pub fn new(kind: LimitKind, interval_ms: u64, limit: u32) -> Result<Self, Error> {
        if interval_ms == 0 {
            return Err(Error::RateLimits("zero interval".into()));
        }
        Ok(Self {
            kind,
            interval_ms,
            limit,
        })
    }

    /// Binance spot's published limits (6,000 weight/min, 100 orders/10 s,
    /// 200,000 orders/day, 61,000 raw requests/5 min).
    pub fn binance_spot_defaults() -> Vec<Self> {
        vec![
            Self {
                kind: LimitKind::RequestWeight,
                interval_ms: 60_000,
                limit: 6_000,
            },
            Self {
                kind: LimitKind::Orders,
                interval_ms: 10_000,
                limit: 100,
            },
            Self {
                kind: LimitKind::Orders,
                interval_ms: 86_400_000,
                limit: 200_000,
            },
            Self {
                kind: LimitKind::RawRequests,
                interval_ms: 300_000,
                limit: 61_000,
            },
        ]
    }

    /// Reads `rateLimits` from an `exchangeInfo` document (or a bare
    /// `rateLimits` array). Unknown types or intervals are errors (fail closed).
    pub fn from_exchange_info(json: &str) -> Result<Vec<Self>, Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Doc {
            Info {
                #[serde(rename = "rateLimits")]
                rate_limits: Vec<Raw>,
            },
            Bare(Vec<Raw>),
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Raw {
            rate_limit_type: String,
            interval: String,
            interval_num: u64,
            limit: u32,
        }
        let doc: Doc = serde_json::from_str(json).map_err(|e| Error::RateLimits(e.to_string()))?;
        let raws = match doc {
            Doc::Info { rate_limits } | Doc::Bare(rate_limits) => rate_limits,
        };
        if raws.is_empty() {
            return Err(Error::RateLimits("no rateLimits".into()));
        }
        raws.into_iter()
            .map(|r| {
                let kind = match r.rate_limit_type.as_str() {
                    "REQUEST_WEIGHT" => LimitKind::RequestWeight,
                    "ORDERS" => LimitKind::Orders,
                    "RAW_REQUESTS" => LimitKind::RawRequests,
                    other => return Err(Error::RateLimits(format!("unknown type {other}"))),
                };
                let unit = interval_unit_ms(&r.interval)
                    .ok_or_else(|| Error::RateLimits(format!("unknown interval {}", r.interval)))?;
                let ms = unit
                    .checked_mul(r.interval_num)
                    .ok_or_else(|| Error::RateLimits("interval overflow".into()))?;
                Self::new(kind, ms, r.limit)
            })
            .collect()
    }
}

/// Milliseconds in one Binance interval unit.
pub(crate) fn interval_unit_ms(unit: &str) -> Option<u64> {
    match unit.to_ascii_uppercase().as_str() {
        "SECOND" | "S" => Some(1_000),
        "MINUTE" | "M" => Some(60_000),
        "HOUR" | "H" => Some(3_600_000),
        "DAY" | "D" => Some(86_400_000),
        _ => None,
    }
}

/// What one request costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    /// Its REQUEST_WEIGHT.
    pub weight: u32,
    /// Orders it places (0 or 1).
    pub orders: u32,
}

impl Cost {
    /// A request of this weight that places no order.
    pub const fn weight(weight: u32) -> Self {
        Self { weight, orders: 0 }
    }

    /// An order request of this weight.
    pub const fn order(weight: u32) -> Self {
        Self { weight, orders: 1 }
    }

    /// Units this cost uses in a window of `kind`.
    pub const fn units(self, kind: LimitKind) -> u32 {
        match kind {
            LimitKind::RequestWeight => self.weight,
            LimitKind::Orders => self.orders,
            LimitKind::RawRequests => 1,
        }
    }
}
