use std::time::Duration;

use super::*;
use crate::http::request;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn call(ex: &SimExchange, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    request(ex.addr(), method, path, body, Duration::from_secs(2)).unwrap()
}

#[test]
fn lists_and_cancels_per_symbol() {
    let ex = SimExchange::start().unwrap();
    ex.add_order("A", "BUY", d("1"), d("10"));
    ex.add_order("B", "SELL", d("2"), d("20"));
    ex.add_order("A", "SELL", d("3"), d("30"));
    let (status, body) = call(&ex, "GET", "/api/openOrders", None);
    assert_eq!(status, 200);
    let orders: Vec<SimOrder> = serde_json::from_str(&body).unwrap();
    assert_eq!(orders.len(), 3);
    let (status, body) = call(&ex, "DELETE", "/api/openOrders?symbol=A", None);
    assert_eq!((status, body.as_str()), (200, r#"{"cancelled":2}"#));
    assert_eq!(ex.open_orders().len(), 1);
    assert_eq!(call(&ex, "DELETE", "/api/openOrders", None).0, 400);
    assert_eq!(call(&ex, "GET", "/nope", None).0, 404);
    assert_eq!(ex.request_count(), 4);
}

#[test]
fn injected_failures_and_ignored_cancels() {
    let ex = SimExchange::start().unwrap();
    ex.add_order("A", "BUY", d("1"), d("10"));
    ex.fail_next(2, 503);
    assert_eq!(call(&ex, "DELETE", "/api/openOrders?symbol=A", None).0, 503);
    assert_eq!(call(&ex, "GET", "/api/openOrders", None).0, 503);
    ex.ignore_next_cancels(1);
    assert_eq!(call(&ex, "DELETE", "/api/openOrders?symbol=A", None).0, 200);
    assert_eq!(ex.open_orders().len(), 1);
    call(&ex, "DELETE", "/api/openOrders?symbol=A", None);
    assert!(ex.open_orders().is_empty());
}

#[test]
fn reduce_only_orders_fill_within_price_and_never_flip() {
    let ex = SimExchange::start().unwrap();
    ex.set_position("A", d("2"), d("100"));
    let order = |side: &str, qty: &str, price: &str| {
        format!(
            r#"{{"symbol":"A","side":"{side}","quantity":"{qty}","price":"{price}","reduceOnly":true}}"#
        )
    };
    // Sell limit above the mark: no fill.
    let (s, body) = call(&ex, "POST", "/api/order", Some(&order("SELL", "1", "101")));
    assert_eq!((s, body.as_str()), (200, r#"{"filled":"0"}"#));
    // Buying would increase a long: refused.
    assert_eq!(
        call(&ex, "POST", "/api/order", Some(&order("BUY", "1", "100"))).0,
        400
    );
    // Oversized sell fills only the position.
    let (s, body) = call(&ex, "POST", "/api/order", Some(&order("SELL", "5", "99")));
    assert_eq!((s, body.as_str()), (200, r#"{"filled":"2"}"#));
    assert!(ex.positions().is_empty());
    assert_eq!(
        call(&ex, "POST", "/api/order", Some(&order("SELL", "1", "99"))).0,
        400
    );
    // Malformed body.
    assert_eq!(call(&ex, "POST", "/api/order", Some("{")).0, 400);
}

#[test]
fn plain_orders_rest_on_the_book() {
    let ex = SimExchange::start().unwrap();
    let body = r#"{"symbol":"A","side":"BUY","quantity":"1","price":"5"}"#;
    assert_eq!(call(&ex, "POST", "/api/order", Some(body)).0, 200);
    assert_eq!(ex.open_orders()[0].price, d("5"));
}
