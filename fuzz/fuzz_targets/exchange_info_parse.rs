//! Any bytes as an exchangeInfo document: a typed error or rules, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_order_guard::{ExchangeInfo, OpenOrderCounts, Order, OrderContext, Side, Validator};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(info) = ExchangeInfo::from_json(text) else { return };
    // Whatever parsed must also be usable: validate one order per symbol.
    let ctx = OrderContext::new(0).with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default());
    for rules in info.symbols() {
        let order = Order::limit(rules.symbol, Side::Buy, "1".parse().unwrap(), "1".parse().unwrap());
        let _ = Validator::default().validate(&info, &order, &ctx);
    }
});
