//! `siphon tickets`, `siphon ticket …`, `siphon me set` and `siphon reindex`.

use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use siphon::engine::edit::{parse_kind, parse_priority};
use siphon::engine::{EditInput, Engine, TicketDetail, TicketView};
use siphon::ticket::build::Shown;
use siphon::ticket::index::{Query, Sort, View};
use siphon::ticket::op::{Kind, Priority};

#[derive(Args, Debug)]
pub struct ListArgs {
    /// open, mine, unassigned, pending, snoozed, closed, bugs, features, questions, not-tickets
    #[arg(long, value_parser = parse_view)]
    view: Option<View>,
    /// open, pending, snoozed or closed
    #[arg(long, value_parser = parse_shown)]
    status: Option<Shown>,
    /// An address, "me", or "none" for unassigned.
    #[arg(long)]
    assignee: Option<String>,
    #[arg(long)]
    tag: Option<String>,
    /// bug, feature, question or other
    #[arg(long, value_parser = parse_kind)]
    kind: Option<Kind>,
    /// urgent, high, normal or low
    #[arg(long, value_parser = parse_priority)]
    priority: Option<Priority>,
    #[arg(long)]
    customer: Option<String>,
    #[arg(long)]
    account: Option<String>,
    /// activity (last activity, newest first) or created
    #[arg(long, default_value = "activity", value_parser = parse_sort)]
    sort: Sort,
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Every ticket in every status (not-tickets too), no limit.
    #[arg(long)]
    all: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
pub enum TicketCommand {
    /// A ticket's messages in order, its state, notes and history (marks it read for you).
    Show {
        /// The ticket id from `siphon tickets`, or a Message-ID it contains.
        id: String,
        #[arg(long)]
        json: bool,
        /// Leave it unread.
        #[arg(long)]
        keep_unread: bool,
    },
    /// Change a ticket: status, snooze, assignee, tags, kind, priority, impact, a note.
    Set(SetArgs),
    /// Merge ticket ID into ticket INTO_ID (undo with `siphon ticket undo OP`).
    Merge { id: String, into_id: String },
    /// Move one message into a ticket of its own (undo with `siphon ticket undo OP`).
    Split { message_id: String },
    /// Undo a merge or a split by its op id (shown by merge/split and in `ticket show`).
    Undo { op: String },
}

#[derive(Args, Debug)]
pub struct SetArgs {
    id: String,
    /// open, pending or closed
    #[arg(long)]
    status: Option<String>,
    /// RFC 3339, YYYY-MM-DD (08:00 local), or from now: 30m, 4h, 2d, 1w; "none" wakes it.
    #[arg(long)]
    snooze_until: Option<String>,
    /// An address, or "me".
    #[arg(long, conflicts_with = "unassign")]
    assign: Option<String>,
    #[arg(long)]
    unassign: bool,
    /// +name adds, -name removes (repeatable); a bare name adds.
    #[arg(long, allow_hyphen_values = true)]
    tag: Vec<String>,
    /// bug, feature, question, other, or none
    #[arg(long)]
    kind: Option<String>,
    /// urgent, high, normal, low, or none
    #[arg(long)]
    priority: Option<String>,
    /// must-have, nice-to-have, or none
    #[arg(long)]
    impact: Option<String>,
    /// An internal note (never sent).
    #[arg(long)]
    note: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
pub enum MeCommand {
    /// Who you are: the name and address your changes are recorded under.
    Set {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// Your signature under every reply, from a file (an empty file removes it).
        #[arg(long)]
        signature_file: Option<std::path::PathBuf>,
    },
    /// Print who you are.
    Show,
}

#[derive(Subcommand, Debug)]
pub enum TeamCommand {
    /// Change a setting: reply_makes_pending true|false (a team reply makes an open ticket
    /// pending; default true).
    Set { name: String, value: String },
    /// Print the settings in force.
    Show,
}

fn parse_view(s: &str) -> std::result::Result<View, String> {
    View::parse(s).ok_or_else(|| {
        let names: Vec<&str> = View::ALL.iter().map(|v| v.name()).collect();
        format!("unknown view \"{s}\"; one of: {}", names.join(", "))
    })
}

fn parse_shown(s: &str) -> std::result::Result<Shown, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "open" => Ok(Shown::Open),
        "pending" => Ok(Shown::Pending),
        "snoozed" => Ok(Shown::Snoozed),
        "closed" => Ok(Shown::Closed),
        _ => Err(format!(
            "unknown status \"{s}\"; one of: open, pending, snoozed, closed"
        )),
    }
}

fn parse_sort(s: &str) -> std::result::Result<Sort, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "activity" => Ok(Sort::Activity),
        "created" => Ok(Sort::Created),
        _ => Err(format!("unknown sort \"{s}\"; one of: activity, created")),
    }
}

pub fn list(engine: &mut Engine, a: ListArgs) -> Result<ExitCode> {
    let me = engine.me()?.map(|m| m.email);
    let assignee = match a.assignee.as_deref().map(str::trim) {
        Some("none") => Some(String::new()),
        Some("me") => match &me {
            Some(m) => Some(m.clone()),
            None => bail!(
                "\"me\" needs to know who you are; run: siphon me set --name NAME --email ADDRESS"
            ),
        },
        Some(x) => Some(x.to_string()),
        None => None,
    };
    let q = Query {
        view: a.view,
        status: a.status,
        assignee,
        tag: a.tag,
        kind: a.kind,
        priority: a.priority,
        customer: a.customer,
        organisation: None,
        account: a.account,
        sort: a.sort,
        limit: (!a.all).then_some(a.limit),
        all: a.all,
    };
    let views = engine.ticket_views(&q)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&views)?);
        return Ok(ExitCode::SUCCESS);
    }
    if views.is_empty() {
        println!("No tickets.");
    }
    for t in &views {
        print_line(t);
    }
    Ok(ExitCode::SUCCESS)
}

fn status_word(s: Shown) -> &'static str {
    match s {
        Shown::Open => "open",
        Shown::Pending => "pending",
        Shown::Snoozed => "snoozed",
        Shown::Closed => "closed",
    }
}

fn print_line(t: &TicketView) {
    let mut badges = Vec::new();
    if let Some(k) = t.kind {
        badges.push(siphon::ticket::index::kind_name(k).to_string());
    }
    if let Some(p) = t.priority {
        badges.push(siphon::ticket::index::priority_name(p).to_string());
    }
    badges.extend(t.tags.iter().map(|x| format!("#{x}")));
    println!(
        "{}{:<8} {:<8} {:<16} {:<28} {}{}{}",
        if t.unread { "*" } else { " " },
        t.id,
        status_word(t.status),
        &t.last_activity[..t.last_activity.len().min(16)],
        clip(t.customer.as_deref().unwrap_or("-"), 28),
        clip(&t.subject, 60),
        if badges.is_empty() {
            String::new()
        } else {
            format!("  [{}]", badges.join(" "))
        },
        t.assignee
            .as_deref()
            .map(|a| format!("  → {a}"))
            .unwrap_or_default(),
    );
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

pub fn run(engine: &mut Engine, cmd: TicketCommand) -> Result<ExitCode> {
    match cmd {
        TicketCommand::Show {
            id,
            json,
            keep_unread,
        } => {
            let d = engine.ticket(&id, !keep_unread)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&d)?);
            } else {
                print_detail(&d);
            }
        }
        TicketCommand::Set(a) => {
            let (mut tags_add, mut tags_remove) = (Vec::new(), Vec::new());
            for t in a.tag {
                let t = t.trim();
                match (t.strip_prefix('+'), t.strip_prefix('-')) {
                    (Some(x), _) => tags_add.push(x.trim().to_string()),
                    (_, Some(x)) => tags_remove.push(x.trim().to_string()),
                    _ => tags_add.push(t.to_string()),
                }
            }
            if tags_add.iter().chain(&tags_remove).any(|t| t.is_empty()) {
                bail!("a tag needs a name: --tag +name or --tag -name");
            }
            let input = EditInput {
                status: a.status,
                snooze: a.snooze_until,
                assign: if a.unassign {
                    Some(String::new())
                } else {
                    a.assign
                },
                tags_add,
                tags_remove,
                kind: a.kind,
                priority: a.priority,
                impact: a.impact,
                note: a.note,
            };
            let edit = engine.edit_from(&input)?;
            let t = engine.ticket_set(&a.id, edit)?;
            let view = TicketView::from(&t);
            if a.json {
                println!("{}", serde_json::to_string_pretty(&view)?);
            } else {
                print_line(&view);
            }
        }
        TicketCommand::Merge { id, into_id } => {
            let (t, op) = engine.ticket_merge(&id, &into_id)?;
            println!(
                "Merged {id} into {} ({} messages). Undo with: siphon ticket undo {op}",
                t.id,
                t.message_ids.len()
            );
        }
        TicketCommand::Split { message_id } => {
            let (t, op) = engine.ticket_split(&message_id)?;
            println!(
                "Split into ticket {}. Undo with: siphon ticket undo {op}",
                t.id
            );
        }
        TicketCommand::Undo { op } => {
            engine.ticket_undo(&op)?;
            println!("Undone.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_detail(d: &TicketDetail) {
    let t = &d.ticket;
    println!("Ticket {}: {}", t.id, t.subject);
    println!(
        "Status: {}{}   Customer: {}   Assignee: {}",
        status_word(t.status),
        t.snoozed_until
            .as_deref()
            .map(|s| format!(" until {s}"))
            .unwrap_or_default(),
        t.customer.as_deref().unwrap_or("-"),
        t.assignee.as_deref().unwrap_or("nobody"),
    );
    let kind = t.kind.map(siphon::ticket::index::kind_name).unwrap_or("-");
    let prio = t
        .priority
        .map(siphon::ticket::index::priority_name)
        .unwrap_or("-");
    println!(
        "Kind: {kind}   Priority: {prio}   Tags: {}",
        if t.tags.is_empty() {
            "-".to_string()
        } else {
            t.tags.join(", ")
        }
    );
    for m in &d.messages {
        println!(
            "\n── {} {} {}{}",
            &m.date,
            if m.team { "team" } else { "customer" },
            m.from,
            if m.automated { " (automated)" } else { "" }
        );
        println!("   <{}> {}", m.message_id, m.subject);
        if !m.snippet.is_empty() {
            println!("   {}", m.snippet);
        }
        for a in &m.attachments {
            println!("   📎 {a}");
        }
    }
    for o in &d.outgoing {
        let state = match o.state {
            siphon::send::outbox::State::Queued => "queued",
            siphon::send::outbox::State::Sending => "sending",
            siphon::send::outbox::State::Sent => "sent",
            siphon::send::outbox::State::Failed => "FAILED",
            siphon::send::outbox::State::Held => "HELD (may have been sent)",
        };
        println!("\n── outbox {} [{state}] to {}", o.id, o.to.join(", "));
        println!("   <{}> {}", o.message_id, o.subject);
        if let Some(e) = &o.last_error {
            println!("   {e}");
        }
    }
    if !d.notes.is_empty() {
        println!("\nNotes:");
        for n in &d.notes {
            println!("  {} {}: {}", n.at, n.actor, n.text);
        }
    }
    if !d.history.is_empty() {
        println!("\nHistory:");
        for h in &d.history {
            println!("  {} {} {}  (op {})", h.at, h.actor, h.what, h.op);
        }
    }
}

pub fn me(engine: &mut Engine, cmd: MeCommand) -> Result<ExitCode> {
    match cmd {
        MeCommand::Set {
            name,
            email,
            signature_file,
        } => {
            engine.me_set(&name, &email)?;
            if let Some(f) = signature_file {
                let text = std::fs::read_to_string(&f)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", f.display()))?;
                engine.me_signature_set(&text)?;
            }
            println!("You are {name} <{}>.", email.trim().to_ascii_lowercase());
        }
        MeCommand::Show => match engine.me()? {
            Some(m) => {
                println!("{} <{}>", m.name, m.email);
                if let Some(sig) = &m.signature {
                    println!("-- \n{sig}");
                }
            }
            None => println!("Not set; run: siphon me set --name NAME --email ADDRESS"),
        },
    }
    Ok(ExitCode::SUCCESS)
}

pub fn team(engine: &mut Engine, cmd: TeamCommand) -> Result<ExitCode> {
    match cmd {
        TeamCommand::Set { name, value } => {
            engine.setting_set(&name, &value)?;
            println!("{name} = {}", value.trim());
        }
        TeamCommand::Show => {
            let s = engine.settings()?;
            println!("reply_makes_pending = {}", s.reply_makes_pending);
            match s.archive_before {
                Some(t) => println!(
                    "archive_before = {} (conversations quiet since then arrived closed)",
                    siphon::engine::rfc3339(t)
                ),
                None => println!("archive_before = (not yet: set by the first sync)"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn reindex(engine: &mut Engine, json: bool) -> Result<ExitCode> {
    let r = engine.reindex()?;
    let started = std::time::Instant::now();
    let indexed =
        crate::cli::with_progress("indexing messages", |report| engine.reindex_search(report))?;
    let search_seconds = started.elapsed().as_secs_f64();
    if json {
        println!(
            "{}",
            serde_json::json!({
                "messages": r.messages,
                "tickets": r.tickets,
                "seconds": r.seconds,
                "indexed": indexed,
                "search_seconds": search_seconds,
            })
        );
    } else {
        println!(
            "Rebuilt {} tickets from {} messages in {:.2} s; indexed {indexed} messages for search in {search_seconds:.2} s.",
            r.tickets, r.messages, r.seconds
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `siphon search`.
pub fn search(
    engine: &mut Engine,
    query: &str,
    limit: usize,
    by_date: bool,
    json: bool,
) -> Result<ExitCode> {
    let hits = engine.search(query, limit, by_date)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&hits)?);
        return Ok(ExitCode::SUCCESS);
    }
    if hits.is_empty() {
        println!("Nothing found.");
    }
    for h in &hits {
        println!(
            "{:<8} {:<8} {}",
            h.id,
            status_word(h.status),
            clip(&h.subject, 70)
        );
        if !h.snippet.is_empty() {
            println!("         {}", clip(&h.snippet.replace('\n', " "), 100));
        }
    }
    Ok(ExitCode::SUCCESS)
}
