//! Typing a search: the search box gets the whole query and an `input` event, as on the last
//! keystroke, and the time runs in the page until the `siphon:results-shown` mark (the first
//! rows of the results painted, or "no tickets match"). The UI waits for a pause in typing
//! before it asks (its debounce), and that wait counts: it is part of what a person sees.
//! Escape empties the box and brings the list back between two queries.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use siphon_testkit::webdriver::Session;

use crate::queries::QUERIES;
use crate::report::{Spread, round2};

/// Queries of the search bench's set (`benches/search/queries.rs`): words in three languages,
/// a stem, an error code, a phrase, field filters and ticket filters.
const TYPED: [&str; 15] = [
    "invoice",
    "sync",
    "tagihan",
    "cloture",
    "crashes",
    "tableurs",
    "429",
    "ERR_SYNC_TIMEOUT",
    "\"password reset\"",
    "from:icloud.com",
    "subject:invoice",
    "has:attachment",
    "status:open",
    "invoice status:open",
    "org:swiftridgehealth.io",
];

/// How long results may take to show, in the page.
const RESULTS_WAIT_MS: u64 = 15_000;
/// Between the list being back and the next query.
const PAUSE: Duration = Duration::from_millis(150);

/// Types the query (all at once) and polls for a `siphon:results-shown` mark newer than that.
const TYPE_QUERY: &str = r##"
const [query, waitMs, done] = arguments;
const box = document.getElementById("search");
if (!box) { done({ error: "no #search box" }); return; }
box.focus();
const name = "siphon:results-shown";
const before = performance.getEntriesByName(name).length;
const t0 = performance.now();
box.value = query;
box.dispatchEvent(new Event("input", { bubbles: true }));
const check = () => {
  const marks = performance.getEntriesByName(name);
  for (let i = before; i < marks.length; i++) {
    if (marks[i].startTime > t0) {
      const list = document.getElementById("ticket-list");
      const spacer = list && list.querySelector(".spacer");
      const row = list && list.querySelector(".row");
      const rowHeight = row ? row.getBoundingClientRect().height : 0;
      done({
        ms: marks[i].startTime - t0,
        total: spacer && rowHeight ? Math.round(spacer.getBoundingClientRect().height / rowHeight) : 0,
        shown: list ? list.querySelectorAll(".row:not(.placeholder)").length : 0,
      });
      return;
    }
  }
  const error = document.getElementById("search-error");
  if (error) { done({ error: error.textContent }); return; }
  if (performance.now() - t0 > waitMs) { done({ timeout: true }); return; }
  setTimeout(check, 2);
};
check();
"##;

/// Escape in the search box, then waits until the list of the view is back with rows (or
/// empty); returns false when it is not after `waitMs`.
const CLEAR: &str = r##"
const [waitMs, done] = arguments;
const box = document.getElementById("search");
if (box) {
  box.focus();
  box.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }));
}
const t0 = performance.now();
const check = () => {
  const list = document.getElementById("ticket-list");
  const back = !document.getElementById("search-clear") &&
    list && (list.querySelector(".row:not(.placeholder)") || document.getElementById("list-empty"));
  if (back) { requestAnimationFrame(() => requestAnimationFrame(() => done(true))); return; }
  if (performance.now() - t0 > waitMs) { done(false); return; }
  setTimeout(check, 10);
};
check();
"##;

/// One query typed.
pub struct Typed {
    pub query: &'static str,
    pub label: &'static str,
    /// Milliseconds until the results showed, or what went wrong.
    pub outcome: Result<Shown, String>,
}

pub struct Shown {
    pub ms: f64,
    /// Tickets in the results.
    pub total: u64,
}

/// Every query of the set, typed in turn.
pub struct Searched {
    pub typed: Vec<Typed>,
}

impl Searched {
    pub fn times(&self) -> Vec<f64> {
        self.typed
            .iter()
            .filter_map(|t| t.outcome.as_ref().ok().map(|s| s.ms))
            .collect()
    }

    pub fn spread(&self) -> Option<Spread> {
        Spread::of(&self.times())
    }

    pub fn failures(&self) -> usize {
        self.typed.iter().filter(|t| t.outcome.is_err()).count()
    }

    pub fn json(&self) -> Value {
        json!({
            "spread": self.spread().map(|s| s.json()),
            "queries": self.typed.iter().map(|t| match &t.outcome {
                Ok(s) => json!({
                    "query": t.query,
                    "label": t.label,
                    "ms": round2(s.ms),
                    "tickets": s.total,
                }),
                Err(e) => json!({ "query": t.query, "label": t.label, "error": e }),
            }).collect::<Vec<_>>(),
        })
    }
}

/// The label the search bench gives a query of its set.
fn label(query: &str) -> Result<&'static str> {
    QUERIES
        .iter()
        .find(|c| c.siphon == query)
        .map(|c| c.label)
        .with_context(|| format!("{query:?} is not in the search bench's query set"))
}

/// Types every query of the set in turn.
pub fn type_each(session: &Session) -> Result<Searched> {
    let mut typed = Vec::new();
    for query in TYPED {
        let label = label(query)?;
        let shown = session
            .execute_async(TYPE_QUERY, &[json!(query), json!(RESULTS_WAIT_MS)])
            .with_context(|| format!("typing {query:?}"))?;
        let outcome = match shown["ms"].as_f64() {
            Some(ms) => Ok(Shown {
                ms,
                total: shown["total"].as_u64().unwrap_or(0),
            }),
            None => Err(shown.to_string()),
        };
        typed.push(Typed {
            query,
            label,
            outcome,
        });
        let back = session.execute_async(CLEAR, &[json!(RESULTS_WAIT_MS)])?;
        if back != json!(true) {
            bail!("the list did not come back after Escape in the search box");
        }
        std::thread::sleep(PAUSE);
    }
    Ok(Searched { typed })
}
