//! What the caller knows at the moment of an order: [`OrderContext`],
//! [`ReferencePrice`], and the client ids in flight ([`InFlightOrders`]).

use std::collections::HashSet;

use crate::{ClientOrderId, OpenOrderCounts, Price, Quantity};

/// The symbol's reference price (Binance's average price over
/// `avgPriceMins`), with when it was observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferencePrice {
    /// The price.
    pub price: Price,
    /// When it was observed, Unix milliseconds.
    pub observed_at_ms: u64,
}

/// Client order ids sent and not yet final: a second order with one of them
/// is a duplicate.
///
/// ```
/// use supreme_order_guard::{ClientOrderId, InFlightOrders};
/// let mut in_flight = InFlightOrders::default();
/// let id = ClientOrderId::new("bot-1")?;
/// assert!(in_flight.insert(id));
/// assert!(!in_flight.insert(id)); // already in flight
/// in_flight.remove(&id);
/// # Ok::<(), supreme_order_guard::NameError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct InFlightOrders {
    ids: HashSet<ClientOrderId>,
}

impl InFlightOrders {
    /// Marks `id` in flight; `false` if it already was.
    pub fn insert(&mut self, id: ClientOrderId) -> bool {
        self.ids.insert(id)
    }

    /// The order reached a final state (filled, cancelled, rejected, expired).
    pub fn remove(&mut self, id: &ClientOrderId) -> bool {
        self.ids.remove(id)
    }

    /// True when `id` is in flight.
    pub fn contains(&self, id: &ClientOrderId) -> bool {
        self.ids.contains(id)
    }

    /// How many ids are in flight.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when none are.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Facts about the account and market that validation needs and cannot know
/// itself. Missing facts that a rule needs reject the order (fail closed).
///
/// ```
/// use supreme_order_guard::{OpenOrderCounts, OrderContext, ReferencePrice};
/// let now = 1_694_131_200_000;
/// let ctx = OrderContext::new(now)
///     .with_reference(ReferencePrice { price: "25000".parse()?, observed_at_ms: now })
///     .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default());
/// assert!(ctx.reference.is_some());
/// # Ok::<(), supreme_order_guard::AmountError>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct OrderContext<'a> {
    /// Now, Unix milliseconds (for the reference price's age).
    pub now_ms: u64,
    /// The symbol's reference (average) price.
    pub reference: Option<ReferencePrice>,
    /// Open orders on this symbol.
    pub open_on_symbol: Option<OpenOrderCounts>,
    /// Open orders on the whole account.
    pub open_on_account: Option<OpenOrderCounts>,
    /// Base asset balance plus open BUY quantity (for MAX_POSITION).
    pub base_position: Option<Quantity>,
    /// Worst price a market order may fill at (for our notional cap).
    pub worst_case_price: Option<Price>,
    /// Client ids in flight (for the duplicate check).
    pub in_flight: Option<&'a InFlightOrders>,
}

impl<'a> OrderContext<'a> {
    /// A context at `now_ms` knowing nothing else yet.
    pub const fn new(now_ms: u64) -> Self {
        Self {
            now_ms,
            reference: None,
            open_on_symbol: None,
            open_on_account: None,
            base_position: None,
            worst_case_price: None,
            in_flight: None,
        }
    }

    /// With the reference price.
    pub const fn with_reference(mut self, reference: ReferencePrice) -> Self {
        self.reference = Some(reference);
        self
    }

    /// With open-order counts on the symbol and on the account.
    pub const fn with_open_orders(
        mut self,
        symbol: OpenOrderCounts,
        account: OpenOrderCounts,
    ) -> Self {
        self.open_on_symbol = Some(symbol);
        self.open_on_account = Some(account);
        self
    }

    /// With the position MAX_POSITION counts (base balance + open BUY quantity).
    pub const fn with_base_position(mut self, position: Quantity) -> Self {
        self.base_position = Some(position);
        self
    }

    /// With the worst-case fill price for market orders.
    pub const fn with_worst_case_price(mut self, price: Price) -> Self {
        self.worst_case_price = Some(price);
        self
    }

    /// With the client ids in flight.
    pub const fn with_in_flight(mut self, in_flight: &'a InFlightOrders) -> Self {
        self.in_flight = Some(in_flight);
        self
    }
}
