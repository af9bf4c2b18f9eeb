//! Opening a websocket through net-guard, and the settings every stream
//! connection shares (timeouts, back-off with jitter, frame bounds).

use std::time::Duration;

use supreme_net_guard::{GuardedClient, TlsTcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::Error;

/// A websocket over net-guard's TLS stream.
pub type WsStream = WebSocketStream<TlsTcpStream>;

/// How stream connections behave.
#[derive(Debug, Clone, Copy)]
pub struct StreamConfig {
    /// No frame (data, ping or pong) for this long: the connection is
    /// dead, dropped and opened again.
    pub idle_timeout: Duration,
    /// The client pings this often (Binance pings every 20 s itself).
    pub ping_interval: Duration,
    /// First reconnect delay; doubled after each failure.
    pub backoff_min: Duration,
    /// Largest reconnect delay.
    pub backoff_max: Duration,
    /// Largest frame accepted; a larger one ends the connection.
    pub max_frame_bytes: usize,
}

impl Default for StreamConfig {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(60),
            ping_interval: Duration::from_secs(20),
            backoff_min: Duration::from_millis(250),
            backoff_max: Duration::from_secs(30),
            max_frame_bytes: 1 << 20,
        }
    }
}

impl StreamConfig {
    /// The delay before reconnect attempt `failures` (0: the first):
    /// exponential from `backoff_min` up to `backoff_max`, with full jitter
    /// over its upper half (so many bots do not reconnect in step).
    pub fn backoff(&self, failures: u32, seed: u64) -> Duration {
        let base = self
            .backoff_min
            .saturating_mul(1u32 << failures.min(20))
            .min(self.backoff_max);
        let ms = u64::try_from(base.as_millis()).unwrap_or(u64::MAX);
        let half = ms / 2;
        let jitter = if half == 0 { 0 } else { mix(seed) % (half + 1) };
        Duration::from_millis(half + jitter)
    }
}

/// A cheap 64-bit mixer (splitmix64) for jitter; not for secrets.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Opens `url` (`wss://` only) through `client`: its allowlist, judged
/// addresses, TLS config and pins; then the websocket handshake over that
/// stream.
pub async fn connect(
    client: &GuardedClient,
    url: &str,
    config: &StreamConfig,
) -> Result<WsStream, Error> {
    let tls = client
        .connect_wss(url)
        .await
        .map_err(Error::StreamRefused)?;
    let ws_config = WebSocketConfig::default()
        .max_frame_size(Some(config.max_frame_bytes))
        .max_message_size(Some(config.max_frame_bytes));
    let handshake = tokio_tungstenite::client_async_with_config(url, tls.stream, Some(ws_config));
    let (ws, _response) = tokio::time::timeout(config.idle_timeout, handshake)
        .await
        .map_err(|_| Error::Stream("websocket handshake timed out".into()))?
        .map_err(|e| Error::Stream(e.to_string()))?;
    Ok(ws)
}
