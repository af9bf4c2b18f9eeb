//! Fills commit a reservation (position, cash, realized P&L, losing trades);
//! cancels and rejects release it.

use supreme_order_guard::{ONE, Price, Quantity, Side};

use super::state::{Open, Remaining, State};
use super::{ReservationId, RiskBook};
use crate::amount::convert;
use crate::{Asset, Breach, Clock, Error, LimitKind, Observed, Scope, TradingState, Value};

/// A trading fee charged in `asset`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fee {
    /// The asset charged.
    pub asset: Asset,
    /// The amount.
    pub amount: Quantity,
}

/// What a fill did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FillReport {
    /// The order is complete; its reservation is gone.
    pub closed: bool,
    /// Realized P&L of the fill, net of the fee, in the valuation currency.
    pub realized: Value,
    /// The exchange filled more than was reserved (applied anyway: the
    /// position follows the exchange).
    pub overfilled: bool,
}

impl<C: Clock> RiskBook<C> {
    /// Commits `quantity` filled at `price` (partial fills: call once each).
    /// The reservation shrinks in proportion and closes when done.
    pub fn fill(
        &self,
        id: ReservationId,
        quantity: Quantity,
        price: Price,
        fee: Option<Fee>,
    ) -> Result<FillReport, Error> {
        let now = self.clock.now_ms();
        let (report, rolled, events) = {
            let mut st = self.lock();
            let rolled = super::market::roll_day(&mut st, &self.cfg, now);
            let open = take(&st, id)?;
            let fq = i128::from(quantity.units());
            let used = match open.remaining {
                Remaining::Base(_) => fq,
                Remaining::Quote(_) => fq.saturating_mul(i128::from(price.units())),
            };
            let (closed, overfilled) = release(&mut st, id, &open, used);
            let mut breaches = Vec::new();
            let realized = trade(&mut st, &open, fq, price, fee, now, &mut breaches);
            let mut events = super::market::evaluate(&mut st, now);
            breaches.append(&mut events.breaches);
            events.breaches = breaches;
            let rolled = rolled || st.hwm_moved(self.cfg.hwm_save_step);
            let report = FillReport {
                closed,
                realized: Value::from_units(realized),
                overfilled,
            };
            (report, rolled, events)
        };
        self.after(events, rolled);
        Ok(report)
    }

    /// The order was cancelled (or expired): its whole remaining reservation
    /// is released.
    pub fn cancel(&self, id: ReservationId) -> Result<(), Error> {
        let mut st = self.lock();
        let open = take(&st, id)?;
        release(&mut st, id, &open, i128::MAX);
        Ok(())
    }

    /// The exchange (or a later stage) refused the order: same as a cancel.
    pub fn reject(&self, id: ReservationId) -> Result<(), Error> {
        self.cancel(id)
    }
}

fn take(st: &State, id: ReservationId) -> Result<Open, Error> {
    st.orders
        .get(id.index as usize)
        .filter(|e| e.generation == id.generation)
        .and_then(|e| e.open)
        .ok_or(Error::UnknownReservation)
}

/// Releases the part of the reservation `used` consumes (all of it when it
/// covers the remainder); returns (closed, overfilled).
fn release(st: &mut State, id: ReservationId, open: &Open, used: i128) -> (bool, bool) {
    let (left, remaining) = match open.remaining {
        Remaining::Base(r) | Remaining::Quote(r) => (r, r),
    };
    let done = used >= left;
    let freed = if done {
        open.reserved
    } else {
        mul_div(open.reserved, used, remaining)
    };
    let slot = &mut st.slots[open.slot as usize];
    let (a, y) = (slot.account, slot.symbol);
    if open.reducing {
        let q = used.min(left);
        match open.side {
            Side::Buy => slot.reducing_buy -= q,
            Side::Sell => slot.reducing_sell -= q,
        }
    } else {
        slot.exposure.reserve(open.side, -freed);
        st.accounts[a as usize].exposure.reserve(open.side, -freed);
        st.symbols[y as usize].exposure.reserve(open.side, -freed);
        st.exposure.reserve(open.side, -freed);
        super::drift::touch(st, open.slot);
    }
    let entry = &mut st.orders[id.index as usize];
    if done {
        entry.open = None;
        entry.generation = entry.generation.wrapping_add(1);
        st.free.push(id.index);
        for u in [
            &mut st.global,
            &mut st.accounts[a as usize].usage,
            &mut st.strategies[open.strategy as usize].usage,
            &mut st.symbols[y as usize].usage,
        ] {
            u.open_orders = u.open_orders.saturating_sub(1);
        }
    } else if let Some(o) = entry.open.as_mut() {
        o.reserved -= freed;
        o.remaining = match o.remaining {
            Remaining::Base(r) => Remaining::Base(r - used),
            Remaining::Quote(r) => Remaining::Quote(r - used),
        };
    }
    (done, used > left)
}

/// Applies the trade to the position and cash; returns the realized P&L in
/// the valuation currency (net of the fee) and records losing trades.
fn trade(
    st: &mut State,
    open: &Open,
    fq: i128,
    price: Price,
    fee: Option<Fee>,
    now: u64,
    out: &mut Vec<Breach>,
) -> i128 {
    let p = i128::from(price.units());
    let slot = &mut st.slots[open.slot as usize];
    let (a, y) = (slot.account as usize, slot.symbol as usize);
    let d = match open.side {
        Side::Buy => fq,
        Side::Sell => -fq,
    };
    let mut realized_quote = 0i128;
    let mut closing = 0i128;
    if slot.qty != 0 && (slot.qty > 0) != (d > 0) {
        closing = d.abs().min(slot.qty.abs());
        let portion = mul_div(slot.cost, closing, slot.qty.abs());
        realized_quote = slot.qty.signum() * closing * p - portion;
        slot.cost -= portion;
        slot.qty += d.signum() * closing;
        if slot.qty == 0 {
            slot.cost = 0;
        }
    }
    let rest = d.abs() - closing;
    slot.qty += d.signum() * rest;
    slot.cost = slot.cost.saturating_add(d.signum() * rest * p);
    let quote = st.symbols[y].quote as usize;
    let cash = &mut st.accounts[a].cash;
    cash[quote] = cash[quote].saturating_sub(d.saturating_mul(p));
    let mut fee_value = 0;
    if let Some(fee) = fee {
        let ix = super::asset_index(st, fee.asset) as usize;
        let units = i128::from(fee.amount.units()) * i128::from(ONE);
        st.accounts[a].cash[ix] -= units;
        fee_value = st.assets[ix].rate.map_or(units, |r| convert(units, r));
    }
    super::market::revalue_cash(st, a);
    super::market::revalue(st, open.slot);
    let rate = st.assets[quote].rate.unwrap_or(Price::from_units(ONE));
    let realized = convert(realized_quote, rate).saturating_sub(fee_value);

    let strategy = &mut st.strategies[open.strategy as usize];
    let u = &mut strategy.usage;
    u.realized_today = u.realized_today.saturating_add(realized);
    let started = st.started;
    let over = u
        .limits
        .daily_loss
        .filter(|m| -u.realized_today > m.units());
    if let Some(max) = over.filter(|_| u.latch.is_none() && started) {
        let observed = Observed::Amount {
            limit: max,
            observed: Value::from_units(-u.realized_today),
        };
        let scope = Scope::Strategy(strategy.id);
        out.push(super::market::latch(
            u,
            scope,
            LimitKind::DailyLoss,
            observed,
            now,
        ));
    }
    if closing > 0 && realized < 0 {
        let (account, symbol) = (st.accounts[a].id, st.symbols[y].symbol);
        let strategy = st.strategies[open.strategy as usize].id;
        let scopes = [
            (&mut st.global, Scope::Global),
            (&mut st.accounts[a].usage, Scope::Account(account)),
            (
                &mut st.strategies[open.strategy as usize].usage,
                Scope::Strategy(strategy),
            ),
            (&mut st.symbols[y].usage, Scope::Symbol(symbol)),
        ];
        for (u, scope) in scopes {
            if u.record_loss(now) {
                let limit = u.limits.cooldown.map_or(0, |c| c.losing_trades());
                let observed = Observed::Count {
                    limit,
                    observed: limit,
                };
                out.push(Breach {
                    scope,
                    kind: LimitKind::LosingTrades,
                    observed,
                    at_ms: now,
                    state: TradingState::ReduceOnly,
                    until_ms: Some(u.cooldown_until),
                });
            }
        }
    }
    realized
}

/// `a × b / c` without intermediate overflow where possible (truncating).
pub(crate) fn mul_div(a: i128, b: i128, c: i128) -> i128 {
    if c == 0 {
        return 0;
    }
    match a.checked_mul(b) {
        Some(p) => p / c,
        None => (a / c)
            .saturating_mul(b)
            .saturating_add((a % c).saturating_mul(b) / c),
    }
}
