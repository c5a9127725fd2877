//! Scrolling the ticket list, timed by the frames the page gets: a `requestAnimationFrame` loop
//! moves the list's `scrollTop` by a fixed step each frame and keeps the gap between frame
//! timestamps. The list is the sidebar's largest view (there is no view of every ticket), and
//! the loop makes three passes:
//!
//! 0. idle: two seconds of frames with nothing moving, the frame rate this display gives at
//!    all (Xvfb, software rendering), to read the others against;
//! 1. flicks: one viewport a frame over the first 5,000 rows;
//! 2. the whole list, top to bottom, with a fixed step sized to cover it in about a minute at
//!    the frame rate the flicks got (never less than three rows a frame; on a slow display that
//!    is more than a viewport a frame). It stops after 90 s, saying how far it got.
//!
//! Every few frames the rows in view are checked: an element for every row, and whether it is
//! a placeholder (its page not fetched yet) or a row with text. A smooth scroll over blank
//! rows would prove nothing, so the placeholders seen are reported beside the frame gaps; at
//! the end the list is left in the middle and must fill in.
//!
//! The loop runs in the page on its own; the bench asks for its results once a second (a
//! WebDriver script has a time limit far below a full pass).

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use siphon_testkit::webdriver::Session;

/// The full pass should take about this long at the flicks' frame rate; it stops after half as
/// long again.
const FULL_PASS_SECONDS: u64 = 60;
/// How long the frames are watched with nothing moving, for the frame rate the display gives.
const IDLE_MS: u64 = 2_000;
/// Rows covered by the flick pass.
const FLICK_ROWS: u64 = 5_000;
/// The smallest step of the full pass, in rows.
const MIN_STEP_ROWS: u64 = 3;
/// Frames between two checks of the rows in view.
const CHECK_EVERY: u64 = 3;
/// A frame gap above this is a visible stutter (the issue's bound).
pub const GAP_LIMIT_MS: f64 = 50.0;
/// How long the largest view may take to show its rows.
const VIEW_WAIT_MS: u64 = 30_000;
/// How often the bench asks whether the passes are done.
const POLL: Duration = Duration::from_secs(1);

/// Starts both passes in the page; results land in `window.__siphonScroll`.
const START: &str = r##"
const cfg = arguments[0];
const root = document.getElementById("ticket-list");
if (!root) return { error: "no #ticket-list" };
const scrollable = (el) => el.scrollHeight > el.clientHeight + 1 &&
  /(auto|scroll)/.test(getComputedStyle(el).overflowY);
const el = scrollable(root) ? root : [...root.querySelectorAll("*")].find(scrollable);
if (!el) return { error: "the ticket list does not scroll (too few rows?)" };
const first = el.querySelector(".row");
const rowHeight = first ? first.getBoundingClientRect().height : 0;
if (!rowHeight) return { error: "the ticket list has no rows" };
const maxTop = el.scrollHeight - el.clientHeight;
const state = {
  done: false,
  element: el === root ? "#ticket-list" : el.tagName.toLowerCase() + "." + el.className,
  rows: Math.round(el.scrollHeight / rowHeight),
  row_height: rowHeight,
  viewport: el.clientHeight,
  passes: [],
};
window.__siphonScroll = state;

const check = (s) => {
  const top = el.scrollTop;
  const bottom = top + el.clientHeight;
  let visible = 0;
  for (const r of el.querySelectorAll(".row")) {
    const y = Number(r.dataset.index) * rowHeight;
    if (y + rowHeight <= top || y >= bottom) continue;
    visible++;
    if (r.classList.contains("placeholder")) s.placeholders++;
    else if (!r.textContent.trim()) s.blank++;
  }
  const expected = Math.min(state.rows, Math.ceil(bottom / rowHeight)) - Math.floor(top / rowHeight);
  s.checks++;
  s.rows_checked += visible;
  s.rows_missing += Math.max(0, expected - visible);
};

const summarize = (s) => {
  const gaps = s.gaps.slice().sort((a, b) => a - b);
  const rank = (p) => gaps.length ? gaps[Math.min(gaps.length, Math.max(1, Math.ceil(p / 100 * gaps.length))) - 1] : 0;
  s.gap_p50_ms = rank(50);
  s.gap_p99_ms = rank(99);
  s.gap_max_ms = gaps.length ? gaps[gaps.length - 1] : 0;
  s.gaps_over_limit = gaps.filter((g) => g > cfg.gapLimit).length;
  s.gaps_over_33ms = gaps.filter((g) => g > 33.4).length;
  s.fps = s.duration_ms > 0 ? s.frames / (s.duration_ms / 1000) : 0;
  s.worst = s.worst.sort((a, b) => b.gap_ms - a.gap_ms).slice(0, 10);
  delete s.gaps;
};

const pass = (label, step, end, capMs, next) => {
  el.scrollTop = 0;
  const s = {
    label, idle: step === 0, step_px: step, end_px: end, frames: 0, gaps: [], worst: [],
    checks: 0, rows_checked: 0, placeholders: 0, blank: 0, rows_missing: 0,
  };
  let last = null;
  let t0 = 0;
  const frame = (ts) => {
    if (last === null) t0 = ts;
    else {
      const gap = ts - last;
      s.gaps.push(gap);
      if (gap > cfg.gapLimit) s.worst.push({ gap_ms: gap, top_px: el.scrollTop });
    }
    last = ts;
    s.frames++;
    if (s.frames % cfg.checkEvery === 0) check(s);
    const reached = el.scrollTop >= end - 1;
    if (reached || ts - t0 > capMs) {
      s.duration_ms = ts - t0;
      s.reached = reached;
      s.end_top_px = el.scrollTop;
      s.covered = end > 0 && Number.isFinite(end) ? el.scrollTop / end : 1;
      summarize(s);
      state.passes.push(s);
      next();
      return;
    }
    el.scrollTop = Math.min(end, el.scrollTop + step);
    requestAnimationFrame(frame);
  };
  // A few frames at the top first, so the jump back is not timed.
  requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(frame)));
};

// Left in the middle: the rows in view must fill in with text.
const settle = () => {
  el.scrollTop = Math.floor(maxTop / 2);
  const t0 = performance.now();
  const look = () => {
    const top = el.scrollTop;
    const inView = [...el.querySelectorAll(".row")].filter((r) => {
      const y = Number(r.dataset.index) * rowHeight;
      return y + rowHeight > top && y < top + el.clientHeight;
    });
    const waiting = inView.filter((r) => r.classList.contains("placeholder") || !r.textContent.trim());
    const waited = performance.now() - t0;
    if ((inView.length > 0 && waiting.length === 0) || waited > 5000) {
      state.settled = {
        ms: waited,
        rows_in_view: inView.length,
        placeholders: waiting.length,
        sample: inView.length ? inView[0].textContent.trim().slice(0, 80) : null,
      };
      state.done = true;
      return;
    }
    setTimeout(look, 20);
  };
  requestAnimationFrame(() => requestAnimationFrame(look));
};

// The step of the full pass covers the list in `fullSeconds` at the frame rate the flicks got
// (never less than `minStepRows` rows a frame).
const flickEnd = Math.min(maxTop, cfg.flickRows * rowHeight);
const full = () => {
  const flicked = state.passes[state.passes.length - 1];
  const fps = Math.min(60, Math.max(5, flicked.fps || 60));
  const step = Math.max(cfg.minStepRows * rowHeight, Math.ceil(maxTop / (cfg.fullSeconds * fps)));
  pass("full list", step, maxTop, cfg.fullSeconds * 1500, settle);
};
const flicks = () =>
  pass("flicks, first " + Math.min(cfg.flickRows, state.rows) + " rows", el.clientHeight, flickEnd, 60000, full);
pass("idle, no scrolling", 0, Infinity, cfg.idleMs, flicks);
return { started: true, rows: state.rows, row_height: rowHeight, viewport: el.clientHeight };
"##;

/// Clicks the view of the sidebar with the most tickets and waits until its rows show.
const LARGEST_VIEW: &str = r##"
const [waitMs, done] = arguments;
const t0 = performance.now();
const count = (b) => Number(b.querySelector(".count")?.dataset.count ?? -1);
let chosen = null;
const check = () => {
  if (!chosen) {
    const buttons = [...document.querySelectorAll("#sidebar button.view")];
    if (buttons.length) {
      chosen = buttons.reduce((a, b) => (count(b) > count(a) ? b : a));
      chosen.click();
    }
  }
  const list = document.getElementById("ticket-list");
  const shown = chosen && chosen.classList.contains("active") && list &&
    list.querySelector(".row:not(.placeholder)");
  if (shown) {
    const view = { view: chosen.dataset.view, tickets: count(chosen), ms: performance.now() - t0 };
    requestAnimationFrame(() => requestAnimationFrame(() => done(view)));
    return;
  }
  if (performance.now() - t0 > waitMs) {
    done({ error: chosen ? "the view " + chosen.dataset.view + " showed no rows" : "no views in #sidebar" });
    return;
  }
  setTimeout(check, 20);
};
check();
"##;

const RESULTS: &str = r##"
const s = window.__siphonScroll;
return s && s.done ? s : { done: false, passes: s ? s.passes.length : 0 };
"##;

/// Both passes, as the page reported them (see `START` for the fields).
pub struct Scrolled {
    pub report: Value,
}

/// One pass's figures for the table.
pub struct Pass<'a> {
    pub label: &'a str,
    /// The pass that watches frames with nothing moving.
    pub idle: bool,
    /// How much of its way the pass went (1 when it reached its end).
    pub covered: f64,
    /// How far each frame moved the list.
    pub step_px: f64,
    pub frames: u64,
    pub duration_ms: f64,
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
    pub over_limit: u64,
    pub reached: bool,
    /// Rows in view that were placeholders (or blank), of the rows checked.
    pub placeholders: u64,
    pub checked: u64,
    pub missing: u64,
}

impl Scrolled {
    pub fn rows(&self) -> u64 {
        self.report["rows"].as_u64().unwrap_or(0)
    }

    /// The view scrolled (the sidebar's largest).
    pub fn view(&self) -> &str {
        self.report["view"]["view"].as_str().unwrap_or("?")
    }

    pub fn passes(&self) -> Vec<Pass<'_>> {
        self.report["passes"]
            .as_array()
            .map(|passes| {
                passes
                    .iter()
                    .map(|p| Pass {
                        label: p["label"].as_str().unwrap_or("?"),
                        idle: p["idle"] == json!(true),
                        covered: p["covered"].as_f64().unwrap_or(0.0),
                        step_px: p["step_px"].as_f64().unwrap_or(0.0),
                        frames: p["frames"].as_u64().unwrap_or(0),
                        duration_ms: p["duration_ms"].as_f64().unwrap_or(0.0),
                        p50: p["gap_p50_ms"].as_f64().unwrap_or(0.0),
                        p99: p["gap_p99_ms"].as_f64().unwrap_or(0.0),
                        max: p["gap_max_ms"].as_f64().unwrap_or(0.0),
                        over_limit: p["gaps_over_limit"].as_u64().unwrap_or(0),
                        reached: p["reached"] == json!(true),
                        placeholders: p["placeholders"].as_u64().unwrap_or(0)
                            + p["blank"].as_u64().unwrap_or(0),
                        checked: p["rows_checked"].as_u64().unwrap_or(0),
                        missing: p["rows_missing"].as_u64().unwrap_or(0),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether the rows in view filled in with text once the scrolling stopped.
    pub fn settled(&self) -> bool {
        let s = &self.report["settled"];
        s["placeholders"] == json!(0) && s["rows_in_view"].as_u64().unwrap_or(0) > 0
    }
}

/// Runs both passes and waits for their results. `sample` is called at every poll (once a
/// second) and its answers are kept in order under `"samples"`, e.g. the memory while the
/// list moves.
pub fn scroll(session: &Session, mut sample: impl FnMut() -> Value) -> Result<Scrolled> {
    let cfg = json!({
        "fullSeconds": FULL_PASS_SECONDS,
        "flickRows": FLICK_ROWS,
        "minStepRows": MIN_STEP_ROWS,
        "checkEvery": CHECK_EVERY,
        "idleMs": IDLE_MS,
        "gapLimit": GAP_LIMIT_MS,
    });
    let view = session.execute_async(LARGEST_VIEW, &[json!(VIEW_WAIT_MS)])?;
    if let Some(e) = view["error"].as_str() {
        bail!("{e}");
    }
    let started = session.execute(START, &[cfg])?;
    if let Some(e) = started["error"].as_str() {
        bail!("{e}");
    }
    // The flicks stop themselves after a minute, the full pass after 1.5 times its time.
    let deadline = Instant::now() + Duration::from_secs(FULL_PASS_SECONDS * 2 + 90);
    let mut samples = Vec::new();
    loop {
        std::thread::sleep(POLL);
        let state = session
            .execute(RESULTS, &[])
            .context("asking for the scroll results")?;
        samples.push(sample());
        if state["done"] == json!(true) {
            let mut report = state;
            report["view"] = view;
            report["samples"] = json!(samples);
            return Ok(Scrolled { report });
        }
        if Instant::now() > deadline {
            bail!("the scroll passes did not finish: {state}");
        }
    }
}
