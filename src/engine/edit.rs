//! A person's change to tickets, as text (from the CLI's flags or the app's side panel), read
//! into an [`Edit`] and applied to one ticket or many.

use serde::{Deserialize, Serialize};

use super::{Edit, Engine, Error, Result};
use crate::ticket::build::Ticket;
use crate::ticket::op::{Impact, Kind, Priority, Status};

/// A change as a person types it. Absent fields are left alone; an empty string or `none`
/// clears (unassigns, wakes, removes the kind …).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct EditInput {
    /// `open`, `pending` or `closed`.
    pub status: Option<String>,
    /// When a snooze ends: `2d`, `2026-12-01`, RFC 3339 (see [`parse_when`]).
    pub snooze: Option<String>,
    /// An address or `me`.
    pub assign: Option<String>,
    pub tags_add: Vec<String>,
    pub tags_remove: Vec<String>,
    /// `bug`, `feature`, `question`, `other`.
    pub kind: Option<String>,
    /// `urgent`, `high`, `normal`, `low`.
    pub priority: Option<String>,
    /// `must-have`, `nice-to-have`.
    pub impact: Option<String>,
    /// An internal note (never sent).
    pub note: Option<String>,
}

fn usage(message: String) -> Error {
    Error::Usage(message)
}

pub fn parse_status(s: &str) -> std::result::Result<Status, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "open" => Ok(Status::Open),
        "pending" => Ok(Status::Pending),
        "closed" => Ok(Status::Closed),
        "snoozed" => Err("to snooze, give a time it ends (--snooze-until WHEN)".into()),
        _ => Err(format!(
            "unknown status \"{s}\"; one of: open, pending, closed"
        )),
    }
}

pub fn parse_kind(s: &str) -> std::result::Result<Kind, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "bug" => Ok(Kind::Bug),
        "feature" => Ok(Kind::Feature),
        "question" => Ok(Kind::Question),
        "other" => Ok(Kind::Other),
        _ => Err(format!(
            "unknown kind \"{s}\"; one of: bug, feature, question, other"
        )),
    }
}

pub fn parse_priority(s: &str) -> std::result::Result<Priority, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "urgent" => Ok(Priority::Urgent),
        "high" => Ok(Priority::High),
        "normal" => Ok(Priority::Normal),
        "low" => Ok(Priority::Low),
        _ => Err(format!(
            "unknown priority \"{s}\"; one of: urgent, high, normal, low"
        )),
    }
}

pub fn parse_impact(s: &str) -> std::result::Result<Impact, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "must-have" | "must" => Ok(Impact::MustHave),
        "nice-to-have" | "nice" => Ok(Impact::NiceToHave),
        _ => Err(format!(
            "unknown impact \"{s}\"; one of: must-have, nice-to-have"
        )),
    }
}

/// Empty or `none` clears; anything else must parse.
fn optional<T>(
    v: &Option<String>,
    parse: fn(&str) -> std::result::Result<T, String>,
) -> Result<Option<Option<T>>> {
    match v.as_deref().map(str::trim) {
        None => Ok(None),
        Some(s) if s.is_empty() || s.eq_ignore_ascii_case("none") => Ok(Some(None)),
        Some(s) => parse(s).map(|x| Some(Some(x))).map_err(usage),
    }
}

/// When a snooze ends: RFC 3339, a date (08:00 local time), or a duration from now.
pub fn parse_when(s: &str, now: chrono::DateTime<chrono::Utc>) -> Result<i64> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let local = d
            .and_hms_opt(8, 0, 0)
            .and_then(|t| t.and_local_timezone(chrono::Local).earliest());
        if let Some(t) = local {
            return Ok(t.timestamp());
        }
    }
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num.parse().unwrap_or(-1);
    let secs = match unit {
        "m" | "min" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => 0,
    };
    if n <= 0 || secs == 0 {
        return Err(usage(format!(
            "cannot read the time \"{s}\"; give RFC 3339 (2026-12-01T09:00:00Z), a date (2026-12-01) or a duration (30m, 4h, 2d, 1w)"
        )));
    }
    Ok(now.timestamp() + n * secs)
}

impl Engine {
    /// Reads a change typed by a person (`me` is this person; times are from now).
    pub fn edit_from(&self, input: &EditInput) -> Result<Edit> {
        let assign = match input.assign.as_deref().map(str::trim) {
            None => None,
            Some(s) if s.is_empty() || s.eq_ignore_ascii_case("none") => Some(None),
            Some(s) if s.eq_ignore_ascii_case("me") => match self.me()? {
                Some(m) => Some(Some(m.email)),
                None => {
                    return Err(usage(
                        "\"me\" needs to know who you are; run: siphon me set --name NAME --email ADDRESS"
                            .into(),
                    ));
                }
            },
            Some(s) => Some(Some(s.to_string())),
        };
        let snooze_until = match input.snooze.as_deref().map(str::trim) {
            None => None,
            Some(s) if s.is_empty() || s.eq_ignore_ascii_case("none") => Some(None),
            Some(w) => Some(Some(parse_when(w, chrono::Utc::now())?)),
        };
        let tags = |v: &[String]| -> Result<Vec<String>> {
            let v: Vec<String> = v.iter().map(|t| t.trim().to_string()).collect();
            if v.iter().any(String::is_empty) {
                return Err(usage("a tag needs a name".into()));
            }
            Ok(v)
        };
        let status = match input.status.as_deref() {
            None => None,
            Some(s) => Some(parse_status(s).map_err(usage)?),
        };
        Ok(Edit {
            status,
            snooze_until,
            assign,
            tags_add: tags(&input.tags_add)?,
            tags_remove: tags(&input.tags_remove)?,
            kind: optional(&input.kind, parse_kind)?,
            priority: optional(&input.priority, parse_priority)?,
            impact: optional(&input.impact, parse_impact)?,
            note: input.note.clone().filter(|n| !n.trim().is_empty()),
        })
    }

    /// Applies one change to each of these tickets (a bulk action): every id must name a
    /// ticket before anything is written, and the ticket index is updated once for all.
    pub fn tickets_edit(&mut self, ids: &[String], input: &EditInput) -> Result<Vec<Ticket>> {
        let edit = self.edit_from(input)?;
        self.tickets_set(ids, &edit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
    fn snooze_times() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let t = now.timestamp();
        assert_eq!(parse_when("4h", now).unwrap(), t + 4 * 3600);
        assert_eq!(parse_when("2d", now).unwrap(), t + 2 * 86_400);
        assert_eq!(parse_when("30m", now).unwrap(), t + 1800);
        assert_eq!(
            parse_when("2026-12-01T09:00:00Z", now).unwrap(),
            t + 8 * 86_400 - 3600
        );
        assert!(parse_when("2026-12-01", now).is_ok());
        for bad in ["", "soon", "0h", "-3d", "4y"] {
            assert!(parse_when(bad, now).is_err(), "{bad}");
        }
    }

    #[test]
    fn empty_and_none_clear_and_bad_values_say_what_is_allowed() {
        assert_eq!(
            optional(&Some(String::new()), parse_kind).ok(),
            Some(Some(None))
        );
        assert_eq!(
            optional(&Some("None".into()), parse_kind).ok(),
            Some(Some(None))
        );
        assert_eq!(optional(&None, parse_kind).ok(), Some(None));
        assert_eq!(
            optional(&Some("bug".into()), parse_kind).ok(),
            Some(Some(Some(Kind::Bug)))
        );
        let e = optional(&Some("feat".into()), parse_kind)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("unknown kind \"feat\"; one of: bug, feature, question, other")
        );
    }
}
