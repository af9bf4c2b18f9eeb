//! Two strategies, each an async task sending good orders and deliberately
//! bad ones through the one gate: "trend" on BTCUSDT, "maker" on ETHBTC.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use supreme_security::binance::{Clock, Params, SystemClock};
use supreme_security::gate::Rejection;
use supreme_security::order_guard::{
    ClientOrderId, OpenOrderCounts, Order, OrderContext, Price, Quantity, ReferencePrice, Side,
    Symbol,
};

use crate::report::Tally;
use crate::setup::{Bot, symbol};

/// What the bot knows before an order: the average price and its open orders.
async fn context(bot: &Bot, symbol: &Symbol) -> OrderContext<'static> {
    let now_ms = SystemClock.now_ms();
    let client = bot.guard.client();
    let avg = client
        .public(
            "GET",
            "/api/v3/avgPrice",
            &Params::new().with("symbol", symbol),
        )
        .await
        .ok()
        .and_then(|v| v["price"].as_str().and_then(|p| p.parse::<Price>().ok()));
    let open = client
        .open_orders(Some(symbol))
        .await
        .map_or(usize::MAX, |o| o.len());
    let all = u32::try_from(open).unwrap_or(u32::MAX);
    let counts = OpenOrderCounts {
        all,
        ..OpenOrderCounts::default()
    };
    let mut ctx = OrderContext::new(now_ms)
        .with_open_orders(counts, counts)
        .with_base_position(Quantity::ZERO);
    ctx.reference = avg.map(|price| ReferencePrice {
        price,
        observed_at_ms: now_ms,
    });
    ctx.worst_case_price = avg;
    ctx
}

/// Sends one order through the gate and, if approved, to the exchange.
pub(crate) async fn submit(bot: &Bot, tally: &Mutex<Tally>, who: &str, label: &str, order: Order) {
    let ctx = context(bot, &order.symbol).await;
    let started = Instant::now();
    let verdict = bot.guard.gate().check(&order, &ctx);
    let took = started.elapsed();
    let lock = || tally.lock().unwrap_or_else(PoisonError::into_inner);
    lock().gate_latency.push(took);
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
            lock().reject(guard);
            println!("  {who:<5} STOPPED  {label:<34} by {guard}: {why}");
            return;
        }
    };
    for w in approval.reservation().warnings.iter() {
        println!("  {who:<5} WARNING  {label:<34} {w}");
    }
    // The approval is the only thing that can be sent; the client spends its
    // rate permit, and the exchange's answer settles its risk reservation in
    // the gate's registry (filled: committed; resting: held; refused: released).
    let answer = bot.guard.client().place_order(approval).await;
    match answer {
        Ok(state) => {
            lock().sent += 1;
            println!(
                "  {who:<5} SENT     {label:<34} {} {} ({})",
                state.client_order_id,
                state.status,
                describe(&order)
            );
        }
        Err(e) => {
            // Refused by the exchange, or not sent at all (the gate's
            // registry refuses a client order id that is still live).
            lock().reject("send");
            println!("  {who:<5} REFUSED  {label:<34} {e}");
        }
    }
}

/// Runs a strategy's orders in turn.
pub(crate) async fn run(
    bot: Arc<Bot>,
    tally: Arc<Mutex<Tally>>,
    who: &'static str,
    orders: Vec<(&'static str, Order)>,
) {
    for (label, order) in orders {
        submit(&bot, &tally, who, label, order).await;
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

fn amount<T: std::str::FromStr>(s: &str) -> T {
    s.parse()
        .unwrap_or_else(|_| unreachable!("literal amounts are valid"))
}

fn limit(symbol: Symbol, side: Side, q: &str, p: &str, client: &str) -> Order {
    let id = ClientOrderId::new(client).unwrap_or_else(|_| unreachable!("literal ids are valid"));
    Order::limit(symbol, side, amount(q), amount(p)).with_client_order_id(id)
}

/// "trend" on BTCUSDT: good orders and bad ones.
pub(crate) fn trend() -> Vec<(&'static str, Order)> {
    let btc = |side, q, p, id| limit(symbol("BTCUSDT"), side, q, p, id);
    vec![
        (
            "buy 0.6 BTC at the market price",
            btc(Side::Buy, "0.6", "25000", "bot-1"),
        ),
        (
            "resting bid below the market",
            btc(Side::Buy, "0.1", "24500", "bot-2"),
        ),
        (
            "resting ask above the market",
            btc(Side::Sell, "0.05", "26000", "bot-3"),
        ),
        (
            "price off the tick (24500.005)",
            btc(Side::Buy, "0.1", "24500.005", "bot-4"),
        ),
        (
            "too small (notional 2.45 USDT)",
            btc(Side::Buy, "0.0001", "24500", "bot-5"),
        ),
        (
            "fat finger (1 BTC, 25,000 USDT)",
            btc(Side::Buy, "1", "25000", "bot-6"),
        ),
        (
            "far above the market (5x band)",
            btc(Side::Buy, "0.001", "130000", "bot-7"),
        ),
        (
            "duplicate client order id bot-2",
            btc(Side::Buy, "0.1", "24400", "bot-2"),
        ),
        (
            "over-concentrated (+0.5 BTC)",
            btc(Side::Buy, "0.5", "25000", "bot-8"),
        ),
    ]
}

/// "maker" on ETHBTC: a resting ask and two bad ones.
pub(crate) fn maker() -> Vec<(&'static str, Order)> {
    let eth = |side, q, p, id| limit(symbol("ETHBTC"), side, q, p, id);
    vec![
        (
            "resting ask 0.5 ETH at 0.065 BTC",
            eth(Side::Sell, "0.5", "0.065", "eth-1"),
        ),
        (
            "price off the tick (0.065005)",
            eth(Side::Sell, "0.5", "0.065005", "eth-2"),
        ),
        (
            "far above the market (1.5x band)",
            eth(Side::Sell, "0.5", "0.09", "eth-3"),
        ),
    ]
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

/// The bot is asked to fetch a URL (a webhook, a "status page" from a
/// config file): net-guard judges it before any connection, and records a
/// refusal in the audit log itself (`EGRESS_DENIED`).
pub(crate) async fn fetch(bot: &Bot, tally: &Mutex<Tally>, label: &str, url: &str) {
    match bot.guard.transport().check_url(url).await {
        Ok(addrs) => println!("  ALLOWED  {label:<34} would connect to {addrs:?}"),
        Err(e) => {
            tally
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .reject("net-guard");
            println!("  STOPPED  {label:<34} by net-guard: {e}");
        }
    }
}
