//! KPIs and CSV/XLSX/JSON export.
//!
//! The functional core is pure and tested as tables: [`timeline`] (what happened to a ticket, from
//! the ticket pipeline's status replay), [`calendar`] (the team's time zone, periods, ISO weeks,
//! business hours), [`metrics`] (per ticket and per period), [`schedule`] (when the weekly export
//! is due). [`export`] writes the rows out as they come (CSV, XLSX, JSON). The engine's
//! `report`/`export` gather the tickets, their mail and ops from the store and drive these.
//!
//! Times are reported twice: calendar hours (the clock on the wall) and business hours (only the
//! time inside the configured business days and hours, in the configured zone).

pub mod calendar;
pub mod export;
pub mod metrics;
pub mod schedule;
pub mod timeline;

use std::path::PathBuf;

/// What can go wrong making a report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The `[report]` config is not usable.
    #[error("report config: {0}")]
    Config(String),
    /// A period the person gave is not usable.
    #[error("{0}")]
    Period(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the spreadsheet {path}: {source}")]
    Xlsx {
        path: PathBuf,
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
}

/// The report module's result.
pub type Result<T> = std::result::Result<T, Error>;
