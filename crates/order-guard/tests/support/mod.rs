//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;

use supreme_order_guard::*;

pub(crate) const NOW: u64 = 1_694_131_200_000;

pub(crate) fn sample() -> ExchangeInfo {
    ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).expect("the shipped sample parses")
}

pub(crate) fn sym(s: &str) -> Symbol {
    Symbol::new(s).unwrap()
}

pub(crate) fn p(s: &str) -> Price {
    s.parse().unwrap()
}

pub(crate) fn q(s: &str) -> Quantity {
    s.parse().unwrap()
}

/// A context with a fresh reference price, no open orders and no position.
pub(crate) fn ctx(reference: Price) -> OrderContext<'static> {
    OrderContext::new(NOW)
        .with_reference(ReferencePrice {
            price: reference,
            observed_at_ms: NOW,
        })
        .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default())
        .with_base_position(Quantity::ZERO)
        .with_worst_case_price(reference)
}

/// The real Binance snapshot in ../shared, or `None` (and a note) when this
/// clone does not have it.
pub(crate) fn snapshot() -> Option<String> {
    let path = std::env::var_os("SUPREME_BINANCE_SNAPSHOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/fixtures/binance/exchangeInfo-2023-09-08.json")
        });
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            skipped(&format!(
                "Binance snapshot not found at {} ({e})",
                path.display()
            ));
            None
        }
    }
}

/// Says a test skipped, on the terminal past the harness's output capture,
/// so a run without ../shared shows it.
fn skipped(why: &str) {
    let msg = format!("SKIPPED: {why}\n");
    match std::fs::OpenOptions::new().append(true).open("/dev/stderr") {
        Ok(mut tty) => {
            let _ = std::io::Write::write_all(&mut tty, msg.as_bytes());
        }
        Err(_) => eprint!("{msg}"),
    }
}

pub(crate) fn violations(result: Result<(), Violations>) -> Vec<Violation> {
    match result {
        Ok(()) => Vec::new(),
        Err(v) => v.iter().cloned().collect(),
    }
}
