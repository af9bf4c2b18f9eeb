//! API keys, signatures (HMAC-SHA256 hex, Ed25519 base64) and the
//! timestamp/recvWindow rule, as Binance applies them.

use base64::Engine as _;
use ring::{hmac, signature};
use serde::Serialize;

use super::http::SimResponse;
use super::params::Params;

/// What a key may do (`GET /sapi/v1/account/apiRestrictions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiRestrictions {
    /// Restricted to trusted IPs.
    pub ip_restrict: bool,
    /// When the key was made, Unix ms.
    pub create_time: u64,
    /// May read.
    pub enable_reading: bool,
    /// May withdraw.
    pub enable_withdrawals: bool,
    /// May transfer between accounts.
    pub enable_internal_transfer: bool,
    /// May trade margin.
    pub enable_margin: bool,
    /// May trade futures.
    pub enable_futures: bool,
    /// May use universal transfer.
    pub permits_universal_transfer: bool,
    /// May trade spot and margin.
    pub enable_spot_and_margin_trading: bool,
    /// May trade European options.
    pub enable_vanilla_options: bool,
    /// May trade on a portfolio margin account.
    pub enable_portfolio_margin_trading: bool,
    /// May trade through the FIX API.
    pub enable_fix_api_trade: bool,
    /// May read through the FIX API.
    pub enable_fix_read_only: bool,
    /// When spot and margin trading authority ends, Unix ms (0: never).
    pub trading_authority_expiration_time: u64,
    /// Answer this JSON text verbatim instead (an unknown flag, a missing
    /// field): the simulator's way to say what Binance has not said yet.
    #[serde(skip)]
    pub raw_answer: Option<&'static str>,
}

impl ApiRestrictions {
    /// A least-privilege trading key: read and spot trading, IP-restricted.
    pub const TRADING_ONLY: Self = Self {
        ip_restrict: true,
        create_time: 1_694_131_200_000,
        enable_reading: true,
        enable_withdrawals: false,
        enable_internal_transfer: false,
        enable_margin: false,
        enable_futures: false,
        permits_universal_transfer: false,
        enable_spot_and_margin_trading: true,
        enable_vanilla_options: false,
        enable_portfolio_margin_trading: false,
        enable_fix_api_trade: false,
        enable_fix_read_only: false,
        trading_authority_expiration_time: 0,
        raw_answer: None,
    };
}

/// How a key's requests are signed.
pub enum KeyCredential {
    /// HMAC-SHA256 with this secret (hex signature).
    Hmac(hmac::Key),
    /// Ed25519 with this public key (base64 signature).
    Ed25519(Vec<u8>),
}

impl std::fmt::Debug for KeyCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Hmac(_) => "Hmac(..)",
            Self::Ed25519(_) => "Ed25519(..)",
        })
    }
}

/// One API key the simulator accepts.
#[derive(Debug)]
pub struct ApiKey {
    /// The key id (`X-MBX-APIKEY`).
    pub key: String,
    /// Its signing credential.
    pub credential: KeyCredential,
    /// Its permissions.
    pub restrictions: ApiRestrictions,
}

impl KeyCredential {
    /// An HMAC key from its secret.
    pub fn hmac(secret: &[u8]) -> Self {
        Self::Hmac(hmac::Key::new(hmac::HMAC_SHA256, secret))
    }

    fn verify(&self, payload: &str, sig: &str) -> bool {
        match self {
            Self::Hmac(key) => hex::decode(sig)
                .is_ok_and(|tag| hmac::verify(key, payload.as_bytes(), &tag).is_ok()),
            Self::Ed25519(public) => base64::engine::general_purpose::STANDARD
                .decode(sig)
                .is_ok_and(|s| {
                    signature::UnparsedPublicKey::new(&signature::ED25519, public)
                        .verify(payload.as_bytes(), &s)
                        .is_ok()
                }),
        }
    }
}

/// Checks signature, timestamp and recvWindow of a signed request.
pub(crate) fn check_signed(
    key: &ApiKey,
    params: &Params,
    server_ms: u64,
) -> Result<(), SimResponse> {
    let Some(sig) = params.signature.as_deref() else {
        return Err(SimResponse::error(
            400,
            -1102,
            "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
        ));
    };
    if !key.credential.verify(&params.signed_payload, sig) {
        return Err(SimResponse::error(
            400,
            -1022,
            "Signature for this request is not valid.",
        ));
    }
    let Some(ts) = params.get("timestamp").and_then(|t| t.parse::<u64>().ok()) else {
        return Err(SimResponse::error(
            400,
            -1102,
            "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
        ));
    };
    let window = match params.get("recvWindow").map(str::parse::<u64>) {
        None => 5_000,
        Some(Ok(w)) if w <= 60_000 => w,
        Some(_) => {
            return Err(SimResponse::error(
                400,
                -1131,
                "recvWindow must be less than 60000",
            ));
        }
    };
    if ts >= server_ms + 1_000 {
        return Err(SimResponse::error(
            400,
            -1021,
            "Timestamp for this request was 1000ms ahead of the server's time.",
        ));
    }
    if server_ms.saturating_sub(ts) > window {
        return Err(SimResponse::error(
            400,
            -1021,
            "Timestamp for this request is outside of the recvWindow.",
        ));
    }
    Ok(())
}
