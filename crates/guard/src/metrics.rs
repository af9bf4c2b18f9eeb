//! Metrics: every part counts through the [`metrics`] facade, and the guard
//! serves them in Prometheus's text format on `[metrics] listen` (loopback
//! only unless `[danger]` says otherwise).
//!
//! Counters are counted where things happen, in each crate:
//!
//! | metric | labels | crate |
//! |---|---|---|
//! | `supreme_gate_decisions_total` | `outcome`, `guard`, `rule` | gate ([`supreme_gate::metrics`]) |
//! | `supreme_gate_outcome_unknown_total` | | gate |
//! | `supreme_gate_reconciled_total` | `result` (`found`, `not_found`) | gate |
//! | `supreme_net_guard_throttled_total` | `status` (`429`, `418`) | net-guard ([`supreme_net_guard::metrics`]) |
//! | `supreme_net_guard_retries_total` | | net-guard |
//! | `supreme_audit_fsync_seconds` (summary) | | audit ([`supreme_audit::metrics`]) |
//!
//! Gauges are read from the running parts at each scrape, so they are
//! exact at that moment ([`KILL_SWITCH_STATE`], [`RATE_USED`],
//! [`RATE_MAX`], [`AUDIT_QUEUE`], [`AUDIT_CHECKPOINT_AGE`], [`LIVE_ORDERS`],
//! [`RISK_OPEN_ORDERS`], [`RISK_EXPOSURE`], [`RISK_DRAWDOWN_BPS`]).
//! Money gauges are for display: Prometheus values are floating point, and
//! no decision is ever read back from them.
//!
//! The recorder is process-wide (the facade has one): the first guard
//! with `[metrics]` installs it, and a process that already installed
//! another recorder gets [`Error::Start`] naming the
//! conflict. Run one guard per process when you scrape it.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // supreme.toml: [metrics] listen = "127.0.0.1:9464"
//! let guard = supreme_guard::Guard::from_config("supreme.toml".as_ref()).await?;
//! println!("scrape http://{}/metrics", guard.metrics_addr().unwrap());
//! # Ok(()) }
//! ```

mod collect;
mod request;

pub use collect::{
    AUDIT_CHECKPOINT_AGE, AUDIT_QUEUE, KILL_SWITCH_STATE, LIVE_ORDERS, RATE_MAX, RATE_USED,
    RISK_DRAWDOWN_BPS, RISK_EXPOSURE, RISK_OPEN_ORDERS,
};
pub use request::{MAX_HEAD, RequestError, Route, route};

pub(crate) use collect::Parts;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::Error;

/// How long a client may take to send its request head.
const READ_TIMEOUT: Duration = Duration::from_secs(2);
/// Scrapes answered at once; more wait for a slot.
const CONCURRENT: usize = 4;

/// The process's Prometheus recorder, installed on first use.
pub fn recorder() -> Result<&'static PrometheusHandle, Error> {
    static HANDLE: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .install_recorder()
                .map_err(|e| format!("{e}: another metrics recorder is installed in this process (remove [metrics] or that recorder)"))
        })
        .as_ref()
        .map_err(|e| Error::start("metrics", e.clone()))
}

/// The running endpoint: answers scrapes until dropped or detached.
pub(crate) struct Exporter {
    addr: SocketAddr,
    parts: Arc<Mutex<Option<Parts>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Exporter {
    /// Binds `addr` and serves `/metrics` on the current runtime.
    pub(crate) async fn start(addr: SocketAddr, parts: Parts) -> Result<Self, Error> {
        let handle = recorder()?;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| Error::start("metrics", format!("cannot listen on {addr}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::start("metrics", e))?;
        let parts = Arc::new(Mutex::new(Some(parts)));
        let task = tokio::spawn(serve(listener, parts.clone(), handle));
        Ok(Self { addr, parts, task })
    }

    /// Where it listens.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving and lets go of the parts (before the audit log closes).
    pub(crate) fn detach(&self) {
        self.task.abort();
        self.parts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        self.detach();
    }
}

async fn serve(
    listener: TcpListener,
    parts: Arc<Mutex<Option<Parts>>>,
    handle: &'static PrometheusHandle,
) {
    let slots = Arc::new(Semaphore::new(CONCURRENT));
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let Ok((socket, _)) = listener.accept().await else {
            continue;
        };
        let parts = parts.clone();
        tokio::spawn(async move {
            let _ = answer(socket, &parts, handle).await;
            drop(slot);
        });
    }
}

async fn answer(
    mut socket: TcpStream,
    parts: &Mutex<Option<Parts>>,
    handle: &PrometheusHandle,
) -> std::io::Result<()> {
    let routed = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut socket)).await {
        Ok(Ok(head)) => route(&head),
        Ok(Err(e)) => return Err(e),
        Err(_) => Err(RequestError::Incomplete),
    };
    let (status, body, head_only) = match routed {
        Ok(Route::Metrics | Route::MetricsHead) => {
            let live = {
                let parts = parts.lock().unwrap_or_else(PoisonError::into_inner);
                parts.as_ref().map(Parts::collect).is_some()
            };
            if live {
                handle.run_upkeep();
                (200, handle.render(), routed == Ok(Route::MetricsHead))
            } else {
                (503, "the guard is shutting down\n".to_owned(), false)
            }
        }
        Ok(Route::NotFound) => (404, "only /metrics is served\n".to_owned(), false),
        Err(e) => (e.status(), format!("{e}\n"), false),
    };
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Bad Request",
    };
    let header = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; version=0.0.4\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    socket.write_all(header.as_bytes()).await?;
    if !head_only {
        socket.write_all(body.as_bytes()).await?;
    }
    socket.shutdown().await
}

/// Reads until the end of the head or [`MAX_HEAD`] bytes.
async fn read_head(socket: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    while head.len() < MAX_HEAD {
        let n = socket.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    head.truncate(MAX_HEAD);
    Ok(head)
}
