//! Report benchmark: exporting a year of tickets from the 100,000-message support mailbox.
//!
//! Loads the generated mailbox (`SIPHON_BENCH_MESSAGES`, default 100,000; the sync bench's seed,
//! dated through 2026) into a warm local dovecot, adds the account and runs one full `siphon
//! sync` (reported in passing), then times whole `siphon export --from 2026-01-01 --to
//! 2026-12-31` commands as CSV, XLSX and JSON (`--runs` each; median reported) and judges them
//! against the targets (XLSX ≤ 2 s, CSV ≤ 1 s). Prints a table and writes
//! `bench-out/report.json`. Timings never fail the run; it exits non-zero only when something
//! broke (setup, a command that failed, an export with no rows).
//!
//! `cargo bench --bench report -- [--messages N] [--runs K] [--keep]`

#[allow(dead_code, reason = "the report bench measures no data dir")]
mod common;
#[allow(dead_code, reason = "every target here is a time")]
#[path = "common/targets.rs"]
mod targets;

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use serde_json::json;

use common::{BaseArgs, Bench, Runs, SEED, Timed, fmt_bytes, fmt_count, fmt_rss, row};
use targets::Targets;

struct Args {
    base: BaseArgs,
    runs: usize,
}

fn parse_args() -> Result<Args> {
    let mut runs = 3;
    let base = common::parse_args(
        "report",
        "cargo bench --bench report -- [--messages N] [--runs K] [--keep]",
        |flag, it| {
            if flag == "--runs" {
                runs = common::number(flag, it)?;
                return Ok(true);
            }
            Ok(false)
        },
    )?;
    Ok(Args { base, runs })
}

fn main() -> ExitCode {
    common::main("report", parse_args(), run)
}

/// The year every export covers (the corpus is dated in 2026).
const FROM: &str = "2026-01-01";
const TO: &str = "2026-12-31";

fn run(args: &Args) -> Result<bool> {
    let messages = args.base.messages;
    let bench = Bench::new("report", args.base.timeout)?;
    let mut machine = common::machine();
    machine["siphon"] = json!(common::version_of(
        env!("CARGO_BIN_EXE_siphon"),
        &["--version"]
    ));
    let mut report = json!({ "messages": messages, "seed": SEED, "machine": machine });
    let mut table = String::new();
    let _ = writeln!(
        table,
        "\nsiphon report benchmark: {} messages (seed {SEED}), export {FROM}..{TO}",
        fmt_count(messages)
    );
    let common::Served {
        dc,
        siphon,
        add,
        full,
        ..
    } = common::serve_and_sync(
        &bench,
        messages,
        ["wall", "peak RSS"],
        &mut table,
        &mut report,
    )?;
    drop(dc);
    let mut ok = add.success;
    let mut targets = Targets::new(messages);
    if !full.is_some_and(|f| f.success) {
        return Ok(false);
    }
    // The first command after a sync threads the new mail; leave that out of the timings.
    let warm = bench.timed(
        "siphon tickets (warm-up)",
        &siphon.bin,
        &siphon.args(&["tickets", "--limit", "1"]),
    )?;
    ok &= warm.success;
    for (format, limit) in [("csv", Some(1.0)), ("xlsx", Some(2.0)), ("json", None)] {
        let out = bench.work.path().join(format!("year.{format}"));
        let out_s = out.display().to_string();
        let cmd = [
            "export", "--from", FROM, "--to", TO, "--format", format, "--out", &out_s, "--json",
        ];
        let mut runs: Vec<Timed> = Vec::new();
        for i in 0..args.runs {
            runs.push(bench.timed(
                &format!("siphon export {format} #{i}"),
                &siphon.bin,
                &siphon.args(&cmd),
            )?);
        }
        let Some(r) = Runs::of(&runs) else { continue };
        ok &= r.ok;
        let written: Option<u64> = runs
            .last()
            .filter(|t| t.success)
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t.stdout()).ok())
            .and_then(|v| v["tickets"].as_u64());
        let bytes = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        // An export of a year that wrote no rows is broken, whatever its time.
        ok &= written.is_some_and(|n| n > 0);
        let median = r.median().as_secs_f64();
        row(
            &mut table,
            &format!("siphon export {format} ({} runs)", runs.len()),
            &format!("{median:.3} s"),
            &fmt_rss(r.peak_rss_kb),
            &format!(
                "median; min {:.3} s; {} tickets; {}",
                r.min().as_secs_f64(),
                written.map_or("?".into(), |n| fmt_count(n as usize)),
                fmt_bytes(bytes)
            ),
        );
        let mut figures = r.json();
        figures["tickets"] = json!(written);
        figures["bytes"] = json!(bytes);
        report["siphon"][format!("export_{format}")] = figures;
        if let Some(limit) = limit {
            targets.at_most(
                &format!("export a year as {format}, whole command"),
                limit,
                median,
                "s",
            );
        }
    }
    targets.render(&mut table);
    report["targets"] = targets.json();
    bench.finish(&table, report, ok, args.base.keep)?;
    Ok(ok)
}
