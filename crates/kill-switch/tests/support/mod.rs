//! A venue adapter for the simulated exchange, over real loopback sockets.

use std::net::SocketAddr;
use std::time::Duration;

use rust_decimal::Decimal;
use serde::Deserialize;
use supreme_core::{Price, Quantity, Side, Symbol};
use supreme_kill_switch::{CloseOrder, OpenOrder, Position, Venue, VenueError};
use supreme_testkit::http;

/// A venue adapter speaking the simulated exchange's JSON API. Its async
/// methods do blocking loopback I/O: the halt polls them on its own thread
/// and runtime, which nothing else shares, so blocking there stalls no one.
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
    async fn open_orders(&self) -> Result<Vec<OpenOrder>, VenueError> {
        let body = self.call("GET", "/api/openOrders", None)?;
        let wire: Vec<WireOrder> =
            serde_json::from_str(&body).map_err(|e| VenueError::new(e.to_string()))?;
        wire.into_iter()
            .map(|o| {
                Ok(OpenOrder {
                    symbol: symbol(&o.symbol)?,
                    order_id: o.order_id,
                })
            })
            .collect()
    }

    async fn cancel_all(&self, symbol: &Symbol) -> Result<(), VenueError> {
        self.call("DELETE", &format!("/api/openOrders?symbol={symbol}"), None)
            .map(drop)
    }

    async fn positions(&self) -> Result<Vec<Position>, VenueError> {
        let body = self.call("GET", "/api/positions", None)?;
        let wire: Vec<WirePosition> =
            serde_json::from_str(&body).map_err(|e| VenueError::new(e.to_string()))?;
        wire.into_iter().map(position).collect()
    }

    async fn close_position(&self, o: CloseOrder) -> Result<(), VenueError> {
        let body = serde_json::json!({
            "symbol": o.symbol(), "side": o.side(), "quantity": o.quantity(),
            "price": o.limit_price(), "reduceOnly": o.reduce_only(),
        });
        self.call("POST", "/api/order", Some(&body.to_string()))
            .map(drop)
    }
}

fn symbol(text: &str) -> Result<Symbol, VenueError> {
    Symbol::new(text).map_err(|e| VenueError::new(e.to_string()))
}

/// The simulator's signed quantity as a side and a size, exactly.
fn position(p: WirePosition) -> Result<Position, VenueError> {
    let side = if p.quantity.is_sign_negative() {
        Side::Sell
    } else {
        Side::Buy
    };
    let amount = |d: Decimal, what: &str| {
        Quantity::try_from(d.abs()).map_err(|e| VenueError::new(format!("{what} {d}: {e}")))
    };
    Ok(Position {
        symbol: symbol(&p.symbol)?,
        side,
        quantity: amount(p.quantity, "quantity")?,
        mark_price: Price::from_units(amount(p.mark_price, "mark price")?.units()),
    })
}
