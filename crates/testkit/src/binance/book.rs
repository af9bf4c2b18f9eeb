//! Orders and balances, and matching against the scripted market price.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use supreme_order_guard::{
    Notional, ONE, Order, OrderType, Price, Quantity, Side, Symbol, TimeInForce,
};

/// An order's status, Binance's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    /// Resting.
    New,
    /// Fully filled.
    Filled,
    /// Cancelled.
    Canceled,
    /// IOC/FOK that could not fill.
    Expired,
}

impl OrderStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::New => "NEW",
            Self::Filled => "FILLED",
            Self::Canceled => "CANCELED",
            Self::Expired => "EXPIRED",
        }
    }
}

/// An order the simulator knows.
#[derive(Debug, Clone)]
pub struct SimOrder {
    /// Exchange order id.
    pub order_id: u64,
    /// Client order id.
    pub client_order_id: String,
    /// The order as placed.
    pub order: Order,
    /// Status.
    pub status: OrderStatus,
    /// Filled quantity.
    pub executed: Quantity,
    /// Quote amount filled, 10⁻⁸ units.
    pub cumulative_quote: u64,
    /// Placement time, Unix ms.
    pub time_ms: u64,
}

impl SimOrder {
    /// Binance's JSON for this order.
    pub fn to_json(&self) -> Value {
        let o = &self.order;
        json!({
            "symbol": o.symbol.as_str(),
            "orderId": self.order_id,
            "orderListId": -1,
            "clientOrderId": self.client_order_id,
            "transactTime": self.time_ms,
            "time": self.time_ms,
            "price": o.price.unwrap_or(Price::ZERO).to_string(),
            "origQty": o.quantity.unwrap_or(Quantity::ZERO).to_string(),
            "executedQty": self.executed.to_string(),
            "cummulativeQuoteQty": Quantity::from_units(self.cumulative_quote).to_string(),
            "status": self.status.as_str(),
            "timeInForce": o.time_in_force.map_or("GTC", |t| match t {
                TimeInForce::Gtc => "GTC",
                TimeInForce::Ioc => "IOC",
                TimeInForce::Fok => "FOK",
            }),
            "type": o.order_type.as_str(),
            "side": match o.side { Side::Buy => "BUY", Side::Sell => "SELL" },
            "stopPrice": o.stop_price.unwrap_or(Price::ZERO).to_string(),
        })
    }

    pub(crate) fn is_open(&self) -> bool {
        self.status == OrderStatus::New
    }
}

/// A free and a locked balance of one asset, 10⁻⁸ units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balance {
    /// Available.
    pub free: u64,
    /// Held by open orders.
    pub locked: u64,
}

/// Orders and balances.
#[derive(Debug, Default)]
pub(crate) struct Book {
    pub(crate) orders: Vec<SimOrder>,
    pub(crate) balances: BTreeMap<String, Balance>,
    pub(crate) prices: BTreeMap<Symbol, Price>,
    next_id: u64,
}

/// The quote cost of `qty` at `price`, rounded up to 10⁻⁸.
pub(crate) fn quote_cost(price: Price, qty: Quantity) -> u64 {
    let units = Notional::of(price, qty).units().div_ceil(u128::from(ONE));
    u64::try_from(units).unwrap_or(u64::MAX)
}

impl Book {
    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub(crate) fn balance(&mut self, asset: &str) -> &mut Balance {
        self.balances.entry(asset.to_string()).or_default()
    }

    /// What the order would lock: quote for a buy, base for a sell.
    pub(crate) fn lock_amount(order: &Order, market: Price) -> u64 {
        let qty = order.quantity.unwrap_or(Quantity::ZERO);
        match order.side {
            Side::Sell => qty.units(),
            Side::Buy => match (order.quote_quantity, order.price) {
                (Some(quote), _) => quote.units(),
                (None, Some(p)) if order.order_type.has_price() => quote_cost(p, qty),
                _ => quote_cost(market, qty),
            },
        }
    }

    /// True when the order trades now at `market`.
    pub(crate) fn marketable(order: &Order, market: Price) -> bool {
        match (order.order_type, order.price) {
            (OrderType::Market, _) => true,
            (OrderType::Limit | OrderType::LimitMaker, Some(p)) => match order.side {
                Side::Buy => p >= market,
                Side::Sell => p <= market,
            },
            _ => false,
        }
    }

    /// Fills `o` completely at `market`, moving balances (its funds were locked).
    pub(crate) fn fill(&mut self, idx: usize, market: Price, base: &str, quote: &str) {
        let Some(o) = self.orders.get(idx).cloned() else {
            return;
        };
        let locked = Self::lock_amount(&o.order, market);
        let qty = match (o.order.quantity, o.order.quote_quantity) {
            (Some(q), _) => q,
            (None, Some(quote_qty)) => Quantity::from_units(
                u64::try_from(
                    u128::from(quote_qty.units()) * u128::from(ONE)
                        / u128::from(market.units().max(1)),
                )
                .unwrap_or(0),
            ),
            (None, None) => Quantity::ZERO,
        };
        let cost = quote_cost(market, qty);
        match o.order.side {
            Side::Buy => {
                let q = self.balance(quote);
                q.locked = q.locked.saturating_sub(locked);
                q.free = q.free.saturating_add(locked.saturating_sub(cost));
                self.balance(base).free += qty.units();
            }
            Side::Sell => {
                self.balance(base).locked = self.balance(base).locked.saturating_sub(qty.units());
                self.balance(quote).free += cost;
            }
        }
        if let Some(o) = self.orders.get_mut(idx) {
            o.status = OrderStatus::Filled;
            o.executed = qty;
            o.cumulative_quote = cost;
        }
    }

    /// Releases an open order's locked funds and marks it `status`.
    pub(crate) fn close(&mut self, idx: usize, status: OrderStatus, base: &str, quote: &str) {
        let Some(o) = self.orders.get(idx).cloned() else {
            return;
        };
        let market = self
            .prices
            .get(&o.order.symbol)
            .copied()
            .unwrap_or(Price::ZERO);
        let locked = Self::lock_amount(&o.order, market);
        let asset = if o.order.side == Side::Buy {
            quote
        } else {
            base
        };
        let b = self.balance(asset);
        b.locked = b.locked.saturating_sub(locked);
        b.free += locked;
        if let Some(o) = self.orders.get_mut(idx) {
            o.status = status;
        }
    }
}
