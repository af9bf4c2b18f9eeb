//! [`RiskBook`]: portfolio state, limits per scope, reservations, one lock.

mod accepted;
mod check;
mod clear;
mod config;
mod drift;
mod fill;
pub(crate) mod market;
pub(crate) mod state;
mod view;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use supreme_core::event::Sink;
use supreme_order_guard::{Order, Price, Symbol};

use crate::persist::{PersistedState, StateFile};
use crate::{
    AccountId, Asset, Breach, BreachSink, Clock, Drift, Error, Rejection, Scope, StrategyId,
    TradingState,
};
use market::Events;
use state::{Account, AssetInfo, Exposure, Slot, State, StrategyInfo, SymbolInfo, Usage};

pub use accepted::{Accepted, ReservationId, Warnings};
pub(crate) use config::Config;
pub use config::{Origin, RiskConfig};
pub use fill::{Fee, FillReport};
pub use view::{PositionView, ScopeView};

/// Portfolio state and limits, shared by reference across threads. One lock
/// guards everything, so concurrent checks can never jointly exceed a limit.
pub struct RiskBook<C> {
    state: Mutex<State>,
    cfg: Config,
    clock: C,
    sink: Option<Box<dyn BreachSink>>,
    events: Option<Arc<dyn Sink>>,
    unrecorded: AtomicU64,
    store: Mutex<Option<StateFile>>,
}

impl<C> std::fmt::Debug for RiskBook<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RiskBook")
            .field("config", &self.cfg)
            .finish_non_exhaustive()
    }
}

impl<C: Clock> RiskBook<C> {
    /// A book valuing in `config`'s currency (rate 1), with the default
    /// origin's account and strategy registered. Not started: call
    /// [`start_fresh`](Self::start_fresh) or [`restore`](Self::restore).
    pub fn new(config: RiskConfig, clock: C) -> Result<Self, Error> {
        let now = clock.now_ms();
        let global = config.limits_for(&Scope::Global);
        let st = State {
            started: false,
            persist_failed: false,
            saved_hwm: 0,
            day: config.reset.day_index(now),
            drift: drift::DriftIndex::new(&global),
            global: Usage::new(global),
            exposure: Exposure::default(),
            accounts: Vec::new(),
            account_ix: Default::default(),
            strategies: Vec::new(),
            strategy_ix: Default::default(),
            symbols: Vec::new(),
            symbol_ix: Default::default(),
            assets: Vec::new(),
            asset_ix: Default::default(),
            slots: Vec::new(),
            orders: Vec::with_capacity(config.capacity),
            free: Vec::with_capacity(config.capacity),
        };
        let book = Self {
            state: Mutex::new(st),
            clock,
            sink: None,
            events: None,
            unrecorded: AtomicU64::new(0),
            store: Mutex::new(None),
            cfg: config,
        };
        book.set_rate(
            book.cfg.valuation,
            Price::from_units(supreme_order_guard::ONE),
        );
        book.add_account(book.cfg.origin.account)?;
        book.add_strategy(book.cfg.origin.strategy)?;
        Ok(book)
    }

    /// Calls `sink` on every breach (after the lock is released): trip a
    /// kill switch from here. Drift warnings only report, so they go to the
    /// event sink alone ([`with_events`](Self::with_events), `RISK_DRIFT`).
    pub fn with_breach_sink(mut self, sink: impl BreachSink + 'static) -> Self {
        self.sink = Some(Box::new(sink));
        self
    }

    /// Records every breach and drift warning, as a core event
    /// ([`Breach::to_event`], [`Drift::to_event`]: kinds `RISK_BREACH`,
    /// `RISK_DRIFT`), in `sink` (the audit log), after the breach sink
    /// reacted. A refusal changes nothing in the book (the breach is latched
    /// either way) and is counted in [`unrecorded_events`](Self::unrecorded_events).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use supreme_core::event::VecSink;
    /// use supreme_risk_limits::*;
    ///
    /// let usdt = Asset::new("USDT")?;
    /// let seen = Arc::new(VecSink::new());
    /// let book = RiskBook::new(RiskConfig::new(usdt)?, FakeClock::new(0))?.with_events(seen.clone());
    /// book.start_fresh()?;
    /// assert!(seen.events().is_empty(), "no breach yet");
    /// assert_eq!(book.unrecorded_events(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_events(mut self, sink: Arc<dyn Sink>) -> Self {
        self.events = Some(sink);
        self
    }

    /// How many breach and drift records the event sink
    /// ([`with_events`](Self::with_events)) refused.
    pub fn unrecorded_events(&self) -> u64 {
        self.unrecorded.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Updates never panic midway (no unwrap, no indexing past checked
        // bounds), so a poisoned lock still guards consistent state.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers an account (no cash, no positions).
    pub fn add_account(&self, id: AccountId) -> Result<(), Error> {
        let mut st = self.lock();
        if st.account_ix.contains_key(&id) {
            return Err(Error::Duplicate {
                what: "account",
                name: id.to_string(),
            });
        }
        let ix = u32::try_from(st.accounts.len()).unwrap_or(u32::MAX);
        let day_start = 0;
        let cash = vec![0; st.assets.len()];
        st.accounts.push(Account {
            id,
            usage: Usage {
                day_start,
                ..Usage::new(self.cfg.limits_for(&Scope::Account(id)))
            },
            exposure: Exposure::default(),
            cash,
            cash_value: 0,
        });
        st.account_ix.insert(id, ix);
        drift::add_account(&mut st, ix);
        Ok(())
    }

    /// Registers a strategy.
    pub fn add_strategy(&self, id: StrategyId) -> Result<(), Error> {
        let mut st = self.lock();
        if st.strategy_ix.contains_key(&id) {
            return Err(Error::Duplicate {
                what: "strategy",
                name: id.to_string(),
            });
        }
        let ix = u32::try_from(st.strategies.len()).unwrap_or(u32::MAX);
        let usage = Usage::new(self.cfg.limits_for(&Scope::Strategy(id)));
        st.strategies.push(StrategyInfo { id, usage });
        st.strategy_ix.insert(id, ix);
        Ok(())
    }

    /// Registers a symbol trading `base` against `quote`. Orders in it need a
    /// mark ([`set_mark`](Self::set_mark)) and a rate for `quote`.
    pub fn add_symbol(&self, symbol: Symbol, base: Asset, quote: Asset) -> Result<(), Error> {
        let mut st = self.lock();
        if st.symbol_ix.contains_key(&symbol) {
            return Err(Error::Duplicate {
                what: "symbol",
                name: symbol.to_string(),
            });
        }
        asset_index(&mut st, base);
        let quote = asset_index(&mut st, quote);
        let ix = u32::try_from(st.symbols.len()).unwrap_or(u32::MAX);
        let usage = Usage::new(self.cfg.limits_for(&Scope::Symbol(symbol)));
        st.symbols.push(SymbolInfo {
            symbol,
            quote,
            mark: None,
            usage,
            exposure: Exposure::default(),
            slots: Vec::new(),
            over: [0; 2],
            family: u32::MAX,
            local: [u32::MAX; 2],
            dirty: false,
        });
        st.symbol_ix.insert(symbol, ix);
        drift::add_symbol(&mut st, ix);
        Ok(())
    }

    /// Reserves `order` for the default origin; see
    /// [`check_and_reserve_for`](Self::check_and_reserve_for).
    pub fn check_and_reserve(&self, order: &Order) -> Result<Accepted, Rejection> {
        self.reserve(order, None)
    }

    /// Checks `order` against every limit of its global, account, strategy and
    /// symbol scopes and reserves its worst-case value, or refuses it with the
    /// first limit it breaks. An order that only reduces a position (a base
    /// quantity within the position not already being reduced) is always
    /// accepted, in any state and over any limit. No heap allocation once the
    /// account holds a slot for the symbol.
    pub fn check_and_reserve_for(
        &self,
        order: &Order,
        origin: Origin,
    ) -> Result<Accepted, Rejection> {
        self.reserve(order, Some(origin))
    }

    fn reserve(&self, order: &Order, origin: Option<Origin>) -> Result<Accepted, Rejection> {
        let now = self.clock.now_ms();
        let mut st = self.lock();
        if market::roll_day(&mut st, &self.cfg, now) {
            // Once a day: persist the new day's base outside the lock.
            drop(st);
            self.after(Events::default(), true);
            st = self.lock();
        }
        let ix = match origin {
            Some(origin) => check::resolve(&st, origin)?,
            // The default origin's account and strategy were registered first.
            None => (0, 0),
        };
        check::check(&mut st, &self.cfg, order, ix, now)
    }

    /// Marks the book started with nothing latched: the high-water mark and
    /// the day's starting equity are today's equity. For a first run only;
    /// later runs [`restore`](Self::restore).
    pub fn start_fresh(&self) -> Result<(), Error> {
        let mut st = self.lock();
        if st.started {
            return Err(Error::AlreadyStarted);
        }
        let now = self.clock.now_ms();
        st.day = self.cfg.reset.day_index(now);
        market::reset_day_starts(&mut st);
        let equity = st.global_equity();
        st.global.hwm = equity;
        for a in &mut st.accounts {
            a.usage.hwm = a.equity();
        }
        st.started = true;
        // Nothing to latch at the high-water mark; a position already over
        // a share limit is reported now.
        let events = market::evaluate(&mut st, now);
        drop(st);
        self.after(events, false);
        Ok(())
    }

    /// Restores breaches, states, high-water marks and the day's starting
    /// equity from `state`; register accounts, strategies and symbols and set
    /// cash, positions and marks first. A scope in `state` the book does not
    /// know is an error (its breach would be lost).
    pub fn restore(&self, state: &PersistedState) -> Result<(), Error> {
        let mut st = self.lock();
        if st.started {
            return Err(Error::AlreadyStarted);
        }
        let now = self.clock.now_ms();
        crate::persist::apply(&mut st, &self.cfg, state, now)?;
        st.started = true;
        let events = market::evaluate(&mut st, now);
        drop(st);
        self.after(events, true);
        Ok(())
    }

    /// What should survive a restart, now.
    pub fn snapshot(&self) -> PersistedState {
        let st = self.lock();
        crate::persist::snapshot(&st, self.clock.now_ms())
    }

    /// Writes the state to `file` now and from now on after every breach,
    /// state change and day roll. Call it also periodically (the high-water
    /// mark moves with every price). Clears a failed-persist block on success.
    pub fn persist_to(&self, file: StateFile) -> Result<(), Error> {
        *self.store.lock().unwrap_or_else(PoisonError::into_inner) = Some(file);
        self.save()
    }

    /// Writes the state to the attached file now (no-op without one).
    pub fn save(&self) -> Result<(), Error> {
        let store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(file) = store.as_ref() else {
            return Ok(());
        };
        let (snapshot, hwm) = {
            let st = self.lock();
            (
                crate::persist::snapshot(&st, self.clock.now_ms()),
                st.global.hwm,
            )
        };
        let result = file.save(&snapshot);
        let mut st = self.lock();
        st.persist_failed = result.is_err();
        if result.is_ok() {
            st.saved_hwm = hwm;
        }
        result
    }

    /// Sets the operator's state of `scope`. Lifting it never lifts a
    /// latched breach (an operator's signed token does:
    /// [`clear_breach`](Self::clear_breach)).
    pub fn set_state(&self, scope: Scope, state: TradingState) -> Result<(), Error> {
        {
            let mut st = self.lock();
            market::usage_mut(&mut st, &scope)?.operator_state = state;
        }
        self.after(Events::default(), true);
        Ok(())
    }

    /// Operations that weaken protection, kept apart (tests only: a breach
    /// is cleared with operators' signed tokens, [`clear_breach`](Self::clear_breach)).
    #[cfg(test)]
    pub(crate) fn dangerous(&self) -> Dangerous<'_, C> {
        Dangerous { book: self }
    }

    /// Reports breaches and drift warnings and persists after an update
    /// (outside the lock). Drift warnings alone change nothing durable.
    fn after(&self, events: Events, changed: bool) {
        let Events { breaches, drifts } = events;
        if let Some(sink) = &self.sink {
            breaches.iter().for_each(|b| sink.on_breach(b));
        }
        if let Some(events) = &self.events {
            let records = breaches.iter().map(Breach::to_event);
            for e in records.chain(drifts.iter().map(Drift::to_event)) {
                tracing::warn!(target: "supreme_risk_limits", event = e.kind(), severity = ?e.severity(), "risk");
                if events.record(&e).is_err() {
                    self.unrecorded.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        if changed || !breaches.is_empty() {
            // A failed save blocks new risk (StateNotPersisted) until one succeeds.
            let _ = self.save();
        }
    }
}

/// Operations that weaken protection: reached through `RiskBook::dangerous`
/// (tests only).
#[cfg(test)]
#[derive(Debug)]
pub(crate) struct Dangerous<'a, C> {
    book: &'a RiskBook<C>,
}

#[cfg(test)]
impl<C: Clock> Dangerous<'_, C> {
    /// Clears a latched breach at `scope` with no authorization and restarts
    /// the high-water mark at today's equity. Persisted at once.
    pub(crate) fn clear_breach(&self, scope: Scope) -> Result<(), Error> {
        {
            let mut st = self.book.lock();
            let equity = market::equity_of(&st, &scope);
            let usage = market::usage_mut(&mut st, &scope)?;
            usage.latch = None;
            if let Some(e) = equity {
                usage.hwm = e;
            }
        }
        self.book.after(Events::default(), true);
        Ok(())
    }
}

fn asset_index(st: &mut State, asset: Asset) -> u32 {
    if let Some(&ix) = st.asset_ix.get(&asset) {
        return ix;
    }
    let ix = u32::try_from(st.assets.len()).unwrap_or(u32::MAX);
    st.assets.push(AssetInfo { asset, rate: None });
    st.asset_ix.insert(asset, ix);
    st.accounts.iter_mut().for_each(|a| a.cash.push(0));
    ix
}

/// The slot of account `a` in symbol `y`, created on first use.
fn slot_index(st: &mut State, a: u32, y: u32) -> u32 {
    if let Some(&(_, slot)) = st.symbols[y as usize]
        .slots
        .iter()
        .find(|(acc, _)| *acc == a)
    {
        return slot;
    }
    let slot = u32::try_from(st.slots.len()).unwrap_or(u32::MAX);
    st.slots.push(Slot {
        account: a,
        symbol: y,
        ..Slot::default()
    });
    st.symbols[y as usize].slots.push((a, slot));
    drift::add_slot(st, slot);
    slot
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod plain_tests;
