//! Threading by reference headers against the generator's ground truth: no two conversations may be
//! merged by headers alone (apart from auto-replies, which cite the message they answer), and every
//! reply that carries references lands in its conversation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use siphon::thread::{Links, conversations};
use siphon_testkit::corpus::{self, Spec};

#[test]
fn header_threading_never_merges_two_conversations() {
    let spec = Spec {
        messages: 20_000,
        seed: 11,
        ..Spec::default()
    };
    let mut links = Vec::new();
    let mut truth = Vec::new();
    let mut auto = Vec::new();
    for m in corpus::generate(&spec) {
        let hash = siphon::store::content_hash(&m.raw);
        let p = siphon::mail::parse(&m.raw, &hash, None).record;
        auto.push(p.auto_submitted.is_some());
        links.push(Links {
            message_id: p.message_id,
            in_reply_to: p.in_reply_to,
            references: p.references,
        });
        truth.push(m.conversation);
    }
    assert_eq!(links.len(), 20_000, "the corpus generated nothing");
    let got = conversations(&links);
    // Pairwise precision and recall over messages, counted per (found, true) cell.
    let mut cells: HashMap<(usize, u32), u64> = HashMap::new();
    let mut found: HashMap<usize, u64> = HashMap::new();
    let mut real: HashMap<u32, u64> = HashMap::new();
    for i in 0..links.len() {
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
    eprintln!(
        "headers only: pairwise precision {precision:.5}, recall {recall:.5} ({tp} true pairs, {fp} false, {fn_} missed)"
    );
    assert_eq!(fp, 0, "threading by headers merged two conversations");
    assert!(recall > 0.8, "recall {recall}");
}
