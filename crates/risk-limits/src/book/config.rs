//! The book's setup: valuation currency, trading day, limits per scope, and
//! the origin orders without one are booked to.

use crate::{AccountId, Asset, DailyReset, Error, LimitSet, Pct, Scope, StrategyId};

/// Which account and strategy an order belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Origin {
    /// The account whose cash and positions it changes.
    pub account: AccountId,
    /// The strategy that sent it.
    pub strategy: StrategyId,
}

/// The book's setup: valuation currency, trading day, limits per scope.
#[derive(Clone, Debug)]
pub struct RiskConfig {
    pub(crate) valuation: Asset,
    pub(crate) reset: DailyReset,
    pub(crate) market_buffer: Pct,
    pub(crate) origin: Origin,
    limits: Vec<(Scope, LimitSet)>,
    pub(crate) capacity: usize,
    pub(crate) hwm_save_step: Pct,
}

pub(crate) type Config = RiskConfig;

impl RiskConfig {
    /// Values everything in `valuation`; the default origin (account `main`,
    /// strategy `default`) is registered by the book; no limits yet; the day
    /// starts at midnight UTC; market orders are valued at the mark + 5 %.
    pub fn new(valuation: Asset) -> Result<Self, Error> {
        Ok(Self {
            valuation,
            reset: DailyReset::UTC_MIDNIGHT,
            market_buffer: Pct::percent(5),
            origin: Origin {
                account: AccountId::new("main")?,
                strategy: StrategyId::new("default")?,
            },
            limits: Vec::new(),
            capacity: 4096,
            hwm_save_step: Pct::from_fraction_units(100_000)?,
        })
    }

    /// The currency everything is valued in.
    ///
    /// ```
    /// use supreme_risk_limits::{Asset, RiskConfig};
    /// let config = RiskConfig::new(Asset::new("USDT")?)?;
    /// assert_eq!(config.valuation().as_str(), "USDT");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn valuation(&self) -> Asset {
        self.valuation
    }

    /// The default origin (account and strategy) orders are booked under.
    pub const fn origin(&self) -> &Origin {
        &self.origin
    }

    /// Sets `limits` at `scope` (checked for what applies there).
    pub fn with_limits(mut self, scope: Scope, limits: LimitSet) -> Result<Self, Error> {
        limits.validate_for(&scope)?;
        if self.limits.iter().any(|(s, _)| *s == scope) {
            return Err(Error::Duplicate {
                what: "limits for",
                name: scope.to_string(),
            });
        }
        self.limits.push((scope, limits));
        Ok(self)
    }

    /// When the trading day (and the daily loss) resets.
    pub const fn with_daily_reset(mut self, reset: DailyReset) -> Self {
        self.reset = reset;
        self
    }

    /// Market and stop-market orders are valued at the mark (or stop) plus this.
    pub const fn with_market_buffer(mut self, buffer: Pct) -> Self {
        self.market_buffer = buffer;
        self
    }

    /// The origin [`RiskBook::check_and_reserve`](crate::RiskBook::check_and_reserve)
    /// uses (registered by the book).
    pub const fn with_default_origin(mut self, origin: Origin) -> Self {
        self.origin = origin;
        self
    }

    /// With a state file attached, a rise of the global high-water mark by
    /// more than `step` (default 0.1 %) since the last save is saved at once
    /// (on the thread that moved the price), so a crash loses less.
    pub const fn with_hwm_save_step(mut self, step: Pct) -> Self {
        self.hwm_save_step = step;
        self
    }

    /// Open orders to make room for up front (beyond it the slab grows).
    pub const fn with_capacity(mut self, open_orders: usize) -> Self {
        self.capacity = open_orders;
        self
    }

    pub(crate) fn limits_for(&self, scope: &Scope) -> LimitSet {
        self.limits
            .iter()
            .find(|(s, _)| s == scope)
            .map(|(_, l)| *l)
            .unwrap_or_default()
    }
}
