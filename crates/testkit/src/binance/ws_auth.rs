//! What the websocket side of the simulator ([`crate::ws_sim`]) needs from
//! the REST core: the WebSocket API's signature check (the same keys, the
//! same timestamp/recvWindow rule) and the balances it reports.

use super::params::Params;
use super::{Balance, SimBinance};

impl SimBinance {
    /// Checks a WebSocket API signature: `payload` is the request's params,
    /// sorted by name, as `k=v&k=v` without `signature`; `params` are the
    /// same pairs (for `timestamp` and `recvWindow`). `Err` carries
    /// Binance's (code, message).
    pub fn check_ws_signature(
        &self,
        api_key: &str,
        payload: &str,
        signature: &str,
    ) -> Result<(), (i32, String)> {
        let now = self.server_time();
        let st = self.lock();
        let Some(key) = st.keys.get(api_key) else {
            return Err((
                -2015,
                "Invalid API-key, IP, or permissions for action.".into(),
            ));
        };
        let mut params = Params::parse(payload, "").map_err(|m| (-1101, m))?;
        params.signature = Some(signature.to_string());
        super::auth::check_signed(key, &params, now).map_err(|resp| {
            let body = resp.json_body();
            let code = body["code"]
                .as_i64()
                .and_then(|c| i32::try_from(c).ok())
                .unwrap_or(-1000);
            (code, body["msg"].as_str().unwrap_or("").to_string())
        })
    }

    /// Every asset's balance, by asset name.
    pub fn balances(&self) -> Vec<(String, Balance)> {
        self.lock()
            .book
            .balances
            .iter()
            .map(|(a, b)| (a.clone(), *b))
            .collect()
    }
}
