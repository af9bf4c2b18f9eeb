//! Live inputs over websockets, through the guard.
//!
//! - [`parse_frame`]: a typed parse of every frame the market streams and
//!   the WebSocket API send ([`Frame`]); a malformed frame is
//!   [`Error::MalformedFrame`](crate::Error::MalformedFrame), an unknown one
//!   [`Error::UnknownFrame`](crate::Error::UnknownFrame): counted, skipped,
//!   never a panic.
//! - [`connect`]: `wss://` through net-guard's [`GuardedClient::connect_wss`](supreme_net_guard::GuardedClient::connect_wss)
//!   (allowlist, judged addresses, the same TLS config and pins), then the
//!   websocket handshake (tokio-tungstenite, no TLS of its own).
//! - [`MarketFeed`]: each bookTicker or trade becomes order-guard's
//!   [`ReferencePrice`](supreme_order_guard::ReferencePrice) (observed at
//!   the local time it arrived) and the risk book's mark; a symbol without
//!   an update for the maximum age is stale: order-guard rejects orders on
//!   it, the kill switch's [`StaleDataTrigger`](supreme_kill_switch::triggers::StaleDataTrigger) trips.
//! - [`MarketStream`]: the market connection, reconnecting with back-off
//!   and jitter ([`StreamConfig`]), pinging, dropping an idle connection.
//!
//! ```
//! use supreme_binance::stream::{Frame, parse_frame};
//!
//! let frame = parse_frame(r#"{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":7,"p":"25000.1","q":"0.5","T":1,"m":false,"M":true}}"#)?;
//! assert!(matches!(frame, Frame::Trade(t) if t.trade_id == 7));
//! # Ok::<(), supreme_binance::Error>(())
//! ```

mod connect;
mod events;
mod frame;
mod market;
mod market_stream;
mod session;

pub use connect::{StreamConfig, WsStream, connect};
pub use frame::{
    AccountPosition, Answer, AvgPrice, BalanceUpdate, BookTicker, ExecStatus, ExecType,
    ExecutionReport, Frame, ListStatus, Trade, parse_frame,
};
pub use market::{MarkFn, MarketFeed};
pub use market_stream::{MARKET_BASE, MarketStream, StreamTask, market_url};
pub use session::{Ended, StreamStats};

#[cfg(test)]
mod tests;
