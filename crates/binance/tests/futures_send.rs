//! Compile-time: every future of the async client, and of the guarded
//! transport, is `Send` (a tokio bot spawns them on a multi-thread
//! runtime). Nothing here runs; it has to compile.

#![allow(dead_code, clippy::unwrap_used)]

use supreme_binance::{
    BinanceClient, GuardedTransport, KeyPolicy, Params, Prepaid, Request, Transport,
};
use supreme_gate::{Approval, Gate, LiveOrder, RateCheck, RiskCheck};
use supreme_kill_switch::CloseOrder;
use supreme_net_guard::{Clock, Permit};
use supreme_order_guard::{ExchangeInfo, Symbol};

fn assert_send<T: Send>(_: &T) {}

#[allow(clippy::too_many_arguments)]
fn client_futures_are_send<R: RiskCheck, L: RateCheck>(
    c: &BinanceClient,
    approval: Approval<R, L>,
    close: CloseOrder,
    rules: &ExchangeInfo,
    gate: &Gate<R, L>,
    live: &LiveOrder,
    symbol: &Symbol,
    p: &Params,
) where
    L::Permit: Prepaid,
{
    assert_send(&c.sync_time());
    assert_send(&c.public("GET", "/api/v3/time", p));
    assert_send(&c.public_body("GET", "/api/v3/time", p));
    assert_send(&c.signed("GET", "/api/v3/account", p));
    assert_send(&c.place_order(approval));
    assert_send(&c.place_close_order(close, rules));
    assert_send(&c.query_order(symbol, "a"));
    assert_send(&c.cancel_order(symbol, "a"));
    assert_send(&c.open_orders(Some(symbol)));
    assert_send(&c.cancel_open_orders(symbol));
    assert_send(&c.balances());
    assert_send(&c.exchange_info());
    assert_send(&c.check_key_privileges(KeyPolicy::default()));
    assert_send(&c.reconcile(symbol, "a"));
    assert_send(&c.reconcile_order(gate, live));
    assert_send(&c.recover(gate));
}

fn guarded_futures_are_send<C: Clock + Send + Sync>(
    t: &GuardedTransport<C>,
    req: &Request,
    permit: Permit,
) {
    assert_send(&t.send(req));
    assert_send(&t.send_charged(req, permit));
    assert_send(&t.check_url("https://api.binance.com/"));
}

#[test]
fn the_futures_are_send() {
    // The checks above are compile-time; this test only marks the file.
    let _ = client_futures_are_send::<supreme_gate::NoRiskLimits, supreme_gate::NoRateLimit>;
}
