//! Any bytes as a websocket frame (market stream or WebSocket API): a
//! typed frame or a typed error, never a panic; a parsed fill never claims
//! more than the order's cumulative quantity; the market feed takes any
//! frame without panicking.
#![no_main]

use std::sync::Arc;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use supreme_binance::stream::{Frame, MarketFeed, parse_frame};
use supreme_core::FakeClock;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(Frame::ExecutionReport(r)) = parse_frame(text) {
        assert!(r.last_qty <= r.cumulative_qty);
        assert_eq!(r.trade_id.is_some(), r.execution_type == supreme_binance::stream::ExecType::Trade);
    }
    let feed = MarketFeed::new(Arc::new(FakeClock::new(0)), Duration::from_secs(1));
    let _ = feed.apply_text(text);
});
