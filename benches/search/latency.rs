//! Latency figures: nearest-rank percentiles of one query's runs, or of every run of many
//! queries pooled, in milliseconds.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::percentile;

/// p50, p95 and p99 of a set of runs.
#[derive(Clone, Copy)]
pub struct Spread {
    pub runs: usize,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
}

impl Spread {
    /// None for no runs.
    pub fn of(mut runs: Vec<Duration>) -> Option<Spread> {
        if runs.is_empty() {
            return None;
        }
        runs.sort();
        Some(Spread {
            runs: runs.len(),
            p50: percentile(&runs, 50.0),
            p95: percentile(&runs, 95.0),
            p99: percentile(&runs, 99.0),
        })
    }

    /// Every run of every set, pooled.
    pub fn pooled<'a>(sets: impl IntoIterator<Item = &'a [Duration]>) -> Option<Spread> {
        Spread::of(sets.into_iter().flatten().copied().collect())
    }

    pub fn json(&self) -> Value {
        json!({
            "runs": self.runs,
            "p50_ms": ms(self.p50),
            "p95_ms": ms(self.p95),
            "p99_ms": ms(self.p99),
        })
    }

    /// "p50 1.234 ms; p95 …; p99 …".
    pub fn text(&self) -> String {
        format!(
            "p50 {:.3} ms; p95 {:.3} ms; p99 {:.3} ms",
            ms(self.p50),
            ms(self.p95),
            ms(self.p99)
        )
    }
}

/// Milliseconds, to the microsecond.
pub fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// `a / b`, to three decimals.
pub fn ratio(a: Duration, b: Duration) -> f64 {
    (a.as_secs_f64() / b.as_secs_f64().max(1e-9) * 1e3).round() / 1e3
}
