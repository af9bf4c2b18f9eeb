//! The fleet-wide kill switch: a trip on one instance is a record in
//! Redis, published to every instance, each of which trips its own
//! [`KillSwitch`](supreme_kill_switch::KillSwitch).

use std::sync::OnceLock;

use redis::Script;
use serde::{Deserialize, Serialize};
use supreme_kill_switch::{State, Trigger, TripRecord, TripRequest};

use crate::fleet::{Inner, lock, millis};
use crate::{Error, Fleet};

/// A fleet trip: the tripping instance's record and its name. Stored as
/// JSON under `{supreme:<ns>}:kill` (first trip wins, `SET NX`) and
/// published on `{supreme:<ns>}:kill:events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetTrip {
    /// The trip as the first instance recorded it.
    pub record: TripRecord,
    /// The instance that tripped.
    pub origin: String,
}

impl FleetTrip {
    pub(crate) fn new(record: TripRecord, origin: &str) -> Self {
        Self {
            record,
            origin: origin.to_owned(),
        }
    }

    /// A record nobody can read: it trips all the same (fail closed).
    pub(crate) fn unreadable(why: &str, here: &str) -> Self {
        Self::new(
            TripRecord {
                id: "unreadable".into(),
                trigger: Trigger::CorruptLatch,
                reason: format!("the fleet kill record is unreadable: {why}"),
                who: "supreme-fleet".into(),
                at_ms: 0,
                values: Default::default(),
            },
            here,
        )
    }
}

/// Sets the record if none is there and publishes it; returns the record
/// that stands (the first one).
const TRIP: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('PUBLISH', ARGV[3], ARGV[1])
  return ARGV[1]
end
return redis.call('GET', KEYS[1])
";

fn trip_script() -> &'static Script {
    static S: OnceLock<Script> = OnceLock::new();
    S.get_or_init(|| Script::new(TRIP))
}

impl Fleet {
    /// Trips the whole fleet: the local switch first (its gate closes
    /// before anything else), then the record in Redis, published to every
    /// instance. Returns the fleet trip that stands (an earlier one wins).
    ///
    /// If Redis cannot be reached the local switch is tripped regardless and
    /// the trip is written by the health check once Redis answers again.
    /// An `Err(Error::Local)` means the local latch could not be written.
    pub async fn trip(&self, req: TripRequest) -> Result<FleetTrip, Error> {
        let switch = &self.inner.switch;
        let local = switch.trip(req);
        let record = match &local {
            Ok(r) => r.clone(),
            Err(_) => switch.trip_record().ok_or_else(|| {
                Error::KillSwitch("the local switch tripped without a record".into())
            })?,
        };
        let trip = self
            .inner
            .publish(FleetTrip::new(record, &self.inner.config.instance))
            .await?;
        local.map_err(Error::Local)?;
        Ok(trip)
    }

    /// The fleet's kill record, if the fleet is tripped.
    pub async fn fleet_trip(&self) -> Result<Option<FleetTrip>, Error> {
        let key = self.inner.key("kill");
        let raw: Option<String> = self
            .run(|mut c| async move { redis::cmd("GET").arg(key).query_async(&mut c).await })
            .await?;
        raw.map(|s| serde_json::from_str(&s).map_err(|e| Error::KillSwitch(e.to_string())))
            .transpose()
    }
}

impl Inner {
    /// Writes and publishes a trip; kept for the health check on failure.
    pub(crate) async fn publish(&self, trip: FleetTrip) -> Result<FleetTrip, Error> {
        let json = serde_json::to_string(&trip).map_err(|e| Error::KillSwitch(e.to_string()))?;
        let (key, channel) = (self.key("kill"), self.key("kill:events"));
        let ttl = millis(self.config.record_ttl);
        let result: Result<String, Error> = self
            .run(|mut c| async move {
                trip_script()
                    .key(key)
                    .arg(json)
                    .arg(ttl)
                    .arg(channel)
                    .invoke_async(&mut c)
                    .await
            })
            .await;
        match result {
            Ok(standing) => {
                serde_json::from_str(&standing).map_err(|e| Error::KillSwitch(e.to_string()))
            }
            Err(e) => {
                lock(&self.pending_trip).get_or_insert(trip);
                Err(e)
            }
        }
    }

    /// A published trip: adopt it (unreadable: trip all the same).
    pub(crate) fn on_trip_message(&self, payload: &[u8]) {
        match serde_json::from_slice::<FleetTrip>(payload) {
            Ok(trip) => self.adopt(&trip),
            Err(e) => self.adopt(&FleetTrip::unreadable(
                &e.to_string(),
                &self.config.instance,
            )),
        }
    }

    /// Trips the local switch with the fleet's trip, if it is armed.
    pub(crate) fn adopt(&self, trip: &FleetTrip) {
        if self.switch.state() != State::Armed {
            return;
        }
        let r = &trip.record;
        let req = TripRequest::new(r.trigger, format!("fleet: {}", r.reason), r.who.clone())
            .value("fleet_trip", &r.id)
            .value("fleet_origin", &trip.origin);
        // A latch that cannot be written leaves the gate closed all the same.
        let _ = self.switch.trip(req);
    }
}
