//! The background tasks: the health check (which also re-syncs and polls
//! the fleet kill record) and the kill-switch subscriber.

use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock, Weak};

use futures_util::StreamExt;
use redis::Script;
use ring::rand::{SecureRandom, SystemRandom};
use supreme_kill_switch::State;

use crate::Error;
use crate::fleet::{Inner, lock, millis};
use crate::kill::FleetTrip;

/// Refreshes the epoch (setting a new one if Redis forgot it) and reads the
/// fleet kill record, refreshing its TTL. Returns {was_present, epoch, kill}.
const HEARTBEAT: &str = r"
local present = 1
local epoch = redis.call('GET', KEYS[1])
if epoch then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
else
  present = 0
  epoch = ARGV[1]
  redis.call('SET', KEYS[1], epoch, 'PX', ARGV[2])
end
local kill = redis.call('GET', KEYS[2])
if kill then redis.call('PEXPIRE', KEYS[2], ARGV[2]) else kill = '' end
return {present, epoch, kill}
";

fn heartbeat_script() -> &'static Script {
    static S: OnceLock<Script> = OnceLock::new();
    S.get_or_init(|| Script::new(HEARTBEAT))
}

pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if SystemRandom::new().fill(&mut buf).is_err() {
        // No randomness: a time-based value still differs between epochs.
        return format!(
            "t{:x}",
            supreme_core::Clock::now_ms(&supreme_core::SystemClock)
        );
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// One health check: a round trip, then the re-sync (epoch, kill record,
/// a pending trip) before the gate may open.
pub(crate) async fn beat(inner: &Inner) -> Result<(), Error> {
    let candidate = random_hex(16);
    let ttl = millis(inner.config.record_ttl);
    let (epoch_key, kill_key) = (inner.key("epoch"), inner.key("kill"));
    let (present, epoch, kill): (i64, String, String) = inner
        .run(|mut c| async move {
            heartbeat_script()
                .key(epoch_key)
                .key(kill_key)
                .arg(candidate)
                .arg(ttl)
                .invoke_async(&mut c)
                .await
        })
        .await?;
    let now = inner.health.now_ms();
    {
        let mut known = lock(&inner.epoch);
        if known.as_ref().is_some_and(|k| present == 0 || *k != epoch) {
            // Redis lost the fleet's data (restarted without its AOF, or
            // flushed): the shared windows forgot what was spent.
            let hold = millis(inner.config.lost_data_hold);
            inner
                .hold_until
                .fetch_max(now.saturating_add(hold), Ordering::AcqRel);
        }
        *known = Some(epoch);
    }
    if kill.is_empty() {
        let pending = lock(&inner.pending_trip)
            .take()
            .or_else(|| local_trip(inner));
        if let Some(trip) = pending {
            inner.publish(trip).await?;
        }
    } else {
        match serde_json::from_str::<FleetTrip>(&kill) {
            Ok(trip) => inner.adopt(&trip),
            Err(e) => inner.adopt(&FleetTrip::unreadable(
                &e.to_string(),
                &inner.config.instance,
            )),
        }
    }
    let hold_until = inner.hold_until.load(Ordering::Acquire);
    if now < hold_until {
        inner.health.set_synced(false);
        inner.health.set_reason(format!(
            "redis lost the fleet's data; traffic held {} ms more",
            hold_until - now
        ));
    } else {
        inner.health.set_synced(true);
    }
    Ok(())
}

/// A local trip not yet in the fleet record (propagated if configured).
fn local_trip(inner: &Inner) -> Option<FleetTrip> {
    if !inner.config.propagate_local_trips || inner.switch.state() == State::Armed {
        return None;
    }
    let record = inner.switch.trip_record()?;
    Some(FleetTrip::new(record, &inner.config.instance))
}

/// Starts the health check and the subscriber on the current runtime.
pub(crate) fn spawn(inner: &Arc<Inner>) {
    tokio::spawn(health_loop(Arc::downgrade(inner), inner.stop.subscribe()));
    tokio::spawn(subscriber(Arc::downgrade(inner), inner.stop.subscribe()));
}

async fn health_loop(weak: Weak<Inner>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let Some(period) = weak.upgrade().map(|i| i.config.heartbeat) else {
        return;
    };
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        let Some(inner) = weak.upgrade() else {
            return;
        };
        if let Err(e) = beat(&inner).await {
            inner.health.set_reason(e.to_string());
            if inner.health.is_stale() {
                inner.health.set_synced(false);
            }
        }
    }
}

async fn subscriber(weak: Weak<Inner>, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        let Some(inner) = weak.upgrade() else {
            return;
        };
        let (client, channel) = (inner.client.clone(), inner.key("kill:events"));
        let (timeout, period) = (inner.config.timeout, inner.config.heartbeat);
        drop(inner);
        let subscribe = async {
            let mut ps = client.get_async_pubsub().await?;
            ps.subscribe(&channel).await?;
            Ok::<_, redis::RedisError>(ps)
        };
        if let Ok(Ok(ps)) = tokio::time::timeout(timeout, subscribe).await {
            let mut messages = ps.into_on_message();
            loop {
                tokio::select! {
                    msg = messages.next() => {
                        let Some(msg) = msg else { break };
                        let Some(inner) = weak.upgrade() else { return };
                        inner.on_trip_message(msg.get_payload_bytes());
                    }
                    _ = stop.changed() => return,
                }
            }
        }
        tokio::select! {
            () = tokio::time::sleep(period) => {}
            _ = stop.changed() => return,
        }
    }
}
