//! order-guard: the full filter set on a LIMIT order, and parsing the real
//! exchangeInfo snapshot, each beside a raw primitive measured in the same run.
//!
//! - `check/limit_order`: every filter on BTCUSDT-like rules (rules already
//!   looked up, violations buffer reused), target ≤ 100 ns median.
//! - `check/validate_with_lookup`: the same through `Validator::validate`
//!   (symbol lookup + result by value).
//! - `check/raw_decimal_three_checks`: raw rust_decimal doing only tick, step
//!   and min-notional, the way a bot would otherwise write it.
//! - `parse/snapshot`: the 2,292-symbol snapshot, target ≤ 50 ms, beside
//!   `serde_json::Value` and `IgnoredAny` on the same bytes.
//!
//! Heap allocations on the check path are counted with stats_alloc (a counting
//! global allocator) and printed.

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use supreme_security::order_guard::*;

#[global_allocator]
static GLOBAL: &stats_alloc::StatsAlloc<std::alloc::System> = &stats_alloc::INSTRUMENTED_SYSTEM;

const NOW: u64 = 1_694_131_200_000;

fn snapshot() -> Option<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/binance/exchangeInfo-2023-09-08.json"
    );
    std::fs::read_to_string(path).ok()
}

fn context() -> OrderContext<'static> {
    OrderContext::new(NOW)
        .with_reference(ReferencePrice {
            price: "25000".parse().unwrap(),
            observed_at_ms: NOW,
        })
        .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default())
        .with_base_position(Quantity::ZERO)
}

fn count_allocations(f: impl Fn()) -> usize {
    let region = stats_alloc::Region::new(GLOBAL);
    for _ in 0..1000 {
        f();
    }
    let change = region.change();
    change.allocations + change.reallocations
}

fn bench_check(c: &mut Criterion) {
    let info = ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap();
    let btc = Symbol::new("BTCUSDT").unwrap();
    let rules = info.symbol(&btc).unwrap();
    let order = Order::limit(
        btc,
        Side::Buy,
        "0.01".parse().unwrap(),
        "25000.01".parse().unwrap(),
    );
    let ctx = context();
    let validator = Validator::default();
    let mut out = Violations::new();

    let allocs = count_allocations(|| {
        let mut out = Violations::new();
        validator.check_into(rules, &info.exchange_filters, &order, &ctx, &mut out);
        assert!(out.is_empty());
        assert!(validator.validate(&info, &order, &ctx).is_ok());
    });
    println!("heap allocations in 1000 accepted checks (check_into + validate): {allocs}");

    let mut g = c.benchmark_group("check");
    g.bench_function("limit_order", |b| {
        b.iter(|| {
            out.clear();
            validator.check_into(
                black_box(rules),
                &info.exchange_filters,
                black_box(&order),
                &ctx,
                &mut out,
            );
            black_box(out.is_empty())
        })
    });
    g.bench_function("validate_with_lookup", |b| {
        b.iter(|| {
            black_box(
                validator
                    .validate(black_box(&info), black_box(&order), &ctx)
                    .is_ok(),
            )
        })
    });
    let (price, qty): (Decimal, Decimal) = ("25000.01".parse().unwrap(), "0.01".parse().unwrap());
    let (tick, step, min): (Decimal, Decimal, Decimal) = (
        "0.01".parse().unwrap(),
        "0.00001".parse().unwrap(),
        "5".parse().unwrap(),
    );
    g.bench_function("raw_decimal_three_checks", |b| {
        b.iter(|| {
            let (p, q) = (black_box(price), black_box(qty));
            black_box((p % tick).is_zero() && (q % step).is_zero() && p * q >= min)
        })
    });
    g.finish();
}

fn bench_parse(c: &mut Criterion) {
    let Some(text) = snapshot() else {
        println!("SKIPPED parse benches: ../shared snapshot not found");
        return;
    };
    let mut g = c.benchmark_group("parse");
    g.sample_size(20);
    g.bench_function("snapshot", |b| {
        b.iter(|| ExchangeInfo::from_json(black_box(&text)).unwrap().len())
    });
    g.bench_function("raw_serde_json_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)).unwrap())
    });
    g.bench_function("raw_serde_json_ignored_any", |b| {
        b.iter(|| serde_json::from_str::<serde::de::IgnoredAny>(black_box(&text)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_check, bench_parse);
criterion_main!(benches);
