//! A report's per-agent and per-tag rows, as the app's tables show them.
//!
//! The counts come from the period summary (so they agree with the CLI and the export); the
//! medians are over the period's active tickets that have the span, since a row's tickets are
//! what a manager reads it against.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Report, ReportTicket};
use crate::report::metrics::{Span, percentile};

/// One agent's row: the tickets credited to them (see [`crate::report::metrics`] for "agent").
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AgentRow {
    pub agent: String,
    /// Active in the period.
    pub tickets: u32,
    /// Team messages on those tickets.
    pub replies: u32,
    pub median_first_response_hours: Option<f64>,
    pub median_resolution_hours: Option<f64>,
    /// Of those tickets, resolved; and resolved at first contact.
    pub resolved: u32,
    pub first_contact_resolutions: u32,
}

/// One tag's row.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TagRow {
    pub tag: String,
    /// Active in the period.
    pub tickets: u32,
    /// Still open at the period's end.
    pub open: u32,
    pub median_resolution_hours: Option<f64>,
}

fn median_hours<'a>(spans: impl Iterator<Item = &'a Span>) -> Option<f64> {
    let mut v: Vec<f64> = spans.map(|s| s.secs as f64 / 3600.0).collect();
    v.sort_by(f64::total_cmp);
    percentile(&v, 50.0)
}

impl Report {
    /// A row per agent of the summary, busiest first; "none" for tickets nobody answered.
    pub fn by_agent(&self) -> Vec<AgentRow> {
        let mut mine: BTreeMap<&str, Vec<&ReportTicket>> = BTreeMap::new();
        for t in &self.tickets {
            let agent = t
                .metrics
                .agent
                .as_deref()
                .unwrap_or(crate::report::metrics::NONE);
            mine.entry(agent).or_default().push(t);
        }
        self.summary
            .by_agent
            .iter()
            .filter(|g| g.counts.active > 0)
            .map(|g| {
                let ts = mine.get(g.name.as_str()).map_or(&[][..], Vec::as_slice);
                AgentRow {
                    agent: g.name.clone(),
                    tickets: g.counts.active,
                    replies: ts.iter().map(|t| t.ticket.team_messages).sum(),
                    median_first_response_hours: median_hours(
                        ts.iter().filter_map(|t| t.metrics.first_response.as_ref()),
                    ),
                    median_resolution_hours: median_hours(
                        ts.iter().filter_map(|t| t.metrics.resolution.as_ref()),
                    ),
                    resolved: ts.iter().filter(|t| t.metrics.resolution.is_some()).count() as u32,
                    first_contact_resolutions: ts
                        .iter()
                        .filter(|t| t.metrics.first_contact_resolution)
                        .count() as u32,
                }
            })
            .collect()
    }

    /// A row per tag on an active ticket, busiest first.
    pub fn by_tag(&self) -> Vec<TagRow> {
        self.summary
            .by_tag
            .iter()
            .filter(|g| g.counts.active > 0)
            .map(|g| TagRow {
                tag: g.name.clone(),
                tickets: g.counts.active,
                open: g.counts.open_at_end,
                median_resolution_hours: median_hours(
                    self.tickets
                        .iter()
                        .filter(|t| t.ticket.tags.contains(&g.name))
                        .filter_map(|t| t.metrics.resolution.as_ref()),
                ),
            })
            .collect()
    }
}
