//! `siphon template …`: the team's saved replies.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use siphon::engine::edit::{parse_kind, parse_status};
use siphon::engine::{Engine, Template};
use siphon::ticket::index::kind_name;
use siphon::ticket::op::{Kind, Status};

#[derive(Subcommand, Debug)]
pub enum TemplateCommand {
    /// Save a template. A NAME that exists (a starter's included, in any case) is replaced.
    ///
    /// The body and subject may use {{customer.first_name}}, {{customer.name}},
    /// {{customer.email}}, {{ticket.id}}, {{ticket.subject}}, {{agent.name}},
    /// {{agent.first_name}}, {{agent.email}} and {{account.name}} (the mailbox's display name).
    /// A value that is unknown when the template is used is shown as {{name}} for you to fill
    /// in, never sent.
    Add {
        /// The template's name (quoted when it has spaces: "Refund sent").
        name: String,
        /// A file holding the body ("-" reads standard input).
        #[arg(long)]
        body_file: PathBuf,
        /// A subject line for a new message; without one, a reply keeps the ticket's.
        #[arg(long)]
        subject: Option<String>,
        /// The status the ticket takes when the template is used: open, pending or closed.
        #[arg(long, value_parser = parse_status)]
        set_status: Option<Status>,
        /// The kind the ticket takes when the template is used: bug, feature, question, other.
        #[arg(long, value_parser = parse_kind)]
        set_kind: Option<Kind>,
        /// A tag the ticket gets when the template is used (repeatable).
        #[arg(long)]
        tag: Vec<String>,
    },
    /// List the templates (the starters, unless replaced or removed, and the team's own).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Print one template.
    Show {
        /// The template's name, in any case.
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove a template (a starter stays removed).
    Rm {
        /// The template's name, in any case.
        name: String,
    },
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Open => "open",
        Status::Pending => "pending",
        Status::Closed => "closed",
    }
}

/// "sets kind bug, status pending, tags a, b", or nothing.
fn effects(t: &Template) -> String {
    let mut parts = Vec::new();
    if let Some(k) = t.set_kind {
        parts.push(format!("kind {}", kind_name(k)));
    }
    if let Some(s) = t.set_status {
        parts.push(format!("status {}", status_name(s)));
    }
    if !t.tags.is_empty() {
        parts.push(format!("tags {}", t.tags.join(", ")));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("sets {}", parts.join(", "))
    }
}

fn read_body(path: &PathBuf) -> Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the body from standard input")?;
        return Ok(s);
    }
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

pub fn run(engine: &mut Engine, cmd: TemplateCommand) -> Result<ExitCode> {
    match cmd {
        TemplateCommand::Add {
            name,
            body_file,
            subject,
            set_status,
            set_kind,
            tag,
        } => {
            let body = read_body(&body_file)?;
            let replaced = engine.template(&name).is_ok();
            engine.template_save(Template {
                name: name.clone(),
                subject,
                body,
                set_status,
                set_kind,
                tags: tag,
            })?;
            let saved = engine.template(&name)?;
            println!(
                "{} the template \"{}\".",
                if replaced { "Replaced" } else { "Saved" },
                saved.name
            );
        }
        TemplateCommand::List { json } => {
            let all = engine.templates()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
                return Ok(ExitCode::SUCCESS);
            }
            if all.is_empty() {
                println!("No templates. Add one with: siphon template add NAME --body-file FILE");
            }
            let width = all
                .iter()
                .map(|t| t.name.chars().count())
                .max()
                .unwrap_or(0);
            for t in &all {
                let first = gist(&t.body);
                let effects = effects(t);
                println!(
                    "{:<width$}  {}{}",
                    t.name,
                    clip(&first, 50),
                    if effects.is_empty() {
                        String::new()
                    } else {
                        format!("  [{effects}]")
                    }
                );
            }
        }
        TemplateCommand::Show { name, json } => {
            let t = engine.template(&name)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&t)?);
                return Ok(ExitCode::SUCCESS);
            }
            println!("Template: {}", t.name);
            println!(
                "Subject:  {}",
                t.subject.as_deref().unwrap_or("(the ticket's, in a reply)")
            );
            let effects = effects(&t);
            println!(
                "When used: {}",
                if effects.is_empty() {
                    "changes nothing on the ticket"
                } else {
                    &effects
                }
            );
            println!("\n{}", t.body.trim_end());
        }
        TemplateCommand::Rm { name } => {
            let t = engine.template(&name)?;
            engine.template_remove(&name)?;
            println!("Removed the template \"{}\".", t.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The start of a body, on one line, past its greeting ("Hi {{customer.first_name}},").
fn gist(body: &str) -> String {
    let mut lines = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .peekable();
    if lines.peek().is_some_and(|l| l.ends_with(',')) {
        lines.next();
    }
    lines.collect::<Vec<_>>().join(" ")
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}
