//! The market-data connection: reconnects with back-off and jitter, feeds
//! every frame to a [`MarketFeed`].

use std::sync::Arc;
use std::sync::atomic::Ordering;

use supreme_core::Symbol;
use supreme_net_guard::GuardedClient;

use super::connect::{StreamConfig, connect, mix};
use super::market::MarketFeed;
use super::session::{Ended, Next, StreamStats, back_off, read_loop};
use crate::Error;

/// Binance's market stream endpoint.
pub const MARKET_BASE: &str = "wss://stream.binance.com:9443";

/// The combined-stream URL for `symbols` on `base`: each symbol's
/// `bookTicker`, `trade` and `avgPrice`.
///
/// ```
/// use supreme_binance::stream::{MARKET_BASE, market_url};
/// use supreme_core::Symbol;
///
/// let url = market_url(MARKET_BASE, &[Symbol::new("BTCUSDT")?]);
/// assert_eq!(url, "wss://stream.binance.com:9443/stream?streams=btcusdt@bookTicker/btcusdt@trade/btcusdt@avgPrice");
/// # Ok::<(), supreme_core::NameError>(())
/// ```
pub fn market_url(base: &str, symbols: &[Symbol]) -> String {
    let mut url = format!("{}/stream?streams=", base.trim_end_matches('/'));
    for (i, s) in symbols.iter().enumerate() {
        let s = s.as_str().to_ascii_lowercase();
        if i > 0 {
            url.push('/');
        }
        url.push_str(&format!("{s}@bookTicker/{s}@trade/{s}@avgPrice"));
    }
    url
}

/// True for a refusal that trying again cannot cure (policy, pins): the
/// stream stops, closed.
pub(crate) fn is_permanent(e: &Error) -> bool {
    use supreme_net_guard::Error as N;
    matches!(
        e,
        Error::StreamRefused(
            N::InvalidUrl { .. }
                | N::SchemeNotHttps { .. }
                | N::UserinfoRefused { .. }
                | N::HostNotAllowed { .. }
                | N::PortNotAllowed { .. }
                | N::IpLiteralNotAllowed { .. }
                | N::AddressDenied { .. }
                | N::PinMismatch { .. }
        )
    )
}

/// A market-data stream: connects through net-guard, applies every frame
/// to its feed, and reconnects (back-off with jitter) when the connection
/// ends; the feed's staleness covers the gap.
#[derive(Debug)]
pub struct MarketStream {
    client: GuardedClient,
    url: String,
    feed: Arc<MarketFeed>,
    config: StreamConfig,
    stats: Arc<StreamStats>,
}

impl MarketStream {
    /// A stream of `url` (see [`market_url`]) into `feed`.
    pub fn new(client: GuardedClient, url: impl Into<String>, feed: Arc<MarketFeed>) -> Self {
        Self {
            client,
            url: url.into(),
            feed,
            config: StreamConfig::default(),
            stats: Arc::default(),
        }
    }

    /// Timeouts and back-off.
    pub fn config(mut self, config: StreamConfig) -> Self {
        self.config = config;
        self
    }

    /// Its counters (shared; read them while it runs).
    pub fn stats(&self) -> Arc<StreamStats> {
        self.stats.clone()
    }

    /// Runs until a refusal that retrying cannot cure (returned).
    pub async fn run(self) -> Error {
        let mut failures = 0u32;
        let mut attempt = 0u64;
        loop {
            attempt += 1;
            let mut ws = match connect(&self.client, &self.url, &self.config).await {
                Ok(ws) => ws,
                Err(e) if is_permanent(&e) => return e,
                Err(_) => {
                    self.stats.connect_failures.fetch_add(1, Ordering::Relaxed);
                    back_off(&self.config, failures, mix(attempt)).await;
                    failures = failures.saturating_add(1);
                    continue;
                }
            };
            failures = 0;
            self.stats.connects.fetch_add(1, Ordering::Relaxed);
            let (feed, stats) = (&self.feed, &self.stats);
            let ended = read_loop(&mut ws, &self.config, |text| {
                let Some(text) = text else {
                    return Next::Continue;
                };
                stats.frames.fetch_add(1, Ordering::Relaxed);
                if feed.apply_text(text).is_err() {
                    stats.bad_frames.fetch_add(1, Ordering::Relaxed);
                }
                Next::Continue
            })
            .await;
            self.stats.disconnects.fetch_add(1, Ordering::Relaxed);
            if ended != Ended::Closed {
                back_off(&self.config, 0, mix(attempt)).await;
            }
        }
    }

    /// Runs on the current tokio runtime; stops when the handle is dropped.
    pub fn spawn(self) -> StreamTask {
        StreamTask(tokio::spawn(async move {
            let _ = self.run().await;
        }))
    }
}

/// A running stream; dropping it stops the stream.
#[derive(Debug)]
pub struct StreamTask(tokio::task::JoinHandle<()>);

impl StreamTask {
    pub(crate) fn new(handle: tokio::task::JoinHandle<()>) -> Self {
        Self(handle)
    }

    /// True once the stream stopped by itself (a permanent refusal).
    pub fn is_finished(&self) -> bool {
        self.0.is_finished()
    }
}

impl Drop for StreamTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}
