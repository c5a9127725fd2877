use super::*;

fn at(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| d.timestamp())
        .unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn cal(zone: &str) -> Calendar {
    Calendar::new(zone, &[], 9, 17).unwrap()
}

fn schedule(day: &str, time: &str) -> Schedule {
    Schedule::try_from(ScheduleText {
        day: day.into(),
        time: time.into(),
        folder: "/srv/reports".into(),
        format: Format::Xlsx,
    })
    .unwrap()
}

fn monday(d: &str) -> Option<NaiveDate> {
    Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap())
}

/// What a row expects: not due until `next`, or due for the instant `at`, exporting `week`.
enum Want {
    No(&'static str),
    Yes(&'static str, &'static str, bool),
}

#[test]
fn due_as_a_table() {
    use Want::*;
    // (case, zone, day, time, mark.at, mark.week, now, want). 2026-11-23 is a Monday (W48).
    let cases = [
        (
            "a minute before the instant",
            "UTC",
            "mon",
            "08:00",
            "2026-11-16T08:00:30Z",
            monday("2026-11-09"),
            "2026-11-23T07:59:00Z",
            No("2026-11-23T08:00:00Z"),
        ),
        (
            "at the instant: last week, on time",
            "UTC",
            "mon",
            "08:00",
            "2026-11-16T08:00:30Z",
            monday("2026-11-09"),
            "2026-11-23T08:00:00Z",
            Yes("2026-11-23T08:00:00Z", "2026-W47", false),
        ),
        (
            "ten minutes after is still on time",
            "UTC",
            "mon",
            "08:00",
            "2026-11-16T08:00:30Z",
            monday("2026-11-09"),
            "2026-11-23T08:10:00Z",
            Yes("2026-11-23T08:00:00Z", "2026-W47", false),
        ),
        (
            "eleven minutes after is late",
            "UTC",
            "mon",
            "08:00",
            "2026-11-16T08:00:30Z",
            monday("2026-11-09"),
            "2026-11-23T08:11:00Z",
            Yes("2026-11-23T08:00:00Z", "2026-W47", true),
        ),
        (
            "after this week's run: next Monday",
            "UTC",
            "mon",
            "08:00",
            "2026-11-23T08:00:40Z",
            monday("2026-11-16"),
            "2026-11-23T09:00:00Z",
            No("2026-11-30T08:00:00Z"),
        ),
        (
            "machine off two Mondays: one catch-up, of the last full week",
            "UTC",
            "mon",
            "08:00",
            "2026-11-16T08:01:00Z",
            monday("2026-11-09"),
            "2026-12-02T10:00:00Z",
            Yes("2026-11-30T08:00:00Z", "2026-W48", true),
        ),
        (
            "after the catch-up: nothing for the missed week",
            "UTC",
            "mon",
            "08:00",
            "2026-12-02T10:00:05Z",
            monday("2026-11-23"),
            "2026-12-02T10:01:00Z",
            No("2026-12-07T08:00:00Z"),
        ),
        (
            "first run: set on Thursday, nothing at once",
            "UTC",
            "mon",
            "08:00",
            "2026-11-19T15:00:00Z",
            None,
            "2026-11-19T15:01:00Z",
            No("2026-11-23T08:00:00Z"),
        ),
        (
            "first run: the first instant after it was set",
            "UTC",
            "mon",
            "08:00",
            "2026-11-19T15:00:00Z",
            None,
            "2026-11-23T08:00:30Z",
            Yes("2026-11-23T08:00:00Z", "2026-W47", false),
        ),
        (
            "time moved later after today's run: the week is not exported twice",
            "UTC",
            "mon",
            "09:00",
            "2026-11-23T08:30:00Z",
            monday("2026-11-16"),
            "2026-11-23T09:05:00Z",
            No("2026-11-30T09:00:00Z"),
        ),
        (
            "a Sunday schedule exports the week before, not the week ending",
            "UTC",
            "sun",
            "20:00",
            "2026-11-22T20:00:30Z",
            monday("2026-11-09"),
            "2026-11-29T20:00:00Z",
            Yes("2026-11-29T20:00:00Z", "2026-W47", false),
        ),
        (
            "Paris: Monday 08:00 is 07:00 UTC in winter",
            "Europe/Paris",
            "mon",
            "08:00",
            "2026-11-16T07:00:30Z",
            monday("2026-11-09"),
            "2026-11-23T07:05:00Z",
            Yes("2026-11-23T07:00:00Z", "2026-W47", false),
        ),
        (
            "Paris: Monday 00:30 is still Sunday in UTC; the week is Paris's",
            "Europe/Paris",
            "mon",
            "00:30",
            "2026-11-15T23:30:30Z",
            monday("2026-11-09"),
            "2026-11-22T23:45:00Z",
            Yes("2026-11-22T23:30:00Z", "2026-W47", true),
        ),
        (
            "New York: Friday 17:00 EST",
            "America/New_York",
            "fri",
            "17:00",
            "2026-11-13T22:00:30Z",
            monday("2026-11-02"),
            "2026-11-20T22:01:00Z",
            Yes("2026-11-20T22:00:00Z", "2026-W46", false),
        ),
        (
            "DST spring, Paris: 02:30 does not exist; not yet at 03:29 CEST",
            "Europe/Paris",
            "sun",
            "02:30",
            "2026-03-22T01:30:30Z",
            monday("2026-03-09"),
            "2026-03-29T01:29:00Z",
            No("2026-03-29T01:30:00Z"),
        ),
        (
            "DST spring, Paris: fires at 03:30 CEST, where 02:30 would have been",
            "Europe/Paris",
            "sun",
            "02:30",
            "2026-03-22T01:30:30Z",
            monday("2026-03-09"),
            "2026-03-29T01:31:00Z",
            Yes("2026-03-29T01:30:00Z", "2026-W12", false),
        ),
        (
            "DST spring, Paris: after the run, next week at 02:30 CEST",
            "Europe/Paris",
            "sun",
            "02:30",
            "2026-03-29T01:31:00Z",
            monday("2026-03-16"),
            "2026-03-29T05:00:00Z",
            No("2026-04-05T00:30:00Z"),
        ),
        (
            "DST autumn, Paris: 02:30 happens twice; the first fires",
            "Europe/Paris",
            "sun",
            "02:30",
            "2026-10-18T00:30:30Z",
            monday("2026-10-05"),
            "2026-10-25T00:31:00Z",
            Yes("2026-10-25T00:30:00Z", "2026-W42", false),
        ),
        (
            "DST autumn, Paris: the second 02:30 does not fire again",
            "Europe/Paris",
            "sun",
            "02:30",
            "2026-10-25T00:31:00Z",
            monday("2026-10-12"),
            "2026-10-25T01:35:00Z",
            No("2026-11-01T01:30:00Z"),
        ),
    ];
    for (case, zone, day, time, mark_at, week, now, want) in cases {
        let got = due(
            &schedule(day, time),
            &cal(zone),
            Mark {
                at: at(mark_at),
                week,
            },
            at(now),
        );
        let expected = match want {
            No(next) => Due::No { next: at(next) },
            Yes(instant, label, late) => Due::Yes {
                at: at(instant),
                period: Period::week(label).unwrap(),
                late,
            },
        };
        assert_eq!(got, expected, "{case}");
    }
}

/// A machine checking every minute for seven weeks around the spring DST change in Paris runs
/// the export exactly once per scheduled instant, each for a different week, never late.
#[test]
fn checking_every_minute_runs_once_a_week_across_dst() {
    let cal = cal("Europe/Paris");
    for (day, time) in [("sun", "02:30"), ("sun", "02:00"), ("mon", "08:00")] {
        let s = schedule(day, time);
        let mut mark = Mark {
            at: at("2026-03-01T12:00:00Z"),
            week: None,
        };
        let mut weeks = Vec::new();
        let mut now = mark.at;
        while now < at("2026-04-19T12:00:00Z") {
            if let Due::Yes { period, late, .. } = due(&s, &cal, mark, now) {
                assert!(!late, "{day} {time}: late at {now}");
                weeks.push(period.label());
                mark = Mark {
                    at: now,
                    week: Some(period.from),
                };
            }
            now += 60;
        }
        let want: Vec<String> = (9..=15).map(|w| format!("2026-W{w:02}")).collect();
        assert_eq!(weeks, want, "{day} {time}");
    }
}

#[test]
fn schedules_read_and_write_as_words() {
    let s = schedule("Monday", " 8:05");
    assert_eq!((s.day, s.time), (Weekday::Mon, (8, 5)));
    let text = ScheduleText::from(s.clone());
    assert_eq!((text.day.as_str(), text.time.as_str()), ("mon", "08:05"));
    assert_eq!(Schedule::try_from(text).unwrap(), s);
    for (day, time, folder) in [
        ("mon", "25:00", "/x"),
        ("mon", "8h", "/x"),
        ("someday", "08:00", "/x"),
        ("mon", "08:00", " "),
    ] {
        let bad = ScheduleText {
            day: day.into(),
            time: time.into(),
            folder: folder.into(),
            format: Format::Csv,
        };
        assert!(Schedule::try_from(bad).is_err(), "{day} {time} {folder:?}");
    }
    let p = Period::week("2026-W47").unwrap();
    assert_eq!(s.file_name(&p), "siphon-2026-W47.xlsx");
}
