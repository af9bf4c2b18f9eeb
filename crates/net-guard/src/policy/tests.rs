use std::net::{IpAddr, SocketAddr};

use proptest::prelude::*;

use super::*;
use crate::classify::AddrClass;

fn open() -> EgressPolicy {
    EgressPolicy::default()
}

fn denied_addr(r: Result<Target, Error>) -> (IpAddr, AddrClass) {
    match r {
        Err(Error::AddressDenied { denied, .. }) => (denied.addr, denied.class),
        other => panic!("expected AddressDenied, got {other:?}"),
    }
}

#[test]
fn numeric_ipv4_forms_reach_loopback() {
    for url in [
        "https://2130706433/",
        "https://0x7f.1/",
        "https://0177.0.0.1/",
        "https://127.1/",
        "https://0x7f000001/",
        "https://127.0.0.1./",
        "https://[::ffff:127.0.0.1]/",
        "https://[::ffff:7f00:1]/",
    ] {
        let (addr, class) = denied_addr(open().check_url(url));
        assert_eq!(class, AddrClass::Loopback, "{url} -> {addr}");
    }
}

#[test]
fn userinfo_trick_is_judged_by_the_real_host() {
    let (addr, class) = denied_addr(open().check_url("https://api.binance.com@10.0.0.1/"));
    assert_eq!(addr, "10.0.0.1".parse::<IpAddr>().unwrap());
    assert_eq!(class, AddrClass::Private);
    // A public real host with userinfo is still refused (credentials in a URL).
    let p = EgressPolicy::builder()
        .allow_host("api.binance.com")
        .unwrap()
        .build();
    assert_eq!(
        p.check_url("https://evil.example@api.binance.com/"),
        Err(Error::UserinfoRefused {
            host: "api.binance.com".into()
        })
    );
    assert!(matches!(
        p.check_url("https://api.binance.com:443@evil.example/"),
        Err(Error::HostNotAllowed { host }) if host == "evil.example"
    ));
}

#[test]
fn metadata_literal_is_named() {
    let err = open()
        .check_url("https://169.254.169.254/latest/meta-data/")
        .unwrap_err();
    assert!(err.to_string().contains("cloud metadata"), "{err}");
}

#[test]
fn only_https() {
    for (url, scheme) in [
        ("http://api.binance.com/", "http"),
        ("ws://api.binance.com/", "ws"),
        ("file:///etc/passwd", "file"),
        ("gopher://127.0.0.1:6379/_", "gopher"),
    ] {
        assert_eq!(
            open().check_url(url),
            Err(Error::SchemeNotHttps {
                scheme: scheme.into()
            })
        );
    }
}

#[test]
fn allowlist_exact_wildcard_idna_and_trailing_dot() {
    let p = EgressPolicy::builder()
        .allow_host("API.Binance.com.")
        .unwrap()
        .allow_host("*.binance.vision")
        .unwrap()
        .allow_host("bücher.example")
        .unwrap()
        .build();
    assert!(p.check_url("https://api.binance.com/api/v3/time").is_ok());
    assert!(p.check_url("https://API.BINANCE.COM./x").is_ok());
    assert!(p.check_url("https://data.binance.vision/").is_ok());
    assert!(p.check_url("https://xn--bcher-kva.example/").is_ok());
    assert!(p.check_url("https://BÜCHER.example/").is_ok());
    for (url, host) in [
        ("https://binance.vision/", "binance.vision"),
        ("https://a.b.binance.vision/", "a.b.binance.vision"),
        (
            "https://api.binance.com.evil.example/",
            "api.binance.com.evil.example",
        ),
        ("https://evilbinance.vision/", "evilbinance.vision"),
    ] {
        assert_eq!(
            p.check_url(url),
            Err(Error::HostNotAllowed { host: host.into() }),
            "{url}"
        );
    }
}

#[test]
fn ports_and_literals() {
    let p = open();
    assert!(matches!(
        p.check_url("https://api.binance.com:8443/"),
        Err(Error::PortNotAllowed { port: 8443, .. })
    ));
    assert_eq!(
        p.check_url("https://8.8.8.8/"),
        Err(Error::IpLiteralNotAllowed {
            addr: "8.8.8.8".parse().unwrap()
        })
    );
    let p = EgressPolicy::builder()
        .allow_ip_literal("8.8.8.8".parse().unwrap())
        .allow_port(8443)
        .build();
    assert!(p.check_url("https://8.8.8.8:8443/").is_ok());
    assert!(p.check_url("https://8.8.8.8/").is_err());
}

#[test]
fn danger_socket_is_exact() {
    let sock: SocketAddr = "127.0.0.1:4443".parse().unwrap();
    let p = EgressPolicy::builder()
        .dangerous()
        .allow_socket(sock)
        .done()
        .build();
    assert!(p.check_url("https://127.0.0.1:4443/").is_ok());
    assert!(p.check_url("https://127.0.0.1:4444/").is_err());
    assert!(p.check_url("https://127.0.0.2:4443/").is_err());
    assert!(p.check_url("https://127.0.0.1/").is_err());
    assert!(p.check_addr("x", sock.ip(), 4443).is_ok());
    assert!(p.check_addr("x", sock.ip(), 443).is_err());
}

#[test]
fn a_name_is_denied_if_any_address_is() {
    let p = open();
    let good: IpAddr = "93.184.216.34".parse().unwrap();
    let bad: IpAddr = "fd00:ec2::254".parse().unwrap();
    assert!(p.check_addrs("h", &[good], 443).is_ok());
    let err = p.check_addrs("h", &[good, bad], 443).unwrap_err();
    assert!(err.to_string().contains("fd00:ec2::254"), "{err}");
    assert_eq!(
        p.check_addrs("h", &[], 443),
        Err(Error::NoAddresses { host: "h".into() })
    );
}

#[test]
fn wildcard_needs_one_label() {
    let pat = HostPattern::parse("*.example.com").unwrap();
    assert!(pat.matches("a.example.com"));
    assert!(!pat.matches(".example.com"));
    assert!(!pat.matches("example.com"));
    assert!(!pat.matches("a.b.example.com"));
}

proptest! {
    #[test]
    fn any_u32_host_is_judged_as_that_address(bits in any::<u32>()) {
        let addr = IpAddr::V4(std::net::Ipv4Addr::from_bits(bits));
        let r = open().check_url(&format!("https://{bits}/"));
        match crate::classify::classify(addr) {
            Ok(()) => prop_assert_eq!(r, Err(Error::IpLiteralNotAllowed { addr })),
            Err(d) => prop_assert_eq!(r, Err(Error::AddressDenied { host: addr.to_string(), denied: d })),
        }
    }

    #[test]
    fn never_panics(s in "\\PC{0,64}") {
        let _ = open().check_url(&s);
        let _ = open().check_url(&format!("https://{s}"));
    }
}
