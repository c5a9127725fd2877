//! Incremental sync: flag changes, expunges, UIDVALIDITY resets — with CONDSTORE/QRESYNC and
//! without, against a real dovecot.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

fn server(condstore: bool) -> Dovecot {
    Dovecot::start_with(Options {
        condstore,
        ..Options::default()
    })
    .expect("dovecot")
}

/// The flags the store holds for a message's only copy, via `message show --json`.
fn local_flags(w: &Workspace, id: &str) -> (u32, Vec<String>) {
    let v: serde_json::Value =
        serde_json::from_str(&w.ok(&["message", "show", id, "--json"])).unwrap();
    let loc = v["locations"][0].as_str().unwrap();
    let uid = loc.rsplit('/').next().unwrap().parse().unwrap();
    let flags = v["flags"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    (uid, flags)
}

fn flag_changes(out: &str) -> usize {
    out.lines()
        .filter(|l| l.starts_with("support/INBOX"))
        .find_map(|l| {
            let i = l.find(" flag changes")?;
            l[..i].rsplit(' ').next()?.parse().ok()
        })
        .unwrap_or(0)
}

fn flags_then_expunges(condstore: bool) {
    let d = server(condstore);
    seed(&d, "support", "INBOX", "f", 160);
    let w = Workspace::new();
    w.add_account(&d, "support", "support", &[]);
    w.ok(&["sync"]);

    // More than 100 flag changes in one go (async-imap's channel holds 100).
    d.add_flags("support", "INBOX", "1:150", "\\Seen \\Flagged")
        .unwrap();
    let out = w.ok(&["sync"]);
    assert_eq!(flag_changes(&out), 150, "{out}");
    // And back: removals are seen too.
    d.remove_flags("support", "INBOX", "1:120", "\\Flagged")
        .unwrap();
    let out = w.ok(&["sync"]);
    assert_eq!(flag_changes(&out), 120, "{out}");

    d.expunge("support", "INBOX", "10:19,155").unwrap();
    let out = w.ok(&["sync"]);
    assert!(out.contains("11 removed"), "{out}");
    assert!(out.contains("(149 messages)"), "{out}");
    assert_eq!(
        w.counts(),
        vec![
            ("support/INBOX".to_string(), 149),
            ("support/Sent".to_string(), 0)
        ]
    );

    // Expunge plus new mail in the same interval: counts alone would hide it.
    d.expunge("support", "INBOX", "30").unwrap();
    seed(&d, "support", "INBOX", "g", 1);
    let out = w.ok(&["sync"]);
    assert!(
        out.contains("1 new") && out.contains("1 removed") && out.contains("(149 messages)"),
        "{out}"
    );

    // The flags the server holds are the flags the store holds.
    let server_flags = d.flags("support", "INBOX").unwrap();
    assert_eq!(server_flags.len(), 149);
    for i in [0usize, 119, 125, 152, 159] {
        let (uid, mut local) = local_flags(&w, &format!("f-{i}@customer.example"));
        let mut remote: Vec<String> = server_flags
            .iter()
            .find(|(u, _)| *u == uid)
            .map(|(_, f)| {
                f.split_whitespace()
                    .filter(|f| *f != "\\Recent")
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        remote.sort();
        local.sort();
        assert_eq!(local, remote, "message f-{i} (uid {uid})");
    }
    let v: serde_json::Value = serde_json::from_str(&w.ok(&["status", "--json"])).unwrap();
    assert!(
        v["accounts"][0]["folders"][0]["errors"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn flags_and_expunges_with_condstore_and_qresync() {
    flags_then_expunges(true);
}

#[test]
fn flags_and_expunges_without_condstore() {
    flags_then_expunges(false);
}

fn uidvalidity_reset(condstore: bool) {
    let d = server(condstore);
    seed(&d, "support", "INBOX", "u", 40);
    let w = Workspace::new();
    w.add_account(&d, "support", "support", &[]);
    w.ok(&["sync"]);
    let packs_before = dir_bytes(&w.path().join("packs"));
    let before = d.uidvalidity("support", "INBOX").unwrap();
    let after = d.reset_uidvalidity("support", "INBOX").unwrap();
    assert_ne!(before, after);
    seed(&d, "support", "INBOX", "v", 2);
    let out = w.ok(&["sync"]);
    assert!(out.contains("re-mapped"), "{out}");
    assert!(
        out.contains("2 new"),
        "only the two new messages are new: {out}"
    );
    assert!(out.contains("(42 messages)"), "{out}");
    // Nothing was stored twice: the packs grew by about two small messages.
    let grown = dir_bytes(&w.path().join("packs")) - packs_before;
    assert!(grown < 2_000, "packs grew by {grown} bytes");
    // Every message's location now carries a UID of the new generation.
    let server_uids = d.uids("support", "INBOX").unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&w.ok(&["message", "show", "u-0@customer.example", "--json"]))
            .unwrap();
    let loc = v["locations"][0].as_str().unwrap();
    let uid: u32 = loc.rsplit('/').next().unwrap().parse().unwrap();
    assert!(server_uids.contains(&uid), "{loc} not in {server_uids:?}");
    assert_eq!(v["locations"].as_array().unwrap().len(), 1);
    let out = w.ok(&["sync"]);
    assert!(out.contains("support/INBOX: 0 new (42 messages)"), "{out}");
}

fn dir_bytes(p: &std::path::Path) -> u64 {
    std::fs::read_dir(p)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum()
}

#[test]
fn uidvalidity_reset_remaps_without_refetching_or_duplicating() {
    uidvalidity_reset(true);
}

#[test]
fn uidvalidity_reset_without_condstore() {
    uidvalidity_reset(false);
}
