//! The scheduled weekly export (pure): when it is due, and which week it covers.
//!
//! A [`Schedule`] names a weekday and a local time in the team's zone ([`Calendar`]), a folder
//! and a format. Each week has one scheduled instant; [`due`] compares the most recent one at or
//! before now with a [`Mark`]: the last completed run, or the moment the schedule was set when it
//! has never run. An instant after the mark is due, however long ago it was, so a machine that was
//! off writes the export at its next start (late); only the most recent instant counts, so a
//! machine off for three weeks writes one catch-up export, of the last full week, not three. The
//! week exported is the full ISO week before the instant's own, and a week already exported is
//! never exported again (changing the time on the day of a run does not write it twice).
//!
//! A new schedule waits for its next instant rather than exporting last week at once: setting
//! "Monday 08:00" on a Thursday should not drop a file in the folder that afternoon, and editing
//! the time must not count as a missed run. `siphon export --week` covers "now, please".
//!
//! Daylight saving: the instant is the local time through [`Calendar::instant`], so a time the
//! clocks skip (02:30 on the spring-forward Sunday) fires at the instant it would have been, and
//! a time that happens twice fires the first time; either way once, since the run moves the mark
//! past it.

use std::path::PathBuf;

use chrono::{Datelike, Days, NaiveDate, NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use super::Error;
use super::calendar::{Calendar, Period, weekday};
use super::export::Format;

/// A run more than this many seconds after its instant was late (the machine was off or asleep).
pub const LATE_SECS: i64 = 10 * 60;

/// The weekly export: when, where, and as what. Written to the config as `[report.schedule]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ScheduleText", into = "ScheduleText")]
pub struct Schedule {
    pub day: Weekday,
    /// Local hour and minute.
    pub time: (u32, u32),
    /// Created if missing.
    pub folder: PathBuf,
    pub format: Format,
}

/// A schedule in words, as the config file and the UI hold it: `day = "mon"`,
/// `time = "08:00"`, `folder = "/srv/reports"`, `format = "xlsx"`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleText {
    /// "mon" … "sun" (or the full English name).
    pub day: String,
    /// "HH:MM", 24-hour, in the team's time zone.
    pub time: String,
    pub folder: String,
    pub format: Format,
}

impl TryFrom<ScheduleText> for Schedule {
    type Error = Error;

    fn try_from(t: ScheduleText) -> Result<Schedule, Error> {
        let time = NaiveTime::parse_from_str(t.time.trim(), "%H:%M")
            .map_err(|_| Error::Config(format!("\"{}\" is not a time (HH:MM)", t.time)))?;
        if t.folder.trim().is_empty() {
            return Err(Error::Config("the weekly export needs a folder".into()));
        }
        Ok(Schedule {
            day: weekday(&t.day)?,
            time: (time.hour(), time.minute()),
            folder: PathBuf::from(t.folder.trim()),
            format: t.format,
        })
    }
}

impl From<Schedule> for ScheduleText {
    fn from(s: Schedule) -> ScheduleText {
        ScheduleText {
            day: s.day.to_string().to_ascii_lowercase(),
            time: format!("{:02}:{:02}", s.time.0, s.time.1),
            folder: s.folder.display().to_string(),
            format: s.format,
        }
    }
}

impl Schedule {
    /// The scheduled instant in the week of local date `d` (on the schedule's weekday).
    fn instant_in_week_of(&self, cal: &Calendar, d: NaiveDate) -> i64 {
        let monday = d - Days::new(u64::from(d.weekday().num_days_from_monday()));
        let day = monday + Days::new(u64::from(self.day.num_days_from_monday()));
        let time = NaiveTime::from_hms_opt(self.time.0, self.time.1, 0).unwrap_or(NaiveTime::MIN);
        cal.instant(day.and_time(time))
    }

    /// The most recent scheduled instant at or before `now`.
    pub fn last_instant(&self, cal: &Calendar, now: i64) -> i64 {
        let today = cal.date(now);
        let this_week = self.instant_in_week_of(cal, today);
        if this_week <= now {
            this_week
        } else {
            self.instant_in_week_of(cal, today - Days::new(7))
        }
    }

    /// The first scheduled instant after `now`.
    pub fn next_instant(&self, cal: &Calendar, now: i64) -> i64 {
        let today = cal.date(now);
        let this_week = self.instant_in_week_of(cal, today);
        if this_week > now {
            this_week
        } else {
            self.instant_in_week_of(cal, today + Days::new(7))
        }
    }

    /// The file an export of `period` is written to: `siphon-2026-W47.xlsx`.
    pub fn file_name(&self, period: &Period) -> String {
        let ext = match self.format {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        };
        format!("siphon-{}.{ext}", period.label())
    }
}

/// The full ISO week before the one an instant falls in (local to the zone).
pub fn week_before(cal: &Calendar, instant: i64) -> Period {
    let d = cal.date(instant);
    let from = d - Days::new(u64::from(d.weekday().num_days_from_monday()) + 7);
    Period {
        from,
        to: from + Days::new(6),
    }
}

/// Where the schedule stands: the last run (or when it was set) and the last week exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// The last completed run, or when the schedule was set if it never ran (unix seconds).
    pub at: i64,
    /// The Monday of the last week exported.
    pub week: Option<NaiveDate>,
}

/// Whether the export is due now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// Not yet: the next scheduled instant.
    No { next: i64 },
    /// Due: the scheduled instant it is for, the week to export, and whether the run is more
    /// than [`LATE_SECS`] after the instant.
    Yes { at: i64, period: Period, late: bool },
}

/// Whether the weekly export is due at `now` (see the module docs for the rule).
pub fn due(schedule: &Schedule, cal: &Calendar, mark: Mark, now: i64) -> Due {
    let at = schedule.last_instant(cal, now);
    let period = week_before(cal, at);
    if at > mark.at && mark.week != Some(period.from) {
        Due::Yes {
            at,
            period,
            late: now - at > LATE_SECS,
        }
    } else {
        Due::No {
            next: schedule.next_instant(cal, now),
        }
    }
}

#[cfg(test)]
#[path = "schedule/tests.rs"]
mod tests;
