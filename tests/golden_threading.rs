//! Golden threading fixtures, through the real product path: each case under
//! `tests/fixtures/threading/` is delivered to a real dovecot (its `INBOX/` and `Sent/` folders),
//! synced into a fresh workspace with `siphon sync`, and the conversations of
//! `siphon tickets --all --json` are compared with the case's `expected.json`. The layout and the
//! conventions are in `tests/fixtures/threading/README.md`.
//!
//! Groupings are compared as multisets of multisets of Message-IDs: the order of conversations and
//! of messages inside them does not matter, but every copy of a Message-ID shared by two different
//! messages counts. A suite that finds no fixture, a case without `expected.json` or without
//! messages, or an `expected.json` that does not list each message of its case once, fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The address the fixtures' team writes from and receives at.
const TEAM: &str = "support@acme.example";
/// The folders a case may fill: subdirectories of the case, IMAP folders of its mailbox.
const FOLDERS: &[&str] = &["INBOX", "Sent"];
/// How `expected.json` names a message without a Message-ID: this prefix, then its Subject (decoded,
/// trimmed).
const BY_SUBJECT: &str = "@subject:";
/// The domain of the Message-IDs Siphon derives for messages that have none.
const DERIVED: &str = "@siphon.invalid";
/// The files a case directory may hold besides its folders.
const CASE_FILES: &[&str] = &["expected.json", "about.txt", "LICENSE.txt", "SOURCE.txt"];

/// One fixture message: where it goes, its bytes, and how `expected.json` names it.
struct Message {
    folder: &'static str,
    raw: Vec<u8>,
    /// The Message-ID without angle brackets, or `@subject:<Subject>` when it has none.
    key: String,
    subject: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    tickets: Vec<Vec<String>>,
    not_tickets: Vec<Vec<String>>,
}

struct Case {
    name: String,
    messages: Vec<Message>,
    expected: Expected,
}

/// One conversation as `tickets --all --json` shows it, ids mapped to fixture keys.
struct Conversation {
    keys: Vec<String>,
    not_a_ticket: bool,
    subject: String,
}

#[test]
fn every_threading_fixture_groups_into_its_expected_conversations() {
    let cases = load_cases();
    let users = cases
        .iter()
        .map(|c| (c.name.clone(), format!("golden-{}", c.name)))
        .collect();
    let d = Dovecot::start_with(Options {
        users,
        ..Options::default()
    })
    .expect("dovecot");
    let mut failures = Vec::new();
    for case in &cases {
        let started = Instant::now();
        let verdict = match run_case(&d, case) {
            Ok(got) => compare(case, &got),
            Err(e) => Some(e),
        };
        eprintln!(
            "{}: {} messages, {} in {:.1?}",
            case.name,
            case.messages.len(),
            if verdict.is_none() { "ok" } else { "DIFFERS" },
            started.elapsed()
        );
        if let Some(diff) = verdict {
            failures.push(format!("=== {}\n{diff}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} threading fixtures differ from expected.json:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/threading")
}

fn load_cases() -> Vec<Case> {
    let root = fixtures_dir();
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", root.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(
        !dirs.is_empty(),
        "no threading fixtures in {}",
        root.display()
    );
    dirs.iter().map(|d| load_case(d)).collect()
}

fn load_case(dir: &Path) -> Case {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    // The case name is also the dovecot login of its mailbox.
    assert!(
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
        "{name}: fixture directory names may hold only [A-Za-z0-9._-]"
    );
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let file = entry.file_name().to_string_lossy().into_owned();
        let known = if entry.path().is_dir() {
            FOLDERS.contains(&file.as_str())
        } else {
            CASE_FILES.contains(&file.as_str())
        };
        assert!(
            known,
            "{name}: unexpected {file:?} (folders: {FOLDERS:?}; files: {CASE_FILES:?})"
        );
    }
    let expected_path = dir.join("expected.json");
    let text = fs::read_to_string(&expected_path)
        .unwrap_or_else(|e| panic!("{name}: cannot read {}: {e}", expected_path.display()));
    let expected: Expected = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{name}: expected.json is not of the documented shape: {e}"));
    let mut messages = Vec::new();
    for &folder in FOLDERS {
        let sub = dir.join(folder);
        if !sub.is_dir() {
            continue;
        }
        let mut files: Vec<PathBuf> = fs::read_dir(&sub)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for path in files {
            assert!(
                path.extension().is_some_and(|x| x == "eml"),
                "{name}: {} is not an .eml file",
                path.display()
            );
            let raw = fs::read(&path).unwrap();
            let parsed = mail_parser::MessageParser::default()
                .parse(&raw)
                .unwrap_or_else(|| panic!("{name}: {} is not a message", path.display()));
            let subject = parsed.subject().unwrap_or_default().trim().to_string();
            let key = match parsed.message_id() {
                Some(id) => id
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string(),
                None => format!("{BY_SUBJECT}{subject}"),
            };
            messages.push(Message {
                folder,
                raw,
                key,
                subject,
            });
        }
    }
    assert!(!messages.is_empty(), "{name}: the fixture has no messages");
    let case = Case {
        name,
        messages,
        expected,
    };
    check_listing(&case);
    case
}

/// `expected.json` must list every message of the case exactly once (a Message-ID carried by two
/// messages: twice), and nothing else.
fn check_listing(case: &Case) {
    let groups = case
        .expected
        .tickets
        .iter()
        .chain(&case.expected.not_tickets);
    assert!(
        groups.clone().all(|g| !g.is_empty()),
        "{}: expected.json has an empty group",
        case.name
    );
    let mut count: BTreeMap<&str, i64> = BTreeMap::new();
    for key in groups.flatten() {
        *count.entry(key.as_str()).or_default() += 1;
    }
    for m in &case.messages {
        *count.entry(m.key.as_str()).or_default() -= 1;
    }
    let wrong: Vec<String> = count
        .iter()
        .filter(|(_, n)| **n != 0)
        .map(|(key, n)| match n.signum() {
            1 => format!("  listed {n} time(s) too many: {key}"),
            _ => format!("  not listed ({} message(s)): {key}", -n),
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{}: expected.json must list each message of the fixture exactly once:\n{}",
        case.name,
        wrong.join("\n")
    );
}

/// Delivers the case to its own mailbox, syncs it into a fresh workspace and reads the
/// conversations back. `Err` says which step failed, for the report.
fn run_case(d: &Dovecot, case: &Case) -> Result<Vec<Conversation>, String> {
    let login = case.name.as_str();
    for &folder in FOLDERS {
        let mut raws = case
            .messages
            .iter()
            .filter(|m| m.folder == folder)
            .map(|m| m.raw.clone());
        d.append_many(login, folder, &mut raws)
            .map_err(|e| format!("delivering {folder}: {e:#}"))?;
    }
    let w = Workspace::new();
    let port = d.imaps_port().to_string();
    let password = format!("printf %s '{}'", d.password(login));
    let ca = d.ca_cert().to_string_lossy().into_owned();
    siphon(
        &w,
        &[
            "account",
            "add",
            "support",
            "--email",
            TEAM,
            "--imap-host",
            "127.0.0.1",
            "--imap-port",
            &port,
            "--imap-user",
            login,
            "--password-cmd",
            &password,
            "--ca-cert",
            &ca,
        ],
    )?;
    siphon(&w, &["sync"])?;
    let out = siphon(&w, &["tickets", "--all", "--json"])?;
    let list: serde_json::Value = serde_json::from_str(&out)
        .map_err(|e| format!("`siphon tickets --all --json` printed no JSON ({e}):\n{out}"))?;
    let list = list
        .as_array()
        .ok_or_else(|| format!("`siphon tickets --all --json` printed no array:\n{out}"))?;
    list.iter()
        .map(|t| conversation(&w, t).map_err(|e| format!("{e} in {t}")))
        .collect()
}

/// Runs `siphon ARGS…`; its stdout, or a description of the failure.
fn siphon(w: &Workspace, args: &[&str]) -> Result<String, String> {
    let out = w.run(args);
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    Err(format!(
        "`siphon {}` failed ({}):\n{}{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    ))
}

fn conversation(w: &Workspace, ticket: &serde_json::Value) -> Result<Conversation, String> {
    let ids = ticket["message_ids"]
        .as_array()
        .ok_or("no message_ids array")?;
    let mut keys = Vec::with_capacity(ids.len());
    for id in ids {
        let id = id.as_str().ok_or("a message id that is not a string")?;
        keys.push(if id.ends_with(DERIVED) {
            derived_key(w, id)
        } else {
            id.to_string()
        });
    }
    Ok(Conversation {
        keys,
        not_a_ticket: ticket["not_a_ticket"]
            .as_bool()
            .ok_or("no not_a_ticket boolean")?,
        subject: ticket["subject"].as_str().unwrap_or("").to_string(),
    })
}

/// The fixture key of a message whose Message-ID Siphon derived: `@subject:` and its Subject, as
/// `siphon message show` reports it (the id itself, should that fail: the diff will show it).
fn derived_key(w: &Workspace, id: &str) -> String {
    siphon(w, &["message", "show", id, "--json"])
        .ok()
        .and_then(|out| serde_json::from_str::<serde_json::Value>(&out).ok())
        .and_then(|v| v["record"]["subject"].as_str().map(str::to_string))
        .map(|subject| format!("{BY_SUBJECT}{subject}"))
        .unwrap_or_else(|| id.to_string())
}

/// One group, normalised for comparison: its kind and its sorted keys.
type Group = (bool, Vec<String>);

fn kind(not_a_ticket: bool) -> &'static str {
    if not_a_ticket { "not-ticket" } else { "ticket" }
}

/// `None` when the conversations are the expected ones; otherwise a readable account of which
/// expected group was split, merged, misclassified or lost.
fn compare(case: &Case, got: &[Conversation]) -> Option<String> {
    let normal = |not_a_ticket: bool, keys: &[String]| -> Group {
        let mut keys = keys.to_vec();
        keys.sort();
        (not_a_ticket, keys)
    };
    let mut want: Vec<Group> = case
        .expected
        .tickets
        .iter()
        .map(|g| normal(false, g))
        .chain(case.expected.not_tickets.iter().map(|g| normal(true, g)))
        .collect();
    let mut have: Vec<Group> = got
        .iter()
        .map(|c| normal(c.not_a_ticket, &c.keys))
        .collect();
    want.sort();
    have.sort();
    if want == have {
        return None;
    }

    let subjects: BTreeMap<&str, &str> = case
        .messages
        .iter()
        .map(|m| (m.key.as_str(), m.subject.as_str()))
        .collect();
    let label = |key: &str| match subjects.get(key) {
        Some(subject) => format!("{key}  \"{subject}\""),
        None => format!("{key}  (not a message of this fixture)"),
    };
    // Number the conversations as the output listed them, for cross-references.
    let mut where_: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (n, c) in got.iter().enumerate() {
        for key in &c.keys {
            where_.entry(key.as_str()).or_default().push(n + 1);
        }
    }
    let matched = |g: &Group, pool: &mut Vec<Group>| -> bool {
        match pool.iter().position(|p| p == g) {
            Some(i) => {
                pool.remove(i);
                true
            }
            None => false,
        }
    };
    let mut spare = have.clone();
    let unmatched_want: Vec<&Group> = want.iter().filter(|g| !matched(g, &mut spare)).collect();
    let mut spare = want.clone();
    let unmatched_have: Vec<usize> = got
        .iter()
        .enumerate()
        .filter(|(_, c)| !matched(&normal(c.not_a_ticket, &c.keys), &mut spare))
        .map(|(n, _)| n + 1)
        .collect();

    let mut out = String::new();
    for (not_a_ticket, keys) in unmatched_want {
        let mut convs: Vec<usize> = keys
            .iter()
            .flat_map(|k| where_.get(k.as_str()).into_iter().flatten().copied())
            .collect();
        convs.sort_unstable();
        convs.dedup();
        let missing: Vec<&String> = keys
            .iter()
            .filter(|k| !where_.contains_key(k.as_str()))
            .collect();
        let mut verdict = Vec::new();
        if convs.len() > 1 {
            verdict.push(format!("SPLIT across conversations {convs:?}"));
        }
        let merged = convs
            .iter()
            .any(|&n| got[n - 1].keys.iter().any(|k| !keys.contains(k)));
        if merged {
            verdict.push("MERGED with other messages".to_string());
        }
        if convs
            .iter()
            .any(|&n| got[n - 1].not_a_ticket != *not_a_ticket)
        {
            verdict.push(format!("listed as {} instead", kind(!not_a_ticket)));
        }
        if !missing.is_empty() {
            verdict.push(format!(
                "{} message(s) MISSING from the output",
                missing.len()
            ));
        }
        if verdict.is_empty() {
            verdict.push("a Message-ID shared by two messages is not placed as expected".into());
        }
        writeln!(
            out,
            "expected {} of {} message(s): {}",
            kind(*not_a_ticket),
            keys.len(),
            verdict.join("; ")
        )
        .unwrap();
        for key in keys {
            let at = match where_.get(key.as_str()) {
                Some(ns) => format!("in conversation {ns:?}"),
                None => "MISSING".to_string(),
            };
            writeln!(out, "    {}  -> {at}", label(key)).unwrap();
        }
    }
    for n in unmatched_have {
        let c = &got[n - 1];
        writeln!(
            out,
            "got conversation {n}: {} \"{}\" of {} message(s):",
            kind(c.not_a_ticket),
            c.subject,
            c.keys.len()
        )
        .unwrap();
        for key in &c.keys {
            writeln!(out, "    {}", label(key)).unwrap();
        }
    }
    Some(out)
}
