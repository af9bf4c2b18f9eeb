use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ring::hmac;
use serde_json::Value;
use tungstenite::{Message, WebSocket};

use super::*;
use crate::binance::{ApiKey, ApiRestrictions, KeyCredential, SimRequest};

const KEY: &str = "ws-sim-test-key";
const SECRET: &str = "ws-sim-test-secret";

type Client = WebSocket<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>;

fn sign(payload: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, SECRET.as_bytes());
    hex::encode(hmac::sign(&key, payload.as_bytes()).as_ref())
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(0))
}

fn connect(ws: &WsSim, ca: &TestCa, url: &str) -> Client {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.cert_der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = TcpStream::connect(ws.addr()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let url = url.replace("127.0.0.1", "localhost");
    let (client, _) = tungstenite::client(url, rustls::StreamOwned::new(conn, tcp)).unwrap();
    client
}

/// The next text frame as JSON (pings are answered by tungstenite).
fn next(c: &mut Client) -> Value {
    loop {
        match c.read().unwrap() {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Close(_) => panic!("closed"),
            _ => {}
        }
    }
}

fn wait(what: impl Fn() -> bool) {
    let start = Instant::now();
    while !what() {
        assert!(start.elapsed() < Duration::from_secs(5), "timed out");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn setup(config: WsConfig) -> (SimBinance, TestCa, WsSim) {
    let sim = SimBinance::with_sample();
    sim.add_key(ApiKey {
        key: KEY.into(),
        credential: KeyCredential::hmac(SECRET.as_bytes()),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    sim.set_balance("USDT", "100000");
    let ca = TestCa::new().unwrap();
    let ws = WsSim::start(&sim, &ca, &[], config).unwrap();
    (sim, ca, ws)
}

#[test]
fn market_streams_carry_what_the_test_pushes() {
    let (_sim, ca, ws) = setup(WsConfig::default());
    let mut c = connect(&ws, &ca, &ws.market_url("btcusdt@bookTicker/btcusdt@trade"));
    wait(|| ws.connections() == 1);
    ws.book_ticker("BTCUSDT", "24999", "1", "25001", "2");
    let f = next(&mut c);
    assert_eq!(f["stream"], "btcusdt@bookTicker");
    assert_eq!(f["data"]["b"], "24999");
    assert_eq!(f["data"]["A"], "2");
    ws.price("BTCUSDT", "25100");
    let f = next(&mut c);
    assert_eq!(f["stream"], "btcusdt@trade");
    assert_eq!(f["data"]["p"], "25100");
    let f = next(&mut c);
    assert_eq!(
        f["stream"], "btcusdt@bookTicker",
        "aggTrade and avgPrice not subscribed"
    );
    ws.send_raw("{not json");
    match c.read().unwrap() {
        Message::Text(t) => assert_eq!(t.as_str(), "{not json"),
        other => panic!("{other:?}"),
    }
}

fn subscribe(c: &mut Client, secret_ok: bool) -> Value {
    let ts = now_ms();
    let payload = format!("apiKey={KEY}&timestamp={ts}");
    let sig = if secret_ok {
        sign(&payload)
    } else {
        sign("other")
    };
    let req = serde_json::json!({ "id": "s1", "method": "userDataStream.subscribe.signature",
        "params": { "apiKey": KEY, "timestamp": ts, "signature": sig } });
    c.send(Message::text(req.to_string())).unwrap();
    next(c)
}

fn place_limit_buy(sim: &SimBinance, client_id: &str, price: &str) {
    let payload = format!(
        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price={price}&newClientOrderId={client_id}&timestamp={}",
        now_ms()
    );
    let req = SimRequest::new(
        "POST",
        &format!("/api/v3/order?{payload}&signature={}", sign(&payload)),
    )
    .header("X-MBX-APIKEY", KEY);
    let resp = sim.handle(&req);
    assert_eq!(resp.status, 200, "{}", resp.body);
}

#[test]
fn user_data_reports_the_simulators_own_orders_and_fills() {
    let (sim, ca, ws) = setup(WsConfig::default());
    let mut c = connect(&ws, &ca, &ws.api_url());
    let bad = subscribe(&mut c, false);
    assert_eq!(bad["status"], 401);
    assert_eq!(bad["error"]["code"], -1022);
    let ok = subscribe(&mut c, true);
    assert_eq!(ok["status"], 200, "{ok}");
    assert_eq!(ok["result"]["subscriptionId"], 0);
    place_limit_buy(&sim, "ws-buy-1", "24000");
    let new = next(&mut c);
    assert_eq!(new["subscriptionId"], 0);
    assert_eq!(new["event"]["e"], "executionReport");
    assert_eq!(new["event"]["x"], "NEW");
    assert_eq!(new["event"]["c"], "ws-buy-1");
    let pos = next(&mut c);
    assert_eq!(pos["event"]["e"], "outboundAccountPosition");
    ws.price("BTCUSDT", "23900");
    let fill = next(&mut c);
    assert_eq!(fill["event"]["x"], "TRADE");
    assert_eq!(fill["event"]["X"], "FILLED");
    assert_eq!(fill["event"]["l"], "0.01");
    assert_eq!(fill["event"]["z"], "0.01");
    assert_eq!(fill["event"]["t"], 1);
    assert_eq!(fill["event"]["L"], "23900");
    ws.balance_update("USDT", "5");
    let mut kinds = Vec::new();
    while kinds.len() < 2 {
        kinds.push(
            next(&mut c)["event"]["e"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        );
    }
    assert!(kinds.contains(&"balanceUpdate".to_string()), "{kinds:?}");
}

#[test]
fn connections_end_at_their_lifetime_and_when_dropped() {
    let config = WsConfig {
        lifetime: Duration::from_millis(150),
        ..WsConfig::default()
    };
    let (_sim, ca, ws) = setup(config);
    let mut c = connect(&ws, &ca, &ws.market_url("btcusdt@trade"));
    let start = Instant::now();
    loop {
        match c.read() {
            Ok(Message::Close(_)) | Err(_) => break,
            Ok(_) => {}
        }
    }
    assert!(start.elapsed() >= Duration::from_millis(100));
    let config = WsConfig::default();
    let (_sim, ca, ws) = setup(config);
    let mut c = connect(&ws, &ca, &ws.market_url("btcusdt@trade"));
    wait(|| ws.connections() == 1);
    ws.drop_connections();
    assert!(
        loop {
            match c.read() {
                Err(_) => break true,
                Ok(Message::Close(_)) => break false,
                Ok(_) => {}
            }
        },
        "a drop sends no close frame"
    );
    wait(|| ws.connections() == 0);
    assert_eq!(ws.accepted(), 1);
}
