//! Placing, finding and cancelling orders, and reconciling an order whose
//! outcome is unknown (by its client order id, never by sending it again).

use serde_json::Value;
use supreme_gate::{
    Approval, OrderStatus, RateCheck, Report, RiskCheck, SendRefused, fresh_client_order_id,
};
use supreme_net_guard::Permit;
use supreme_order_guard::{ClientOrderId, Order, Quantity, Side, Symbol, TimeInForce};

use crate::{BinanceClient, Error, Params, TransportError};

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
    fn from_json(path: &'static str, v: &Value) -> Result<Self, Error> {
        let bad = |what: &str| Error::Malformed {
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
    /// # Ok::<(), supreme_binance::Error>(())
    /// ```
    pub fn from_json_str(body: &str) -> Result<Self, Error> {
        let v: Value = serde_json::from_str(body).map_err(|e| Error::Malformed {
            path: "/api/v3/order",
            reason: e.to_string(),
        })?;
        Self::from_json("/api/v3/order", &v)
    }

    /// Still working on the book.
    pub fn is_open(&self) -> bool {
        matches!(
            self.status.as_str(),
            "NEW" | "PARTIALLY_FILLED" | "PENDING_CANCEL" | "PENDING_NEW"
        )
    }

    /// This state as the gate's registry reads it: open, filled, or ended
    /// (cancelled, expired, rejected), with what executed so far.
    pub fn report(&self) -> Report {
        let status = if self.status == "FILLED" {
            OrderStatus::Filled
        } else if self.is_open() {
            OrderStatus::Open
        } else {
            OrderStatus::Ended
        };
        Report {
            status,
            executed: self.executed_qty,
            cumulative_quote: self.cumulative_quote_qty,
        }
    }
}

/// The rate permit an approval carries, as the transport spends it: the
/// exchange limiter's [`Permit`] (the gate reserved the order's slot), or
/// none (a gate without a rate stage).
pub trait Prepaid: Send {
    /// The permit, if it is one the transport can spend.
    fn into_permit(self) -> Option<Permit>;
}

impl Prepaid for () {
    fn into_permit(self) -> Option<Permit> {
        None
    }
}

impl Prepaid for Permit {
    fn into_permit(self) -> Option<Permit> {
        Some(self)
    }
}

impl From<SendRefused> for Error {
    fn from(e: SendRefused) -> Self {
        Self::Refused(e)
    }
}

impl From<supreme_gate::Error> for Error {
    fn from(e: supreme_gate::Error) -> Self {
        Self::Gate(e)
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
    /// Sends the order an [`Approval`] carries (`POST /api/v3/order`): the
    /// only way to place one, so an order that never passed the gate does not
    /// compile. The approval is dispatched first (refused if older than the
    /// gate allows, or after a trip; given a client order id if it had none;
    /// journaled; recorded in the gate's sink), admitted through the kill
    /// switch right before its bytes are written, and sent once with the
    /// rate permit the gate reserved (never counted again). The answer
    /// settles the reservation in the gate's live-order registry: a fill is
    /// committed, a resting order keeps the rest, a refusal releases it.
    ///
    /// Never retried: a timeout, a dropped connection, a 5xx, Binance's
    /// -1006 and -1007 ("execution status unknown") and a 2xx answer that
    /// cannot be read are [`Error::OutcomeUnknown`], carrying the
    /// client order id; the order stays in the registry, reservation held,
    /// until [`reconcile_order`](Self::reconcile_order) says which.
    ///
    /// ```compile_fail
    /// # async fn send(client: &supreme_binance::BinanceClient, order: &supreme_order_guard::Order) {
    /// client.place_order(order).await; // a bare order: only an Approval is sent
    /// # }
    /// ```
    pub async fn place_order<R, L>(&self, approval: Approval<R, L>) -> Result<OrderState, Error>
    where
        R: RiskCheck,
        L: RateCheck,
        L::Permit: Prepaid,
    {
        let (dispatch, permit) = approval.dispatch()?;
        let order = *dispatch.order();
        let in_flight = match dispatch.enter() {
            Ok(guard) => guard,
            Err(state) => {
                let why = format!("kill switch {state:?}");
                dispatch.not_accepted(&why)?;
                return Err(TransportError::KillSwitch(why).into());
            }
        };
        let span = tracing::info_span!(
            target: "supreme_binance",
            "place_order",
            client_order_id = %dispatch.client_order_id(),
            symbol = %order.symbol,
        );
        let answer =
            tracing::Instrument::instrument(self.send_order(&order, permit.into_permit()), span)
                .await;
        drop(in_flight);
        match &answer {
            Ok(state) => {
                dispatch.answered(state.report())?;
            }
            Err(Error::OutcomeUnknown { reason, .. }) => dispatch.unknown(reason)?,
            Err(e) => dispatch.not_accepted(&e.to_string())?,
        }
        answer
    }

    /// Sends `order` (with its client order id set) exactly once; any
    /// failure after its bytes may have been written is an unknown outcome.
    pub(crate) async fn send_order(
        &self,
        order: &Order,
        permit: Option<Permit>,
    ) -> Result<OrderState, Error> {
        let id = order
            .client_order_id
            .unwrap_or_else(|| fresh_client_order_id(self.now_ms()));
        let signed_at = self.now_ms();
        let unknown = |reason: String| {
            self.unknowns()
                .record(&id.to_string(), signed_at, self.recv_window_ms());
            Error::OutcomeUnknown {
                symbol: order.symbol.to_string(),
                client_order_id: id.to_string(),
                reason,
            }
        };
        let answer = self
            .signed_no_retry("POST", "/api/v3/order", &order_params(order, &id), permit)
            .await
            .and_then(|v| OrderState::from_json("/api/v3/order", &v));
        match answer {
            Ok(state) => Ok(state),
            Err(Error::Transport(TransportError::NoResponse(why))) => Err(unknown(why)),
            Err(Error::Api {
                status, code, msg, ..
            }) if status >= 500 || matches!(code, -1006 | -1007) => {
                Err(unknown(format!("HTTP {status}, code {code}: {msg}")))
            }
            // The exchange answered 2xx: the order may well exist.
            Err(Error::Malformed { reason, .. }) => {
                Err(unknown(format!("unreadable answer: {reason}")))
            }
            Err(e) => Err(e),
        }
    }

    /// Looks an order up by client order id; `None` if the exchange does not know it.
    pub async fn query_order(
        &self,
        symbol: &Symbol,
        client_order_id: &str,
    ) -> Result<Option<OrderState>, Error> {
        let params = Params::new()
            .with("symbol", symbol)
            .with("origClientOrderId", client_order_id);
        match self.signed("GET", "/api/v3/order", &params).await {
            Ok(v) => OrderState::from_json("/api/v3/order", &v).map(Some),
            Err(Error::Api { code: -2013, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Cancels one order by client order id.
    pub async fn cancel_order(
        &self,
        symbol: &Symbol,
        client_order_id: &str,
    ) -> Result<OrderState, Error> {
        let params = Params::new()
            .with("symbol", symbol)
            .with("origClientOrderId", client_order_id);
        let v = self.signed("DELETE", "/api/v3/order", &params).await?;
        OrderState::from_json("/api/v3/order", &v)
    }

    /// Open orders, on one symbol or all (`GET /api/v3/openOrders`).
    pub async fn open_orders(&self, symbol: Option<&Symbol>) -> Result<Vec<OrderState>, Error> {
        let params = Params::new().with_opt("symbol", symbol);
        let v = self.signed("GET", "/api/v3/openOrders", &params).await?;
        let list = v.as_array().ok_or(Error::Malformed {
            path: "/api/v3/openOrders",
            reason: "not a list".into(),
        })?;
        list.iter()
            .map(|o| OrderState::from_json("/api/v3/openOrders", o))
            .collect()
    }

    /// Cancels every open order on `symbol`; returns how many. "No open
    /// orders" (-2011) counts as zero, not as an error.
    pub async fn cancel_open_orders(&self, symbol: &Symbol) -> Result<usize, Error> {
        let params = Params::new().with("symbol", symbol);
        match self.signed("DELETE", "/api/v3/openOrders", &params).await {
            Ok(v) => Ok(v.as_array().map_or(0, Vec::len)),
            Err(Error::Api { code: -2011, .. }) => Ok(0),
            Err(e) => Err(e),
        }
    }
}
