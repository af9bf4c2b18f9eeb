//! Any order against the shipped rules: validate and normalize never panic,
//! and a normalized order always validates.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_order_guard::*;

fn amount(bytes: &[u8], i: usize) -> Option<u64> {
    let chunk = bytes.get(i * 9..i * 9 + 9)?;
    (chunk[0] & 1 == 1).then(|| u64::from_le_bytes(chunk[1..9].try_into().unwrap()))
}

fuzz_target!(|data: &[u8]| {
    static INFO: std::sync::OnceLock<ExchangeInfo> = std::sync::OnceLock::new();
    let info = INFO.get_or_init(|| ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap());
    if data.len() < 4 {
        return;
    }
    let symbols = ["BTCUSDT", "ETHBTC", "LUNAUSDT", "NEWCOINUSDT", "XRPUSDT"];
    let symbol = Symbol::new(symbols[usize::from(data[0]) % symbols.len()]).unwrap();
    let side = if data[1] & 1 == 0 { Side::Buy } else { Side::Sell };
    let order_type = OrderType::ALL[usize::from(data[2]) % OrderType::ALL.len()];
    let tifs = [None, Some(TimeInForce::Gtc), Some(TimeInForce::Ioc), Some(TimeInForce::Fok)];
    let rest = &data[4..];
    let mut order = Order::new(symbol, side, order_type);
    order.time_in_force = tifs[usize::from(data[3]) % 4];
    order.quantity = amount(rest, 0).map(Quantity::from_units);
    order.quote_quantity = amount(rest, 1).map(Quantity::from_units);
    order.price = amount(rest, 2).map(Price::from_units);
    order.stop_price = amount(rest, 3).map(Price::from_units);
    order.iceberg_quantity = amount(rest, 4).map(Quantity::from_units);
    order.trailing_delta = amount(rest, 5).map(|d| (d % 10_000) as u32);
    let reference = amount(rest, 6).map(|p| ReferencePrice { price: Price::from_units(p), observed_at_ms: 0 });
    let mut ctx = OrderContext::new(amount(rest, 7).unwrap_or(0) % 100_000)
        .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default());
    ctx.reference = reference;
    ctx.base_position = amount(rest, 8).map(Quantity::from_units);
    ctx.worst_case_price = amount(rest, 9).map(Price::from_units);
    let policy = Policy { max_order_notional: Some("100000".parse().unwrap()), ..Policy::default() };
    let validator = Validator::new(policy);
    let verdict = validator.validate(info, &order, &ctx);
    if let Ok(n) = validator.normalize(info, &order, &ctx) {
        assert!(validator.validate(info, &n.order, &ctx).is_ok());
        if verdict.is_ok() {
            assert_eq!(n.order, order);
        }
    }
    if let Err(v) = verdict {
        assert!(!v.is_empty());
        let _ = v.to_string();
    }
});
