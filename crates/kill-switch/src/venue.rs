//! What the switch needs from a venue.

mod close_order;

use std::fmt;

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

/// A trading venue, as far as stopping is concerned. Calls are blocking;
/// adapters should apply their own request timeouts.
pub trait Venue: Send + Sync {
    /// Every open order, on every symbol.
    fn open_orders(&self) -> Result<Vec<OpenOrder>, VenueError>;
    /// Cancels every open order on `symbol`.
    fn cancel_all(&self, symbol: &Symbol) -> Result<(), VenueError>;
    /// Every position (zero ones may be included).
    fn positions(&self) -> Result<Vec<Position>, VenueError>;
    /// Sends a reduce-only close order, once (in pieces if the venue's
    /// limits need it). The order is the halt's capability and is consumed:
    /// nothing else can make one, so a venue that sends only what it is
    /// given here sends only the halt's closes.
    fn close_position(&self, order: CloseOrder) -> Result<(), VenueError>;
    /// What the last [`positions`](Self::positions) call left out on
    /// purpose (not traded by the bot, dust), for the halt's report. No I/O.
    fn left_alone(&self) -> Vec<LeftHolding> {
        Vec::new()
    }
}
