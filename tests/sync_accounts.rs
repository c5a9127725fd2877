//! Two accounts with INBOX and Sent sync completely; a second sync transfers nothing new.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

#[test]
fn two_accounts_sync_completely_and_resync_is_a_no_op() {
    let d = Dovecot::start().expect("dovecot");
    seed(&d, "support", "INBOX", "support-in", 25);
    seed(&d, "support", "Sent", "support-sent", 10);
    seed(&d, "billing", "INBOX", "billing-in", 15);
    seed(&d, "billing", "Sent", "billing-sent", 5);
    let w = Workspace::new();
    w.add_account(&d, "support", "support", &[]);
    w.add_account(
        &d,
        "billing",
        "billing",
        &["--alias", "invoices@acme.example"],
    );

    let out = w.ok(&["sync"]);
    assert!(out.contains("support/INBOX: 25 new"), "{out}");
    assert!(out.contains("billing/Sent: 5 new"), "{out}");
    assert_eq!(
        w.counts(),
        vec![
            ("billing/INBOX".to_string(), 15),
            ("billing/Sent".to_string(), 5),
            ("support/INBOX".to_string(), 25),
            ("support/Sent".to_string(), 10),
        ]
    );
    let status = w.status();
    for a in status["accounts"].as_array().unwrap() {
        for f in a["folders"].as_array().unwrap() {
            assert!(f["last_sync"].as_str().unwrap().ends_with('Z'), "{f}");
            assert!(f["errors"].as_array().unwrap().is_empty(), "{f}");
        }
    }

    // A second pass finds nothing to transfer.
    let out = w.ok(&["sync"]);
    for line in out.lines() {
        assert!(
            line.contains(": 0 new ("),
            "resync transferred something: {line}"
        );
    }

    // The message is readable, raw and parsed, with its location.
    let shown = w.ok(&["message", "show", "support-in-3@customer.example"]);
    assert!(
        shown.contains("Subject:    support-in question 3"),
        "{shown}"
    );
    assert!(shown.contains("support/INBOX/4"), "{shown}");
    let raw = w
        .cmd()
        .args([
            "message",
            "show",
            "<billing-sent-1@customer.example>",
            "--raw",
        ])
        .output()
        .unwrap();
    assert!(raw.status.success());
    assert!(
        String::from_utf8_lossy(&raw.stdout)
            .starts_with("Message-ID: <billing-sent-1@customer.example>")
    );

    // New mail arrives: only it is fetched.
    seed(&d, "support", "INBOX", "later", 3);
    let out = w.ok(&["sync", "--account", "support"]);
    assert!(out.contains("support/INBOX: 3 new"), "{out}");
    assert!(out.contains("(28 messages)"), "{out}");
}

#[test]
fn the_same_message_in_two_folders_is_stored_once_with_both_locations() {
    let d = Dovecot::start().expect("dovecot");
    let raw = mail(
        "shared@customer.example",
        "c@customer.example",
        "copied",
        "same bytes",
    );
    d.append("support", "INBOX", &raw).unwrap();
    d.append("support", "Sent", &raw).unwrap();
    d.append("billing", "INBOX", &raw).unwrap();
    let w = Workspace::new();
    w.add_account(&d, "support", "support", &[]);
    w.add_account(&d, "billing", "billing", &[]);
    w.ok(&["sync"]);
    let v: serde_json::Value =
        serde_json::from_str(&w.ok(&["message", "show", "shared@customer.example", "--json"]))
            .unwrap();
    let mut locs: Vec<String> = v["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    locs.sort();
    assert_eq!(
        locs,
        vec!["billing/INBOX/1", "support/INBOX/1", "support/Sent/1"]
    );
    let packs: u64 = std::fs::read_dir(w.path().join("packs"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(
        packs < 2 * raw.len() as u64,
        "stored more than once: {packs} bytes"
    );
}
