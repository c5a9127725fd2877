//! Search benchmark: full-text search over the support mailbox, with notmuch as the yardstick.
//!
//! Loads the generated support mailbox (`SIPHON_BENCH_MESSAGES`, default 100,000; the other
//! benches' seed) into a warm local dovecot, adds the account and runs the first full `siphon
//! sync`, which builds the tickets and the search index before it exits: its wall clock is the
//! time until everything is searchable. Then, over the fixed query set of `search/queries.rs`,
//! each asking for the top 50 tickets:
//!
//! 1. every query once as a whole `siphon search --json` command, its output kept;
//! 2. `siphon reindex` (tickets and search index rebuilt), then every query again: the output
//!    must be the same bytes, or the run fails;
//! 3. the index's size on disk, after the sync and after the rebuild, against the corpus's raw
//!    bytes;
//! 4. in-process through the engine API: one rebuild of the search index, a warm-up pass, then
//!    each query `--query-runs` times;
//! 5. each query `--command-runs` times as a whole command, each run followed by the same
//!    question as `notmuch search --limit=50` on a notmuch database of the same corpus (built
//!    in the same run) when it has a translation.
//!
//! Prints a table with the targets beside the figures and writes
//! `bench-out/search.json`. Timings never fail the run; it exits non-zero only when something
//! broke (setup, a command that failed or hung on a query it must answer, output that could not
//! be read, answers that changed after a rebuild).
//!
//! `cargo bench --bench search -- [--messages N] [--runs K] [--command-runs R]
//! [--query-runs Q] [--skip-notmuch] [--keep]`

#[path = "search/commands.rs"]
mod commands;
mod common;
#[path = "search/in_process.rs"]
mod in_process;
#[path = "search/latency.rs"]
mod latency;
#[allow(dead_code, reason = "its thread reader serves the tickets bench")]
#[path = "tickets/notmuch.rs"]
mod notmuch;
#[path = "search/queries.rs"]
mod queries;
#[path = "search/report.rs"]
mod report;
#[path = "common/targets.rs"]
mod targets;

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use siphon_testkit::corpus;

use commands::Answer;
use common::{
    BaseArgs, Bench, Runs, SEED, Siphon, du_bytes, fmt_bytes, fmt_count, fmt_rss, row, secs, spec,
    version_of,
};
use latency::{Spread, ms};
use notmuch::Notmuch;
use queries::QUERIES;
use targets::Targets;

/// Tickets asked for by every query.
pub const LIMIT: usize = 50;

struct Args {
    base: BaseArgs,
    /// `siphon reindex` runs.
    runs: usize,
    /// Whole-command runs of each query, for each tool.
    command_runs: usize,
    /// In-process runs of each query.
    query_runs: usize,
    skip_notmuch: bool,
}

fn parse_args() -> Result<Args> {
    let mut runs = 3;
    let mut command_runs = 5;
    let mut query_runs = 20;
    let mut skip_notmuch = false;
    let base = common::parse_args(
        "search",
        "cargo bench --bench search -- [--messages N] [--runs K] [--command-runs R] \
         [--query-runs Q] [--skip-notmuch] [--keep]",
        |flag, it| {
            match flag {
                "--runs" => runs = common::number(flag, it)?,
                "--command-runs" => command_runs = common::number(flag, it)?,
                "--query-runs" => query_runs = common::number(flag, it)?,
                "--skip-notmuch" => skip_notmuch = true,
                _ => return Ok(false),
            }
            Ok(true)
        },
    )?;
    if runs == 0 || command_runs == 0 || query_runs == 0 {
        bail!("--runs, --command-runs and --query-runs take at least 1");
    }
    Ok(Args {
        base,
        runs,
        command_runs,
        query_runs,
        skip_notmuch,
    })
}

fn main() -> ExitCode {
    common::main("search", parse_args(), run)
}

fn run(args: &Args) -> Result<bool> {
    let messages = args.base.messages;
    let bench = Bench::new("search", args.base.timeout)?;
    let mut machine = common::machine();
    machine["siphon"] = json!(version_of(env!("CARGO_BIN_EXE_siphon"), &["--version"]));
    machine["notmuch"] = json!(version_of("notmuch", &["--version"]));
    let mut report = json!({
        "messages": messages,
        "seed": SEED,
        "limit": LIMIT,
        "machine": machine,
    });
    let mut table = String::new();
    let _ = writeln!(
        table,
        "\nsiphon search benchmark: {} messages (seed {SEED}), {} queries for the top {LIMIT} \
         tickets, notmuch as the yardstick",
        fmt_count(messages),
        QUERIES.len()
    );
    let mut targets = Targets::new(messages);

    let common::Served {
        dc,
        corpus,
        siphon,
        add,
        full,
    } = common::serve_and_sync(
        &bench,
        messages,
        ["wall", "peak RSS"],
        &mut table,
        &mut report,
    )?;
    // Searching needs no server: free its memory and disk for what follows.
    drop(dc);
    let Some(full) = full.filter(|f| f.success) else {
        // Nothing to search.
        bench.finish(&table, report, false, args.base.keep)?;
        return Ok(false);
    };
    let mut ok = add.success;
    targets.at_most(
        "first sync until everything is searchable",
        25.0,
        full.wall.as_secs_f64(),
        "s",
    );

    let index = siphon.data.join("search");
    let sync_bytes = index_size(
        &mut table,
        &index,
        corpus.raw_bytes,
        "search index after the sync",
    );
    ok &= sync_bytes.is_some();

    bench.say("every query once as a whole command");
    let baseline = commands::siphon_pass(&bench, &siphon, "baseline")?;
    let answers: Vec<Answer> = QUERIES
        .iter()
        .zip(&baseline)
        .map(|(case, t)| Answer::of(case, t))
        .collect();
    ok &= !answers.iter().any(Answer::broke);
    let refused = answers
        .iter()
        .filter(|a| matches!(a, Answer::Refused(_)))
        .count();
    let failed = answers.iter().filter(|a| a.broke()).count();
    row(
        &mut table,
        "siphon search, each query once",
        &format!(
            "{:.2} s",
            baseline
                .iter()
                .map(|t| t.wall)
                .sum::<std::time::Duration>()
                .as_secs_f64()
        ),
        &fmt_rss(baseline.iter().filter_map(|t| t.peak_rss_kb).max()),
        &format!(
            "{} queries in all; {refused} refused, {failed} failed",
            QUERIES.len()
        ),
    );

    bench.say("siphon reindex");
    ok &= reindex(&bench, &siphon, args.runs, &mut table, &mut report)?;
    bench.say("every query again after the rebuild");
    let again = commands::siphon_pass(&bench, &siphon, "after reindex")?;
    let same: Vec<Option<bool>> = baseline
        .iter()
        .zip(&again)
        .map(|(a, b)| commands::same_output(a, b))
        .collect();
    let changed = report::changed(&same);
    ok &= changed.is_empty();
    let compared = same.iter().flatten().count();
    row(
        &mut table,
        "search --json after reindex",
        "",
        "",
        &report::identity_note(compared, &changed),
    );
    targets.holds(
        "reindex gives byte-identical search --json",
        "identical",
        &format!("{} of {compared} queries", compared - changed.len()),
        changed.is_empty(),
    );
    report["siphon"]["identical_after_reindex"] = json!({
        "compared": compared,
        "differ": changed.iter().map(|i| format!("q{i:02}")).collect::<Vec<_>>(),
    });

    let rebuilt_bytes = index_size(
        &mut table,
        &index,
        corpus.raw_bytes,
        "search index after reindex",
    );
    ok &= rebuilt_bytes.is_some();
    let raw = corpus.raw_bytes.max(1) as f64;
    report["siphon"]["index_bytes"] = json!({
        "after_sync": sync_bytes,
        "after_reindex": rebuilt_bytes,
        "raw_bytes": corpus.raw_bytes,
    });
    if let Some(largest) = sync_bytes.max(rebuilt_bytes) {
        targets.at_most(
            "search index on disk, times the raw mail",
            0.6,
            largest as f64 / raw,
            "x",
        );
    }

    bench.say("in-process: the search index rebuilt, then every query");
    let in_process = match in_process::measure(&siphon.data, args.query_runs) {
        Ok(figures) => Some(figures),
        Err(e) => {
            ok = false;
            row(&mut table, "in-process", "-", "", &format!("FAILED: {e:#}"));
            report["siphon"]["in_process"] = json!({ "ok": false, "error": format!("{e:#}") });
            None
        }
    };
    if let Some(figures) = &in_process {
        ok &= in_process_rows(args, figures, &mut table, &mut report, &mut targets);
    }

    let nm = if args.skip_notmuch {
        None
    } else {
        let (built, nm) = yardstick(&bench, messages, &mut table, &mut report)?;
        ok &= built;
        nm
    };

    bench.say("every query as whole commands, siphon and notmuch in turn");
    let timings = commands::timed_runs(&bench, &siphon, nm.as_ref(), args.command_runs)?;
    let compared = report::Compared::of(&timings, &answers);
    ok &= compared.ok;
    compared.rows(args.command_runs, &mut table, &mut report, &mut targets);

    let queries = report::queries(
        &answers,
        &same,
        &baseline,
        in_process.as_ref(),
        &timings,
        &compared,
    );
    ok &= queries.ok;
    table.push_str(&queries.table);
    report["queries"] = queries.json;
    targets.render(&mut table);
    report["targets"] = targets.json();

    bench.finish(&table, report, ok, args.base.keep)?;
    Ok(ok)
}

/// `du -sk` of the search index: a row, with its size against the corpus's raw bytes, and the
/// bytes (None when du failed).
fn index_size(table: &mut String, dir: &Path, raw: u64, label: &str) -> Option<u64> {
    match du_bytes(dir) {
        Ok(bytes) => {
            let times = bytes as f64 / raw.max(1) as f64;
            row(
                table,
                label,
                &fmt_bytes(bytes),
                "",
                &format!("du -sk; {times:.2} x the raw mail"),
            );
            Some(bytes)
        }
        Err(e) => {
            row(table, label, "-", "", &format!("{e:#}"));
            None
        }
    }
}

/// `siphon reindex --json` `runs` times: a row, and the figures with the search part as the
/// command reports it. Returns false when a run failed or printed something unexpected.
fn reindex(
    bench: &Bench,
    siphon: &Siphon,
    runs: usize,
    table: &mut String,
    report: &mut Value,
) -> Result<bool> {
    let timed = (1..=runs)
        .map(|i| {
            bench.timed(
                &format!("siphon reindex ({i})"),
                &siphon.bin,
                &siphon.args(&["reindex", "--json"]),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let Some(all) = Runs::of(&timed) else {
        return Ok(true);
    };
    let mut ok = all.ok;
    // What each run says it spent on the search index, after rebuilding the tickets.
    let mut parts = Vec::new();
    let mut indexed = None;
    for t in timed.iter().filter(|t| t.success) {
        match reindex_figures(&t.stdout()) {
            Ok((seconds, n)) => {
                parts.push(seconds);
                indexed = Some(n);
            }
            Err(e) => {
                ok = false;
                bench.say(&format!("`{}` printed {e:#}", t.label));
            }
        }
    }
    parts.sort_by(f64::total_cmp);
    let part = parts.get(parts.len() / 2).copied();
    let rate = |seconds: f64| indexed.unwrap_or(0) as f64 / seconds.max(1e-9);
    row(
        table,
        &format!("siphon reindex, median of {runs}"),
        &format!("{:.3} s", all.median().as_secs_f64()),
        &fmt_rss(all.peak_rss_kb),
        &format!(
            "min {:.3} s; search index part {}{}",
            all.min().as_secs_f64(),
            part.map_or("-".to_string(), |s| format!(
                "{s:.3} s ({} messages, {:.0} msg/s)",
                fmt_count(indexed.unwrap_or(0)),
                rate(s)
            )),
            if ok { "" } else { "; FAILED" }
        ),
    );
    let mut figures = all.json();
    figures["search_part_median_s"] = json!(part.map(|s| (s * 1e4).round() / 1e4));
    figures["indexed"] = json!(indexed);
    report["siphon"]["reindex"] = figures;
    Ok(ok)
}

/// `search_seconds` and `indexed` from `siphon reindex --json`.
fn reindex_figures(stdout: &str) -> Result<(f64, usize)> {
    let v: Value = serde_json::from_str(stdout).context("not JSON")?;
    let seconds = v["search_seconds"]
        .as_f64()
        .context("no \"search_seconds\" number")?;
    let indexed = v["indexed"].as_u64().context("no \"indexed\" number")?;
    Ok((seconds, indexed as usize))
}

/// The in-process rows and figures. Returns false when a query the engine must answer failed.
fn in_process_rows(
    args: &Args,
    figures: &in_process::InProcess,
    table: &mut String,
    report: &mut Value,
    targets: &mut Targets,
) -> bool {
    let indexing = figures.indexing.as_secs_f64();
    row(
        table,
        "in-process search index rebuild",
        &format!("{indexing:.3} s"),
        "",
        &format!(
            "{} messages, {:.0} msg/s",
            fmt_count(figures.indexed),
            figures.indexed as f64 / indexing.max(1e-9)
        ),
    );
    targets.at_most(
        &format!(
            "indexing {} messages (in-process)",
            fmt_count(figures.indexed)
        ),
        10.0,
        indexing,
        "s",
    );
    let mut ok = true;
    for (case, q) in QUERIES.iter().zip(&figures.queries) {
        ok &= q.is_ok() || case.may_be_refused;
    }
    let measured: Vec<(usize, &in_process::Measured)> = figures
        .queries
        .iter()
        .enumerate()
        .filter_map(|(i, q)| Some((i, q.as_ref().ok()?)))
        .collect();
    let pooled = Spread::pooled(measured.iter().map(|(_, m)| m.runs.as_slice()));
    let label = format!("in-process queries ({} runs each)", args.query_runs);
    match &pooled {
        Some(p) => {
            row(
                table,
                &label,
                &format!("{:.3} ms", ms(p.p50)),
                "",
                &format!("{}; {} queries pooled", p.text(), measured.len()),
            );
            targets.at_most("in-process query p95", 10.0, ms(p.p95), "ms");
        }
        None => row(table, &label, "-", "", "no query answered"),
    }
    // The slowest queries by their own p95.
    let mut slowest: Vec<(usize, Spread)> = measured
        .iter()
        .filter_map(|(i, m)| Some((*i, Spread::of(m.runs.clone())?)))
        .collect();
    slowest.sort_by_key(|(_, s)| std::cmp::Reverse(s.p95));
    for (i, s) in slowest.iter().take(3) {
        row(
            table,
            &format!("  slowest: q{i:02}"),
            &format!("{:.3} ms", ms(s.p95)),
            "",
            &format!("p95; {}: {}", QUERIES[*i].label, QUERIES[*i].siphon),
        );
    }
    report["siphon"]["in_process"] = json!({
        "indexed": figures.indexed,
        "indexing_s": secs(figures.indexing),
        "runs_per_query": args.query_runs,
        "pooled": pooled.map(|p| p.json()),
        "slowest_p95": slowest.iter().take(3).map(|(i, s)| json!({
            "query": format!("q{i:02}"),
            "p95_ms": ms(s.p95),
        })).collect::<Vec<_>>(),
    });
    ok
}

/// notmuch on the same corpus: a Maildir written from the generator and `notmuch new`. Returns
/// whether that worked, and the database when it did.
fn yardstick(
    bench: &Bench,
    messages: usize,
    table: &mut String,
    report: &mut Value,
) -> Result<(bool, Option<Notmuch>)> {
    bench.say("writing the corpus as a Maildir for notmuch");
    let start = Instant::now();
    let nm = Notmuch::create(
        &bench.work.path().join("notmuch"),
        corpus::generate(&spec(messages)),
    )?;
    let written = start.elapsed();
    row(
        table,
        "maildir for notmuch (write)",
        &format!("{:.2} s", written.as_secs_f64()),
        "",
        &format!("{} files", fmt_count(messages)),
    );
    report["notmuch"] = json!({ "maildir_write_s": secs(written) });

    let new = nm.index(bench, messages, table, report)?;
    if !new.success {
        return Ok((false, None));
    }
    match du_bytes(&nm.database()) {
        Ok(bytes) => {
            row(table, "notmuch database", &fmt_bytes(bytes), "", "du -sk");
            report["notmuch"]["database_bytes"] = json!(bytes);
            Ok((true, Some(nm)))
        }
        Err(e) => {
            row(table, "notmuch database", "-", "", &format!("{e:#}"));
            Ok((false, Some(nm)))
        }
    }
}
