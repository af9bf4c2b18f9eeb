//! A venue adapter for the simulated exchange, over real loopback sockets.

use std::net::SocketAddr;
use std::time::Duration;

use rust_decimal::Decimal;
use serde::Deserialize;
use supreme_kill_switch::{CloseOrder, OpenOrder, Position, Side, Venue, VenueError};
use supreme_testkit::http;

/// A venue adapter speaking the simulated exchange's JSON API.
pub(crate) struct HttpVenue {
    addr: SocketAddr,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireOrder {
    symbol: String,
    order_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WirePosition {
    symbol: String,
    quantity: Decimal,
    mark_price: Decimal,
}

impl HttpVenue {
    /// An adapter for the exchange at `addr`.
    pub(crate) fn new(addr: SocketAddr) -> Self {
        Self { addr }
    }

    fn call(&self, method: &str, path: &str, body: Option<&str>) -> Result<String, VenueError> {
        let (status, body) = http::request(self.addr, method, path, body, Duration::from_secs(2))
            .map_err(|e| VenueError::new(format!("io: {e}")))?;
        if status == 200 {
            Ok(body)
        } else {
            Err(VenueError::new(format!("HTTP {status}: {body}")))
        }
    }
}

impl Venue for HttpVenue {
    fn open_orders(&self) -> Result<Vec<OpenOrder>, VenueError> {
        let body = self.call("GET", "/api/openOrders", None)?;
        let wire: Vec<WireOrder> =
            serde_json::from_str(&body).map_err(|e| VenueError::new(e.to_string()))?;
        Ok(wire
            .into_iter()
            .map(|o| OpenOrder {
                symbol: o.symbol,
                order_id: o.order_id,
            })
            .collect())
    }

    fn cancel_all(&self, symbol: &str) -> Result<(), VenueError> {
        self.call("DELETE", &format!("/api/openOrders?symbol={symbol}"), None)
            .map(drop)
    }

    fn positions(&self) -> Result<Vec<Position>, VenueError> {
        let body = self.call("GET", "/api/positions", None)?;
        let wire: Vec<WirePosition> =
            serde_json::from_str(&body).map_err(|e| VenueError::new(e.to_string()))?;
        Ok(wire
            .into_iter()
            .map(|p| Position {
                symbol: p.symbol,
                quantity: p.quantity,
                mark_price: p.mark_price,
            })
            .collect())
    }

    fn close_position(&self, o: &CloseOrder) -> Result<(), VenueError> {
        let side = match o.side {
            Side::Buy => "BUY",
            Side::Sell => "SELL",
        };
        let body = serde_json::json!({
            "symbol": o.symbol, "side": side, "quantity": o.quantity.to_string(),
            "price": o.limit_price.to_string(), "reduceOnly": o.reduce_only,
        });
        self.call("POST", "/api/order", Some(&body.to_string()))
            .map(drop)
    }
}
