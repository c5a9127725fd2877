//! The weekly export fires: `siphon export schedule` on the demo workspace, then
//! `siphon export run-scheduled` through the real binary at chosen instants (`--now`). Before its
//! time nothing is written; after it, the last full ISO week is written once as a valid XLSX, a
//! second check writes nothing, the week after writes the next file (late, as after a machine
//! that was off), and a folder that cannot be written fails without counting as done.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use calamine::{Reader, Xlsx, open_workbook};
use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use serde_json::Value;
use siphon::engine::{Engine, Paths};

fn siphon(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_siphon"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

fn json(data: &Path, args: &[&str]) -> Value {
    let out = siphon(data, args);
    assert!(
        out.status.success(),
        "siphon {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// "2026-W47" of the ISO week before the one `t` is in (UTC, the demo's zone).
fn week_before(t: DateTime<Utc>) -> String {
    let w = (t - Duration::days(7)).iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

fn set(data: &Path, at: DateTime<Utc>, folder: &Path) -> Value {
    let day = at.weekday().to_string().to_ascii_lowercase();
    let time = format!("{:02}:{:02}", at.hour(), at.minute());
    json(
        data,
        &[
            "export",
            "schedule",
            "--day",
            &day,
            "--time",
            &time,
            "--folder",
            &folder.display().to_string(),
            "--format",
            "xlsx",
            "--json",
        ],
    )
}

fn run_at(data: &Path, now: DateTime<Utc>) -> Output {
    siphon(
        data,
        &[
            "export",
            "run-scheduled",
            "--json",
            "--now",
            &now.to_rfc3339(),
        ],
    )
}

fn run_ok(data: &Path, now: DateTime<Utc>) -> Value {
    let out = run_at(data, now);
    assert!(
        out.status.success(),
        "run-scheduled at {now} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_weekly_export_fires_once_per_week_and_waits_for_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("ws");
    Engine::new(Paths::resolve(Some(data.clone())).unwrap(), "test")
        .import_demo()
        .unwrap();
    let folder = dir.path().join("reports").join("weekly");

    // Scheduled an hour from now (whole minutes): set now, so not owed yet.
    let now = Utc::now()
        .with_second(0)
        .unwrap()
        .with_nanosecond(0)
        .unwrap();
    let instant = now + Duration::hours(1);
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, "not a folder").unwrap();
    let status = set(&data, instant, &blocked.join("weekly"));
    assert_eq!(
        DateTime::parse_from_rfc3339(status["next"].as_str().unwrap()).unwrap(),
        instant,
        "{status}"
    );

    // Before its time nothing is written.
    assert_eq!(
        json(&data, &["export", "run-scheduled", "--json"]),
        Value::Null
    );
    assert_eq!(run_ok(&data, instant - Duration::minutes(1)), Value::Null);

    // A folder that cannot be made fails clearly, and the run is not counted as done.
    let out = run_at(&data, instant + Duration::minutes(2));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a-file"), "{err}");

    // The folder fixed (and missing: it is created), the same check writes last week.
    set(&data, instant, &folder);
    let done = run_ok(&data, instant + Duration::minutes(2));
    let week = week_before(instant);
    let file = format!("siphon-{week}.xlsx");
    assert_eq!(done["file"], file.as_str(), "{done}");
    assert_eq!(done["week"], week.as_str());
    assert_eq!(done["late"], false);
    assert_eq!(files(&folder), std::slice::from_ref(&file));
    let mut book: Xlsx<_> = open_workbook(folder.join(&file)).unwrap();
    assert_eq!(book.sheet_names(), ["Tickets", "Summary", "By week"]);
    let rows = book.worksheet_range("Tickets").unwrap().rows().count();
    assert_eq!(rows as u64, done["tickets"].as_u64().unwrap() + 1);

    // Checked again (the app checks every minute): nothing more.
    assert_eq!(run_ok(&data, instant + Duration::minutes(3)), Value::Null);
    assert_eq!(run_ok(&data, instant + Duration::days(6)), Value::Null);
    assert_eq!(files(&folder), std::slice::from_ref(&file));

    // The machine off at the next instant: written at the next check, late, one file.
    let later = instant + Duration::days(9);
    let done = run_ok(&data, later);
    let next = format!("siphon-{}.xlsx", week_before(instant + Duration::days(7)));
    assert_eq!(done["file"], next.as_str(), "{done}");
    assert_eq!(done["late"], true);
    assert_eq!(run_ok(&data, later + Duration::minutes(1)), Value::Null);
    let mut want = vec![file, next];
    want.sort();
    assert_eq!(files(&folder), want);

    // Off: nothing, even weeks later.
    json(&data, &["export", "schedule", "--off", "--json"]);
    assert_eq!(run_ok(&data, later + Duration::days(30)), Value::Null);
    assert_eq!(files(&folder).len(), 2);
}
