//! One reservation from gate to wire: an order approved by a gate whose rate
//! stage is the transport's own exchange limiter is counted once, at the
//! gate; the transport spends the approval's permit and never counts it
//! again. Checked against the simulated exchange's own counters
//! (`X-MBX-ORDER-COUNT-10S`, `X-MBX-USED-WEIGHT-1M`) through the guarded
//! transport (DNS, test CA, pins, limiter) on loopback.
//!
//! The limiter, the simulator, the client and the gate share one clock,
//! frozen at the time the test starts: the 10 s and 1 min windows (aligned
//! to the wall clock) cannot roll between two readings, so the counts are
//! exact, never deltas across a window boundary.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use support::flavors;

use std::sync::Arc;
use std::time::Duration;

use support::guarded::{Rig, rig_with};
use supreme_binance::{
    BinanceClient, DEFAULT_MAX_BODY_BYTES, GuardedTransport, Request, Response, Transport,
    TransportError,
};
use supreme_core::Clock;
use supreme_gate::{
    Approval, DecisionLog, Gate, GateBuilder, GateOptions, NoRiskLimits, RateCheck,
};
use supreme_kill_switch::KillSwitch;
use supreme_net_guard::ratelimit::LimitKind;
use supreme_net_guard::{Cost, ExchangeLimiter, FakeClock, Permit, SystemClock};
use supreme_order_guard::{
    ExchangeInfo, OpenOrderCounts, Order, OrderContext, Quantity, ReferencePrice,
    SAMPLE_EXCHANGE_INFO, Validator,
};
use supreme_testkit::binance::SimBinance;

type Limiter = ExchangeLimiter<Arc<FakeClock>>;

/// The guarded rig on a frozen clock, and a client on the same clock.
struct Frozen {
    rig: Rig<Arc<FakeClock>>,
    clock: Arc<FakeClock>,
    client: BinanceClient,
    switch: KillSwitch,
}

async fn frozen() -> Frozen {
    // A real date (the simulator checks each signed timestamp against it),
    // which then stands still.
    let clock = Arc::new(FakeClock::new(SystemClock.now_ms()));
    let sim_clock = clock.clone();
    let sim = SimBinance::with_sample().with_clock(Arc::new(move || sim_clock.now_ms()));
    let rig = rig_with(sim, clock.clone());
    let client = rig.client().with_clock(clock.clone());
    client.sync_time().await.unwrap(); // weight 1, no order
    Frozen {
        rig,
        clock,
        client,
        switch: KillSwitch::builder().build(),
    }
}

impl Frozen {
    /// A gate with the sample rules, no risk stage, and `rate` as its rate
    /// stage, on the frozen clock.
    fn gate<L: RateCheck>(&self, rate: L) -> Gate<NoRiskLimits, L> {
        GateBuilder {
            kill_switch: self.switch.gate(),
            rules: Arc::new(ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap()),
            validator: Validator::default(),
            risk: NoRiskLimits,
            rate,
            decisions: Arc::new(DecisionLog::with_capacity(1 << 10)),
        }
        .build_with(GateOptions {
            clock: self.clock.clone(),
            ..GateOptions::default()
        })
        .unwrap()
    }

    fn limiter(&self) -> &Arc<Limiter> {
        self.rig.limiter()
    }

    /// The local windows: (ORDERS per 10 s, ORDERS per day, REQUEST_WEIGHT per minute).
    fn local(&self) -> (u32, u32, u32) {
        let used = |kind, ms| self.limiter().used(kind, ms).unwrap();
        (
            used(LimitKind::Orders, 10_000),
            used(LimitKind::Orders, 86_400_000),
            used(LimitKind::RequestWeight, 60_000),
        )
    }
}

/// `order` through `gate`, its own price the reference.
fn approve<L: RateCheck>(
    gate: &Gate<NoRiskLimits, L>,
    order: &Order,
    now_ms: u64,
) -> Approval<NoRiskLimits, L> {
    let ctx = OrderContext::new(now_ms)
        .with_reference(ReferencePrice {
            price: order.price.unwrap(),
            observed_at_ms: now_ms,
        })
        .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default())
        .with_base_position(Quantity::ZERO);
    gate.decisions().drain(|_| {});
    gate.check(order, &ctx).unwrap()
}

/// Places `n` resting limit orders (`{prefix}-{i}`), each approved by `gate`.
async fn place<L: RateCheck>(
    f: &Frozen,
    client: &BinanceClient,
    gate: &Gate<NoRiskLimits, L>,
    n: u32,
    prefix: &str,
) where
    L::Permit: supreme_binance::Prepaid,
{
    for i in 0..n {
        let order = support::order(&format!("{prefix}-{i}"));
        let state = client
            .place_order(approve(gate, &order, f.clock.now_ms()))
            .await
            .unwrap();
        assert_eq!(state.status, "NEW");
    }
}

flavors! {
    async fn ten_gated_orders_count_ten_at_the_exchange_and_ten_locally() {
    let f = frozen().await;
    assert_eq!(f.local(), (0, 0, 1), "only the time sync so far");
    let gate = f.gate(f.limiter().clone());
    place(&f, &f.client, &gate, 10, "one").await;

    let usage = f.client.usage();
    assert_eq!(usage.order_count_10s, Some(10), "the exchange counted 10");
    assert_eq!(usage.order_count_1d, Some(10));
    assert_eq!(usage.used_weight_1m, Some(11), "sync 1 + 10 orders x 1");
    assert_eq!(f.rig.sim.orders().len(), 10);
    // Locally too: each order's slot and weight counted once, at the gate.
    assert_eq!(f.local(), (10, 10, 11), "not 20: the permit was spent");
}
}

/// A transport that drops the approval's permit and sends as a plain
/// request: what the adapter did before the permit travelled. The control
/// for the test above: with it, the same 10 orders count 20 locally.
struct DropsPermit(Arc<GuardedTransport<Arc<FakeClock>>>);

impl Transport for DropsPermit {
    async fn send(&self, req: &Request) -> Result<Response, TransportError> {
        self.0.send(req).await
    }
}

#[tokio::test(flavor = "current_thread")]
async fn without_the_permit_each_order_is_counted_twice_locally() {
    let f = frozen().await;
    let client = BinanceClient::new(
        DropsPermit(f.rig.transport.clone()),
        support::API_KEY,
        support::vault().signer("binance-hmac").unwrap(),
    )
    .with_clock(f.clock.clone());
    client.sync_time().await.unwrap();
    let gate = f.gate(f.limiter().clone());
    place(&f, &client, &gate, 10, "twice").await;

    assert_eq!(client.usage().order_count_10s, Some(10));
    // Half of the ORDERS window gone for nothing: the bug the permit fixes.
    assert_eq!(f.local(), (20, 20, 22));
}

/// A rate stage reserving an order slot but no request weight: its permit
/// does not cover an order (weight 1).
struct NoWeight(Arc<Limiter>);

impl RateCheck for NoWeight {
    type Permit = Permit;

    fn reserve(&self, _weight: u32, _now_ms: u64) -> Result<Permit, Duration> {
        self.0
            .try_reserve(Cost::order(0))
            .map_err(|_| Duration::MAX)
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_order_whose_permit_does_not_cover_its_weight_is_counted_in_full() {
    let f = frozen().await;
    let gate = f.gate(NoWeight(f.limiter().clone()));
    place(&f, &f.client, &gate, 3, "short").await;

    let usage = f.client.usage();
    assert_eq!(usage.order_count_10s, Some(3));
    assert_eq!(usage.used_weight_1m, Some(4));
    // Each order counted in full at send (weight 1, one slot); the permit's
    // own slot stays counted (a dropped permit only ever over-counts).
    assert_eq!(f.local(), (6, 6, 4));
}

#[tokio::test(flavor = "current_thread")]
async fn a_permit_smaller_than_a_request_is_dropped_and_the_request_counted_in_full() {
    let f = frozen().await;
    let permit = f.limiter().try_reserve(Cost::order(1)).unwrap();
    assert_eq!(f.local(), (1, 1, 2));
    let req = Request {
        method: "GET",
        path: "/api/v3/exchangeInfo",
        query: String::new(),
        headers: Vec::new(),
        weight: 20,
        max_body_bytes: DEFAULT_MAX_BODY_BYTES,
    };
    let resp = f.rig.transport.send_charged(&req, permit).await.unwrap();
    assert_eq!(resp.status, 200);
    let sim_weight: u32 = resp
        .header("x-mbx-used-weight-1m")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(sim_weight, 21, "sync 1 + exchangeInfo 20");
    // Locally the 20 counted in full beside the permit's 1 (and its slot).
    assert_eq!(f.local(), (1, 1, 22));
}

#[tokio::test(flavor = "current_thread")]
async fn plain_requests_count_their_weight_once() {
    let f = frozen().await;
    for _ in 0..3 {
        f.client.balances().await.unwrap(); // GET /api/v3/account, weight 20
    }
    assert_eq!(f.client.usage().used_weight_1m, Some(61));
    assert_eq!(f.local(), (0, 0, 61));
    assert_eq!(f.client.usage().order_count_10s, None, "no order sent");
}
