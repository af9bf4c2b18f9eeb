//! Placing, finding and cancelling orders, and reconciling an order whose
//! outcome is unknown (by its client order id, never by sending it again).

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;
use supreme_order_guard::{ClientOrderId, Order, Quantity, Side, Symbol, TimeInForce};

use crate::{BinanceClient, BinanceError, Params, TransportError};

/// What the exchange says about one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderState {
    /// Symbol.
    pub symbol: String,
    /// Exchange order id.
    pub order_id: u64,
    /// Client order id.
    pub client_order_id: String,
    /// `NEW`, `PARTIALLY_FILLED`, `FILLED`, `CANCELED`, `EXPIRED`, `REJECTED`.
    pub status: String,
    /// Executed base quantity.
    pub executed_qty: Quantity,
    /// Executed quote amount.
    pub cumulative_quote_qty: Quantity,
}

impl OrderState {
    fn from_json(path: &'static str, v: &Value) -> Result<Self, BinanceError> {
        let bad = |what: &str| BinanceError::Malformed {
            path,
            reason: format!("order without {what}"),
        };
        let amount = |k: &str| {
            v[k].as_str()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad(k))
        };
        Ok(Self {
            symbol: v["symbol"]
                .as_str()
                .ok_or_else(|| bad("symbol"))?
                .to_string(),
            order_id: v["orderId"].as_u64().ok_or_else(|| bad("orderId"))?,
            client_order_id: v["clientOrderId"]
                .as_str()
                .ok_or_else(|| bad("clientOrderId"))?
                .to_string(),
            status: v["status"]
                .as_str()
                .ok_or_else(|| bad("status"))?
                .to_string(),
            executed_qty: amount("executedQty")?,
            cumulative_quote_qty: amount("cummulativeQuoteQty")?,
        })
    }

    /// Reads one order from the exchange's JSON (outside input: a typed
    /// error for anything malformed, never a panic).
    ///
    /// ```
    /// let body = r#"{"symbol":"BTCUSDT","orderId":7,"clientOrderId":"a","status":"NEW","executedQty":"0","cummulativeQuoteQty":"0"}"#;
    /// let state = supreme_binance::OrderState::from_json_str(body)?;
    /// assert!(state.is_open());
    /// # Ok::<(), supreme_binance::BinanceError>(())
    /// ```
    pub fn from_json_str(body: &str) -> Result<Self, BinanceError> {
        let v: Value = serde_json::from_str(body).map_err(|e| BinanceError::Malformed {
            path: "/api/v3/order",
            reason: e.to_string(),
        })?;
        Self::from_json("/api/v3/order", &v)
    }

    /// Still working on the book.
    pub fn is_open(&self) -> bool {
        matches!(self.status.as_str(), "NEW" | "PARTIALLY_FILLED")
    }
}

/// The answer to "did my order reach the exchange?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reconciled {
    /// It did; here is its state.
    Found(OrderState),
    /// The exchange does not know it. Once more than `recvWindow` has passed
    /// since it was signed, it never will: the exchange refuses stale requests.
    NotFound,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A fresh client order id, `sup-<ms>-<n>`.
fn fresh_client_id(now_ms: u64) -> ClientOrderId {
    let n = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    #[allow(clippy::unwrap_used)] // at most 4 + 20 + 1 + 20 characters of [a-z0-9-]: always valid
    ClientOrderId::new(&format!("sup-{now_ms}-{n}")).unwrap()
}

fn order_params(order: &Order, id: &ClientOrderId) -> Params {
    let tif = order.time_in_force.map(|t| match t {
        TimeInForce::Gtc => "GTC",
        TimeInForce::Ioc => "IOC",
        TimeInForce::Fok => "FOK",
    });
    Params::new()
        .with("symbol", order.symbol)
        .with(
            "side",
            if order.side == Side::Buy {
                "BUY"
            } else {
                "SELL"
            },
        )
        .with("type", order.order_type.as_str())
        .with_opt("timeInForce", tif)
        .with_opt("quantity", order.quantity)
        .with_opt("quoteOrderQty", order.quote_quantity)
        .with_opt("price", order.price)
        .with_opt("stopPrice", order.stop_price)
        .with_opt("trailingDelta", order.trailing_delta)
        .with_opt("icebergQty", order.iceberg_quantity)
        .with("newClientOrderId", id)
        .with("newOrderRespType", "RESULT")
}

impl BinanceClient {
    /// Places `order` (`POST /api/v3/order`), with its client order id or a
    /// fresh one. Never retried: a timeout, a dropped connection, a 5xx,
    /// Binance's -1006 and -1007 ("execution status unknown") and a 2xx
    /// answer that cannot be read are [`BinanceError::OutcomeUnknown`],
    /// carrying the client order id to [`reconcile`](Self::reconcile) with.
    pub fn place_order(&self, order: &Order) -> Result<OrderState, BinanceError> {
        self.send_order(order)
    }

    /// Sends `order` once and reads the answer; an outcome that may have
    /// reached the exchange is [`BinanceError::OutcomeUnknown`]. Every order
    /// the client sends goes through here.
    pub(crate) fn send_order(&self, order: &Order) -> Result<OrderState, BinanceError> {
        let id = order
            .client_order_id
            .unwrap_or_else(|| fresh_client_id(self.now_ms()));
        let signed_at = self.now_ms();
        let unknown = |reason: String| {
            self.unknowns()
                .record(&id.to_string(), signed_at, self.recv_window_ms());
            BinanceError::OutcomeUnknown {
                symbol: order.symbol.to_string(),
                client_order_id: id.to_string(),
                reason,
            }
        };
        let answer = self
            .signed_no_retry("POST", "/api/v3/order", &order_params(order, &id))
            .and_then(|v| OrderState::from_json("/api/v3/order", &v));
        match answer {
            Ok(state) => Ok(state),
            Err(BinanceError::Transport(TransportError::NoResponse(why))) => Err(unknown(why)),
            Err(BinanceError::Api {
                status, code, msg, ..
            }) if status >= 500 || matches!(code, -1006 | -1007) => {
                Err(unknown(format!("HTTP {status}, code {code}: {msg}")))
            }
            // The exchange answered 2xx: the order may well exist.
            Err(BinanceError::Malformed { reason, .. }) => {
                Err(unknown(format!("unreadable answer: {reason}")))
            }
            Err(e) => Err(e),
        }
    }

    /// Looks an order up by client order id; `None` if the exchange does not know it.
    pub fn query_order(
        &self,
        symbol: &Symbol,
        client_order_id: &str,
    ) -> Result<Option<OrderState>, BinanceError> {
        let params = Params::new()
            .with("symbol", symbol)
            .with("origClientOrderId", client_order_id);
        match self.signed("GET", "/api/v3/order", &params) {
            Ok(v) => OrderState::from_json("/api/v3/order", &v).map(Some),
            Err(BinanceError::Api { code: -2013, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Cancels one order by client order id.
    pub fn cancel_order(
        &self,
        symbol: &Symbol,
        client_order_id: &str,
    ) -> Result<OrderState, BinanceError> {
        let params = Params::new()
            .with("symbol", symbol)
            .with("origClientOrderId", client_order_id);
        let v = self.signed("DELETE", "/api/v3/order", &params)?;
        OrderState::from_json("/api/v3/order", &v)
    }

    /// Open orders, on one symbol or all (`GET /api/v3/openOrders`).
    pub fn open_orders(&self, symbol: Option<&Symbol>) -> Result<Vec<OrderState>, BinanceError> {
        let params = Params::new().with_opt("symbol", symbol);
        let v = self.signed("GET", "/api/v3/openOrders", &params)?;
        let list = v.as_array().ok_or(BinanceError::Malformed {
            path: "/api/v3/openOrders",
            reason: "not a list".into(),
        })?;
        list.iter()
            .map(|o| OrderState::from_json("/api/v3/openOrders", o))
            .collect()
    }

    /// Cancels every open order on `symbol`; returns how many. "No open
    /// orders" (-2011) counts as zero, not as an error.
    pub fn cancel_open_orders(&self, symbol: &Symbol) -> Result<usize, BinanceError> {
        match self.signed(
            "DELETE",
            "/api/v3/openOrders",
            &Params::new().with("symbol", symbol),
        ) {
            Ok(v) => Ok(v.as_array().map_or(0, Vec::len)),
            Err(BinanceError::Api { code: -2011, .. }) => Ok(0),
            Err(e) => Err(e),
        }
    }
}
