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
//! - [`UserStream`]: user data through the WebSocket API subscription,
//!   signed by the vault's signer: executionReports settle the gate's live
//!   orders ([`Gate::report`](supreme_gate::Gate::report), cumulative, so a
//!   fill seen by stream and REST is applied once; fills are also kept by
//!   (orderId, tradeId) in a [`FillLedger`]); a report of an order whose REST
//!   answer is still on its way waits for it (the reservation travels with
//!   the answer). From the start and after every gap the gate is closed
//!   ([`Rejection::NotReconciled`](supreme_gate::Rejection::NotReconciled))
//!   until the live orders and balances were reconciled over REST.
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
mod fills;
mod frame;
mod market;
mod market_stream;
mod session;
mod user_stream;

pub use connect::{StreamConfig, WsStream, connect};
pub use fills::{FillLedger, LEDGER_CAPACITY};
pub use frame::{
    AccountPosition, Answer, AvgPrice, BalanceUpdate, BookTicker, ExecStatus, ExecType,
    ExecutionReport, Frame, ListStatus, Trade, parse_frame,
};
pub use market::{MarkFn, MarketFeed};
pub use market_stream::{MARKET_BASE, MarketStream, StreamTask, market_url};
pub use session::{Ended, StreamStats};
pub use user_stream::{CashFn, UserState, UserStream, WS_API_URL, report_of};

#[cfg(test)]
mod tests;
