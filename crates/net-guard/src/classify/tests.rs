use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;

use super::*;

fn class(s: &str) -> Option<AddrClass> {
    classify(s.parse().unwrap()).err().map(|d| d.class)
}

#[test]
fn ipv4_special_purpose_registry() {
    use AddrClass::*;
    let cases = [
        ("0.0.0.0", ThisNetwork),
        ("0.255.1.1", ThisNetwork),
        ("10.0.0.1", Private),
        ("100.64.0.1", SharedCgnat),
        ("100.127.255.255", SharedCgnat),
        ("127.0.0.1", Loopback),
        ("127.255.0.9", Loopback),
        ("169.254.1.1", LinkLocal),
        ("169.254.169.254", CloudMetadata),
        ("100.100.100.200", CloudMetadata),
        ("172.16.0.1", Private),
        ("172.31.255.255", Private),
        ("192.0.0.8", IetfProtocol),
        ("192.0.2.1", Documentation),
        ("192.88.99.1", Relay6to4Anycast),
        ("192.168.1.1", Private),
        ("198.18.0.1", Benchmarking),
        ("198.19.255.255", Benchmarking),
        ("198.51.100.7", Documentation),
        ("203.0.113.9", Documentation),
        ("224.0.0.1", Multicast),
        ("239.255.255.255", Multicast),
        ("240.0.0.1", Reserved),
        ("254.1.1.1", Reserved),
        ("255.255.255.255", Broadcast),
    ];
    for (ip, want) in cases {
        assert_eq!(class(ip), Some(want), "{ip}");
    }
}

#[test]
fn ipv4_global_edges_pass() {
    for ip in [
        "1.1.1.1",
        "8.8.8.8",
        "9.255.255.255",
        "11.0.0.0",
        "100.63.255.255",
        "100.128.0.0",
        "126.255.255.255",
        "128.0.0.0",
        "169.253.255.255",
        "169.255.0.0",
        "172.15.255.255",
        "172.32.0.0",
        "192.0.1.1",
        "192.0.3.0",
        "192.88.98.255",
        "192.167.255.255",
        "192.169.0.0",
        "198.17.255.255",
        "198.20.0.0",
        "198.51.99.255",
        "203.0.112.255",
        "223.255.255.255",
        "52.84.1.1",
    ] {
        assert_eq!(class(ip), None, "{ip}");
    }
}

#[test]
fn ipv6_special_purpose_registry() {
    use AddrClass::*;
    let cases = [
        ("::", Unspecified),
        ("::1", Loopback),
        ("fc00::1", UniqueLocal),
        ("fdff::1", UniqueLocal),
        ("fd00:ec2::254", CloudMetadata),
        ("fe80::1", LinkLocal),
        ("febf::1", LinkLocal),
        ("fec0::1", SiteLocal),
        ("ff02::1", Multicast),
        ("100::1", DiscardOnly),
        ("100:0:0:1::1", NotGlobalUnicast),
        ("2001::1", Teredo),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", Teredo),
        ("2001:2::1", IetfProtocol),
        ("2001:1ff::1", IetfProtocol),
        ("2001:db8::1", Documentation),
        ("3fff::1", Documentation),
        ("3fff:fff::1", Documentation),
        ("5f00::1", Srv6Sid),
        ("2002:c000:0204::1", SixToFour),
        ("2607:f8b0::200:5efe:a00:1", Isatap),
        ("2607:f8b0::5efe:a00:1", Isatap),
        ("4000::1", NotGlobalUnicast),
        ("1::", NotGlobalUnicast),
    ];
    for (ip, want) in cases {
        assert_eq!(class(ip), Some(want), "{ip}");
    }
}

#[test]
fn ipv6_global_passes() {
    for ip in [
        "2606:4700:4700::1111",
        "2001:4860:4860::8888",
        "2001:200::1",
        "2a00:1450::1",
        "3fff:1000::1",
        "3ffe::1",
    ] {
        assert_eq!(class(ip), None, "{ip}");
    }
}

#[test]
fn embedded_forms_are_unwrapped() {
    let cases = [
        ("::ffff:127.0.0.1", Embedding::Mapped, AddrClass::Loopback),
        (
            "::ffff:169.254.169.254",
            Embedding::Mapped,
            AddrClass::CloudMetadata,
        ),
        ("::10.0.0.1", Embedding::Compatible, AddrClass::Private),
        ("::ffff:0:192.168.0.1", Embedding::Siit, AddrClass::Private),
        ("64:ff9b::7f00:1", Embedding::Nat64, AddrClass::Loopback),
    ];
    for (ip, how, want) in cases {
        let d = classify(ip.parse().unwrap()).unwrap_err();
        assert_eq!(d.class, want, "{ip}");
        assert_eq!(d.embedded.map(|e| e.0), Some(how), "{ip}");
    }
    assert!(is_global("::ffff:8.8.8.8".parse().unwrap()));
    assert!(is_global("64:ff9b::808:808".parse().unwrap()));
}

#[test]
fn nat64_local_use_prefix_is_denied_whatever_it_embeds() {
    for ip in [
        "64:ff9b:1::808:808",
        "64:ff9b:1:a9fe:0:a9fe:808:808",
        "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
        "64:ff9b:1::",
    ] {
        let d = classify(ip.parse().unwrap()).unwrap_err();
        assert_eq!(d.class, AddrClass::Nat64LocalUse, "{ip}");
        assert_eq!(d.embedded, None, "{ip}");
    }
    // The neighbours are judged as before.
    assert!(is_global("64:ff9b::808:808".parse().unwrap()));
    assert_eq!(
        classify("64:ff9b:2::808:808".parse().unwrap())
            .unwrap_err()
            .class,
        AddrClass::NotGlobalUnicast
    );
}

#[test]
fn reason_names_the_metadata_service() {
    let d = classify("169.254.169.254".parse().unwrap()).unwrap_err();
    assert!(d.to_string().contains("cloud metadata"), "{d}");
    let d = classify("::ffff:100.100.100.200".parse().unwrap()).unwrap_err();
    assert!(d.to_string().contains("embeds 100.100.100.200"), "{d}");
    assert!(d.to_string().contains("cloud metadata"), "{d}");
}

fn mapped(v4: Ipv4Addr) -> Ipv6Addr {
    v4.to_ipv6_mapped()
}
fn compatible(v4: Ipv4Addr) -> Ipv6Addr {
    Ipv6Addr::from_bits(u128::from(v4.to_bits()))
}
fn nat64(v4: Ipv4Addr) -> Ipv6Addr {
    Ipv6Addr::from_bits((0x0064_ff9b_u128 << 96) | u128::from(v4.to_bits()))
}
fn siit(v4: Ipv4Addr) -> Ipv6Addr {
    Ipv6Addr::from_bits((0xffff_0000_u128 << 32) | u128::from(v4.to_bits()))
}

proptest! {
    #[test]
    fn v4_and_its_v6_forms_are_judged_alike(bits in any::<u32>()) {
        let v4 = Ipv4Addr::from_bits(bits);
        let want = classify_v4(v4);
        prop_assert_eq!(class_of(IpAddr::V6(mapped(v4))), want);
        prop_assert_eq!(class_of(IpAddr::V6(nat64(v4))), want);
        prop_assert_eq!(class_of(IpAddr::V6(siit(v4))), want);
        // `::` and `::1` are themselves, not 0.0.0.0 and 0.0.0.1 (both denied anyway).
        prop_assert_eq!(class_of(IpAddr::V6(compatible(v4))).is_some(), want.is_some());
    }

    #[test]
    fn v4_matches_std_where_std_is_stable(bits in any::<u32>()) {
        let v4 = Ipv4Addr::from_bits(bits);
        if v4.is_private() || v4.is_loopback() || v4.is_link_local() || v4.is_multicast()
            || v4.is_broadcast() || v4.is_documentation() || v4.is_unspecified()
        {
            prop_assert!(classify_v4(v4).is_some());
        }
    }

    #[test]
    fn global_v6_is_in_2000_slash_3(bits in any::<u128>()) {
        let v6 = Ipv6Addr::from_bits(bits);
        if classify(IpAddr::V6(v6)).is_ok() && embedded_v4(v6).is_none() {
            prop_assert_eq!(v6.segments()[0] & 0xe000, 0x2000);
        }
    }
}

fn class_of(addr: IpAddr) -> Option<AddrClass> {
    classify(addr).err().map(|d| d.class)
}
