//! Tickets benchmark: threading the support mailbox into tickets, with notmuch as the yardstick.
//!
//! Loads the generated support mailbox (`SIPHON_BENCH_MESSAGES`, default 100,000; the sync
//! bench's seed) into a warm local dovecot, adds the account and runs one full `siphon sync`
//! (reported in passing), then times whole commands: `siphon reindex` (every ticket rebuilt from
//! raw mail and the op log), the first page of open tickets as JSON, and every ticket as JSON;
//! then the same rebuild and first page in-process through the engine API. notmuch indexes the
//! same corpus from a Maildir in the same run (`notmuch new`, then its threads).
//!
//! Both tools' threading is scored against the generator's ground truth (see `tickets/score.rs`).
//! Prints a table and writes `bench-out/tickets.json`. Timings never fail the run; it exits
//! non-zero only when something broke (setup, a command that failed or hung, output that could
//! not be read).
//!
//! `cargo bench --bench tickets -- [--messages N] [--runs K] [--skip-siphon] [--skip-notmuch]
//! [--keep]`

#[allow(
    dead_code,
    reason = "the tickets bench syncs with its own steps and notmuch beside"
)]
mod common;
#[path = "tickets/notmuch.rs"]
mod notmuch;
#[path = "tickets/score.rs"]
mod score;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use serde_json::{Value, json};
use siphon::engine::{Engine, Paths};
use siphon::ticket::index::{Query, View};
use siphon_testkit::corpus;
use siphon_testkit::dovecot::Dovecot;

use common::{
    BaseArgs, Bench, Runs, SEED, Siphon, Timed, du_bytes, fmt_bytes, fmt_count, fmt_rss,
    percentile, row, secs, spec, version_of,
};
use notmuch::Notmuch;
use score::{Score, Truth};

/// First-page queries per reindex run.
const PAGE_RUNS_PER_RUN: usize = 10;
/// First-page queries in-process.
const IN_PROCESS_QUERIES: usize = 200;

struct Args {
    base: BaseArgs,
    runs: usize,
    skip_siphon: bool,
    skip_notmuch: bool,
}

fn parse_args() -> Result<Args> {
    let mut runs = 3;
    let mut skip_siphon = false;
    let mut skip_notmuch = false;
    let base = common::parse_args(
        "tickets",
        "cargo bench --bench tickets -- [--messages N] [--runs K] [--skip-siphon] [--skip-notmuch] [--keep]",
        |flag, it| {
            match flag {
                "--runs" => runs = common::number(flag, it)?,
                "--skip-siphon" => skip_siphon = true,
                "--skip-notmuch" => skip_notmuch = true,
                _ => return Ok(false),
            }
            Ok(true)
        },
    )?;
    Ok(Args {
        base,
        runs,
        skip_siphon,
        skip_notmuch,
    })
}

fn main() -> ExitCode {
    common::main("tickets", parse_args(), run)
}

fn run(args: &Args) -> Result<bool> {
    let mut ok = true;
    let messages = args.base.messages;
    let bench = Bench::new("tickets", args.base.timeout)?;
    bench.say("generating the ground truth");
    let truth = Truth::of(corpus::generate(&spec(messages)));
    let truth_score = truth.score(&truth.identity());

    let mut machine = common::machine();
    machine["siphon"] = json!(version_of(env!("CARGO_BIN_EXE_siphon"), &["--version"]));
    machine["notmuch"] = json!(version_of("notmuch", &["--version"]));
    let mut report = json!({
        "messages": messages,
        "seed": SEED,
        "machine": machine,
        "truth": truth.json(),
    });
    let mut table = String::new();
    let _ = writeln!(
        table,
        "\nsiphon tickets benchmark: {} messages (seed {SEED}), notmuch as the yardstick",
        fmt_count(messages)
    );
    let mut scores: Vec<(&str, Score)> = Vec::new();

    if args.skip_siphon {
        let _ = writeln!(table, "  corpus: not loaded into dovecot (--skip-siphon)\n");
        row(&mut table, "step", "wall", "peak RSS", "");
    } else {
        let (dc, corpus) = common::serve_corpus(&bench, messages)?;
        report["corpus"] = corpus.json();
        let _ = writeln!(table, "{}", corpus.summary());
        row(&mut table, "step", "wall", "peak RSS", "");
        ok &= siphon(
            &bench,
            args,
            &dc,
            &truth,
            &mut table,
            &mut report,
            &mut scores,
        )?;
        // The server is done with: free its memory and disk before notmuch runs.
        drop(dc);
    }

    if !args.skip_notmuch {
        ok &= yardstick(&bench, args, &truth, &mut table, &mut report, &mut scores)?;
    }

    let reindex = report["siphon"]["reindex"]["median_s"].as_f64();
    let new = report["notmuch"]["new"]["wall_s"].as_f64();
    ratio(
        &mut table,
        &mut report,
        "siphon reindex / notmuch new",
        "siphon_reindex_over_notmuch_new",
        reindex.zip(new),
    );

    let scored = truth.auto.iter().filter(|a| !**a).count();
    let _ = writeln!(
        table,
        "\n  threading against the ground truth: {} messages in {} conversations \
         ({} auto-submitted left out; absent messages count as singletons)",
        fmt_count(scored),
        fmt_count(truth_score.truth),
        fmt_count(truth.len() - scored),
    );
    let _ = writeln!(
        table,
        "  {:<10} {:>13} {:>10} {:>10} {:>12} {:>12} {:>9}",
        "tool", "conversations", "exact", "merges", "precision", "recall", "missing"
    );
    for (tool, s) in &scores {
        let _ = writeln!(
            table,
            "  {tool:<10} {:>13} {:>10} {:>10} {:>12.6} {:>12.6} {:>9}",
            fmt_count(s.found),
            fmt_count(s.exact),
            fmt_count(s.false_merges),
            s.precision,
            s.recall,
            fmt_count(s.missing),
        );
        report[*tool]["accuracy"] = s.json();
    }
    if scores.is_empty() {
        let _ = writeln!(table, "  (no tool ran to the end)");
    }

    bench.finish(&table, report, ok, args.base.keep)?;
    Ok(ok)
}

/// siphon: account and full sync, then reindex, the first page of open tickets and every ticket
/// as whole commands, the data dir, then the same in-process. Returns false when something failed.
fn siphon(
    bench: &Bench,
    args: &Args,
    dc: &Dovecot,
    truth: &Truth,
    table: &mut String,
    report: &mut Value,
    scores: &mut Vec<(&str, Score)>,
) -> Result<bool> {
    let siphon = Siphon::new(bench.work.path().join("siphon-data"));
    let (add, full) = siphon.add_and_sync(bench, dc, args.base.messages, table, report)?;
    let mut ok = add.success;
    if !full.is_some_and(|f| f.success) {
        // Nothing to thread.
        return Ok(false);
    }

    let reindex = repeat(bench, &siphon, "siphon reindex", &["reindex"], args.runs)?;
    if let Some(runs) = Runs::of(&reindex) {
        ok &= runs.ok;
        let rate = args.base.messages as f64 / runs.median().as_secs_f64().max(1e-9);
        row(
            table,
            &format!("siphon reindex ({} runs)", reindex.len()),
            &format!("{:.3} s", runs.median().as_secs_f64()),
            &fmt_rss(runs.peak_rss_kb),
            &format!(
                "median; min {:.3} s; {rate:.0} msg/s{}",
                runs.min().as_secs_f64(),
                if runs.ok { "" } else { "; FAILED" }
            ),
        );
        report["siphon"]["reindex"] = runs.json();
    }

    let page_args = ["tickets", "--view", "open", "--limit", "50", "--json"];
    let page = repeat(
        bench,
        &siphon,
        "siphon tickets open page",
        &page_args,
        args.runs * PAGE_RUNS_PER_RUN,
    )?;
    if let Some(runs) = Runs::of(&page) {
        ok &= runs.ok;
        // What the last run listed: a JSON array of at most 50 tickets.
        let listed = page
            .last()
            .filter(|t| t.success)
            .map(|t| tickets(&t.stdout()).map(|v| v.len()));
        let listed = match listed {
            Some(Ok(n)) => format!("{n} tickets"),
            Some(Err(e)) => {
                ok = false;
                format!("unreadable: {e:#}")
            }
            None => "FAILED".to_string(),
        };
        row(
            table,
            &format!("siphon tickets open page ({} runs)", page.len()),
            &format!("{:.4} s", percentile(&runs.sorted, 50.0).as_secs_f64()),
            &fmt_rss(runs.peak_rss_kb),
            &format!(
                "p50; p95 {:.4} s; {listed}",
                percentile(&runs.sorted, 95.0).as_secs_f64()
            ),
        );
        let mut figures = runs.json();
        figures["command"] = json!(page_args.join(" "));
        report["siphon"]["open_page"] = figures;
    }

    let all = bench.timed(
        "siphon tickets --all --json",
        &siphon.bin,
        &siphon.args(&["tickets", "--all", "--json"]),
    )?;
    ok &= all.success;
    let mut figures = all.json();
    let note = if all.success {
        match group_siphon(&all.stdout(), truth) {
            Ok(found) => {
                let note = format!(
                    "{} tickets + {} not a ticket; {}",
                    fmt_count(found.tickets),
                    fmt_count(found.not_a_ticket),
                    fmt_bytes(found.bytes)
                );
                figures["tickets"] = json!(found.tickets);
                figures["not_a_ticket"] = json!(found.not_a_ticket);
                figures["output_bytes"] = json!(found.bytes);
                figures["unknown_message_ids"] = json!(found.unknown);
                figures["messages_in_two_tickets"] = json!(found.twice);
                scores.push(("siphon", truth.score(&found.groups)));
                note
            }
            Err(e) => {
                ok = false;
                format!("unreadable: {e:#}")
            }
        }
    } else {
        "FAILED".to_string()
    };
    row(
        table,
        &all.label,
        &format!("{:.3} s", all.wall.as_secs_f64()),
        &fmt_rss(all.peak_rss_kb),
        &note,
    );
    report["siphon"]["all_tickets"] = figures;

    match du_bytes(&siphon.data) {
        Ok(bytes) => {
            row(table, "siphon data dir (du -sk)", &fmt_bytes(bytes), "", "");
            report["siphon"]["data_dir_bytes"] = json!(bytes);
        }
        Err(e) => {
            ok = false;
            row(
                table,
                "siphon data dir (du -sk)",
                "-",
                "",
                &format!("{e:#}"),
            );
        }
    }

    match in_process(&siphon.data) {
        Ok(figures) => {
            let s = |key: &str| figures[key].as_f64().unwrap_or(f64::NAN);
            row(
                table,
                "in-process reindex",
                &format!("{:.3} s", s("reindex_s")),
                "",
                &format!(
                    "{} messages, {} tickets",
                    figures["reindex_messages"], figures["reindex_tickets"]
                ),
            );
            row(
                table,
                &format!("in-process open page ({IN_PROCESS_QUERIES} runs)"),
                &format!("{:.3} ms", s("page_p50_ms")),
                "",
                &format!(
                    "p50; p95 {:.3} ms; p99 {:.3} ms; first {:.3} ms; {} tickets",
                    s("page_p95_ms"),
                    s("page_p99_ms"),
                    s("page_first_ms"),
                    figures["page_tickets"]
                ),
            );
            report["siphon"]["in_process"] = figures;
        }
        Err(e) => {
            ok = false;
            row(table, "in-process", "-", "", &format!("FAILED: {e:#}"));
            report["siphon"]["in_process"] = json!({ "ok": false, "error": format!("{e:#}") });
        }
    }
    Ok(ok)
}

/// In-process figures, through the engine API: one full rebuild, then the first page of open
/// tickets [`IN_PROCESS_QUERIES`] times, on the workspace in `dir` (no `siphon` process may hold
/// it). The first query is also reported alone: it is the one that loads what the rest reuse.
fn in_process(dir: &Path) -> Result<Value> {
    let mut engine = Engine::new(Paths::resolve(Some(dir.to_path_buf()))?, "bench");
    let start = Instant::now();
    let rebuilt = engine.reindex()?;
    let reindex = start.elapsed();
    let query = Query {
        view: Some(View::Open),
        limit: Some(50),
        ..Default::default()
    };
    let mut walls = Vec::with_capacity(IN_PROCESS_QUERIES);
    let mut listed = 0;
    for _ in 0..IN_PROCESS_QUERIES {
        let start = Instant::now();
        listed = engine.tickets(&query)?.len();
        walls.push(start.elapsed());
    }
    let ms = |d: Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
    let first = walls.first().copied().unwrap_or_default();
    walls.sort();
    Ok(json!({
        "reindex_s": secs(reindex),
        "reindex_messages": rebuilt.messages,
        "reindex_tickets": rebuilt.tickets,
        "page_runs": walls.len(),
        "page_tickets": listed,
        "page_first_ms": ms(first),
        "page_p50_ms": ms(percentile(&walls, 50.0)),
        "page_p95_ms": ms(percentile(&walls, 95.0)),
        "page_p99_ms": ms(percentile(&walls, 99.0)),
    }))
}

/// notmuch on the same corpus: a Maildir written from the generator, `notmuch new`, its
/// threads, and its threading scored. Returns false when something failed.
fn yardstick(
    bench: &Bench,
    args: &Args,
    truth: &Truth,
    table: &mut String,
    report: &mut Value,
    scores: &mut Vec<(&str, Score)>,
) -> Result<bool> {
    let messages = args.base.messages;
    let dir = bench.work.path().join("notmuch");
    bench.say("writing the corpus as a Maildir for notmuch");
    let start = Instant::now();
    let nm = Notmuch::create(&dir, corpus::generate(&spec(messages)))?;
    let written = start.elapsed();
    let maildir_bytes = du_bytes(&nm.root)?;
    row(
        table,
        "maildir for notmuch (write)",
        &format!("{:.2} s", written.as_secs_f64()),
        "",
        &format!(
            "{} files, {}",
            fmt_count(messages),
            fmt_bytes(maildir_bytes)
        ),
    );
    report["notmuch"] = json!({
        "maildir_write_s": secs(written),
        "maildir_bytes": maildir_bytes,
    });

    let new = nm.index(bench, messages, table, report)?;
    let mut ok = new.success;

    if new.success {
        let search = nm.timed(
            bench,
            "notmuch search --output=threads",
            &["search", "--output=threads", "*"],
        )?;
        ok &= search.success;
        let threads = search.stdout().lines().count();
        let mut figures = search.json();
        figures["threads"] = json!(threads);
        row(
            table,
            &search.label,
            &format!("{:.3} s", search.wall.as_secs_f64()),
            &fmt_rss(search.peak_rss_kb),
            &format!("{} threads", fmt_count(threads)),
        );
        report["notmuch"]["search_threads"] = figures;

        let show = nm.timed(
            bench,
            "notmuch show --format=json",
            &[
                "show",
                "--format=json",
                "--body=false",
                "--entire-thread=true",
                "*",
            ],
        )?;
        ok &= show.success;
        let mut figures = show.json();
        let note = if show.success {
            match notmuch::threads(&show.stdout_path, truth.len()) {
                Ok((groups, shown_threads)) => {
                    let shown = groups.iter().filter(|g| g.is_some()).count();
                    figures["threads"] = json!(shown_threads);
                    figures["messages"] = json!(shown);
                    scores.push(("notmuch", truth.score(&groups)));
                    format!(
                        "all threads with their messages: {} messages",
                        fmt_count(shown)
                    )
                }
                Err(e) => {
                    ok = false;
                    format!("unreadable: {e:#}")
                }
            }
        } else {
            "FAILED".to_string()
        };
        row(
            table,
            &show.label,
            &format!("{:.3} s", show.wall.as_secs_f64()),
            &fmt_rss(show.peak_rss_kb),
            &note,
        );
        report["notmuch"]["show_all"] = figures;
        // The JSON of every message's headers is large and no longer needed.
        if !args.base.keep {
            let _ = fs::remove_file(&show.stdout_path);
        }

        match du_bytes(&nm.database()) {
            Ok(bytes) => {
                row(
                    table,
                    "notmuch database (du -sk)",
                    &fmt_bytes(bytes),
                    "",
                    "",
                );
                report["notmuch"]["database_bytes"] = json!(bytes);
            }
            Err(e) => {
                ok = false;
                row(
                    table,
                    "notmuch database (du -sk)",
                    "-",
                    "",
                    &format!("{e:#}"),
                );
            }
        }
    }
    if !args.base.keep {
        let _ = fs::remove_dir_all(&dir);
    }
    Ok(ok)
}

/// Runs a siphon command `n` times, labelled `label (1)`, `label (2)`, ….
fn repeat(
    bench: &Bench,
    siphon: &Siphon,
    label: &str,
    args: &[&str],
    n: usize,
) -> Result<Vec<Timed>> {
    (1..=n)
        .map(|i| bench.timed(&format!("{label} ({i})"), &siphon.bin, &siphon.args(args)))
        .collect()
}

/// The tickets of `siphon tickets --json`: a JSON array (or an object holding one as `tickets`).
fn tickets(stdout: &str) -> Result<Vec<Value>> {
    let mut v: Value = serde_json::from_str(stdout).context("not JSON")?;
    let list = match v.get_mut("tickets") {
        Some(list) => list.take(),
        None => v,
    };
    match list {
        Value::Array(items) => Ok(items),
        _ => Err(anyhow!("not an array of tickets")),
    }
}

/// siphon's grouping of the corpus, from `siphon tickets --all --json`.
struct Found {
    groups: Vec<Option<u32>>,
    tickets: usize,
    not_a_ticket: usize,
    bytes: u64,
    /// Message-IDs listed that the corpus does not have.
    unknown: usize,
    /// Messages listed in two tickets (the later one wins).
    twice: usize,
}

fn group_siphon(stdout: &str, truth: &Truth) -> Result<Found> {
    let list = tickets(stdout)?;
    let mut found = Found {
        groups: vec![None; truth.len()],
        tickets: 0,
        not_a_ticket: 0,
        bytes: stdout.len() as u64,
        unknown: 0,
        twice: 0,
    };
    for (g, ticket) in list.iter().enumerate() {
        if ticket["not_a_ticket"].as_bool() == Some(true) {
            found.not_a_ticket += 1;
        } else {
            found.tickets += 1;
        }
        let ids = ticket["message_ids"]
            .as_array()
            .with_context(|| format!("ticket {g} has no \"message_ids\" array"))?;
        for id in ids {
            let id = id
                .as_str()
                .with_context(|| format!("ticket {g}: a Message-ID that is not a string"))?;
            let Some(holders) = truth.by_id.get(id.trim_matches(['<', '>'])) else {
                found.unknown += 1;
                continue;
            };
            for &i in holders {
                if found.groups[i]
                    .replace(g as u32)
                    .is_some_and(|h| h != g as u32)
                {
                    found.twice += 1;
                }
            }
        }
    }
    Ok(found)
}

/// A row and a figure for `a / b` when both ran.
fn ratio(
    table: &mut String,
    report: &mut Value,
    label: &str,
    key: &str,
    figures: Option<(f64, f64)>,
) {
    if let Some((a, b)) = figures {
        let r = a / b.max(1e-9);
        row(table, label, &format!("{r:.2} x"), "", "");
        report[format!("ratio_{key}")] = json!((r * 1e3).round() / 1e3);
    }
}
