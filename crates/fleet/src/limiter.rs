//! [`SharedLimiter`]: the exchange limiter's windows, held in Redis and
//! shared by every instance of the fleet.

use std::sync::OnceLock;
use std::time::Duration;

use redis::Script;
use supreme_core::Clock;
use supreme_net_guard::{Cost, LimitKind, RateLimit, parse_retry_after, parse_usage_header};

use crate::fleet::millis;
use crate::{Error, Fleet};

/// The reservation: KEYS = ban, back-off, then one key per window;
/// ARGV = now, then per window (limit, units, end_ms). All or nothing.
/// Returns {0,0,0} admitted, {1,window,wait} full, {2,0,wait} backed off,
/// {3,0,wait} banned.
const RESERVE: &str = r"
local now = tonumber(ARGV[1])
local ban = tonumber(redis.call('GET', KEYS[1]) or '0')
if ban > now then return {3, 0, ban - now} end
local back = tonumber(redis.call('GET', KEYS[2]) or '0')
if back > now then return {2, 0, back - now} end
local worst, wait = 0, -1
for i = 3, #KEYS do
  local j = (i - 3) * 3 + 2
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used + tonumber(ARGV[j + 1]) > tonumber(ARGV[j]) then
    local w = tonumber(ARGV[j + 2]) - now
    if w > wait then worst, wait = i - 3, w end
  end
end
if wait >= 0 then return {1, worst, wait} end
for i = 3, #KEYS do
  local j = (i - 3) * 3 + 2
  local units = tonumber(ARGV[j + 1])
  if units > 0 then
    -- A key is given its TTL when this creates it (header sync sets its own).
    if redis.call('INCRBY', KEYS[i], units) == units then
      redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[j + 2]) - now + 60000)
    end
  end
end
return {0, 0, 0}
";

/// Header sync: raise each window (KEYS) to ARGV count, never lower;
/// then raise the ban / back-off deadlines. ARGV = ttl, then per key the
/// value; a key whose value is 0 is left alone.
const RAISE: &str = r"
for i = 1, #KEYS do
  local v = tonumber(ARGV[i * 2 - 1])
  local ttl = tonumber(ARGV[i * 2])
  if v > 0 and tonumber(redis.call('GET', KEYS[i]) or '0') < v then
    redis.call('SET', KEYS[i], v, 'PX', ttl)
  end
end
return 1
";

fn script(which: &'static OnceLock<Script>, src: &str) -> &'static Script {
    which.get_or_init(|| Script::new(src))
}
static RESERVE_SCRIPT: OnceLock<Script> = OnceLock::new();
static RAISE_SCRIPT: OnceLock<Script> = OnceLock::new();

/// Default back-off after a 429 without Retry-After.
const DEFAULT_429: Duration = Duration::from_secs(60);
/// Default ban after a 418 without Retry-After.
const DEFAULT_418: Duration = Duration::from_secs(120);

/// Binance's windows for the whole fleet: REQUEST_WEIGHT and RAW_REQUESTS
/// per egress IP, ORDERS per account, in keys under the fleet's hash tag.
/// Every acquire is one Lua script (atomic across instances): it refuses
/// during a fleet-wide ban or back-off, and admits only if every window has
/// room, counting the cost in all of them at once.
///
/// Windows are aligned on this instance's [`Clock`] (wall clock): keep the
/// fleet's clocks in sync (NTP); a skew shifts window edges, and the header
/// sync corrects the counts to the exchange's.
pub struct SharedLimiter<C: Clock> {
    fleet: Fleet,
    limits: Vec<RateLimit>,
    prefixes: Vec<String>,
    ban_key: String,
    backoff_key: String,
    clock: C,
}

impl<C: Clock> std::fmt::Debug for SharedLimiter<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedLimiter")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// Fleet capacity counted in every shared window, to be spent by one
/// request. Not `Clone`; dropping it unspent leaves it counted (the shared
/// windows only over-count). The local limiter still counts the request as
/// it is sent ([`supreme_net_guard::ExchangeLimiter`]), a subset of the
/// fleet's count, so it never refuses what the fleet admitted.
#[derive(Debug)]
#[must_use = "a permit is capacity already counted"]
pub struct FleetPermit {
    cost: Cost,
}

impl FleetPermit {
    /// What it counted.
    pub fn cost(&self) -> Cost {
        self.cost
    }
}

impl<C: Clock> SharedLimiter<C> {
    /// A limiter for these limits on this fleet. `ip` names the egress IP
    /// (REQUEST_WEIGHT and RAW_REQUESTS are per IP), `account` the Binance
    /// account (ORDERS); both `[A-Za-z0-9_.:-]`.
    pub fn new(
        fleet: &Fleet,
        limits: Vec<RateLimit>,
        ip: &str,
        account: &str,
        clock: C,
    ) -> Result<Self, Error> {
        if limits.is_empty() {
            return Err(Error::RateLimits("no limits".into()));
        }
        for name in [ip, account] {
            let ok = !name.is_empty()
                && name.len() <= 64
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_.:-".contains(&b));
            if !ok {
                return Err(Error::Config(format!("bad ip or account label {name:?}")));
            }
        }
        let inner = &fleet.inner;
        let prefixes = limits
            .iter()
            .map(|l| {
                let scope = match l.kind {
                    LimitKind::Orders => format!("acct:{account}"),
                    _ => format!("ip:{ip}"),
                };
                inner.key(&format!("rl:{scope}:{}:{}", l.kind, l.interval_ms))
            })
            .collect();
        Ok(Self {
            ban_key: inner.key(&format!("rl:ip:{ip}:banned_until")),
            backoff_key: inner.key(&format!("rl:ip:{ip}:backoff_until")),
            fleet: fleet.clone(),
            limits,
            prefixes,
            clock,
        })
    }

    /// The limits.
    pub fn limits(&self) -> &[RateLimit] {
        &self.limits
    }

    fn window_key(&self, i: usize, now: u64) -> (String, u64) {
        let interval = self.limits[i].interval_ms;
        let start = now - now % interval;
        (format!("{}:{start}", self.prefixes[i]), start + interval)
    }

    /// Reserves `cost` in every shared window, or says how long to wait.
    /// Refused with [`Error::Unavailable`] while the fleet gate is closed.
    pub async fn reserve(&self, cost: Cost) -> Result<FleetPermit, Error> {
        self.fleet.ensure_open()?;
        let now = self.clock.now_ms();
        let mut inv = script(&RESERVE_SCRIPT, RESERVE).prepare_invoke();
        inv.key(&self.ban_key).key(&self.backoff_key).arg(now);
        for (i, l) in self.limits.iter().enumerate() {
            let units = cost.units(l.kind);
            if units > l.limit {
                return Err(Error::RateLimits(format!(
                    "a cost of {units} can never fit {} {} per {} ms",
                    l.limit, l.kind, l.interval_ms
                )));
            }
            let (key, end) = self.window_key(i, now);
            inv.key(key).arg(l.limit).arg(units).arg(end);
        }
        let (code, window, wait): (u8, usize, u64) = self
            .fleet
            .run(|mut c| async move { inv.invoke_async(&mut c).await })
            .await?;
        let wait = Duration::from_millis(wait);
        match code {
            0 => Ok(FleetPermit { cost }),
            1 => Err(Error::RateLimited {
                limit: self
                    .limits
                    .get(window)
                    .map_or(LimitKind::RequestWeight, |l| l.kind),
                wait,
            }),
            2 => Err(Error::BackedOff { wait }),
            _ => Err(Error::Banned { wait }),
        }
    }

    /// Units used in the current shared window of this kind and interval.
    pub async fn used(&self, kind: LimitKind, interval_ms: u64) -> Result<Option<u32>, Error> {
        let Some(i) = self
            .limits
            .iter()
            .position(|l| l.kind == kind && l.interval_ms == interval_ms)
        else {
            return Ok(None);
        };
        let (key, _) = self.window_key(i, self.clock.now_ms());
        let v: Option<u32> = self
            .fleet
            .run(|mut c| async move { redis::cmd("GET").arg(key).query_async(&mut c).await })
            .await?;
        Ok(Some(v.unwrap_or(0)))
    }

    /// Writes one response back to the fleet: usage headers raise the
    /// shared windows (never lower them: others' requests may be in
    /// flight); a 429 backs off and a 418 bans every instance until its
    /// `Retry-After` (60 s and 2 min if absent).
    pub async fn observe<'a>(
        &self,
        status: u16,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), Error> {
        let now = self.clock.now_ms();
        let mut inv = script(&RAISE_SCRIPT, RAISE).prepare_invoke();
        let mut any = false;
        let mut retry_after = None;
        for (name, value) in headers {
            if name.eq_ignore_ascii_case("retry-after") {
                retry_after = parse_retry_after(value);
                continue;
            }
            let Some((kind, interval)) = parse_usage_header(name) else {
                continue;
            };
            let Ok(count) = value.trim().parse::<u32>() else {
                continue;
            };
            for (i, _) in self
                .limits
                .iter()
                .enumerate()
                .filter(|(_, l)| l.kind == kind && l.interval_ms == interval)
            {
                let (key, end) = self.window_key(i, now);
                inv.key(key).arg(count).arg(end - now + 60_000);
                any = true;
            }
        }
        let until = |d: Option<Duration>, default| now.saturating_add(millis(d.unwrap_or(default)));
        let hold = match status {
            429 => Some((&self.backoff_key, until(retry_after, DEFAULT_429))),
            418 => Some((&self.ban_key, until(retry_after, DEFAULT_418))),
            _ => None,
        };
        if let Some((key, until_ms)) = hold {
            inv.key(key).arg(until_ms).arg(until_ms - now + 1_000);
            any = true;
        }
        if !any {
            return Ok(());
        }
        let _: i64 = self
            .fleet
            .run(|mut c| async move { inv.invoke_async(&mut c).await })
            .await?;
        Ok(())
    }
}
