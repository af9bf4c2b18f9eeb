//! The simulated exchange over real TLS on loopback, with a CA made here.

use ring::hmac;
use supreme_testkit::binance::{
    ApiKey, ApiRestrictions, Faults, KeyCredential, SimBinance, SimRequest,
};
use supreme_testkit::tls::{TestCa, https_request};

const KEY: &str = "test-key";
const SECRET: &[u8] = b"test-secret";

fn signed(sim: &SimBinance, method: &str, path: &str, params: &str) -> SimRequest {
    let payload = format!("{params}&timestamp={}", sim.server_time());
    let key = hmac::Key::new(hmac::HMAC_SHA256, SECRET);
    let sig: String = hmac::sign(&key, payload.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    SimRequest::new(method, path)
        .header("x-mbx-apikey", KEY)
        .body(&format!("{payload}&signature={sig}"))
}

#[test]
fn serves_binance_over_tls_and_drops_after_accept() {
    let sim = SimBinance::with_sample();
    sim.add_key(ApiKey {
        key: KEY.into(),
        credential: KeyCredential::hmac(SECRET),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    sim.set_balance("USDT", "1000");
    let server = sim.serve(&["api.binance.test"]).unwrap();

    let time = https_request(
        server.addr(),
        "api.binance.test",
        server.ca(),
        &SimRequest::new("GET", "/api/v3/time"),
    )
    .unwrap()
    .unwrap();
    assert_eq!(time.status, 200);
    assert!(time.json_body()["serverTime"].as_u64().unwrap() > 1_600_000_000_000);
    assert_eq!(time.header_value("x-mbx-used-weight-1m"), Some("1"));

    let order = signed(
        &sim,
        "POST",
        "/api/v3/order",
        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=24000&newClientOrderId=t1",
    );
    let r = https_request(server.addr(), "localhost", server.ca(), &order)
        .unwrap()
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json_body()["status"], "NEW");

    sim.set_faults(Faults {
        drop_after_accept: 1,
        ..Faults::default()
    });
    let order = signed(
        &sim,
        "POST",
        "/api/v3/order",
        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=24000&newClientOrderId=t2",
    );
    assert!(
        https_request(server.addr(), "localhost", server.ca(), &order)
            .unwrap()
            .is_none(),
        "no answer"
    );
    assert_eq!(sim.open_orders().len(), 2, "but the order was accepted");
}

#[test]
fn a_client_that_does_not_trust_the_ca_is_refused() {
    let server = SimBinance::with_sample().serve(&[]).unwrap();
    let other = TestCa::new().unwrap();
    let err = https_request(
        server.addr(),
        "localhost",
        &other,
        &SimRequest::new("GET", "/api/v3/time"),
    );
    assert!(err.is_err());
}

#[test]
fn latency_is_injected_and_a_price_path_fills_stops() {
    let sim = SimBinance::with_sample();
    sim.add_key(ApiKey {
        key: KEY.into(),
        credential: KeyCredential::hmac(SECRET),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    sim.set_balance("BTC", "1");
    let server = sim.serve(&[]).unwrap();
    let stop = signed(
        &sim,
        "POST",
        "/api/v3/order",
        "symbol=BTCUSDT&side=SELL&type=STOP_LOSS&quantity=0.5&stopPrice=24000",
    );
    let r = https_request(server.addr(), "localhost", server.ca(), &stop)
        .unwrap()
        .unwrap();
    assert_eq!(r.json_body()["status"], "NEW", "{}", r.body);
    sim.play_path("BTCUSDT", &["24800", "24500", "23990", "25000"]);
    assert_eq!(
        sim.orders()[0].status,
        supreme_testkit::binance::OrderStatus::Filled
    );
    assert_eq!(
        sim.balance("USDT").free,
        1_199_500_000_000,
        "0.5 BTC sold at 23,990"
    );

    sim.set_faults(Faults {
        latency: std::time::Duration::from_millis(80),
        ..Faults::default()
    });
    let start = std::time::Instant::now();
    let r = https_request(
        server.addr(),
        "localhost",
        server.ca(),
        &SimRequest::new("GET", "/api/v3/time"),
    )
    .unwrap()
    .unwrap();
    assert_eq!(r.status, 200);
    assert!(start.elapsed() >= std::time::Duration::from_millis(80));
}
