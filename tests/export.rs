//! `siphon export` end to end: the demo workspace (a lived-in support mailbox with a known
//! history) exported by the real binary as CSV, XLSX and JSON, and read back — the XLSX with a
//! spreadsheet reader (calamine) and with LibreOffice headless (converted to CSV) — and compared
//! with each other and with the ticket list. An empty period gives valid files with headers only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;
use siphon::engine::{Engine, Paths};
use siphon::report::export::{COLUMNS, Shape};
use siphon::ticket::index::Query;

fn siphon(data: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_siphon"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "siphon {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A small RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

fn titles() -> Vec<String> {
    COLUMNS.iter().map(|c| c.title.to_string()).collect()
}

fn col(key: &str) -> usize {
    COLUMNS.iter().position(|c| c.key == key).unwrap()
}

/// A calamine cell as the text the CSV export writes for it.
fn as_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => format!("{f:.2}"),
        Data::Int(i) => i.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        other => other.to_string(),
    }
}

struct Workspace {
    _dir: tempfile::TempDir,
    data: PathBuf,
    /// Ids of the demo's tickets (automated mail aside).
    tickets: BTreeSet<String>,
}

fn demo() -> Workspace {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("ws");
    let mut e = Engine::new(Paths::resolve(Some(data.clone())).unwrap(), "test");
    e.import_demo().unwrap();
    let tickets = e
        .ticket_views(&Query {
            all: true,
            ..Query::default()
        })
        .unwrap()
        .into_iter()
        .filter(|t| !t.not_a_ticket)
        .map(|t| t.id)
        .collect();
    drop(e);
    Workspace {
        _dir: dir,
        data,
        tickets,
    }
}

/// The last 60 days (the demo's mail is all from the last few weeks), in UTC.
fn recent() -> (String, String) {
    let today = chrono::Utc::now().date_naive();
    (
        (today - chrono::Days::new(60)).to_string(),
        today.to_string(),
    )
}

#[test]
fn export_round_trips_through_csv_xlsx_json_and_libreoffice() {
    let ws = demo();
    assert!(
        ws.tickets.len() >= 20,
        "only {} demo tickets",
        ws.tickets.len()
    );
    let out = ws._dir.path();
    let (from, to) = recent();
    for ext in ["csv", "xlsx", "json"] {
        let path = out.join(format!("report.{ext}"));
        siphon(
            &ws.data,
            &[
                "export",
                "--from",
                &from,
                "--to",
                &to,
                "--format",
                ext,
                "--out",
                path.to_str().unwrap(),
            ],
        );
    }

    // JSON: every demo ticket, once.
    let json: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let rows = json["tickets"].as_array().unwrap();
    let ids: BTreeSet<String> = rows
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), rows.len(), "a ticket twice");
    assert_eq!(ids, ws.tickets, "the export's tickets are not the demo's");
    assert_eq!(
        json["summary"]["totals"]["active"].as_u64(),
        Some(rows.len() as u64)
    );
    assert!(
        rows.iter()
            .any(|r| r["status"] == "closed" && r["resolution_hours"].is_number())
    );
    assert!(rows.iter().any(|r| r["first_response_hours"].is_number()));
    for r in rows {
        let id = r["id"].as_str().unwrap();
        assert_eq!(r["link"], format!("siphon://ticket/{id}"));
    }

    // CSV: BOM, the header, then the same tickets in the same order.
    let csv = std::fs::read_to_string(out.join("report.csv")).unwrap();
    let csv = csv.strip_prefix('\u{feff}').expect("no byte-order mark");
    let csv = parse_csv(csv);
    assert_eq!(csv[0], titles());
    let csv = &csv[1..];
    assert_eq!(csv.len(), rows.len());
    for (c, j) in csv.iter().zip(rows) {
        assert_eq!(c.len(), COLUMNS.len());
        assert_eq!(c[col("id")], j["id"].as_str().unwrap());
        assert_eq!(c[col("status")], j["status"].as_str().unwrap());
        let subject = j["subject"].as_str().unwrap();
        assert!(c[col("subject")] == subject || c[col("subject")] == format!("'{subject}"));
        match j["resolution_hours"].as_f64() {
            Some(h) => assert_eq!(c[col("resolution_hours")], format!("{h:.2}")),
            None => assert_eq!(c[col("resolution_hours")], ""),
        }
    }

    // XLSX read back with calamine: sheets in order, real dates, same cells as the CSV.
    let mut book: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["Tickets", "Summary", "By week"]);
    let sheet = book.worksheet_range("Tickets").unwrap();
    let cells: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert!(cells.len() > 1, "the Tickets sheet has no rows");
    let header: Vec<String> = cells[0].iter().map(as_text).collect();
    assert_eq!(header, titles());
    assert_eq!(cells.len() - 1, csv.len());
    for (x, c) in cells[1..].iter().zip(csv) {
        assert!(
            matches!(x[col("created")], Data::DateTime(_)),
            "created is {:?}",
            x[col("created")]
        );
        let as_csv: Vec<String> = x
            .iter()
            .zip(COLUMNS)
            .map(|(d, c)| match (d, c.shape) {
                (Data::Float(f), Shape::Hours) => format!("{f:.2}"),
                _ => as_text(d),
            })
            .collect();
        let unneutralised: Vec<String> = c
            .iter()
            .map(|s| s.strip_prefix('\'').unwrap_or(s).to_string())
            .collect();
        assert_eq!(as_csv, unneutralised);
    }
    let summary = book.worksheet_range("Summary").unwrap();
    let active = summary
        .rows()
        .find(|r| r[0] == Data::String("Tickets active".into()))
        .expect("no active figure");
    assert_eq!(as_text(&active[1]), rows.len().to_string());
    let weeks = book.worksheet_range("By week").unwrap();
    assert!(weeks.rows().count() >= 9, "the By week sheet lacks weeks");

    // LibreOffice reads the same Tickets sheet.
    let lo = libreoffice_csv(&out.join("report.xlsx"), out);
    assert_eq!(lo[0], titles());
    assert_eq!(lo.len() - 1, csv.len());
    for (l, c) in lo[1..].iter().zip(csv) {
        for key in [
            "id",
            "status",
            "created",
            "resolution_hours",
            "team_messages",
            "link",
        ] {
            assert_eq!(l[col(key)], c[col(key)], "{key} of {}", c[0]);
        }
    }
}

/// Converts the first sheet of an XLSX file to CSV with LibreOffice headless (a private profile,
/// so parallel runs do not clash) and reads it.
fn libreoffice_csv(xlsx: &Path, dir: &Path) -> Vec<Vec<String>> {
    let profile = dir.join("lo-profile");
    let converted = dir.join("lo");
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
        ])
        .arg(&converted)
        .arg(xlsx)
        .status()
        .expect("LibreOffice (soffice) is not installed; scripts/setup installs it");
    assert!(status.success());
    let stem = xlsx.file_stem().unwrap().to_string_lossy();
    let text = std::fs::read_to_string(converted.join(format!("{stem}.csv"))).unwrap();
    parse_csv(text.trim_start_matches('\u{feff}'))
}

#[test]
fn an_empty_period_gives_headers_only() {
    let ws = demo();
    let out = ws._dir.path();
    for ext in ["csv", "xlsx", "json"] {
        let path = out.join(format!("empty.{ext}"));
        siphon(
            &ws.data,
            &[
                "export",
                "--week",
                "2001-W01",
                "--out",
                path.to_str().unwrap(),
            ],
        );
    }
    let csv = std::fs::read_to_string(out.join("empty.csv")).unwrap();
    let rows = parse_csv(csv.strip_prefix('\u{feff}').unwrap());
    assert_eq!(rows, vec![titles()]);
    let json: Value =
        serde_json::from_slice(&std::fs::read(out.join("empty.json")).unwrap()).unwrap();
    assert_eq!(json["tickets"].as_array().map(Vec::len), Some(0));
    assert_eq!(json["summary"]["totals"]["active"], 0);
    let mut book: Xlsx<_> = open_workbook(out.join("empty.xlsx")).unwrap();
    let sheet = book.worksheet_range("Tickets").unwrap();
    let all: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(as_text).collect())
        .collect();
    assert_eq!(all, vec![titles()]);
    assert_eq!(book.worksheet_range("By week").unwrap().rows().count(), 2);
    let lo = libreoffice_csv(&out.join("empty.xlsx"), out);
    assert_eq!(lo, vec![titles()]);
}
