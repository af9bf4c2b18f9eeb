//! What the switch needs from a venue.

mod close_order;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use supreme_core::{Asset, Price, Quantity, Side, Symbol};

pub use close_order::CloseOrder;

/// An open order as the venue reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOrder {
    /// Its symbol.
    pub symbol: Symbol,
    /// The venue's order id.
    pub order_id: String,
}

/// A position as the venue reports it, in exact amounts.
///
/// ```
/// use supreme_core::{Side, Symbol};
/// use supreme_kill_switch::Position;
/// // Short 7 ETH at a mark of 2000: closed by buying.
/// let short = Position {
///     symbol: Symbol::new("ETHUSDT")?,
///     side: Side::Sell,
///     quantity: "7".parse()?,
///     mark_price: "2000".parse()?,
/// };
/// assert_eq!(short.side.opposite(), Side::Buy);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// Its symbol.
    pub symbol: Symbol,
    /// The side that built it: [`Side::Buy`] for a long (held),
    /// [`Side::Sell`] for a short (owed). Closing takes the opposite side.
    pub side: Side,
    /// Its size (zero: flat).
    pub quantity: Quantity,
    /// The venue's mark (or last) price, the reference for slippage bounds.
    pub mark_price: Price,
}

/// A holding the halt leaves where it is, and why: an asset the bot does
/// not trade (a fee asset, an unrelated one), or dust no order can sell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftHolding {
    /// The asset, `BNB`.
    pub asset: Asset,
    /// How much of it (free plus locked).
    pub quantity: Quantity,
    /// Why it was left, with the amounts that decided it.
    pub reason: String,
}

/// A venue's failure, as text (the adapter decides what it says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VenueError {
    /// What went wrong.
    pub message: String,
}

impl VenueError {
    /// A new error.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for VenueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A trading venue, as far as stopping is concerned. Calls are async and
/// their futures `Send`; adapters should apply their own request timeouts.
///
/// The halt runs these futures on a runtime of its own, on a thread of its
/// own (see [`KillSwitch::halt`](crate::KillSwitch::halt)), so a stalled
/// application runtime cannot delay them. For that to hold, a venue must not
/// depend on the application's runtime: give it its own HTTP client (pooled
/// connections are driven by the runtime that opened them, so a connection
/// opened by a stuck runtime stalls every request sent over it).
///
/// The trait is not object safe (its methods return `impl Future`); a
/// [`DynVenue`] (every `Venue` is one) is the `dyn` form.
pub trait Venue: Send + Sync {
    /// Every open order, on every symbol.
    fn open_orders(&self) -> impl Future<Output = Result<Vec<OpenOrder>, VenueError>> + Send;
    /// Cancels every open order on `symbol`.
    fn cancel_all(&self, symbol: &Symbol) -> impl Future<Output = Result<(), VenueError>> + Send;
    /// Every position (zero ones may be included).
    fn positions(&self) -> impl Future<Output = Result<Vec<Position>, VenueError>> + Send;
    /// Sends a reduce-only close order, once (in pieces if the venue's
    /// limits need it). The order is the halt's capability and is consumed:
    /// nothing else can make one, so a venue that sends only what it is
    /// given here sends only the halt's closes.
    fn close_position(
        &self,
        order: CloseOrder,
    ) -> impl Future<Output = Result<(), VenueError>> + Send;
    /// What the last [`positions`](Self::positions) call left out on
    /// purpose (not traded by the bot, dust), for the halt's report. No I/O.
    fn left_alone(&self) -> Vec<LeftHolding> {
        Vec::new()
    }
}

/// A boxed venue future.
pub type BoxVenueFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, VenueError>> + Send + 'a>>;

/// [`Venue`] in `dyn` form, for `Arc<dyn DynVenue>` (the
/// [`Responder`](crate::Responder)'s venue). Every [`Venue`] is one, and
/// `dyn DynVenue` is a [`Venue`], so the halt takes either.
///
/// ```
/// use std::sync::Arc;
/// use supreme_core::Symbol;
/// use supreme_kill_switch::*;
///
/// struct Empty;
/// impl Venue for Empty {
///     async fn open_orders(&self) -> Result<Vec<OpenOrder>, VenueError> { Ok(vec![]) }
///     async fn cancel_all(&self, _: &Symbol) -> Result<(), VenueError> { Ok(()) }
///     async fn positions(&self) -> Result<Vec<Position>, VenueError> { Ok(vec![]) }
///     async fn close_position(&self, _: CloseOrder) -> Result<(), VenueError> { Ok(()) }
/// }
/// let venue: Arc<dyn DynVenue> = Arc::new(Empty);
/// let switch = KillSwitch::builder().build();
/// switch.trip(TripRequest::manual("test", "doc"))?;
/// let report = switch.halt(venue.as_ref(), &HaltConfig::default())?;
/// assert_eq!(report.orders_found, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait DynVenue: Send + Sync {
    /// [`Venue::open_orders`], boxed.
    fn open_orders_boxed(&self) -> BoxVenueFuture<'_, Vec<OpenOrder>>;
    /// [`Venue::cancel_all`], boxed.
    fn cancel_all_boxed<'a>(&'a self, symbol: &'a Symbol) -> BoxVenueFuture<'a, ()>;
    /// [`Venue::positions`], boxed.
    fn positions_boxed(&self) -> BoxVenueFuture<'_, Vec<Position>>;
    /// [`Venue::close_position`], boxed.
    fn close_position_boxed(&self, order: CloseOrder) -> BoxVenueFuture<'_, ()>;
    /// [`Venue::left_alone`].
    fn left_alone_dyn(&self) -> Vec<LeftHolding>;
}

impl<V: Venue> DynVenue for V {
    fn open_orders_boxed(&self) -> BoxVenueFuture<'_, Vec<OpenOrder>> {
        Box::pin(self.open_orders())
    }
    fn cancel_all_boxed<'a>(&'a self, symbol: &'a Symbol) -> BoxVenueFuture<'a, ()> {
        Box::pin(self.cancel_all(symbol))
    }
    fn positions_boxed(&self) -> BoxVenueFuture<'_, Vec<Position>> {
        Box::pin(self.positions())
    }
    fn close_position_boxed(&self, order: CloseOrder) -> BoxVenueFuture<'_, ()> {
        Box::pin(self.close_position(order))
    }
    fn left_alone_dyn(&self) -> Vec<LeftHolding> {
        self.left_alone()
    }
}

impl Venue for dyn DynVenue {
    fn open_orders(&self) -> impl Future<Output = Result<Vec<OpenOrder>, VenueError>> + Send {
        self.open_orders_boxed()
    }
    async fn cancel_all(&self, symbol: &Symbol) -> Result<(), VenueError> {
        self.cancel_all_boxed(symbol).await
    }
    fn positions(&self) -> impl Future<Output = Result<Vec<Position>, VenueError>> + Send {
        self.positions_boxed()
    }
    fn close_position(
        &self,
        order: CloseOrder,
    ) -> impl Future<Output = Result<(), VenueError>> + Send {
        self.close_position_boxed(order)
    }
    fn left_alone(&self) -> Vec<LeftHolding> {
        self.left_alone_dyn()
    }
}
