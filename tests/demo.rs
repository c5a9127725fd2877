//! The demo workspace: every shipped message parses cleanly, and importing it into an empty
//! workspace gives a lived-in shared inbox (tickets in every view and status, a history by several
//! agents, mail in three languages that search finds), once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use siphon::account::{Account, AuthMech, ImapSettings, Security};
use siphon::engine::{Engine, Paths};
use siphon::ticket::index::{Query, View};

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("demo")
}

/// Every message file under demo/, as (path under demo/, bytes).
fn demo_files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for folder in ["mail", "sent"] {
        for entry in std::fs::read_dir(demo_dir().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let name = format!("{folder}/{}", path.file_name().unwrap().to_string_lossy());
            assert!(name.ends_with(".eml"), "{name} is not an .eml file");
            out.push((name, std::fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

fn engine(dir: &Path) -> Engine {
    Engine::new(Paths::resolve(Some(dir.to_path_buf())).unwrap(), "test")
}

fn count(counts: &[(View, usize)], view: View) -> usize {
    counts
        .iter()
        .find(|(v, _)| *v == view)
        .map_or(0, |(_, n)| *n)
}

#[test]
fn every_demo_message_parses_cleanly() {
    let files = demo_files();
    assert!(files.len() >= 100, "only {} demo messages", files.len());
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut records = Vec::new();
    for (name, raw) in &files {
        let hash = siphon::store::content_hash(raw);
        let rec = siphon::mail::parse(raw, &hash, None).record;
        assert!(!rec.unparsed, "{name} does not parse");
        assert!(rec.problems.is_empty(), "{name}: {:?}", rec.problems);
        assert!(!rec.synthetic_id, "{name} has no Message-ID");
        assert!(!rec.subject.is_empty(), "{name} has no subject");
        let (first, last) = (
            chrono::DateTime::parse_from_rfc3339("2026-10-26T00:00:00Z").unwrap(),
            chrono::DateTime::parse_from_rfc3339("2026-11-21T00:00:00Z").unwrap(),
        );
        assert!(
            (first.timestamp()..last.timestamp()).contains(&rec.date),
            "{name} is dated outside the demo's weeks"
        );
        if let Some(other) = ids.insert(rec.message_id.clone(), name.clone()) {
            panic!("{name} and {other} share a Message-ID");
        }
        if name.starts_with("sent/") {
            assert_eq!(rec.from[0].email, "support@brindle.example", "{name}");
        }
        records.push((name.clone(), rec));
    }
    // A reply cites the message it answers, which is in the demo (the auto-reply aside: it
    // answers an announcement sent from elsewhere) and older than the reply.
    let dates: HashMap<&str, i64> = records
        .iter()
        .map(|(_, r)| (r.message_id.as_str(), r.date))
        .collect();
    for (name, rec) in &records {
        for parent in &rec.in_reply_to {
            if rec.auto_submitted.is_some() {
                continue;
            }
            let at = dates
                .get(parent.as_str())
                .unwrap_or_else(|| panic!("{name} answers <{parent}>, which is not in demo/"));
            assert!(
                *at < rec.date,
                "{name} is older than the message it answers"
            );
        }
    }
}

#[test]
fn the_demo_workspace_is_lived_in_and_imported_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(dir.path());
    assert!(!e.is_demo());
    let summary = e.import_demo().unwrap();
    assert!(summary.imported);
    assert!(e.is_demo());
    // Every file under demo/ is compiled in (see demo/files.rs).
    assert_eq!(summary.messages, demo_files().len());
    assert!(summary.tickets >= 40, "{summary:?}");

    let counts = e.view_counts().unwrap();
    for view in [
        View::Bugs,
        View::Features,
        View::Questions,
        View::Mine,
        View::Pending,
        View::Closed,
        View::Snoozed,
        View::Open,
    ] {
        assert!(
            count(&counts, view) > 0,
            "the {} view is empty",
            view.name()
        );
    }
    assert_eq!(count(&counts, View::NotTickets), 3, "{counts:?}");

    // Synced as far as status can tell, and nothing unparsed.
    let status = e.status().unwrap();
    assert_eq!(status.accounts.len(), 1);
    assert_eq!(status.accounts[0].email, "support@brindle.example");
    assert!(
        status.accounts[0]
            .folders
            .iter()
            .all(|f| f.last_sync.is_some() && f.messages > 0),
        "{status:?}"
    );
    assert!(status.unparsed.is_empty());

    // English, French and Indonesian mail, each found by its words.
    for word in [
        "daylight",
        "facture",
        "sinkronisasi",
        "pengingat",
        "réunion",
    ] {
        let hits = e.search(word, 10, false).unwrap();
        assert!(!hits.is_empty(), "nothing found for {word}");
    }

    // Dates are moved so the newest message is a couple of hours old.
    let all = e
        .tickets(&Query {
            all: true,
            ..Query::default()
        })
        .unwrap();
    let newest = all
        .iter()
        .flat_map(|t| [t.last_customer_message, t.last_team_message])
        .flatten()
        .max()
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(
        newest <= now - 3600 && newest > now - 86_400,
        "the newest message is {} s old",
        now - newest
    );
    assert!(all.iter().any(|t| t.unread && !t.not_a_ticket));
    assert!(all.iter().any(|t| !t.unread && !t.not_a_ticket));
    assert!(all.iter().any(|t| t.notes > 0 && t.assignee.is_some()));

    // A ticket the script has two agents act on shows both in its history.
    let script: toml::Value =
        toml::from_str(&std::fs::read_to_string(demo_dir().join("script.toml")).unwrap()).unwrap();
    let mut agents_by_ticket: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for act in script["act"].as_array().unwrap() {
        agents_by_ticket
            .entry(act["ticket"].as_str().unwrap())
            .or_default()
            .insert(act["by"].as_str().unwrap());
    }
    let (shared, _) = agents_by_ticket
        .iter()
        .find(|(_, by)| by.len() >= 2)
        .expect("no ticket with acts by two agents");
    let detail = e.ticket(shared, false).unwrap();
    let actors: HashSet<&str> = detail.history.iter().map(|h| h.actor.as_str()).collect();
    assert!(actors.len() >= 2, "{:?}", detail.history);

    // The team acted over the weeks, after the mail, not all in the second of the import.
    let secs = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp();
    let acts: BTreeSet<i64> = detail.history.iter().map(|h| secs(&h.at)).collect();
    assert!(acts.len() >= 2, "{:?}", detail.history);
    let last_message = detail.messages.iter().map(|m| secs(&m.date)).max().unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(
        acts.iter().all(|at| *at > last_message && *at < now - 60),
        "acts at {acts:?}, last message at {last_message}, now {now}"
    );
    let minutes: BTreeSet<i64> = all
        .iter()
        .filter(|t| !t.not_a_ticket)
        .map(|t| t.last_activity / 60)
        .collect();
    assert!(minutes.len() > 20, "last activity in minutes: {minutes:?}");
    let future: Vec<&str> = all
        .iter()
        .filter(|t| t.last_activity >= now)
        .map(|t| t.id.as_str())
        .collect();
    assert!(future.is_empty(), "active in the future: {future:?}");

    // A second import, in this process or the next, changes nothing.
    let again = e.import_demo().unwrap();
    assert!(!again.imported);
    assert_eq!(again.tickets, summary.tickets);
    assert_eq!(again.messages, summary.messages);
    drop(e);
    let mut reopened = engine(dir.path());
    assert!(reopened.is_demo());
    let third = reopened.import_demo().unwrap();
    assert!(!third.imported);
    assert_eq!(third.tickets, summary.tickets);
}

#[test]
fn a_workspace_with_a_real_account_refuses_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(dir.path());
    e.account_add(
        Account {
            name: "support".into(),
            display_name: String::new(),
            email: "support@acme.example".into(),
            aliases: vec![],
            folders: vec![],
            imap: ImapSettings {
                host: "imap.acme.example".into(),
                port: 993,
                security: Security::Tls,
                user: "support".into(),
                ca_cert: None,
                auth: AuthMech::Password,
                password_cmd: Some("echo secret".into()),
            },
            smtp: None,
        },
        None,
    )
    .unwrap();
    let err = e.import_demo().unwrap_err();
    assert_eq!(err.kind(), "usage", "{err}");
    assert!(!e.is_demo());
    assert_eq!(e.config().unwrap().accounts[0].name, "support");
}
