//! Writing a report out: one row per ticket active in the period, as CSV, XLSX or JSON.
//!
//! All three formats are fed the same typed cells ([`Cell`]) in the same columns ([`COLUMNS`]),
//! one row at a time, so they agree and a large period never sits in memory as text. Dates are
//! local to the team's zone: "YYYY-MM-DD HH:MM" in CSV (which spreadsheets read as dates), real
//! date cells in XLSX (spreadsheets have no zones), RFC 3339 with the zone's offset in JSON.
//! Durations are hours with two decimals, calendar and business.

pub mod csv;
pub mod json;
pub mod xlsx;

use serde::Serialize;

use super::Result;
use super::calendar::{Calendar, Period};
use super::metrics::{PeriodMetrics, TicketMetrics};
use crate::ticket::build::{Shown, Ticket};
use crate::ticket::index::{kind_name, priority_name};
use crate::ticket::op::Impact;

/// An export format.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

impl Format {
    /// "csv", "xlsx" or "json".
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A count.
    Int(i64),
    /// Hours, shown with two decimals.
    Hours(f64),
    /// An instant (unix seconds), shown in the team's zone.
    Date(i64),
    /// A whole local day.
    Day(chrono::NaiveDate),
}

/// How a column is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Text,
    Int,
    Hours,
    Date,
    /// A link-style reference (`siphon://ticket/ID`).
    Link,
}

/// One column: its header, its JSON key, its shape and its width in a spreadsheet.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub title: &'static str,
    pub key: &'static str,
    pub shape: Shape,
    pub width: f64,
}

const fn col(title: &'static str, key: &'static str, shape: Shape, width: f64) -> Column {
    Column {
        title,
        key,
        shape,
        width,
    }
}

/// The Tickets table's columns, in order.
pub const COLUMNS: &[Column] = &[
    col("ID", "id", Shape::Text, 9.0),
    col("Subject", "subject", Shape::Text, 40.0),
    col("Customer", "customer", Shape::Text, 28.0),
    col("Organisation", "organisation", Shape::Text, 20.0),
    col("Account", "account", Shape::Text, 12.0),
    col("Status", "status", Shape::Text, 9.0),
    col("Kind", "kind", Shape::Text, 9.0),
    col("Priority", "priority", Shape::Text, 9.0),
    col("Impact", "impact", Shape::Text, 12.0),
    col("Tags", "tags", Shape::Text, 20.0),
    col("Assignee", "assignee", Shape::Text, 24.0),
    col("Agent", "agent", Shape::Text, 24.0),
    col("Created", "created", Shape::Date, 17.0),
    col("First response", "first_response", Shape::Date, 17.0),
    col("Resolved", "resolved", Shape::Date, 17.0),
    col(
        "First response (h)",
        "first_response_hours",
        Shape::Hours,
        10.0,
    ),
    col(
        "First response (business h)",
        "first_response_business_hours",
        Shape::Hours,
        10.0,
    ),
    col("Resolution (h)", "resolution_hours", Shape::Hours, 10.0),
    col(
        "Resolution (business h)",
        "resolution_business_hours",
        Shape::Hours,
        10.0,
    ),
    col("Customer messages", "customer_messages", Shape::Int, 9.0),
    col("Team messages", "team_messages", Shape::Int, 9.0),
    col(
        "Replies before resolution",
        "replies_before_resolution",
        Shape::Int,
        9.0,
    ),
    col(
        "First-contact resolution",
        "first_contact_resolution",
        Shape::Text,
        9.0,
    ),
    col("Reopens", "reopens", Shape::Int, 8.0),
    col("Last activity", "last_activity", Shape::Date, 17.0),
    col("Link", "link", Shape::Link, 28.0),
];

/// A write to an export file that failed, naming the file.
fn io(path: &std::path::Path, source: std::io::Error) -> super::Error {
    super::Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn status_name(s: Shown) -> &'static str {
    match s {
        Shown::Open => "open",
        Shown::Pending => "pending",
        Shown::Snoozed => "snoozed",
        Shown::Closed => "closed",
    }
}

fn text(s: Option<&str>) -> Cell {
    match s {
        Some(s) if !s.is_empty() => Cell::Text(s.to_string()),
        _ => Cell::Empty,
    }
}

/// Hours rounded to the two decimals every format shows, so all of them show the same figure.
pub fn hours_cell(h: Option<f64>) -> Cell {
    h.map_or(Cell::Empty, |h| Cell::Hours((h * 100.0).round() / 100.0))
}

fn hours(secs: Option<i64>) -> Cell {
    hours_cell(secs.map(|s| s as f64 / 3600.0))
}

/// The link that opens a ticket in the app.
pub fn link(id: &str) -> String {
    format!("siphon://ticket/{id}")
}

/// One ticket's row, in [`COLUMNS`] order.
pub fn ticket_row(t: &Ticket, m: &TicketMetrics) -> Vec<Cell> {
    let fr = m.first_response;
    let res = m.resolution;
    vec![
        Cell::Text(t.id.clone()),
        Cell::Text(t.subject.clone()),
        text(t.customer.as_deref()),
        text(t.organisation.as_deref()),
        text(Some(&t.accounts.join(", "))),
        Cell::Text(status_name(t.status).to_string()),
        text(t.kind.map(kind_name)),
        text(t.priority.map(priority_name)),
        text(t.impact.map(|i| match i {
            Impact::MustHave => "must-have",
            Impact::NiceToHave => "nice-to-have",
        })),
        text(Some(&t.tags.join(", "))),
        text(t.assignee.as_deref()),
        text(m.agent.as_deref()),
        Cell::Date(t.created),
        fr.map_or(Cell::Empty, |s| Cell::Date(s.to)),
        res.map_or(Cell::Empty, |s| Cell::Date(s.to)),
        hours(fr.map(|s| s.secs)),
        hours(fr.map(|s| s.business_secs)),
        hours(res.map(|s| s.secs)),
        hours(res.map(|s| s.business_secs)),
        Cell::Int(i64::from(t.customer_messages)),
        Cell::Int(i64::from(t.team_messages)),
        m.replies_before_resolution
            .map_or(Cell::Empty, |n| Cell::Int(i64::from(n))),
        Cell::Text(
            if m.first_contact_resolution {
                "yes"
            } else {
                "no"
            }
            .to_string(),
        ),
        Cell::Int(i64::from(m.reopens)),
        Cell::Date(t.last_activity),
        Cell::Text(link(&t.id)),
    ]
}

/// A period's figures as (label, value) lines, for the Summary sheet.
pub fn summary_lines(p: &PeriodMetrics) -> Vec<(String, Cell)> {
    let n = |v: u32| Cell::Int(i64::from(v));
    let h = hours_cell;
    let mut out = vec![
        ("Tickets active".to_string(), n(p.totals.active)),
        ("Tickets created".to_string(), n(p.totals.created)),
        ("Tickets closed".to_string(), n(p.totals.closed)),
        (
            "Still open at the end (backlog)".to_string(),
            n(p.totals.open_at_end),
        ),
        ("Reopened".to_string(), n(p.reopened)),
        (
            "Resolved at first contact".to_string(),
            n(p.first_contact_resolutions),
        ),
    ];
    for (what, t) in [
        ("First response", &p.first_response),
        ("Resolution", &p.resolution),
    ] {
        out.push((format!("{what}: tickets"), n(t.count)));
        out.push((format!("{what}: median (h)"), h(t.median_hours)));
        out.push((format!("{what}: p90 (h)"), h(t.p90_hours)));
        out.push((
            format!("{what}: median (business h)"),
            h(t.median_business_hours),
        ));
        out.push((format!("{what}: p90 (business h)"), h(t.p90_business_hours)));
    }
    out
}

/// The By-week table's columns.
pub const WEEK_COLUMNS: &[&str] = &[
    "Week",
    "From",
    "To",
    "Active",
    "Created",
    "Closed",
    "Open at end",
    "Reopened",
    "First response median (h)",
    "First response p90 (h)",
    "Resolution median (h)",
    "Resolution p90 (h)",
    "First response median (business h)",
    "Resolution median (business h)",
];

/// One week's row of the By-week table (the week cut to the period).
pub fn week_row(week: &Period, m: &PeriodMetrics) -> Vec<Cell> {
    let n = |v: u32| Cell::Int(i64::from(v));
    let h = hours_cell;
    vec![
        Cell::Text(super::calendar::week_label(week.from)),
        Cell::Day(week.from),
        Cell::Day(week.to),
        n(m.totals.active),
        n(m.totals.created),
        n(m.totals.closed),
        n(m.totals.open_at_end),
        n(m.reopened),
        h(m.first_response.median_hours),
        h(m.first_response.p90_hours),
        h(m.resolution.median_hours),
        h(m.resolution.p90_hours),
        h(m.first_response.median_business_hours),
        h(m.resolution.median_business_hours),
    ]
}

/// The whole report's context for a writer: the period, the zone, the figures.
pub struct Context<'a> {
    pub period: &'a Period,
    pub calendar: &'a Calendar,
    pub summary: &'a PeriodMetrics,
    pub weeks: &'a [(Period, PeriodMetrics)],
}

/// Where rows go: a writer per format. Rows come one at a time, then `finish`.
pub trait Sink {
    /// One ticket's row, in [`COLUMNS`] order.
    fn row(&mut self, cells: &[Cell]) -> Result<()>;
    /// Writes what follows the rows (summary, weeks) and closes the file.
    fn finish(self: Box<Self>, ctx: &Context) -> Result<()>;
}

/// A writer for `format` at `path`, its header written.
pub fn open(format: Format, path: &std::path::Path, ctx: &Context) -> Result<Box<dyn Sink>> {
    Ok(match format {
        Format::Csv => Box::new(csv::Csv::create(path, ctx.calendar)?),
        Format::Xlsx => Box::new(xlsx::Xlsx::create(path, ctx.calendar)?),
        Format::Json => Box::new(json::Json::create(path, ctx)?),
    })
}
