//! Threading against the generator's ground truth (auto-replies aside: they cite the message they
//! answer but are not part of the conversation): headers alone, then headers plus the guarded subject
//! step. Neither may merge two conversations; the subject step must recover the reference-less
//! replies.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use siphon::thread::subject::{Meta, join_by_subject};
use siphon::thread::{Links, conversations};
use siphon_testkit::corpus::{self, Spec};

#[test]
fn threading_never_merges_two_conversations_and_finds_nearly_all() {
    let spec = Spec {
        messages: 20_000,
        seed: 11,
        ..Spec::default()
    };
    let mut links = Vec::new();
    let mut truth = Vec::new();
    let mut auto = Vec::new();
    let mut meta = Vec::new();
    for m in corpus::generate(&spec) {
        let hash = siphon::store::content_hash(&m.raw);
        let p = siphon::mail::parse(&m.raw, &hash, None).record;
        auto.push(p.auto_submitted.is_some());
        meta.push(Meta {
            subject: p.subject.clone(),
            date: p.date,
            outsiders: p
                .from
                .iter()
                .chain(&p.to)
                .chain(&p.cc)
                .map(|a| a.email.clone())
                .filter(|e| !e.ends_with("@acme.example"))
                .collect(),
            has_references: !p.in_reply_to.is_empty() || !p.references.is_empty(),
        });
        links.push(Links {
            message_id: p.message_id,
            in_reply_to: p.in_reply_to,
            references: p.references,
        });
        truth.push(m.conversation);
    }
    assert_eq!(links.len(), 20_000, "the corpus generated nothing");
    let by_headers = conversations(&links);
    let (p, r, fp) = score(&by_headers, &truth, &auto);
    eprintln!("headers only: pairwise precision {p:.5}, recall {r:.5}");
    assert_eq!(fp, 0, "threading by headers merged two conversations");
    assert!(r > 0.9, "recall {r}");
    let joined = join_by_subject(&meta, &by_headers);
    let (p, r, fp) = score(&joined, &truth, &auto);
    eprintln!(
        "headers + guarded subject: pairwise precision {p:.5}, recall {r:.5} ({fp} false pairs)"
    );
    assert_eq!(
        fp, 0,
        "the subject step merged two conversations (precision {p})"
    );
    assert!(
        r > 0.99,
        "the subject step recovered too little: recall {r}"
    );
}

/// Pairwise (precision, recall, false pairs) of a grouping against the truth, auto-replies aside.
fn score(got: &[usize], truth: &[u32], auto: &[bool]) -> (f64, f64, u64) {
    // Pairwise precision and recall over messages, counted per (found, true) cell.
    let mut cells: HashMap<(usize, u32), u64> = HashMap::new();
    let mut found: HashMap<usize, u64> = HashMap::new();
    let mut real: HashMap<u32, u64> = HashMap::new();
    for i in 0..got.len() {
        if auto[i] {
            continue;
        }
        *cells.entry((got[i], truth[i])).or_default() += 1;
        *found.entry(got[i]).or_default() += 1;
        *real.entry(truth[i]).or_default() += 1;
    }
    let pairs = |n: u64| n * n.saturating_sub(1) / 2;
    let tp: u64 = cells.values().map(|&n| pairs(n)).sum();
    let fp = found.values().map(|&n| pairs(n)).sum::<u64>() - tp;
    let fn_ = real.values().map(|&n| pairs(n)).sum::<u64>() - tp;
    let precision = tp as f64 / (tp + fp) as f64;
    let recall = tp as f64 / (tp + fn_) as f64;
    (precision, recall, fp)
}
