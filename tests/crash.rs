//! Kill -9 at 20 points of a large sync: after every restart, every message the store holds is on
//! the server exactly once (nothing extra, nothing duplicated), progress is kept, and the final
//! pass completes the mirror exactly, with the tickets a rebuild would make.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use common::*;
use siphon::store::Store;
use siphon_testkit::corpus::{self, Folder, Spec};

/// Local state, read with the library while no siphon process runs.
fn local(w: &Workspace) -> HashMap<String, Vec<u32>> {
    let store = Store::open(w.path(), "crash test").expect("reopen after kill -9");
    let mut out = HashMap::new();
    let mut ids = HashSet::new();
    for f in store.folders().unwrap() {
        let uids = store.uids(f.id).unwrap();
        assert_eq!(
            uids.len() as u32,
            f.messages,
            "{}: counter matches locations",
            f.name
        );
        assert!(f.retired.is_none());
        out.insert(f.name.clone(), uids);
    }
    for m in store.messages() {
        let (_, rec) = m.unwrap();
        assert!(
            ids.insert(rec.message_id.clone()) || rec.synthetic_id,
            "duplicate record {}",
            rec.message_id
        );
    }
    out
}

#[test]
fn kill_9_at_twenty_points_loses_and_duplicates_nothing() {
    let d = Dovecot::start().expect("dovecot");
    let spec = Spec {
        messages: 4000,
        seed: 9,
        ..Spec::default()
    };
    let msgs: Vec<_> = corpus::generate(&spec).collect();
    let inbox: Vec<Vec<u8>> = msgs
        .iter()
        .filter(|m| m.folder == Folder::Inbox)
        .map(|m| m.raw.clone())
        .collect();
    let sent: Vec<Vec<u8>> = msgs
        .iter()
        .filter(|m| m.folder == Folder::Sent)
        .map(|m| m.raw.clone())
        .collect();
    d.append_many("support", "INBOX", &mut inbox.clone().into_iter())
        .unwrap();
    d.append_many("support", "Sent", &mut sent.clone().into_iter())
        .unwrap();
    let server: HashMap<String, HashSet<u32>> = ["INBOX", "Sent"]
        .iter()
        .map(|f| {
            (
                f.to_string(),
                d.uids("support", f).unwrap().into_iter().collect(),
            )
        })
        .collect();
    let w = Workspace::new();
    w.add_account(&d, "support", "support", &[]);

    // How long an uninterrupted sync takes here, measured on a scratch workspace.
    let scratch = Workspace::new();
    scratch.add_account(&d, "support", "support", &[]);
    let t = Instant::now();
    scratch.ok(&["sync"]);
    let full = t.elapsed().as_millis() as u64;

    let mut rng = 0x5eed_u64;
    let mut last_total = 0usize;
    let mut kills_mid_sync = 0;
    for point in 0..20 {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        // Spread over the early part of a full sync, where a kill lands mid-FETCH or mid-commit
        // (a full sync ends with building the tickets and the search index, which resumed
        // passes mostly skip: a third of it is the fetching part).
        let delay = 30 + (rng >> 33) % (full / 3).max(60);
        let mut child = w
            .cmd()
            .arg("sync")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        if child.try_wait().unwrap().is_none() {
            kills_mid_sync += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let state = local(&w);
        let mut total = 0;
        for (folder, uids) in &state {
            let on_server = &server[folder];
            for u in uids {
                assert!(
                    on_server.contains(u),
                    "point {point}: {folder} uid {u} is not on the server"
                );
            }
            total += uids.len();
        }
        assert!(
            total >= last_total,
            "point {point}: progress went backwards ({last_total} -> {total})"
        );
        last_total = total;
    }
    assert!(
        kills_mid_sync >= 10,
        "only {kills_mid_sync} kills landed mid-sync (full sync takes {full} ms)"
    );
    w.ok(&["sync"]);
    let state = local(&w);
    for (folder, uids) in &server {
        let got: HashSet<u32> = state[folder].iter().copied().collect();
        assert_eq!(
            &got, uids,
            "{folder} mirrors the server after the final pass"
        );
    }
    let out = w.ok(&["sync"]);
    assert!(out.lines().all(|l| l.contains(": 0 new (")), "{out}");
    // Tickets built across the kills (some landed while they were being built) are what a
    // rebuild from scratch makes.
    let kept = w.ok(&["tickets", "--all", "--json"]);
    let n: usize = serde_json::from_str::<serde_json::Value>(&kept)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["message_ids"].as_array().unwrap().len())
        .sum();
    assert_eq!(n, server.values().map(HashSet::len).sum::<usize>());
    let found = w.ok(&["search", "after:2000-01-01", "--limit", "100000", "--json"]);
    w.ok(&["reindex"]);
    assert!(
        w.ok(&["tickets", "--all", "--json"]) == kept,
        "tickets after the kills differ from a rebuild"
    );
    assert!(
        w.ok(&["search", "after:2000-01-01", "--limit", "100000", "--json"]) == found,
        "the search index after the kills differs from a rebuild"
    );
}
