use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ring::hmac;

use super::*;

const KEY: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

struct Fixture {
    sim: SimBinance,
    now: Arc<AtomicU64>,
}

fn fixture() -> Fixture {
    let now = Arc::new(AtomicU64::new(1_694_131_200_000));
    let clock = now.clone();
    let sim = SimBinance::with_sample().with_clock(Arc::new(move || clock.load(Ordering::SeqCst)));
    sim.add_key(ApiKey {
        key: KEY.into(),
        credential: KeyCredential::hmac(SECRET.as_bytes()),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    sim.set_balance("USDT", "100000");
    sim.set_balance("BTC", "1");
    Fixture { sim, now }
}

impl Fixture {
    fn ts(&self) -> u64 {
        self.now.load(Ordering::SeqCst)
    }

    fn signed(&self, method: &str, path: &str, params: &str) -> SimResponse {
        let payload = format!("{params}&timestamp={}", self.ts());
        let key = hmac::Key::new(hmac::HMAC_SHA256, SECRET.as_bytes());
        let sig: String = hmac::sign(&key, payload.as_bytes())
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let req = SimRequest::new(method, &format!("{path}?{payload}&signature={sig}"))
            .header("X-MBX-APIKEY", KEY);
        self.sim.handle(&req)
    }

    fn order(&self, params: &str) -> SimResponse {
        self.signed("POST", "/api/v3/order", params)
    }
}

#[test]
fn public_endpoints_answer() {
    let f = fixture();
    let r = f.sim.handle(&SimRequest::new("GET", "/api/v3/time"));
    assert_eq!(r.json_body()["serverTime"], f.ts());
    let r = f
        .sim
        .handle(&SimRequest::new("GET", "/api/v3/avgPrice?symbol=BTCUSDT"));
    assert_eq!(r.json_body()["price"], "25000");
    let r = f
        .sim
        .handle(&SimRequest::new("GET", "/api/v3/exchangeInfo"));
    assert_eq!(r.json_body()["symbols"][0]["symbol"], "BTCUSDT");
    assert_eq!(r.header_value("X-MBX-USED-WEIGHT-1M"), Some("23"));
    assert_eq!(
        f.sim
            .handle(&SimRequest::new("GET", "/api/v3/avgPrice?symbol=NOPE"))
            .json_body()["code"],
        -1121
    );
}

#[test]
fn limit_order_rests_then_fills_when_price_moves() {
    let f = fixture();
    let r = f.order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.1&price=24000&newClientOrderId=a1");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json_body()["status"], "NEW");
    assert_eq!(r.header_value("x-mbx-order-count-10s"), Some("1"));
    assert_eq!(f.sim.balance("USDT").locked, 2_400 * 100_000_000);
    f.sim.set_price("BTCUSDT", "23999");
    let o = &f.sim.orders()[0];
    assert_eq!(o.status, OrderStatus::Filled);
    assert_eq!(f.sim.balance("BTC").free, 110_000_000);
    assert_eq!(f.sim.balance("USDT").locked, 0);
    // Filled at the market price: 0.1 x 23999 = 2399.9 spent, 0.1 refunded.
    assert_eq!(
        f.sim.balance("USDT").free,
        (100_000 * 100_000_000) - 239_990_000_000
    );
}

#[test]
fn filters_reject_with_binance_codes() {
    let f = fixture();
    let r =
        f.order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.1&price=24000.001");
    assert_eq!(
        (r.status, r.json_body()["code"].as_i64()),
        (400, Some(-1013))
    );
    assert_eq!(r.json_body()["msg"], "Filter failure: PRICE_FILTER");
    let r = f.order("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.1&price=24000");
    assert_eq!(r.json_body()["code"], -1102);
    let r = f.order(
        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.123456789&price=24000",
    );
    assert_eq!(r.json_body()["code"], -1111);
    let r = f.order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=100&price=24000");
    assert_eq!(
        r.json_body()["msg"],
        "Account has insufficient balance for requested action."
    );
}

#[test]
fn duplicate_open_client_order_id_is_refused() {
    let f = fixture();
    let p = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.1&price=24000&newClientOrderId=dup";
    assert_eq!(f.order(p).status, 200);
    let r = f.order(p);
    assert_eq!(r.json_body()["msg"], "Duplicate order sent.");
}

#[test]
fn signatures_and_timestamps_are_checked() {
    let f = fixture();
    let bad = SimRequest::new(
        "GET",
        &format!("/api/v3/account?timestamp={}&signature=00", f.ts()),
    )
    .header("X-MBX-APIKEY", KEY);
    assert_eq!(f.sim.handle(&bad).json_body()["code"], -1022);
    let unknown = SimRequest::new("GET", "/api/v3/account?timestamp=1&signature=00")
        .header("X-MBX-APIKEY", "nope");
    assert_eq!(f.sim.handle(&unknown).json_body()["code"], -2015);
    for malformed in ["", "not a key"] {
        let r = SimRequest::new("GET", "/api/v3/account?timestamp=1&signature=00")
            .header("X-MBX-APIKEY", malformed);
        assert_eq!(f.sim.handle(&r).json_body()["code"], -2014, "{malformed:?}");
    }
    let keyless = SimRequest::new("GET", "/api/v3/account?timestamp=1&signature=00");
    assert_eq!(f.sim.handle(&keyless).json_body()["code"], -2014);
    assert_eq!(
        f.signed("GET", "/api/v3/account", "recvWindow=5000").status,
        200
    );
    // The server's clock runs 6 s ahead: our timestamp falls outside recvWindow.
    f.sim.set_faults(Faults {
        clock_skew_ms: 6_000,
        ..Faults::default()
    });
    assert_eq!(
        f.signed("GET", "/api/v3/account", "recvWindow=5000")
            .json_body()["code"],
        -1021
    );
}

#[test]
fn weight_limit_gives_429_then_418() {
    let f = fixture();
    f.sim.set_limits(LimitConfig {
        weight_per_minute: 4,
        ban_after_429s: 2,
        ..LimitConfig::default()
    });
    let time = SimRequest::new("GET", "/api/v3/time");
    for _ in 0..4 {
        assert_eq!(f.sim.handle(&time).status, 200);
    }
    let r = f.sim.handle(&time);
    assert_eq!(r.status, 429);
    assert!(r.header_value("retry-after").is_some());
    assert_eq!(f.sim.handle(&time).status, 429);
    let banned = f.sim.handle(&time);
    assert_eq!(banned.status, 418);
    assert_eq!(banned.header_value("retry-after"), Some("120"));
    f.now.fetch_add(60_000, Ordering::SeqCst);
    assert_eq!(f.sim.handle(&time).status, 418, "a ban outlives the minute");
    f.now.fetch_add(60_001, Ordering::SeqCst);
    assert_eq!(f.sim.handle(&time).status, 200);
}

#[test]
fn dropped_answer_after_accept_and_reconciliation_by_client_id() {
    let f = fixture();
    f.sim.set_faults(Faults {
        drop_after_accept: 1,
        ..Faults::default()
    });
    let r = f.order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.1&price=24000&newClientOrderId=lost-1");
    assert_eq!(r.delivery, Delivery::Drop);
    let found = f.signed(
        "GET",
        "/api/v3/order",
        "symbol=BTCUSDT&origClientOrderId=lost-1",
    );
    assert_eq!(found.json_body()["status"], "NEW");
    let none = f.signed(
        "GET",
        "/api/v3/order",
        "symbol=BTCUSDT&origClientOrderId=never",
    );
    assert_eq!(none.json_body()["code"], -2013);
}

#[test]
fn cancel_all_leaves_no_open_orders() {
    let f = fixture();
    for i in 0..3 {
        let r = f.order(&format!(
            "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=0.1&price=2600{i}"
        ));
        assert_eq!(r.status, 200, "{}", r.body);
    }
    assert_eq!(f.sim.balance("BTC").locked, 30_000_000);
    let r = f.signed("DELETE", "/api/v3/openOrders", "symbol=BTCUSDT");
    assert_eq!(r.json_body().as_array().map(Vec::len), Some(3));
    assert!(f.sim.open_orders().is_empty());
    assert_eq!(
        f.sim.balance("BTC"),
        Balance {
            free: 100_000_000,
            locked: 0
        }
    );
    let r = f.signed("GET", "/api/v3/openOrders", "");
    assert_eq!(r.json_body(), serde_json::json!([]));
}

#[test]
fn api_restrictions_are_served() {
    let f = fixture();
    let r = f.signed("GET", "/sapi/v1/account/apiRestrictions", "");
    assert_eq!(r.json_body()["enableWithdrawals"], false);
    assert_eq!(r.json_body()["ipRestrict"], true);
}

#[test]
fn forgetting_ended_orders_keeps_the_open_ones() {
    let f = fixture();
    let resting = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.1&price=24000&newClientOrderId=rest";
    assert_eq!(f.order(resting).json_body()["status"], "NEW");
    let market = "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001&newClientOrderId=fill";
    assert_eq!(f.order(market).json_body()["status"], "FILLED");
    assert_eq!(f.sim.forget_ended_orders(), 1);
    let left = f.sim.orders();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].client_order_id, "rest");
}
