//! The crate's error type.

use crate::TransportError;

/// Why a Binance call failed. Each variant says what the caller can do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The exchange refused the request (`{"code":..,"msg":..}`).
    #[error("Binance error {code} (HTTP {status}): {msg}")]
    Api {
        /// HTTP status.
        status: u16,
        /// Binance error code, such as -1013 or -2010.
        code: i64,
        /// Binance's message.
        msg: String,
    },
    /// HTTP 429: back off for `retry_after_s` seconds.
    #[error("rate limited (429): retry after {retry_after_s} s")]
    RateLimited {
        /// Seconds to wait (`Retry-After`).
        retry_after_s: u64,
    },
    /// HTTP 418: this IP is banned; send nothing for `retry_after_s` seconds.
    #[error("IP banned (418): retry after {retry_after_s} s")]
    Banned {
        /// Seconds to wait (`Retry-After`).
        retry_after_s: u64,
    },
    /// An order was sent and no readable answer came (no response, a 5xx,
    /// -1006 or -1007 "execution status unknown", an unreadable or
    /// oversized 2xx body): it may or may not exist. Reconcile with
    /// [`crate::BinanceClient::reconcile`]; never re-send it.
    #[error("order {client_order_id} on {symbol}: outcome unknown ({reason})")]
    OutcomeUnknown {
        /// The order's symbol.
        symbol: String,
        /// The client order id to look it up by.
        client_order_id: String,
        /// What happened.
        reason: String,
    },
    /// The transport could not deliver the request.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The vault refused to sign (expired or wrong kind of entry).
    #[error("signing failed: {0}")]
    Sign(#[from] supreme_vault::Error),
    /// The exchange answered something we cannot read.
    #[error("unreadable response from {path}: {reason}")]
    Malformed {
        /// The endpoint.
        path: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The API key may do more than trading (withdraw, transfer) or lacks an
    /// IP restriction when one is required: refuse to trade with it.
    #[error("API key refused: {0}")]
    KeyTooPowerful(String),
    /// The gate refused to hand the approved order to the exchange (stale
    /// approval, kill switch, journal or audit sink): nothing was sent.
    #[error("order not sent: {0}")]
    Refused(supreme_gate::SendRefused),
    /// The gate's registry, journal or sink failed after the exchange
    /// answered: the order's state is in the registry as far as it got.
    #[error("gate: {0}")]
    Gate(supreme_gate::Error),
    /// No valid order exists for the kill switch's close order (dust, a
    /// filter it cannot meet, no rules for the symbol): nothing was sent.
    #[error("no valid close order for {symbol}: {reason}")]
    CloseOrderRefused {
        /// The order's symbol.
        symbol: String,
        /// What the rules said.
        reason: String,
    },
    /// A [`blocking`](crate::blocking) call was made from inside a tokio
    /// runtime, where blocking the thread would stall (or deadlock) that
    /// runtime: nothing was sent. Await the async
    /// [`BinanceClient`](crate::BinanceClient)'s method instead.
    #[error(
        "blocking `{call}` called inside a tokio runtime: use the async BinanceClient and `.await` it"
    )]
    InsideRuntime {
        /// The blocking method called.
        call: &'static str,
    },
    /// The blocking wrappers' shared runtime could not be started: nothing
    /// was sent.
    #[error("blocking runtime: {0}")]
    Runtime(String),
    /// The exchange's rules could not be loaded.
    #[error("exchange rules: {0}")]
    Rules(#[from] supreme_order_guard::Error),
    /// A stream frame that does not parse (bad JSON, a missing or invalid
    /// field): skipped and counted, never applied.
    #[error("malformed stream frame: {reason}")]
    MalformedFrame {
        /// What is wrong.
        reason: String,
    },
    /// A stream frame of a kind this crate does not know: skipped and
    /// counted, never guessed at.
    #[error("unknown stream frame: {kind}")]
    UnknownFrame {
        /// The event type (`e`), or a description of the frame.
        kind: String,
    },
    /// A websocket connection failed or was refused (the net-guard error's
    /// text, or the websocket handshake's).
    #[error("stream connection: {0}")]
    Stream(String),
    /// net-guard refused or could not open the stream's connection (policy,
    /// DNS, TCP, TLS, pins): nothing was sent.
    #[error("stream connection refused: {0}")]
    StreamRefused(supreme_net_guard::Error),
    /// The WebSocket API refused a request (`{"status":..,"error":{..}}`).
    #[error("WebSocket API error {code} (status {status}): {msg}")]
    StreamApi {
        /// The status.
        status: u16,
        /// Binance's error code.
        code: i64,
        /// Its message.
        msg: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
