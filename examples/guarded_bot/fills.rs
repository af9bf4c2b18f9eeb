//! Resting orders, followed over REST: each answer is reported to the
//! gate's registry, which commits fills and releases what an order that
//! ended did not use (reports are cumulative, so one seen twice counts once).

use supreme_security::gate::LiveStatus;

use crate::setup::Bot;

/// Asks the exchange about every order the gate holds as resting.
pub(crate) fn sync(bot: &Bot) {
    for live in bot.gate.live_orders() {
        if live.status != LiveStatus::Open {
            continue;
        }
        let id = live.client_order_id;
        // Unknown to the exchange, or the question failed: asked again on
        // the next round; the reservation stays held meanwhile.
        let Ok(Some(state)) = bot.client.query_order(&live.symbol, id.as_str()) else {
            continue;
        };
        match bot.gate.report(&id, state.report()) {
            Ok(applied) if applied.ended && !applied.filled.is_zero() => {
                println!(
                    "  FILLED   {id} on the way down: {} BTC",
                    state.executed_qty
                );
            }
            Ok(_) => {}
            Err(e) => println!("  (gate registry: {e})"),
        }
    }
}
