//! 1,000 orders from 16 concurrent tasks through one gate, one guarded
//! transport (DNS, test CA, pins, the exchange limiter) and one client to
//! the simulated exchange on loopback: none lost, none sent twice, the
//! ORDERS window never exceeded, every order whose answer was dropped
//! reconciled, never sent a second time.
//!
//! The simulator's order limit and the local limiter's are raised to 1,000
//! per 10 s (at Binance's 50 per 10 s the run would take minutes). The
//! limiter, the simulator, the client and the gate share one clock, frozen
//! at the start, so the 10 s window cannot roll during the run: at the end
//! the window holds every order, counted exactly once.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use support::guarded::rig_limited;
use supreme_binance::{
    BinanceClient, Error, GuardedTransport, OrderState, Reconciled, Request, Response, Transport,
    TransportError,
};
use supreme_core::Clock;
use supreme_gate::{DecisionLog, Gate, GateBuilder, GateOptions, LiveStatus, NoRiskLimits};
use supreme_kill_switch::KillSwitch;
use supreme_net_guard::ratelimit::{LimitKind, RateLimit};
use supreme_net_guard::{ExchangeLimiter, FakeClock, Permit, SystemClock};
use supreme_order_guard::{
    ClientOrderId, ExchangeInfo, OpenOrderCounts, Order, OrderContext, Quantity, ReferencePrice,
    SAMPLE_EXCHANGE_INFO, Side, Symbol, TimeInForce, Validator,
};
use supreme_testkit::binance::{Faults, LimitConfig, SimBinance};

const ORDERS: u32 = 1_000;
const TASKS: u32 = 16;
/// The ORDERS limit per 10 s, locally and at the simulator.
const LIMIT_10S: u32 = 1_000;
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
}

/// Task `t` sends orders `load-{t}-{i}` one after another, each approved by
/// the shared gate just before it is sent.
async fn run_task(
    t: u32,
    n: u32,
    gate: Arc<LoadGate>,
    client: Arc<BinanceClient>,
    clock: Arc<FakeClock>,
) -> Seen {
    let mut seen = Seen::default();
    for i in 0..n {
        let id = format!("load-{t}-{i}");
        let order = order(&id);
        let now = clock.now_ms();
        let ctx = OrderContext::new(now)
            .with_reference(ReferencePrice {
                price: order.price.unwrap(),
                observed_at_ms: now,
            })
            .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default())
            .with_base_position(Quantity::ZERO);
        gate.decisions().drain(|_| {});
        let approval = gate.check(&order, &ctx).unwrap();
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
    let started = Instant::now();
    // A real date (the simulator checks each signed timestamp), standing still.
    let clock = Arc::new(FakeClock::new(SystemClock.now_ms()));
    let sim_clock = clock.clone();
    let sim = SimBinance::with_sample().with_clock(Arc::new(move || sim_clock.now_ms()));
    sim.set_limits(LimitConfig {
        orders_per_10s: LIMIT_10S,
        ..LimitConfig::default()
    });
    let limits = vec![
        RateLimit::new(LimitKind::RequestWeight, 60_000, 6_000).unwrap(),
        RateLimit::new(LimitKind::Orders, 10_000, LIMIT_10S).unwrap(),
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

    // The monitor: samples the local ORDERS window while the tasks run, and
    // drops the answers of a few accepted orders at four points of the run.
    let done = Arc::new(AtomicBool::new(false));
    let monitor = {
        let (done, limiter, transport, sim) = (
            done.clone(),
            limiter.clone(),
            transport.clone(),
            rig.sim.clone(),
        );
        tokio::spawn(async move {
            let (mut max, mut samples, mut next_drop) = (0, 0u32, 0);
            while !done.load(Ordering::SeqCst) {
                let used = limiter.used(LimitKind::Orders, 10_000).unwrap();
                assert!(used <= LIMIT_10S, "ORDERS window at {used}");
                max = max.max(used);
                samples += 1;
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
            (max, samples)
        })
    };

    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            // 1,000 over 16: the first 8 send 63, the rest 62.
            let n = ORDERS / TASKS + u32::from(t < ORDERS % TASKS);
            tokio::spawn(run_task(t, n, gate.clone(), client.clone(), clock.clone()))
        })
        .collect();
    let mut answered = Vec::new();
    let mut unknown = BTreeSet::new();
    for task in tasks {
        let seen = task.await.unwrap();
        answered.extend(seen.answered);
        unknown.extend(seen.unknown);
    }
    done.store(true, Ordering::SeqCst);
    let (max_sampled, samples) = monitor.await.unwrap();
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
    assert_eq!(limiter.used(LimitKind::Orders, 10_000), Some(ORDERS));
    assert_eq!(limiter.used(LimitKind::Orders, 86_400_000), Some(ORDERS));
    assert!(samples > 0 && max_sampled <= LIMIT_10S);
    let max_header = transport.max_count_10s.load(Ordering::SeqCst);
    assert!(
        max_header <= LIMIT_10S && max_header > ORDERS - 4 * DROPS_EACH - TASKS,
        "the exchange's count peaked at {max_header}"
    );
    println!(
        "{ORDERS} orders from {TASKS} tasks in {:?}: {} answered, {} unknown and reconciled; \
         ORDERS window peaked at {max_sampled} locally ({samples} samples), {max_header} at \
         the exchange",
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
