//! `[risk]` and `[[risk.limits]]`: the risk book's limits per scope.

use std::num::{NonZeroU32, NonZeroU64};

use serde::Deserialize;
use supreme_risk_limits::{
    Asset, ConcentrationLimit, CooldownLimit, DailyReset, LimitSet, OrderRateLimit, Pct,
    PositionLimit, RiskConfig, Scope, Value,
};

use crate::Check;
use crate::located::{Decimal, Located};

/// `[risk]`.
///
/// ```toml
/// [risk]
/// valuation = "USDT"               # the currency equity is valued in
/// market_buffer_pct = "5"          # market orders valued at mark + this (default 5)
/// daily_reset = { hour = 0, minute = 0, utc_offset_minutes = 0 }
///
/// [[risk.limits]]
/// scope = "global"                 # or "account:NAME", "strategy:NAME", "symbol:BTCUSDT"
/// max_drawdown_pct = "10"          # exact decimal strings, never floats
/// position_pct = "10"
/// position_warn_pct = "5"          # must be below position_pct
/// concentration_pct = "20"
/// concentration_from_pct = "50"
/// gross_exposure = "200000"        # in the valuation currency
/// net_exposure = "100000"
/// daily_loss = "5000"
/// max_open_orders = 50
/// order_rate = { max_orders = 10, window_ms = 1000 }
/// cooldown = { losing_trades = 3, window_secs = 3600, cooldown_secs = 1800 }
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskSection {
    /// The valuation currency.
    pub valuation: Located<String>,
    /// Market orders are valued at the mark plus this share.
    #[serde(default)]
    pub market_buffer_pct: Option<Located<Decimal>>,
    /// When the trading day starts.
    #[serde(default)]
    pub daily_reset: Option<Located<DailyResetEntry>>,
    /// Limits per scope.
    #[serde(default)]
    pub limits: Vec<ScopeLimits>,
}

/// `daily_reset`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DailyResetEntry {
    /// 0..=23.
    pub hour: u8,
    /// 0..=59.
    #[serde(default)]
    pub minute: u8,
    /// Local = UTC + this.
    #[serde(default)]
    pub utc_offset_minutes: i16,
}

/// `order_rate`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderRateEntry {
    /// Orders per window.
    pub max_orders: u32,
    /// The window.
    pub window_ms: u64,
}

/// `cooldown`: after `losing_trades` losing fills within `window_secs`,
/// only reducing orders for `cooldown_secs` (freqtrade's StoplossGuard).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CooldownEntry {
    /// Losing trades that start a cooldown (1..=1000).
    pub losing_trades: u32,
    /// The window they are counted in.
    pub window_secs: u64,
    /// How long the cooldown lasts.
    pub cooldown_secs: u64,
}

/// `[[risk.limits]]`: the limits of one scope.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeLimits {
    /// `global`, `account:NAME`, `strategy:NAME` or `symbol:SYMBOL`.
    pub scope: Located<String>,
    /// Max drawdown from the high-water mark, percent.
    #[serde(default)]
    pub max_drawdown_pct: Option<Located<Decimal>>,
    /// Max position per symbol, percent of equity.
    #[serde(default)]
    pub position_pct: Option<Located<Decimal>>,
    /// Warning threshold, below `position_pct`.
    #[serde(default)]
    pub position_warn_pct: Option<Located<Decimal>>,
    /// Max share of one symbol in gross exposure, percent.
    #[serde(default)]
    pub concentration_pct: Option<Located<Decimal>>,
    /// Gross exposure (percent of equity) from which concentration applies (default 50).
    #[serde(default)]
    pub concentration_from_pct: Option<Located<Decimal>>,
    /// Max gross exposure, valuation currency.
    #[serde(default)]
    pub gross_exposure: Option<Located<Decimal>>,
    /// Max net exposure, valuation currency.
    #[serde(default)]
    pub net_exposure: Option<Located<Decimal>>,
    /// Max loss in a trading day, valuation currency.
    #[serde(default)]
    pub daily_loss: Option<Located<Decimal>>,
    /// Max open orders.
    #[serde(default)]
    pub max_open_orders: Option<Located<u32>>,
    /// Max orders per window.
    #[serde(default)]
    pub order_rate: Option<Located<OrderRateEntry>>,
    /// Losing-trade cooldown.
    #[serde(default)]
    pub cooldown: Option<Located<CooldownEntry>>,
}

const PCT_FIX: &str =
    "write a percentage as a string above 0 and at most 100, e.g. \"10\" or \"2.5\"";
const VALUE_FIX: &str =
    "write a positive amount of the valuation currency as a string, e.g. \"5000\"";

fn pct(check: &mut Check<'_>, v: &Option<Located<Decimal>>, bad: &mut bool) -> Option<Pct> {
    let v = v.as_ref()?;
    let r = check.ok(&v.at, v.value.as_str().parse::<Pct>(), PCT_FIX);
    *bad |= r.is_none();
    r
}

fn value(check: &mut Check<'_>, v: &Option<Located<Decimal>>, bad: &mut bool) -> Option<Value> {
    let v = v.as_ref()?;
    match v.value.as_str().parse::<Value>() {
        Ok(x) if x > Value::ZERO => Some(x),
        Ok(_) => {
            check.invalid(
                &v.at,
                format!("{} is not above zero", v.value.as_str()),
                VALUE_FIX,
            );
            *bad = true;
            None
        }
        Err(e) => {
            check.invalid(&v.at, e.to_string(), VALUE_FIX);
            *bad = true;
            None
        }
    }
}

impl ScopeLimits {
    /// The scope and its [`LimitSet`], or `None` after recording why not.
    pub fn to_limits(&self, check: &mut Check<'_>) -> Option<(Scope, LimitSet)> {
        let scope = check.ok(
            &self.scope.at,
            self.scope.value.parse::<Scope>(),
            "use global, account:NAME, strategy:NAME or symbol:BTCUSDT",
        );
        let mut bad = scope.is_none();
        let max = pct(check, &self.position_pct, &mut bad);
        let warn = pct(check, &self.position_warn_pct, &mut bad);
        let mut set = LimitSet::default();
        match (max, warn, &self.position_warn_pct) {
            (Some(m), w, warn_at) => match PositionLimit::new(m, w) {
                Ok(l) => set.position = Some(l),
                Err(_) => {
                    let at = warn_at.as_ref().map_or(&self.scope.at, |w| &w.at);
                    check.invalid(at, format!("position_warn_pct {} is not below position_pct {m}: the warning would never come first", w.map_or_else(String::new, |w| w.to_string())), "set position_warn_pct below position_pct, e.g. half of it");
                    bad = true;
                }
            },
            (None, Some(_), Some(w)) => {
                check.invalid(
                    &w.at,
                    "position_warn_pct without position_pct",
                    "add position_pct (the hard limit) or remove the warning",
                );
                bad = true;
            }
            _ => {}
        }
        let conc = pct(check, &self.concentration_pct, &mut bad);
        let from = pct(check, &self.concentration_from_pct, &mut bad);
        if let Some(c) = conc {
            set.concentration = Some(ConcentrationLimit::new(c, from.unwrap_or(Pct::percent(50))));
        }
        set.max_drawdown = pct(check, &self.max_drawdown_pct, &mut bad);
        set.gross_exposure = value(check, &self.gross_exposure, &mut bad);
        set.net_exposure = value(check, &self.net_exposure, &mut bad);
        set.daily_loss = value(check, &self.daily_loss, &mut bad);
        if let (Some(g), Some(n), Some(at)) =
            (set.gross_exposure, set.net_exposure, &self.net_exposure)
            && n > g
        {
            check.invalid(
                &at.at,
                format!("net_exposure {n} is above gross_exposure {g}, which it can never exceed"),
                "set net_exposure at most gross_exposure",
            );
            bad = true;
        }
        if let Some(m) = &self.max_open_orders {
            match NonZeroU32::new(m.value) {
                Some(n) => set.max_open_orders = Some(n),
                None => {
                    check.invalid(
                        &m.at,
                        "max_open_orders 0 would refuse every order",
                        "remove it for no limit, or set at least 1",
                    );
                    bad = true;
                }
            }
        }
        if let Some(r) = &self.order_rate {
            let built = NonZeroU32::new(r.value.max_orders)
                .zip(NonZeroU64::new(r.value.window_ms))
                .ok_or(supreme_risk_limits::Error::InvalidLimit {
                    what: "order rate",
                    reason: "max_orders and window_ms must be above zero",
                })
                .and_then(|(n, w)| OrderRateLimit::new(n, w));
            set.order_rate = check.ok(
                &r.at,
                built,
                "set max_orders 1..=100000 and a window_ms above zero",
            );
            bad |= set.order_rate.is_none();
        }
        if let Some(c) = &self.cooldown {
            let secs_ms = |s: u64| NonZeroU64::new(s.saturating_mul(1000));
            let built = NonZeroU32::new(c.value.losing_trades)
                .zip(secs_ms(c.value.window_secs))
                .zip(secs_ms(c.value.cooldown_secs))
                .ok_or(supreme_risk_limits::Error::InvalidLimit {
                    what: "cooldown",
                    reason: "losing_trades, window_secs and cooldown_secs must be above zero",
                })
                .and_then(|((n, w), d)| CooldownLimit::new(n, w, d));
            set.cooldown = check.ok(
                &c.at,
                built,
                "e.g. { losing_trades = 3, window_secs = 3600, cooldown_secs = 1800 }",
            );
            bad |= set.cooldown.is_none();
        }
        let scope = scope?;
        if let Err(e) = set.validate_for(&scope) {
            check.invalid(
                &self.scope.at,
                e.to_string(),
                "remove the limits that do not apply at this scope (see LimitSet's table)",
            );
            bad = true;
        }
        (!bad).then_some((scope, set))
    }
}

impl RiskSection {
    /// The risk book's [`RiskConfig`].
    pub fn to_risk_config(&self, check: &mut Check<'_>) -> Option<RiskConfig> {
        let asset = check.ok(
            &self.valuation.at,
            Asset::new(&self.valuation.value),
            "use an asset code such as USDT",
        )?;
        let mut config = check.ok(
            &self.valuation.at,
            RiskConfig::new(asset),
            "use an asset code such as USDT",
        )?;
        let mut bad = false;
        if let Some(b) = pct(check, &self.market_buffer_pct, &mut bad) {
            config = config.with_market_buffer(b);
        }
        if let Some(r) = &self.daily_reset {
            let reset = DailyReset::new(r.value.hour, r.value.minute, r.value.utc_offset_minutes);
            match check.ok(
                &r.at,
                reset,
                "hour 0..=23, minute 0..=59, utc_offset_minutes within ±840",
            ) {
                Some(reset) => config = config.with_daily_reset(reset),
                None => bad = true,
            }
        }
        if self.limits.is_empty() {
            check.invalid(
                &self.valuation.at,
                "no [[risk.limits]]: the book would trade without any limit",
                "add at least a [[risk.limits]] with scope = \"global\"",
            );
            bad = true;
        }
        for l in &self.limits {
            let Some((scope, set)) = l.to_limits(check) else {
                bad = true;
                continue;
            };
            match config.clone().with_limits(scope, set) {
                Ok(c) => config = c,
                Err(e) => {
                    check.invalid(
                        &l.scope.at,
                        e.to_string(),
                        "give each scope one [[risk.limits]] table",
                    );
                    bad = true;
                }
            }
        }
        (!bad).then_some(config)
    }
}
