//! Every committed invalid fixture fails with its expected messages at its
//! expected line:column (`<name>.expected`: one `LINE:COLUMN text` line per
//! error, `text` a part of the message); the valid ones load.

#![allow(clippy::unwrap_used)]

mod support;

use std::os::unix::fs::PermissionsExt;

use supreme_guard::{Config, Environment};

fn actual(name: &str) -> Vec<String> {
    let (dir, path) = support::private_copy(&format!("invalid/{name}.toml"));
    if name == "world_writable_state" {
        let open = dir.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    let errors = Config::load_with(&path, &Environment::empty()).unwrap_err();
    errors
        .iter()
        .map(|e| {
            let (l, c) = e.line_column().unwrap_or((0, 0));
            assert!(e.to_string().contains("; fix: "), "{e}");
            assert!(!e.fix().is_empty());
            format!("{l}:{c} {}", e.message())
        })
        .collect()
}

#[test]
fn every_invalid_fixture_fails_where_and_as_expected() {
    let dir = support::fixtures().join("invalid");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "toml")
                .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let got = actual(&name);
        let expected_path = dir.join(format!("{name}.expected"));
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&expected_path, got.join("\n") + "\n").unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{name}: no .expected file; got {got:#?}"));
        let expected: Vec<&str> = expected.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(got.len(), expected.len(), "{name}: got {got:#?}");
        for (g, e) in got.iter().zip(&expected) {
            let (place, text) = e.split_once(' ').unwrap();
            assert!(
                g.starts_with(&format!("{place} ")),
                "{name}: expected at {place}, got {g}"
            );
            assert!(g.contains(text), "{name}: expected {text:?} in {g}");
        }
    }
}

#[test]
fn the_full_example_loads_every_section() {
    let config = support::full();
    assert_eq!(
        config.exchange.network,
        supreme_guard::config::Network::Testnet
    );
    assert_eq!(config.egress.pins.len(), 1);
    assert_eq!(config.egress.resolver.nameservers.len(), 2);
    assert_eq!(config.kill_switch.flatten_assets.len(), 2);
    assert_eq!(config.metrics, Some("127.0.0.1:9464".parse().unwrap()));
    assert!(config.danger.is_none());
    assert_eq!(config.paths().len(), 8);
}

#[test]
fn the_danger_example_loads_only_with_the_variable() {
    let (dir, path) = support::private_copy("valid/danger.toml");
    let errors = Config::load_with(&path, &Environment::empty()).unwrap_err();
    assert!(
        errors.to_string().contains("SUPREME_ALLOW_DANGER=1"),
        "{errors}"
    );
    let env = Environment::empty().with("SUPREME_ALLOW_DANGER", "1");
    let config = Config::load_with(&path, &env).unwrap();
    assert_eq!(
        config.exchange.network,
        supreme_guard::config::Network::Loopback
    );
    let danger = config.danger.unwrap();
    assert_eq!(danger.test_ca, Some(dir.path().join("ca.pem")));
    assert_eq!(config.metrics, Some("0.0.0.0:9464".parse().unwrap()));
    config
        .egress
        .policy
        .check_url("https://127.0.0.1:8443/api/v3/order")
        .unwrap();
    assert!(
        config
            .egress
            .policy
            .check_url("https://127.0.0.1:8444/")
            .is_err()
    );
}
