//! The summary table at the end.

use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) sent: u32,
    pub(crate) rejected: BTreeMap<&'static str, u32>,
    pub(crate) gate_latency: Vec<Duration>,
    pub(crate) rate_waits: u32,
}

impl Tally {
    pub(crate) fn reject(&mut self, guard: &'static str) {
        *self.rejected.entry(guard).or_default() += 1;
    }

    fn percentile(&self, p: usize) -> Duration {
        let mut v = self.gate_latency.clone();
        v.sort();
        v.get((v.len().saturating_sub(1)) * p / 100)
            .copied()
            .unwrap_or_default()
    }

    pub(crate) fn print(&self, audit: &str, venue: &str, elapsed: Duration) {
        println!();
        println!("  +--------------------------------+-------------------------------------+");
        let row = |k: &str, v: String| println!("  | {k:<30} | {v:<35} |");
        row("orders sent", self.sent.to_string());
        for (guard, n) in &self.rejected {
            let what = if *guard == "net-guard" {
                "requests"
            } else {
                "orders"
            };
            row(&format!("{what} stopped by {guard}"), n.to_string());
        }
        row(
            "gate latency p50 / p99",
            format!("{:?} / {:?}", self.percentile(50), self.percentile(99)),
        );
        row("rate-limit waits", self.rate_waits.to_string());
        row("venue after the kill switch", venue.to_string());
        row("audit log", audit.to_string());
        row("total run time", format!("{:.1} s", elapsed.as_secs_f64()));
        println!("  +--------------------------------+-------------------------------------+");
        println!("  gate latency is measured here between network calls (cold caches); hot, in");
        println!("  criterion, the whole gate takes 0.16-0.47 us (BENCHMARKS.md).");
    }
}
