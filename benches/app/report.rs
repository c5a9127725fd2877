//! The app bench's figures: the spread of a set of timings taken in the page (milliseconds, as
//! `performance.now()` gives them).

use serde_json::{Value, json};

/// p50, p95, p99 and the maximum of a set of timings in milliseconds.
#[derive(Clone, Debug)]
pub struct Spread {
    pub count: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Spread {
    /// None for no timings.
    pub fn of(values: &[f64]) -> Option<Spread> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        Some(Spread {
            count: sorted.len(),
            p50: nearest_rank(&sorted, 50.0),
            p95: nearest_rank(&sorted, 95.0),
            p99: nearest_rank(&sorted, 99.0),
            max: sorted[sorted.len() - 1],
        })
    }

    /// "p50 12.3 ms; p95 …; max …".
    pub fn text(&self) -> String {
        format!(
            "p50 {:.1} ms; p95 {:.1} ms; max {:.1} ms",
            self.p50, self.p95, self.max
        )
    }

    pub fn json(&self) -> Value {
        json!({
            "count": self.count,
            "p50_ms": round2(self.p50),
            "p95_ms": round2(self.p95),
            "p99_ms": round2(self.p99),
            "max_ms": round2(self.max),
        })
    }
}

/// The nearest-rank percentile of sorted values, `p` in (0, 100].
fn nearest_rank(sorted: &[f64], p: f64) -> f64 {
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// To two decimals.
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
