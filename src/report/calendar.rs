//! Calendar arithmetic for reports (pure): the team's time zone, periods of whole local days and
//! ISO weeks, and business hours.
//!
//! Every instant is unix seconds; every date is a local date in the configured zone (IANA names,
//! through `chrono-tz`, so daylight-saving changes are exact). A period `[from, to]` is inclusive
//! in days and becomes the half-open instant range `[start of from, start of the day after to)`.
//! Business time is the part of an interval that falls inside each business day's window
//! (`start`:00 to `end`:00 local); a window is turned into instants day by day, so on the day the
//! clocks change it is as long as the wall clock says (a 09–17 window stays 8 h, a 00–24 window
//! is 23 h or 25 h). [`Table`] answers the same question in constant time over a range of days,
//! for the many tickets of an export.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;

use super::Error;

/// The team's time zone and business hours.
#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    pub zone: Tz,
    /// Business days, Monday first.
    days: [bool; 7],
    /// Local hours the business day starts and ends (0–24, start before end).
    start_hour: u32,
    end_hour: u32,
}

impl Default for Calendar {
    /// UTC, Monday to Friday, 09:00–17:00.
    fn default() -> Self {
        Calendar {
            zone: Tz::UTC,
            days: [true, true, true, true, true, false, false],
            start_hour: 9,
            end_hour: 17,
        }
    }
}

/// A weekday from its English name or its first three letters ("mon", "Monday").
pub fn weekday(name: &str) -> Result<Weekday, Error> {
    const NAMES: [(&str, Weekday); 7] = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    let n = name.trim().to_ascii_lowercase();
    NAMES
        .iter()
        .find(|(full, _)| n.len() >= 3 && full.starts_with(&n))
        .map(|(_, d)| *d)
        .ok_or_else(|| Error::Config(format!("\"{name}\" is not a weekday")))
}

impl Calendar {
    /// A calendar from the config's words: an IANA zone ("Europe/Paris"), business days
    /// ("mon".."sun") and hours (0–24, start before end).
    pub fn new(
        zone: &str,
        days: &[String],
        start_hour: u32,
        end_hour: u32,
    ) -> Result<Calendar, Error> {
        let zone: Tz = zone.trim().parse().map_err(|_| {
            Error::Config(format!(
                "unknown time zone \"{zone}\"; use an IANA name such as Europe/Paris or UTC"
            ))
        })?;
        if start_hour >= end_hour || end_hour > 24 {
            return Err(Error::Config(format!(
                "business hours {start_hour}–{end_hour} are not a range within a day"
            )));
        }
        let mut set = [false; 7];
        for d in days {
            set[weekday(d)?.num_days_from_monday() as usize] = true;
        }
        Ok(Calendar {
            zone,
            days: set,
            start_hour,
            end_hour,
        })
    }

    /// The local date and time of an instant.
    pub fn local(&self, t: i64) -> NaiveDateTime {
        match self.zone.timestamp_opt(t, 0) {
            chrono::LocalResult::Single(d) | chrono::LocalResult::Ambiguous(d, _) => {
                d.naive_local()
            }
            chrono::LocalResult::None => chrono::DateTime::UNIX_EPOCH.naive_utc(),
        }
    }

    /// The local date of an instant.
    pub fn date(&self, t: i64) -> NaiveDate {
        self.local(t).date()
    }

    /// The instant a local wall-clock time names: the earlier one when the clocks went back
    /// (the time happened twice); when they jumped over it, the instant it would have been with
    /// the offset of the day before.
    pub fn instant(&self, local: NaiveDateTime) -> i64 {
        match self.zone.from_local_datetime(&local) {
            chrono::LocalResult::Single(d) | chrono::LocalResult::Ambiguous(d, _) => d.timestamp(),
            chrono::LocalResult::None => {
                let before = local - chrono::Duration::days(1);
                let offset = match self.zone.from_local_datetime(&before) {
                    chrono::LocalResult::Single(d) | chrono::LocalResult::Ambiguous(d, _) => {
                        d.timestamp() - before.and_utc().timestamp()
                    }
                    chrono::LocalResult::None => 0,
                };
                local.and_utc().timestamp() + offset
            }
        }
    }

    /// The first instant of a local date.
    pub fn start_of(&self, d: NaiveDate) -> i64 {
        self.instant(d.and_time(NaiveTime::MIN))
    }

    /// Local `hour`:00 on `d` (24 is the next midnight).
    fn at_hour(&self, d: NaiveDate, hour: u32) -> i64 {
        match NaiveTime::from_hms_opt(hour, 0, 0) {
            Some(t) => self.instant(d.and_time(t)),
            None => self.start_of(d + Days::new(1)),
        }
    }

    /// Whether `d` is a business day.
    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        self.days[d.weekday().num_days_from_monday() as usize]
    }

    /// The business window of a date as instants, if it is a business day.
    pub fn window(&self, d: NaiveDate) -> Option<(i64, i64)> {
        self.is_business_day(d).then(|| {
            (
                self.at_hour(d, self.start_hour),
                self.at_hour(d, self.end_hour),
            )
        })
    }

    /// Business seconds in `[from, to)`, day by day (0 when `to` is not after `from`).
    pub fn business_secs(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let (mut d, last) = (self.date(from), self.date(to));
        let mut total = 0;
        while d <= last {
            total += overlap(self.window(d), from, to);
            d = d + Days::new(1);
        }
        total
    }

    /// A [`Table`] of the business days from `first` to `last`.
    pub fn table(&self, first: NaiveDate, last: NaiveDate) -> Table {
        let mut windows = Vec::new();
        let mut prefix = vec![0];
        let mut d = first;
        while d <= last {
            let w = self.window(d);
            let len = w.map_or(0, |(s, e)| e - s);
            prefix.push(prefix.last().copied().unwrap_or(0) + len);
            windows.push(w);
            d = d + Days::new(1);
        }
        Table {
            calendar: self.clone(),
            first,
            windows,
            prefix,
        }
    }
}

/// Seconds of a window inside `[from, to)`.
fn overlap(window: Option<(i64, i64)>, from: i64, to: i64) -> i64 {
    window.map_or(0, |(s, e)| (e.min(to) - s.max(from)).max(0))
}

/// Business seconds between two instants, however they are computed.
pub trait Business {
    /// Business seconds in `[from, to)`.
    fn business_secs(&self, from: i64, to: i64) -> i64;
}

impl Business for Calendar {
    fn business_secs(&self, from: i64, to: i64) -> i64 {
        Calendar::business_secs(self, from, to)
    }
}

/// Business windows of a range of days with their running total: business time between two
/// instants in the range costs two date look-ups (outside it, the day-by-day sum).
#[derive(Clone, Debug)]
pub struct Table {
    calendar: Calendar,
    first: NaiveDate,
    windows: Vec<Option<(i64, i64)>>,
    /// `prefix[i]`: business seconds of the whole days before day `i` of the range.
    prefix: Vec<i64>,
}

impl Table {
    fn slot(&self, d: NaiveDate) -> Option<usize> {
        let i = usize::try_from((d - self.first).num_days()).ok()?;
        (i < self.windows.len()).then_some(i)
    }
}

impl Business for Table {
    fn business_secs(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let (da, db) = (self.calendar.date(from), self.calendar.date(to));
        let (Some(a), Some(b)) = (self.slot(da), self.slot(db)) else {
            return self.calendar.business_secs(from, to);
        };
        if a == b {
            return overlap(self.windows[a], from, to);
        }
        overlap(self.windows[a], from, to)
            + (self.prefix[b] - self.prefix[a + 1])
            + overlap(self.windows[b], from, to)
    }
}

/// Whole local days `[from, to]`, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// An ISO 8601 week, "2026-W47" (Monday to Sunday).
    pub fn week(text: &str) -> Result<Period, Error> {
        let bad = || Error::Period(format!("\"{text}\" is not an ISO week such as 2026-W47"));
        let t = text.trim();
        let (y, w) = t.split_once(['-']).ok_or_else(bad)?;
        let w = w.strip_prefix(['W', 'w']).ok_or_else(bad)?;
        let (year, week): (i32, u32) =
            (y.parse().map_err(|_| bad())?, w.parse().map_err(|_| bad())?);
        let from = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(bad)?;
        Ok(Period {
            from,
            to: from + Days::new(6),
        })
    }

    /// Days `from` to `to` (YYYY-MM-DD), both included.
    pub fn days(from: &str, to: &str) -> Result<Period, Error> {
        let date = |s: &str| {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| Error::Period(format!("\"{s}\" is not a date (YYYY-MM-DD)")))
        };
        let (from, to) = (date(from)?, date(to)?);
        if to < from {
            return Err(Error::Period(format!(
                "the period ends ({to}) before it starts ({from})"
            )));
        }
        Ok(Period { from, to })
    }

    /// The instants it covers: `[start of from, start of the day after to)`.
    pub fn bounds(&self, cal: &Calendar) -> (i64, i64) {
        (
            cal.start_of(self.from),
            cal.start_of(self.to + Days::new(1)),
        )
    }

    /// The ISO weeks it touches, each cut to the period.
    pub fn weeks(&self) -> Vec<Period> {
        let mut out = Vec::new();
        let mut from = self.from;
        while from <= self.to {
            let sunday = from + Days::new(u64::from(6 - from.weekday().num_days_from_monday()));
            let to = sunday.min(self.to);
            out.push(Period { from, to });
            from = to + Days::new(1);
        }
        out
    }

    /// "2026-W47" for a whole ISO week, else "2026-11-16..2026-11-30".
    pub fn label(&self) -> String {
        if self.from.weekday() == Weekday::Mon && self.to == self.from + Days::new(6) {
            week_label(self.from)
        } else {
            format!("{}..{}", self.from, self.to)
        }
    }
}

/// The ISO week a date is in, "2026-W47".
pub fn week_label(d: NaiveDate) -> String {
    let w = d.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

#[cfg(test)]
#[path = "calendar/tests.rs"]
mod tests;
