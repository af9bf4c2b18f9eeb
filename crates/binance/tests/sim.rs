//! The adapter over real TLS against the simulated exchange on loopback.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use std::sync::Arc;

use support::*;
use supreme_binance::*;
use supreme_order_guard::{ClientOrderId, Order, Side, Symbol};
use supreme_testkit::binance::{ApiKey, ApiRestrictions, Faults, KeyCredential, LimitConfig};

fn btc() -> Symbol {
    Symbol::new("BTCUSDT").unwrap()
}

fn limit_buy(id: &str) -> Order {
    Order::limit(
        btc(),
        Side::Buy,
        "0.01".parse().unwrap(),
        "24000".parse().unwrap(),
    )
    .with_client_order_id(ClientOrderId::new(id).unwrap())
}

#[tokio::test(flavor = "current_thread")]
async fn binance_documented_signature_through_the_vault() {
    let signer = vault().signer("binance-hmac").unwrap();
    let payload = Params::new()
        .with("symbol", "LTCBTC")
        .with("side", "BUY")
        .with("type", "LIMIT")
        .with("timeInForce", "GTC")
        .with("quantity", "1")
        .with("price", "0.1")
        .with("recvWindow", 5000)
        .with("timestamp", 1_499_827_319_559_u64)
        .encode();
    assert_eq!(
        signer.sign(payload.as_bytes()).unwrap().as_str(),
        "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    );
}

flavors! {
    async fn place_query_cancel_over_tls() {
    let (sim, _server, client) = setup();
    let placed = client
        .place_order(support::approve(limit_buy("bot-1")))
        .await
        .unwrap();
    assert_eq!(
        (placed.status.as_str(), placed.client_order_id.as_str()),
        ("NEW", "bot-1")
    );
    assert_eq!(client.usage().order_count_10s, Some(1));
    assert!(client.usage().used_weight_1m.is_some());
    let found = client.query_order(&btc(), "bot-1").await.unwrap().unwrap();
    assert!(found.is_open());
    assert_eq!(client.open_orders(None).await.unwrap().len(), 1);
    let cancelled = client.cancel_order(&btc(), "bot-1").await.unwrap();
    assert_eq!(cancelled.status, "CANCELED");
    assert!(sim.open_orders().is_empty());
    assert_eq!(
        client.cancel_open_orders(&btc()).await.unwrap(),
        0,
        "nothing left is not an error"
    );
    assert_eq!(
        client.query_order(&btc(), "never-sent").await.unwrap(),
        None
    );
}
}

#[tokio::test(flavor = "current_thread")]
async fn filter_rejection_is_a_typed_api_error() {
    let (_sim, _server, client) = setup();
    let off_tick = Order::limit(
        btc(),
        Side::Buy,
        "0.01".parse().unwrap(),
        "24000.001".parse().unwrap(),
    );
    // The gate's copy of the rules is out of date (a finer tick than the
    // exchange's): the order passes it, and the exchange refuses it.
    let stale_rules = supreme_order_guard::SAMPLE_EXCHANGE_INFO.replacen(
        "\"tickSize\": \"0.01000000\"",
        "\"tickSize\": \"0.00100000\"",
        1,
    );
    let gate = support::gate_with(
        &supreme_kill_switch::KillSwitch::builder().build(),
        supreme_order_guard::ExchangeInfo::from_json(&stale_rules).unwrap(),
    );
    match client
        .place_order(support::approve_with(&gate, off_tick))
        .await
    {
        Err(Error::Api {
            status: 400,
            code: -1013,
            msg,
        }) => assert_eq!(msg, "Filter failure: PRICE_FILTER"),
        other => panic!("{other:?}"),
    }
}

flavors! {
    async fn ed25519_keys_sign_through_the_vault() {
    let (sim, server, _) = setup();
    let client = ed25519_client(&sim, &server);
    assert_eq!(client.balances().await.unwrap().len(), 2);
    assert_eq!(
        client
            .place_order(support::approve(limit_buy("ed-1")))
            .await
            .unwrap()
            .status,
        "NEW"
    );
}
}

#[tokio::test(flavor = "current_thread")]
async fn clock_skew_is_measured_and_recovered() {
    let (sim, _server, client) = setup();
    sim.set_faults(Faults {
        clock_skew_ms: 7_000,
        ..Faults::default()
    });
    // The first signed call is refused (-1021), the client re-measures and retries.
    assert_eq!(client.balances().await.unwrap().len(), 2);
    let offset = client.clock_offset_ms();
    assert!((6_500..=7_500).contains(&offset), "offset {offset}");
    assert_eq!(
        client
            .place_order(support::approve(limit_buy("after-skew")))
            .await
            .unwrap()
            .status,
        "NEW"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn rate_limit_429_then_ban_418() {
    let (sim, _server, client) = setup();
    sim.set_limits(LimitConfig {
        weight_per_minute: 3,
        ban_after_429s: 1,
        ..LimitConfig::default()
    });
    for _ in 0..3 {
        client.sync_time().await.unwrap();
    }
    assert!(matches!(
        client.sync_time().await,
        Err(Error::RateLimited {
            retry_after_s: 1..=60
        })
    ));
    assert!(matches!(
        client.sync_time().await,
        Err(Error::Banned { retry_after_s: 120 })
    ));
}

flavors! {
    async fn lost_answer_is_outcome_unknown_and_reconciled_without_resending() {
    let (sim, _server, client) = setup();
    // "Not found" waits out recvWindow + 1 s on the real clock: keep it short.
    let client = client.with_recv_window_ms(500);
    sim.set_faults(Faults {
        drop_after_accept: 1,
        ..Faults::default()
    });
    let err = client
        .place_order(support::approve(limit_buy("lost-1")))
        .await
        .unwrap_err();
    let Error::OutcomeUnknown {
        client_order_id, ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(client_order_id, "lost-1");
    assert_eq!(sim.orders().len(), 1, "sent once");
    match client.reconcile(&btc(), &client_order_id).await.unwrap() {
        Reconciled::Found(state) => assert_eq!(state.status, "NEW"),
        Reconciled::NotFound => panic!("the order was accepted"),
    }
    assert_eq!(sim.orders().len(), 1, "never re-sent");

    sim.set_faults(Faults {
        fail_next: 1,
        ..Faults::default()
    });
    let err = client
        .place_order(support::approve(limit_buy("lost-2")))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert_eq!(
        client.reconcile(&btc(), "lost-2").await.unwrap(),
        Reconciled::NotFound
    );
    assert_eq!(sim.orders().len(), 1, "a 5xx is not retried");
}
}

#[tokio::test(flavor = "current_thread")]
async fn least_privilege_at_start() {
    let (sim, server, client) = setup();
    assert_eq!(
        client
            .check_key_privileges(KeyPolicy::default())
            .await
            .unwrap(),
        Vec::<String>::new()
    );
    let open = ApiRestrictions {
        ip_restrict: false,
        ..ApiRestrictions::TRADING_ONLY
    };
    sim.add_key(ApiKey {
        key: API_KEY.into(),
        credential: KeyCredential::hmac(SECRET.as_bytes()),
        restrictions: open,
    });
    assert_eq!(
        client
            .check_key_privileges(KeyPolicy::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(matches!(
        client
            .check_key_privileges(KeyPolicy {
                require_ip_restriction: true,
                ..KeyPolicy::default()
            })
            .await,
        Err(Error::KeyTooPowerful(_))
    ));
    let withdraw = ApiRestrictions {
        enable_withdrawals: true,
        ..ApiRestrictions::TRADING_ONLY
    };
    sim.add_key(ApiKey {
        key: API_KEY.into(),
        credential: KeyCredential::hmac(SECRET.as_bytes()),
        restrictions: withdraw,
    });
    let err = client
        .check_key_privileges(KeyPolicy::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("enableWithdrawals"), "{err}");
    drop(server);
}

/// The simulator answers each power the key may hold; every one beyond
/// reading and spot trading refuses the key, by name, and so do an unknown
/// `enable*` flag set to true and an answer missing a flag.
#[tokio::test(flavor = "current_thread")]
async fn key_with_any_extra_power_or_a_missing_flag_is_refused() {
    let (sim, server, client) = setup();
    let key = |restrictions: ApiRestrictions| {
        sim.add_key(ApiKey {
            key: API_KEY.into(),
            credential: KeyCredential::hmac(SECRET.as_bytes()),
            restrictions,
        });
    };
    let base = ApiRestrictions::TRADING_ONLY;
    let powers: [(&str, ApiRestrictions); 9] = [
        (
            "enableWithdrawals",
            ApiRestrictions {
                enable_withdrawals: true,
                ..base
            },
        ),
        (
            "enableInternalTransfer",
            ApiRestrictions {
                enable_internal_transfer: true,
                ..base
            },
        ),
        (
            "permitsUniversalTransfer",
            ApiRestrictions {
                permits_universal_transfer: true,
                ..base
            },
        ),
        (
            "enableMargin",
            ApiRestrictions {
                enable_margin: true,
                ..base
            },
        ),
        (
            "enableFutures",
            ApiRestrictions {
                enable_futures: true,
                ..base
            },
        ),
        (
            "enableVanillaOptions",
            ApiRestrictions {
                enable_vanilla_options: true,
                ..base
            },
        ),
        (
            "enablePortfolioMarginTrading",
            ApiRestrictions {
                enable_portfolio_margin_trading: true,
                ..base
            },
        ),
        (
            "enableFixApiTrade",
            ApiRestrictions {
                enable_fix_api_trade: true,
                ..base
            },
        ),
        (
            "enableFixReadOnly",
            ApiRestrictions {
                enable_fix_read_only: true,
                ..base
            },
        ),
    ];
    for (flag, restrictions) in powers {
        key(restrictions);
        let err = client
            .check_key_privileges(KeyPolicy::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::KeyTooPowerful(_)), "{flag}: {err}");
        assert!(err.to_string().contains(flag), "{flag}: {err}");
        let allowed = client
            .check_key_privileges(KeyPolicy::default().allow(flag))
            .await;
        assert_eq!(allowed.unwrap(), Vec::<String>::new(), "{flag}");
    }
    key(ApiRestrictions {
        raw_answer: Some(
            r#"{"ipRestrict":true,"enableReading":true,"enableSpotAndMarginTrading":true,
            "enableWithdrawals":false,"enableInternalTransfer":false,"permitsUniversalTransfer":false,
            "enableMargin":false,"enableFutures":false,"enableVanillaOptions":false,"enableX":true}"#,
        ),
        ..base
    });
    let err = client
        .check_key_privileges(KeyPolicy::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("enableX is granted and unknown"),
        "{err}"
    );
    key(ApiRestrictions {
        raw_answer: Some(
            r#"{"ipRestrict":true,"enableReading":true,"enableSpotAndMarginTrading":true}"#,
        ),
        ..base
    });
    let err = client
        .check_key_privileges(KeyPolicy::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("lacks enableWithdrawals"), "{err}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let soon = u64::try_from(now).unwrap() + 2 * 24 * 3_600_000;
    key(ApiRestrictions {
        trading_authority_expiration_time: soon,
        ..base
    });
    let warnings = client
        .check_key_privileges(KeyPolicy::default())
        .await
        .unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("trading authority expires")),
        "{warnings:?}"
    );
    drop(server);
}

#[tokio::test(flavor = "current_thread")]
async fn exchange_info_loads_into_order_guard() {
    let (_sim, _server, client) = setup();
    let info = client.exchange_info().await.unwrap();
    assert!(info.symbol(&btc()).is_some());
    assert_eq!(info.rate_limits.len(), 4);
}

#[tokio::test(flavor = "current_thread")]
async fn kill_switch_trip_leaves_the_simulator_clean() {
    use supreme_kill_switch::{FlattenConfig, HaltConfig, KillSwitch, State, TripRequest};
    let (sim, _server, client) = setup();
    let client = Arc::new(client);
    for i in 0..5 {
        client
            .place_order(support::approve(limit_buy(&format!("open-{i}"))))
            .await
            .unwrap();
    }
    let sell = Order::limit(
        btc(),
        Side::Sell,
        "0.1".parse().unwrap(),
        "30000".parse().unwrap(),
    );
    client.place_order(support::approve(sell)).await.unwrap();
    assert_eq!(sim.open_orders().len(), 6);
    let rules = Arc::new(client.exchange_info().await.unwrap());
    let (usdt, btc) = usdt_btc();
    let venue = BinanceVenue::new(client.clone(), rules, usdt, [btc]);
    let switch = KillSwitch::builder().build();
    switch
        .trip(TripRequest::manual("drawdown", "test"))
        .unwrap();
    let flatten = FlattenConfig::new(100, "1".parse().unwrap()).unwrap();
    let config = HaltConfig {
        flatten: Some(flatten),
        ..HaltConfig::default()
    };
    // The halt runs on its own thread, outside the test's runtime (the
    // venue blocks on the blocking wrappers' runtime).
    let report = std::thread::scope(|s| s.spawn(|| switch.halt(&venue, &config)).join())
        .unwrap()
        .unwrap();
    assert_eq!(switch.state(), State::Halted);
    assert_eq!(report.orders_found, 6);
    assert!(sim.open_orders().is_empty());
    assert_eq!(
        sim.balance("BTC").free + sim.balance("BTC").locked,
        0,
        "flattened"
    );
    assert!(report.close_orders_sent >= 1);
}
