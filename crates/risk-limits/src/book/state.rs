//! The book's internal state, held under one lock.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use supreme_order_guard::{Price, Side, Symbol};

use crate::{AccountId, Asset, LimitKind, LimitSet, Observed, StrategyId, TradingState};

/// FxHash (rustc's): a multiply-rotate hasher for short keys the caller does
/// not choose adversarially (names the operator registered).
#[derive(Default)]
pub(crate) struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word.iter_mut().zip(chunk).for_each(|(w, b)| *w = *b);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// Valued exposure of a scope, in 10⁻¹⁶ of the valuation currency.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(crate) struct Exposure {
    /// Marked value of long positions.
    pub(crate) long: i128,
    /// Marked value of short positions (positive).
    pub(crate) short: i128,
    /// Worst-case value of open increasing buys.
    pub(crate) res_buy: i128,
    /// Worst-case value of open increasing sells.
    pub(crate) res_sell: i128,
}

impl Exposure {
    /// Every field lies in `[0, 2¹²⁴)`, so no sum or difference of them can
    /// overflow: the figures below take plain arithmetic, and the saturating
    /// forms only otherwise. (A negative field makes the OR negative; a large
    /// one makes it large.)
    #[inline]
    fn plain(&self) -> bool {
        (0..1 << 124).contains(&(self.long | self.short | self.res_buy | self.res_sell))
    }
    pub(crate) fn long_worst(&self) -> i128 {
        self.long.saturating_add(self.res_buy)
    }
    pub(crate) fn short_worst(&self) -> i128 {
        self.short.saturating_add(self.res_sell)
    }
    #[inline]
    pub(crate) fn gross(&self) -> i128 {
        if self.plain() {
            self.long + self.res_buy + self.short + self.res_sell
        } else {
            self.long_worst().saturating_add(self.short_worst())
        }
    }
    #[inline]
    pub(crate) fn side_max(&self) -> i128 {
        if self.plain() {
            (self.long + self.res_buy).max(self.short + self.res_sell)
        } else {
            self.long_worst().max(self.short_worst())
        }
    }
    #[inline]
    pub(crate) fn net_worst(&self) -> i128 {
        if self.plain() {
            let net = self.long - self.short;
            return (net + self.res_buy).abs().max((net - self.res_sell).abs());
        }
        let net = self.long.saturating_sub(self.short);
        net.saturating_add(self.res_buy)
            .saturating_abs()
            .max(net.saturating_sub(self.res_sell).saturating_abs())
    }
    pub(crate) fn net(&self) -> i128 {
        self.long.saturating_sub(self.short)
    }
    /// Replaces a position valued `old` by one valued `new`.
    pub(crate) fn revalue(&mut self, old: i128, new: i128) {
        self.long = self.long - old.max(0) + new.max(0);
        self.short = self.short - (-old).max(0) + (-new).max(0);
    }
    /// What open increasing orders on `side` reserve.
    #[inline]
    pub(crate) fn reserved(&self, side: Side) -> i128 {
        match side {
            Side::Buy => self.res_buy,
            Side::Sell => self.res_sell,
        }
    }
    /// Puts back what [`reserved`](Self::reserved) read.
    #[inline]
    pub(crate) fn set_reserved(&mut self, side: Side, value: i128) {
        match side {
            Side::Buy => self.res_buy = value,
            Side::Sell => self.res_sell = value,
        }
    }
    /// Adds (or with a negative `value` removes) a reservation.
    pub(crate) fn reserve(&mut self, side: Side, value: i128) {
        match side {
            Side::Buy => self.res_buy = self.res_buy.saturating_add(value),
            Side::Sell => self.res_sell = self.res_sell.saturating_add(value),
        }
    }
}

/// A breach latched until its reset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Latch {
    pub(crate) kind: LimitKind,
    pub(crate) at_ms: u64,
    pub(crate) observed: Observed,
}

/// What every scope tracks.
#[derive(Debug, Default)]
pub(crate) struct Usage {
    pub(crate) limits: LimitSet,
    /// `limits` has a share or exposure limit (most scopes have none, and
    /// an order's check skips them on this one test).
    pub(crate) exposure_limits: bool,
    pub(crate) operator_state: TradingState,
    pub(crate) latch: Option<Latch>,
    pub(crate) cooldown_until: u64,
    pub(crate) open_orders: u32,
    pub(crate) sent: VecDeque<u64>,
    pub(crate) losses: VecDeque<u64>,
    pub(crate) hwm: i128,
    pub(crate) day_start: i128,
    pub(crate) realized_today: i128,
}

impl Usage {
    pub(crate) fn new(limits: LimitSet) -> Self {
        let sent = limits.order_rate.map_or(0, |r| r.max_orders() as usize);
        let losses = limits.cooldown.map_or(0, |c| c.losing_trades() as usize);
        let exposure_limits = limits.position.is_some()
            || limits.concentration.is_some()
            || limits.gross_exposure.is_some()
            || limits.net_exposure.is_some();
        Self {
            limits,
            exposure_limits,
            sent: VecDeque::with_capacity(sent),
            losses: VecDeque::with_capacity(losses),
            ..Self::default()
        }
    }

    /// The state in force: the operator's, a latched breach (halted) or a
    /// cooldown (reduce-only), whichever is strictest.
    pub(crate) fn state(&self, now_ms: u64) -> TradingState {
        if self.latch.is_some() || self.operator_state == TradingState::Halted {
            TradingState::Halted
        } else if self.operator_state == TradingState::ReduceOnly || now_ms < self.cooldown_until {
            TradingState::ReduceOnly
        } else {
            TradingState::Active
        }
    }

    /// Orders sent in the window ending now (drops older times).
    pub(crate) fn sent_in_window(&mut self, now_ms: u64) -> u32 {
        if let Some(rate) = self.limits.order_rate {
            let start = now_ms.saturating_sub(rate.window_ms());
            while self.sent.front().is_some_and(|&t| t <= start) {
                self.sent.pop_front();
            }
        }
        u32::try_from(self.sent.len()).unwrap_or(u32::MAX)
    }

    /// Records an order sent at `now_ms` (keeps at most the limit's count).
    pub(crate) fn record_sent(&mut self, now_ms: u64) {
        if let Some(rate) = self.limits.order_rate {
            if self.sent.len() >= rate.max_orders() as usize {
                self.sent.pop_front();
            }
            self.sent.push_back(now_ms);
        }
    }

    /// Records a losing trade; true when it starts a cooldown.
    pub(crate) fn record_loss(&mut self, now_ms: u64) -> bool {
        let Some(c) = self.limits.cooldown else {
            return false;
        };
        let start = now_ms.saturating_sub(c.window_ms());
        while self.losses.front().is_some_and(|&t| t <= start) {
            self.losses.pop_front();
        }
        if self.losses.len() >= c.losing_trades() as usize {
            self.losses.pop_front();
        }
        self.losses.push_back(now_ms);
        if self.losses.len() >= c.losing_trades() as usize {
            self.cooldown_until = now_ms.saturating_add(c.cooldown_ms());
            self.losses.clear();
            return true;
        }
        false
    }
}

/// An account: cash per asset and its own usage.
#[derive(Debug)]
pub(crate) struct Account {
    pub(crate) id: AccountId,
    pub(crate) usage: Usage,
    pub(crate) exposure: Exposure,
    /// Cash per asset index, 10⁻¹⁶ units of that asset.
    pub(crate) cash: Vec<i128>,
    /// Cash valued in the valuation currency.
    pub(crate) cash_value: i128,
}

impl Account {
    pub(crate) fn equity(&self) -> i128 {
        self.cash_value.saturating_add(self.exposure.net())
    }
}

/// A registered symbol.
#[derive(Debug)]
pub(crate) struct SymbolInfo {
    pub(crate) symbol: Symbol,
    pub(crate) quote: u32,
    pub(crate) mark: Option<Price>,
    pub(crate) usage: Usage,
    pub(crate) exposure: Exposure,
    /// (account index, slot index) of every position in this symbol.
    pub(crate) slots: Vec<(u32, u32)>,
    /// Share limits it was over at the last revaluation, at the global and
    /// its own scope (see `drift`).
    pub(crate) over: [u8; 2],
    /// Its symbol-scope drift family (`u32::MAX`: none) and its ids in the
    /// global and that family.
    pub(crate) family: u32,
    pub(crate) local: [u32; 2],
    /// Moved since the last revaluation (queued for drift re-checking).
    pub(crate) dirty: bool,
}

/// One account's position in one symbol.
#[derive(Debug, Default, Clone)]
pub(crate) struct Slot {
    pub(crate) account: u32,
    pub(crate) symbol: u32,
    /// Signed base quantity, 10⁻⁸.
    pub(crate) qty: i128,
    /// Signed cost basis in the quote asset, 10⁻¹⁶ (negative for shorts).
    pub(crate) cost: i128,
    /// Marked value in the valuation currency (signed).
    pub(crate) value: i128,
    pub(crate) exposure: Exposure,
    /// Base quantity of open reducing buys / sells.
    pub(crate) reducing_buy: i128,
    pub(crate) reducing_sell: i128,
    /// Share limits of its account it was over at the last revaluation.
    pub(crate) over: u8,
    /// Its id in its account's drift family (`u32::MAX`: none).
    pub(crate) local: u32,
    /// Moved since the last revaluation (queued for drift re-checking).
    pub(crate) dirty: bool,
}

/// A registered strategy.
#[derive(Debug)]
pub(crate) struct StrategyInfo {
    pub(crate) id: StrategyId,
    pub(crate) usage: Usage,
}

/// A registered asset and its conversion rate into the valuation currency.
#[derive(Debug)]
pub(crate) struct AssetInfo {
    pub(crate) asset: Asset,
    pub(crate) rate: Option<Price>,
}

/// How much of an order is still open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Remaining {
    /// Base quantity, 10⁻⁸.
    Base(i128),
    /// Quote amount, 10⁻¹⁶.
    Quote(i128),
}

/// An open order's reservation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Open {
    pub(crate) slot: u32,
    pub(crate) strategy: u32,
    pub(crate) side: Side,
    pub(crate) reducing: bool,
    pub(crate) remaining: Remaining,
    /// Reserved worst-case value still held.
    pub(crate) reserved: i128,
}

/// A slab entry: a generation (so a stale id is refused) and the order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub(crate) generation: u32,
    pub(crate) open: Option<Open>,
}

/// Everything under the lock.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) started: bool,
    pub(crate) persist_failed: bool,
    /// The global high-water mark in the last saved state.
    pub(crate) saved_hwm: i128,
    pub(crate) day: i64,
    pub(crate) global: Usage,
    pub(crate) exposure: Exposure,
    pub(crate) accounts: Vec<Account>,
    pub(crate) account_ix: FxMap<AccountId, u32>,
    pub(crate) strategies: Vec<StrategyInfo>,
    pub(crate) strategy_ix: FxMap<StrategyId, u32>,
    pub(crate) symbols: Vec<SymbolInfo>,
    pub(crate) symbol_ix: FxMap<Symbol, u32>,
    /// Incremental drift detection over the share limits.
    pub(crate) drift: super::drift::DriftIndex,
    pub(crate) assets: Vec<AssetInfo>,
    pub(crate) asset_ix: FxMap<Asset, u32>,
    pub(crate) slots: Vec<Slot>,
    pub(crate) orders: Vec<Entry>,
    pub(crate) free: Vec<u32>,
}

impl State {
    /// The global high-water mark rose more than `step` above the saved one.
    pub(crate) fn hwm_moved(&self, step: crate::Pct) -> bool {
        let rise = self.global.hwm.saturating_sub(self.saved_hwm);
        rise > 0 && step.exceeded_by(rise, self.saved_hwm.max(1))
    }

    pub(crate) fn global_equity(&self) -> i128 {
        self.accounts
            .iter()
            .fold(0i128, |sum, a| sum.saturating_add(a.equity()))
    }
}
