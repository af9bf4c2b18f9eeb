//! [`FleetConfig`]: where the fleet's Redis is and how long to trust it.

use std::time::Duration;

use crate::Error;

/// The fleet's settings: one value, validated by [`validate`](Self::validate).
/// The `[fleet]` section of `supreme.toml` maps onto it field by field.
///
/// One fleet is one Binance account behind one egress IP: every key of the
/// fleet carries the hash tag `{supreme:<namespace>}`, so every script's
/// keys are in one slot (as Redis Cluster requires). Redis Cluster itself
/// is untested and out of scope for now, as is Sentinel: point `url` at one
/// primary.
///
/// ```
/// use std::time::Duration;
/// use supreme_fleet::FleetConfig;
///
/// let mut config = FleetConfig::new("redis://127.0.0.1:6379/", "main-account");
/// config.unreachable_bound = Duration::from_millis(500);
/// config.validate()?;
/// assert_eq!(config.hash_tag(), "{supreme:main-account}");
/// # Ok::<(), supreme_fleet::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FleetConfig {
    /// `redis://host:port/db` (or `rediss://`, `redis+unix://`) of the
    /// primary. A password in the URL is the caller's to keep secret.
    pub url: String,
    /// The fleet's name: `[A-Za-z0-9_.-]`, 1 to 64 bytes. Instances with
    /// the same namespace share every limit and the kill switch.
    pub namespace: String,
    /// This instance's name, for trip records and order-id prefixes
    /// (`[A-Za-z0-9_.-]`, 1 to 16 bytes). Default: `i<pid>`.
    pub instance: String,
    /// How long one Redis call may take before it counts as failed.
    /// Default 250 ms.
    pub timeout: Duration,
    /// How often the health check runs (and polls the fleet kill record,
    /// the fallback to pub/sub). Default 50 ms.
    pub heartbeat: Duration,
    /// An instance that has not reached Redis for longer than this closes
    /// its gate (fail closed). Default 1 s.
    pub unreachable_bound: Duration,
    /// After a reconnect to a Redis that lost the fleet's data (a restart
    /// without the append-only file), traffic stays held this long so the
    /// shared windows the fleet forgot have ended. Default 60 s (the
    /// REQUEST_WEIGHT minute); windows longer than this are re-seeded from
    /// the exchange's headers on the first answers.
    pub lost_data_hold: Duration,
    /// How long a claimed client order id stays claimed. Default 24 h.
    pub order_id_ttl: Duration,
    /// How long the fleet kill record and the fleet epoch live without a
    /// heartbeat refreshing them (every key has a TTL). Default 30 days.
    pub record_ttl: Duration,
    /// A trip of the local switch by anything other than
    /// [`Fleet::trip`](crate::Fleet::trip) (a risk breach, a signal, a
    /// latch) is written to the fleet record by the next health check, so
    /// it halts the whole fleet. Default `true`.
    pub propagate_local_trips: bool,
}

impl FleetConfig {
    /// The defaults for this Redis and namespace.
    pub fn new(url: impl Into<String>, namespace: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            namespace: namespace.into(),
            instance: format!("i{}", std::process::id()),
            timeout: Duration::from_millis(250),
            heartbeat: Duration::from_millis(50),
            unreachable_bound: Duration::from_secs(1),
            lost_data_hold: Duration::from_secs(60),
            order_id_ttl: Duration::from_secs(24 * 3600),
            record_ttl: Duration::from_secs(30 * 24 * 3600),
            propagate_local_trips: true,
        }
    }

    /// The same, with this instance name.
    pub fn with_instance(mut self, instance: impl Into<String>) -> Self {
        self.instance = instance.into();
        self
    }

    /// Checks names and durations; a bound shorter than two heartbeats or
    /// a timeout longer than the bound cannot keep its promise.
    pub fn validate(&self) -> Result<(), Error> {
        check_name("namespace", &self.namespace, 64)?;
        check_name("instance", &self.instance, 16)?;
        if self.url.is_empty() {
            return Err(Error::Config("url is empty".into()));
        }
        let nonzero = [
            ("timeout", self.timeout),
            ("heartbeat", self.heartbeat),
            ("order_id_ttl", self.order_id_ttl),
            ("record_ttl", self.record_ttl),
        ];
        if let Some((name, _)) = nonzero.iter().find(|(_, d)| d.is_zero()) {
            return Err(Error::Config(format!("{name} must be non-zero")));
        }
        if self.unreachable_bound < self.heartbeat * 2 {
            return Err(Error::Config(
                "unreachable_bound must be at least two heartbeats".into(),
            ));
        }
        if self.timeout > self.unreachable_bound {
            return Err(Error::Config(
                "timeout must not exceed unreachable_bound".into(),
            ));
        }
        Ok(())
    }

    /// `{supreme:<namespace>}`: the hash tag on every key of the fleet.
    pub fn hash_tag(&self) -> String {
        format!("{{supreme:{}}}", self.namespace)
    }
}

fn check_name(what: &str, s: &str, max: usize) -> Result<(), Error> {
    let ok = !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "{what} must be 1 to {max} bytes of [A-Za-z0-9_.-], got {s:?}"
        )))
    }
}

#[cfg(test)]
mod tests;
