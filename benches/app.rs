//! App benchmark: the built desktop app on the 100,000-message support mailbox, measured as a
//! person uses it, in a real window (Xvfb, tauri-driver, WebKitWebDriver; see
//! `siphon_testkit::desktop`).
//!
//! Setup as the other benches: the generated support mailbox (`SIPHON_BENCH_MESSAGES`,
//! default 100,000; their seed) in a warm local dovecot, the account added and the first full
//! `siphon sync` run into a throw-away workspace, after `siphon me set` (Maya Chen, one of the
//! corpus's support team). Then dovecot is stopped: the app finds its server gone (offline,
//! its watcher retrying quietly with backoff), so what is measured is the UI and the engine's
//! reads, not a resync. `--online` keeps the server running instead (the app then starts
//! with an incremental pass that finds nothing new).
//!
//! 1. Baseline: the same app binary on an empty data dir (the first-run screen, no store),
//!    its memory once it has painted.
//! 2. Cold start (`--starts K`, default 5): a new app process each time on the same workspace
//!    (the disk cache stays warm), timed from just before the WebDriver session is asked for
//!    (which launches the app) until `data-ready` says the first ticket list has painted;
//!    also the `siphon:list-painted` mark, in ms since the page's navigation started, and when
//!    that navigation started (its `performance.timeOrigin` against the launch's wall clock).
//! 3. In the last one: a screenshot of the list (`bench-out/app-100k.png`); opening the next
//!    ticket (`j`, Enter) `--tickets M` times (default 30) until `siphon:ticket-shown`;
//!    typing 15 queries of the search bench's set until `siphon:results-shown`; scrolling the
//!    sidebar's largest view (flicks through its first 5,000 rows, then all of it), with the
//!    gaps between animation frames beside those of the page standing still (see
//!    `app/scroll.rs`). The memory (PSS) of the app process and of WebKit's processes below
//!    it is read after each step (2 s settled) and, judged against the baseline's, once more
//!    after 20 s idle.
//!
//! Prints a table with the targets beside the figures and writes `bench-out/app.json`.
//! Timings never fail the run; it exits non-zero only when something broke. The app binary
//! must be built first: `scripts/bench app` builds the UI and `target/release/siphon-app`.
//!
//! `cargo bench --bench app -- [--messages N] [--starts K] [--tickets M] [--online]
//! [--app PATH] [--keep] [--scroll-memory]`
//!
//! `--scroll-memory` also reads the processes' memory once a second while the list scrolls, to
//! tell a climb from a plateau. Reading it walks the web process's mappings, which can delay
//! its frames, so the frame gaps of such a run are not the ones to judge.

#[allow(
    dead_code,
    reason = "the app bench times no whole commands but its setup"
)]
mod common;
#[path = "app/memory.rs"]
mod memory;
#[allow(
    dead_code,
    reason = "the app bench types the search bench's queries; notmuch's are not needed"
)]
#[path = "search/queries.rs"]
mod queries;
#[path = "app/report.rs"]
mod report;
#[path = "app/scroll.rs"]
mod scroll;
#[allow(dead_code, reason = "the app bench judges timings only")]
#[path = "common/targets.rs"]
mod targets;
#[path = "app/tickets.rs"]
mod tickets;
#[path = "app/typing.rs"]
mod typing;
#[path = "app/window.rs"]
mod window;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use siphon_testkit::desktop::Display;

use common::{BaseArgs, Bench, SEED, fmt_count, row, version_of};
use memory::{Footprint, mb, mb_f};
use report::{Spread, round2};
use targets::Targets;
use window::{Screen, Started, Window};

/// Who the workspace says its person is: one of the corpus's support team.
const ME_NAME: &str = "Maya Chen";
const ME_EMAIL: &str = "maya@acme.example";
/// How long the page is left alone before its memory is read.
const SETTLE: Duration = Duration::from_secs(2);
/// How long the app is left idle after the last step before its memory is judged.
const IDLE: Duration = Duration::from_secs(20);
/// The bound on the 100k workspace's memory above the empty window's, in MB.
const MEMORY_ABOVE_EMPTY_MB: f64 = 150.0;

struct Args {
    base: BaseArgs,
    starts: usize,
    tickets: usize,
    online: bool,
    app: PathBuf,
    scroll_memory: bool,
}

fn parse_args() -> Result<Args> {
    let mut starts = 5;
    let mut tickets = 30;
    let mut online = false;
    let mut scroll_memory = false;
    let mut app = None;
    let base = common::parse_args(
        "app",
        "cargo bench --bench app -- [--messages N] [--starts K] [--tickets M] [--online] \
         [--app PATH] [--keep] [--scroll-memory]",
        |flag, it| {
            match flag {
                "--starts" => starts = common::number(flag, it)?,
                "--tickets" => tickets = common::number(flag, it)?,
                "--online" => online = true,
                "--scroll-memory" => scroll_memory = true,
                "--app" => app = Some(PathBuf::from(it.next().context("--app needs a path")?)),
                _ => return Ok(false),
            }
            Ok(true)
        },
    )?;
    if starts == 0 {
        bail!("--starts takes at least 1");
    }
    Ok(Args {
        base,
        starts,
        tickets,
        online,
        app: app.unwrap_or_else(default_app),
        scroll_memory,
    })
}

/// `target/release/siphon-app` (under `CARGO_TARGET_DIR` when set).
fn default_app() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(|t| root.join(t))
        .unwrap_or_else(|| root.join("target"));
    target.join("release").join("siphon-app")
}

fn main() -> ExitCode {
    common::main("app", parse_args(), run)
}

fn run(args: &Args) -> Result<bool> {
    let app = &args.app;
    if !app.is_file() {
        bail!(
            "the app binary {} does not exist: build it with `(cd ui && npm run build) && cargo \
             build --release -p siphon-app`, or run `scripts/bench app`",
            app.display()
        );
    }
    let messages = args.base.messages;
    let bench = Bench::new("app", args.base.timeout)?;
    let mut machine = common::machine();
    machine["siphon"] = json!(version_of(env!("CARGO_BIN_EXE_siphon"), &["--version"]));
    machine["webkitgtk_driver"] = json!(version_of("WebKitWebDriver", &["--version"]));
    machine["loadavg_at_start"] = json!(loadavg());
    let mut report = json!({
        "messages": messages,
        "seed": SEED,
        "app": app.display().to_string(),
        "server": if args.online { "running" } else { "stopped after the first sync" },
        "machine": machine,
    });
    let mut table = String::new();
    let _ = writeln!(
        table,
        "\nsiphon app benchmark: {} messages (seed {SEED}), the built app under Xvfb; {}",
        fmt_count(messages),
        if args.online {
            "dovecot running (the app resyncs on start)"
        } else {
            "dovecot stopped after the first sync (the app runs offline)"
        }
    );
    let _ = writeln!(
        table,
        "  load average at the start: {} ({} CPUs)",
        loadavg(),
        report["machine"]["cpus"]
    );
    if let Some(note) = stale_ui(app) {
        bench.say(&note);
        let _ = writeln!(table, "  NOTE: {note}");
        report["stale_ui"] = json!(note);
    }
    let mut targets = Targets::new(messages);

    let common::Served {
        dc,
        siphon,
        add,
        full,
        ..
    } = common::serve_prepare_and_sync(
        &bench,
        messages,
        ["figure", "memory"],
        &mut table,
        &mut report,
        // Who the person is goes first, as on the first-run screen: set after the sync, it
        // would change the team the tickets were threaded for, and the first start would
        // rebuild the whole ticket index (once; not what a start costs).
        |siphon| {
            let me = bench.timed(
                "siphon me set",
                &siphon.bin,
                &siphon.args(&["me", "set", "--name", ME_NAME, "--email", ME_EMAIL]),
            )?;
            match me.failure {
                Some(failure) => bail!("siphon me set: {failure}"),
                None => Ok(()),
            }
        },
    )?;
    if !add.success || !full.as_ref().is_some_and(|f| f.success) {
        bench.finish(&table, report, false, args.base.keep)?;
        return Ok(false);
    }
    let server = if args.online {
        Some(dc)
    } else {
        drop(dc);
        None
    };

    let display = Display::start().context("starting Xvfb")?;
    let empty = bench.work.path().join("empty-data");
    std::fs::create_dir_all(&empty)?;
    bench.say("baseline: the app on an empty data dir");
    let baseline = baseline(&display, app, &empty, &bench)?;
    row(
        &mut table,
        "empty window (first-run screen)",
        &format!("{:.3} s", baseline.0.as_secs_f64()),
        &mb(baseline.1.total_pss_kb()),
        &format!(
            "launch to #welcome; PSS: app {}, {}",
            mb(baseline.1.app.pss_kb),
            baseline.1.webview_text()
        ),
    );
    report["empty_window"] = json!({
        "ready_s": common::secs(baseline.0),
        "memory": baseline.1.json(),
    });

    let mut ok = true;
    let (last, starts) = cold_starts(&display, app, &siphon.data, args.starts, &bench)?;
    let ready: Vec<f64> = starts.iter().map(|s| s.ready.as_secs_f64() * 1e3).collect();
    let painted: Vec<f64> = starts.iter().filter_map(|s| s.list_painted_ms).collect();
    let sessions: Vec<f64> = starts
        .iter()
        .map(|s| s.session.as_secs_f64() * 1e3)
        .collect();
    let navigations: Vec<f64> = starts
        .iter()
        .filter_map(|s| s.navigation)
        .map(|d| d.as_secs_f64() * 1e3)
        .collect();
    if let (Some(r), Some(p), Some(s), Some(n)) = (
        Spread::of(&ready),
        Spread::of(&painted),
        Spread::of(&sessions),
        Spread::of(&navigations),
    ) {
        row(
            &mut table,
            &format!("cold start to list painted ({})", args.starts),
            &format!("{:.3} s", r.p50 / 1e3),
            "",
            &format!(
                "p50; max {:.3} s; runs {}; the app's session up at p50 {:.0} ms, \
                 its page's navigation started at p50 {:.0} ms (max {:.0} ms)",
                r.max / 1e3,
                ready
                    .iter()
                    .map(|ms| format!("{:.2}", ms / 1e3))
                    .collect::<Vec<_>>()
                    .join(", "),
                s.p50,
                n.p50,
                n.max
            ),
        );
        row(
            &mut table,
            "  list-painted mark",
            &format!("{:.0} ms", p.p50),
            "",
            &format!("p50 after navigation start; max {:.0} ms", p.max),
        );
        targets.at_most(
            "cold start to the first painted list (p50)",
            1.0,
            r.p50 / 1e3,
            "s",
        );
    }
    report["cold_start"] = json!({
        "runs": starts.iter().map(Started::json).collect::<Vec<_>>(),
        "ready": Spread::of(&ready).map(|s| s.json()),
        "list_painted": Spread::of(&painted).map(|s| s.json()),
        "navigation": Spread::of(&navigations).map(|s| s.json()),
        "disk_cache": "warm: the same workspace every start, after the baseline's launch",
    });

    let s = &last.session;
    let views = s
        .execute(
            "return [...document.querySelectorAll('#sidebar button.view')].map((b) => \
             [b.dataset.view, Number(b.querySelector('.count')?.dataset.count ?? -1)]);",
            &[],
        )
        .unwrap_or(Value::Null);
    report["views"] = views;
    let shot = bench.out_dir.join("app-100k.png");
    if let Err(e) = s.screenshot(&shot) {
        bench.say(&format!("screenshot: {e:#}"));
    }

    let mut stages: Vec<(&str, Footprint)> = Vec::new();
    let stage = |name: &'static str, stages: &mut Vec<(&str, Footprint)>| {
        window::settle(s, SETTLE);
        if let Ok(f) = memory::footprint(app, &last.home()) {
            stages.push((name, f));
        }
    };
    stage("list painted", &mut stages);

    bench.say(&format!("opening {} tickets", args.tickets));
    match tickets::open_each(s, args.tickets) {
        Ok(opened) => {
            ok &= opened.failures.is_empty();
            match opened.spread() {
                Some(sp) => {
                    row(
                        &mut table,
                        &format!("open a ticket ({} opened)", sp.count),
                        &format!("{:.1} ms", sp.p50),
                        "",
                        &format!(
                            "{}; j + Enter to ticket-shown; the page arrived at {}; the view \
                             was rendered at {}; its frames loaded at {}",
                            sp.text(),
                            Spread::of(&opened.data).map_or_else(|| "-".to_string(), |d| d.text()),
                            Spread::of(&opened.rendered)
                                .map_or_else(|| "-".to_string(), |d| d.text()),
                            Spread::of(&opened.frames)
                                .map_or_else(|| "-".to_string(), |d| d.text())
                        ),
                    );
                    targets.at_most("opening a ticket (p95)", 100.0, sp.p95, "ms");
                }
                None => row(&mut table, "open a ticket", "-", "", "none showed"),
            }
            if !opened.failures.is_empty() {
                row(
                    &mut table,
                    "  tickets that did not show",
                    &opened.failures.len().to_string(),
                    "",
                    &opened.failures[0],
                );
            }
            report["open_ticket"] = opened.json();
        }
        Err(e) => {
            ok = false;
            failed(&mut table, &mut report, "open_ticket", "open a ticket", &e);
        }
    }

    stage("tickets opened", &mut stages);

    bench.say("typing searches");
    match typing::type_each(s) {
        Ok(searched) => {
            ok &= searched.failures() == 0;
            match searched.spread() {
                Some(sp) => {
                    row(
                        &mut table,
                        &format!("search typed to results ({})", sp.count),
                        &format!("{:.1} ms", sp.p50),
                        "",
                        &format!("{}; the UI's debounce included", sp.text()),
                    );
                    targets.at_most("typing a search to its results (p95)", 100.0, sp.p95, "ms");
                }
                None => row(
                    &mut table,
                    "search typed to results",
                    "-",
                    "",
                    "none showed",
                ),
            }
            for t in &searched.typed {
                let (figure, note) = match &t.outcome {
                    Ok(shown) => (
                        format!("{:.1} ms", shown.ms),
                        format!("{} tickets; {}", fmt_count(shown.total as usize), t.label),
                    ),
                    Err(e) => ("-".to_string(), format!("FAILED: {e}")),
                };
                row(&mut table, &format!("  {}", t.query), &figure, "", &note);
            }
            report["search"] = searched.json();
        }
        Err(e) => {
            ok = false;
            failed(
                &mut table,
                &mut report,
                "search",
                "search typed to results",
                &e,
            );
        }
    }

    stage("searches typed", &mut stages);

    bench.say("scrolling the list");
    // The memory while the list moves: whether it climbs with the distance or levels off.
    let sample = || {
        if !args.scroll_memory {
            return Value::Null;
        }
        memory::footprint(app, &last.home()).map_or(Value::Null, |f| {
            json!([memory::mb_f(f.app.pss_kb), memory::mb_f(f.webview_pss_kb())])
        })
    };
    match scroll::scroll(s, sample) {
        Ok(scrolled) => {
            ok &= scroll_rows(&scrolled, &mut table, &mut targets);
            report["scroll"] = scrolled.report;
        }
        Err(e) => {
            ok = false;
            failed(&mut table, &mut report, "scroll", "scroll the list", &e);
            targets.not_judged(
                "frame gaps while scrolling",
                "≤ 50 ms",
                "the scroll did not run",
            );
        }
    }

    stage("list scrolled", &mut stages);
    // Then the app left alone, as between a person's bursts of work: what the engine and
    // WebKit give back once idle (WebKit returns freed memory to the system in the background).
    std::thread::sleep(IDLE);
    match memory::footprint(app, &last.home()) {
        Ok(loaded) => {
            stages.push(("20 s idle", loaded.clone()));
            write_mappings(&loaded, &bench.out_dir.join("app-memory-maps.txt"));
            stage_rows(&baseline.1, &stages, &mut table);
            memory_rows(&baseline.1, &loaded, &mut table, &mut targets);
            report["memory"] = json!({
                "stages": stages
                    .iter()
                    .map(|(name, f)| json!({ "after": name, "footprint": f.json() }))
                    .collect::<Vec<_>>(),
                "workspace": loaded.json(),
                "empty_window": baseline.1.json(),
                "above_empty_mb": round2(mb_f(loaded.total_pss_kb()) - mb_f(baseline.1.total_pss_kb())),
                "measured": "after the tickets, the searches and the scrolling, then 20 s idle",
            });
        }
        Err(e) => {
            ok = false;
            failed(&mut table, &mut report, "memory", "memory (PSS)", &e);
        }
    }
    close(last, &bench);
    drop(server);
    drop(display);

    report["machine"]["loadavg_at_end"] = json!(loadavg());
    let _ = writeln!(table, "\n  load average at the end: {}", loadavg());
    targets.render(&mut table);
    report["targets"] = targets.json();
    bench.finish(&table, report, ok, args.base.keep)?;
    println!("  screenshot: {}", shot.display());
    Ok(ok)
}

/// The app on an empty data dir: how long until the first-run screen, and its memory.
fn baseline(
    display: &Display,
    app: &Path,
    empty: &Path,
    bench: &Bench,
) -> Result<(Duration, Footprint)> {
    let (window, started) = window::launch(display, app, empty, Screen::Welcome)?;
    window::settle(&window.session, SETTLE);
    let footprint = memory::footprint(app, &window.home());
    if let Err(e) = window
        .session
        .screenshot(&bench.out_dir.join("app-empty.png"))
    {
        bench.say(&format!("screenshot: {e:#}"));
    }
    close(window, bench);
    Ok((started.ready, footprint?))
}

/// `starts` launches on the workspace, each a new process; the last one stays open.
fn cold_starts(
    display: &Display,
    app: &Path,
    data: &Path,
    starts: usize,
    bench: &Bench,
) -> Result<(Window, Vec<Started>)> {
    let mut done = Vec::new();
    let launch = |i: usize| {
        bench.say(&format!("cold start {i} of {starts}"));
        window::launch(display, app, data, Screen::List).with_context(|| format!("cold start {i}"))
    };
    for i in 1..starts {
        let (window, started) = launch(i)?;
        close(window, bench);
        done.push(started);
    }
    let (window, started) = launch(starts)?;
    done.push(started);
    Ok((window, done))
}

/// Closes the app and its driver, and says what outlived them.
fn close(window: Window, bench: &Bench) {
    let leftovers = window.close();
    if !leftovers.is_empty() {
        bench.say(&format!("processes outlived the driver: {leftovers:?}"));
    }
}

/// A step that broke: a row, and its error in the figures.
fn failed(table: &mut String, report: &mut Value, key: &str, what: &str, e: &anyhow::Error) {
    row(table, what, "-", "", &format!("FAILED: {e:#}"));
    report[key] = json!({ "ok": false, "error": format!("{e:#}") });
}

/// The scroll passes' rows and targets. Returns false when the list never filled in.
fn scroll_rows(scrolled: &scroll::Scrolled, table: &mut String, targets: &mut Targets) -> bool {
    let passes = scrolled.passes();
    let row_height = scrolled.report["row_height"]
        .as_f64()
        .unwrap_or(1.0)
        .max(1.0);
    row(
        table,
        &format!("scroll: the {} view", scrolled.view()),
        &format!("{} rows", fmt_count(scrolled.rows() as usize)),
        "",
        "the sidebar's largest view",
    );
    for p in &passes {
        row(
            table,
            &format!("scroll: {}", p.label),
            &format!("{:.1} ms", p.max),
            "",
            &format!(
                "max frame gap; p50 {:.1} ms, p99 {:.1} ms; {} gaps > {} ms; {} frames in {:.1} s{}{}",
                p.p50,
                p.p99,
                p.over_limit,
                scroll::GAP_LIMIT_MS,
                p.frames,
                p.duration_ms / 1e3,
                if p.idle {
                    String::new()
                } else {
                    format!("; {:.1} rows a frame", p.step_px / row_height)
                },
                if p.reached || p.idle {
                    String::new()
                } else {
                    format!("; stopped at {:.0}% of the way", p.covered * 100.0)
                }
            ),
        );
        if p.idle {
            continue;
        }
        row(
            table,
            "  rows in view while scrolling",
            &fmt_count(p.checked as usize),
            "",
            &format!(
                "checked; {} placeholders ({:.1}%), {} rows without an element",
                p.placeholders,
                100.0 * p.placeholders as f64 / (p.checked.max(1)) as f64,
                p.missing
            ),
        );
        targets.at_most(
            &format!("largest frame gap, {}", p.label),
            scroll::GAP_LIMIT_MS,
            p.max,
            "ms",
        );
    }
    // The web view's memory, once a second while the passes ran: a climb that never levels
    // off is a leak; a plateau is what scrolling needs.
    let web: Vec<f64> = scrolled.report["samples"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s[1].as_f64())
        .collect();
    if let (Some(first), Some(last)) = (web.first(), web.last()) {
        let tenth = |i: usize| web[(i * (web.len() - 1)) / 10];
        row(
            table,
            "  web view memory while scrolling",
            &format!("{first:.0}→{last:.0} MB"),
            "",
            &format!(
                "PSS once a second, at each tenth of the passes: {}",
                (0..=10)
                    .map(|i| format!("{:.0}", tenth(i)))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        );
    }
    let settled = scrolled.settled();
    let s = &scrolled.report["settled"];
    row(
        table,
        "scroll: stopped mid-list",
        &format!("{:.0} ms", s["ms"].as_f64().unwrap_or(0.0)),
        "",
        &if settled {
            format!(
                "until every row in view had text, e.g. {:?}",
                s["sample"].as_str().unwrap_or_default()
            )
        } else {
            format!("FAILED: rows in view stayed placeholders: {s}")
        },
    );
    settled && passes.len() == 3
}

/// What each process maps, largest first, into `path` (for finding where the memory is).
fn write_mappings(f: &Footprint, path: &Path) {
    let mut text = String::new();
    for p in std::iter::once(&f.app).chain(&f.webview) {
        let _ = writeln!(text, "{} (pid {}): PSS {}", p.name, p.pid, mb(p.pss_kb));
        for (what, kb) in memory::top_mappings(p.pid, 25).unwrap_or_default() {
            let _ = writeln!(text, "  {:>10}  {what}", mb(kb));
        }
        let _ = writeln!(text, "  largest anonymous mappings:");
        for (what, kb) in memory::largest_anonymous(p.pid, 12).unwrap_or_default() {
            let _ = writeln!(text, "  {:>10}  {what}", mb(kb));
        }
    }
    let _ = std::fs::write(path, text);
}

/// Where the memory grew: the footprint after each step, above the empty window's.
fn stage_rows(empty: &Footprint, stages: &[(&str, Footprint)], table: &mut String) {
    let split = |p: &memory::Process| p.split_text();
    row(
        table,
        "memory (PSS) of the empty window",
        &mb(empty.total_pss_kb()),
        "",
        &format!(
            "app: {}; {}",
            split(&empty.app),
            empty
                .webview
                .iter()
                .map(|p| format!("{}: {}", p.name, split(p)))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    );
    for (name, f) in stages {
        row(
            table,
            &format!("memory (PSS) after: {name}"),
            &format!(
                "{:+.1} MB",
                mb_f(f.total_pss_kb()) - mb_f(empty.total_pss_kb())
            ),
            "",
            &format!(
                "app {:+.1} MB, webview {:+.1} MB above the empty window; app: {}; {}",
                mb_f(f.app.pss_kb) - mb_f(empty.app.pss_kb),
                mb_f(f.webview_pss_kb()) - mb_f(empty.webview_pss_kb()),
                f.app.split_text(),
                f.webview
                    .iter()
                    .map(|p| format!("{}: {}", p.name, p.split_text()))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        );
    }
}

/// The memory rows and target: the workspace's footprint against the empty window's.
fn memory_rows(empty: &Footprint, loaded: &Footprint, table: &mut String, targets: &mut Targets) {
    row(
        table,
        "memory (PSS): app (engine + shell)",
        &mb(loaded.app.pss_kb),
        "",
        &format!("empty window: {}", mb(empty.app.pss_kb)),
    );
    row(
        table,
        "memory (PSS): webview processes",
        &mb(loaded.webview_pss_kb()),
        "",
        &format!(
            "{}; empty window: {}",
            loaded.webview_text(),
            mb(empty.webview_pss_kb())
        ),
    );
    let above = mb_f(loaded.total_pss_kb()) - mb_f(empty.total_pss_kb());
    row(
        table,
        "memory (PSS): total",
        &mb(loaded.total_pss_kb()),
        "",
        &format!(
            "empty window {}; {above:+.1} MB above it",
            mb(empty.total_pss_kb())
        ),
    );
    targets.at_most(
        "memory (PSS) above the empty window's",
        MEMORY_ABOVE_EMPTY_MB,
        above,
        "MB",
    );
}

/// A note when the app binary is older than the built UI it should embed.
fn stale_ui(app: &Path) -> Option<String> {
    let built = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/dist/index.html");
    let (app_at, ui_at) = (built(app)?, built(&ui)?);
    (app_at < ui_at).then(|| {
        format!(
            "{} is older than {}: it may embed an older UI (scripts/bench app rebuilds both)",
            app.display(),
            ui.display()
        )
    })
}

/// The 1, 5 and 15 minute load averages: other work on the machine shows in every figure.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
