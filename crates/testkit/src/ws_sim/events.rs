//! Market events, as Binance's streams send them, pushed by the test.

use std::sync::atomic::Ordering;

use serde_json::json;

use super::WsSim;

fn stream(symbol: &str, kind: &str) -> String {
    format!("{}@{kind}", symbol.to_ascii_lowercase())
}

impl WsSim {
    /// Pushes a `bookTicker` on `<symbol>@bookTicker` (Binance's spot
    /// bookTicker has no event time).
    pub fn book_ticker(&self, symbol: &str, bid: &str, bid_qty: &str, ask: &str, ask_qty: &str) {
        let sh = self.shared();
        let u = sh.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let data = json!({ "u": u, "s": symbol, "b": bid, "B": bid_qty, "a": ask, "A": ask_qty });
        sh.publish(&stream(symbol, "bookTicker"), &data.to_string());
    }

    /// Pushes a `trade` on `<symbol>@trade` and an `aggTrade` on
    /// `<symbol>@aggTrade`.
    pub fn trade(&self, symbol: &str, price: &str, qty: &str) {
        let sh = self.shared();
        let t = sh.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let now = sh.event_ms();
        let trade = json!({ "e": "trade", "E": now, "s": symbol, "t": t, "p": price, "q": qty,
                            "T": now, "m": false, "M": true });
        sh.publish(&stream(symbol, "trade"), &trade.to_string());
        let agg = json!({ "e": "aggTrade", "E": now, "s": symbol, "a": t, "p": price, "q": qty,
                          "f": t, "l": t, "T": now, "m": false, "M": true });
        sh.publish(&stream(symbol, "aggTrade"), &agg.to_string());
    }

    /// Pushes an `avgPrice` (5-minute average) on `<symbol>@avgPrice`.
    pub fn avg_price(&self, symbol: &str, price: &str) {
        let sh = self.shared();
        let now = sh.event_ms();
        let data =
            json!({ "e": "avgPrice", "E": now, "s": symbol, "i": "5m", "w": price, "T": now });
        sh.publish(&stream(symbol, "avgPrice"), &data.to_string());
    }

    /// One step of the scripted price path: the REST simulator's price
    /// (which fills resting orders it makes marketable), then a trade, an
    /// aggTrade, a bookTicker around it and an avgPrice.
    pub fn price(&self, symbol: &str, price: &str) {
        self.shared().sim.set_price(symbol, price);
        self.trade(symbol, price, "0.01");
        self.book_ticker(symbol, price, "1", price, "1");
        self.avg_price(symbol, price);
    }

    /// Pushes a `balanceUpdate` (a deposit or withdrawal of `delta`).
    pub fn balance_update(&self, asset: &str, delta: &str) {
        let sh = self.shared();
        let now = sh.event_ms();
        let data = json!({ "e": "balanceUpdate", "E": now, "a": asset, "d": delta, "T": now });
        sh.publish_user(&data.to_string());
    }
}
