//! Any bytes as the gate's live-order journal: reading never panics, and
//! the orders it reads, written again in the journal's format, read back
//! the same (what the compaction on open relies on).
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_core::Side;
use supreme_gate::parse_journal;

fuzz_target!(|data: &[u8]| {
    let Ok(pending) = parse_journal("fuzz.journal".as_ref(), data) else { return };
    let dash = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let text: String = pending
        .iter()
        .map(|p| {
            let side = if p.side == Side::Buy { "BUY" } else { "SELL" };
            let (qty, price) = (p.quantity.map(|q| q.to_string()), p.price.map(|q| q.to_string()));
            let (id, symbol, at) = (p.client_order_id, p.symbol, p.sent_at_ms);
            format!("send {id} {symbol} {side} {} {} {at}\n", dash(qty), dash(price))
        })
        .collect();
    let again = parse_journal("fuzz.journal".as_ref(), text.as_bytes()).ok();
    assert_eq!(again, Some(pending));
});
