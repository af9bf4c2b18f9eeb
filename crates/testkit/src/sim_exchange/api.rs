//! The simulated exchange's HTTP handlers.

use std::net::TcpStream;
use std::sync::Mutex;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::{Book, SimOrder, lock};
use crate::http::{self, Request};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewOrder {
    symbol: String,
    side: String,
    quantity: Decimal,
    price: Decimal,
    #[serde(default)]
    reduce_only: bool,
}

pub(super) fn handle(stream: &TcpStream, book: &Mutex<Book>) {
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
    let (status, body) = match http::read_request(stream) {
        Ok(req) => respond(&req, book),
        Err(e) => (400, error_body(&e.to_string())),
    };
    let _ = http::write_response(stream, status, &body);
}

fn error_body(msg: &str) -> String {
    serde_json::json!({ "error": msg }).to_string()
}

fn respond(req: &Request, book: &Mutex<Book>) -> (u16, String) {
    let mut b = lock(book);
    b.requests += 1;
    if b.fail_next > 0 {
        b.fail_next -= 1;
        return (b.fail_status, error_body("injected failure"));
    }
    match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/api/openOrders") => (200, to_json(&b.orders)),
        ("DELETE", "/api/openOrders") => {
            let Some(symbol) = req.query_param("symbol") else {
                return (400, error_body("symbol required"));
            };
            if b.ignore_cancels > 0 {
                b.ignore_cancels -= 1;
                return (200, serde_json::json!({ "cancelled": 0 }).to_string());
            }
            let before = b.orders.len();
            b.orders.retain(|o| o.symbol != symbol);
            let cancelled = before - b.orders.len();
            (
                200,
                serde_json::json!({ "cancelled": cancelled }).to_string(),
            )
        }
        ("GET", "/api/positions") => (200, to_json(&b.positions.values().collect::<Vec<_>>())),
        ("POST", "/api/order") => match serde_json::from_slice::<NewOrder>(&req.body) {
            Ok(order) => place(&mut b, order),
            Err(e) => (400, error_body(&e.to_string())),
        },
        _ => (404, error_body("no such endpoint")),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| error_body(&e.to_string()))
}

/// Reduce-only orders fill immediately (IOC) if the price is no worse than
/// the mark and never beyond the position; others rest on the book.
fn place(b: &mut Book, order: NewOrder) -> (u16, String) {
    if order.quantity <= Decimal::ZERO || (order.side != "BUY" && order.side != "SELL") {
        return (400, error_body("bad order"));
    }
    if !order.reduce_only {
        b.next_id += 1;
        let order_id = b.next_id.to_string();
        b.orders.push(SimOrder {
            symbol: order.symbol,
            order_id: order_id.clone(),
            side: order.side,
            quantity: order.quantity,
            price: order.price,
        });
        return (
            200,
            serde_json::json!({ "orderId": order_id, "filled": "0" }).to_string(),
        );
    }
    let max_fill = b.max_fill;
    let Some(pos) = b.positions.get_mut(&order.symbol) else {
        return (400, error_body("reduce-only order without position"));
    };
    let sell = order.side == "SELL";
    if sell != pos.quantity.is_sign_positive() {
        return (400, error_body("reduce-only order would increase position"));
    }
    let crosses = if sell {
        order.price <= pos.mark_price
    } else {
        order.price >= pos.mark_price
    };
    let mut filled = Decimal::ZERO;
    if crosses {
        filled = order.quantity.min(pos.quantity.abs());
        if let Some(m) = max_fill {
            filled = filled.min(m);
        }
        pos.quantity += if sell { -filled } else { filled };
    }
    if pos.quantity.is_zero() {
        b.positions.remove(&order.symbol);
    }
    (
        200,
        serde_json::json!({ "filled": filled.to_string() }).to_string(),
    )
}
