//! The scheduled weekly export through the façade: the schedule in the config, the ledger of
//! its runs, and the run itself.
//!
//! The schedule is per machine, in the config's `[report.schedule]`. When it last ran (and when
//! it was set, and which week it last wrote) is in `DATA/report-schedule.json`, written
//! atomically and only once the export file is complete, so a run that fails (a folder that
//! cannot be written) is tried again at the next check instead of being counted. The file is
//! written under a temporary name in the folder and renamed when whole, so the folder never
//! shows half a spreadsheet. Whether a run is due is decided by the pure
//! [`crate::report::schedule::due`].

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::report::calendar_of;
use super::{Engine, Error, ExportSummary, Result};
use crate::report::calendar::Calendar;
use crate::report::schedule::{self, Due, Mark, Schedule, ScheduleText};

/// The ledger file in the data dir.
const LEDGER: &str = "report-schedule.json";

/// What the schedule has done on this machine.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Ledger {
    /// When the schedule was last set (unix seconds): instants before it are not owed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    set_at: Option<i64>,
    /// The last completed run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_run: Option<i64>,
    /// The Monday of the week it last exported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_week: Option<NaiveDate>,
    /// The file it last wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_file: Option<String>,
}

impl Ledger {
    fn mark(&self) -> Option<Mark> {
        let at = self.set_at.max(self.last_run)?;
        Some(Mark {
            at,
            week: self.last_week,
        })
    }
}

/// The weekly export as the settings show it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScheduleStatus {
    /// `None`: the weekly export is off.
    pub schedule: Option<ScheduleText>,
    /// The zone the day and time are in (the report config's).
    pub time_zone: String,
    /// The next run (RFC 3339, with the zone's offset), or the instant a due run is for.
    pub next: Option<String>,
    pub last_run: Option<String>,
    pub last_file: Option<String>,
}

/// What a scheduled run wrote.
#[derive(Clone, Debug, Serialize)]
pub struct ScheduledExport {
    #[serde(flatten)]
    pub summary: ExportSummary,
    /// The file name alone: `siphon-2026-W47.xlsx`.
    pub file: String,
    /// "2026-W47".
    pub week: String,
    /// The instant it was scheduled for (RFC 3339, with the zone's offset).
    pub scheduled: String,
    /// The same, as the person set it: "Monday 08:00".
    pub scheduled_local: String,
    /// Written more than ten minutes after its time (the machine was off or asleep).
    pub late: bool,
}

/// An instant in the zone, RFC 3339 with its offset.
fn local_rfc3339(cal: &Calendar, t: i64) -> String {
    use chrono::TimeZone;
    cal.zone
        .timestamp_opt(t, 0)
        .single()
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        .unwrap_or_else(|| super::rfc3339(t))
}

impl Engine {
    fn ledger_path(&self) -> PathBuf {
        self.paths.data_dir.join(LEDGER)
    }

    fn ledger(&self) -> Result<Ledger> {
        let path = self.ledger_path();
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| Error::Usage(format!("{} is damaged: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Ledger::default()),
            Err(source) => Err(Error::Io { path, source }),
        }
    }

    /// Writes the ledger atomically (temp file, fsync, rename).
    fn ledger_set(&self, ledger: &Ledger) -> Result<()> {
        let path = self.ledger_path();
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&self.paths.data_dir).map_err(io)?;
        let tmp = path.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(ledger)
            .map_err(|e| Error::Usage(format!("cannot encode {LEDGER}: {e}")))?;
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp).map_err(io)?;
            f.write_all(&bytes).map_err(io)?;
            f.sync_all().map_err(io)?;
        }
        std::fs::rename(&tmp, &path).map_err(io)
    }

    /// The weekly export's schedule; `None` when it is off.
    pub fn export_schedule(&self) -> Result<Option<Schedule>> {
        Ok(self.config()?.report.schedule)
    }

    /// Sets (or, with `None`, turns off) the weekly export. Its first run is the first
    /// scheduled instant after `now`; a week already exported is not exported again.
    pub fn export_schedule_set(&self, schedule: Option<Schedule>, now: i64) -> Result<()> {
        if let Some(s) = &schedule
            && !s.folder.is_absolute()
        {
            return Err(Error::Usage(format!(
                "the weekly export's folder must be a full path, not \"{}\"",
                s.folder.display()
            )));
        }
        let mut config = self.config()?;
        calendar_of(&config.report)?;
        config.report.schedule = schedule;
        config.save(&self.paths.config_file)?;
        let mut ledger = self.ledger()?;
        ledger.set_at = Some(now);
        self.ledger_set(&ledger)
    }

    /// The schedule, its next run and its last, for the settings.
    pub fn export_schedule_status(&self, now: i64) -> Result<ScheduleStatus> {
        let config = self.config()?;
        let cal = calendar_of(&config.report)?;
        let ledger = self.ledger()?;
        let next = match (&config.report.schedule, ledger.mark()) {
            (Some(s), Some(mark)) => Some(match schedule::due(s, &cal, mark, now) {
                Due::No { next } => next,
                Due::Yes { at, .. } => at,
            }),
            (Some(s), None) => Some(s.next_instant(&cal, now)),
            (None, _) => None,
        };
        Ok(ScheduleStatus {
            schedule: config.report.schedule.map(ScheduleText::from),
            time_zone: cal.zone.name().to_string(),
            next: next.map(|t| local_rfc3339(&cal, t)),
            last_run: ledger.last_run.map(|t| local_rfc3339(&cal, t)),
            last_file: ledger.last_file,
        })
    }

    /// Whether the weekly export is due at `now`; `None` when there is no schedule. A schedule
    /// this machine has never seen set (written into the config by hand) counts from now.
    pub fn scheduled_export_due(&self, now: i64) -> Result<Option<Due>> {
        let config = self.config()?;
        let cal = calendar_of(&config.report)?;
        let Some(s) = config.report.schedule else {
            return Ok(None);
        };
        let mut ledger = self.ledger()?;
        let mark = match ledger.mark() {
            Some(mark) => mark,
            None => {
                ledger.set_at = Some(now);
                self.ledger_set(&ledger)?;
                return Ok(Some(Due::No {
                    next: s.next_instant(&cal, now),
                }));
            }
        };
        Ok(Some(schedule::due(&s, &cal, mark, now)))
    }

    /// Runs the weekly export if it is due at `now`: writes `FOLDER/siphon-YYYY-Www.EXT`
    /// (creating the folder), then records the run. `None` when nothing was due. On an error
    /// nothing is recorded, so the next check tries again.
    pub fn run_scheduled_export(&mut self, now: i64) -> Result<Option<ScheduledExport>> {
        let Some(Due::Yes { at, period, late }) = self.scheduled_export_due(now)? else {
            return Ok(None);
        };
        let config = self.config()?;
        let cal = calendar_of(&config.report)?;
        let Some(s) = config.report.schedule else {
            return Ok(None);
        };
        let file = s.file_name(&period);
        let folder = &s.folder;
        std::fs::create_dir_all(folder).map_err(|source| Error::Io {
            path: folder.clone(),
            source,
        })?;
        let path = folder.join(&file);
        let part = folder.join(format!(".{file}.part"));
        let written = self.export(&period, s.format, &part, &|_, _| {});
        let mut summary = match written {
            Ok(summary) => summary,
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                return Err(e);
            }
        };
        rename(&part, &path)?;
        summary.path = path.display().to_string();
        let mut ledger = self.ledger()?;
        ledger.last_run = Some(now);
        ledger.last_week = Some(period.from);
        ledger.last_file = Some(summary.path.clone());
        self.ledger_set(&ledger)?;
        Ok(Some(ScheduledExport {
            summary,
            file,
            week: period.label(),
            scheduled: local_rfc3339(&cal, at),
            scheduled_local: cal.local(at).format("%A %H:%M").to_string(),
            late,
        }))
    }
}

/// Puts the finished file in place, replacing an older one of the same name.
fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|source| {
        let _ = std::fs::remove_file(from);
        Error::Io {
            path: to.to_path_buf(),
            source,
        }
    })
}
