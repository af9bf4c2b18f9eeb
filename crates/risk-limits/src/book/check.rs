//! `check_and_reserve`: reducing orders pass; others must fit every limit of
//! every scope they belong to, with their worst-case value reserved.

use supreme_order_guard::{ONE, Order, OrderType, Side};

use super::state::{Entry, Exposure, Open, Remaining, State, Usage};
use super::{Accepted, Config, Origin, ReservationId, Warnings};

use crate::amount::{SMALL, convert, mul_small};
use crate::{
    ConcentrationLimit, LimitKind, LimitSet, Observed, Pct, Rejection, Scope, TradingState, Value,
};

/// Account and strategy indices of `origin`.
pub(crate) fn resolve(st: &State, origin: Origin) -> Result<(u32, u32), Rejection> {
    let a = *st
        .account_ix
        .get(&origin.account)
        .ok_or(Rejection::UnknownAccount(origin.account))?;
    let s = *st
        .strategy_ix
        .get(&origin.strategy)
        .ok_or(Rejection::UnknownStrategy(origin.strategy))?;
    Ok((a, s))
}

pub(crate) fn check(
    st: &mut State,
    cfg: &Config,
    order: &Order,
    (a, s): (u32, u32),
    now: u64,
) -> Result<Accepted, Rejection> {
    let y = *st
        .symbol_ix
        .get(&order.symbol)
        .ok_or(Rejection::UnknownSymbol(order.symbol))?;
    let slot = super::slot_index(st, a, y);
    if let Some(q) = order.quantity.filter(|_| order.quote_quantity.is_none()) {
        let q = i128::from(q.units());
        let sl = &st.slots[slot as usize];
        let (pos, pending) = match order.side {
            Side::Sell => (sl.qty, sl.reducing_sell),
            Side::Buy => (-sl.qty, sl.reducing_buy),
        };
        if q > 0 && pos > 0 && pending.saturating_add(q) <= pos {
            let sl = &mut st.slots[slot as usize];
            match order.side {
                Side::Sell => sl.reducing_sell += q,
                Side::Buy => sl.reducing_buy += q,
            }
            let open = Open {
                slot,
                strategy: s,
                side: order.side,
                reducing: true,
                remaining: Remaining::Base(q),
                reserved: 0,
            };
            return Ok(Accepted {
                id: accept(st, a, s, y, open, now),
                reducing: true,
                warnings: Warnings::default(),
            });
        }
    }
    if !st.started {
        return Err(Rejection::NotStarted);
    }
    if st.persist_failed {
        return Err(Rejection::StateNotPersisted);
    }
    // Scopes are named only when something is refused or warned about.
    let symbol = &order.symbol;
    gate(&mut st.global, || Scope::Global, now)?;
    let account = &mut st.accounts[a as usize];
    gate(&mut account.usage, || Scope::Account(account.id), now)?;
    let strategy = &mut st.strategies[s as usize];
    gate(&mut strategy.usage, || Scope::Strategy(strategy.id), now)?;
    gate(
        &mut st.symbols[y as usize].usage,
        || Scope::Symbol(*symbol),
        now,
    )?;
    super::drift::gate(st, a, y, slot)?;

    let info = &st.symbols[y as usize];
    let mark = info.mark.ok_or(Rejection::NoMark(*symbol))?;
    let quote = &st.assets[info.quote as usize];
    let rate = quote.rate.ok_or(Rejection::NoRate(quote.asset))?;
    let (value, remaining) = worst_value(order, mark.units(), rate, cfg.market_buffer)?;

    // Reserved in place in the four exposures the limits look at; a refusal
    // puts back the one figure each changed, exactly as it was.
    let side = order.side;
    let (sl, ai, yi) = (slot as usize, a as usize, y as usize);
    let held = [
        st.slots[sl].exposure.reserved(side),
        st.accounts[ai].exposure.reserved(side),
        st.symbols[yi].exposure.reserved(side),
        st.exposure.reserved(side),
    ];
    st.slots[sl].exposure.reserve(side, value);
    st.accounts[ai].exposure.reserve(side, value);
    st.symbols[yi].exposure.reserve(side, value);
    st.exposure.reserve(side, value);
    let mut warnings = Warnings::default();
    if let Err(refused) = within_limits(st, (ai, yi, sl), &mut warnings) {
        st.slots[sl].exposure.set_reserved(side, held[0]);
        st.accounts[ai].exposure.set_reserved(side, held[1]);
        st.symbols[yi].exposure.set_reserved(side, held[2]);
        st.exposure.set_reserved(side, held[3]);
        return Err(refused);
    }
    super::drift::touch(st, slot);
    let open = Open {
        slot,
        strategy: s,
        side,
        reducing: false,
        remaining,
        reserved: value,
    };
    Ok(Accepted {
        id: accept(st, a, s, y, open, now),
        reducing: false,
        warnings,
    })
}

/// The global, account and symbol limits, on exposures that already hold
/// the order's reservation; warnings are added to `warnings`.
fn within_limits(
    st: &State,
    (a, y, slot): (usize, usize, usize),
    warnings: &mut Warnings,
) -> Result<(), Rejection> {
    let info = &st.symbols[y];
    let account = &st.accounts[a];
    let global_eq = st.global_equity();
    let global = Exposures {
        pos: &info.exposure,
        whole: &st.exposure,
        own: &st.exposure,
        equity: global_eq,
    };
    limits(|| Scope::Global, &st.global, &global, warnings)?;
    let acct = Exposures {
        pos: &st.slots[slot].exposure,
        whole: &account.exposure,
        own: &account.exposure,
        equity: account.equity(),
    };
    limits(
        || Scope::Account(account.id),
        &account.usage,
        &acct,
        warnings,
    )?;
    let sym = Exposures {
        pos: &info.exposure,
        whole: &st.exposure,
        own: &info.exposure,
        equity: global_eq,
    };
    limits(|| Scope::Symbol(info.symbol), &info.usage, &sym, warnings)
}

/// State, cooldown, open-order and rate checks of one scope.
fn gate(u: &mut Usage, scope: impl Fn() -> Scope, now: u64) -> Result<(), Rejection> {
    match u.state(now) {
        TradingState::Active => {}
        _ if u.latch.is_none()
            && u.operator_state == TradingState::Active
            && now < u.cooldown_until =>
        {
            return Err(Rejection::CoolingDown {
                scope: scope(),
                until_ms: u.cooldown_until,
            });
        }
        state => {
            return Err(Rejection::State {
                scope: scope(),
                state,
            });
        }
    }
    if let Some(max) = u.limits.max_open_orders {
        let observed = u.open_orders.saturating_add(1);
        if observed > max.get() {
            let observed = Observed::Count {
                limit: max.get(),
                observed,
            };
            return Err(Rejection::Limit {
                scope: scope(),
                kind: LimitKind::OpenOrders,
                observed,
            });
        }
    }
    if let Some(rate) = u.limits.order_rate {
        let observed = u.sent_in_window(now).saturating_add(1);
        if observed > rate.max_orders() {
            let observed = Observed::Count {
                limit: rate.max_orders(),
                observed,
            };
            return Err(Rejection::Limit {
                scope: scope(),
                kind: LimitKind::OrderRate,
                observed,
            });
        }
    }
    Ok(())
}

/// The exposures a scope's limits look at, after the order.
struct Exposures<'a> {
    /// The position the order adds to (per symbol).
    pos: &'a Exposure,
    /// Everything concentration is a share of.
    whole: &'a Exposure,
    /// What the gross and net caps cover.
    own: &'a Exposure,
    equity: i128,
}

/// A scope's share and exposure limits (most scopes have none: no work).
#[inline]
fn limits(
    scope: impl Fn() -> Scope,
    u: &Usage,
    x: &Exposures<'_>,
    w: &mut Warnings,
) -> Result<(), Rejection> {
    if u.exposure_limits {
        limits_set(scope, &u.limits, x, w)
    } else {
        Ok(())
    }
}

fn limits_set(
    scope: impl Fn() -> Scope,
    l: &LimitSet,
    x: &Exposures<'_>,
    w: &mut Warnings,
) -> Result<(), Rejection> {
    let reject = |kind, observed| {
        Err(Rejection::Limit {
            scope: scope(),
            kind,
            observed,
        })
    };
    let small = |v: i128| (-SMALL..SMALL).contains(&v);
    let needs_part = l.position.is_some() || l.concentration.is_some();
    let part = if needs_part { x.pos.side_max() } else { 0 };
    let plain = small(part) && small(x.equity);
    if let Some(p) = l.position {
        if over(p.max(), part, x.equity, plain) {
            let observed = Observed::Share {
                limit: p.max(),
                observed: Pct::ratio(part, x.equity),
            };
            return reject(LimitKind::Position, observed);
        }
        if let Some(warn) = p.warn().filter(|w| over(*w, part, x.equity, plain)) {
            let observed = Pct::ratio(part, x.equity);
            w.push(scope(), LimitKind::Position, warn, observed);
        }
    }
    if let Some(c) = l.concentration {
        let whole = x.whole.gross();
        let plain = plain && small(whole);
        if concentration_active(&c, whole, x.equity, plain) && over(c.max(), part, whole, plain) {
            let observed = Observed::Share {
                limit: c.max(),
                observed: Pct::ratio(part, whole),
            };
            return reject(LimitKind::Concentration, observed);
        }
    }
    if let Some(cap) = l.gross_exposure {
        let gross = x.own.gross();
        if gross > cap.units() {
            let observed = Observed::Amount {
                limit: cap,
                observed: Value::from_units(gross),
            };
            return reject(LimitKind::GrossExposure, observed);
        }
    }
    if let Some(cap) = l.net_exposure {
        let net = x.own.net_worst();
        if net > cap.units() {
            let observed = Observed::Amount {
                limit: cap,
                observed: Value::from_units(net),
            };
            return reject(LimitKind::NetExposure, observed);
        }
    }
    Ok(())
}

/// Concentration applies once the gross exposure `whole` reaches
/// `active_from` of `equity` (always without equity); `plain` as for [`over`].
#[inline]
pub(crate) fn concentration_active(
    c: &ConcentrationLimit,
    whole: i128,
    equity: i128,
    plain: bool,
) -> bool {
    equity <= 0
        || if plain {
            whole * i128::from(ONE) >= equity * c.active_from().units()
        } else {
            match (
                mul_small(whole, i128::from(ONE)),
                mul_small(equity, c.active_from().units()),
            ) {
                (Some(l), Some(r)) => l >= r,
                _ => true,
            }
        }
}

/// `part / whole > limit` as [`Pct::exceeded_by`] decides it; with `plain`
/// (both magnitudes below [`SMALL`], 10¹¹ currency units) by plain products,
/// which cannot overflow there, skipping the checked multiplications.
#[inline]
pub(crate) fn over(limit: Pct, part: i128, whole: i128, plain: bool) -> bool {
    if plain {
        part > 0 && (whole <= 0 || part * i128::from(ONE) > whole * limit.units())
    } else {
        limit.exceeded_by(part, whole)
    }
}

/// The order's worst-case value in the valuation currency: at the worse of
/// its limit (or stop) price and the mark; market-executed orders at the mark
/// (or stop) plus the configured buffer.
fn worst_value(
    order: &Order,
    mark: u64,
    rate: supreme_order_guard::Price,
    buffer: Pct,
) -> Result<(i128, Remaining), Rejection> {
    let buffered = |p: u64| buffered(p, buffer.fraction_units());
    let stop = order.stop_price.map_or(mark, |p| p.units()).max(mark);
    let px: u128 = match order.order_type {
        OrderType::Market => buffered(mark),
        OrderType::StopLoss | OrderType::TakeProfit => buffered(stop),
        OrderType::Limit
        | OrderType::LimitMaker
        | OrderType::StopLossLimit
        | OrderType::TakeProfitLimit => {
            u128::from(order.price.ok_or(Rejection::Unpriced)?.units().max(stop))
        }
    };
    match (order.quantity, order.quote_quantity) {
        (Some(q), None) if !q.is_zero() => {
            // u64 × u64 is exact in u128 (one multiply); beyond i128: saturate.
            let notional = u64::try_from(px)
                .ok()
                .and_then(|px| i128::try_from(u128::from(q.units()) * u128::from(px)).ok())
                .unwrap_or(i128::MAX);
            let q = i128::from(q.units());
            Ok((convert(notional, rate), Remaining::Base(q)))
        }
        (None, Some(quote)) if !quote.is_zero() => {
            let worst = i128::try_from(buffered(quote.units()))
                .ok()
                .and_then(|w| mul_small(w, i128::from(ONE)))
                .unwrap_or(i128::MAX);
            let quote = i128::from(quote.units()) * i128::from(ONE);
            Ok((convert(worst, rate), Remaining::Quote(quote)))
        }
        _ => Err(Rejection::Unpriced),
    }
}

/// `p × (1 + buffer)` (`buffer` in 10⁻⁸ of 1), rounded up, as
/// `p + ⌈p × buffer⌉`: the same integer (`p × 1` needs no rounding), which
/// cannot overflow, by a 64-bit division whenever `p × buffer` fits one
/// (a 128-bit division is a library call).
#[inline]
pub(crate) fn buffered(p: u64, buffer: u64) -> u128 {
    let extra = u128::from(p) * u128::from(buffer);
    let up = match u64::try_from(extra) {
        Ok(x) => u128::from(x.div_ceil(ONE)),
        Err(_) => extra.div_ceil(u128::from(ONE)),
    };
    u128::from(p) + up
}

/// Records an accepted order in every scope and the slab.
fn accept(st: &mut State, a: u32, s: u32, y: u32, open: Open, now: u64) -> ReservationId {
    for u in [
        &mut st.global,
        &mut st.accounts[a as usize].usage,
        &mut st.strategies[s as usize].usage,
        &mut st.symbols[y as usize].usage,
    ] {
        u.open_orders = u.open_orders.saturating_add(1);
        u.record_sent(now);
    }
    let index = match st.free.pop() {
        Some(i) => i,
        None => {
            st.orders.push(Entry {
                generation: 0,
                open: None,
            });
            u32::try_from(st.orders.len() - 1).unwrap_or(u32::MAX)
        }
    };
    let entry = &mut st.orders[index as usize];
    entry.open = Some(open);
    ReservationId {
        index,
        generation: entry.generation,
    }
}
