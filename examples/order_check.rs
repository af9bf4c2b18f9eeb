//! order-guard in one screen: exchange rules, a few orders, every verdict.
//!
//! `cargo run --example order_check`

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use supreme_security::order_guard::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Core dumps off and the process not dumpable, before any secret is loaded.
    supreme_security::vault::harden_process()?;
    // Rules from the exchange's exchangeInfo (here: the sample this project ships).
    let info = ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO)?;
    let now = 1_694_131_200_000;
    // What the bot knows now: the average price, its open orders, its position.
    let ctx = OrderContext::new(now)
        .with_reference(ReferencePrice {
            price: "25000".parse()?,
            observed_at_ms: now,
        })
        .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default())
        .with_base_position(Quantity::ZERO)
        .with_worst_case_price("25500".parse()?);
    let validator = Validator::new(Policy {
        max_order_notional: Some("20000".parse()?),
        ..Policy::default()
    });
    let btc = Symbol::new("BTCUSDT")?;

    let orders = [
        (
            "a good limit buy",
            Order::limit(btc, Side::Buy, "0.01".parse()?, "24990.50".parse()?),
        ),
        (
            "off tick",
            Order::limit(btc, Side::Buy, "0.01".parse()?, "24990.505".parse()?),
        ),
        (
            "too small",
            Order::limit(btc, Side::Buy, "0.0001".parse()?, "24990".parse()?),
        ),
        (
            "fat finger",
            Order::limit(btc, Side::Buy, "2".parse()?, "25000".parse()?),
        ),
        (
            "far from the market",
            Order::limit(btc, Side::Sell, "0.01".parse()?, "200000".parse()?),
        ),
        (
            "a market sell",
            Order::market(btc, Side::Sell, "0.01".parse()?),
        ),
        (
            "a symbol on break",
            Order::limit(
                Symbol::new("LUNAUSDT")?,
                Side::Buy,
                "10".parse()?,
                "0.0001".parse()?,
            ),
        ),
    ];
    for (what, order) in &orders {
        match validator.validate(&info, order, &ctx) {
            Ok(()) => println!("ACCEPTED  {what}"),
            Err(violations) => {
                println!("REJECTED  {what}");
                for v in &violations {
                    println!("          - {v}");
                }
            }
        }
    }

    // Normalization moves an order onto the grid toward the safe side.
    let sloppy = Order::limit(btc, Side::Sell, "0.0123456".parse()?, "25000.001".parse()?);
    let fixed = validator.normalize(&info, &sloppy, &ctx).unwrap();
    println!(
        "NORMALIZED sell {} @ {} -> {} @ {}",
        sloppy.quantity.unwrap(),
        sloppy.price.unwrap(),
        fixed.order.quantity.unwrap(),
        fixed.order.price.unwrap()
    );
    Ok(())
}
