//! `siphon export`: a period's tickets and KPIs as CSV, XLSX or JSON; and the weekly export
//! (`siphon export schedule`, `siphon export run-scheduled`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use siphon::engine::Engine;
use siphon::report::calendar::Period;
use siphon::report::export::Format;
use siphon::report::schedule::{Schedule, ScheduleText};

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ExportArgs {
    #[command(subcommand)]
    command: Option<ExportCommand>,
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
    #[arg(long, required = true)]
    out: Option<PathBuf>,
    /// Print what was written as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum ExportCommand {
    /// Show or set the weekly export: the last full ISO week, written to FOLDER as
    /// siphon-YYYY-Www.EXT on DAY at TIME (the report time zone), or at the next start after.
    Schedule(ScheduleArgs),
    /// Write the weekly export if it is due (for cron; the app checks every minute).
    RunScheduled {
        /// Act as if it were this instant (RFC 3339), for tests.
        #[arg(long, hide = true)]
        now: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
struct ScheduleArgs {
    /// mon … sun.
    #[arg(long, requires_all = ["time", "folder"], conflicts_with_all = ["off", "show"])]
    day: Option<String>,
    /// HH:MM, 24-hour.
    #[arg(long, requires = "day")]
    time: Option<String>,
    /// Where the files go (created if missing).
    #[arg(long, requires = "day")]
    folder: Option<PathBuf>,
    /// csv, xlsx or json.
    #[arg(long, default_value = "xlsx", requires = "day")]
    format: String,
    /// Turn the weekly export off.
    #[arg(long)]
    off: bool,
    /// Show the schedule (also what no option does).
    #[arg(long)]
    show: bool,
    #[arg(long)]
    json: bool,
}

fn parse_format(f: &str) -> Result<Format> {
    Format::parse(f)
        .ok_or_else(|| anyhow::anyhow!("unknown format \"{f}\"; one of: csv, xlsx, json"))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn schedule(engine: &mut Engine, args: ScheduleArgs) -> Result<ExitCode> {
    if args.off {
        engine.export_schedule_set(None, now())?;
    } else if let (Some(day), Some(time), Some(folder)) = (&args.day, &args.time, &args.folder) {
        // Relative folders are resolved now: the app and cron run elsewhere.
        let folder = std::path::absolute(folder)?;
        let s = Schedule::try_from(ScheduleText {
            day: day.clone(),
            time: time.clone(),
            folder: folder.display().to_string(),
            format: parse_format(&args.format)?,
        })?;
        engine.export_schedule_set(Some(s), now())?;
    }
    let status = engine.export_schedule_status(now())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&status)?);
        return Ok(ExitCode::SUCCESS);
    }
    match &status.schedule {
        None => println!("The weekly export is off."),
        Some(s) => {
            println!(
                "Weekly export: {} {} ({}), last full week as {} to {}",
                s.day,
                s.time,
                status.time_zone,
                serde_json::to_value(s.format)?.as_str().unwrap_or("?"),
                s.folder
            );
            if let Some(next) = &status.next {
                println!("Next run: {next}");
            }
        }
    }
    if let (Some(at), Some(file)) = (&status.last_run, &status.last_file) {
        println!("Last run: {at}, wrote {file}");
    }
    Ok(ExitCode::SUCCESS)
}

fn run_scheduled(engine: &mut Engine, at: Option<String>, json: bool) -> Result<ExitCode> {
    let now = match at {
        Some(t) => chrono::DateTime::parse_from_rfc3339(&t)
            .map_err(|e| anyhow::anyhow!("--now {t}: {e}"))?
            .timestamp(),
        None => now(),
    };
    let done = engine.run_scheduled_export(now)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&done)?);
        return Ok(ExitCode::SUCCESS);
    }
    match done {
        Some(d) => println!(
            "Wrote {} tickets ({} to {}) to {}{}.",
            d.summary.tickets,
            d.summary.from,
            d.summary.to,
            d.summary.path,
            if d.late {
                format!(", late (it was due {})", d.scheduled_local)
            } else {
                String::new()
            }
        ),
        None => match engine.export_schedule_status(now)?.next {
            Some(next) => println!("Nothing due; next run: {next}."),
            None => println!("The weekly export is off (set it with: siphon export schedule)."),
        },
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(engine: &mut Engine, args: ExportArgs) -> Result<ExitCode> {
    match args.command {
        Some(ExportCommand::Schedule(a)) => return schedule(engine, a),
        Some(ExportCommand::RunScheduled { now, json }) => return run_scheduled(engine, now, json),
        None => {}
    }
    let Some(out) = args.out else {
        bail!("give the file to write: --out PATH");
    };
    let period = match (&args.week, &args.from, &args.to) {
        (Some(w), None, None) => Period::week(w)?,
        (None, Some(f), Some(t)) => Period::days(f, t)?,
        _ => bail!("give a period: --week 2026-W47, or --from YYYY-MM-DD --to YYYY-MM-DD"),
    };
    let format = match &args.format {
        Some(f) => parse_format(f)?,
        None => out
            .extension()
            .and_then(|e| Format::parse(&e.to_string_lossy()))
            .ok_or_else(|| anyhow::anyhow!("give --format csv|xlsx|json"))?,
    };
    let done = crate::cli::with_progress("exporting tickets", |report| {
        engine.export(&period, format, &out, report)
    })?;
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
