//! Opening a ticket, as a person does from the list: `j` (next ticket) and Enter, timed in the
//! page from the keydown to the `siphon:ticket-shown` mark (every message of the ticket on
//! screen), then Escape back to the list.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use siphon_testkit::webdriver::Session;

use crate::report::{Spread, round2};

/// How long one ticket may take to show, in the page.
const SHOW_WAIT_MS: u64 = 15_000;
/// Between closing one ticket and opening the next.
const PAUSE: Duration = Duration::from_millis(150);

/// Focus on the list (not in a text field, where `j` would be typed), nothing open.
const PREPARE: &str = r##"
const active = document.activeElement;
if (active && active.blur) active.blur();
const list = document.getElementById("ticket-list");
if (list) list.focus();
return { list: !!list, rows: list ? list.querySelectorAll(".row:not(.placeholder)").length : 0 };
"##;

/// `j`, Enter, then polls for a `siphon:ticket-shown` mark newer than the keydown.
const OPEN_NEXT: &str = r##"
const [waitMs, done] = arguments;
const name = "siphon:ticket-shown";
const press = (key) =>
  document.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
const before = performance.getEntriesByName(name).length;
const t0 = performance.now();
press("j");
press("Enter");
const check = () => {
  const marks = performance.getEntriesByName(name);
  for (let i = before; i < marks.length; i++) {
    if (marks[i].startTime > t0) {
      const view = document.getElementById("ticket-view");
      const at = (mark) => {
        const m = performance.getEntriesByName(mark).filter((m) => m.startTime > t0);
        return m.length ? m[0].startTime - t0 : null;
      };
      done({
        ms: marks[i].startTime - t0,
        data_ms: at("siphon:ticket-data"),
        rendered_ms: at("siphon:ticket-rendered"),
        frames_ms: at("siphon:ticket-frames"),
        id: view ? view.dataset.id || null : null,
        messages: view ? view.querySelectorAll("iframe").length : 0,
      });
      return;
    }
  }
  if (performance.now() - t0 > waitMs) {
    done({ timeout: true, open: !!document.getElementById("ticket-view") });
    return;
  }
  setTimeout(check, 2);
};
check();
"##;

/// Escape until the ticket view is gone (at most five, two frames apart); returns the count,
/// or -1 when it stayed.
const CLOSE: &str = r##"
const done = arguments[arguments.length - 1];
let pressed = 0;
const step = () => {
  if (!document.getElementById("ticket-view")) { done(pressed); return; }
  if (pressed >= 5) { done(-1); return; }
  pressed++;
  document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }));
  requestAnimationFrame(() => requestAnimationFrame(step));
};
step();
"##;

/// The tickets opened and how long each took.
pub struct Opened {
    /// Milliseconds per ticket that showed.
    pub times: Vec<f64>,
    /// Of those, until the ticket's page arrived from the shell (the rest is the page's
    /// rendering and the frames' loading).
    pub data: Vec<f64>,
    /// Of those, until the ticket view with its page was in the document, and until every
    /// message's frame had loaded (the rest is the paint after).
    pub rendered: Vec<f64>,
    pub frames: Vec<f64>,
    /// Ticket ids in the order they opened.
    pub ids: Vec<String>,
    /// Messages (frames) of each ticket.
    pub messages: Vec<u64>,
    /// What went wrong, per ticket that did not show.
    pub failures: Vec<String>,
}

impl Opened {
    pub fn spread(&self) -> Option<Spread> {
        Spread::of(&self.times)
    }

    pub fn json(&self) -> Value {
        json!({
            "opened": self.times.len(),
            "spread": self.spread().map(|s| s.json()),
            "runs_ms": self.times.iter().map(|t| round2(*t)).collect::<Vec<_>>(),
            "page_arrived": Spread::of(&self.data).map(|s| s.json()),
            "page_arrived_ms": self.data.iter().map(|t| round2(*t)).collect::<Vec<_>>(),
            "rendered": Spread::of(&self.rendered).map(|s| s.json()),
            "rendered_ms": self.rendered.iter().map(|t| round2(*t)).collect::<Vec<_>>(),
            "frames_loaded": Spread::of(&self.frames).map(|s| s.json()),
            "frames_loaded_ms": self.frames.iter().map(|t| round2(*t)).collect::<Vec<_>>(),
            "ticket_ids": self.ids,
            "messages": self.messages,
            "failures": self.failures,
        })
    }
}

/// Opens the next `count` tickets of the list one after the other.
pub fn open_each(session: &Session, count: usize) -> Result<Opened> {
    let ready = session.execute(PREPARE, &[])?;
    if ready["list"] != json!(true) {
        bail!("no #ticket-list to open tickets from");
    }
    let mut opened = Opened {
        times: Vec::new(),
        data: Vec::new(),
        rendered: Vec::new(),
        frames: Vec::new(),
        ids: Vec::new(),
        messages: Vec::new(),
        failures: Vec::new(),
    };
    for i in 0..count {
        let shown = session
            .execute_async(OPEN_NEXT, &[json!(SHOW_WAIT_MS)])
            .with_context(|| format!("opening ticket {}", i + 1))?;
        match shown["ms"].as_f64() {
            Some(ms) => {
                opened.times.push(ms);
                if let Some(d) = shown["data_ms"].as_f64() {
                    opened.data.push(d);
                }
                if let Some(r) = shown["rendered_ms"].as_f64() {
                    opened.rendered.push(r);
                }
                if let Some(f) = shown["frames_ms"].as_f64() {
                    opened.frames.push(f);
                }
                opened
                    .ids
                    .push(shown["id"].as_str().unwrap_or_default().to_string());
                opened
                    .messages
                    .push(shown["messages"].as_u64().unwrap_or(0));
            }
            None => opened.failures.push(format!("ticket {}: {shown}", i + 1)),
        }
        let closed = session.execute_async(CLOSE, &[])?;
        if closed == json!(-1) {
            bail!("the ticket view stayed open after five Escapes");
        }
        std::thread::sleep(PAUSE);
        // Escape may have left the focus nowhere; `j` needs it on the list.
        session.execute(PREPARE, &[])?;
    }
    Ok(opened)
}
