use super::*;

const H: i64 = 3600;

fn utc(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| d.timestamp())
        .unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn days(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn paris(start: u32, end: u32, on: &[&str]) -> Calendar {
    Calendar::new("Europe/Paris", &days(on), start, end).unwrap()
}

const WEEKDAYS: [&str; 5] = ["mon", "tue", "wed", "thu", "fri"];
const EVERY_DAY: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[test]
fn business_seconds_in_utc_mon_to_fri_9_to_17() {
    let cal = Calendar::default();
    // 2026-11-16 is a Monday.
    let cases = [
        (
            "within one day",
            "2026-11-16T10:00:00Z",
            "2026-11-16T12:00:00Z",
            2 * H,
        ),
        (
            "before and after hours",
            "2026-11-16T07:00:00Z",
            "2026-11-16T20:00:00Z",
            8 * H,
        ),
        (
            "overnight",
            "2026-11-16T16:00:00Z",
            "2026-11-17T10:00:00Z",
            2 * H,
        ),
        (
            "over the weekend",
            "2026-11-20T16:00:00Z",
            "2026-11-23T10:00:00Z",
            2 * H,
        ),
        (
            "all weekend",
            "2026-11-21T10:00:00Z",
            "2026-11-22T18:00:00Z",
            0,
        ),
        (
            "a whole week",
            "2026-11-16T00:00:00Z",
            "2026-11-23T00:00:00Z",
            40 * H,
        ),
        (
            "backwards",
            "2026-11-16T12:00:00Z",
            "2026-11-16T10:00:00Z",
            0,
        ),
        ("empty", "2026-11-16T12:00:00Z", "2026-11-16T12:00:00Z", 0),
    ];
    for (name, from, to, want) in cases {
        assert_eq!(cal.business_secs(utc(from), utc(to)), want, "{name}");
    }
}

#[test]
fn business_seconds_across_the_paris_dst_changes() {
    let cal = paris(9, 17, &WEEKDAYS);
    let all_day = paris(0, 24, &EVERY_DAY);
    let cases: [(&str, &Calendar, &str, &str, i64); 6] = [
        // Clocks go back on Sunday 2026-10-25, 03:00 CEST → 02:00 CET.
        // Fri 16:00 CEST → Mon 10:00 CET: one business hour each side; 67 wall hours.
        (
            "weekend of the change",
            &cal,
            "2026-10-23T14:00:00Z",
            "2026-10-26T09:00:00Z",
            2 * H,
        ),
        (
            "a day before the change",
            &cal,
            "2026-10-23T07:00:00Z",
            "2026-10-23T15:00:00Z",
            8 * H,
        ),
        (
            "the day after, 09–17 CET",
            &cal,
            "2026-10-26T08:00:00Z",
            "2026-10-26T16:00:00Z",
            8 * H,
        ),
        (
            "the day of the change lasts 25 h",
            &all_day,
            "2026-10-24T22:00:00Z",
            "2026-10-25T23:00:00Z",
            25 * H,
        ),
        // Clocks go forward on Sunday 2026-03-29, 02:00 CET → 03:00 CEST.
        (
            "the spring day lasts 23 h",
            &all_day,
            "2026-03-28T23:00:00Z",
            "2026-03-29T22:00:00Z",
            23 * H,
        ),
        (
            "9–17 CEST after the spring change",
            &cal,
            "2026-03-30T07:00:00Z",
            "2026-03-30T15:00:00Z",
            8 * H,
        ),
    ];
    for (name, c, from, to, want) in cases {
        assert_eq!(c.business_secs(utc(from), utc(to)), want, "{name}");
    }
}

#[test]
fn the_table_agrees_with_the_day_by_day_sum() {
    for cal in [
        Calendar::default(),
        paris(9, 17, &WEEKDAYS),
        paris(0, 24, &EVERY_DAY),
        paris(8, 20, &["sat", "sun", "wed"]),
    ] {
        let first = NaiveDate::from_ymd_opt(2026, 3, 20).unwrap();
        let table = cal.table(first, NaiveDate::from_ymd_opt(2026, 11, 10).unwrap());
        let start = utc("2026-03-15T00:00:00Z");
        // Instants every 7 h 13 min over the range and past both ends (the fallback).
        let instants: Vec<i64> = (0..1000).map(|i| start + i * (7 * H + 13 * 60)).collect();
        for (i, &a) in instants.iter().enumerate().step_by(7) {
            for &b in &instants[i..(i + 200).min(instants.len())] {
                assert_eq!(
                    Business::business_secs(&table, a, b),
                    cal.business_secs(a, b),
                    "{a}..{b} in {:?}",
                    cal.zone
                );
            }
        }
    }
}

#[test]
fn periods_weeks_and_days() {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let w = Period::week("2026-W47").unwrap();
    assert_eq!((w.from, w.to), (d("2026-11-16"), d("2026-11-22")));
    assert_eq!(w.label(), "2026-W47");
    // ISO week 1 of 2027 starts in 2027-01-04; 2026 has 53 weeks, 2025 has 52.
    assert_eq!(Period::week("2027-W01").unwrap().from, d("2027-01-04"));
    assert_eq!(Period::week("2026-W53").unwrap().to, d("2027-01-03"));
    for bad in ["2025-W53", "2026-47", "W47", "2026-Wxx", ""] {
        assert!(Period::week(bad).is_err(), "{bad}");
    }
    let p = Period::days("2026-11-18", "2026-12-02").unwrap();
    assert_eq!(p.label(), "2026-11-18..2026-12-02");
    let weeks: Vec<(NaiveDate, NaiveDate)> = p.weeks().iter().map(|w| (w.from, w.to)).collect();
    assert_eq!(
        weeks,
        [
            (d("2026-11-18"), d("2026-11-22")),
            (d("2026-11-23"), d("2026-11-29")),
            (d("2026-11-30"), d("2026-12-02")),
        ]
    );
    assert!(Period::days("2026-11-20", "2026-11-01").is_err());
    assert!(Period::days("2026-02-30", "2026-03-01").is_err());
    // A day is from local midnight to local midnight: 25 h on the day Paris clocks go back.
    let cal = paris(9, 17, &WEEKDAYS);
    let (s, e) = Period::days("2026-10-25", "2026-10-25")
        .unwrap()
        .bounds(&cal);
    assert_eq!((s, e - s), (utc("2026-10-24T22:00:00Z"), 25 * H));
    let (s, e) = Period::week("2026-W47")
        .unwrap()
        .bounds(&Calendar::default());
    assert_eq!(
        (s, e),
        (utc("2026-11-16T00:00:00Z"), utc("2026-11-23T00:00:00Z"))
    );
}

#[test]
fn config_words() {
    assert_eq!(weekday("Monday").unwrap(), Weekday::Mon);
    assert_eq!(weekday("sat").unwrap(), Weekday::Sat);
    assert_eq!(weekday(" THU ").unwrap(), Weekday::Thu);
    for bad in ["mo", "sunday!", "lundi", ""] {
        assert!(weekday(bad).is_err(), "{bad}");
    }
    assert!(Calendar::new("Mars/Olympus", &days(&WEEKDAYS), 9, 17).is_err());
    assert!(Calendar::new("UTC", &days(&WEEKDAYS), 17, 9).is_err());
    assert!(Calendar::new("UTC", &days(&WEEKDAYS), 0, 25).is_err());
    assert!(Calendar::new("UTC", &days(&["mon", "someday"]), 9, 17).is_err());
    let c = Calendar::new("America/New_York", &days(&["sun"]), 0, 24).unwrap();
    assert_eq!(
        c.date(utc("2026-11-16T03:00:00Z")).to_string(),
        "2026-11-15"
    );
}
