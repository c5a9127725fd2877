//! `siphon export`: a period's tickets and KPIs as CSV, XLSX or JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;
use siphon::engine::Engine;
use siphon::report::calendar::Period;
use siphon::report::export::Format;

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// An ISO week, e.g. 2026-W47 (Monday to Sunday in the configured time zone).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    week: Option<String>,
    /// First day, YYYY-MM-DD (included).
    #[arg(long, requires = "to")]
    from: Option<String>,
    /// Last day, YYYY-MM-DD (included).
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// csv, xlsx or json (default: from the --out file's extension).
    #[arg(long)]
    format: Option<String>,
    /// The file to write.
    #[arg(long)]
    out: PathBuf,
    /// Print what was written as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(engine: &mut Engine, args: ExportArgs) -> Result<ExitCode> {
    let period = match (&args.week, &args.from, &args.to) {
        (Some(w), None, None) => Period::week(w)?,
        (None, Some(f), Some(t)) => Period::days(f, t)?,
        _ => bail!("give a period: --week 2026-W47, or --from YYYY-MM-DD --to YYYY-MM-DD"),
    };
    let format = match &args.format {
        Some(f) => Format::parse(f)
            .ok_or_else(|| anyhow::anyhow!("unknown format \"{f}\"; one of: csv, xlsx, json"))?,
        None => args
            .out
            .extension()
            .and_then(|e| Format::parse(&e.to_string_lossy()))
            .ok_or_else(|| anyhow::anyhow!("give --format csv|xlsx|json"))?,
    };
    let bar = crate::cli::progress("exporting tickets");
    let done = engine.export(&period, format, &args.out, &|done, total| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&done)?);
    } else {
        println!(
            "Wrote {} tickets ({} to {}) to {} in {:.2} s.",
            done.tickets, done.from, done.to, done.path, done.seconds
        );
    }
    Ok(ExitCode::SUCCESS)
}
