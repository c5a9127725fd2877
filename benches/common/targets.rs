//! The targets beside what a benchmark run measured: each judged met or missed (or not
//! judged, with the reason), printed as a table and written into the bench's JSON. Timings never
//! fail a run; the table says which targets were missed.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::common::fmt_count;

/// The corpus size the issues' targets are set for.
const TARGET_MESSAGES: usize = 100_000;

/// The targets of one run, in the order they were judged.
pub struct Targets {
    messages: usize,
    items: Vec<Target>,
}

struct Target {
    what: String,
    target: String,
    figure: String,
    /// None when there was nothing to judge.
    met: Option<bool>,
}

impl Targets {
    pub fn new(messages: usize) -> Targets {
        Targets {
            messages,
            items: Vec::new(),
        }
    }

    /// A figure that should be at most `limit`, both in `unit` ("s", "ms", "MB", "x").
    pub fn at_most(&mut self, what: &str, limit: f64, figure: f64, unit: &str) {
        let shown = match unit {
            "s" => format!("{figure:.3} s"),
            _ => format!("{figure:.2} {unit}"),
        };
        self.items.push(Target {
            what: what.to_string(),
            target: format!("≤ {limit} {unit}"),
            figure: shown,
            met: Some(figure <= limit),
        });
    }

    /// A property that holds or not (`target` says what it should be).
    pub fn holds(&mut self, what: &str, target: &str, figure: &str, met: bool) {
        self.items.push(Target {
            what: what.to_string(),
            target: target.to_string(),
            figure: figure.to_string(),
            met: Some(met),
        });
    }

    /// A target this run could not judge, and why.
    pub fn not_judged(&mut self, what: &str, target: &str, why: &str) {
        self.items.push(Target {
            what: what.to_string(),
            target: target.to_string(),
            figure: why.to_string(),
            met: None,
        });
    }

    pub fn render(&self, table: &mut String) {
        let scope = if self.messages == TARGET_MESSAGES {
            String::new()
        } else {
            format!(
                " (set for {} messages; this run has {})",
                fmt_count(TARGET_MESSAGES),
                fmt_count(self.messages)
            )
        };
        let _ = writeln!(table, "\n  targets{scope}");
        for t in &self.items {
            let verdict = match t.met {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "n/a",
            };
            let _ = writeln!(
                table,
                "  {:<46} {:>10} {:>22}  {verdict}",
                t.what, t.target, t.figure
            );
        }
    }

    pub fn json(&self) -> Value {
        Value::Array(
            self.items
                .iter()
                .map(|t| {
                    json!({
                        "what": t.what,
                        "target": t.target,
                        "figure": t.figure,
                        "met": t.met,
                    })
                })
                .collect(),
        )
    }
}
