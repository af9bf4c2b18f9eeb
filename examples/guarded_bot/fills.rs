//! Resting orders, followed over REST: each answer is reported to the
//! gate's registry, which commits fills and releases what an order that
//! ended did not use (reports are cumulative, so one seen twice counts once).

use supreme_security::gate::LiveStatus;

use crate::setup::Bot;

/// Asks the exchange about every order the gate holds as resting.
pub(crate) async fn sync(bot: &Bot) {
    let gate = bot.guard.gate();
    for live in gate.live_orders() {
        if live.status != LiveStatus::Open {
            continue;
        }
        let id = live.client_order_id;
        // Unknown to the exchange, or the question failed: asked again on
        // the next round; the reservation stays held meanwhile.
        let Ok(Some(state)) = bot
            .guard
            .client()
            .query_order(&live.symbol, id.as_str())
            .await
        else {
            continue;
        };
        match gate.report(&id, state.report()) {
            Ok(applied) if applied.ended && !applied.filled.is_zero() => {
                println!(
                    "  FILLED   {id} on the way down: {} {}",
                    state.executed_qty, live.symbol
                );
            }
            Ok(_) => {}
            Err(e) => println!("  (gate registry: {e})"),
        }
    }
}
