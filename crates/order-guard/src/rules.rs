//! Exchange rules: [`ExchangeInfo`] and each symbol's [`SymbolRules`].

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::filters::{
    IcebergParts, LotSize, MaxPosition, MinNotional, NotionalFilter, OrderLimits, PercentPrice,
    PercentPriceBySide, PriceFilter, TrailingDelta,
};
use crate::symbol_map::SymbolMap;
use crate::{OrderType, Symbol};

/// A symbol's trading status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum SymbolStatus {
    /// Open for trading.
    Trading,
    /// Before trading starts.
    PreTrading,
    /// After trading ends.
    PostTrading,
    /// End of day.
    EndOfDay,
    /// Halted.
    Halt,
    /// Auction matching.
    AuctionMatch,
    /// Trading on a break (delisted or paused).
    Break,
    /// A status this version does not know: never tradable.
    Unknown,
}

impl SymbolStatus {
    /// From Binance's name; anything unknown is [`SymbolStatus::Unknown`].
    pub fn from_name(name: &str) -> Self {
        match name {
            "TRADING" => Self::Trading,
            "PRE_TRADING" => Self::PreTrading,
            "POST_TRADING" => Self::PostTrading,
            "END_OF_DAY" => Self::EndOfDay,
            "HALT" => Self::Halt,
            "AUCTION_MATCH" => Self::AuctionMatch,
            "BREAK" => Self::Break,
            _ => Self::Unknown,
        }
    }
}

impl SymbolStatus {
    /// Binance's name, `TRADING`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Trading => "TRADING",
            Self::PreTrading => "PRE_TRADING",
            Self::PostTrading => "POST_TRADING",
            Self::EndOfDay => "END_OF_DAY",
            Self::Halt => "HALT",
            Self::AuctionMatch => "AUCTION_MATCH",
            Self::Break => "BREAK",
            Self::Unknown => "UNKNOWN",
        }
    }
}

impl fmt::Display for SymbolStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The set of order types a symbol allows.
#[derive(Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct OrderTypes(u8);

impl OrderTypes {
    /// No order types.
    pub const NONE: Self = Self(0);

    /// Adds an order type.
    pub const fn with(self, t: OrderType) -> Self {
        Self(self.0 | t.bit())
    }

    /// True when `t` is allowed.
    pub const fn contains(self, t: OrderType) -> bool {
        self.0 & t.bit() != 0
    }

    /// The allowed types.
    pub fn iter(self) -> impl Iterator<Item = OrderType> {
        OrderType::ALL
            .into_iter()
            .filter(move |t| self.contains(*t))
    }
}

impl fmt::Debug for OrderTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for OrderTypes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Everything the exchange says about trading one symbol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SymbolRules {
    /// The symbol.
    pub symbol: Symbol,
    /// Trading status.
    pub status: SymbolStatus,
    /// Base asset (`BTC` in `BTCUSDT`).
    pub base_asset: Box<str>,
    /// Quote asset (`USDT` in `BTCUSDT`).
    pub quote_asset: Box<str>,
    /// Allowed order types.
    pub order_types: OrderTypes,
    /// `icebergAllowed`.
    pub iceberg_allowed: bool,
    /// `quoteOrderQtyMarketAllowed`.
    pub quote_order_qty_market_allowed: bool,
    /// `allowTrailingStop`.
    pub allow_trailing_stop: bool,
    /// `isSpotTradingAllowed`.
    pub spot_trading_allowed: bool,
    /// `permissions` and `permissionSets`, flattened (`SPOT`, `MARGIN`,
    /// `LEVERAGED`, `TRD_GRP_004`, ...).
    pub permissions: Vec<Box<str>>,
    /// PRICE_FILTER.
    pub price: Option<PriceFilter>,
    /// PERCENT_PRICE.
    pub percent_price: Option<PercentPrice>,
    /// PERCENT_PRICE_BY_SIDE.
    pub percent_price_by_side: Option<PercentPriceBySide>,
    /// LOT_SIZE.
    pub lot_size: Option<LotSize>,
    /// MARKET_LOT_SIZE.
    pub market_lot_size: Option<LotSize>,
    /// MIN_NOTIONAL.
    pub min_notional: Option<MinNotional>,
    /// NOTIONAL.
    pub notional: Option<NotionalFilter>,
    /// ICEBERG_PARTS.
    pub iceberg_parts: Option<IcebergParts>,
    /// MAX_NUM_ORDERS, MAX_NUM_ALGO_ORDERS, MAX_NUM_ICEBERG_ORDERS.
    pub order_limits: OrderLimits,
    /// MAX_POSITION.
    pub max_position: Option<MaxPosition>,
    /// TRAILING_DELTA.
    pub trailing_delta: Option<TrailingDelta>,
    /// Filters this version does not know, kept with their JSON.
    pub unknown_filters: Vec<UnknownFilter>,
}

/// A filter type this version does not know, kept as the exchange sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownFilter {
    /// Its `filterType`.
    pub filter_type: Arc<str>,
    /// The filter's JSON text.
    pub json: Box<str>,
}

/// One entry of `rateLimits`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateLimit {
    /// `REQUEST_WEIGHT`, `ORDERS` or `RAW_REQUESTS`.
    pub rate_limit_type: Box<str>,
    /// `SECOND`, `MINUTE` or `DAY`.
    pub interval: Box<str>,
    /// How many intervals make the window.
    pub interval_num: u32,
    /// The limit within the window.
    pub limit: u32,
}

/// Account-wide limits (EXCHANGE_MAX_NUM_*).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ExchangeFilters {
    /// The count limits.
    pub order_limits: OrderLimits,
    /// Exchange filters this version does not know.
    pub unknown_filters: Vec<UnknownFilter>,
}

/// A parsed Binance spot `exchangeInfo` document.
#[derive(Debug, Clone, Default)]
pub struct ExchangeInfo {
    /// `timezone`.
    pub timezone: Box<str>,
    /// `serverTime`, Unix milliseconds.
    pub server_time: u64,
    /// `rateLimits`.
    pub rate_limits: Vec<RateLimit>,
    /// `exchangeFilters`.
    pub exchange_filters: ExchangeFilters,
    pub(crate) symbols: SymbolMap,
}

impl ExchangeInfo {
    /// The rules of `symbol`.
    pub fn symbol(&self, symbol: &Symbol) -> Option<&SymbolRules> {
        self.symbols.get(symbol)
    }

    /// Every symbol's rules, in no particular order.
    pub fn symbols(&self) -> impl Iterator<Item = &SymbolRules> {
        self.symbols.values()
    }

    /// The number of symbols.
    pub fn len(&self) -> usize {
        self.symbols.len()
    }

    /// True when no symbols are listed.
    pub fn is_empty(&self) -> bool {
        self.symbols.is_empty()
    }

    /// Adds or replaces one symbol's rules.
    pub fn insert(&mut self, rules: SymbolRules) {
        self.symbols.insert(rules.symbol, rules);
    }
}
