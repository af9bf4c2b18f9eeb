//! Sending the kill switch's close orders:
//! [`BinanceClient::place_close_order`], the one path from the halt's
//! [`CloseOrder`] capability to the wire.

use supreme_core::{Price, Quantity, Side, Symbol};
use supreme_kill_switch::CloseOrder;
use supreme_order_guard::{
    ExchangeInfo, OpenOrderCounts, Order, OrderContext, OrderType, ReferencePrice, TimeInForce,
    Validator,
};

use crate::{BinanceClient, Error, OrderState, Params};

impl BinanceClient {
    /// Sends the halt's `close` as a LIMIT IOC order, moved onto `rules`'
    /// grid toward the safe side (quantity down to the step, a sell's floor
    /// up and a buy's ceiling down to the tick) and validated against them
    /// with the symbol's open orders and its ticker price. Sent once through
    /// the same path as [`place_order`](Self::place_order): never retried, a
    /// lost answer is [`Error::OutcomeUnknown`] with the client order id.
    ///
    /// The order is the kill switch's capability (only its halt makes one)
    /// and is spent here. Binance spot has no reduce-only flag: the order
    /// never asks for more than the halt planned from the holding, nor at a
    /// worse price. When no valid order exists (dust, a filter it cannot
    /// meet) it is [`Error::CloseOrderRefused`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn close(client: &supreme_binance::BinanceClient,
    /// #          rules: &supreme_order_guard::ExchangeInfo,
    /// #          order: supreme_kill_switch::CloseOrder) -> Result<(), supreme_binance::Error> {
    /// // In a `Venue::close_position`, with the order the halt handed over:
    /// let state = client.place_close_order(order, rules).await?;
    /// println!("{} {}: {} filled", state.client_order_id, state.status, state.executed_qty);
    /// # Ok(()) }
    /// ```
    pub async fn place_close_order(
        &self,
        close: CloseOrder,
        rules: &ExchangeInfo,
    ) -> Result<OrderState, Error> {
        let order = self.close_order(&close, rules).await?;
        self.send_order(&order, None).await
    }

    /// The last traded price of `symbol` (`GET /api/v3/ticker/price`).
    pub(crate) async fn ticker_price(&self, symbol: &Symbol) -> Result<Price, Error> {
        let params = Params::new().with("symbol", symbol);
        let v = self.public("GET", "/api/v3/ticker/price", &params).await?;
        v["price"]
            .as_str()
            .and_then(|p| p.parse().ok())
            .ok_or(Error::Malformed {
                path: "/api/v3/ticker/price",
                reason: "no price".into(),
            })
    }

    /// `close` as a LIMIT IOC order on the grid, validated.
    async fn close_order(&self, close: &CloseOrder, rules: &ExchangeInfo) -> Result<Order, Error> {
        let symbol = close.symbol();
        let refused = |reason: String| Error::CloseOrderRefused {
            symbol: symbol.to_string(),
            reason,
        };
        let mut order = Order::limit(symbol, close.side(), close.quantity(), close.limit_price());
        order.time_in_force = Some(TimeInForce::Ioc);
        let now = self.now_ms();
        let open = self.open_orders(Some(&symbol)).await?.len();
        let counts = OpenOrderCounts {
            all: u32::try_from(open).unwrap_or(u32::MAX),
            ..Default::default()
        };
        let reference = self.ticker_price(&symbol).await?;
        let ctx = OrderContext::new(now)
            .with_reference(ReferencePrice {
                price: reference,
                observed_at_ms: now,
            })
            .with_open_orders(counts, counts)
            .with_base_position(Quantity::ZERO);
        let order = Validator::default()
            .normalize(rules, &order, &ctx)
            .map(|n| n.order)
            .map_err(|v| refused(v.to_string()))?;
        if within(&order, close) {
            Ok(order)
        } else {
            Err(refused(format!(
                "normalized past the halt's order: {order:?}"
            )))
        }
    }
}

/// `order` asks for nothing `close` did not: its symbol and side, LIMIT IOC,
/// at most its quantity, at its limit or better.
fn within(order: &Order, close: &CloseOrder) -> bool {
    let price_ok = order.price.is_some_and(|p| match close.side() {
        Side::Sell => p >= close.limit_price(),
        Side::Buy => p <= close.limit_price(),
    });
    order.symbol == close.symbol()
        && order.side == close.side()
        && order.order_type == OrderType::Limit
        && order.time_in_force == Some(TimeInForce::Ioc)
        && order.quantity.is_some_and(|q| q <= close.quantity())
        && price_ok
}
