//! What the switch needs from a venue.

use std::fmt;

use rust_decimal::Decimal;

/// An open order as the venue reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOrder {
    /// Its symbol.
    pub symbol: String,
    /// The venue's order id.
    pub order_id: String,
}

/// A position as the venue reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// Its symbol.
    pub symbol: String,
    /// Signed quantity: positive long, negative short.
    pub quantity: Decimal,
    /// The venue's mark (or last) price, the reference for slippage bounds.
    pub mark_price: Decimal,
}

/// Order side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Buy (closes a short).
    Buy,
    /// Sell (closes a long).
    Sell,
}

/// A reduce-only, immediate-or-cancel limit order that closes (part of) a
/// position, priced no worse than the mark price by the maximum slippage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseOrder {
    /// Symbol.
    pub symbol: String,
    /// Side (opposite to the position).
    pub side: Side,
    /// Quantity (positive, at most the chunk size).
    pub quantity: Decimal,
    /// Worst acceptable price.
    pub limit_price: Decimal,
    /// Always `true`: the order may only reduce the position.
    pub reduce_only: bool,
}

/// A holding the halt leaves where it is, and why: an asset the bot does
/// not trade (a fee asset, an unrelated one), or dust no order can sell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftHolding {
    /// The asset, `BNB`.
    pub asset: String,
    /// How much of it (free plus locked).
    pub quantity: Decimal,
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
    fn cancel_all(&self, symbol: &str) -> Result<(), VenueError>;
    /// Every position (zero ones may be included).
    fn positions(&self) -> Result<Vec<Position>, VenueError>;
    /// Sends a reduce-only close order.
    fn close_position(&self, order: &CloseOrder) -> Result<(), VenueError>;
    /// What the last [`positions`](Self::positions) call left out on
    /// purpose (not traded by the bot, dust), for the halt's report. No I/O.
    fn left_alone(&self) -> Vec<LeftHolding> {
        Vec::new()
    }
}
