//! Prices, rates and cash: revaluation, the trading day, and the equity
//! breaches (daily loss, drawdown) they can latch.

use supreme_order_guard::{ONE, Price, Quantity, Symbol};

use super::state::{Latch, State, Usage};
use super::{Config, RiskBook};
use crate::amount::convert;
use crate::{
    AccountId, Asset, Breach, Clock, Drift, Error, LimitKind, Observed, Pct, Scope, TradingState,
    Value,
};

impl<C: Clock> RiskBook<C> {
    /// Sets the mark price of `symbol` (in its quote asset) and revalues
    /// every position in it; reports daily-loss and drawdown breaches and
    /// positions drifting past a share limit ([`Drift`]), at every scope.
    pub fn set_mark(&self, symbol: Symbol, mark: Price) -> Result<(), Error> {
        let (events, moved) = {
            let mut st = self.lock();
            let y = *st
                .symbol_ix
                .get(&symbol)
                .ok_or(Error::UnknownSymbol(symbol))?;
            st.symbols[y as usize].mark = Some(mark);
            for i in 0..st.symbols[y as usize].slots.len() {
                let s = st.symbols[y as usize].slots[i].1;
                revalue(&mut st, s);
            }
            let events = evaluate(&mut st, self.clock.now_ms());
            (events, st.started && st.hwm_moved(self.cfg.hwm_save_step))
        };
        self.after(events, moved);
        Ok(())
    }

    /// Sets what one unit of `asset` is worth in the valuation currency and
    /// revalues cash and positions quoted in it (reporting as
    /// [`set_mark`](Self::set_mark) does). Cash in an asset without a rate
    /// counts as zero.
    pub fn set_rate(&self, asset: Asset, rate: Price) {
        let (events, moved) = {
            let mut st = self.lock();
            let ix = super::asset_index(&mut st, asset);
            st.assets[ix as usize].rate = Some(rate);
            for a in 0..st.accounts.len() {
                revalue_cash(&mut st, a);
            }
            let slots: Vec<u32> = (0..st.slots.len())
                .filter(|&s| st.symbols[st.slots[s].symbol as usize].quote == ix)
                .filter_map(|s| u32::try_from(s).ok())
                .collect();
            slots.into_iter().for_each(|s| revalue(&mut st, s));
            let events = evaluate(&mut st, self.clock.now_ms());
            (events, st.started && st.hwm_moved(self.cfg.hwm_save_step))
        };
        self.after(events, moved);
    }

    /// Adds `amount` of `asset` to `account`'s cash. A transfer, not a
    /// profit: the day's starting equity and the high-water mark move with it.
    pub fn deposit(&self, account: AccountId, asset: Asset, amount: Quantity) -> Result<(), Error> {
        self.transfer(account, asset, i128::from(amount.units()))
    }

    /// Takes `amount` of `asset` from `account`'s cash (a transfer, not a loss).
    pub fn withdraw(
        &self,
        account: AccountId,
        asset: Asset,
        amount: Quantity,
    ) -> Result<(), Error> {
        self.transfer(account, asset, -i128::from(amount.units()))
    }

    fn transfer(&self, account: AccountId, asset: Asset, units: i128) -> Result<(), Error> {
        let mut st = self.lock();
        let a = *st
            .account_ix
            .get(&account)
            .ok_or(Error::UnknownAccount(account))?;
        let ix = super::asset_index(&mut st, asset);
        let before = st.accounts[a as usize].cash_value;
        let global_before = st.global_equity();
        let cash = &mut st.accounts[a as usize].cash[ix as usize];
        *cash = cash.saturating_add(units.saturating_mul(i128::from(ONE)));
        revalue_cash(&mut st, a as usize);
        let flow = st.accounts[a as usize].cash_value - before;
        let global_flow = st.global_equity() - global_before;
        let moved = |u: &mut Usage, f: i128| {
            u.day_start = u.day_start.saturating_add(f);
            u.hwm = u.hwm.saturating_add(f);
        };
        moved(&mut st.accounts[a as usize].usage, flow);
        moved(&mut st.global, global_flow);
        Ok(())
    }

    /// Sets `account`'s long position in `symbol` (reconciliation at start-up:
    /// not a trade, no P&L).
    pub fn set_position(
        &self,
        account: AccountId,
        symbol: Symbol,
        quantity: Quantity,
        average_price: Price,
    ) -> Result<(), Error> {
        let mut st = self.lock();
        let a = *st
            .account_ix
            .get(&account)
            .ok_or(Error::UnknownAccount(account))?;
        let y = *st
            .symbol_ix
            .get(&symbol)
            .ok_or(Error::UnknownSymbol(symbol))?;
        let s = super::slot_index(&mut st, a, y);
        let slot = &mut st.slots[s as usize];
        slot.qty = i128::from(quantity.units());
        slot.cost = slot.qty * i128::from(average_price.units());
        revalue(&mut st, s);
        Ok(())
    }
}

/// Recomputes a slot's marked value (at cost without a mark) and moves the
/// difference through its account, symbol and the global exposure.
pub(crate) fn revalue(st: &mut State, s: u32) {
    let slot = &st.slots[s as usize];
    let info = &st.symbols[slot.symbol as usize];
    let quote_value = match info.mark {
        Some(mark) => slot.qty.saturating_mul(i128::from(mark.units())),
        None => slot.cost,
    };
    let new = match st.assets[info.quote as usize].rate {
        Some(rate) => convert(quote_value, rate),
        None => quote_value.min(0),
    };
    let (old, a, y) = (slot.value, slot.account, slot.symbol);
    let slot = &mut st.slots[s as usize];
    slot.value = new;
    slot.exposure.revalue(old, new);
    st.accounts[a as usize].exposure.revalue(old, new);
    st.symbols[y as usize].exposure.revalue(old, new);
    st.exposure.revalue(old, new);
    super::drift::touch(st, s);
}

pub(crate) fn revalue_cash(st: &mut State, a: usize) {
    let value = st.accounts[a]
        .cash
        .iter()
        .zip(&st.assets)
        .map(|(&units, asset)| match asset.rate {
            Some(rate) => convert(units, rate),
            None => units.min(0),
        })
        .fold(0i128, i128::saturating_add);
    st.accounts[a].cash_value = value;
}

/// Starts a new trading day when `now` is in one; true if it did.
pub(crate) fn roll_day(st: &mut State, cfg: &Config, now: u64) -> bool {
    let day = cfg.reset.day_index(now);
    if day <= st.day {
        return false;
    }
    st.day = day;
    reset_day_starts(st);
    true
}

/// The day's starting equity is today's; daily-loss latches end.
pub(crate) fn reset_day_starts(st: &mut State) {
    let equity = st.global_equity();
    let new_day = |u: &mut Usage, e: i128| {
        u.day_start = e;
        u.realized_today = 0;
        if u.latch.is_some_and(|l| l.kind == LimitKind::DailyLoss) {
            u.latch = None;
        }
    };
    new_day(&mut st.global, equity);
    for a in &mut st.accounts {
        let e = a.equity();
        new_day(&mut a.usage, e);
    }
    st.strategies
        .iter_mut()
        .for_each(|s| new_day(&mut s.usage, 0));
    st.symbols.iter_mut().for_each(|s| new_day(&mut s.usage, 0));
}

/// What an update reports once the lock is released.
#[derive(Debug, Default)]
pub(crate) struct Events {
    pub(crate) breaches: Vec<Breach>,
    pub(crate) drifts: Vec<Drift>,
}

/// Raises high-water marks, latches daily-loss and drawdown breaches of
/// the global scope and every account, and notes share-limit drift.
pub(crate) fn evaluate(st: &mut State, now: u64) -> Events {
    let mut out = Events::default();
    if !st.started {
        return out;
    }
    let equity = st.global_equity();
    let breaches = &mut out.breaches;
    equity_breaches(&mut st.global, Scope::Global, equity, now, breaches);
    for a in &mut st.accounts {
        let e = a.equity();
        equity_breaches(&mut a.usage, Scope::Account(a.id), e, now, breaches);
    }
    super::drift::evaluate(st, equity, now, &mut out.drifts);
    out
}

fn equity_breaches(u: &mut Usage, scope: Scope, equity: i128, now: u64, out: &mut Vec<Breach>) {
    u.hwm = u.hwm.max(equity);
    if u.latch.is_some() {
        return;
    }
    if let Some(max) = u.limits.daily_loss {
        let loss = u.day_start.saturating_sub(equity);
        if loss > max.units() {
            let observed = Observed::Amount {
                limit: max,
                observed: Value::from_units(loss),
            };
            out.push(latch(u, scope, LimitKind::DailyLoss, observed, now));
            return;
        }
    }
    if let Some(max) = u.limits.max_drawdown {
        let dd = u.hwm.saturating_sub(equity);
        if u.hwm > 0 && max.exceeded_by(dd, u.hwm) {
            let observed = Observed::Share {
                limit: max,
                observed: Pct::ratio(dd, u.hwm),
            };
            out.push(latch(u, scope, LimitKind::Drawdown, observed, now));
        }
    }
}

pub(crate) fn latch(
    u: &mut Usage,
    scope: Scope,
    kind: LimitKind,
    observed: Observed,
    now: u64,
) -> Breach {
    u.latch = Some(Latch {
        kind,
        at_ms: now,
        observed,
    });
    Breach {
        scope,
        kind,
        observed,
        at_ms: now,
        state: TradingState::Halted,
        until_ms: None,
    }
}

pub(crate) fn usage_mut<'a>(st: &'a mut State, scope: &Scope) -> Result<&'a mut Usage, Error> {
    Ok(match scope {
        Scope::Global => &mut st.global,
        Scope::Account(id) => {
            let i = *st.account_ix.get(id).ok_or(Error::UnknownAccount(*id))?;
            &mut st.accounts[i as usize].usage
        }
        Scope::Strategy(id) => {
            let i = *st.strategy_ix.get(id).ok_or(Error::UnknownStrategy(*id))?;
            &mut st.strategies[i as usize].usage
        }
        Scope::Symbol(sym) => {
            let i = *st.symbol_ix.get(sym).ok_or(Error::UnknownSymbol(*sym))?;
            &mut st.symbols[i as usize].usage
        }
    })
}

pub(crate) fn usage<'a>(st: &'a State, scope: &Scope) -> Result<&'a Usage, Error> {
    Ok(match scope {
        Scope::Global => &st.global,
        Scope::Account(id) => {
            let i = *st.account_ix.get(id).ok_or(Error::UnknownAccount(*id))?;
            &st.accounts[i as usize].usage
        }
        Scope::Strategy(id) => {
            let i = *st.strategy_ix.get(id).ok_or(Error::UnknownStrategy(*id))?;
            &st.strategies[i as usize].usage
        }
        Scope::Symbol(sym) => {
            let i = *st.symbol_ix.get(sym).ok_or(Error::UnknownSymbol(*sym))?;
            &st.symbols[i as usize].usage
        }
    })
}

/// The equity of a scope that has one (global, account).
pub(crate) fn equity_of(st: &State, scope: &Scope) -> Option<i128> {
    match scope {
        Scope::Global => Some(st.global_equity()),
        Scope::Account(id) => st
            .account_ix
            .get(id)
            .map(|&i| st.accounts[i as usize].equity()),
        Scope::Strategy(_) | Scope::Symbol(_) => None,
    }
}
