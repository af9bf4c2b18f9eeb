//! [`Fleet`]: one instance's connection to the fleet's Redis, its health,
//! and the fleet gate that closes when Redis is out of reach.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use redis::aio::{MultiplexedConnection, MultiplexedConnection as Conn};
use redis::{AsyncConnectionConfig, Client};
use supreme_kill_switch::KillSwitch;

use crate::kill::FleetTrip;
use crate::{Error, FleetConfig, FleetGate};

/// One instance's handle on the fleet. Cheap to clone; the background
/// tasks (health check, kill-switch subscriber) stop when the last clone
/// is dropped or [`shutdown`](Self::shutdown) is called.
#[derive(Clone)]
pub struct Fleet {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Fleet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fleet")
            .field("namespace", &self.inner.config.namespace)
            .field("instance", &self.inner.config.instance)
            .field("open", &self.gate().is_open())
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub(crate) config: FleetConfig,
    pub(crate) tag: String,
    pub(crate) client: Client,
    conn: Mutex<Option<MultiplexedConnection>>,
    pub(crate) health: Arc<Health>,
    pub(crate) switch: KillSwitch,
    /// The fleet epoch this instance last saw (a value Redis forgets only
    /// when it loses the fleet's data).
    pub(crate) epoch: Mutex<Option<String>>,
    /// A trip this instance could not yet write to Redis.
    pub(crate) pending_trip: Mutex<Option<FleetTrip>>,
    /// Monotonic ms (of `health.base`) until which traffic is held after data loss.
    pub(crate) hold_until: AtomicU64,
    pub(crate) stop: tokio::sync::watch::Sender<bool>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Whether this instance may trust the fleet's state right now.
#[derive(Debug)]
pub(crate) struct Health {
    base: Instant,
    /// Monotonic ms of the last successful Redis round trip.
    last_ok: AtomicU64,
    /// Set by the health check after a re-sync; cleared on a failure
    /// that outlasts the bound.
    synced: AtomicBool,
    bound_ms: u64,
    reason: Mutex<String>,
}

impl Health {
    fn new(bound_ms: u64) -> Self {
        Self {
            base: Instant::now(),
            last_ok: AtomicU64::new(0),
            synced: AtomicBool::new(false),
            bound_ms,
            reason: Mutex::new("not yet synced".into()),
        }
    }

    pub(crate) fn now_ms(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    pub(crate) fn mark_ok(&self) {
        self.last_ok.fetch_max(self.now_ms(), Ordering::AcqRel);
    }

    /// Open only if re-synced and Redis answered within the bound.
    pub(crate) fn is_open(&self) -> bool {
        self.synced.load(Ordering::Acquire)
            && self
                .now_ms()
                .saturating_sub(self.last_ok.load(Ordering::Acquire))
                <= self.bound_ms
    }

    pub(crate) fn set_synced(&self, synced: bool) {
        self.synced.store(synced, Ordering::Release);
    }

    pub(crate) fn is_stale(&self) -> bool {
        self.now_ms()
            .saturating_sub(self.last_ok.load(Ordering::Acquire))
            > self.bound_ms
    }

    pub(crate) fn set_reason(&self, reason: impl Into<String>) {
        *lock(&self.reason) = reason.into();
    }

    pub(crate) fn reason(&self) -> String {
        lock(&self.reason).clone()
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Fleet {
    /// Connects this instance to the fleet, adopts a fleet trip already
    /// recorded (the fleet record is the memory: a local latch that says
    /// armed does not re-arm a tripped fleet), and starts the health check
    /// and the kill-switch subscriber on the current tokio runtime.
    ///
    /// The gate opens once the first health check has synced; a Redis that
    /// cannot be reached now is an error (fail closed).
    pub async fn connect(config: FleetConfig, switch: KillSwitch) -> Result<Self, Error> {
        config.validate()?;
        let client = Client::open(config.url.as_str())?;
        let (stop, _) = tokio::sync::watch::channel(false);
        let bound_ms = millis(config.unreachable_bound);
        let fleet = Self {
            inner: Arc::new(Inner {
                tag: config.hash_tag(),
                config,
                client,
                conn: Mutex::new(None),
                health: Arc::new(Health::new(bound_ms)),
                switch,
                epoch: Mutex::new(None),
                pending_trip: Mutex::new(None),
                hold_until: AtomicU64::new(0),
                stop,
            }),
        };
        crate::monitor::beat(&fleet.inner).await?;
        crate::monitor::spawn(&fleet.inner);
        Ok(fleet)
    }

    /// The fleet gate: closed while Redis is unreachable past the bound or
    /// not yet re-synced, and whenever the local kill switch is tripped.
    pub fn gate(&self) -> FleetGate {
        FleetGate::new(self.inner.health.clone(), self.inner.switch.gate())
    }

    /// The local kill switch this instance mirrors the fleet's trips into.
    pub fn switch(&self) -> &KillSwitch {
        &self.inner.switch
    }

    /// The configuration.
    pub fn config(&self) -> &FleetConfig {
        &self.inner.config
    }

    /// Stops the background tasks (the gate closes when the bound passes).
    pub fn shutdown(&self) {
        let _ = self.inner.stop.send(true);
    }

    /// `Ok` while the fleet gate is open, else [`Error::Unavailable`].
    pub(crate) fn ensure_open(&self) -> Result<(), Error> {
        if self.inner.health.is_open() {
            Ok(())
        } else {
            Err(Error::Unavailable {
                reason: self.inner.health.reason(),
            })
        }
    }

    /// Runs one Redis call on the shared connection, within the timeout.
    pub(crate) async fn run<T, F, Fut>(&self, f: F) -> Result<T, Error>
    where
        F: FnOnce(Conn) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        self.inner.run(f).await
    }
}

impl Inner {
    pub(crate) async fn connection(&self) -> Result<Conn, Error> {
        if let Some(c) = lock(&self.conn).clone() {
            return Ok(c);
        }
        let cfg = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.config.timeout))
            .set_response_timeout(Some(self.config.timeout));
        let c = tokio::time::timeout(
            self.config.timeout,
            self.client
                .get_multiplexed_async_connection_with_config(&cfg),
        )
        .await
        .map_err(|_| Error::Timeout(self.config.timeout))??;
        *lock(&self.conn) = Some(c.clone());
        Ok(c)
    }

    /// Forgets the connection (the next call reconnects).
    pub(crate) fn drop_connection(&self) {
        *lock(&self.conn) = None;
    }

    pub(crate) async fn run<T, F, Fut>(&self, f: F) -> Result<T, Error>
    where
        F: FnOnce(Conn) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let conn = self.connection().await?;
        match tokio::time::timeout(self.config.timeout, f(conn)).await {
            Ok(Ok(v)) => {
                self.health.mark_ok();
                Ok(v)
            }
            Ok(Err(e)) => {
                if e.is_unrecoverable_error() || e.is_io_error() || e.is_timeout() {
                    self.drop_connection();
                }
                Err(e.into())
            }
            Err(_) => {
                self.drop_connection();
                Err(Error::Timeout(self.config.timeout))
            }
        }
    }

    pub(crate) fn key(&self, rest: &str) -> String {
        format!("{}:{rest}", self.tag)
    }
}

/// A duration in whole milliseconds, saturating.
pub(crate) fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
