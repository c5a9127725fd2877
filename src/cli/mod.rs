//! Command-line parsing and dispatch. Every listing takes `--json`; long work shows a progress bar
//! on a terminal and stays quiet in a pipe.

mod account;
mod export;
mod send;
mod sync;
mod template;
mod tickets;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use siphon::engine::{Engine, Paths};

#[derive(Parser, Debug)]
#[command(
    name = "siphon",
    version,
    about = "Siphon: a shared inbox for small support teams"
)]
pub struct Cli {
    /// Workspace directory (config and data); default: the platform's config and data dirs.
    #[arg(long, global = true, env = "SIPHON_DATA_DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Add, change, list or remove accounts.
    #[command(subcommand)]
    Account(account::AccountCommand),
    /// One sync pass over every account (or one): full the first time, incremental after.
    Sync {
        #[arg(long)]
        account: Option<String>,
    },
    /// Stay current (IDLE on INBOX, polling other folders) until interrupted.
    Watch {
        /// Seconds between polls of folders other than INBOX.
        #[arg(long, default_value_t = 60)]
        poll: u64,
    },
    /// Per account and folder: messages, last sync, errors; messages kept unparsed.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Show one message.
    #[command(subcommand)]
    Message(MessageCommand),
    /// List tickets: a view (default Open) or filters, newest activity first.
    Tickets(tickets::ListArgs),
    /// Show or change one ticket; merge and split.
    #[command(subcommand)]
    Ticket(tickets::TicketCommand),
    /// Who you are (the actor of your changes).
    #[command(subcommand)]
    Me(tickets::MeCommand),
    /// Team settings, shared by every teammate's machine.
    #[command(subcommand)]
    Team(tickets::TeamCommand),
    /// Templates (saved replies): add (or replace), list, show, remove.
    #[command(subcommand)]
    Template(template::TemplateCommand),
    /// Search every ticket: words, "phrases", -word, OR, (groups), from: to: cc: subject: body:
    /// tag: status: kind: priority: assignee: account: customer: org: is:unread is:mine
    /// has:attachment before: after: (YYYY-MM-DD or 7d, 2w, 3m, 1y).
    Search {
        /// The query (it may start with "-": `siphon search -tag:spam invoice`).
        #[arg(allow_hyphen_values = true)]
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// relevance or date (newest first)
        #[arg(long, default_value = "relevance")]
        sort: String,
        #[arg(long)]
        json: bool,
    },
    /// Reply to a ticket's last customer message, through the outbox (undo window first).
    Reply(send::ReplyArgs),
    /// Forward one of a ticket's messages to someone, attached whole.
    Forward(send::ForwardArgs),
    /// Start a new conversation from an account.
    Compose(send::ComposeArgs),
    /// Add an internal note to a ticket (never sent).
    Note { ticket: String, text: String },
    /// What is waiting to leave, failed or held; flush, cancel or retry.
    Outbox(send::OutboxArgs),
    /// Export a period's tickets and KPIs: --week 2026-W47 or --from DATE --to DATE,
    /// --format csv|xlsx|json, --out PATH; `export schedule` sets the weekly export,
    /// `export run-scheduled` writes it when due.
    Export(export::ExportArgs),
    /// Rebuild everything derived (tickets, the search index) from the raw mail, sync state and
    /// the op log.
    Reindex {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum MessageCommand {
    /// Show a message by Message-ID.
    Show {
        message_id: String,
        /// Print the raw RFC 822 bytes.
        #[arg(long)]
        raw: bool,
        #[arg(long)]
        json: bool,
    },
}

/// Runs `work` with a progress bar on stderr (when it is a terminal) labelled `what`: `work`
/// reports `(done, total)` through the callback it is given; the bar is cleared at the end.
pub fn with_progress<T>(what: &str, work: impl FnOnce(&dyn Fn(usize, usize)) -> T) -> T {
    let bar = progress(what);
    let out = work(&|done, total| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    out
}

/// A progress bar on a terminal; `None` in a pipe.
fn progress(what: &str) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:24} [{bar:30}] {human_pos}/{human_len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_string());
    Some(bar)
}

fn owner(cmd: &Command) -> &'static str {
    match cmd {
        Command::Watch { .. } => "siphon watch",
        Command::Sync { .. } => "siphon sync",
        _ => "siphon",
    }
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let paths = Paths::resolve(cli.data_dir)?;
    let mut engine = Engine::new(paths, owner(&cli.command));
    match cli.command {
        Command::Account(cmd) => account::run(&mut engine, cmd),
        Command::Sync { account } => sync::sync(&mut engine, account.as_deref()),
        Command::Watch { poll } => sync::watch(&mut engine, poll),
        Command::Status { json } => status(&mut engine, json),
        Command::Message(MessageCommand::Show {
            message_id,
            raw,
            json,
        }) => show_message(&mut engine, &message_id, raw, json),
        Command::Tickets(args) => tickets::list(&mut engine, args),
        Command::Ticket(cmd) => tickets::run(&mut engine, cmd),
        Command::Me(cmd) => tickets::me(&mut engine, cmd),
        Command::Team(cmd) => tickets::team(&mut engine, cmd),
        Command::Template(cmd) => template::run(&mut engine, cmd),
        Command::Reindex { json } => tickets::reindex(&mut engine, json),
        Command::Export(args) => export::run(&mut engine, args),
        Command::Reply(args) => send::reply(&mut engine, args),
        Command::Forward(args) => send::forward(&mut engine, args),
        Command::Compose(args) => send::compose(&mut engine, args),
        Command::Note { ticket, text } => send::note(&mut engine, &ticket, &text),
        Command::Outbox(args) => send::outbox(&mut engine, args),
        Command::Search {
            query,
            limit,
            sort,
            json,
        } => {
            let by_date = match sort.as_str() {
                "relevance" => false,
                "date" => true,
                other => anyhow::bail!("unknown sort \"{other}\"; one of: relevance, date"),
            };
            tickets::search(&mut engine, &query, limit, by_date, json)
        }
    }
}

fn status(engine: &mut Engine, json: bool) -> Result<ExitCode> {
    let status = engine.status()?;
    if json {
        println!("{}", serde_json::to_string_pretty(&status)?);
        return Ok(ExitCode::SUCCESS);
    }
    if status.accounts.is_empty() {
        println!(
            "No accounts. Add one with: siphon account add NAME --email ADDR --imap-host HOST …"
        );
    }
    for a in &status.accounts {
        println!("{} <{}>", a.name, a.email);
        if a.folders.is_empty() {
            println!("  (not synced yet: run siphon sync)");
        }
        for f in &a.folders {
            let when = f.last_sync.as_deref().unwrap_or("never");
            println!(
                "  {:<24} {:>8} messages   last sync {when}",
                f.name, f.messages
            );
            for e in &f.errors {
                println!("    error: {e}");
            }
        }
    }
    if !status.unparsed.is_empty() {
        println!(
            "\n{} message(s) could not be parsed (kept raw):",
            status.unparsed.len()
        );
        for u in &status.unparsed {
            println!(
                "  <{}> at {}: {}",
                u.message_id,
                u.locations.join(", "),
                u.problems.join("; ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show_message(engine: &mut Engine, id: &str, raw: bool, json: bool) -> Result<ExitCode> {
    let (view, bytes) = engine.message(id)?;
    if raw {
        std::io::stdout().write_all(&bytes)?;
        return Ok(ExitCode::SUCCESS);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(ExitCode::SUCCESS);
    }
    let r = &view.record;
    let addrs = siphon::store::Addr::list;
    println!(
        "Message-ID: <{}>{}",
        r.message_id,
        if r.synthetic_id { " (derived)" } else { "" }
    );
    println!("Date:       {}", siphon::engine::rfc3339(r.date));
    println!("From:       {}", addrs(&r.from));
    println!("To:         {}", addrs(&r.to));
    if !r.cc.is_empty() {
        println!("Cc:         {}", addrs(&r.cc));
    }
    println!("Subject:    {}", r.subject);
    println!("In:         {}", view.locations.join(", "));
    for a in &r.attachments {
        println!("Attachment: {} ({}, {} bytes)", a.name, a.mime, a.size);
    }
    for p in &r.problems {
        println!("Problem:    {p}");
    }
    println!("\n{}", view.text);
    Ok(ExitCode::SUCCESS)
}
