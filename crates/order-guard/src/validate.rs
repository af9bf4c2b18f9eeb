//! [`Validator`]: every exchange filter and our own caps, all violations at once.

use crate::{
    CountScope, ExchangeFilters, ExchangeInfo, Field, Notional, ONE, Order, OrderContext, Policy,
    Price, Quantity, Side, SymbolRules, SymbolStatus, UnknownFilterPolicy, Violation, Violations,
    shape,
};

/// Checks orders against exchange rules and a [`Policy`]. Checking does no I/O
/// and no heap allocation.
///
/// ```
/// use supreme_order_guard::*;
/// let info = ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO)?;
/// let now = 1_694_131_200_000;
/// let ctx = OrderContext::new(now)
///     .with_reference(ReferencePrice { price: "25000".parse()?, observed_at_ms: now })
///     .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default());
/// let btc = Symbol::new("BTCUSDT")?;
/// let validator = Validator::default();
///
/// let good = Order::limit(btc, Side::Buy, "0.01".parse()?, "25000.00".parse()?);
/// assert!(validator.validate(&info, &good, &ctx).is_ok());
///
/// let off_tick = Order::limit(btc, Side::Buy, "0.01".parse()?, "25000.005".parse()?);
/// let violations = validator.validate(&info, &off_tick, &ctx).unwrap_err();
/// assert!(violations.any(|v| matches!(v, Violation::PriceNotOnTick { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Validator {
    policy: Policy,
}

impl Validator {
    /// A validator applying `policy`.
    pub const fn new(policy: Policy) -> Self {
        Self { policy }
    }

    /// The policy.
    pub const fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Validates `order` against the rules in `info`.
    #[allow(
        clippy::result_large_err,
        reason = "violations are held inline so the check path never allocates"
    )]
    pub fn validate(
        &self,
        info: &ExchangeInfo,
        order: &Order,
        ctx: &OrderContext<'_>,
    ) -> Result<(), Violations> {
        let mut out = Violations::new();
        match info.symbol(&order.symbol) {
            Some(rules) => self.check_into(rules, &info.exchange_filters, order, ctx, &mut out),
            None => out.push(Violation::UnknownSymbol),
        }
        if out.is_empty() { Ok(()) } else { Err(out) }
    }

    /// Validates `order` against one symbol's rules and the exchange filters,
    /// appending to `out` (reuse it across calls with [`Violations::clear`]).
    pub fn check_into(
        &self,
        rules: &SymbolRules,
        exchange: &ExchangeFilters,
        order: &Order,
        ctx: &OrderContext<'_>,
        out: &mut Violations,
    ) {
        shape::check(order, out);
        self.check_symbol(rules, exchange, order, out);
        let mut check = Check {
            validator: self,
            rules,
            order,
            ctx,
            out,
            reference: Reference::NotAsked,
        };
        check.prices();
        check.quantities();
        check.notional();
        check.counts(exchange);
        check.caps();
    }

    fn check_symbol(
        &self,
        rules: &SymbolRules,
        exchange: &ExchangeFilters,
        order: &Order,
        out: &mut Violations,
    ) {
        if rules.status != SymbolStatus::Trading {
            out.push(Violation::SymbolNotTrading {
                status: rules.status,
            });
        }
        if !rules.spot_trading_allowed {
            out.push(Violation::SpotTradingNotAllowed);
        }
        if !rules.order_types.contains(order.order_type) {
            out.push(Violation::OrderTypeNotAllowed {
                order_type: order.order_type,
            });
        }
        if order.iceberg_quantity.is_some() && !rules.iceberg_allowed {
            out.push(Violation::IcebergNotAllowed);
        }
        if order.quote_quantity.is_some() && !rules.quote_order_qty_market_allowed {
            out.push(Violation::QuoteQuantityNotAllowed);
        }
        if order.trailing_delta.is_some() && !rules.allow_trailing_stop {
            out.push(Violation::TrailingStopNotAllowed);
        }
        if self.policy.unknown_filters == UnknownFilterPolicy::Reject {
            for f in rules
                .unknown_filters
                .iter()
                .chain(&exchange.unknown_filters)
            {
                out.push(Violation::UnknownFilter {
                    filter_type: f.filter_type.clone(),
                });
            }
        }
    }
}

/// The reference price, asked for at most once per order.
#[derive(Clone, Copy)]
enum Reference {
    NotAsked,
    Usable(Price),
    Unusable,
}

/// One order's check in progress.
struct Check<'c, 'a> {
    validator: &'c Validator,
    rules: &'c SymbolRules,
    order: &'c Order,
    ctx: &'c OrderContext<'a>,
    out: &'c mut Violations,
    reference: Reference,
}

impl Check<'_, '_> {
    /// The usable reference price; the first call reports a missing or stale one.
    fn reference(&mut self) -> Option<Price> {
        if let Reference::NotAsked = self.reference {
            self.reference = match self.ctx.reference {
                None => {
                    self.out.push(Violation::ReferencePriceMissing);
                    Reference::Unusable
                }
                Some(r) => {
                    let age_ms = self.ctx.now_ms.saturating_sub(r.observed_at_ms);
                    let max_age_ms = self.validator.policy.max_reference_age_ms;
                    if age_ms > max_age_ms {
                        self.out
                            .push(Violation::ReferencePriceStale { age_ms, max_age_ms });
                        Reference::Unusable
                    } else {
                        Reference::Usable(r.price)
                    }
                }
            };
        }
        match self.reference {
            Reference::Usable(p) => Some(p),
            _ => None,
        }
    }

    fn prices(&mut self) {
        let (rules, order) = (self.rules, self.order);
        if let Some(filter) = &rules.price {
            if let Some(p) = order.price {
                filter.check(Field::Price, p, self.out);
            }
            if let Some(p) = order.stop_price {
                filter.check(Field::StopPrice, p, self.out);
            }
        }
        let Some(price) = order.price.filter(|_| order.order_type.has_price()) else {
            return;
        };
        if rules.percent_price.is_none() && rules.percent_price_by_side.is_none() {
            return;
        }
        let Some(reference) = self.reference() else {
            return;
        };
        if let Some(f) = &rules.percent_price {
            f.check(price, reference, self.out);
        }
        if let Some(f) = &rules.percent_price_by_side {
            f.check(order.side, price, reference, self.out);
        }
    }

    fn quantities(&mut self) {
        let (rules, order) = (self.rules, self.order);
        if let Some(lot) = &rules.lot_size {
            if let Some(q) = order.quantity {
                lot.check("LOT_SIZE", Field::Quantity, q, self.out);
            }
            if let Some(q) = order.iceberg_quantity {
                lot.check("LOT_SIZE", Field::IcebergQuantity, q, self.out);
            }
        }
        if let (Some(lot), Some(q), true) = (
            &rules.market_lot_size,
            order.quantity,
            order.order_type.executes_at_market(),
        ) {
            lot.check("MARKET_LOT_SIZE", Field::Quantity, q, self.out);
        }
        if let (Some(f), Some(q), Some(ice)) =
            (&rules.iceberg_parts, order.quantity, order.iceberg_quantity)
            && !ice.is_zero()
        {
            f.check(q, ice, self.out);
        }
        if let (Some(f), Side::Buy) = (&rules.max_position, order.side) {
            let bought = match (order.quantity, order.quote_quantity) {
                (Some(q), _) => Some(q),
                (None, Some(quote)) => self.reference().and_then(|r| quantity_for_quote(quote, r)),
                (None, None) => None,
            };
            if let Some(q) = bought {
                f.check(order.side, self.ctx.base_position, q, self.out);
            }
        }
        if let (Some(f), Some(delta)) = (&rules.trailing_delta, order.trailing_delta) {
            f.check(order.order_type, order.side, delta, self.out);
        }
    }

    /// MIN_NOTIONAL and NOTIONAL. Market orders are valued at the reference
    /// price (or at their quote quantity), as Binance does.
    fn notional(&mut self) {
        let (rules, order) = (self.rules, self.order);
        let at_market = order.order_type.executes_at_market();
        let min = rules.min_notional.filter(|f| f.applies(at_market));
        let range = rules.notional.filter(|f| f.applies(at_market));
        if min.is_none() && range.is_none() {
            return;
        }
        let notional = match (order.quote_quantity, order.quantity, order.price) {
            (Some(quote), _, _) => Notional::from_quote(quote),
            (None, Some(q), _) if at_market => match self.reference() {
                Some(reference) => Notional::of(reference, q),
                None => return,
            },
            (None, Some(q), Some(p)) => Notional::of(p, q),
            _ => return, // a missing field was already reported
        };
        if let Some(f) = min {
            f.check(notional, self.out);
        }
        if let Some(f) = range {
            f.check(notional, at_market, self.out);
        }
    }

    fn counts(&mut self, exchange: &ExchangeFilters) {
        let (order, ctx) = (self.order, self.ctx);
        let symbol_known = self.rules.order_limits.check(
            CountScope::Symbol,
            order,
            ctx.open_on_symbol.as_ref(),
            self.out,
        );
        let account_known = exchange.order_limits.check(
            CountScope::Exchange,
            order,
            ctx.open_on_account.as_ref(),
            self.out,
        );
        if !symbol_known || !account_known {
            self.out.push(Violation::OpenOrdersUnknown);
        }
    }

    /// Our fat-finger caps and the duplicate client id check.
    fn caps(&mut self) {
        let (order, ctx, policy) = (self.order, self.ctx, &self.validator.policy);
        if let (Some(id), Some(in_flight)) = (order.client_order_id, ctx.in_flight)
            && in_flight.contains(&id)
        {
            self.out.push(Violation::DuplicateClientOrderId { id });
        }
        if let (Some(max), Some(q)) = (policy.max_order_quantity, order.quantity)
            && q > max
        {
            self.out
                .push(Violation::FatFingerQuantity { quantity: q, max });
        }
        let Some(max) = policy.max_order_notional else {
            return;
        };
        let notional = match (order.quote_quantity, order.quantity) {
            (Some(quote), _) => Notional::from_quote(quote),
            (None, Some(q)) if order.order_type.executes_at_market() => {
                match ctx.worst_case_price {
                    Some(p) => Notional::of(p, q),
                    None => return self.out.push(Violation::WorstCasePriceMissing),
                }
            }
            (None, Some(q)) => match order.price {
                Some(p) => Notional::of(p, q),
                None => return,
            },
            (None, None) => return,
        };
        let max = Notional::from_quote(max);
        if notional > max {
            self.out
                .push(Violation::FatFingerNotional { notional, max });
        }
    }
}

/// The base quantity a quote amount buys at `price`, rounded up (used to
/// judge quote-quantity orders against quantity limits conservatively).
fn quantity_for_quote(quote: Quantity, price: Price) -> Option<Quantity> {
    if price.is_zero() {
        return None;
    }
    let units = (u128::from(quote.units()) * u128::from(ONE)).div_ceil(u128::from(price.units()));
    u64::try_from(units).ok().map(Quantity::from_units)
}
