//! The strategy: good orders and deliberately bad ones, each through the gate.

use std::time::Instant;

use supreme_security::binance::{Clock, Params, SystemClock};
use supreme_security::gate::Rejection;
use supreme_security::order_guard::{
    ClientOrderId, InFlightOrders, OpenOrderCounts, Order, OrderContext, Price, Quantity,
    ReferencePrice, Side, Symbol,
};

use crate::report::Tally;
use crate::setup::Bot;

/// What the bot knows before an order: the average price and its open orders.
fn context<'a>(bot: &Bot, symbol: &Symbol, in_flight: &'a InFlightOrders) -> OrderContext<'a> {
    let now_ms = SystemClock.now_ms();
    let avg = bot
        .client
        .public(
            "GET",
            "/api/v3/avgPrice",
            &Params::new().with("symbol", symbol),
        )
        .ok()
        .and_then(|v| v["price"].as_str().and_then(|p| p.parse::<Price>().ok()));
    let open = bot
        .client
        .open_orders(Some(symbol))
        .map_or(usize::MAX, |o| o.len());
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

/// What the bot carries from order to order.
#[derive(Default)]
pub(crate) struct Run {
    pub(crate) tally: Tally,
    pub(crate) in_flight: InFlightOrders,
}

/// Sends one order through the gate and, if approved, to the exchange.
pub(crate) fn submit(bot: &Bot, run: &mut Run, label: &str, order: Order) {
    let ctx = context(bot, &order.symbol, &run.in_flight);
    let started = Instant::now();
    let verdict = bot.gate.check(&order, &ctx);
    run.tally.gate_latency.push(started.elapsed());
    let approval = match verdict {
        Ok(approval) => approval,
        Err(rejection) => {
            let (guard, why) = match &rejection {
                Rejection::Halted(state) => ("kill-switch", format!("trading halted ({state:?})")),
                Rejection::Order(v) => (
                    "order-guard",
                    v.iter().next().map(ToString::to_string).unwrap_or_default(),
                ),
                Rejection::Risk(breach) => ("risk-limits", breach.to_string()),
                Rejection::RateLimited(_) => ("rate-limit", rejection.to_string()),
                _ => ("gate", rejection.to_string()),
            };
            run.tally.reject(guard);
            println!("  STOPPED  {label:<34} by {guard}: {why}");
            return;
        }
    };
    for w in approval.reservation().warnings.iter() {
        println!("  WARNING  {label:<34} {w}");
    }
    // The approval is the only thing that can be sent; the client spends its
    // rate permit, and the exchange's answer settles its risk reservation in
    // the gate's registry (filled: committed; resting: held; refused: released).
    match bot.client.place_order(approval) {
        Ok(state) => {
            if let Some(id) = order.client_order_id {
                run.in_flight.insert(id);
            }
            run.tally.sent += 1;
            let what = describe(&order);
            println!(
                "  SENT     {label:<34} {} {} ({what})",
                state.client_order_id, state.status
            );
        }
        Err(e) => {
            run.tally.reject("exchange");
            println!("  REFUSED  {label:<34} by the exchange: {e}");
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
    let btc = crate::setup::btc();
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
        (
            "over-concentrated (+0.5 BTC)",
            limit(Side::Buy, "0.5", "25000", "bot-8"),
        ),
    ]
}

/// The bot is asked to fetch a URL (a webhook, a "status page" from a
/// config file): net-guard judges it before any connection, and records a
/// refusal in the audit log itself (`EGRESS_DENIED`).
pub(crate) fn fetch(bot: &Bot, run: &mut Run, label: &str, url: &str) {
    let checked =
        supreme_security::binance::blocking::block_on("check_url", bot.net.check_url(url));
    match checked
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| e.to_string()))
    {
        Ok(addrs) => println!("  ALLOWED  {label:<34} would connect to {addrs:?}"),
        Err(e) => {
            run.tally.reject("net-guard");
            println!("  STOPPED  {label:<34} by net-guard: {e}");
        }
    }
}

/// URLs a careless bot might follow.
pub(crate) fn urls(port: u16) -> Vec<(&'static str, String)> {
    vec![
        (
            "a host not on the allowlist",
            format!("https://evil.example.com:{port}/steal"),
        ),
        (
            "cloud metadata behind a name",
            format!("https://status.binance.test:{port}/latest/meta-data/"),
        ),
        (
            "plain http to the exchange",
            format!("http://api.binance.test:{port}/api/v3/time"),
        ),
        (
            "userinfo trick (@2852039166)",
            format!("https://api.binance.test@2852039166:{port}/"),
        ),
    ]
}
