//! Balances, exchange rules, and least privilege for the API key.

use serde::Deserialize;
use supreme_order_guard::{ExchangeInfo, Quantity};

use crate::{BinanceClient, BinanceError, Params};

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

/// What the API key may do (`GET /sapi/v1/account/apiRestrictions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiRestrictions {
    /// Restricted to trusted IPs.
    pub ip_restrict: bool,
    /// May withdraw.
    pub enable_withdrawals: bool,
    /// May transfer between accounts.
    #[serde(default)]
    pub enable_internal_transfer: bool,
    /// May use universal transfer.
    #[serde(default)]
    pub permits_universal_transfer: bool,
    /// May trade spot.
    pub enable_spot_and_margin_trading: bool,
}

impl ApiRestrictions {
    /// Reads the exchange's answer (outside input: typed error, never a panic).
    pub fn from_json(v: &serde_json::Value) -> Result<Self, BinanceError> {
        Self::deserialize(v).map_err(|e| BinanceError::Malformed {
            path: "/sapi/v1/account/apiRestrictions",
            reason: e.to_string(),
        })
    }
}

/// How strict the start-up key check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyPolicy {
    /// Refuse a key without an IP restriction (default: warn).
    pub require_ip_restriction: bool,
}

impl BinanceClient {
    /// Balances (`GET /api/v3/account`), zero balances left out.
    pub fn balances(&self) -> Result<Vec<AssetBalance>, BinanceError> {
        let v = self.signed("GET", "/api/v3/account", &Params::new())?;
        let bad = |reason: &str| BinanceError::Malformed {
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
    pub fn exchange_info(&self) -> Result<ExchangeInfo, BinanceError> {
        let body = self.public_body("GET", "/api/v3/exchangeInfo", &Params::new())?;
        Ok(ExchangeInfo::from_json(&body)?)
    }

    /// Least privilege, checked before trading: a key that can withdraw or
    /// transfer is refused; a key without an IP restriction is refused under
    /// `policy.require_ip_restriction`, else returned as a warning.
    pub fn check_key_privileges(&self, policy: KeyPolicy) -> Result<Vec<String>, BinanceError> {
        let v = self.signed("GET", "/sapi/v1/account/apiRestrictions", &Params::new())?;
        let r: ApiRestrictions =
            serde_json::from_value(v).map_err(|e| BinanceError::Malformed {
                path: "/sapi/v1/account/apiRestrictions",
                reason: e.to_string(),
            })?;
        judge(&r, policy)
    }
}

/// The verdict on a key's restrictions.
pub fn judge(r: &ApiRestrictions, policy: KeyPolicy) -> Result<Vec<String>, BinanceError> {
    let mut powers = Vec::new();
    if r.enable_withdrawals {
        powers.push("withdrawals");
    }
    if r.enable_internal_transfer {
        powers.push("internal transfers");
    }
    if r.permits_universal_transfer {
        powers.push("universal transfers");
    }
    if !powers.is_empty() {
        return Err(BinanceError::KeyTooPowerful(format!(
            "the key allows {}; create a trading-only key",
            powers.join(", ")
        )));
    }
    if !r.enable_spot_and_margin_trading {
        return Err(BinanceError::KeyTooPowerful(
            "the key cannot trade spot".into(),
        ));
    }
    if r.ip_restrict {
        return Ok(Vec::new());
    }
    let msg =
        "the key has no IP restriction: anyone holding it can trade from anywhere".to_string();
    if policy.require_ip_restriction {
        Err(BinanceError::KeyTooPowerful(msg))
    } else {
        Ok(vec![msg])
    }
}
