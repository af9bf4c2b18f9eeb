//! A typed parse of every frame the market streams and the WebSocket API
//! send: exact amounts, typed ids, and a typed error (never a panic) for a
//! frame that is malformed or of a kind not known here.

use serde::Deserialize;
use serde_json::value::RawValue;
use supreme_core::{Asset, ClientOrderId, Price, Quantity, Side, Symbol};

use crate::Error;

/// One frame, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Frame {
    /// Best bid and ask (`<symbol>@bookTicker`).
    BookTicker(BookTicker),
    /// One trade (`<symbol>@trade`) or one aggregated trade (`@aggTrade`).
    Trade(Trade),
    /// The 5-minute average price (`<symbol>@avgPrice`).
    AvgPrice(AvgPrice),
    /// An order changed (user data).
    ExecutionReport(Box<ExecutionReport>),
    /// Balances that changed (user data).
    AccountPosition(AccountPosition),
    /// A deposit, withdrawal or transfer (user data).
    BalanceUpdate(BalanceUpdate),
    /// An order list changed (user data); its orders report on their own.
    ListStatus(ListStatus),
    /// The user-data subscription ended (`eventStreamTerminated`): resubscribe.
    StreamTerminated {
        /// Its subscription id, when given.
        subscription_id: Option<u64>,
    },
    /// An answer to a WebSocket API request (or a market `SUBSCRIBE`).
    Answer(Answer),
}

/// Best bid and ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct BookTicker {
    /// Order book update id.
    #[serde(rename = "u")]
    pub update_id: u64,
    /// Symbol.
    #[serde(rename = "s")]
    pub symbol: Symbol,
    /// Best bid.
    #[serde(rename = "b")]
    pub bid: Price,
    /// Quantity at the best bid.
    #[serde(rename = "B")]
    pub bid_qty: Quantity,
    /// Best ask.
    #[serde(rename = "a")]
    pub ask: Price,
    /// Quantity at the best ask.
    #[serde(rename = "A")]
    pub ask_qty: Quantity,
}

/// A trade or an aggregated trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trade {
    /// Symbol.
    pub symbol: Symbol,
    /// Trade id (aggregate trade id for `aggTrade`).
    pub trade_id: u64,
    /// Price.
    pub price: Price,
    /// Quantity.
    pub qty: Quantity,
    /// Event time, exchange ms.
    pub event_ms: u64,
    /// Trade time, exchange ms.
    pub trade_ms: u64,
    /// From `aggTrade`.
    pub aggregated: bool,
}

/// The 5-minute average price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AvgPrice {
    /// Symbol.
    pub symbol: Symbol,
    /// The average.
    pub price: Price,
    /// Event time, exchange ms.
    pub event_ms: u64,
}

/// Binance's order status, as an executionReport carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExecStatus {
    /// Accepted, not yet on the book.
    PendingNew,
    /// On the book.
    New,
    /// Partly filled, the rest on the book.
    PartiallyFilled,
    /// Filled.
    Filled,
    /// Cancel requested.
    PendingCancel,
    /// Cancelled.
    Canceled,
    /// Rejected.
    Rejected,
    /// Expired (IOC/FOK, or by the exchange).
    Expired,
    /// Expired by self-trade prevention.
    ExpiredInMatch,
}

/// One executionReport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionReport {
    /// Symbol.
    pub symbol: Symbol,
    /// The order's own client order id (`C` on a cancel, else `c`); `None`
    /// when it is not one this crate could have sent (a web or app order).
    pub client_order_id: Option<ClientOrderId>,
    /// Exchange order id.
    pub order_id: u64,
    /// Side.
    pub side: Side,
    /// What happened (`NEW`, `TRADE`, `CANCELED`, ...), as sent.
    pub execution_type: ExecType,
    /// The order's status after it.
    pub status: ExecStatus,
    /// This fill's quantity (zero when not a trade).
    pub last_qty: Quantity,
    /// This fill's price.
    pub last_price: Price,
    /// This fill's quote amount.
    pub last_quote: Quantity,
    /// Executed so far.
    pub cumulative_qty: Quantity,
    /// Quote executed so far.
    pub cumulative_quote: Quantity,
    /// Trade id of this fill (`None`: not a trade).
    pub trade_id: Option<u64>,
    /// Commission of this fill.
    pub commission: Quantity,
    /// Its asset.
    pub commission_asset: Option<Asset>,
    /// Event time, exchange ms.
    pub event_ms: u64,
    /// Transaction time, exchange ms.
    pub transaction_ms: u64,
}

/// The execution type of an executionReport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExecType {
    /// Accepted.
    New,
    /// Cancelled.
    Canceled,
    /// Cancelled and replaced.
    Replaced,
    /// Rejected.
    Rejected,
    /// A fill.
    Trade,
    /// Expired.
    Expired,
    /// Prevented from self-trading.
    TradePrevention,
    /// Amended (quantity down).
    Amendment,
}

/// Balances that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPosition {
    /// Event time, exchange ms.
    pub event_ms: u64,
    /// Each changed asset: (asset, free, locked).
    pub balances: Vec<(Asset, Quantity, Quantity)>,
}

/// A balance moved by `delta` (deposit, withdrawal, transfer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BalanceUpdate {
    /// Asset.
    pub asset: Asset,
    /// How much.
    pub delta: Quantity,
    /// True when the balance went down.
    pub negative: bool,
    /// Event time, exchange ms.
    pub event_ms: u64,
}

/// An order list changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListStatus {
    /// Symbol.
    pub symbol: Symbol,
    /// Order list id.
    pub order_list_id: i64,
    /// `RESPONSE`, `EXEC_STARTED`, `ALL_DONE`, ...
    pub list_status_type: String,
    /// Event time, exchange ms.
    pub event_ms: u64,
}

/// An answer to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The request's id, as text.
    pub id: String,
    /// HTTP-like status (200 on success; a market SUBSCRIBE answer has none: 200).
    pub status: u16,
    /// The subscription id, for a subscribe answer.
    pub subscription_id: Option<u64>,
    /// Binance's error (code, message), when refused.
    pub error: Option<(i64, String)>,
}

pub(super) fn malformed(e: impl std::fmt::Display) -> Error {
    Error::MalformedFrame {
        reason: e.to_string(),
    }
}

/// The outer layers: a combined stream, a user-data event, an answer.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    stream: Option<&'a str>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(rename = "subscriptionId", default)]
    subscription_id: Option<u64>,
    #[serde(borrow, default)]
    event: Option<&'a RawValue>,
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(default)]
    status: Option<u16>,
    #[serde(borrow, default)]
    result: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<ApiError>,
    #[serde(borrow, default)]
    e: Option<std::borrow::Cow<'a, str>>,
}

#[derive(Deserialize)]
struct ApiError {
    code: i64,
    msg: String,
}

#[derive(Deserialize)]
struct SubscriptionResult {
    #[serde(rename = "subscriptionId")]
    subscription_id: Option<u64>,
}

/// Parses one text frame.
///
/// ```
/// use supreme_binance::stream::{Frame, parse_frame};
///
/// let f = parse_frame(r#"{"stream":"btcusdt@bookTicker","data":{"u":1,"s":"BTCUSDT","b":"24999.5","B":"1","a":"25000","A":"2"}}"#)?;
/// let Frame::BookTicker(t) = f else { panic!() };
/// assert_eq!(t.ask, "25000".parse()?);
/// assert!(parse_frame(r#"{"e":"somethingNew"}"#).is_err());
/// assert!(parse_frame("{not json").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_frame(text: &str) -> Result<Frame, Error> {
    let env: Envelope<'_> = serde_json::from_str(text).map_err(malformed)?;
    if let (Some(_), Some(data)) = (env.stream, env.data) {
        return parse_event(data.get());
    }
    if let Some(event) = env.event {
        return parse_event(event.get()).map(|f| match f {
            Frame::StreamTerminated { .. } => Frame::StreamTerminated {
                subscription_id: env.subscription_id,
            },
            other => other,
        });
    }
    if let Some(id) = env.id {
        let id = match serde_json::from_str::<String>(id.get()) {
            Ok(s) => s,
            Err(_) => id.get().to_string(),
        };
        let subscription_id = env
            .result
            .and_then(|r| serde_json::from_str::<SubscriptionResult>(r.get()).ok())
            .and_then(|r| r.subscription_id);
        let status = env
            .status
            .unwrap_or(if env.error.is_some() { 400 } else { 200 });
        return Ok(Frame::Answer(Answer {
            id,
            status,
            subscription_id,
            error: env.error.map(|e| (e.code, e.msg)),
        }));
    }
    match env.e {
        Some(_) => parse_event(text),
        None => parse_book_ticker(text),
    }
}

fn parse_book_ticker(text: &str) -> Result<Frame, Error> {
    serde_json::from_str::<BookTicker>(text)
        .map(Frame::BookTicker)
        .map_err(|e| Error::UnknownFrame {
            kind: format!("no event type, not a bookTicker ({e})"),
        })
}

#[derive(Deserialize)]
struct Tag<'a> {
    #[serde(borrow)]
    e: Option<std::borrow::Cow<'a, str>>,
}

/// One event object (`data` of a combined stream, `event` of a user-data
/// frame, or a raw stream's frame).
fn parse_event(text: &str) -> Result<Frame, Error> {
    let tag: Tag<'_> = serde_json::from_str(text).map_err(malformed)?;
    let Some(kind) = tag.e else {
        return parse_book_ticker(text);
    };
    match kind.as_ref() {
        "trade" | "aggTrade" => super::events::trade(text, kind == "aggTrade"),
        "avgPrice" => super::events::avg_price(text),
        "executionReport" => super::events::execution_report(text),
        "outboundAccountPosition" => super::events::account_position(text),
        "balanceUpdate" => super::events::balance_update(text),
        "listStatus" => super::events::list_status(text),
        "eventStreamTerminated" => Ok(Frame::StreamTerminated {
            subscription_id: None,
        }),
        other => Err(Error::UnknownFrame {
            kind: other.chars().take(64).collect(),
        }),
    }
}
