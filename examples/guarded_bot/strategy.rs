//! The strategy: good orders and deliberately bad ones, each through the gate.

use std::time::Instant;

use supreme_security::gate::Rejection;
use supreme_security::order_guard::{
    ClientOrderId, InFlightOrders, OpenOrderCounts, Order, OrderContext, Price, Quantity,
    ReferencePrice, Side, Symbol,
};

use crate::report::Tally;
use crate::setup::Bot;

/// What the bot knows before an order: the average price and its open orders.
fn context<'a>(
    bot: &Bot,
    symbol: &Symbol,
    in_flight: &'a InFlightOrders,
    now_ms: u64,
) -> OrderContext<'a> {
    let avg = bot
        .client
        .public(
            "GET",
            "/api/v3/avgPrice",
            &supreme_security::binance::Params::new().with("symbol", symbol),
        )
        .ok()
        .and_then(|v| v["price"].as_str().and_then(|p| p.parse::<Price>().ok()));
    let open = bot
        .client
        .open_orders(Some(symbol))
        .map(|o| o.len())
        .unwrap_or(usize::MAX);
    let all = u32::try_from(open).unwrap_or(u32::MAX);
    let counts = OpenOrderCounts {
        all,
        ..OpenOrderCounts::default()
    };
    let mut ctx = OrderContext::new(now_ms)
        .with_open_orders(counts, counts)
        .with_base_position(Quantity::ZERO)
        .with_in_flight(in_flight);
    ctx.reference = avg.map(|price| ReferencePrice {
        price,
        observed_at_ms: now_ms,
    });
    ctx.worst_case_price = avg;
    ctx
}

/// Sends one order through the gate and, if approved, to the exchange.
pub(crate) fn submit(
    bot: &Bot,
    tally: &mut Tally,
    in_flight: &mut InFlightOrders,
    label: &str,
    order: Order,
) {
    let now_ms = supreme_security::binance::Clock::now_ms(&supreme_security::binance::SystemClock);
    let ctx = context(bot, &order.symbol, in_flight, now_ms);
    let started = Instant::now();
    let verdict = bot.gate.check(&order, &ctx);
    tally.gate_latency.push(started.elapsed());
    match verdict {
        Ok(approval) => match bot.client.place_order(&approval.order) {
            Ok(state) => {
                if let Some(id) = order.client_order_id {
                    in_flight.insert(id);
                }
                tally.sent += 1;
                println!(
                    "  SENT     {label:<34} {} {} ({})",
                    state.client_order_id,
                    state.status,
                    describe(&order)
                );
            }
            Err(e) => {
                tally.reject("exchange");
                println!("  REFUSED  {label:<34} by the exchange: {e}");
            }
        },
        Err(rejection) => {
            let (guard, why) = match &rejection {
                Rejection::Halted(_) => ("kill-switch", rejection.to_string()),
                Rejection::Order(v) => (
                    "order-guard",
                    v.iter().next().map(ToString::to_string).unwrap_or_default(),
                ),
                Rejection::Risk(_) => ("risk-limits", rejection.to_string()),
                Rejection::RateLimited(_) => ("rate-limit", rejection.to_string()),
                _ => ("gate", rejection.to_string()),
            };
            tally.reject(guard);
            println!("  STOPPED  {label:<34} by {guard}: {why}");
        }
    }
}

fn describe(o: &Order) -> String {
    let side = if o.side == Side::Buy { "BUY" } else { "SELL" };
    let qty = o.quantity.map(|q| q.to_string()).unwrap_or_default();
    match o.price {
        Some(p) => format!("{side} {qty} {} @ {p}", o.symbol),
        None => format!("{side} {qty} {} at market", o.symbol),
    }
}

fn id(s: &str) -> ClientOrderId {
    ClientOrderId::new(s).unwrap_or_else(|_| unreachable!("literal ids are valid"))
}

fn amount<T: std::str::FromStr>(s: &str) -> T {
    s.parse()
        .unwrap_or_else(|_| unreachable!("literal amounts are valid"))
}

/// The orders of the demo, good and bad.
pub(crate) fn orders() -> Vec<(&'static str, Order)> {
    let btc = Symbol::new("BTCUSDT").unwrap_or_else(|_| unreachable!());
    let limit = |side, q: &str, p: &str, client: &str| {
        Order::limit(btc, side, amount(q), amount(p)).with_client_order_id(id(client))
    };
    vec![
        (
            "buy 0.6 BTC at the market price",
            limit(Side::Buy, "0.6", "25000", "bot-1"),
        ),
        (
            "resting bid below the market",
            limit(Side::Buy, "0.1", "24500", "bot-2"),
        ),
        (
            "resting ask above the market",
            limit(Side::Sell, "0.05", "26000", "bot-3"),
        ),
        (
            "price off the tick (24500.005)",
            limit(Side::Buy, "0.1", "24500.005", "bot-4"),
        ),
        (
            "too small (notional 2.45 USDT)",
            limit(Side::Buy, "0.0001", "24500", "bot-5"),
        ),
        (
            "fat finger (1 BTC, 25,000 USDT)",
            limit(Side::Buy, "1", "25000", "bot-6"),
        ),
        (
            "far above the market (5x band)",
            limit(Side::Buy, "0.001", "130000", "bot-7"),
        ),
        (
            "duplicate client order id bot-2",
            limit(Side::Buy, "0.1", "24400", "bot-2"),
        ),
    ]
}
