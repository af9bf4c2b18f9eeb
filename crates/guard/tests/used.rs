//! Per section, the file's value is used, not parsed and ignored: each
//! test changes the value in the file and watches the real part obey it.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use supreme_core::FakeClock;
use supreme_guard::config::Fsync;
use supreme_guard::{Environment, Location};
use supreme_order_guard::{
    ExchangeInfo, OpenOrderCounts, Order, OrderContext, ReferencePrice, SAMPLE_EXCHANGE_INFO, Side,
    Symbol, Validator, Violation,
};
use supreme_risk_limits::{AccountId, Asset, LimitKind, RiskBook, Scope};

fn load(text: &str) -> supreme_guard::Config {
    support::load(text, &Environment::empty()).unwrap()
}

/// 1 BTC at 50,000 plus 50,000 USDT: equity 100,000, the high-water mark.
fn book_at_100k(config: &supreme_guard::Config) -> RiskBook<FakeClock> {
    let book = RiskBook::new(config.risk.clone(), FakeClock::new(1_700_000_000_000)).unwrap();
    let btc = Symbol::new("BTCUSDT").unwrap();
    book.add_symbol(btc, Asset::new("BTC").unwrap(), Asset::new("USDT").unwrap())
        .unwrap();
    book.start_fresh().unwrap();
    let main = AccountId::new("main").unwrap();
    book.deposit(main, Asset::new("USDT").unwrap(), "50000".parse().unwrap())
        .unwrap();
    book.set_position(main, btc, "1".parse().unwrap(), "50000".parse().unwrap())
        .unwrap();
    book.set_mark(btc, "50000".parse().unwrap()).unwrap();
    book
}

#[test]
fn the_drawdown_trips_at_the_files_value() {
    let config = load(&support::full_with(
        "max_drawdown_pct = \"10\"",
        "max_drawdown_pct = \"7.5\"",
    ));
    let btc = Symbol::new("BTCUSDT").unwrap();
    let book = book_at_100k(&config);
    // Exactly 7.5 % down (equity 92,500): within the limit.
    book.set_mark(btc, "42500".parse().unwrap()).unwrap();
    assert_eq!(book.view(Scope::Global).unwrap().latched, None);
    // A hair more: the file's limit is breached.
    book.set_mark(btc, "42499.99999999".parse().unwrap())
        .unwrap();
    assert_eq!(
        book.view(Scope::Global).unwrap().latched,
        Some(LimitKind::Drawdown)
    );

    // The same loss under the file's default 10 %: no breach.
    let book = book_at_100k(&support::full());
    book.set_mark(btc, "42499.99999999".parse().unwrap())
        .unwrap();
    assert_eq!(book.view(Scope::Global).unwrap().latched, None);
}

#[test]
fn the_allowlist_refuses_a_host_the_file_leaves_out() {
    let config = support::full();
    let policy = &config.egress.policy;
    policy
        .check_url("https://testnet.binance.vision/api/v3/order")
        .unwrap();
    policy
        .check_url("https://api.binance.com/api/v3/time")
        .unwrap();
    let refused = policy.check_url("https://api.binance.us/").unwrap_err();
    assert!(
        matches!(refused, supreme_net_guard::Error::HostNotAllowed { .. }),
        "{refused}"
    );
    assert!(
        policy
            .check_url("https://testnet.binance.vision:8443/")
            .is_err()
    );

    let config = load(&support::full_with(
        "allow_hosts = [\"testnet.binance.vision\", \"*.binance.com\"]",
        "allow_hosts = [\"testnet.binance.vision\"]",
    ));
    assert!(
        config
            .egress
            .policy
            .check_url("https://api.binance.com/")
            .is_err()
    );
    let pins = &config.egress.pins[0];
    assert_eq!(pins.host(), "testnet.binance.vision");
    assert_eq!(pins.pins().len(), 2);
}

#[test]
fn the_fat_finger_cap_rejects_an_order_over_the_files_cap() {
    let config = load(&support::full_with(
        "max_order_notional = \"50000\"",
        "max_order_notional = \"40000\"",
    ));
    let validator = Validator::new(config.order_policy);
    let info = ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap();
    let now = 1_694_131_200_000;
    let ctx = OrderContext::new(now)
        .with_reference(ReferencePrice {
            price: "25000".parse().unwrap(),
            observed_at_ms: now,
        })
        .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default());
    let btc = Symbol::new("BTCUSDT").unwrap();
    let under = Order::limit(
        btc,
        Side::Buy,
        "1.5".parse().unwrap(),
        "25000".parse().unwrap(),
    );
    validator.validate(&info, &under, &ctx).unwrap();
    let over = Order::limit(
        btc,
        Side::Buy,
        "1.7".parse().unwrap(),
        "25000".parse().unwrap(),
    );
    let violations = validator.validate(&info, &over, &ctx).unwrap_err();
    assert!(
        violations.any(|v| matches!(v, Violation::FatFingerNotional { .. })),
        "{violations:?}"
    );
    assert_eq!(
        config.order_policy.max_order_quantity,
        Some("2".parse().unwrap())
    );
    assert_eq!(config.order_policy.max_reference_age_ms, 30_000);
}

#[test]
fn the_reset_policy_is_the_files() {
    let config = support::full();
    let reset = &config.kill_switch.reset;
    assert_eq!(reset.required_operators(), 2);
    assert_eq!(reset.cooldown(), Duration::from_secs(300));
    assert_eq!(reset.token_lifetime(), Duration::from_secs(600));
    assert_eq!(reset.key_of("alice").unwrap().to_hex(), "ab".repeat(32));
    assert!(reset.key_of("mallory").is_none());
    let one = load(&support::full_with("quorum = 2", "quorum = 1"));
    assert_eq!(one.kill_switch.reset.required_operators(), 1);
}

#[test]
fn the_triggers_and_flatten_list_are_the_files() {
    let config = support::full();
    let t = &config.kill_switch.triggers;
    assert_eq!(t.dead_man, Some(Duration::from_secs(30)));
    assert_eq!(t.stale_data, Some(Duration::from_secs(10)));
    let rate = t.error_rate.unwrap();
    assert_eq!(
        (rate.window, rate.min_errors, rate.max_error_permille),
        (Duration::from_secs(60), 5, 500)
    );
    assert!(t.trip_file.as_ref().unwrap().ends_with("TRIP"));
    let assets: Vec<String> = config
        .kill_switch
        .flatten_assets
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(assets, ["BTC", "ETH"]);
}

#[test]
fn the_audit_durability_rotation_and_retention_are_the_files() {
    let config = support::full();
    let a = &config.audit;
    assert_eq!(
        a.flush,
        supreme_audit::FlushPolicy::Batch {
            records: std::num::NonZeroU64::new(256).unwrap(),
            interval: Duration::from_millis(20),
        }
    );
    assert_eq!(a.rotation.max_bytes, Some(104_857_600));
    assert_eq!(a.rotation.max_age, Some(Duration::from_secs(86_400)));
    assert_eq!(a.keep_segments, Some(30));
    let every = load(&support::full_with(
        "fsync = \"batch\"\nfsync_batch_records = 256\nfsync_interval_ms = 20",
        "fsync = \"every_record\"",
    ));
    assert_eq!(every.audit.flush, supreme_audit::FlushPolicy::EveryRecord);
    assert_eq!(
        every.file.audit.fsync.as_ref().unwrap().value,
        Fsync::EveryRecord
    );
    // The options an AuditLog opens with take them.
    let (key, _) = supreme_audit::SigningKey::generate("test").unwrap();
    let _options = a.apply(supreme_audit::Options::new(key));
}

#[test]
fn environment_overrides_replace_paths_and_are_validated_the_same_way() {
    let (dir, path) = support::private_copy("valid/full.toml");
    let elsewhere = dir.path().join("risk-elsewhere.state");
    let env = Environment::empty().with("SUPREME_RISK_STATE", &elsewhere);
    let config = supreme_guard::Config::load_with(&path, &env).unwrap();
    assert_eq!(config.state.risk_state, elsewhere);

    let open = dir.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    let env = Environment::empty()
        .with("SUPREME_AUDIT_LOG", open.join("security.log"))
        .with("SUPREME_METRICS_ADDR", "0.0.0.0:9464");
    let errors = supreme_guard::Config::load_with(&path, &env).unwrap_err();
    let places: Vec<&Location> = errors.iter().filter_map(|e| e.location()).collect();
    assert_eq!(
        places,
        [
            &Location::Env {
                var: "SUPREME_AUDIT_LOG"
            },
            &Location::Env {
                var: "SUPREME_METRICS_ADDR"
            },
        ],
        "{errors}"
    );
    assert!(
        errors
            .to_string()
            .contains("environment variable SUPREME_AUDIT_LOG")
    );
}

#[test]
fn validation_reports_every_error_of_a_file_at_once() {
    let text = support::full_with("position_warn_pct = \"5\"", "position_warn_pct = \"15\"")
        .replace("listen = \"127.0.0.1:9464\"", "listen = \"10.0.0.1:9464\"")
        .replace("quorum = 2", "quorum = 5");
    let errors = support::load(&text, &Environment::empty()).unwrap_err();
    assert_eq!(errors.len(), 3, "{errors}");
    let lines: Vec<usize> = errors.iter().map(|e| e.line_column().unwrap().0).collect();
    assert!(
        lines.windows(2).all(|w| w[0] < w[1]),
        "in file order: {lines:?}"
    );
}

#[test]
fn the_symbols_open_order_limit_is_the_files() {
    let config = load(&support::full_with(
        "max_open_orders = 10",
        "max_open_orders = 3",
    ));
    let book = RiskBook::new(config.risk.clone(), FakeClock::new(1_700_000_000_000)).unwrap();
    let btc = Symbol::new("BTCUSDT").unwrap();
    book.add_symbol(btc, Asset::new("BTC").unwrap(), Asset::new("USDT").unwrap())
        .unwrap();
    book.start_fresh().unwrap();
    book.deposit(
        AccountId::new("main").unwrap(),
        Asset::new("USDT").unwrap(),
        "100000".parse().unwrap(),
    )
    .unwrap();
    book.set_mark(btc, "50000".parse().unwrap()).unwrap();
    let order = Order::limit(
        btc,
        Side::Buy,
        "0.001".parse().unwrap(),
        "50000".parse().unwrap(),
    );
    for _ in 0..3 {
        let _held = book.check_and_reserve(&order).unwrap();
    }
    let refused = book.check_and_reserve(&order).unwrap_err();
    assert!(
        matches!(
            refused,
            supreme_risk_limits::Rejection::Limit {
                scope: Scope::Symbol(_),
                kind: LimitKind::OpenOrders,
                ..
            }
        ),
        "{refused}"
    );
}
