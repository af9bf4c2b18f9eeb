use proptest::prelude::*;

use super::*;
use crate::Error;

const REPORT: &str = r#"{"subscriptionId":0,"event":{"e":"executionReport","E":1499405658658,"s":"ETHBTC","c":"mUvoqJxFIILMdfAW5iGSOW","S":"BUY","o":"LIMIT","f":"GTC","q":"1.00000000","p":"0.10264410","P":"0.00000000","F":"0.00000000","g":-1,"C":"","x":"TRADE","X":"PARTIALLY_FILLED","r":"NONE","i":4293153,"l":"0.40000000","z":"0.40000000","L":"0.10264410","n":"0.00000400","N":"ETH","T":1499405658657,"t":77,"I":8641984,"w":true,"m":false,"M":false,"O":1499405658657,"Z":"0.04105764","Y":"0.04105764","Q":"0.00000000","W":1499405658657,"V":"NONE"}}"#;

#[test]
fn an_execution_report_parses_exactly() {
    let Ok(Frame::ExecutionReport(r)) = parse_frame(REPORT) else {
        panic!("{:?}", parse_frame(REPORT));
    };
    assert_eq!(r.symbol.as_str(), "ETHBTC");
    assert_eq!(
        r.client_order_id.map(|c| c.to_string()).as_deref(),
        Some("mUvoqJxFIILMdfAW5iGSOW")
    );
    assert_eq!(r.order_id, 4_293_153);
    assert_eq!(r.trade_id, Some(77));
    assert_eq!(r.status, ExecStatus::PartiallyFilled);
    assert_eq!(r.last_qty, "0.4".parse().unwrap());
    assert_eq!(r.cumulative_quote, "0.04105764".parse().unwrap());
    assert_eq!(
        r.commission_asset.map(|a| a.to_string()).as_deref(),
        Some("ETH")
    );
}

#[test]
fn a_cancel_reports_the_orders_own_id() {
    let cancel = REPORT
        .replace(r#""C":"""#, r#""C":"my-order-1""#)
        .replace(r#""x":"TRADE""#, r#""x":"CANCELED""#)
        .replace(r#""t":77"#, r#""t":-1"#);
    let Ok(Frame::ExecutionReport(r)) = parse_frame(&cancel) else {
        panic!()
    };
    assert_eq!(
        r.client_order_id.map(|c| c.to_string()).as_deref(),
        Some("my-order-1")
    );
    assert_eq!(r.trade_id, None);
}

#[test]
fn inconsistent_reports_are_malformed() {
    let no_trade_id = REPORT.replace(r#""t":77"#, r#""t":-1"#);
    assert!(matches!(
        parse_frame(&no_trade_id),
        Err(Error::MalformedFrame { .. })
    ));
    let overfilled = REPORT.replace(r#""l":"0.40000000""#, r#""l":"0.5""#);
    assert!(matches!(
        parse_frame(&overfilled),
        Err(Error::MalformedFrame { .. })
    ));
    let negative = REPORT.replace(r#""z":"0.40000000""#, r#""z":"-0.4""#);
    assert!(matches!(
        parse_frame(&negative),
        Err(Error::MalformedFrame { .. })
    ));
    let status = REPORT.replace("PARTIALLY_FILLED", "HALF_DONE");
    assert!(matches!(
        parse_frame(&status),
        Err(Error::MalformedFrame { .. })
    ));
}

#[test]
fn market_frames_and_answers_parse() {
    let t = parse_frame(
        r#"{"e":"aggTrade","E":1,"s":"BTCUSDT","a":9,"p":"1.5","q":"2","f":1,"l":2,"T":1,"m":true,"M":true}"#,
    );
    assert!(matches!(t, Ok(Frame::Trade(t)) if t.aggregated && t.trade_id == 9));
    let a = parse_frame(r#"{"e":"avgPrice","E":1,"s":"BTCUSDT","i":"5m","w":"25000.5","T":1}"#);
    assert!(matches!(a, Ok(Frame::AvgPrice(a)) if a.price == "25000.5".parse().unwrap()));
    let ok = parse_frame(r#"{"id":"s1","status":200,"result":{"subscriptionId":3}}"#);
    assert!(
        matches!(ok, Ok(Frame::Answer(a)) if a.subscription_id == Some(3) && a.error.is_none())
    );
    let refused = parse_frame(r#"{"id":7,"status":401,"error":{"code":-1022,"msg":"bad"}}"#);
    assert!(
        matches!(refused, Ok(Frame::Answer(a)) if a.id == "7" && a.error == Some((-1022, "bad".into())))
    );
    let sub = parse_frame(r#"{"result":null,"id":1}"#);
    assert!(matches!(sub, Ok(Frame::Answer(a)) if a.status == 200));
    let bal = parse_frame(
        r#"{"subscriptionId":0,"event":{"e":"balanceUpdate","E":1,"a":"BTC","d":"-0.5","T":1}}"#,
    );
    assert!(
        matches!(bal, Ok(Frame::BalanceUpdate(b)) if b.negative && b.delta == "0.5".parse().unwrap())
    );
    let pos = parse_frame(
        r#"{"subscriptionId":0,"event":{"e":"outboundAccountPosition","E":1,"u":1,"B":[{"a":"ETH","f":"10","l":"0"}]}}"#,
    );
    assert!(matches!(pos, Ok(Frame::AccountPosition(p)) if p.balances.len() == 1));
    let end = parse_frame(r#"{"subscriptionId":4,"event":{"e":"eventStreamTerminated","E":1}}"#);
    assert!(matches!(
        end,
        Ok(Frame::StreamTerminated {
            subscription_id: Some(4)
        })
    ));
}

#[test]
fn unknown_and_malformed_frames_are_typed_errors() {
    assert!(matches!(
        parse_frame(r#"{"e":"newThing","E":1}"#),
        Err(Error::UnknownFrame { .. })
    ));
    assert!(matches!(
        parse_frame(r#"{"x":1}"#),
        Err(Error::UnknownFrame { .. })
    ));
    assert!(matches!(
        parse_frame("[1,2"),
        Err(Error::MalformedFrame { .. })
    ));
    assert!(matches!(
        parse_frame(r#"{"e":"trade","s":"BTCUSDT"}"#),
        Err(Error::MalformedFrame { .. })
    ));
    assert!(matches!(
        parse_frame(r#"{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1e5","q":"1","T":1}"#),
        Err(Error::MalformedFrame { .. })
    ));
}

fn valid_frames() -> Vec<String> {
    vec![
        REPORT.to_string(),
        r#"{"stream":"btcusdt@bookTicker","data":{"u":1,"s":"BTCUSDT","b":"1","B":"1","a":"2","A":"1"}}"#.into(),
        r#"{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":7,"p":"2","q":"1","T":1}}"#.into(),
        r#"{"subscriptionId":0,"event":{"e":"balanceUpdate","E":1,"a":"BTC","d":"-0.5","T":1}}"#.into(),
        r#"{"id":"s1","status":200,"result":{"subscriptionId":3}}"#.into(),
    ]
}

proptest! {
    /// Any text: a frame or a typed error, never a panic.
    #[test]
    fn any_text_is_a_frame_or_a_typed_error(text in "\\PC{0,256}") {
        let _ = parse_frame(&text);
    }

    /// A valid frame with one byte changed, cut short, or spliced: a frame
    /// or a typed error, never a panic; and a frame that parses keeps its
    /// amounts exact (they print back as valid decimals).
    #[test]
    fn damaged_frames_never_panic(which in 0usize..5, at in 0usize..600, byte in any::<u8>(), cut in 0usize..600) {
        let frames = valid_frames();
        let mut bytes = frames[which].clone().into_bytes();
        let i = at % bytes.len();
        bytes[i] = byte;
        bytes.truncate(cut.max(i + 1).min(bytes.len()));
        if let Ok(text) = std::str::from_utf8(&bytes)
            && let Ok(Frame::ExecutionReport(r)) = parse_frame(text)
        {
            prop_assert!(r.last_qty <= r.cumulative_qty);
        }
    }
}
