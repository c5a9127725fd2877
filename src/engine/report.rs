//! Reports through the façade: the KPIs of a period and its export.
//!
//! Gathering reads every ticket from the ticket index and every message's metadata from the store
//! in one parallel scan (cheaper than a lookup per ticket when a period covers most of the
//! mailbox), then hands the pure [`crate::report`] core each ticket's messages and ops. Tickets
//! created after the period are left out early; every other one counts, since a ticket still
//! open is in the backlog even when nothing happened to it in the period. Automated mail ("not a
//! ticket") is never in a report.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use chrono::Days;
use serde::Serialize;

use super::{Engine, Result, TicketView};
use crate::account::ReportConfig;
use crate::report::calendar::{Calendar, Period, Table};
use crate::report::export::{self, Context, Format};
use crate::report::metrics::{Entry, PeriodMetrics, TicketMetrics, period_metrics, ticket_metrics};
use crate::report::timeline::Timeline;
use crate::store::Hash;
use crate::ticket::build::{self, Mail, Ticket};
use crate::ticket::index::Sort;
use crate::ticket::op::Target;

/// One ticket of a report: as the list shows it, with its KPIs.
#[derive(Clone, Debug, Serialize)]
pub struct ReportTicket {
    pub ticket: TicketView,
    pub metrics: TicketMetrics,
}

/// One ISO week of a report (cut to the period).
#[derive(Clone, Debug, Serialize)]
pub struct WeekReport {
    /// "2026-W47".
    pub week: String,
    pub from: String,
    pub to: String,
    pub metrics: PeriodMetrics,
}

/// A period's KPIs: the whole period, each week, and the tickets active in it.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub from: String,
    pub to: String,
    pub time_zone: String,
    pub summary: PeriodMetrics,
    pub weeks: Vec<WeekReport>,
    /// Tickets active in the period, oldest first.
    pub tickets: Vec<ReportTicket>,
}

/// What an export wrote.
#[derive(Clone, Debug, Serialize)]
pub struct ExportSummary {
    pub path: String,
    pub format: Format,
    /// Rows in the Tickets table.
    pub tickets: usize,
    pub from: String,
    pub to: String,
    pub seconds: f64,
}

/// The calendar the config describes.
pub fn calendar_of(c: &ReportConfig) -> Result<Calendar> {
    Ok(Calendar::new(
        &c.time_zone,
        &c.business_days,
        c.business_start,
        c.business_end,
    )?)
}

/// Every ticket that can count in the period, with its history and KPIs.
struct Gathered {
    calendar: Calendar,
    tickets: Vec<Ticket>,
    timelines: Vec<Timeline>,
    metrics: Vec<TicketMetrics>,
    /// Indexes of the tickets active in the period, oldest first.
    active: Vec<usize>,
    summary: PeriodMetrics,
    weeks: Vec<(Period, PeriodMetrics)>,
}

impl Gathered {
    fn entries(&self) -> impl Iterator<Item = Entry<'_>> + Clone {
        self.tickets
            .iter()
            .zip(&self.timelines)
            .zip(&self.metrics)
            .map(|((ticket, timeline), metrics)| Entry {
                ticket,
                timeline,
                metrics,
            })
    }
}

impl Engine {
    fn gather(&mut self, period: &Period) -> Result<Gathered> {
        self.refresh_tickets()?;
        let config = self.config()?;
        let calendar = calendar_of(&config.report)?;
        let (start, end) = period.bounds(&calendar);
        let now = chrono::Utc::now().timestamp();
        let ops = self.ops()?;
        let team = self.team()?;
        let candidates: Vec<Ticket> = self
            .index()?
            .all(Sort::Created)?
            .into_iter()
            .filter(|t| !t.not_a_ticket && t.created < end)
            .collect();
        let wanted: HashSet<Hash> = candidates
            .iter()
            .flat_map(|t| t.hashes.iter().copied())
            .collect();
        let store = self.store()?;
        let maker = self.maker(&team, &config)?;
        let mail: Vec<Mail> =
            store.rows_with(|r| wanted.contains(&r.hash).then(|| maker.make(&r)))?;
        drop(wanted);
        let by_hash: HashMap<Hash, &Mail> = mail.iter().map(|m| (m.hash, m)).collect();
        let by_anchor = build::by_anchor(&ops);
        // Teammates' own addresses: everyone who has acted on a ticket.
        let people: HashSet<String> = ops
            .iter()
            .filter(|o| matches!(o.target, Target::Anchor(_) | Target::Pair(..)))
            .map(|o| o.actor.clone())
            .collect();
        let first = candidates
            .iter()
            .map(|t| calendar.date(t.created))
            .min()
            .unwrap_or(period.from);
        let last = calendar.date(now).max(period.to) + Days::new(1);
        let table: Table = calendar.table(first, last);
        let (mut tickets, mut timelines, mut metrics) = (Vec::new(), Vec::new(), Vec::new());
        for t in candidates {
            let msgs: Vec<&Mail> = t
                .hashes
                .iter()
                .filter_map(|h| by_hash.get(h).copied())
                .collect();
            let ops = build::ops_of(&msgs, &by_anchor);
            let Some(tl) = Timeline::of(&msgs, &ops, &team.settings, now) else {
                continue;
            };
            metrics.push(ticket_metrics(&tl, &table, &people));
            timelines.push(tl);
            tickets.push(t);
        }
        let mut g = Gathered {
            calendar,
            tickets,
            timelines,
            metrics,
            active: Vec::new(),
            summary: PeriodMetrics::default(),
            weeks: Vec::new(),
        };
        g.active = (0..g.tickets.len())
            .filter(|&i| g.timelines[i].active_in(start, end))
            .collect();
        g.active.sort_by(|&a, &b| {
            (g.tickets[a].created, &g.tickets[a].id).cmp(&(g.tickets[b].created, &g.tickets[b].id))
        });
        g.summary = period_metrics(g.entries(), start, end);
        g.weeks = period
            .weeks()
            .into_iter()
            .map(|w| {
                let (s, e) = w.bounds(&g.calendar);
                (w, period_metrics(g.entries(), s, e))
            })
            .collect();
        Ok(g)
    }

    /// The KPIs of a period (whole local days in the configured zone).
    pub fn report(&mut self, period: &Period) -> Result<Report> {
        let g = self.gather(period)?;
        Ok(Report {
            from: period.from.to_string(),
            to: period.to.to_string(),
            time_zone: g.calendar.zone.name().to_string(),
            weeks: g
                .weeks
                .iter()
                .map(|(w, m)| WeekReport {
                    week: crate::report::calendar::week_label(w.from),
                    from: w.from.to_string(),
                    to: w.to.to_string(),
                    metrics: m.clone(),
                })
                .collect(),
            tickets: g
                .active
                .iter()
                .map(|&i| ReportTicket {
                    ticket: TicketView::from(&g.tickets[i]),
                    metrics: g.metrics[i].clone(),
                })
                .collect(),
            summary: g.summary,
        })
    }

    /// Writes the period's tickets and KPIs to `out` as `format`, a row at a time;
    /// `progress(done, total)` is called as rows are written.
    pub fn export(
        &mut self,
        period: &Period,
        format: Format,
        out: &Path,
        progress: &dyn Fn(usize, usize),
    ) -> Result<ExportSummary> {
        let started = Instant::now();
        let g = self.gather(period)?;
        let ctx = Context {
            period,
            calendar: &g.calendar,
            summary: &g.summary,
            weeks: &g.weeks,
        };
        let mut sink = export::open(format, out, &ctx)?;
        let total = g.active.len();
        progress(0, total);
        for (n, &i) in g.active.iter().enumerate() {
            sink.row(&export::ticket_row(&g.tickets[i], &g.metrics[i]))?;
            if n % 1024 == 1023 {
                progress(n + 1, total);
            }
        }
        sink.finish(&ctx)?;
        progress(total, total);
        Ok(ExportSummary {
            path: out.display().to_string(),
            format,
            tickets: total,
            from: period.from.to_string(),
            to: period.to.to_string(),
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}
