#![no_main]
//! Any 16 bytes as an IPv6 address and any 4 as IPv4: classification never
//! panics, and IPv4 judged alone or mapped/NAT64-wrapped agrees.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use libfuzzer_sys::fuzz_target;
use supreme_net_guard::classify;

fuzz_target!(|data: [u8; 16]| {
    let v6 = Ipv6Addr::from(data);
    let _ = classify(IpAddr::V6(v6));
    let v4 = Ipv4Addr::new(data[0], data[1], data[2], data[3]);
    let alone = classify(IpAddr::V4(v4)).map_err(|d| d.class);
    let mapped = classify(IpAddr::V6(v4.to_ipv6_mapped())).map_err(|d| d.class);
    let nat64 = Ipv6Addr::from_bits((0x0064_ff9b_u128 << 96) | u128::from(v4.to_bits()));
    assert_eq!(alone, mapped);
    assert_eq!(alone, classify(IpAddr::V6(nat64)).map_err(|d| d.class));
    if let Ok(s) = std::str::from_utf8(&data) {
        if let Ok(ip) = s.parse::<IpAddr>() {
            let _ = classify(ip);
        }
    }
});
