#![no_main]
//! Any string through the URL policy: never panics, and whatever passes is
//! https on an allowed port with a name, or a listed global literal.
use libfuzzer_sys::fuzz_target;
use supreme_net_guard::{EgressPolicy, TargetHost, classify};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let policy = EgressPolicy::default();
    if let Ok(t) = policy.check_url(s) {
        assert_eq!(t.url.scheme(), "https");
        assert_eq!(t.port, 443);
        assert!(t.url.username().is_empty() && t.url.password().is_none());
        if let TargetHost::Ip(ip) = t.host {
            panic!("unlisted literal {ip} passed");
        }
    }
    let _ = policy.check_url(&format!("https://{s}/"));
    if let Ok(t) = policy.check_url(&format!("https://{s}/")) {
        if let TargetHost::Ip(ip) = t.host {
            assert!(classify(ip).is_ok());
        }
    }
});
