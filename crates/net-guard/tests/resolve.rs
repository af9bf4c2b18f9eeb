//! The resolver against a DNS server on loopback started by the test.

#![allow(clippy::unwrap_used)]

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use supreme_net_guard::classify::AddrClass;
use supreme_net_guard::resolve::{GuardedResolver, Nameserver, ResolverSettings};
use supreme_net_guard::{EgressPolicy, Error};
use supreme_testkit::dns::DnsServer;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn resolver(dns: &DnsServer) -> GuardedResolver {
    GuardedResolver::new(
        &ResolverSettings {
            nameservers: vec![Nameserver::Plain(dns.addr())],
            ttl_cap: Duration::from_secs(5),
            timeout: Duration::from_secs(2),
        },
        Arc::new(EgressPolicy::default()),
    )
    .unwrap()
}

#[tokio::test]
async fn a_and_aaaa_are_both_judged() {
    let dns = DnsServer::start().unwrap();
    dns.set(
        "both.example",
        &[ip("93.184.216.34"), ip("2606:2800:220:1::1")],
    );
    dns.set("v6bad.example", &[ip("93.184.216.34"), ip("fd00:ec2::254")]);
    dns.set("nat64.example", &[ip("64:ff9b::a9fe:a9fe")]);
    let r = resolver(&dns);
    assert_eq!(
        r.resolve("both.example", 443).await.unwrap(),
        vec![ip("93.184.216.34"), ip("2606:2800:220:1::1")]
    );
    for (name, class) in [
        ("v6bad.example", AddrClass::CloudMetadata),
        ("nat64.example", AddrClass::CloudMetadata),
    ] {
        match r.resolve(name, 443).await {
            Err(Error::AddressDenied { denied, .. }) => assert_eq!(denied.class, class),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn hosts_file_is_not_consulted() {
    let dns = DnsServer::start().unwrap();
    let r = resolver(&dns);
    // `localhost` is answered by hickory itself (RFC 6761) and denied as loopback.
    assert!(matches!(
        r.resolve("localhost", 443).await,
        Err(Error::AddressDenied { denied, .. }) if denied.class == AddrClass::Loopback
    ));
    // Other names in /etc/hosts are unknown to the trusted server: not found.
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    let names: Vec<&str> = hosts
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(|l| l.split_whitespace().skip(1))
        .filter(|n| {
            !n.starts_with("localhost")
                && !n.starts_with("ip6-")
                && n.contains(|c: char| c.is_ascii_alphabetic())
        })
        .collect();
    dns.set("hosts-check.example", &[ip("93.184.216.34")]);
    for name in names {
        assert_eq!(
            r.resolve(name, 443).await,
            Err(Error::NoAddresses { host: name.into() }),
            "{name} came from the hosts file"
        );
    }
    assert!(r.resolve("hosts-check.example", 443).await.is_ok());
}

#[tokio::test]
async fn no_nameservers_is_a_configuration_error() {
    let settings = ResolverSettings {
        nameservers: vec![],
        ..ResolverSettings::default()
    };
    assert!(matches!(
        GuardedResolver::new(&settings, Arc::new(EgressPolicy::default())),
        Err(Error::Config(_))
    ));
}

#[tokio::test]
async fn dns_over_tls_with_an_exact_test_ca() {
    let ca = supreme_testkit::tls::TestCa::new().unwrap();
    let mut dns = DnsServer::start().unwrap();
    let dot = dns.start_tls(&ca, "dns.example.test").unwrap();
    dns.set("api.example.test", &[ip("93.184.216.34")]);
    dns.set("evil.example.test", &[ip("10.9.8.7")]);
    let settings = ResolverSettings {
        nameservers: vec![Nameserver::Tls {
            addr: dot,
            server_name: "dns.example.test".into(),
        }],
        ttl_cap: Duration::from_secs(5),
        timeout: Duration::from_secs(2),
    };
    let policy = Arc::new(EgressPolicy::default());
    let extra = supreme_net_guard::danger::ExtraRoots::default().with_ca(ca.cert_der().clone());
    let r = GuardedResolver::with_extra_roots(&settings, policy.clone(), &extra).unwrap();
    assert_eq!(
        r.resolve("api.example.test", 443).await.unwrap(),
        vec![ip("93.184.216.34")]
    );
    assert!(matches!(
        r.resolve("evil.example.test", 443).await,
        Err(Error::AddressDenied { .. })
    ));
    // Without the test CA the DoT server is not trusted: no answer at all.
    let untrusted = GuardedResolver::new(&settings, policy).unwrap();
    assert!(matches!(
        untrusted.resolve("api.example.test", 443).await,
        Err(Error::Resolve { .. })
    ));
}

#[tokio::test]
async fn nat64_local_use_address_behind_a_name_is_denied() {
    // RFC 8215's local-use prefix is not globally reachable: judging it by
    // its last 32 bits (8.8.8.8 here) would let a name reach whatever the
    // local translator maps it to (here 169.254.0.0/16 in the middle bits).
    let dns = DnsServer::start().unwrap();
    dns.set("nat64local.example", &[ip("64:ff9b:1:a9fe:0:a9fe:808:808")]);
    dns.set("nat64wkp.example", &[ip("64:ff9b::808:808")]);
    let r = resolver(&dns);
    match r.resolve("nat64local.example", 443).await {
        Err(Error::AddressDenied { denied, host }) => {
            assert_eq!(host, "nat64local.example");
            assert_eq!(denied.class, AddrClass::Nat64LocalUse);
            assert_eq!(denied.addr, ip("64:ff9b:1:a9fe:0:a9fe:808:808"));
        }
        other => panic!("{other:?}"),
    }
    // The well-known prefix still carries a public IPv4 address.
    assert_eq!(
        r.resolve("nat64wkp.example", 443).await.unwrap(),
        vec![ip("64:ff9b::808:808")]
    );
}
