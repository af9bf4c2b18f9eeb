//! One connection's read loop, shared by the market and user-data
//! streams: pings, the idle timeout, frames handed to a consumer.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use super::connect::{StreamConfig, WsStream};

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ended {
    /// The server closed it (Binance's 24-hour cut, a restart).
    Closed,
    /// Nothing arrived within the idle timeout.
    Idle,
    /// A read or write failed (reset, TLS, protocol, a frame too large).
    Failed(String),
    /// The consumer asked to stop.
    Stopped,
}

/// Counters of one stream, across its connections.
#[derive(Debug, Default)]
pub struct StreamStats {
    /// Connections opened.
    pub connects: AtomicU64,
    /// Connections that ended.
    pub disconnects: AtomicU64,
    /// Connect attempts that failed.
    pub connect_failures: AtomicU64,
    /// Text frames read.
    pub frames: AtomicU64,
    /// Frames that were malformed or unknown (skipped).
    pub bad_frames: AtomicU64,
}

impl StreamStats {
    /// A counter's value.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// What a consumer says after a frame.
pub(crate) enum Next {
    Continue,
    Stop,
}

/// Reads `ws` until it ends: text frames go to `on_text` (and `None` at
/// each ping, for periodic work); the client pings every `ping_interval`;
/// no frame for `idle_timeout` ends it.
pub(crate) async fn read_loop(
    ws: &mut WsStream,
    config: &StreamConfig,
    mut on_text: impl FnMut(Option<&str>) -> Next,
) -> Ended {
    let mut ping = tokio::time::interval(config.ping_interval);
    ping.tick().await;
    let mut last = tokio::time::Instant::now();
    loop {
        let idle_at = last + config.idle_timeout;
        let frame = tokio::select! {
            f = ws.next() => f,
            _ = tokio::time::sleep_until(idle_at) => return Ended::Idle,
            _ = ping.tick() => {
                if let Err(e) = ws.send(Message::Ping(Vec::new().into())).await {
                    return Ended::Failed(e.to_string());
                }
                if let Next::Stop = on_text(None) {
                    return Ended::Stopped;
                }
                continue;
            }
        };
        last = tokio::time::Instant::now();
        match frame {
            None => return Ended::Closed,
            Some(Err(e)) => return Ended::Failed(e.to_string()),
            Some(Ok(Message::Text(t))) => {
                if let Next::Stop = on_text(Some(t.as_str())) {
                    return Ended::Stopped;
                }
            }
            Some(Ok(Message::Close(_))) => return Ended::Closed,
            // Pings are answered by tungstenite; pongs and binary frames
            // only prove the connection alive.
            Some(Ok(_)) => {}
        }
    }
}

/// Sleeps the back-off for `failures`, seeded by the attempt.
pub(crate) async fn back_off(config: &StreamConfig, failures: u32, seed: u64) {
    let d: Duration = config.backoff(failures, seed);
    tokio::time::sleep(d).await;
}
