//! Normalization: move an order onto the exchange's grid toward the safe
//! side, then validate it.

use serde::Serialize;

use crate::{ExchangeInfo, Order, OrderContext, Side, Validator, Violation, Violations};

/// An order moved onto the grid and found valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Normalized {
    /// The adjusted order.
    pub order: Order,
    /// True when any field changed.
    pub adjusted: bool,
}

impl Validator {
    /// Rounds prices to the tick (a buy down, a sell up: never a worse price)
    /// and quantities down to the step (never more than asked), then
    /// validates. When no valid order exists, the violations say why.
    ///
    /// ```
    /// use supreme_order_guard::*;
    /// let info = ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO)?;
    /// let ctx = OrderContext::new(0)
    ///     .with_reference(ReferencePrice { price: "25000".parse()?, observed_at_ms: 0 })
    ///     .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default());
    /// let order = Order::limit(Symbol::new("BTCUSDT")?, Side::Buy, "0.012345".parse()?, "25000.019".parse()?);
    /// let n = Validator::default().normalize(&info, &order, &ctx).unwrap();
    /// assert_eq!(n.order.price.unwrap().to_string(), "25000.01");
    /// assert_eq!(n.order.quantity.unwrap().to_string(), "0.01234");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[allow(
        clippy::result_large_err,
        reason = "violations are held inline so the check path never allocates"
    )]
    pub fn normalize(
        &self,
        info: &ExchangeInfo,
        order: &Order,
        ctx: &OrderContext<'_>,
    ) -> Result<Normalized, Violations> {
        let Some(rules) = info.symbol(&order.symbol) else {
            let mut out = Violations::new();
            out.push(Violation::UnknownSymbol);
            return Err(out);
        };
        let mut n = *order;
        let down = order.side == Side::Buy;
        if let Some(filter) = &rules.price {
            // Rounding up past u64 is impossible for real prices; keep the
            // original and let validation name the problem.
            n.price = n.price.map(|p| filter.round(p, down).unwrap_or(p));
            n.stop_price = n.stop_price.map(|p| filter.round(p, down).unwrap_or(p));
        }
        if let Some(lot) = &rules.lot_size {
            n.quantity = n.quantity.map(|q| lot.round_down(q));
            n.iceberg_quantity = n.iceberg_quantity.map(|q| lot.round_down(q));
        }
        if let (Some(lot), true) = (
            &rules.market_lot_size,
            order.order_type.executes_at_market(),
        ) {
            n.quantity = n.quantity.map(|q| lot.round_down(q));
        }
        let mut out = Violations::new();
        self.check_into(rules, &info.exchange_filters, &n, ctx, &mut out);
        if out.is_empty() {
            Ok(Normalized {
                order: n,
                adjusted: n != *order,
            })
        } else {
            Err(out)
        }
    }
}
