//! Balances, exchange rules, and least privilege for the API key.

use supreme_order_guard::{ExchangeInfo, Quantity};

use crate::privileges::{ApiRestrictions, KeyPolicy, judge};
use crate::{BinanceClient, Error, Params};

/// One asset's balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetBalance {
    /// Asset, such as `BTC`.
    pub asset: String,
    /// Available.
    pub free: Quantity,
    /// Held by open orders.
    pub locked: Quantity,
}

impl BinanceClient {
    /// Balances (`GET /api/v3/account`), zero balances left out.
    pub async fn balances(&self) -> Result<Vec<AssetBalance>, Error> {
        let v = self
            .signed("GET", "/api/v3/account", &Params::new())
            .await?;
        let bad = |reason: &str| Error::Malformed {
            path: "/api/v3/account",
            reason: reason.into(),
        };
        let list = v["balances"].as_array().ok_or_else(|| bad("no balances"))?;
        let mut out = Vec::new();
        for b in list {
            let amount = |k: &str| {
                b[k].as_str()
                    .and_then(|s| s.parse::<Quantity>().ok())
                    .ok_or_else(|| bad(k))
            };
            let (free, locked) = (amount("free")?, amount("locked")?);
            if !(free.is_zero() && locked.is_zero()) {
                let asset = b["asset"].as_str().ok_or_else(|| bad("asset"))?.to_string();
                out.push(AssetBalance {
                    asset,
                    free,
                    locked,
                });
            }
        }
        Ok(out)
    }

    /// The exchange's rules (`GET /api/v3/exchangeInfo`), parsed for
    /// order-guard; its `rate_limits` feed the exchange rate limiter.
    pub async fn exchange_info(&self) -> Result<ExchangeInfo, Error> {
        let body = self
            .public_body("GET", "/api/v3/exchangeInfo", &Params::new())
            .await?;
        Ok(ExchangeInfo::from_json(&body)?)
    }

    /// Least privilege, checked before trading (the rule is in
    /// [`crate::privileges`]): a key granted anything beyond reading and spot
    /// trading (or `policy.also_allowed`) is refused, naming the flag, as is
    /// an answer missing a flag the decision needs; the warnings (no IP
    /// restriction, unknown fields, authority expiring soon) are returned.
    pub async fn check_key_privileges(&self, policy: KeyPolicy) -> Result<Vec<String>, Error> {
        let v = self
            .signed("GET", "/sapi/v1/account/apiRestrictions", &Params::new())
            .await?;
        let r = ApiRestrictions::from_json(&v)?;
        judge(&r, &policy, self.now_ms())
    }
}
