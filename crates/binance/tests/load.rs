//! 1,000 orders from 16 concurrent tasks through one gate, one guarded
//! transport (DNS, test CA, pins, the exchange limiter) and one client to
//! the simulated exchange on loopback: none lost, none sent twice, the
//! ORDERS window never exceeded, every order whose answer was dropped
//! reconciled, never sent a second time.
//!
//! The limiter, the simulator, the client and the gate share one clock that
//! the test controls. Twice:
//!
//! - the order limit raised to 1,000 per 10 s, locally and at the
//!   simulator, the clock frozen: the 10 s window cannot roll during the
//!   run, so at the end it holds every order, counted exactly once;
//! - Binance's own 50 per 10 s: the gate refuses the 51st order of a
//!   window (the tasks wait and ask again), and once a window is full and
//!   every order in it answered, the test moves the clock 10 s on (on the
//!   wall clock this run would take minutes). The simulator would answer
//!   429 to an order over its window; none is.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use support::guarded::rig_limited;
use supreme_binance::{
    BinanceClient, Error, GuardedTransport, OrderState, Reconciled, Request, Response, Transport,
    TransportError,
};
use supreme_core::Clock;
use supreme_gate::{
    DecisionLog, Gate, GateBuilder, GateOptions, LiveStatus, NoRiskLimits, Rejection,
};
use supreme_kill_switch::KillSwitch;
use supreme_net_guard::ratelimit::{LimitKind, RateLimit};
use supreme_net_guard::{ExchangeLimiter, FakeClock, Permit};
use supreme_order_guard::{
    ClientOrderId, ExchangeInfo, OpenOrderCounts, Order, OrderContext, Quantity, ReferencePrice,
    SAMPLE_EXCHANGE_INFO, Side, Symbol, TimeInForce, Validator,
};
use supreme_testkit::binance::{Faults, LimitConfig, SimBinance};

const ORDERS: u32 = 1_000;
const TASKS: u32 = 16;
/// 2025-12-01 01:00:00 UTC: a 10 s window starts there, the day has room.
const T0: u64 = 1_764_550_800_000;
/// Answers dropped after the simulator accepted the order, at each of four
/// points of the run.
const DROPS_EACH: u32 = 8;

type Limiter = ExchangeLimiter<Arc<FakeClock>>;
type LoadGate = Gate<NoRiskLimits, Arc<Limiter>>;

/// The guarded transport, counting what it sends: the order posts, and the
/// highest `X-MBX-ORDER-COUNT-10S` the exchange answered.
struct Counting {
    inner: Arc<GuardedTransport<Arc<FakeClock>>>,
    order_posts: AtomicU32,
    max_count_10s: AtomicU32,
}

impl Counting {
    fn note(&self, answer: &Result<Response, TransportError>) {
        let count = answer.as_ref().ok().and_then(|r| {
            r.header("x-mbx-order-count-10s")
                .and_then(|v| v.parse().ok())
        });
        if let Some(n) = count {
            self.max_count_10s.fetch_max(n, Ordering::SeqCst);
        }
    }

    fn count(&self, req: &Request) {
        if req.method == "POST" && req.path == "/api/v3/order" {
            self.order_posts.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Transport for Counting {
    async fn send(&self, req: &Request) -> Result<Response, TransportError> {
        self.count(req);
        let answer = self.inner.send(req).await;
        self.note(&answer);
        answer
    }

    async fn send_charged(
        &self,
        req: &Request,
        permit: Permit,
    ) -> Result<Response, TransportError> {
        self.count(req);
        let answer = self.inner.send_charged(req, permit).await;
        self.note(&answer);
        answer
    }
}

/// An IOC limit buy of 0.001 BTCUSDT at the market (25,000): it fills at once.
fn order(id: &str) -> Order {
    let mut o = Order::limit(
        Symbol::new("BTCUSDT").unwrap(),
        Side::Buy,
        "0.001".parse().unwrap(),
        "25000".parse().unwrap(),
    )
    .with_client_order_id(ClientOrderId::new(id).unwrap());
    o.time_in_force = Some(TimeInForce::Ioc);
    o
}

fn gate(switch: &KillSwitch, limiter: Arc<Limiter>, clock: Arc<FakeClock>) -> LoadGate {
    GateBuilder {
        kill_switch: switch.gate(),
        rules: Arc::new(ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap()),
        validator: Validator::default(),
        risk: NoRiskLimits,
        rate: limiter,
        decisions: Arc::new(DecisionLog::with_capacity(1 << 12)),
    }
    .build_with(GateOptions {
        clock,
        ..GateOptions::default()
    })
    .unwrap()
}

/// What one task saw: the answered orders and the ids whose outcome is unknown.
#[derive(Default)]
struct Seen {
    answered: Vec<OrderState>,
    unknown: Vec<String>,
    /// Checks the gate refused for the rate limit.
    rate_waits: u32,
}

/// Task `t` sends orders `load-{t}-{i}` one after another, each approved by
/// the shared gate just before it is sent.
async fn run_task(
    t: u32,
    n: u32,
    gate: Arc<LoadGate>,
    client: Arc<BinanceClient>,
    clock: Arc<FakeClock>,
    clock_step: Arc<RwLock<()>>,
) -> Seen {
    let mut seen = Seen::default();
    for i in 0..n {
        let id = format!("load-{t}-{i}");
        let order = order(&id);
        let approval = loop {
            // The clock moves only between checks: an approval's time and
            // its window are read together.
            let step = clock_step.read().unwrap();
            let now = clock.now_ms();
            let ctx = OrderContext::new(now)
                .with_reference(ReferencePrice {
                    price: order.price.unwrap(),
                    observed_at_ms: now,
                })
                .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default())
                .with_base_position(Quantity::ZERO);
            gate.decisions().drain(|_| {});
            let verdict = gate.check(&order, &ctx);
            drop(step);
            match verdict {
                Ok(approval) => break approval,
                // The window is full: ask again once the clock has moved.
                Err(Rejection::RateLimited(_)) => {
                    seen.rate_waits += 1;
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                Err(e) => panic!("{id}: {e}"),
            }
        };
        match client.place_order(approval).await {
            Ok(state) => {
                assert_eq!(state.client_order_id, id);
                assert_eq!(state.status, "FILLED", "{id}");
                seen.answered.push(state);
            }
            Err(Error::OutcomeUnknown {
                client_order_id, ..
            }) => {
                assert_eq!(client_order_id, id);
                seen.unknown.push(id);
            }
            Err(e) => panic!("{id}: {e:?}"),
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_orders_from_sixteen_tasks_are_each_sent_once_and_all_settled() {
    run(1_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn at_fifty_per_ten_seconds_the_window_is_never_exceeded() {
    run(50).await;
}

/// The run, with `limit` orders per 10 s locally and at the simulator.
async fn run(limit: u32) {
    let started = Instant::now();
    // The simulator checks each signed timestamp against this clock.
    let clock = Arc::new(FakeClock::new(T0));
    let sim_clock = clock.clone();
    let sim = SimBinance::with_sample().with_clock(Arc::new(move || sim_clock.now_ms()));
    sim.set_limits(LimitConfig {
        orders_per_10s: limit,
        ..LimitConfig::default()
    });
    let limits = vec![
        RateLimit::new(LimitKind::RequestWeight, 60_000, 6_000).unwrap(),
        RateLimit::new(LimitKind::Orders, 10_000, limit).unwrap(),
        RateLimit::new(LimitKind::Orders, 86_400_000, 160_000).unwrap(),
        RateLimit::new(LimitKind::RawRequests, 300_000, 61_000).unwrap(),
    ];
    let rig = rig_limited(sim, clock.clone(), limits);
    let transport = Arc::new(Counting {
        inner: rig.transport.clone(),
        order_posts: AtomicU32::new(0),
        max_count_10s: AtomicU32::new(0),
    });
    let client = Arc::new(
        BinanceClient::new(
            transport.clone(),
            support::API_KEY,
            support::vault().signer("binance-hmac").unwrap(),
        )
        .with_clock(clock.clone()),
    );
    client.sync_time().await.unwrap();
    let switch = KillSwitch::builder().build();
    let limiter = rig.limiter().clone();
    let gate = Arc::new(gate(&switch, limiter.clone(), clock.clone()));

    // The monitor: samples the local ORDERS window while the tasks run,
    // drops the answers of a few accepted orders at four points of the run,
    // and moves the clock on once a window is full and all of it answered.
    let done = Arc::new(AtomicBool::new(false));
    let clock_step = Arc::new(RwLock::new(()));
    let monitor = {
        let step = clock_step.clone();
        let (done, limiter, transport, sim, gate, clock) = (
            done.clone(),
            limiter.clone(),
            transport.clone(),
            rig.sim.clone(),
            gate.clone(),
            clock.clone(),
        );
        tokio::spawn(async move {
            let (mut max, mut samples, mut next_drop, mut windows) = (0, 0u32, 0, 1u32);
            while !done.load(Ordering::SeqCst) {
                let used = limiter.used(LimitKind::Orders, 10_000).unwrap();
                assert!(used <= limit, "ORDERS window at {used}");
                max = max.max(used);
                samples += 1;
                // Full, so no approval can be minted until the clock moves:
                // once each one minted was sent and answered, move it.
                let step = step.write().unwrap();
                let used = limiter.used(LimitKind::Orders, 10_000).unwrap();
                let minted = limiter.used(LimitKind::Orders, 86_400_000).unwrap();
                if used == limit
                    && minted < ORDERS
                    && transport.order_posts.load(Ordering::SeqCst) == minted
                    && gate
                        .live_orders()
                        .iter()
                        .all(|o| o.status != LiveStatus::Sending)
                {
                    clock.advance(Duration::from_secs(10));
                    windows += 1;
                }
                drop(step);
                let sent = transport.order_posts.load(Ordering::SeqCst);
                if next_drop < 4 && sent >= next_drop * (ORDERS / 4) {
                    sim.set_faults(Faults {
                        drop_after_accept: DROPS_EACH,
                        ..Faults::default()
                    });
                    next_drop += 1;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            (max, samples, windows)
        })
    };

    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            // 1,000 over 16: the first 8 send 63, the rest 62.
            let n = ORDERS / TASKS + u32::from(t < ORDERS % TASKS);
            tokio::spawn(run_task(
                t,
                n,
                gate.clone(),
                client.clone(),
                clock.clone(),
                clock_step.clone(),
            ))
        })
        .collect();
    let mut answered = Vec::new();
    let mut unknown = BTreeSet::new();
    let mut rate_waits = 0;
    for task in tasks {
        let waited = tokio::time::timeout(Duration::from_secs(20), task).await;
        let seen = waited
            .unwrap_or_else(|_| {
                let live: Vec<_> = gate.live_orders().iter().map(|o| o.status).collect();
                panic!(
                    "stuck: window {:?}, today {:?}, posts {}, weight {:?}, live {live:?}",
                    limiter.used(LimitKind::Orders, 10_000),
                    limiter.used(LimitKind::Orders, 86_400_000),
                    transport.order_posts.load(Ordering::SeqCst),
                    limiter.used(LimitKind::RequestWeight, 60_000),
                )
            })
            .unwrap();
        answered.extend(seen.answered);
        unknown.extend(seen.unknown);
        rate_waits += seen.rate_waits;
    }
    done.store(true, Ordering::SeqCst);
    let (max_sampled, samples, windows) = monitor.await.unwrap();
    rig.sim.set_faults(Faults::default());

    // Every order sent exactly once, answered or not.
    assert_eq!(answered.len() + unknown.len(), ORDERS as usize);
    assert!(
        unknown.len() >= DROPS_EACH as usize,
        "answers were dropped: {}",
        unknown.len()
    );
    assert_eq!(transport.order_posts.load(Ordering::SeqCst), ORDERS);
    let at_sim = rig.sim.orders();
    assert_eq!(at_sim.len(), ORDERS as usize, "none lost, none sent twice");
    let by_id: HashMap<&str, u64> = at_sim
        .iter()
        .map(|o| (o.client_order_id.as_str(), o.order_id))
        .collect();
    assert_eq!(by_id.len(), ORDERS as usize, "each client order id once");
    let expected: BTreeSet<String> = (0..TASKS)
        .flat_map(|t| {
            let n = ORDERS / TASKS + u32::from(t < ORDERS % TASKS);
            (0..n).map(move |i| format!("load-{t}-{i}"))
        })
        .collect();
    let seen_ids: BTreeSet<String> = by_id.keys().map(|s| (*s).to_string()).collect();
    assert_eq!(seen_ids, expected);
    for state in &answered {
        assert_eq!(
            by_id.get(state.client_order_id.as_str()),
            Some(&state.order_id),
            "{} answered as the simulator holds it",
            state.client_order_id
        );
    }

    // The unknown ones are exactly the gate's held orders; each reconciled.
    let live = gate.live_orders();
    let held: BTreeSet<String> = live
        .iter()
        .inspect(|o| assert_eq!(o.status, LiveStatus::Unknown))
        .map(|o| o.client_order_id.to_string())
        .collect();
    assert_eq!(held, unknown, "only the unknown ones are held");
    let posts_before = transport.order_posts.load(Ordering::SeqCst);
    for o in &live {
        match client.reconcile_order(&gate, o).await.unwrap() {
            Reconciled::Found(state) => {
                assert_eq!(state.status, "FILLED");
                assert_eq!(
                    by_id.get(state.client_order_id.as_str()),
                    Some(&state.order_id)
                );
            }
            Reconciled::NotFound => panic!("{}: accepted, yet not found", o.client_order_id),
        }
    }
    assert_eq!(
        transport.order_posts.load(Ordering::SeqCst),
        posts_before,
        "reconciliation never re-sends"
    );
    assert_eq!(rig.sim.orders().len(), ORDERS as usize);
    assert!(gate.live_orders().is_empty(), "every order settled");

    // The ORDERS windows: each order counted once, at the gate, never over.
    assert_eq!(windows, ORDERS.div_ceil(limit), "windows the run took");
    let last_window = ORDERS - (windows - 1) * limit;
    assert_eq!(limiter.used(LimitKind::Orders, 10_000), Some(last_window));
    assert_eq!(limiter.used(LimitKind::Orders, 86_400_000), Some(ORDERS));
    assert!(samples > 0 && max_sampled <= limit);
    assert_eq!(
        rate_waits > 0,
        limit < ORDERS,
        "the gate held orders back only when the window was full"
    );
    let max_header = transport.max_count_10s.load(Ordering::SeqCst);
    assert!(
        max_header <= limit && max_header + 4 * DROPS_EACH >= last_window,
        "the exchange's count peaked at {max_header}"
    );
    println!(
        "{ORDERS} orders from {TASKS} tasks at {limit} per 10 s in {:?}: {} answered, {} \
         unknown and reconciled; {windows} windows, {rate_waits} checks held back by the \
         gate; ORDERS window peaked at {max_sampled} locally ({samples} samples), \
         {max_header} at the exchange",
        started.elapsed(),
        answered.len(),
        unknown.len()
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}
