//! Keyed limiters: one GCRA cell per key (governor), O(1) per check, and a
//! hard bound on how many keys are held.
//!
//! The seed kept a list of timestamps per client and scanned it on every
//! call. Here each key is one 64-bit GCRA cell in a map behind a mutex (the
//! map is governor's `InMemoryState`). When the map is full, cells that are
//! back to full burst are swept; if none can go, a new key is refused
//! ([`Error::TooManyKeys`]) while known keys keep working.

use std::collections::HashMap;
use std::hash::Hash;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use governor::clock::{Clock as _, DefaultClock};
use governor::nanos::Nanos;
use governor::state::{InMemoryState, NotKeyed, StateStore};
use governor::{Quota, RateLimiter};

use crate::Error;

/// A map of GCRA cells that never grows past `max` keys.
pub struct BoundedStore<K> {
    map: Arc<Mutex<HashMap<K, InMemoryState>>>,
    max: usize,
}

/// A cell value that no request can pass: what a refused new key is judged against.
const EXHAUSTED: u64 = u64::MAX >> 2;

impl<K: Hash + Eq + Clone> StateStore for BoundedStore<K> {
    type Key = K;

    fn measure_and_replace<T, F, E>(&self, key: &K, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(cell) = map.get(key) {
            return cell.measure_and_replace(&NotKeyed::NonKey, f);
        }
        if map.len() >= self.max {
            return f(Some(Nanos::from(EXHAUSTED))).map(|(t, _)| t);
        }
        map.entry(key.clone())
            .or_default()
            .measure_and_replace(&NotKeyed::NonKey, f)
    }
}

/// A per-key limiter (per client, per IP, per API key) with bounded memory.
pub struct KeyedLimiter<K: Hash + Eq + Clone> {
    inner: RateLimiter<K, BoundedStore<K>, DefaultClock>,
    map: Arc<Mutex<HashMap<K, InMemoryState>>>,
    clock: DefaultClock,
    start: Instant,
    max: usize,
}

impl<K: Hash + Eq + Clone> std::fmt::Debug for KeyedLimiter<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyedLimiter")
            .field("keys", &self.len())
            .field("max_keys", &self.max)
            .finish()
    }
}

impl<K: Hash + Eq + Clone> KeyedLimiter<K> {
    /// `quota` per key; at most `max_keys` keys held at once.
    pub fn new(quota: Quota, max_keys: NonZeroUsize) -> Self {
        let map = Arc::new(Mutex::new(HashMap::new()));
        let store = BoundedStore {
            map: map.clone(),
            max: max_keys.get(),
        };
        let clock = DefaultClock::default();
        let inner = RateLimiter::new(quota, store, clock.clone());
        // Taken after the limiter's own start, so our "now" is never ahead of
        // governor's and a sweep never drops a cell that still limits.
        let start = Instant::now();
        Self {
            inner,
            map,
            clock,
            start,
            max: max_keys.get(),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<K, InMemoryState>> {
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Admits one request for `key`, or says how long until it may.
    pub fn check(&self, key: &K) -> Result<(), Error> {
        match self.inner.check_key(key) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                if !self.map().contains_key(key) {
                    self.sweep();
                    return match self.inner.check_key(key) {
                        Ok(()) => Ok(()),
                        Err(_) if !self.map().contains_key(key) => {
                            Err(Error::TooManyKeys { max: self.max })
                        }
                        Err(nu) => Err(Error::KeyRateLimited {
                            wait: nu.wait_time_from(self.clock.now()),
                        }),
                    };
                }
                Err(Error::KeyRateLimited {
                    wait: not_until.wait_time_from(self.clock.now()),
                })
            }
        }
    }

    /// Drops every cell that is back to full burst (indistinguishable from a new key).
    pub fn sweep(&self) {
        let now = Nanos::from(self.start.elapsed());
        self.map().retain(|_, cell| {
            let tat = cell
                .measure_and_replace(&NotKeyed::NonKey, Err::<((), Nanos), Option<Nanos>>)
                .err()
                .flatten();
            tat.is_some_and(|t| t.as_u64() > now.as_u64())
        });
    }

    /// Keys currently held.
    pub fn len(&self) -> usize {
        self.map().len()
    }

    /// `true` when no key is held.
    pub fn is_empty(&self) -> bool {
        self.map().is_empty()
    }
}

#[cfg(test)]
mod tests;
