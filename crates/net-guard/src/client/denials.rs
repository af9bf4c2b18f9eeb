//! Egress denials as core events (`EGRESS_DENIED`) in the client's sink, so
//! the audit log sees every URL the guard refused.

use supreme_core::Clock as _;
use supreme_core::event::{Event as CoreEvent, Severity};

use super::GuardedClient;
use crate::Error;

/// The URL as recorded: no userinfo, no query, no fragment (they can carry
/// credentials or signed parameters).
fn shown(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.to_string().escape_debug().to_string()
        }
        Err(_) => "<not a URL>".to_string(),
    }
}

/// True for a refusal by policy (the URL or the addresses it resolves to),
/// as opposed to a failure to resolve or connect.
fn is_denial(e: &Error) -> bool {
    matches!(
        e,
        Error::InvalidUrl { .. }
            | Error::SchemeNotHttps { .. }
            | Error::UserinfoRefused { .. }
            | Error::HostNotAllowed { .. }
            | Error::PortNotAllowed { .. }
            | Error::IpLiteralNotAllowed { .. }
            | Error::AddressDenied { .. }
            | Error::InvalidHost { .. }
    )
}

impl GuardedClient {
    /// Records `e` for `url` as `EGRESS_DENIED` (warning, actor `net-guard`,
    /// fields `url` without userinfo or query, `reason`) when it is a policy
    /// refusal. A sink that refuses the record changes nothing: the request
    /// was refused anyway.
    pub(crate) fn record_denial(&self, url: &str, e: &Error) {
        if !is_denial(e) {
            return;
        }
        let at_ms = supreme_core::SystemClock.now_ms();
        let event = CoreEvent::new("EGRESS_DENIED", Severity::Warning, "net-guard", at_ms)
            .field("url", shown(url))
            .field("reason", e.to_string().escape_debug().to_string());
        let _ = self.events.record(&event);
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn recorded_urls_carry_no_userinfo_or_query() {
        assert_eq!(
            shown("https://user:pw@api.binance.com/api/v3/order?signature=abc#x"),
            "https://api.binance.com/api/v3/order"
        );
        assert_eq!(shown("not a url"), "<not a URL>");
    }
}
