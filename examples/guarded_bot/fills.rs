//! Fills reported by the exchange, committed to the risk book.

use supreme_security::binance::OrderState;
use supreme_security::order_guard::{ONE, Price, Symbol};
use supreme_security::risk_limits::ReservationId;

use crate::setup::Bot;

/// Orders resting on the exchange with their risk reservations.
#[derive(Default)]
pub(crate) struct Resting(Vec<(Symbol, String, ReservationId)>);

impl Resting {
    /// Tracks a resting order.
    pub(crate) fn push(
        &mut self,
        symbol: Symbol,
        client_order_id: String,
        reservation: ReservationId,
    ) {
        self.0.push((symbol, client_order_id, reservation));
    }

    /// Asks the exchange about each resting order; fills are committed to
    /// the risk book, cancellations released.
    pub(crate) fn sync(&mut self, bot: &Bot) {
        self.0.retain(
            |(symbol, id, reservation)| match bot.client.query_order(symbol, id) {
                Ok(Some(state)) if state.status == "FILLED" => {
                    commit_fill(bot, *reservation, &state);
                    println!(
                        "  FILLED   {id} on the way down: {} BTC",
                        state.executed_qty
                    );
                    false
                }
                Ok(Some(state)) if state.is_open() => true,
                _ => {
                    let _ = bot.gate.risk().cancel(*reservation);
                    false
                }
            },
        );
    }
}

/// Commits an exchange fill (quantity and average price) to the risk book.
pub(crate) fn commit_fill(bot: &Bot, reservation: ReservationId, state: &OrderState) {
    let qty = state.executed_qty;
    let quote = u128::from(state.cumulative_quote_qty.units()) * u128::from(ONE);
    let avg = quote / u128::from(qty.units().max(1));
    let price = Price::from_units(u64::try_from(avg).unwrap_or(u64::MAX));
    if let Err(e) = bot.gate.risk().fill(reservation, qty, price, None) {
        println!("  (risk book: {e})");
    }
}
