//! KPIs (pure): per ticket from its [`Timeline`], per period from every ticket's.
//!
//! Definitions, so a manager can check a figure by hand:
//! - **first response**: from the first customer message to the first team message after it.
//! - **resolution**: from creation to the last close by a person, while the ticket is closed (a
//!   conversation the first sync's cutoff closed has none).
//! - **replies before resolution** ("actions before resolution"): team messages (not automated)
//!   up to the resolution.
//! - **first-contact resolution**: resolved, with exactly one team reply before it and never
//!   reopened.
//! - **reopens**: times it left the closed state (a customer wrote again, or someone reopened it).
//! - **agent**: who is credited with the ticket. The author of its last team reply when that
//!   address is a teammate's own (someone who has made an op: a person, not a shared mailbox);
//!   else the person who last closed it; else that last reply's author (a shared address such as
//!   support@). So a team that replies from support@ still sees who closed what.
//! - per period `[start, end)`: **created** in it, **closed** by a person in it, **open at end**
//!   (the backlog: created before the end and not closed then), **active** (created, had a
//!   message, or changed status in it). Response times count tickets first answered in the
//!   period; resolution times count tickets resolved in it.
//! - **median** and **p90** interpolate between ranks like a spreadsheet's `PERCENTILE.INC`.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::calendar::Business;
use super::timeline::Timeline;
use crate::ticket::build::{Cause, Shown, Ticket};
use crate::ticket::index::{kind_name, priority_name};

/// An interval with its length in calendar and in business seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    pub from: i64,
    pub to: i64,
    pub secs: i64,
    pub business_secs: i64,
}

impl Span {
    fn new(from: i64, to: i64, business: &dyn Business) -> Span {
        Span {
            from,
            to,
            secs: to - from,
            business_secs: business.business_secs(from, to),
        }
    }
}

/// One ticket's KPIs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketMetrics {
    pub created: i64,
    pub first_response: Option<Span>,
    pub resolution: Option<Span>,
    /// `None` while unresolved.
    pub replies_before_resolution: Option<u32>,
    pub first_contact_resolution: bool,
    pub reopens: u32,
    pub agent: Option<String>,
}

/// A ticket's KPIs. `people`: the teammates' own addresses (everyone who has made an op).
pub fn ticket_metrics(
    t: &Timeline,
    business: &dyn Business,
    people: &HashSet<String>,
) -> TicketMetrics {
    let first_response = t
        .first_customer
        .zip(t.first_reply)
        .map(|(a, b)| Span::new(a, b, business));
    let resolution = t.resolved_at.map(|r| Span::new(t.created, r, business));
    let replies = |upto: i64| {
        t.messages
            .iter()
            .filter(|m| m.team && !m.automated && m.at <= upto)
            .count() as u32
    };
    let replies_before_resolution = t.resolved_at.map(replies);
    let reopens = t.reopens().count() as u32;
    let last_reply = t
        .messages
        .iter()
        .rev()
        .find(|m| m.team && !m.automated && !m.author.is_empty())
        .map(|m| m.author.clone());
    let closer = t
        .transitions
        .iter()
        .rev()
        .filter(|x| x.to == Shown::Closed)
        .find_map(|x| match &x.cause {
            Cause::Op { actor } => Some(actor.clone()),
            _ => None,
        });
    let agent = match last_reply {
        Some(a) if people.contains(&a) => Some(a),
        other => closer.or(other),
    };
    TicketMetrics {
        created: t.created,
        first_response,
        resolution,
        first_contact_resolution: resolution.is_some()
            && replies_before_resolution == Some(1)
            && reopens == 0,
        replies_before_resolution,
        reopens,
        agent,
    }
}

/// One ticket as the period metrics see it.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub ticket: &'a Ticket,
    pub timeline: &'a Timeline,
    pub metrics: &'a TicketMetrics,
}

/// Ticket counts of a period (or of one value of a dimension in it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub active: u32,
    pub created: u32,
    pub closed: u32,
    /// The backlog: created before the end, not closed at the end.
    pub open_at_end: u32,
}

/// A distribution of durations, in hours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Times {
    pub count: u32,
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    pub median_business_hours: Option<f64>,
    pub p90_business_hours: Option<f64>,
}

/// A value of a dimension (a kind, a tag, an agent …) and its counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    pub name: String,
    pub counts: Counts,
}

/// A name and how many tickets have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ranked {
    pub name: String,
    pub tickets: u32,
}

/// A period's KPIs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PeriodMetrics {
    pub totals: Counts,
    pub first_response: Times,
    pub resolution: Times,
    /// Resolved in the period at first contact.
    pub first_contact_resolutions: u32,
    /// Tickets reopened in the period.
    pub reopened: u32,
    pub by_kind: Vec<Group>,
    pub by_priority: Vec<Group>,
    pub by_tag: Vec<Group>,
    pub by_account: Vec<Group>,
    pub by_agent: Vec<Group>,
    /// Organisations with the most active tickets (at most [`TOP`]).
    pub top_organisations: Vec<Ranked>,
    /// Tags on two or more active tickets, most first (at most [`TOP`]).
    pub recurring_tags: Vec<Ranked>,
}

/// How many top organisations and recurring tags a period lists.
pub const TOP: usize = 10;

/// The value a ticket without one is counted under.
pub const NONE: &str = "none";

/// One ticket's counts in `[start, end)`.
fn counts_of(e: &Entry, start: i64, end: i64) -> Counts {
    let t = e.timeline;
    let flag = |b: bool| u32::from(b);
    Counts {
        active: flag(t.active_in(start, end)),
        created: flag(start <= t.created && t.created < end),
        closed: flag(t.closed_in(start, end)),
        open_at_end: flag(t.shown_before(end).is_some_and(|s| s != Shown::Closed)),
    }
}

fn add(a: &mut Counts, b: Counts) {
    a.active += b.active;
    a.created += b.created;
    a.closed += b.closed;
    a.open_at_end += b.open_at_end;
}

/// The `p`-th percentile (0–100) of sorted values, interpolated between ranks.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = p / 100.0 * last as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    let (a, b) = (sorted[lo.min(last)], sorted[hi.min(last)]);
    Some(a + (b - a) * (rank - lo as f64))
}

fn times(spans: &[Span]) -> Times {
    let hours = |f: fn(&Span) -> i64| {
        let mut v: Vec<f64> = spans.iter().map(|s| f(s) as f64 / 3600.0).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let (cal, bus) = (hours(|s| s.secs), hours(|s| s.business_secs));
    Times {
        count: spans.len() as u32,
        median_hours: percentile(&cal, 50.0),
        p90_hours: percentile(&cal, 90.0),
        median_business_hours: percentile(&bus, 50.0),
        p90_business_hours: percentile(&bus, 90.0),
    }
}

fn groups(map: BTreeMap<&str, Counts>) -> Vec<Group> {
    let mut v: Vec<Group> = map
        .into_iter()
        .filter(|(_, c)| *c != Counts::default())
        .map(|(name, counts)| Group {
            name: name.to_string(),
            counts,
        })
        .collect();
    // Busiest first; ties by name, so the order is stable.
    v.sort_by(|a, b| {
        (b.counts.active, b.counts.open_at_end)
            .cmp(&(a.counts.active, a.counts.open_at_end))
            .then_with(|| a.name.cmp(&b.name))
    });
    v
}

fn ranked(map: BTreeMap<&str, u32>, at_least: u32) -> Vec<Ranked> {
    let mut v: Vec<Ranked> = map
        .into_iter()
        .filter(|(_, n)| *n >= at_least)
        .map(|(name, tickets)| Ranked {
            name: name.to_string(),
            tickets,
        })
        .collect();
    v.sort_by(|a, b| b.tickets.cmp(&a.tickets).then_with(|| a.name.cmp(&b.name)));
    v.truncate(TOP);
    v
}

/// A period's KPIs over every ticket (not only the active ones: the backlog counts tickets
/// that are merely still open).
pub fn period_metrics<'a>(
    entries: impl IntoIterator<Item = Entry<'a>>,
    start: i64,
    end: i64,
) -> PeriodMetrics {
    let mut m = PeriodMetrics::default();
    // Keys borrow from the tickets: a year's 53 weekly passes over every open ticket would
    // otherwise allocate a string per dimension per ticket per week.
    let mut dims: [BTreeMap<&'a str, Counts>; 5] = Default::default();
    let (mut orgs, mut tags) = (
        BTreeMap::<&'a str, u32>::new(),
        BTreeMap::<&'a str, u32>::new(),
    );
    let (mut responses, mut resolutions) = (Vec::new(), Vec::new());
    let inside = |t: i64| start <= t && t < end;
    for e in entries {
        // Nothing of a ticket created after the period can fall inside it: the weekly passes
        // of a long export skip most tickets here.
        if e.timeline.created >= end {
            continue;
        }
        let c = counts_of(&e, start, end);
        if c == Counts::default() {
            continue;
        }
        add(&mut m.totals, c);
        let (t, x) = (e.ticket, e.metrics);
        if let Some(s) = x.first_response.filter(|s| inside(s.to)) {
            responses.push(s);
        }
        if let Some(s) = x.resolution.filter(|s| inside(s.to)) {
            resolutions.push(s);
            m.first_contact_resolutions += u32::from(x.first_contact_resolution);
        }
        m.reopened += u32::from(e.timeline.reopens().any(|r| inside(r.at)));
        let kind = t.kind.map_or(NONE, kind_name);
        let priority = t.priority.map_or(NONE, priority_name);
        let agent = x.agent.as_deref().unwrap_or(NONE);
        for (dim, key) in [(0, kind), (1, priority), (4, agent)] {
            add(dims[dim].entry(key).or_default(), c);
        }
        for tag in &t.tags {
            add(dims[2].entry(tag.as_str()).or_default(), c);
        }
        for a in &t.accounts {
            add(dims[3].entry(a.as_str()).or_default(), c);
        }
        if c.active == 1 {
            if let Some(o) = &t.organisation {
                *orgs.entry(o.as_str()).or_insert(0) += 1;
            }
            for tag in &t.tags {
                *tags.entry(tag.as_str()).or_insert(0) += 1;
            }
        }
    }
    m.first_response = times(&responses);
    m.resolution = times(&resolutions);
    let [kind, priority, tag, account, agent] = dims;
    m.by_kind = groups(kind);
    m.by_priority = groups(priority);
    m.by_tag = groups(tag);
    m.by_account = groups(account);
    m.by_agent = groups(agent);
    m.top_organisations = ranked(orgs, 1);
    m.recurring_tags = ranked(tags, 2);
    m
}

#[cfg(test)]
#[path = "metrics/tests.rs"]
mod tests;
