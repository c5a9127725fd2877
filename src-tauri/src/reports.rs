//! The Reports view's commands: a period's KPIs shaped for the charts and tables, and the
//! export with progress events. Field picking only; the figures come from the engine.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use siphon::engine::{AgentRow, Report, TagRow};
use siphon::report::calendar::Period;
use siphon::report::export::Format;
use siphon::report::metrics::{Counts, PeriodMetrics};
use tauri::{AppHandle, Emitter, Runtime, State};
use ts_rs::TS;

use crate::api::{Answer, CommandError, events};
use crate::commands::{expand_home, with_engine};
use crate::state::AppState;

/// A period as the picker sends it: an ISO week ("2026-W47"), or days `from`..`to` inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct PeriodInput {
    #[ts(optional)]
    pub week: Option<String>,
    #[ts(optional)]
    pub from: Option<String>,
    #[ts(optional)]
    pub to: Option<String>,
}

impl PeriodInput {
    fn period(&self) -> Result<Period, CommandError> {
        let bad = |e: siphon::report::Error| CommandError::new("usage", e.to_string());
        match (&self.week, &self.from, &self.to) {
            (Some(w), _, _) => Period::week(w).map_err(bad),
            (None, Some(from), Some(to)) => Period::days(from, to).map_err(bad),
            _ => Err(CommandError::new(
                "usage",
                "give a week (2026-W47) or both from and to (YYYY-MM-DD)",
            )),
        }
    }
}

/// Tickets created in a week with one kind ("bug", "feature", "question", "other", "none").
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct KindCount {
    pub kind: String,
    pub created: u32,
}

/// One ISO week of the period (cut to it): what the charts draw.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReportWeek {
    /// "2026-W47".
    pub week: String,
    pub from: String,
    pub to: String,
    pub created: u32,
    pub closed: u32,
    /// Open at the week's end.
    pub backlog: u32,
    pub by_kind: Vec<KindCount>,
    pub median_first_response_hours: Option<f64>,
    pub median_resolution_hours: Option<f64>,
}

/// The whole period's figures.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReportTotals {
    pub active: u32,
    pub created: u32,
    pub closed: u32,
    pub backlog: u32,
    pub median_first_response_hours: Option<f64>,
    pub p90_first_response_hours: Option<f64>,
    pub median_resolution_hours: Option<f64>,
    pub p90_resolution_hours: Option<f64>,
    pub first_contact_resolutions: u32,
    pub reopened: u32,
}

/// A period's report as the Reports view shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReportView {
    pub from: String,
    pub to: String,
    /// "2026-W47" or "2026-11-01..2026-11-30".
    pub label: String,
    pub time_zone: String,
    pub totals: ReportTotals,
    pub weeks: Vec<ReportWeek>,
    pub agents: Vec<AgentRow>,
    pub tags: Vec<TagRow>,
}

/// Progress of an export, rows written of rows in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct ExportProgress {
    pub done: u32,
    pub total: u32,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ExportDone {
    pub path: String,
    pub tickets: u32,
    pub seconds: f64,
}

fn totals(c: &Counts, m: &PeriodMetrics) -> ReportTotals {
    ReportTotals {
        active: c.active,
        created: c.created,
        closed: c.closed,
        backlog: c.open_at_end,
        median_first_response_hours: m.first_response.median_hours,
        p90_first_response_hours: m.first_response.p90_hours,
        median_resolution_hours: m.resolution.median_hours,
        p90_resolution_hours: m.resolution.p90_hours,
        first_contact_resolutions: m.first_contact_resolutions,
        reopened: m.reopened,
    }
}

fn view(r: &Report, label: String) -> ReportView {
    ReportView {
        from: r.from.clone(),
        to: r.to.clone(),
        label,
        time_zone: r.time_zone.clone(),
        totals: totals(&r.summary.totals, &r.summary),
        weeks: r
            .weeks
            .iter()
            .map(|w| ReportWeek {
                week: w.week.clone(),
                from: w.from.clone(),
                to: w.to.clone(),
                created: w.metrics.totals.created,
                closed: w.metrics.totals.closed,
                backlog: w.metrics.totals.open_at_end,
                by_kind: w
                    .metrics
                    .by_kind
                    .iter()
                    .map(|g| KindCount {
                        kind: g.name.clone(),
                        created: g.counts.created,
                    })
                    .collect(),
                median_first_response_hours: w.metrics.first_response.median_hours,
                median_resolution_hours: w.metrics.resolution.median_hours,
            })
            .collect(),
        agents: r.by_agent(),
        tags: r.by_tag(),
    }
}

/// A period's KPIs: totals, each week, and the per-agent and per-tag rows.
#[tauri::command]
pub async fn report(state: State<'_, AppState>, period: PeriodInput) -> Answer<ReportView> {
    state.log_call(&format!("report {period:?}"));
    let period = period.period()?;
    let ws = state.workspace()?;
    with_engine(&ws, move |e| {
        let r = e.report(&period)?;
        Ok(view(&r, period.label()))
    })
    .await
}

/// Writes the period's tickets and KPIs to `path` as `format` (csv, xlsx, json), emitting
/// `siphon://export-progress` as rows are written.
#[tauri::command]
pub async fn report_export<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    period: PeriodInput,
    format: String,
    path: String,
) -> Answer<ExportDone> {
    state.log_call(&format!("report_export {period:?} {format} {path}"));
    let period = period.period()?;
    let format = Format::parse(&format).ok_or_else(|| {
        CommandError::new("usage", format!("\"{format}\" is not csv, xlsx or json"))
    })?;
    let path: PathBuf = expand_home(path.trim());
    if path.as_os_str().is_empty() {
        return Err(CommandError::new("usage", "give a path to export to"));
    }
    let ws = state.workspace()?;
    let done = with_engine(&ws, move |e| {
        let progress = |done: usize, total: usize| {
            let _ = app.emit(
                events::EXPORT_PROGRESS,
                ExportProgress {
                    done: done as u32,
                    total: total as u32,
                },
            );
        };
        e.export(&period, format, &path, &progress)
    })
    .await?;
    Ok(ExportDone {
        path: done.path,
        tickets: done.tickets as u32,
        seconds: done.seconds,
    })
}
