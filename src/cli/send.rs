//! `siphon reply`, `forward`, `compose`, `note` and `outbox`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use siphon::engine::{Effects, Engine, ForwardInput, NewInput, ReplyInput};
use siphon::send::outbox::{Item, State};

#[derive(Args, Debug)]
pub struct ReplyArgs {
    /// The ticket id (or a Message-ID it contains).
    ticket: String,
    /// The reply's text, from a file ("-" reads standard input).
    #[arg(
        long,
        conflicts_with = "template",
        required_unless_present = "template"
    )]
    body_file: Option<PathBuf>,
    /// A saved reply (see: siphon template list); its settings apply to the ticket.
    #[arg(long)]
    template: Option<String>,
    /// Reply to everyone on the message (the team's own addresses left out).
    #[arg(long)]
    all: bool,
    /// A file to attach (repeatable).
    #[arg(long = "attach")]
    attach: Vec<PathBuf>,
    /// Leave now, without the undo window.
    #[arg(long)]
    no_undo: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct ForwardArgs {
    ticket: String,
    /// Who to send it to (repeatable).
    #[arg(long, required = true)]
    to: Vec<String>,
    /// The Message-ID of the message to forward (default: the ticket's last).
    #[arg(long)]
    message: Option<String>,
    /// A few words above the forwarded message, from a file.
    #[arg(long)]
    body_file: Option<PathBuf>,
    #[arg(long)]
    no_undo: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct ComposeArgs {
    /// The account it is sent from.
    #[arg(long)]
    account: String,
    #[arg(long, required = true)]
    to: Vec<String>,
    #[arg(long)]
    cc: Vec<String>,
    #[arg(long)]
    subject: String,
    #[arg(long)]
    body_file: PathBuf,
    #[arg(long = "attach")]
    attach: Vec<PathBuf>,
    #[arg(long)]
    no_undo: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct OutboxArgs {
    #[command(subcommand)]
    command: Option<OutboxCommand>,
    /// A JSON array of {id, ticket, to, subject, state, attempts, last_error}.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum OutboxCommand {
    /// Send what is due now: queued messages past their undo window, and those waiting to
    /// retry (without waiting out their backoff).
    Flush {
        #[arg(long)]
        json: bool,
    },
    /// Cancel a message that has not left; what sending it did to the ticket is undone.
    Cancel { id: String },
    /// Send a failed or held message again.
    Retry { id: String },
}

fn read_body(path: &PathBuf) -> Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        return Ok(s);
    }
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// The fields `outbox --json` promises, plus a few more.
fn json_of(i: &Item) -> serde_json::Value {
    serde_json::json!({
        "id": i.id,
        "ticket": i.ticket,
        "to": i.to,
        "subject": i.subject,
        "state": i.state,
        "attempts": i.attempts,
        "last_error": i.last_error,
        "error_kind": i.error_kind,
        "message_id": i.message_id,
        "account": i.account,
        "due": siphon::engine::rfc3339(i.due),
    })
}

fn state_word(i: &Item) -> &'static str {
    match i.state {
        State::Queued if i.attempts > 0 => "retrying",
        State::Queued => "queued",
        State::Sending => "sending",
        State::Sent if !i.copied => "sent (Sent copy waits)",
        State::Sent => "sent",
        State::Failed => "failed",
        State::Held => "held: may have been sent",
    }
}

fn print_items(items: &[Item]) {
    for i in items {
        println!(
            "{}  {:<24} {}  to {}  \"{}\"",
            i.id,
            state_word(i),
            i.ticket
                .as_deref()
                .map(|t| format!("#{t}"))
                .unwrap_or_default(),
            i.to.join(", "),
            i.subject
        );
        if let Some(e) = &i.last_error {
            println!("    {e}");
        }
    }
}

/// Queues, then sends at once when there is no undo window; says what happened.
fn finish(engine: &mut Engine, item: Item, no_undo: bool, json: bool) -> Result<ExitCode> {
    let item = if no_undo {
        let changed = runtime()?.block_on(engine.outbox_flush(false))?;
        changed
            .into_iter()
            .find(|i| i.id == item.id)
            .unwrap_or(item)
    } else {
        item
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&json_of(&item))?);
    } else {
        match item.state {
            State::Queued if !no_undo => {
                let wait = item.due - chrono::Utc::now().timestamp();
                println!(
                    "Queued {} to {}: it leaves in {wait} s with the next `siphon outbox flush` \
                     (or the running app or `siphon watch`); undo with: siphon outbox cancel {}",
                    item.id,
                    item.to.join(", "),
                    item.id
                );
            }
            _ => print_items(std::slice::from_ref(&item)),
        }
    }
    Ok(match item.state {
        State::Failed | State::Held => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

pub fn reply(engine: &mut Engine, a: ReplyArgs) -> Result<ExitCode> {
    let (body, effects) = match (&a.body_file, &a.template) {
        (Some(f), None) => (read_body(f)?, Effects::default()),
        (None, Some(name)) => {
            let filled = engine.template_fill(&a.ticket, name)?;
            if !filled.unknown.is_empty() {
                bail!(
                    "the template \"{name}\" uses {}, which this Siphon does not know; fix it with: siphon template add",
                    filled.unknown.join(", ")
                );
            }
            if !filled.missing.is_empty() {
                bail!(
                    "the template \"{name}\" needs {} for this ticket, which Siphon does not know; \
                     write the reply yourself with --body-file (or set it: siphon me set …)",
                    filled.missing.join(", ")
                );
            }
            (filled.body.clone(), Effects::from(&filled.template))
        }
        _ => bail!("give --body-file FILE or --template NAME"),
    };
    let item = engine.reply(ReplyInput {
        ticket: a.ticket,
        body,
        all: a.all,
        attachments: a.attach,
        no_undo: a.no_undo,
        effects,
    })?;
    finish(engine, item, a.no_undo, a.json)
}

pub fn forward(engine: &mut Engine, a: ForwardArgs) -> Result<ExitCode> {
    let body = match &a.body_file {
        Some(f) => read_body(f)?,
        None => String::new(),
    };
    let item = engine.forward(ForwardInput {
        ticket: a.ticket,
        message_id: a.message,
        to: a.to,
        body,
        no_undo: a.no_undo,
    })?;
    finish(engine, item, a.no_undo, a.json)
}

pub fn compose(engine: &mut Engine, a: ComposeArgs) -> Result<ExitCode> {
    let item = engine.compose_new(NewInput {
        account: a.account,
        to: a.to,
        cc: a.cc,
        subject: a.subject,
        body: read_body(&a.body_file)?,
        attachments: a.attach,
        no_undo: a.no_undo,
    })?;
    finish(engine, item, a.no_undo, a.json)
}

pub fn note(engine: &mut Engine, ticket: &str, text: &str) -> Result<ExitCode> {
    let t = engine.note(ticket, text)?;
    println!("Noted on #{} (internal: never sent).", t.id);
    Ok(ExitCode::SUCCESS)
}

pub fn outbox(engine: &mut Engine, a: OutboxArgs) -> Result<ExitCode> {
    match a.command {
        None => {
            let items = engine.outbox()?;
            if a.json {
                let all: Vec<_> = items.iter().map(json_of).collect();
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else if items.is_empty() {
                println!("The outbox is empty.");
            } else {
                print_items(&items);
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(OutboxCommand::Flush { json }) => {
            let changed = runtime()?.block_on(engine.outbox_flush(true))?;
            if json {
                let all: Vec<_> = changed.iter().map(json_of).collect();
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else if changed.is_empty() {
                println!("Nothing was due.");
            } else {
                print_items(&changed);
            }
            let bad = changed
                .iter()
                .any(|i| matches!(i.state, State::Failed | State::Held));
            Ok(if bad {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Some(OutboxCommand::Cancel { id }) => {
            let item = engine.outbox_cancel(&id)?;
            println!(
                "Cancelled {}: \"{}\" will not be sent.",
                item.id, item.subject
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(OutboxCommand::Retry { id }) => {
            let item = engine.outbox_retry(&id)?;
            let changed = runtime()?.block_on(engine.outbox_flush(false))?;
            let item = changed
                .into_iter()
                .find(|i| i.id == item.id)
                .unwrap_or(item);
            print_items(std::slice::from_ref(&item));
            Ok(match item.state {
                State::Failed | State::Held => ExitCode::from(1),
                _ => ExitCode::SUCCESS,
            })
        }
    }
}
