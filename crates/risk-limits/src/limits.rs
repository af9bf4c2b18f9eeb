//! Limits as validated values, and which scope each may apply to.

use std::num::{NonZeroU32, NonZeroU64};

use serde::Serialize;

use crate::{Error, Pct, Scope, Value};

/// Max position in one symbol as a share of equity, with a soft warning.
/// The seed's values are [`PositionLimit::SEED`]: 10 % max, warning at 5 %.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct PositionLimit {
    max: Pct,
    warn: Option<Pct>,
    reduce_only_on_drift: bool,
}

impl PositionLimit {
    /// 10 % of equity, warning from 5 % (the seed's PositionSecurityValidator).
    pub const SEED: Self = Self {
        max: Pct::percent(10),
        warn: Some(Pct::percent(5)),
        reduce_only_on_drift: false,
    };

    /// `max` share of equity, warning above `warn` (which must be below `max`).
    pub fn new(max: Pct, warn: Option<Pct>) -> Result<Self, Error> {
        if warn.is_some_and(|w| w >= max) {
            return Err(Error::InvalidLimit {
                what: "position",
                reason: "the warning share must be below the max share",
            });
        }
        Ok(Self {
            max,
            warn,
            reduce_only_on_drift: false,
        })
    }

    /// With `on`, a position that drifts past `max` by price moves alone
    /// (marks, rates) makes its symbol reduce-only at this scope until it is
    /// back within `max` (default: a warning only; see
    /// [`Drift`](crate::Drift)).
    ///
    /// ```
    /// use supreme_risk_limits::{Pct, PositionLimit};
    /// let limit = PositionLimit::new(Pct::percent(10), None)?.with_reduce_only_on_drift(true);
    /// assert!(limit.reduce_only_on_drift());
    /// # Ok::<(), supreme_risk_limits::Error>(())
    /// ```
    pub const fn with_reduce_only_on_drift(mut self, on: bool) -> Self {
        self.reduce_only_on_drift = on;
        self
    }

    /// Whether drifting past `max` makes the symbol reduce-only.
    pub const fn reduce_only_on_drift(&self) -> bool {
        self.reduce_only_on_drift
    }

    /// The hard limit.
    pub const fn max(&self) -> Pct {
        self.max
    }

    /// The soft threshold.
    pub const fn warn(&self) -> Option<Pct> {
        self.warn
    }
}

/// Max share of one symbol in the scope's gross exposure. A share of a tiny
/// portfolio means nothing (one position is 100 % of it, which is why the
/// seed's check blocked a first trade), so the limit applies once the gross
/// exposure reaches `active_from` of equity.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct ConcentrationLimit {
    max: Pct,
    active_from: Pct,
    reduce_only_on_drift: bool,
}

impl ConcentrationLimit {
    /// 20 % (the seed), applying from a gross exposure of 50 % of equity.
    pub const SEED: Self = Self {
        max: Pct::percent(20),
        active_from: Pct::percent(50),
        reduce_only_on_drift: false,
    };

    /// `max` share of gross exposure, applying from `active_from` of equity.
    pub const fn new(max: Pct, active_from: Pct) -> Self {
        Self {
            max,
            active_from,
            reduce_only_on_drift: false,
        }
    }

    /// With `on`, a symbol whose share drifts past `max` by price moves
    /// alone makes it reduce-only at this scope until it is back within
    /// `max` (default: a warning only; see [`Drift`](crate::Drift)).
    ///
    /// ```
    /// use supreme_risk_limits::{ConcentrationLimit, Pct};
    /// let limit = ConcentrationLimit::new(Pct::percent(20), Pct::percent(50))
    ///     .with_reduce_only_on_drift(true);
    /// assert!(limit.reduce_only_on_drift());
    /// ```
    pub const fn with_reduce_only_on_drift(mut self, on: bool) -> Self {
        self.reduce_only_on_drift = on;
        self
    }

    /// Whether drifting past `max` makes the symbol reduce-only.
    pub const fn reduce_only_on_drift(&self) -> bool {
        self.reduce_only_on_drift
    }

    /// The hard limit.
    pub const fn max(&self) -> Pct {
        self.max
    }

    /// The gross exposure (share of equity) from which it applies.
    pub const fn active_from(&self) -> Pct {
        self.active_from
    }
}

/// Max orders accepted in a sliding window.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct OrderRateLimit {
    max_orders: u32,
    window_ms: u64,
}

impl OrderRateLimit {
    /// Most orders one window may hold (the window keeps that many times).
    pub const MAX_ORDERS: u32 = 100_000;

    /// `max_orders` per `window_ms`.
    pub fn new(max_orders: NonZeroU32, window_ms: NonZeroU64) -> Result<Self, Error> {
        if max_orders.get() > Self::MAX_ORDERS {
            return Err(Error::InvalidLimit {
                what: "order rate",
                reason: "more than 100,000 orders per window",
            });
        }
        Ok(Self {
            max_orders: max_orders.get(),
            window_ms: window_ms.get(),
        })
    }

    /// Orders per window.
    pub const fn max_orders(&self) -> u32 {
        self.max_orders
    }

    /// The window.
    pub const fn window_ms(&self) -> u64 {
        self.window_ms
    }
}

/// freqtrade's StoplossGuard: after `losing_trades` losing closing fills within
/// `window_ms`, only reducing orders for `cooldown_ms`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct CooldownLimit {
    losing_trades: u32,
    window_ms: u64,
    cooldown_ms: u64,
}

impl CooldownLimit {
    /// Most losing trades a window may count.
    pub const MAX_TRADES: u32 = 1_000;

    /// A cooldown of `cooldown_ms` after `losing_trades` losses in `window_ms`.
    pub fn new(
        losing_trades: NonZeroU32,
        window_ms: NonZeroU64,
        cooldown_ms: NonZeroU64,
    ) -> Result<Self, Error> {
        if losing_trades.get() > Self::MAX_TRADES {
            return Err(Error::InvalidLimit {
                what: "cooldown",
                reason: "more than 1,000 losing trades per window",
            });
        }
        Ok(Self {
            losing_trades: losing_trades.get(),
            window_ms: window_ms.get(),
            cooldown_ms: cooldown_ms.get(),
        })
    }

    /// Losing trades that start a cooldown.
    pub const fn losing_trades(&self) -> u32 {
        self.losing_trades
    }

    /// The window they are counted in.
    pub const fn window_ms(&self) -> u64 {
        self.window_ms
    }

    /// How long the cooldown lasts.
    pub const fn cooldown_ms(&self) -> u64 {
        self.cooldown_ms
    }
}

/// When the trading day starts: a time of day at a fixed UTC offset. (A
/// fixed offset, not a time-zone database: a zone with daylight saving needs
/// its offset updated twice a year.)
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct DailyReset {
    minute_of_day: u16,
    utc_offset_minutes: i16,
}

impl DailyReset {
    /// Midnight UTC.
    pub const UTC_MIDNIGHT: Self = Self {
        minute_of_day: 0,
        utc_offset_minutes: 0,
    };

    /// The day starts at `hour:minute` local time, local = UTC + `utc_offset_minutes`.
    pub fn new(hour: u8, minute: u8, utc_offset_minutes: i16) -> Result<Self, Error> {
        if hour > 23 || minute > 59 || !(-14 * 60..=14 * 60).contains(&utc_offset_minutes) {
            return Err(Error::InvalidLimit {
                what: "daily reset",
                reason: "hour 0..=23, minute 0..=59, UTC offset within ±14 h",
            });
        }
        Ok(Self {
            minute_of_day: u16::from(hour) * 60 + u16::from(minute),
            utc_offset_minutes,
        })
    }

    /// The trading day `now_ms` falls in (days since the epoch, shifted).
    pub fn day_index(&self, now_ms: u64) -> i64 {
        let shift = i64::from(self.utc_offset_minutes) - i64::from(self.minute_of_day);
        let local = i64::try_from(now_ms).unwrap_or(i64::MAX) + shift * 60_000;
        local.div_euclid(86_400_000)
    }
}

/// The limits of one scope; `None` means no limit of that kind there.
///
/// What each scope measures:
///
/// | scope | position share | concentration | gross / net | loss, drawdown |
/// |---|---|---|---|---|
/// | global | each symbol (all accounts) ÷ global equity | symbol ÷ global gross | all positions and orders | global equity |
/// | account | its position in each symbol ÷ its equity | position ÷ its gross | its positions and orders | its equity |
/// | symbol | the symbol (all accounts) ÷ global equity | symbol ÷ global gross | the symbol's | — |
/// | strategy | — | — | — | realized P&L of its fills (daily loss only) |
///
/// Open orders, order rate and the losing-trade cooldown apply at every scope.
/// Exposure is worst case: positions at the mark plus every open increasing
/// order at the worse of its limit price and the mark (market orders at the
/// mark plus the book's market buffer).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize)]
pub struct LimitSet {
    /// Max position per symbol as a share of the scope's equity.
    pub position: Option<PositionLimit>,
    /// Max share of one symbol in the scope's gross exposure.
    pub concentration: Option<ConcentrationLimit>,
    /// Max gross exposure (long + short, positions + open orders, worst case).
    pub gross_exposure: Option<Value>,
    /// Max net exposure (long − short, worst case either way).
    pub net_exposure: Option<Value>,
    /// Max open orders. Reducing orders are never refused by it, but they are
    /// open orders too and count toward it (as the exchange counts them).
    pub max_open_orders: Option<NonZeroU32>,
    /// Max orders accepted per window.
    pub order_rate: Option<OrderRateLimit>,
    /// Max loss since the start of the trading day (realized + unrealized;
    /// realized only for a strategy). Breaching halts the scope until the
    /// next day.
    pub daily_loss: Option<Value>,
    /// Max drawdown from the equity high-water mark. Breaching halts the
    /// scope until an operator resets it.
    pub max_drawdown: Option<Pct>,
    /// Losing-trade cooldown.
    pub cooldown: Option<CooldownLimit>,
}

impl LimitSet {
    /// The seed's limits: position 10 % (warning 5 %), concentration 20 %.
    pub const SEED: Self = Self {
        position: Some(PositionLimit::SEED),
        concentration: Some(ConcentrationLimit::SEED),
        gross_exposure: None,
        net_exposure: None,
        max_open_orders: None,
        order_rate: None,
        daily_loss: None,
        max_drawdown: None,
        cooldown: None,
    };

    /// Checks that every limit set here means something at `scope`: a
    /// strategy has no equity or positions of its own (so no position,
    /// concentration, exposure or drawdown limits), a symbol no equity (no
    /// daily loss or drawdown). Amounts must be positive.
    pub fn validate_for(&self, scope: &Scope) -> Result<(), Error> {
        let not = |limit: &'static str| Error::NotApplicable {
            scope: *scope,
            limit,
        };
        match scope {
            Scope::Strategy(_) => {
                if self.position.is_some() {
                    return Err(not("position"));
                }
                if self.concentration.is_some() {
                    return Err(not("concentration"));
                }
                if self.gross_exposure.is_some() || self.net_exposure.is_some() {
                    return Err(not("exposure"));
                }
                if self.max_drawdown.is_some() {
                    return Err(not("drawdown"));
                }
            }
            Scope::Symbol(_) => {
                if self.daily_loss.is_some() {
                    return Err(not("daily loss"));
                }
                if self.max_drawdown.is_some() {
                    return Err(not("drawdown"));
                }
            }
            Scope::Global | Scope::Account(_) => {}
        }
        let positive = [self.gross_exposure, self.net_exposure, self.daily_loss];
        if positive.into_iter().flatten().any(|v| v <= Value::ZERO) {
            return Err(Error::InvalidLimit {
                what: "amount",
                reason: "exposure and loss limits must be above zero",
            });
        }
        Ok(())
    }
}
