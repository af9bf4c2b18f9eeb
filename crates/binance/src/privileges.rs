//! Least privilege for the API key: what Binance says the key may do
//! (`GET /sapi/v1/account/apiRestrictions`) judged against what the bot needs.
//!
//! The rule fails closed:
//!
//! - every `enable*` or `permits*` flag set to `true` beyond what the bot
//!   needs (reading and spot trading by default, [`KeyPolicy::allow`] for
//!   more) refuses the key, naming the flag, and so does such a flag this
//!   code has never heard of;
//! - a flag the decision needs that is missing from the answer refuses the
//!   key (a missing `enableWithdrawals` is not "false");
//! - other unknown fields only warn; the key's trading authority expiring
//!   within 7 days warns, an expired one refuses;
//! - no IP restriction warns, or refuses under
//!   [`KeyPolicy::require_ip_restriction`].
//!
//! ```
//! use supreme_binance::{ApiRestrictions, KeyPolicy, judge};
//!
//! let answer = serde_json::json!({
//!     "ipRestrict": true, "createTime": 1698645219000_u64,
//!     "enableReading": true, "enableSpotAndMarginTrading": true,
//!     "enableWithdrawals": false, "enableInternalTransfer": false,
//!     "permitsUniversalTransfer": false, "enableMargin": false,
//!     "enableFutures": false, "enableVanillaOptions": false,
//!     "enableFixApiTrade": false, "enableFixReadOnly": true,
//! });
//! let r = ApiRestrictions::from_json(&answer)?;
//! // FIX read-only access is beyond what the bot needs: refused, by name.
//! let err = judge(&r, &KeyPolicy::default(), 1_700_000_000_000).unwrap_err();
//! assert!(err.to_string().contains("enableFixReadOnly"));
//! // Allowed explicitly, the key passes.
//! let policy = KeyPolicy::default().allow("enableFixReadOnly");
//! assert!(judge(&r, &policy, 1_700_000_000_000)?.is_empty());
//! # Ok::<(), supreme_binance::Error>(())
//! ```

use std::collections::BTreeMap;

use crate::Error;

const PATH: &str = "/sapi/v1/account/apiRestrictions";

/// Flags that must be present in the answer: without them the decision
/// cannot be made (Binance's documented answer always carries them).
pub const REQUIRED_FLAGS: [&str; 9] = [
    "enableReading",
    "enableSpotAndMarginTrading",
    "enableWithdrawals",
    "enableInternalTransfer",
    "permitsUniversalTransfer",
    "enableMargin",
    "enableFutures",
    "enableVanillaOptions",
    "ipRestrict",
];

/// Flags newer than the rest: absent from older answers, where the power
/// they name did not exist yet; present and `true`, they are judged like
/// any other.
pub const OPTIONAL_FLAGS: [&str; 3] = [
    "enablePortfolioMarginTrading",
    "enableFixApiTrade",
    "enableFixReadOnly",
];

/// What a trading bot needs by default: reading and spot trading (Binance
/// grants spot and margin trading with one flag; margin itself is
/// `enableMargin`, refused unless allowed).
pub const NEEDED_BY_DEFAULT: [&str; 2] = ["enableReading", "enableSpotAndMarginTrading"];

/// A key's powers warn this long before its trading authority expires.
pub const EXPIRY_WARNING_MS: u64 = 7 * 24 * 60 * 60 * 1000;

/// What the API key may do, as the exchange answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRestrictions {
    /// `ipRestrict`: usable only from trusted IPs; `None` when missing.
    pub ip_restrict: Option<bool>,
    /// `createTime`, Unix ms.
    pub create_time_ms: Option<u64>,
    /// `tradingAuthorityExpirationTime`, Unix ms (absent or 0: none set).
    pub trading_authority_expires_ms: Option<u64>,
    /// Every `enable*` and `permits*` flag of the answer, by Binance's name.
    pub flags: BTreeMap<String, bool>,
    /// Names of the other fields this code does not know.
    pub unknown_fields: Vec<String>,
}

impl ApiRestrictions {
    /// Reads the exchange's answer (outside input: typed error naming the
    /// field, never a panic).
    pub fn from_json(v: &serde_json::Value) -> Result<Self, Error> {
        let bad = |reason: String| Error::Malformed { path: PATH, reason };
        let obj = v
            .as_object()
            .ok_or_else(|| bad("the answer is not a JSON object".into()))?;
        let mut r = Self {
            ip_restrict: None,
            create_time_ms: None,
            trading_authority_expires_ms: None,
            flags: BTreeMap::new(),
            unknown_fields: Vec::new(),
        };
        for (name, value) in obj {
            let flag = || {
                value
                    .as_bool()
                    .ok_or_else(|| bad(format!("{name} is not true or false: {value}")))
            };
            let time = || {
                value
                    .as_u64()
                    .ok_or_else(|| bad(format!("{name} is not a Unix time in ms: {value}")))
            };
            match name.as_str() {
                "ipRestrict" => r.ip_restrict = Some(flag()?),
                "createTime" => r.create_time_ms = Some(time()?),
                "tradingAuthorityExpirationTime" => {
                    r.trading_authority_expires_ms = Some(time()?).filter(|&t| t != 0);
                }
                n if n.starts_with("enable") || n.starts_with("permits") => {
                    r.flags.insert(name.clone(), flag()?);
                }
                _ => r.unknown_fields.push(name.clone()),
            }
        }
        Ok(r)
    }
}

/// How strict the start-up key check is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyPolicy {
    /// Refuse a key without an IP restriction (default: warn).
    pub require_ip_restriction: bool,
    /// Flags, beyond [`NEEDED_BY_DEFAULT`], that the bot needs and may be
    /// granted (Binance's names, e.g. `enableFixReadOnly`).
    pub also_allowed: Vec<String>,
}

impl KeyPolicy {
    /// Also allows `flag` (Binance's name) to be granted.
    #[must_use]
    pub fn allow(mut self, flag: &str) -> Self {
        self.also_allowed.push(flag.to_string());
        self
    }

    fn allows(&self, flag: &str) -> bool {
        NEEDED_BY_DEFAULT.contains(&flag) || self.also_allowed.iter().any(|f| f == flag)
    }
}

/// The verdict on a key's restrictions at `now_ms`: `Ok` with warnings, or
/// [`Error::KeyTooPowerful`] naming every flag that refuses it.
pub fn judge(r: &ApiRestrictions, policy: &KeyPolicy, now_ms: u64) -> Result<Vec<String>, Error> {
    let mut refusals = Vec::new();
    let missing: Vec<&str> = REQUIRED_FLAGS
        .iter()
        .copied()
        .filter(|f| *f != "ipRestrict" && !r.flags.contains_key(*f))
        .chain(r.ip_restrict.is_none().then_some("ipRestrict"))
        .collect();
    if !missing.is_empty() {
        refusals.push(format!(
            "the answer lacks {} (a power that cannot be read counts as granted)",
            missing.join(", ")
        ));
    }
    for (flag, _) in r.flags.iter().filter(|(_, on)| **on) {
        if policy.allows(flag) {
            continue;
        }
        let known =
            REQUIRED_FLAGS.contains(&flag.as_str()) || OPTIONAL_FLAGS.contains(&flag.as_str());
        refusals.push(if known {
            format!("{flag} is granted but the bot does not need it")
        } else {
            format!("{flag} is granted and unknown to this check")
        });
    }
    if r.flags.get("enableSpotAndMarginTrading") == Some(&false) {
        refusals.push("enableSpotAndMarginTrading is false: the key cannot trade spot".into());
    }
    let mut warnings: Vec<String> = r
        .unknown_fields
        .iter()
        .map(|f| format!("unknown field {f} in the key's restrictions"))
        .collect();
    if let Some(expires) = r.trading_authority_expires_ms {
        if expires <= now_ms {
            refusals.push(format!(
                "the key's trading authority expired at {expires} (Unix ms)"
            ));
        } else if expires - now_ms <= EXPIRY_WARNING_MS {
            let hours = (expires - now_ms) / 3_600_000;
            warnings.push(format!(
                "the key's trading authority expires in {hours} h: renew it"
            ));
        }
    }
    if r.ip_restrict == Some(false) {
        let msg = "the key has no IP restriction: anyone holding it can trade from anywhere";
        if policy.require_ip_restriction {
            refusals.push(msg.into());
        } else {
            warnings.push(msg.into());
        }
    }
    if refusals.is_empty() {
        Ok(warnings)
    } else {
        Err(Error::KeyTooPowerful(format!(
            "{}; create a key with reading and spot trading only",
            refusals.join("; ")
        )))
    }
}

#[cfg(test)]
mod tests;
