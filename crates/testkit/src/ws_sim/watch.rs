//! The watcher: turns the REST simulator's order and balance changes into
//! user-data events (`executionReport`, `outboundAccountPosition`).

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use rust_decimal::Decimal;
use serde_json::{Value, json};
use supreme_order_guard::{Price, Quantity, Side, TimeInForce};

use super::Shared;
use crate::binance::{Balance, OrderStatus, SimOrder};

/// What the watcher last saw of one order.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Seen {
    status: OrderStatus,
    executed: u64,
    quote: u64,
}

pub(super) fn run(sh: &Shared) {
    let mut orders: HashMap<u64, Seen> = HashMap::new();
    let mut balances: HashMap<String, Balance> = HashMap::new();
    let mut trade_id = 0u64;
    while !sh.stop.load(Ordering::SeqCst) {
        std::thread::sleep(sh.config.watch_interval);
        let mut changed = false;
        for o in sh.sim.orders() {
            let now = Seen {
                status: o.status,
                executed: o.executed.units(),
                quote: o.cumulative_quote,
            };
            let before = orders.insert(o.order_id, now);
            if before == Some(now) {
                continue;
            }
            changed = true;
            let was = before.unwrap_or(Seen {
                status: OrderStatus::New,
                executed: 0,
                quote: 0,
            });
            if before.is_none() {
                sh.publish_user(&report(sh, &o, "NEW", "NEW", was, None).to_string());
            }
            if now.executed > was.executed {
                trade_id += 1;
                let status = if o.status == OrderStatus::Filled {
                    "FILLED"
                } else {
                    "PARTIALLY_FILLED"
                };
                let r = report(sh, &o, "TRADE", status, was, Some(trade_id));
                sh.publish_user(&r.to_string());
            }
            let ended = match o.status {
                OrderStatus::Canceled => Some("CANCELED"),
                OrderStatus::Expired => Some("EXPIRED"),
                _ => None,
            };
            if let Some(x) = ended.filter(|_| was.status != o.status) {
                sh.publish_user(&report(sh, &o, x, x, was, None).to_string());
            }
        }
        if changed {
            account_position(sh, &mut balances);
        }
    }
}

fn units(u: u64) -> String {
    Quantity::from_units(u).to_string()
}

fn report(
    sh: &Shared,
    o: &SimOrder,
    x: &str,
    status: &str,
    was: Seen,
    trade: Option<u64>,
) -> Value {
    let now = sh.event_ms();
    let ord = &o.order;
    let (last_qty, last_quote) = match trade {
        Some(_) => (
            o.executed.units() - was.executed,
            o.cumulative_quote.saturating_sub(was.quote),
        ),
        None => (0, 0),
    };
    let last_price = if last_qty == 0 {
        Decimal::ZERO
    } else {
        (Decimal::from(last_quote) / Decimal::from(last_qty)).round_dp(8)
    };
    json!({
        "e": "executionReport", "E": now, "s": ord.symbol.as_str(),
        "c": o.client_order_id,
        "S": if ord.side == Side::Buy { "BUY" } else { "SELL" },
        "o": ord.order_type.as_str(),
        "f": match ord.time_in_force { Some(TimeInForce::Ioc) => "IOC", Some(TimeInForce::Fok) => "FOK", _ => "GTC" },
        "q": ord.quantity.unwrap_or(Quantity::ZERO).to_string(),
        "p": ord.price.unwrap_or(Price::ZERO).to_string(),
        "P": ord.stop_price.unwrap_or(Price::ZERO).to_string(),
        "C": "", "x": x, "X": status, "r": "NONE",
        "i": o.order_id,
        "l": units(last_qty), "z": o.executed.to_string(),
        "L": last_price.to_string(),
        "n": "0", "N": null, "T": now,
        "t": trade.map_or(-1, |t| i64::try_from(t).unwrap_or(i64::MAX)),
        "w": o.status == OrderStatus::New, "m": false,
        "O": o.time_ms, "Z": units(o.cumulative_quote), "Y": units(last_quote),
        "Q": "0", "W": o.time_ms, "V": "NONE",
    })
}

fn account_position(sh: &Shared, seen: &mut HashMap<String, Balance>) {
    let changed: Vec<Value> = sh
        .sim
        .balances()
        .into_iter()
        .filter(|(a, b)| seen.insert(a.clone(), *b) != Some(*b))
        .map(|(a, b)| json!({ "a": a, "f": units(b.free), "l": units(b.locked) }))
        .collect();
    if changed.is_empty() {
        return;
    }
    let now = sh.event_ms();
    let event = json!({ "e": "outboundAccountPosition", "E": now, "u": now, "B": changed });
    sh.publish_user(&event.to_string());
}
