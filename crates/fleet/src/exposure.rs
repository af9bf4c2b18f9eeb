//! [`SharedExposure`]: the account's gross and net exposure and its open
//! orders, reserved fleet-wide in Redis with one Lua check-and-reserve.
//!
//! Amounts are exact integers in a unit the caller chooses (for example
//! USDT cents, or the quote asset's smallest step), at most 2^53 so Lua's
//! numbers hold them exactly.

use std::sync::OnceLock;
use std::time::Duration;

use redis::Script;
use supreme_core::{Clock, Side};

use crate::fleet::millis;
use crate::monitor::random_hex;
use crate::{Error, Fleet};

/// The largest amount (and total) Lua numbers hold exactly.
pub const MAX_AMOUNT: u64 = 1 << 53;

/// Account-wide limits, in the caller's integer unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountLimits {
    /// Settled gross exposure plus every open order's notional.
    pub max_gross: u64,
    /// The worst-case |net| (every open buy filled, or every open sell).
    pub max_net: u64,
    /// Open orders across the fleet.
    pub max_open_orders: u32,
}

/// What the whole fleet has reserved and settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Open orders' notional.
    pub pending_gross: u64,
    /// Open buys' notional.
    pub pending_long: u64,
    /// Open sells' notional.
    pub pending_short: u64,
    /// Open orders.
    pub open_orders: u32,
}

/// One open order's reservation: a lease that expires (the account frees
/// it) if this instance dies and stops renewing it. Release it when the
/// order is answered, filled or cancelled.
#[derive(Debug)]
#[must_use = "a lease holds account capacity until released or expired"]
pub struct Lease {
    id: String,
}

impl Lease {
    /// Its id in Redis.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The check-and-reserve. KEYS: leases (zset by expiry), amounts (hash),
/// totals (hash), settled (hash). ARGV: now, id, gross, side (1 buy, -1
/// sell, 0 release/renew only), expiry, max_gross, max_net, max_orders, ttl.
/// Returns {0} reserved, {1, what} refused, {2} no settled exposure.
const RESERVE: &str = r"
local now = tonumber(ARGV[1])
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, id in ipairs(dead) do
  local a = redis.call('HGET', KEYS[2], id)
  if a then
    local g, s = string.match(a, '^(%d+),(%-?%d+)$')
    g, s = tonumber(g), tonumber(s)
    redis.call('HINCRBY', KEYS[3], 'gross', -g)
    if s > 0 then redis.call('HINCRBY', KEYS[3], 'long', -g) else redis.call('HINCRBY', KEYS[3], 'short', -g) end
    redis.call('HINCRBY', KEYS[3], 'orders', -1)
    redis.call('HDEL', KEYS[2], id)
  end
  redis.call('ZREM', KEYS[1], id)
end
local side = tonumber(ARGV[4])
if side == 0 then return {0, ''} end
local settled = redis.call('HMGET', KEYS[4], 'gross', 'net')
if not settled[1] then return {2, ''} end
local t = redis.call('HMGET', KEYS[3], 'gross', 'long', 'short', 'orders')
local g = tonumber(ARGV[3])
local gross = tonumber(t[1] or '0') + tonumber(settled[1]) + g
local long = tonumber(t[2] or '0') + (side > 0 and g or 0)
local short = tonumber(t[3] or '0') + (side < 0 and g or 0)
local net = tonumber(settled[2])
if gross > tonumber(ARGV[6]) then return {1, 'gross'} end
if math.max(math.abs(net + long), math.abs(net - short)) > tonumber(ARGV[7]) then return {1, 'net'} end
if tonumber(t[4] or '0') + 1 > tonumber(ARGV[8]) then return {1, 'open_orders'} end
redis.call('HINCRBY', KEYS[3], 'gross', g)
if side > 0 then redis.call('HINCRBY', KEYS[3], 'long', g) else redis.call('HINCRBY', KEYS[3], 'short', g) end
redis.call('HINCRBY', KEYS[3], 'orders', 1)
redis.call('HSET', KEYS[2], ARGV[2], g .. ',' .. side)
redis.call('ZADD', KEYS[1], tonumber(ARGV[5]), ARGV[2])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[9]) end
return {0, ''}
";

static RESERVE_SCRIPT: OnceLock<Script> = OnceLock::new();

/// The account's exposure across the fleet. Every reserve first expires
/// dead instances' leases, then checks the settled exposure (from the
/// exchange, [`settle`](Self::settle)) plus every open lease plus the new
/// order against the [`AccountLimits`], all in one script: instances never
/// jointly exceed a limit. Without a settled figure every reserve is
/// refused (fail closed).
pub struct SharedExposure<C: Clock> {
    fleet: Fleet,
    limits: AccountLimits,
    lease_ttl: Duration,
    keys: [String; 4],
    clock: C,
}

impl<C: Clock> std::fmt::Debug for SharedExposure<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedExposure")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl<C: Clock> SharedExposure<C> {
    /// Exposure for `account` under these limits; leases live `lease_ttl`
    /// unless renewed.
    pub fn new(
        fleet: &Fleet,
        account: &str,
        limits: AccountLimits,
        lease_ttl: Duration,
        clock: C,
    ) -> Result<Self, Error> {
        if limits.max_gross > MAX_AMOUNT || limits.max_net > MAX_AMOUNT || lease_ttl.is_zero() {
            return Err(Error::Config(
                "exposure limits past 2^53 or a zero lease".into(),
            ));
        }
        if account.is_empty()
            || !account
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        {
            return Err(Error::Config(format!("bad account label {account:?}")));
        }
        let k = |s: &str| fleet.inner.key(&format!("exp:{account}:{s}"));
        Ok(Self {
            keys: [k("leases"), k("amounts"), k("totals"), k("settled")],
            fleet: fleet.clone(),
            limits,
            lease_ttl,
            clock,
        })
    }

    async fn call(&self, id: &str, gross: u64, side: i8) -> Result<(u8, String), Error> {
        let now = self.clock.now_ms();
        let ttl = millis(self.lease_ttl);
        let mut inv = RESERVE_SCRIPT
            .get_or_init(|| Script::new(RESERVE))
            .prepare_invoke();
        for k in &self.keys {
            inv.key(k);
        }
        inv.arg(now)
            .arg(id)
            .arg(gross)
            .arg(side)
            .arg(now.saturating_add(ttl));
        let l = self.limits;
        inv.arg(l.max_gross)
            .arg(l.max_net)
            .arg(l.max_open_orders)
            .arg(ttl.saturating_add(60_000));
        self.fleet
            .run(|mut c| async move { inv.invoke_async(&mut c).await })
            .await
    }

    /// Reserves one open order of worst-case `notional` on `side`.
    pub async fn reserve(&self, side: Side, notional: u64) -> Result<Lease, Error> {
        self.fleet.ensure_open()?;
        if notional == 0 || notional > MAX_AMOUNT {
            return Err(Error::Config(format!(
                "notional {notional} outside 1..=2^53"
            )));
        }
        let id = random_hex(12);
        let s = if side == Side::Buy { 1 } else { -1 };
        match self.call(&id, notional, s).await? {
            (0, _) => Ok(Lease { id }),
            (1, what) => Err(Error::ExposureLimit { what }),
            _ => Err(Error::Unavailable {
                reason: "no settled exposure from the exchange: reconcile first".into(),
            }),
        }
    }

    /// Releases a lease (its order was answered, filled or cancelled; a
    /// fill reaches the settled figure at the next [`settle`](Self::settle)).
    pub async fn release(&self, lease: Lease) -> Result<(), Error> {
        let (key, id) = (self.keys[0].clone(), lease.id);
        // Expire it now (score 0); the script's purge subtracts it.
        let _: i64 = self
            .fleet
            .run(|mut c| async move {
                redis::cmd("ZADD")
                    .arg(key)
                    .arg("XX")
                    .arg(0)
                    .arg(id)
                    .query_async(&mut c)
                    .await
            })
            .await?;
        self.call("", 0, 0).await.map(|_| ())
    }

    /// Extends a live lease by `lease_ttl` (an instance renews the leases
    /// of its open orders while it lives).
    pub async fn renew(&self, lease: &Lease) -> Result<(), Error> {
        let (key, id) = (self.keys[0].clone(), lease.id.clone());
        let until = self.clock.now_ms().saturating_add(millis(self.lease_ttl));
        let _: i64 = self
            .fleet
            .run(|mut c| async move {
                redis::cmd("ZADD")
                    .arg(key)
                    .arg("XX")
                    .arg(until)
                    .arg(id)
                    .query_async(&mut c)
                    .await
            })
            .await?;
        Ok(())
    }

    /// Writes the account's settled exposure as reconciled from the
    /// exchange (positions and balances): gross, and signed net. It lives
    /// `ttl`; a stale figure expires and reserves are refused until the
    /// next reconciliation.
    pub async fn settle(&self, gross: u64, net: i64, ttl: Duration) -> Result<(), Error> {
        if gross > MAX_AMOUNT || net.unsigned_abs() > MAX_AMOUNT {
            return Err(Error::Config("settled exposure past 2^53".into()));
        }
        let key = self.keys[3].clone();
        let ttl = millis(ttl).max(1);
        let _: () = self
            .fleet
            .run(|mut c| async move {
                redis::pipe()
                    .atomic()
                    .cmd("HSET")
                    .arg(&key)
                    .arg("gross")
                    .arg(gross)
                    .arg("net")
                    .arg(net)
                    .ignore()
                    .cmd("PEXPIRE")
                    .arg(&key)
                    .arg(ttl)
                    .ignore()
                    .query_async(&mut c)
                    .await
            })
            .await?;
        Ok(())
    }

    /// The fleet's pending totals (after expiring dead leases).
    pub async fn totals(&self) -> Result<Totals, Error> {
        self.call("", 0, 0).await?;
        let key = self.keys[2].clone();
        let v: Vec<Option<u64>> = self
            .fleet
            .run(|mut c| async move {
                redis::cmd("HMGET")
                    .arg(key)
                    .arg("gross")
                    .arg("long")
                    .arg("short")
                    .arg("orders")
                    .query_async(&mut c)
                    .await
            })
            .await?;
        let get = |i: usize| v.get(i).copied().flatten().unwrap_or(0);
        Ok(Totals {
            pending_gross: get(0),
            pending_long: get(1),
            pending_short: get(2),
            open_orders: u32::try_from(get(3)).unwrap_or(u32::MAX),
        })
    }
}
