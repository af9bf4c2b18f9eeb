//! Parsing a Binance spot `exchangeInfo` document into [`ExchangeInfo`].
//!
//! All of it is read: rate limits, exchange filters and every symbol with its
//! status, assets, order types, permissions and filters. Unknown filter types
//! are kept (see [`UnknownFilter`]); unknown fields elsewhere are ignored, as
//! Binance adds fields over time.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::filters::{
    IcebergParts, LotSize, MaxPosition, MinNotional, NotionalFilter, OrderLimits, PercentPrice,
    PercentPriceBySide, PriceFilter, TrailingDelta,
};
use crate::symbol_map::SymbolMap;
use crate::{
    Error, ExchangeFilters, ExchangeInfo, OrderType, OrderTypes, RateLimit, Symbol, SymbolRules,
    SymbolStatus, UnknownFilter,
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawInfo<'a> {
    #[serde(borrow, default)]
    timezone: Cow<'a, str>,
    #[serde(default)]
    server_time: u64,
    #[serde(borrow, default)]
    rate_limits: Vec<RawRateLimit<'a>>,
    #[serde(borrow, default)]
    exchange_filters: Vec<&'a RawValue>,
    #[serde(borrow)]
    symbols: Vec<RawSymbol<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRateLimit<'a> {
    #[serde(borrow)]
    rate_limit_type: Cow<'a, str>,
    #[serde(borrow)]
    interval: Cow<'a, str>,
    interval_num: u32,
    limit: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSymbol<'a> {
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    #[serde(borrow)]
    status: Cow<'a, str>,
    #[serde(borrow)]
    base_asset: Cow<'a, str>,
    #[serde(borrow)]
    quote_asset: Cow<'a, str>,
    #[serde(borrow)]
    order_types: Vec<Cow<'a, str>>,
    #[serde(default)]
    iceberg_allowed: bool,
    #[serde(default)]
    quote_order_qty_market_allowed: bool,
    #[serde(default)]
    allow_trailing_stop: bool,
    #[serde(default)]
    is_spot_trading_allowed: bool,
    #[serde(borrow)]
    filters: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    permissions: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    permission_sets: Vec<Vec<Cow<'a, str>>>,
}

/// Every field any known filter has; each filter reads its own.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawFilter<'a> {
    #[serde(borrow)]
    filter_type: Cow<'a, str>,
    #[serde(borrow)]
    min_price: Option<Cow<'a, str>>,
    #[serde(borrow)]
    max_price: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tick_size: Option<Cow<'a, str>>,
    #[serde(borrow)]
    multiplier_up: Option<Cow<'a, str>>,
    #[serde(borrow)]
    multiplier_down: Option<Cow<'a, str>>,
    #[serde(borrow)]
    bid_multiplier_up: Option<Cow<'a, str>>,
    #[serde(borrow)]
    bid_multiplier_down: Option<Cow<'a, str>>,
    #[serde(borrow)]
    ask_multiplier_up: Option<Cow<'a, str>>,
    #[serde(borrow)]
    ask_multiplier_down: Option<Cow<'a, str>>,
    avg_price_mins: Option<u32>,
    #[serde(borrow)]
    min_qty: Option<Cow<'a, str>>,
    #[serde(borrow)]
    max_qty: Option<Cow<'a, str>>,
    #[serde(borrow)]
    step_size: Option<Cow<'a, str>>,
    #[serde(borrow)]
    min_notional: Option<Cow<'a, str>>,
    #[serde(borrow)]
    max_notional: Option<Cow<'a, str>>,
    apply_to_market: Option<bool>,
    apply_min_to_market: Option<bool>,
    apply_max_to_market: Option<bool>,
    limit: Option<u64>,
    max_num_orders: Option<u32>,
    max_num_algo_orders: Option<u32>,
    max_num_iceberg_orders: Option<u32>,
    #[serde(borrow)]
    max_position: Option<Cow<'a, str>>,
    min_trailing_above_delta: Option<u32>,
    max_trailing_above_delta: Option<u32>,
    min_trailing_below_delta: Option<u32>,
    max_trailing_below_delta: Option<u32>,
}

impl ExchangeInfo {
    /// Parses an `exchangeInfo` JSON document.
    ///
    /// ```
    /// use supreme_order_guard::{ExchangeInfo, Symbol};
    /// let info = ExchangeInfo::from_json(supreme_order_guard::SAMPLE_EXCHANGE_INFO)?;
    /// let btc = info.symbol(&Symbol::new("BTCUSDT")?).unwrap();
    /// assert_eq!(btc.price.unwrap().tick_size.to_string(), "0.01");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let raw: RawInfo<'_> = serde_json::from_str(text)?;
        let mut symbols =
            SymbolMap::with_capacity_and_hasher(raw.symbols.len(), Default::default());
        for s in &raw.symbols {
            let rules = symbol_rules(s)?;
            if symbols.insert(rules.symbol, rules).is_some() {
                return Err(Error::DuplicateSymbol(s.symbol.to_string()));
            }
        }
        tracing::debug!(target: "supreme_order_guard", symbols = symbols.len(), "exchange rules loaded");
        Ok(Self {
            timezone: raw.timezone.into(),
            server_time: raw.server_time,
            rate_limits: raw.rate_limits.iter().map(rate_limit).collect(),
            exchange_filters: exchange_filters(&raw.exchange_filters)?,
            symbols,
        })
    }
}

fn rate_limit(r: &RawRateLimit<'_>) -> RateLimit {
    RateLimit {
        rate_limit_type: r.rate_limit_type.as_ref().into(),
        interval: r.interval.as_ref().into(),
        interval_num: r.interval_num,
        limit: r.limit,
    }
}

fn exchange_filters(raw: &[&RawValue]) -> Result<ExchangeFilters, Error> {
    let mut out = ExchangeFilters::default();
    for value in raw {
        let f: RawFilter<'_> = serde_json::from_str(value.get())?;
        let limits = &mut out.order_limits;
        let r = Reader {
            symbol: "",
            filter: &f,
        };
        match f.filter_type.as_ref() {
            "EXCHANGE_MAX_NUM_ORDERS" => {
                limits.max_orders = Some(r.req(f.max_num_orders, "maxNumOrders")?)
            }
            "EXCHANGE_MAX_NUM_ALGO_ORDERS" => {
                limits.max_algo_orders = Some(r.req(f.max_num_algo_orders, "maxNumAlgoOrders")?)
            }
            "EXCHANGE_MAX_NUM_ICEBERG_ORDERS" => {
                limits.max_iceberg_orders =
                    Some(r.req(f.max_num_iceberg_orders, "maxNumIcebergOrders")?)
            }
            other => out.unknown_filters.push(unknown(other, value)),
        }
    }
    Ok(out)
}

fn unknown(filter_type: &str, value: &RawValue) -> UnknownFilter {
    UnknownFilter {
        filter_type: Arc::from(filter_type),
        json: value.get().into(),
    }
}

fn symbol_rules(s: &RawSymbol<'_>) -> Result<SymbolRules, Error> {
    let symbol = Symbol::new(&s.symbol).map_err(|e| Error::Symbol {
        symbol: s.symbol.to_string(),
        reason: e.to_string(),
    })?;
    let mut order_types = OrderTypes::NONE;
    for name in &s.order_types {
        // An order type we do not know is simply never allowed.
        if let Some(t) = OrderType::from_name(name) {
            order_types = order_types.with(t);
        }
    }
    let mut rules = SymbolRules {
        symbol,
        status: SymbolStatus::from_name(&s.status),
        base_asset: s.base_asset.as_ref().into(),
        quote_asset: s.quote_asset.as_ref().into(),
        order_types,
        iceberg_allowed: s.iceberg_allowed,
        quote_order_qty_market_allowed: s.quote_order_qty_market_allowed,
        allow_trailing_stop: s.allow_trailing_stop,
        spot_trading_allowed: s.is_spot_trading_allowed,
        permissions: permissions(s),
        price: None,
        percent_price: None,
        percent_price_by_side: None,
        lot_size: None,
        market_lot_size: None,
        min_notional: None,
        notional: None,
        iceberg_parts: None,
        order_limits: OrderLimits::default(),
        max_position: None,
        trailing_delta: None,
        unknown_filters: Vec::new(),
    };
    for value in &s.filters {
        let f: RawFilter<'_> = serde_json::from_str(value.get())?;
        apply_filter(
            &mut rules,
            &Reader {
                symbol: &s.symbol,
                filter: &f,
            },
            value,
        )?;
    }
    Ok(rules)
}

/// `permissions` (older documents) and `permissionSets` (newer), flattened,
/// each once.
fn permissions(s: &RawSymbol<'_>) -> Vec<Box<str>> {
    let mut out: Vec<Box<str>> = Vec::new();
    for p in s
        .permissions
        .iter()
        .chain(s.permission_sets.iter().flatten())
    {
        if !out.iter().any(|q| **q == **p) {
            out.push(p.as_ref().into());
        }
    }
    out
}

fn apply_filter(
    rules: &mut SymbolRules,
    r: &Reader<'_, '_>,
    value: &RawValue,
) -> Result<(), Error> {
    let f = r.filter;
    match f.filter_type.as_ref() {
        "PRICE_FILTER" => {
            rules.price = Some(PriceFilter {
                min_price: r.amount(&f.min_price, "minPrice")?,
                max_price: r.amount(&f.max_price, "maxPrice")?,
                tick_size: r.amount(&f.tick_size, "tickSize")?,
            })
        }
        "PERCENT_PRICE" => {
            rules.percent_price = Some(PercentPrice {
                multiplier_up: r.amount(&f.multiplier_up, "multiplierUp")?,
                multiplier_down: r.amount(&f.multiplier_down, "multiplierDown")?,
                avg_price_mins: r.req(f.avg_price_mins, "avgPriceMins")?,
            })
        }
        "PERCENT_PRICE_BY_SIDE" => {
            rules.percent_price_by_side = Some(PercentPriceBySide {
                bid_multiplier_up: r.amount(&f.bid_multiplier_up, "bidMultiplierUp")?,
                bid_multiplier_down: r.amount(&f.bid_multiplier_down, "bidMultiplierDown")?,
                ask_multiplier_up: r.amount(&f.ask_multiplier_up, "askMultiplierUp")?,
                ask_multiplier_down: r.amount(&f.ask_multiplier_down, "askMultiplierDown")?,
                avg_price_mins: r.req(f.avg_price_mins, "avgPriceMins")?,
            })
        }
        "LOT_SIZE" => rules.lot_size = Some(r.lot_size()?),
        "MARKET_LOT_SIZE" => rules.market_lot_size = Some(r.lot_size()?),
        "MIN_NOTIONAL" => {
            rules.min_notional = Some(MinNotional {
                min_notional: r.amount(&f.min_notional, "minNotional")?,
                apply_to_market: r.req(f.apply_to_market, "applyToMarket")?,
                avg_price_mins: r.req(f.avg_price_mins, "avgPriceMins")?,
            })
        }
        "NOTIONAL" => {
            rules.notional = Some(NotionalFilter {
                min_notional: r.amount(&f.min_notional, "minNotional")?,
                apply_min_to_market: r.req(f.apply_min_to_market, "applyMinToMarket")?,
                max_notional: r.amount(&f.max_notional, "maxNotional")?,
                apply_max_to_market: r.req(f.apply_max_to_market, "applyMaxToMarket")?,
                avg_price_mins: r.req(f.avg_price_mins, "avgPriceMins")?,
            })
        }
        "ICEBERG_PARTS" => {
            rules.iceberg_parts = Some(IcebergParts {
                limit: r.req(f.limit, "limit")?,
            })
        }
        "MAX_NUM_ORDERS" => {
            rules.order_limits.max_orders = Some(r.req(f.max_num_orders, "maxNumOrders")?)
        }
        "MAX_NUM_ALGO_ORDERS" => {
            rules.order_limits.max_algo_orders =
                Some(r.req(f.max_num_algo_orders, "maxNumAlgoOrders")?)
        }
        "MAX_NUM_ICEBERG_ORDERS" => {
            rules.order_limits.max_iceberg_orders =
                Some(r.req(f.max_num_iceberg_orders, "maxNumIcebergOrders")?)
        }
        "MAX_POSITION" => {
            rules.max_position = Some(MaxPosition {
                max_position: r.amount(&f.max_position, "maxPosition")?,
            })
        }
        "TRAILING_DELTA" => {
            rules.trailing_delta = Some(TrailingDelta {
                min_above: r.req(f.min_trailing_above_delta, "minTrailingAboveDelta")?,
                max_above: r.req(f.max_trailing_above_delta, "maxTrailingAboveDelta")?,
                min_below: r.req(f.min_trailing_below_delta, "minTrailingBelowDelta")?,
                max_below: r.req(f.max_trailing_below_delta, "maxTrailingBelowDelta")?,
            })
        }
        other => rules.unknown_filters.push(unknown(other, value)),
    }
    Ok(())
}

/// Reads required fields of one filter, naming symbol, filter and field in errors.
struct Reader<'s, 'f> {
    symbol: &'s str,
    filter: &'f RawFilter<'f>,
}

impl Reader<'_, '_> {
    fn error(&self, field: &'static str, reason: impl ToString) -> Error {
        Error::Filter {
            symbol: self.symbol.to_string(),
            filter_type: self.filter.filter_type.to_string(),
            field,
            reason: reason.to_string(),
        }
    }

    fn req<T>(&self, value: Option<T>, field: &'static str) -> Result<T, Error> {
        value.ok_or_else(|| self.error(field, "missing"))
    }

    fn amount<T: std::str::FromStr<Err = crate::AmountError>>(
        &self,
        value: &Option<Cow<'_, str>>,
        field: &'static str,
    ) -> Result<T, Error> {
        let text = value
            .as_deref()
            .ok_or_else(|| self.error(field, "missing"))?;
        text.parse()
            .map_err(|e| self.error(field, format_args!("{e}: {text:?}")))
    }

    fn lot_size(&self) -> Result<LotSize, Error> {
        let f = self.filter;
        Ok(LotSize {
            min_qty: self.amount(&f.min_qty, "minQty")?,
            max_qty: self.amount(&f.max_qty, "maxQty")?,
            step_size: self.amount(&f.step_size, "stepSize")?,
        })
    }
}
