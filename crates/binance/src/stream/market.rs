//! The market-data side: each update becomes order-guard's reference price
//! (with the local time it was observed) and the risk book's mark; a
//! symbol without a fresh update is stale, and order-guard rejects orders
//! on it (its reference is too old), as the kill switch's stale-data
//! trigger trips on it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use supreme_core::time::duration_ms;
use supreme_core::{Clock, Price, Symbol};
use supreme_kill_switch::triggers::StaleDataTrigger;
use supreme_order_guard::ReferencePrice;

use super::frame::{Frame, parse_frame};
use crate::Error;

/// Called with each new mark (the risk book's `set_mark`).
pub type MarkFn = Arc<dyn Fn(Symbol, Price) + Send + Sync>;

#[derive(Debug, Clone, Copy)]
struct Last {
    price: Price,
    observed_ms: u64,
    avg: Option<Price>,
}

/// Reference prices and marks from the market streams, per symbol.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use supreme_binance::stream::MarketFeed;
/// use supreme_core::{FakeClock, Symbol};
///
/// let clock = Arc::new(FakeClock::new(1_000_000));
/// let feed = MarketFeed::new(clock.clone(), Duration::from_secs(5));
/// let btc = Symbol::new("BTCUSDT")?;
/// feed.watch(btc);
/// assert!(feed.is_stale(&btc), "never updated: stale");
/// feed.apply_text(r#"{"u":1,"s":"BTCUSDT","b":"24999","B":"1","a":"25001","A":"1"}"#)?;
/// assert_eq!(feed.reference(&btc).map(|r| r.price), Some("25000".parse()?));
/// clock.advance(Duration::from_secs(6));
/// assert!(feed.is_stale(&btc));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct MarketFeed {
    clock: Arc<dyn Clock>,
    max_age_ms: u64,
    last: Mutex<HashMap<Symbol, Option<Last>>>,
    on_mark: Option<MarkFn>,
    stale_trigger: Option<Arc<StaleDataTrigger>>,
    malformed: AtomicU64,
    unknown: AtomicU64,
    applied: AtomicU64,
}

impl std::fmt::Debug for MarketFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MarketFeed")
            .field("max_age_ms", &self.max_age_ms)
            .finish_non_exhaustive()
    }
}

impl MarketFeed {
    /// A feed whose data is stale after `max_age` without an update
    /// (measured on `clock`).
    pub fn new(clock: Arc<dyn Clock>, max_age: Duration) -> Self {
        Self {
            clock,
            max_age_ms: duration_ms(max_age),
            last: Mutex::new(HashMap::new()),
            on_mark: None,
            stale_trigger: None,
            malformed: AtomicU64::new(0),
            unknown: AtomicU64::new(0),
            applied: AtomicU64::new(0),
        }
    }

    /// Calls `f` with every new mark (wire the risk book's `set_mark`).
    pub fn on_mark(mut self, f: MarkFn) -> Self {
        self.on_mark = Some(f);
        self
    }

    /// Ticks the kill switch's stale-data trigger with every update, and
    /// watches every symbol [`watch`](Self::watch)ed.
    pub fn stale_trigger(mut self, trigger: Arc<StaleDataTrigger>) -> Self {
        self.stale_trigger = Some(trigger);
        self
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Symbol, Option<Last>>> {
        self.last.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts following `symbol`: stale until its first update.
    pub fn watch(&self, symbol: Symbol) {
        self.lock().entry(symbol).or_insert(None);
        if let Some(t) = &self.stale_trigger {
            t.watch(symbol.as_str());
        }
    }

    /// Parses one frame and applies it; a malformed or unknown frame is
    /// counted ([`malformed_frames`](Self::malformed_frames),
    /// [`unknown_frames`](Self::unknown_frames)) and returned as the error.
    pub fn apply_text(&self, text: &str) -> Result<(), Error> {
        match parse_frame(text) {
            Ok(frame) => {
                self.apply(&frame);
                Ok(())
            }
            Err(e) => {
                let counter = match e {
                    Error::UnknownFrame { .. } => &self.unknown,
                    _ => &self.malformed,
                };
                counter.fetch_add(1, Ordering::Relaxed);
                Err(e)
            }
        }
    }

    /// Applies a parsed frame: a bookTicker (its mid price) or a trade sets
    /// the reference and the mark; an avgPrice is kept beside them. Other
    /// frames change nothing here. Returns true when it applied.
    pub fn apply(&self, frame: &Frame) -> bool {
        let (symbol, price, avg) = match frame {
            Frame::BookTicker(t) => {
                let mid = (u128::from(t.bid.units()) + u128::from(t.ask.units())) / 2;
                let mid = Price::from_units(u64::try_from(mid).unwrap_or(u64::MAX));
                (t.symbol, Some(mid), None)
            }
            Frame::Trade(t) => (t.symbol, Some(t.price), None),
            Frame::AvgPrice(a) => (a.symbol, None, Some(a.price)),
            _ => return false,
        };
        let now = self.clock.now_ms();
        {
            let mut map = self.lock();
            let slot = map.entry(symbol).or_insert(None);
            match (slot.as_mut(), price) {
                (Some(last), Some(p)) => {
                    last.price = p;
                    last.observed_ms = now;
                }
                (Some(last), None) => last.avg = avg,
                (None, Some(p)) => {
                    *slot = Some(Last {
                        price: p,
                        observed_ms: now,
                        avg: None,
                    });
                }
                (None, None) => return false,
            }
        }
        self.applied.fetch_add(1, Ordering::Relaxed);
        if let Some(p) = price {
            if let Some(t) = &self.stale_trigger {
                t.tick(symbol.as_str());
            }
            if let Some(f) = &self.on_mark {
                f(symbol, p);
            }
        }
        true
    }

    /// The reference price for order-guard's context, with the time it was
    /// observed (order-guard rejects it once older than its policy's
    /// maximum age). `None` until the first update, and after
    /// [`forget`](Self::forget): order-guard rejects then too.
    pub fn reference(&self, symbol: &Symbol) -> Option<ReferencePrice> {
        self.lock()
            .get(symbol)
            .copied()
            .flatten()
            .map(|l| ReferencePrice {
                price: l.price,
                observed_at_ms: l.observed_ms,
            })
    }

    /// The last 5-minute average price.
    pub fn avg_price(&self, symbol: &Symbol) -> Option<Price> {
        self.lock()
            .get(symbol)
            .copied()
            .flatten()
            .and_then(|l| l.avg)
    }

    /// True when `symbol` has had no update for longer than the maximum age
    /// (or never had one).
    pub fn is_stale(&self, symbol: &Symbol) -> bool {
        let now = self.clock.now_ms();
        match self.lock().get(symbol).copied().flatten() {
            Some(l) => now.saturating_sub(l.observed_ms) > self.max_age_ms,
            None => true,
        }
    }

    /// Every watched symbol that is stale now.
    pub fn stale_symbols(&self) -> Vec<Symbol> {
        let symbols: Vec<Symbol> = self.lock().keys().copied().collect();
        symbols.into_iter().filter(|s| self.is_stale(s)).collect()
    }

    /// Forgets every price (a gap in the feed: nothing is known until the
    /// next update), keeping the symbols watched.
    pub fn forget(&self) {
        for v in self.lock().values_mut() {
            *v = None;
        }
    }

    /// Frames that did not parse.
    pub fn malformed_frames(&self) -> u64 {
        self.malformed.load(Ordering::Relaxed)
    }

    /// Frames of a kind not known.
    pub fn unknown_frames(&self) -> u64 {
        self.unknown.load(Ordering::Relaxed)
    }

    /// Frames applied.
    pub fn applied_frames(&self) -> u64 {
        self.applied.load(Ordering::Relaxed)
    }
}
