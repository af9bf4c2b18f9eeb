//! Read-only views of a scope and a position.

use supreme_order_guard::{Price, Symbol};

use super::RiskBook;
use super::market::{equity_of, usage};
use crate::{AccountId, Clock, Error, LimitKind, Scope, TradingState, Value};

/// A scope's figures now (valuation currency).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ScopeView {
    /// The state in force (a symbol reduce-only by [`Drift`](crate::Drift)
    /// at the global or its own scope shows `ReduceOnly`).
    pub state: TradingState,
    /// The latched breach, if any.
    pub latched: Option<LimitKind>,
    /// Until when a cooldown runs (0: none ever).
    pub cooldown_until_ms: u64,
    /// Open orders (reducing ones included).
    pub open_orders: u32,
    /// Equity (global and account scopes).
    pub equity: Option<Value>,
    /// High-water mark of equity (global and account scopes).
    pub high_water_mark: Option<Value>,
    /// P&L since the day started: equity change (global, account) or
    /// realized (strategy, symbol: always zero there).
    pub day_pnl: Value,
    /// Worst-case gross exposure, positions and open orders (not strategies).
    pub gross: Value,
    /// Worst-case net exposure (not strategies).
    pub net: Value,
    /// Worst-case long exposure: long positions and open increasing buys.
    pub long: Value,
    /// Worst-case short exposure: short positions and open increasing sells.
    pub short: Value,
}

/// One account's position in one symbol.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PositionView {
    /// Signed base quantity in 10⁻⁸ units (negative: short).
    pub quantity_units: i128,
    /// Average entry price, if any position (rounded down to 10⁻⁸).
    pub average_price: Option<Price>,
    /// Marked value in the valuation currency (signed).
    pub value: Value,
}

impl<C: Clock> RiskBook<C> {
    /// The figures of `scope`.
    pub fn view(&self, scope: Scope) -> Result<ScopeView, Error> {
        let st = self.lock();
        let now = self.clock.now_ms();
        let u = usage(&st, &scope)?;
        let equity = equity_of(&st, &scope);
        let exposure = match scope {
            Scope::Global => st.exposure,
            Scope::Account(id) => st.accounts[st.account_ix[&id] as usize].exposure,
            Scope::Symbol(s) => st.symbols[st.symbol_ix[&s] as usize].exposure,
            Scope::Strategy(_) => Default::default(),
        };
        let drifted = match scope {
            Scope::Symbol(s) => super::drift::symbol_reduce_only(&st, st.symbol_ix[&s] as usize),
            _ => false,
        };
        let state = match u.state(now) {
            TradingState::Active if drifted => TradingState::ReduceOnly,
            state => state,
        };
        Ok(ScopeView {
            state,
            latched: u.latch.map(|l| l.kind),
            cooldown_until_ms: u.cooldown_until,
            open_orders: u.open_orders,
            equity: equity.map(Value::from_units),
            high_water_mark: equity.map(|_| Value::from_units(u.hwm)),
            day_pnl: Value::from_units(equity.map_or(u.realized_today, |e| e - u.day_start)),
            gross: Value::from_units(exposure.gross()),
            net: Value::from_units(exposure.net_worst()),
            long: Value::from_units(exposure.long_worst()),
            short: Value::from_units(exposure.short_worst()),
        })
    }

    /// `account`'s position in `symbol` (`None`: never held or ordered).
    pub fn position(&self, account: AccountId, symbol: Symbol) -> Option<PositionView> {
        let st = self.lock();
        let a = *st.account_ix.get(&account)?;
        let y = *st.symbol_ix.get(&symbol)?;
        let (_, s) = *st.symbols[y as usize]
            .slots
            .iter()
            .find(|(acc, _)| *acc == a)?;
        let slot = &st.slots[s as usize];
        let average_price = (slot.qty != 0)
            .then(|| u64::try_from(slot.cost.abs() / slot.qty.abs()).ok())
            .flatten()
            .map(Price::from_units);
        Some(PositionView {
            quantity_units: slot.qty,
            average_price,
            value: Value::from_units(slot.value),
        })
    }
}
