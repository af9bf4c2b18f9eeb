//! [`CloseOrder`]: the halt's capability to send one reduce-only close order.

use supreme_core::{Price, Quantity, Side, Symbol};

/// A reduce-only, immediate-or-cancel limit order that closes (part of) a
/// position, priced no worse than the mark price by the maximum slippage.
///
/// It is a capability, not a description: only the kill switch's
/// [`halt`](crate::KillSwitch::halt) makes one (there is no public
/// constructor and the fields are private), it cannot be cloned, and
/// [`Venue::close_position`](crate::Venue::close_position) takes it by value,
/// so each one planned is sent at most once. It can be
/// [`split`](Self::split) into pieces that add up to it (a venue's lot
/// limits), never grown, repriced or turned around. Holding one is proof that
/// the halt asked for this close.
///
/// The incident-response lockdown (a later issue) reuses it: after a trip, a
/// guarded client refuses everything except the venue's own calls (listing,
/// cancelling) and orders made from a `CloseOrder`.
///
/// A venue reads it through its getters:
///
/// ```
/// use std::sync::Mutex;
/// use supreme_core::{Side, Symbol};
/// use supreme_kill_switch::*;
///
/// /// Holds 0.3 BTC until a close order sells it.
/// struct Paper(Mutex<u64>, Mutex<Vec<String>>);
/// impl Venue for Paper {
///     async fn open_orders(&self) -> Result<Vec<OpenOrder>, VenueError> { Ok(vec![]) }
///     async fn cancel_all(&self, _: &Symbol) -> Result<(), VenueError> { Ok(()) }
///     async fn positions(&self) -> Result<Vec<Position>, VenueError> {
///         let held = *self.0.lock().unwrap();
///         Ok(vec![Position {
///             symbol: Symbol::new("BTCUSDT").unwrap(),
///             side: Side::Buy,
///             quantity: supreme_core::Quantity::from_units(held),
///             mark_price: "20000".parse().unwrap(),
///         }])
///     }
///     async fn close_position(&self, order: CloseOrder) -> Result<(), VenueError> {
///         assert!(order.reduce_only());
///         *self.0.lock().unwrap() -= order.quantity().units();
///         self.1.lock().unwrap().push(format!(
///             "{} {} {} limit {}",
///             order.side(), order.symbol(), order.quantity(), order.limit_price()
///         ));
///         Ok(())
///     }
/// }
///
/// let venue = Paper(Mutex::new(30_000_000), Mutex::new(vec![]));
/// let switch = KillSwitch::builder().build();
/// switch.trip(TripRequest::manual("drawdown", "doc"))?;
/// let config = HaltConfig {
///     flatten: Some(FlattenConfig::new(50, "0.2".parse()?)?),
///     ..HaltConfig::default()
/// };
/// let report = switch.halt(&venue, &config)?;
/// assert_eq!(report.close_orders_sent, 2);
/// assert_eq!(
///     *venue.1.lock().unwrap(),
///     ["SELL BTCUSDT 0.2 limit 19900", "SELL BTCUSDT 0.1 limit 19900"]
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Nothing outside the kill switch can make one, by struct literal:
///
/// ```compile_fail,E0451
/// use supreme_core::{Side, Symbol};
/// use supreme_kill_switch::CloseOrder;
/// let order = CloseOrder {
///     symbol: Symbol::new("BTCUSDT").unwrap(),
///     side: Side::Sell,
///     quantity: "1".parse().unwrap(),
///     limit_price: "1".parse().unwrap(),
/// };
/// ```
///
/// by constructor:
///
/// ```compile_fail,E0624
/// use supreme_core::{Side, Symbol};
/// use supreme_kill_switch::CloseOrder;
/// let order = CloseOrder::new(
///     Symbol::new("BTCUSDT").unwrap(),
///     Side::Sell,
///     "1".parse().unwrap(),
///     "1".parse().unwrap(),
/// );
/// ```
///
/// or through the halt's planner, which the crate keeps to itself:
///
/// ```compile_fail,E0425
/// use supreme_core::{Side, Symbol};
/// use supreme_kill_switch::{FlattenConfig, Position};
/// let position = Position {
///     symbol: Symbol::new("BTCUSDT").unwrap(),
///     side: Side::Buy,
///     quantity: "1".parse().unwrap(),
///     mark_price: "20000".parse().unwrap(),
/// };
/// let config = FlattenConfig::new(50, "1".parse().unwrap()).unwrap();
/// let orders = supreme_kill_switch::close_orders(&position, &config);
/// ```
///
/// and one it was given cannot be copied, to be sent twice:
///
/// ```compile_fail,E0599
/// use supreme_kill_switch::CloseOrder;
/// fn twice(order: CloseOrder) -> (CloseOrder, CloseOrder) {
///     (order.clone(), order)
/// }
/// ```
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a close order does nothing until a venue sends it"]
pub struct CloseOrder {
    symbol: Symbol,
    side: Side,
    quantity: Quantity,
    limit_price: Price,
}

impl CloseOrder {
    /// The halt's close order: `quantity` of `symbol` on `side`, at no worse
    /// than `limit_price`, reduce-only.
    pub(crate) fn new(symbol: Symbol, side: Side, quantity: Quantity, limit_price: Price) -> Self {
        Self {
            symbol,
            side,
            quantity,
            limit_price,
        }
    }

    /// Its symbol.
    pub fn symbol(&self) -> Symbol {
        self.symbol
    }

    /// Its side: the opposite of the position's.
    pub fn side(&self) -> Side {
        self.side
    }

    /// Its quantity: positive, at most the halt's chunk size and the position.
    pub fn quantity(&self) -> Quantity {
        self.quantity
    }

    /// The worst acceptable price: a sell's floor, a buy's ceiling.
    pub fn limit_price(&self) -> Price {
        self.limit_price
    }

    /// Always `true`: the order may only reduce the position.
    pub fn reduce_only(&self) -> bool {
        true
    }

    /// Splits off the first `first` of it (a venue's lot or notional cap):
    /// `(piece, rest)`, same symbol, side and limit, quantities adding up to
    /// this one's. `(self, None)` when `first` is zero or covers it all.
    ///
    /// ```
    /// # use supreme_kill_switch::CloseOrder;
    /// fn in_lots(mut order: CloseOrder, lot: supreme_core::Quantity) -> Vec<CloseOrder> {
    ///     let mut pieces = Vec::new();
    ///     loop {
    ///         let (piece, rest) = order.split(lot);
    ///         pieces.push(piece);
    ///         match rest {
    ///             Some(rest) => order = rest,
    ///             None => return pieces,
    ///         }
    ///     }
    /// }
    /// ```
    pub fn split(self, first: Quantity) -> (Self, Option<Self>) {
        if first.is_zero() || first >= self.quantity {
            return (self, None);
        }
        let rest = Quantity::from_units(self.quantity.units() - first.units());
        let piece = Self {
            quantity: first,
            ..self
        };
        let rest = Self {
            quantity: rest,
            ..self
        };
        (piece, Some(rest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(quantity: &str) -> CloseOrder {
        CloseOrder::new(
            Symbol::new("BTCUSDT").unwrap(),
            Side::Sell,
            quantity.parse().unwrap(),
            "19900".parse().unwrap(),
        )
    }

    #[test]
    fn split_pieces_add_up_and_keep_symbol_side_and_limit() {
        let (piece, rest) = order("1").split("0.3".parse().unwrap());
        let rest = rest.unwrap();
        assert_eq!(piece, order("0.3"));
        assert_eq!(rest, order("0.7"));
        assert!(piece.reduce_only() && rest.reduce_only());
    }

    #[test]
    fn split_at_zero_or_beyond_keeps_the_order_whole() {
        for at in ["0", "1", "5"] {
            let (whole, rest) = order("1").split(at.parse().unwrap());
            assert_eq!((whole, rest), (order("1"), None), "{at}");
        }
    }
}
