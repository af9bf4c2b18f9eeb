//! `supreme net check` against a DNS server on loopback started by the test.

#![allow(clippy::unwrap_used)]

use std::net::IpAddr;
use std::process::{Command, Output};

use supreme_testkit::dns::DnsServer;

fn supreme(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supreme"))
        .args(args)
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .output()
        .unwrap()
}

fn dns() -> DnsServer {
    let dns = DnsServer::start().unwrap();
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    dns.set(
        "public.example",
        &[ip("93.184.216.34"), ip("2606:2800:220:1::1")],
    );
    dns.set("internal.example", &[ip("10.0.0.7")]);
    dns.set("meta.example", &[ip("169.254.169.254")]);
    dns.set(
        "mixed.example",
        &[ip("93.184.216.34"), ip("::ffff:192.168.0.9")],
    );
    dns.set("api.binance.com", &[ip("13.32.1.1")]);
    dns
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn public_host_is_allowed_and_addresses_printed() {
    let dns = dns();
    let ns = dns.addr().to_string();
    let o = supreme(&[
        "net",
        "check",
        "https://public.example/x",
        "--nameserver",
        &ns,
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let out = stdout(&o);
    assert!(
        out.contains("93.184.216.34") && out.contains("2606:2800:220:1::1"),
        "{out}"
    );

    let o = supreme(&[
        "net",
        "check",
        "https://public.example/",
        "--nameserver",
        &ns,
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["allowed"], true);
    assert_eq!(v["addresses"].as_array().unwrap().len(), 2);
}

#[test]
fn internal_answers_are_denied_with_the_offending_address() {
    let dns = dns();
    let ns = dns.addr().to_string();
    for (host, addr, words) in [
        ("internal.example", "10.0.0.7", "private"),
        ("meta.example", "169.254.169.254", "cloud metadata"),
        ("mixed.example", "::ffff:192.168.0.9", "embeds 192.168.0.9"),
    ] {
        let url = format!("https://{host}/");
        let o = supreme(&["net", "check", &url, "--nameserver", &ns]);
        assert_eq!(o.status.code(), Some(1), "{host}: {o:?}");
        let out = stdout(&o);
        assert!(out.contains(addr) && out.contains(words), "{host}: {out}");
        let o = supreme(&["net", "check", &url, "--nameserver", &ns, "--json"]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["allowed"], false);
        assert_eq!(v["address"], addr);
    }
}

#[test]
fn policy_refusals_exit_1() {
    let dns = dns();
    let ns = dns.addr().to_string();
    for url in [
        "http://public.example/",
        "https://2130706433/",
        "https://0x7f.1/",
        "https://api.binance.com@10.0.0.1/",
        "https://public.example:8443/",
    ] {
        let o = supreme(&["net", "check", url, "--nameserver", &ns]);
        assert_eq!(o.status.code(), Some(1), "{url}: {o:?}");
    }
    let o = supreme(&[
        "net",
        "check",
        "https://public.example/",
        "--allow-host",
        "*.binance.com",
        "--nameserver",
        &ns,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("allowlist"));
    let o = supreme(&[
        "net",
        "check",
        "https://api.binance.com/api/v3/time",
        "--allow-host",
        "*.binance.com",
        "--nameserver",
        &ns,
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
}

#[test]
fn usage_and_resolution_errors_exit_2() {
    let dns = dns();
    let ns = dns.addr().to_string();
    for args in [
        vec!["net", "check", "not a url", "--nameserver", &ns],
        vec![
            "net",
            "check",
            "https://nxdomain.example/",
            "--nameserver",
            &ns,
        ],
        vec![
            "net",
            "check",
            "https://public.example/",
            "--nameserver",
            "nope",
        ],
        vec![
            "net",
            "check",
            "https://public.example/",
            "--allow-host",
            "",
            "--nameserver",
            &ns,
        ],
    ] {
        let o = supreme(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
    }
}
