//! An order that passed the gate before a trip must not reach the exchange
//! after the halt reported the venue clean. Eight strategy threads send
//! through the guarded transport (its limiter holds some of them back, as a
//! busy rate window would), the kill switch trips in the middle, and the
//! simulated exchange's own order book says what reached it and when.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use supreme_gate::SendRefused;

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use support::{API_KEY, SECRET, order, usdt_btc, vault};
use supreme_binance::*;
use supreme_kill_switch::{FlattenConfig, HaltConfig, KillSwitch, State, TripRequest};
use supreme_net_guard::pin::{PinSet, spki_of_cert};
use supreme_net_guard::ratelimit::{ExchangeLimiter, LimitKind, RateLimit};
use supreme_net_guard::resolve::{Nameserver, ResolverSettings};
use supreme_net_guard::{EgressPolicy, GuardedClient, SystemClock};
use supreme_order_guard::{ExchangeInfo, SAMPLE_EXCHANGE_INFO};
use supreme_testkit::binance::{
    ApiKey, ApiRestrictions, Faults, KeyCredential, OrderStatus, SimBinance, SimServer,
};
use supreme_testkit::dns::DnsServer;
use supreme_testkit::tls::spki_pin;

const HOST: &str = "api.binance.test";

struct Rig {
    sim: SimBinance,
    switch: KillSwitch,
    client: blocking::BinanceClient,
    venue: BinanceVenue,
    _server: SimServer,
    _dns: DnsServer,
}

/// The simulator over TLS, a kill switch, and a client whose guarded
/// transport checks the switch's gate again right before each order.
fn rig() -> Rig {
    let sim = SimBinance::with_sample();
    sim.add_key(ApiKey {
        key: API_KEY.into(),
        credential: KeyCredential::hmac(SECRET.as_bytes()),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    sim.set_balance("USDT", "1000000");
    // Each answer takes a while: orders are in flight when the switch trips.
    sim.set_faults(Faults {
        latency: Duration::from_millis(30),
        ..Faults::default()
    });
    let server = sim.serve(&[HOST]).unwrap();
    let dns = DnsServer::start().unwrap();
    dns.set(HOST, &["127.0.0.1".parse::<IpAddr>().unwrap()]);
    let policy = EgressPolicy::builder()
        .allow_host("*.binance.test")
        .unwrap()
        .allow_port(server.addr().port())
        .dangerous()
        .allow_socket(server.addr())
        .done()
        .build();
    let ca_pin = spki_pin(spki_of_cert(server.ca().cert_der()).unwrap());
    let net = GuardedClient::builder(policy)
        .resolver(ResolverSettings {
            nameservers: vec![Nameserver::Plain(dns.addr())],
            ttl_cap: Duration::from_secs(30),
            timeout: Duration::from_secs(2),
        })
        .pin(PinSet::new(HOST, &[server.spki_pin(), &ca_pin]).unwrap())
        .dangerous()
        .add_root_ca(server.ca().cert_der().clone())
        .done()
        .build()
        .unwrap();
    // A tight order window: most orders wait in the limiter, up to a second.
    let mut limits = RateLimit::from_exchange_info(SAMPLE_EXCHANGE_INFO).unwrap();
    limits.push(RateLimit::new(LimitKind::Orders, 1_000, 3).unwrap());
    let limiter = Arc::new(ExchangeLimiter::new(limits, SystemClock).unwrap());
    let switch = KillSwitch::builder().build();
    let base = format!("https://{HOST}:{}", server.addr().port());
    let transport = GuardedTransport::new(net, &base, limiter)
        .unwrap()
        .with_kill_switch(switch.gate());
    // Strategy threads and the halt's thread, all outside any runtime: the
    // blocking wrapper drives the async client on its shared runtime.
    let client = blocking::BinanceClient::new(BinanceClient::new(
        transport,
        API_KEY,
        vault().signer("binance-hmac").unwrap(),
    ));
    let rules = Arc::new(ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap());
    let (usdt, btc) = usdt_btc();
    let venue = BinanceVenue::new(client.async_client().clone(), rules, usdt, [btc]);
    Rig {
        sim,
        switch,
        client,
        venue,
        _server: server,
        _dns: dns,
    }
}

#[test]
fn orders_waiting_in_the_limiter_at_the_trip_never_reach_the_exchange_after_halt_verified() {
    // Every part bound: a `..` would drop the server and the nameserver here.
    let Rig {
        sim,
        switch,
        client,
        venue,
        _server,
        _dns,
    } = rig();
    let done = AtomicBool::new(false);
    let (report, at_halt, results) = std::thread::scope(|scope| {
        let strategies: Vec<_> = (0..8)
            .map(|t| {
                let (client, gate, done) = (&client, support::gate_on(&switch), &done);
                scope.spawn(move || {
                    let mut results = Vec::new();
                    for k in 0.. {
                        let id = format!("s{t}-{k}");
                        // The gate was open when it approved the order.
                        let Ok(approval) = support::try_approve(&gate, order(&id)) else {
                            break;
                        };
                        if done.load(Ordering::SeqCst) {
                            break;
                        }
                        let r = client.place_order(approval);
                        results.push((id, r));
                    }
                    results
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(700));
        switch
            .trip(TripRequest::manual("drawdown", "test"))
            .unwrap();
        let report = switch.halt(&venue, &HaltConfig::default());
        // The moment halt returned: what the exchange had accepted by then.
        let at_halt = (sim.orders().len(), sim.open_orders().len());
        done.store(true, Ordering::SeqCst);
        let results: Vec<_> = strategies
            .into_iter()
            .flat_map(|s| s.join().unwrap())
            .collect();
        (report, at_halt, results)
    });

    let report = report.unwrap();
    assert_eq!(switch.state(), State::Halted);
    assert_eq!(
        at_halt.1, 0,
        "verified clean: no open order when halt returned"
    );
    assert!(report.orders_found >= 1, "{report:?}");
    // Nothing was accepted after halt returned, although orders that had
    // passed the gate were still waiting for the limiter then.
    assert_eq!(
        sim.orders().len(),
        at_halt.0,
        "an order reached the exchange after halt"
    );
    assert!(sim.open_orders().is_empty());
    let refused = results
        .iter()
        .filter(|(_, r)| {
            matches!(
                r,
                Err(Error::Transport(TransportError::KillSwitch(_))
                    | Error::Refused(SendRefused::Halted(_)))
            )
        })
        .count();
    assert!(refused >= 1, "some orders were caught waiting: {results:?}");
    for (id, r) in &results {
        let seen = sim.orders().iter().any(|o| o.client_order_id == *id);
        match r {
            Ok(_) => assert!(seen, "{id}"),
            Err(
                Error::Transport(TransportError::KillSwitch(_) | TransportError::NotSent(_))
                | Error::Refused(SendRefused::Halted(_)),
            ) => {
                assert!(!seen, "{id} reached the exchange but was reported not sent");
            }
            Err(e) => panic!("{id}: {e:?}"),
        }
    }
}

#[test]
fn the_halts_own_close_orders_pass_the_closed_gate() {
    let rig = rig();
    rig.sim.set_balance("BTC", "0.5");
    // Two orders approved before the trip, sent after it.
    let gate = support::gate_on(&rig.switch);
    let (late_1, late_2) = (
        support::approve_with(&gate, order("late-1")),
        support::approve_with(&gate, order("late-2")),
    );
    rig.switch
        .trip(TripRequest::manual("drawdown", "test"))
        .unwrap();
    // A strategy order after the trip is refused before sending.
    let late = rig.client.place_order(late_1);
    assert!(
        matches!(late, Err(Error::Refused(SendRefused::Halted(_)))),
        "{late:?}"
    );
    // The halt, on this thread, flattens through the same transport.
    let report = rig
        .switch
        .halt(
            &rig.venue,
            &HaltConfig {
                flatten: Some(FlattenConfig::new(200, "1".parse().unwrap()).unwrap()),
                ..HaltConfig::default()
            },
        )
        .unwrap();
    assert_eq!(rig.switch.state(), State::Halted);
    assert!(report.close_orders_sent >= 1, "{report:?}");
    let btc = rig.sim.balance("BTC");
    assert_eq!(btc.free + btc.locked, 0, "flattened");
    assert!(
        rig.sim
            .orders()
            .iter()
            .all(|o| o.client_order_id != "late-1")
    );
    assert_eq!(rig.switch.gate().in_flight(), 0);
    // Once the halt is over, the exemption is too.
    let after = rig.client.place_order(late_2);
    assert!(
        matches!(after, Err(Error::Refused(SendRefused::Halted(_)))),
        "{after:?}"
    );
}

#[test]
fn a_halt_flattens_through_place_close_order_while_the_strategys_orders_are_refused() {
    let rig = rig();
    rig.sim.set_balance("BTC", "2.5");
    rig.switch
        .trip(TripRequest::manual("drawdown", "test"))
        .unwrap();
    let (first_refused, done) = (AtomicBool::new(false), AtomicBool::new(false));
    let (report, attempts) = std::thread::scope(|scope| {
        // A strategy thread on the same client keeps trying while the halt runs.
        let strategy = scope.spawn(|| {
            let mut results = Vec::new();
            for k in 0..200 {
                if done.load(Ordering::SeqCst) {
                    break;
                }
                let id = format!("strategy-{k}");
                let r = rig.client.place_order(support::approve(order(&id)));
                first_refused.store(true, Ordering::SeqCst);
                results.push((id, r));
                std::thread::sleep(Duration::from_millis(10));
            }
            results
        });
        while !first_refused.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(1));
        }
        let config = HaltConfig {
            flatten: Some(FlattenConfig::new(200, "1".parse().unwrap()).unwrap()),
            ..HaltConfig::default()
        };
        let report = rig.switch.halt(&rig.venue, &config);
        done.store(true, Ordering::SeqCst);
        (report, strategy.join().unwrap())
    });

    let report = report.unwrap();
    assert_eq!(rig.switch.state(), State::Halted);
    // 2.5 BTC in the halt's chunks of at most 1: three close orders, filled.
    assert_eq!(report.close_orders_sent, 3, "{report:?}");
    let btc = rig.sim.balance("BTC");
    assert_eq!(btc.free + btc.locked, 0, "flattened");
    let orders = rig.sim.orders();
    let sold: u64 = orders
        .iter()
        .map(|o| o.order.quantity.unwrap().units())
        .sum();
    assert_eq!(sold, 250_000_000);
    for o in &orders {
        // What reached the exchange is the halt's close orders, as sent by
        // place_close_order: LIMIT IOC sells within the 2 % floor.
        assert!(
            o.order.side == supreme_order_guard::Side::Sell
                && o.order.order_type == supreme_order_guard::OrderType::Limit
                && o.order.time_in_force == Some(supreme_order_guard::TimeInForce::Ioc)
                && o.order.quantity.unwrap() <= "1".parse().unwrap(),
            "{o:?}"
        );
        assert!(!o.client_order_id.starts_with("strategy-"), "{o:?}");
        assert!(o.order.price.unwrap() >= "24500".parse().unwrap(), "{o:?}");
        assert_eq!(o.status, OrderStatus::Filled, "{o:?}");
    }
    // Every strategy order, before and during the halt, was refused by the
    // transport's kill-switch check.
    assert!(attempts.len() >= 2, "{attempts:?}");
    for (id, r) in &attempts {
        assert!(
            matches!(r, Err(Error::Transport(TransportError::KillSwitch(_)))),
            "{id}: {r:?}"
        );
    }
    assert_eq!(rig.switch.gate().in_flight(), 0);
}
