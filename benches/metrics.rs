//! The gate with its metrics recorded into the Prometheus recorder against
//! the same gate counting into nothing (built before the recorder was
//! installed), in the same run; beside them the raw primitive, one counter
//! increment through the facade.
//!
//! Target (issue 18): at most 10 ns more per decision.

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use supreme_security::gate::{DecisionLog, Gate, GateBuilder, NoRateLimit, NoRiskLimits};
use supreme_security::kill_switch::KillSwitch;
use supreme_security::order_guard::*;

fn gate(switch: &KillSwitch, decisions: &Arc<DecisionLog>) -> Gate<NoRiskLimits, NoRateLimit> {
    GateBuilder {
        kill_switch: switch.gate(),
        rules: Arc::new(ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap()),
        validator: Validator::default(),
        risk: NoRiskLimits,
        rate: NoRateLimit,
        decisions: decisions.clone(),
    }
    .build()
}

fn bench_metrics(c: &mut Criterion) {
    let switch = KillSwitch::builder().build();
    let decisions = Arc::new(DecisionLog::with_capacity(1 << 16));
    let without = gate(&switch, &decisions);
    let handle = supreme_security::guard::metrics::recorder().unwrap();
    let with = gate(&switch, &decisions);
    let order = Order::limit(
        Symbol::new("BTCUSDT").unwrap(),
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

    let mut g = c.benchmark_group("metrics");
    for (name, gate) in [
        ("gate_without_recorder", &without),
        ("gate_with_prometheus", &with),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let ok = gate.check(black_box(&order), &ctx).is_ok();
                if decisions.len() > 60_000 {
                    decisions.drain(|_| {});
                }
                black_box(ok)
            })
        });
    }
    let counter = metrics::counter!("bench_raw_total");
    g.bench_function("raw_counter_increment", |b| {
        b.iter(|| counter.increment(black_box(1)))
    });
    g.finish();
    let text = handle.render();
    let approved = text
        .lines()
        .find(|l| l.starts_with("supreme_gate_decisions_total{") && l.contains("APPROVED"))
        .unwrap_or("none");
    println!("recorded by the gate with the recorder: {approved}");
}

criterion_group!(benches, bench_metrics);
criterion_main!(benches);
