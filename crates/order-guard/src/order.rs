//! The order model: [`Order`], [`OrderType`], [`TimeInForce`] (the
//! names and amounts in it, and [`Side`](crate::Side), come from `supreme-core`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{ClientOrderId, Price, Quantity, Side, Symbol};

/// A Binance spot order type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderType {
    /// Rests at `price` until filled, cancelled or expired.
    Limit,
    /// A limit order rejected if it would trade immediately (post-only).
    LimitMaker,
    /// Trades now at the best available prices.
    Market,
    /// A market order once `stop_price` (or the trailing delta) triggers.
    StopLoss,
    /// A limit order once `stop_price` (or the trailing delta) triggers.
    StopLossLimit,
    /// A market order once `stop_price` (or the trailing delta) triggers.
    TakeProfit,
    /// A limit order once `stop_price` (or the trailing delta) triggers.
    TakeProfitLimit,
}

impl OrderType {
    /// Every order type, in Binance's order.
    pub const ALL: [OrderType; 7] = [
        Self::Limit,
        Self::LimitMaker,
        Self::Market,
        Self::StopLoss,
        Self::StopLossLimit,
        Self::TakeProfit,
        Self::TakeProfitLimit,
    ];

    /// Binance's name, `STOP_LOSS_LIMIT`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Limit => "LIMIT",
            Self::LimitMaker => "LIMIT_MAKER",
            Self::Market => "MARKET",
            Self::StopLoss => "STOP_LOSS",
            Self::StopLossLimit => "STOP_LOSS_LIMIT",
            Self::TakeProfit => "TAKE_PROFIT",
            Self::TakeProfitLimit => "TAKE_PROFIT_LIMIT",
        }
    }

    /// Parses Binance's name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// Carries a limit `price`.
    pub const fn has_price(self) -> bool {
        matches!(
            self,
            Self::Limit | Self::LimitMaker | Self::StopLossLimit | Self::TakeProfitLimit
        )
    }

    /// Executes as a market order (now, or once triggered): notional filters
    /// then use the reference price, as Binance does.
    pub const fn executes_at_market(self) -> bool {
        matches!(self, Self::Market | Self::StopLoss | Self::TakeProfit)
    }

    /// A conditional ("algo") order, counted by MAX_NUM_ALGO_ORDERS.
    pub const fn is_algo(self) -> bool {
        matches!(
            self,
            Self::StopLoss | Self::StopLossLimit | Self::TakeProfit | Self::TakeProfitLimit
        )
    }

    /// Needs a time in force.
    pub const fn needs_time_in_force(self) -> bool {
        matches!(
            self,
            Self::Limit | Self::StopLossLimit | Self::TakeProfitLimit
        )
    }

    pub(crate) const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for OrderType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How long an order stays on the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TimeInForce {
    /// Good till cancelled.
    Gtc,
    /// Immediate or cancel.
    Ioc,
    /// Fill or kill.
    Fok,
}

/// An order as a strategy wants to send it. Which fields an order type needs
/// is checked by validation, which names every missing or unexpected one.
///
/// ```
/// use supreme_order_guard::{Order, Side, Symbol};
/// let order = Order::limit(Symbol::new("BTCUSDT")?, Side::Buy, "0.01".parse()?, "25000".parse()?);
/// assert_eq!(order.price.unwrap().to_string(), "25000");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// The trading pair.
    pub symbol: Symbol,
    /// Buy or sell.
    pub side: Side,
    /// The order type (`type` on the wire).
    #[serde(rename = "type")]
    pub order_type: OrderType,
    /// Time in force; required for LIMIT, STOP_LOSS_LIMIT, TAKE_PROFIT_LIMIT.
    pub time_in_force: Option<TimeInForce>,
    /// Base asset quantity.
    pub quantity: Option<Quantity>,
    /// Quote asset amount to spend or receive (MARKET only; `quoteOrderQty`).
    #[serde(rename = "quoteOrderQty")]
    pub quote_quantity: Option<Quantity>,
    /// Limit price.
    pub price: Option<Price>,
    /// Trigger price of a stop or take-profit order.
    pub stop_price: Option<Price>,
    /// Trailing delta in basis points (BIPS), for trailing stops.
    pub trailing_delta: Option<u32>,
    /// Visible quantity of an iceberg order (`icebergQty`).
    #[serde(rename = "icebergQty")]
    pub iceberg_quantity: Option<Quantity>,
    /// Client order id (`newClientOrderId`).
    #[serde(rename = "newClientOrderId")]
    pub client_order_id: Option<ClientOrderId>,
}

impl Order {
    /// An order of `order_type` with no optional fields set.
    pub const fn new(symbol: Symbol, side: Side, order_type: OrderType) -> Self {
        Self {
            symbol,
            side,
            order_type,
            time_in_force: None,
            quantity: None,
            quote_quantity: None,
            price: None,
            stop_price: None,
            trailing_delta: None,
            iceberg_quantity: None,
            client_order_id: None,
        }
    }

    /// A good-till-cancelled LIMIT order.
    pub const fn limit(symbol: Symbol, side: Side, quantity: Quantity, price: Price) -> Self {
        let mut order = Self::new(symbol, side, OrderType::Limit);
        order.time_in_force = Some(TimeInForce::Gtc);
        order.quantity = Some(quantity);
        order.price = Some(price);
        order
    }

    /// A MARKET order for a base quantity.
    pub const fn market(symbol: Symbol, side: Side, quantity: Quantity) -> Self {
        let mut order = Self::new(symbol, side, OrderType::Market);
        order.quantity = Some(quantity);
        order
    }

    /// Sets the client order id.
    pub const fn with_client_order_id(mut self, id: ClientOrderId) -> Self {
        self.client_order_id = Some(id);
        self
    }
}
