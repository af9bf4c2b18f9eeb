//! net-guard in one screen: which URLs a bot may reach, and why not.
//!
//! `cargo run --example ssrf_guard`

#![allow(clippy::print_stdout)]

use std::net::IpAddr;

use supreme_security::net_guard::{EgressPolicy, classify};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Core dumps off and the process not dumpable, before any secret is loaded.
    supreme_security::vault::harden_process()?;
    let policy = EgressPolicy::builder()
        .allow_host("api.binance.com")?
        .allow_host("*.binance.vision")?
        .build();
    let urls = [
        "https://api.binance.com/api/v3/time",
        "https://testnet.binance.vision/api/v3/time",
        "http://api.binance.com/api/v3/time",
        "https://api.binance.com.evil.example/",
        "https://api.binance.com@10.0.0.1/",
        "https://2130706433/",
        "https://0x7f.1/",
        "https://0177.0.0.1/",
        "https://[::ffff:169.254.169.254]/",
        "https://api.binance.com:8443/",
    ];
    println!("URL policy (https only, allowlist api.binance.com and *.binance.vision):");
    for url in urls {
        match policy.check_url(url) {
            Ok(target) => println!("  ALLOWED  {url:<45} -> {}", target.host_str()),
            Err(e) => println!("  DENIED   {url:<45} {e}"),
        }
    }

    println!("\nAddress classes (what a DNS answer may not be):");
    for ip in [
        "52.84.150.39",
        "10.1.2.3",
        "169.254.169.254",
        "100.100.100.200",
        "fd00:ec2::254",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::",
        "::1",
    ] {
        let addr: IpAddr = ip.parse()?;
        match classify(addr) {
            Ok(()) => println!("  global    {ip}"),
            Err(denied) => println!("  DENIED    {ip:<22} {denied}"),
        }
    }
    Ok(())
}
