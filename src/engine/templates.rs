//! Templates through the façade: the team's saved replies, kept as ops in the same log, with
//! the same clock and actor, as ticket changes (see [`crate::send::template`]), and filled in
//! for a ticket from its mail, the person using Siphon and the ticket's mailbox.
//!
//! Template ops touch no ticket: they name no message, so threading, the ticket fold and the
//! index never see them, and no ticket is rebuilt after one.

use super::{Engine, Error, Result};
use crate::send::template::{self, Filled, Template, Values};
use crate::store::{Addr, Row};
use crate::ticket::op::{Change, Target};

fn no_template(name: &str) -> Error {
    Error::Usage(format!(
        "no template named \"{}\"; see siphon template list",
        name.trim()
    ))
}

/// The customer's display name, as their mail gives it: the From of their messages first (in
/// date order), then how the team's replies addressed them.
fn display_name(rows: &[Row], email: &str) -> Option<String> {
    let named = |a: &&Addr| {
        a.email.eq_ignore_ascii_case(email)
            && a.name.as_deref().is_some_and(|n| !n.trim().is_empty())
    };
    let mut rows: Vec<&Row> = rows.iter().collect();
    rows.sort_by_key(|r| (r.record.date, r.hash));
    rows.iter()
        .flat_map(|r| &r.record.from)
        .find(named)
        .or_else(|| {
            rows.iter()
                .flat_map(|r| r.record.to.iter().chain(&r.record.cc))
                .find(named)
        })
        .and_then(|a| a.name.clone())
}

impl Engine {
    /// The team's templates, by name: the starters (unless replaced or removed) and every one
    /// saved.
    pub fn templates(&mut self) -> Result<Vec<Template>> {
        Ok(template::fold(&self.ops()?))
    }

    /// One template, by name (without regard to case or surrounding spaces).
    pub fn template(&mut self, name: &str) -> Result<Template> {
        let all = self.templates()?;
        template::find(&all, name)
            .cloned()
            .ok_or_else(|| no_template(name))
    }

    /// Saves a template under its name, replacing any template of that name (a starter's
    /// included). Refuses a blank name or one with control characters, an empty body, and a
    /// variable that does not exist (the error lists those that do).
    pub fn template_save(&mut self, template: Template) -> Result<()> {
        let t = template.validated()?;
        let actor = self.actor()?;
        let op = self.op(
            Target::Template(t.name.clone()),
            &actor,
            Change::Template {
                template: Some(t.to_body()),
            },
        )?;
        self.record(vec![op])
    }

    /// Removes a template (a starter stays removed).
    pub fn template_remove(&mut self, name: &str) -> Result<()> {
        let t = self.template(name)?;
        let actor = self.actor()?;
        let op = self.op(
            Target::Template(t.name),
            &actor,
            Change::Template { template: None },
        )?;
        self.record(vec![op])
    }

    /// Template `name` filled in for ticket `ticket_id` (an id from `siphon tickets`, or a
    /// Message-ID it contains): the customer from the ticket's mail, the agent from `me` (missing
    /// when it is not set), the mailbox's display name (else its name). Nothing is recorded: the
    /// template's status, kind and tags apply when the reply is sent.
    pub fn template_fill(&mut self, ticket_id: &str, name: &str) -> Result<Filled> {
        let template = self.template(name)?;
        let ticket = self.find_ticket(ticket_id)?;
        let rows = self.store()?.rows_for(&ticket.hashes)?;
        let config = self.config()?;
        let account = ticket
            .accounts
            .iter()
            .find_map(|a| config.get(a).ok())
            .map(|a| {
                if a.display_name.trim().is_empty() {
                    a.name.clone()
                } else {
                    a.display_name.clone()
                }
            });
        let values = Values {
            customer_name: ticket
                .customer
                .as_deref()
                .and_then(|c| display_name(&rows, c)),
            customer_email: ticket.customer.clone(),
            ticket_id: Some(ticket.id.clone()),
            ticket_subject: Some(ticket.subject.clone()),
            agent_name: config.me.as_ref().map(|m| m.name.clone()),
            agent_email: config.me.as_ref().map(|m| m.email.clone()),
            account_name: account,
        };
        Ok(template::fill(&template, &values))
    }
}
