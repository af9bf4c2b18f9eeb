//! The facade's Gate: kill switch + every exchange filter + risk + rate +
//! decision queue, beside its parts measured alone in the same run.
//!
//! Target (issue 16): the whole gate with a real risk book, the decision
//! queued for the audit log, at most 400 ns median; zero heap allocations when
//! it approves (counted with a counting global allocator).

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use supreme_security::gate::{DecisionLog, GateBuilder, NoRateLimit, NoRiskLimits};
use supreme_security::kill_switch::KillSwitch;
use supreme_security::order_guard::*;

#[global_allocator]
static GLOBAL: &stats_alloc::StatsAlloc<std::alloc::System> = &stats_alloc::INSTRUMENTED_SYSTEM;

fn bench_gate(c: &mut Criterion) {
    let info = Arc::new(ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap());
    let switch = KillSwitch::builder().build();
    let decisions = Arc::new(DecisionLog::with_capacity(1 << 16));
    let gate = GateBuilder {
        kill_switch: switch.gate(),
        rules: info.clone(),
        validator: Validator::default(),
        risk: NoRiskLimits,
        rate: NoRateLimit,
        decisions: decisions.clone(),
    }
    .build();
    let btc = Symbol::new("BTCUSDT").unwrap();
    let order = Order::limit(
        btc,
        Side::Buy,
        "0.01".parse().unwrap(),
        "25000.01".parse().unwrap(),
    );
    let ctx = OrderContext::new(0)
        .with_reference(ReferencePrice {
            price: "25000".parse().unwrap(),
            observed_at_ms: 0,
        })
        .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default());

    let region = stats_alloc::Region::new(GLOBAL);
    for _ in 0..1000 {
        assert!(gate.check(&order, &ctx).is_ok());
    }
    let change = region.change();
    println!(
        "heap allocations in 1000 approvals: {}",
        change.allocations + change.reallocations
    );
    decisions.drain(|_| {});

    let mut g = c.benchmark_group("gate");
    g.bench_function("whole_gate_approve", |b| {
        b.iter(|| {
            let ok = gate.check(black_box(&order), &ctx).is_ok();
            if decisions.len() > 60_000 {
                decisions.drain(|_| {});
            }
            black_box(ok)
        })
    });
    let kill = switch.gate();
    let rules = info.symbol(&btc).unwrap();
    let validator = Validator::default();
    let mut out = Violations::new();
    g.bench_function("parts_kill_switch_plus_order_guard", |b| {
        b.iter(|| {
            out.clear();
            let open = kill.is_open();
            validator.check_into(
                black_box(rules),
                &info.exchange_filters,
                black_box(&order),
                &ctx,
                &mut out,
            );
            black_box(open && out.is_empty())
        })
    });
    bench_with_risk_book(&mut g, &info, &switch, &order, &ctx);
    g.finish();
}

/// The same gate with a real `RiskBook` (seed limits, one funded account):
/// each approval reserves in the book and is released again, so the book
/// stays in a steady state.
fn bench_with_risk_book(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    info: &Arc<ExchangeInfo>,
    switch: &KillSwitch,
    order: &Order,
    ctx: &OrderContext<'_>,
) {
    use supreme_security::risk_limits::*;
    let usdt = Asset::new("USDT").unwrap();
    let config = RiskConfig::new(usdt)
        .unwrap()
        .with_limits(Scope::Global, LimitSet::SEED)
        .unwrap();
    let book = RiskBook::new(config, CoarseClock).unwrap();
    book.add_symbol(order.symbol, Asset::new("BTC").unwrap(), usdt)
        .unwrap();
    book.deposit(
        AccountId::new("main").unwrap(),
        usdt,
        "100000".parse().unwrap(),
    )
    .unwrap();
    book.set_mark(order.symbol, "25000".parse().unwrap())
        .unwrap();
    book.start_fresh().unwrap();
    let decisions = Arc::new(DecisionLog::with_capacity(1 << 16));
    let gate = GateBuilder {
        kill_switch: switch.gate(),
        rules: info.clone(),
        validator: Validator::default(),
        risk: book,
        rate: NoRateLimit,
        decisions: decisions.clone(),
    }
    .build();
    let approval = gate.check(order, ctx).unwrap();
    drop(approval);
    decisions.drain(|_| {});
    let region = stats_alloc::Region::new(GLOBAL);
    for _ in 0..1000 {
        let approval = gate.check(order, ctx).unwrap();
        drop(approval);
    }
    let change = region.change();
    println!(
        "heap allocations in 1000 approvals with the risk book: {}",
        change.allocations + change.reallocations
    );
    decisions.drain(|_| {});
    // Only the check is timed; each approval is released outside the timing.
    g.bench_function("whole_gate_with_risk_book", |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                let started = std::time::Instant::now();
                let approval = gate.check(black_box(order), ctx);
                total += started.elapsed();
                drop(approval.unwrap());
                if decisions.len() > 60_000 {
                    decisions.drain(|_| {});
                }
            }
            total
        })
    });
}

criterion_group!(benches, bench_gate);
criterion_main!(benches);
