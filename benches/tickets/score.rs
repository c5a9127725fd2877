//! Threading scored against the generator's ground truth (pure, apart from generating it).
//!
//! A tool's answer is a grouping of the corpus's messages: for message `i` (its place in the
//! generated stream) the group it was put in, or None when the tool did not list it (a
//! singleton). Auto-submitted mail (RFC 3834: auto-replies and bounces) is left out of the
//! scoring for every tool: half the auto-replies cite the message they answer, and the truth
//! puts each in a conversation of its own, so scoring them would measure a policy, not threading.
//!
//! Figures: conversations found and in the truth, pairwise precision and recall over message
//! pairs (a pair is found when both messages share a group, true when they share a
//! conversation), conversations reconstructed exactly, and false merges (groups mixing two
//! true conversations).

use std::collections::HashMap;

use serde_json::{Value, json};
use siphon_testkit::corpus;

/// What the generator knows about every message, in stream order.
pub struct Truth {
    pub conversation: Vec<u32>,
    /// Auto-submitted: left out of the scoring.
    pub auto: Vec<bool>,
    /// The Message-ID siphon knows each message by (the header's, else the one siphon derives
    /// from the bytes) → the messages carrying it.
    pub by_id: HashMap<String, Vec<usize>>,
    /// Messages generated without a Message-ID.
    pub without_id: usize,
    /// Message-IDs carried by more than one message.
    pub shared_ids: usize,
}

impl Truth {
    pub fn of(messages: impl Iterator<Item = corpus::Message>) -> Truth {
        let mut t = Truth {
            conversation: Vec::new(),
            auto: Vec::new(),
            by_id: HashMap::new(),
            without_id: 0,
            shared_ids: 0,
        };
        for (i, m) in messages.enumerate() {
            let id = match m.message_id {
                Some(id) => id,
                None => {
                    t.without_id += 1;
                    siphon::mail::synthetic_message_id(&siphon::store::content_hash(&m.raw))
                }
            };
            let holders = t.by_id.entry(id).or_default();
            holders.push(i);
            if holders.len() == 2 {
                t.shared_ids += 1;
            }
            t.conversation.push(m.conversation);
            t.auto.push(auto_submitted(&m.raw));
        }
        t
    }

    pub fn len(&self) -> usize {
        self.conversation.len()
    }

    pub fn json(&self) -> Value {
        let scored = self.auto.iter().filter(|a| !**a).count();
        json!({
            "messages": self.len(),
            "auto_submitted": self.len() - scored,
            "scored_messages": scored,
            "conversations": self.score(&self.identity()).truth,
            "without_message_id": self.without_id,
            "shared_message_ids": self.shared_ids,
        })
    }

    /// The truth as a grouping (which scores perfectly).
    pub fn identity(&self) -> Vec<Option<u32>> {
        self.conversation.iter().map(|c| Some(*c)).collect()
    }

    /// Scores a grouping: `groups[i]` is message i's group, None when the tool left it out.
    pub fn score(&self, groups: &[Option<u32>]) -> Score {
        // Absent messages are singletons: give each a group no tool uses.
        let group = |i: usize| -> u64 {
            match groups.get(i).copied().flatten() {
                Some(g) => u64::from(g),
                None => (1 << 32) + i as u64,
            }
        };
        let mut cells: HashMap<(u64, u32), u64> = HashMap::new();
        let mut found: HashMap<u64, u64> = HashMap::new();
        let mut real: HashMap<u32, u64> = HashMap::new();
        let mut missing = 0;
        for i in 0..self.len() {
            if self.auto[i] {
                continue;
            }
            if groups.get(i).copied().flatten().is_none() {
                missing += 1;
            }
            let (g, t) = (group(i), self.conversation[i]);
            *cells.entry((g, t)).or_default() += 1;
            *found.entry(g).or_default() += 1;
            *real.entry(t).or_default() += 1;
        }
        let pairs = |n: u64| n * n.saturating_sub(1) / 2;
        let true_pos: u64 = cells.values().map(|&n| pairs(n)).sum();
        let found_pairs: u64 = found.values().map(|&n| pairs(n)).sum();
        let real_pairs: u64 = real.values().map(|&n| pairs(n)).sum();
        let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };

        // A group is exact when it holds all of one conversation and nothing else; it is a false
        // merge when it holds messages of two conversations or more.
        let mut parts: HashMap<u64, u32> = HashMap::new();
        for &(g, _) in cells.keys() {
            *parts.entry(g).or_default() += 1;
        }
        let exact = cells
            .iter()
            .filter(|&(&(g, t), &n)| parts[&g] == 1 && n == real[&t])
            .count();
        Score {
            found: found.len(),
            truth: real.len(),
            precision: ratio(true_pos, found_pairs),
            recall: ratio(true_pos, real_pairs),
            exact,
            false_merges: parts.values().filter(|&&p| p > 1).count(),
            missing,
        }
    }
}

/// Whether the header block carries `Auto-Submitted` with a value other than "no" (RFC 3834),
/// as siphon's parser reads it.
pub fn auto_submitted(raw: &[u8]) -> bool {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..end]);
    let name = b"auto-submitted:";
    head.split("\r\n").any(|line| {
        // The name is ASCII, so where it ends is a character boundary.
        line.as_bytes()
            .get(..name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && !line[name.len()..].trim().eq_ignore_ascii_case("no")
    })
}

/// One tool's figures.
pub struct Score {
    /// Groups among the scored messages, singletons included.
    pub found: usize,
    /// True conversations among the scored messages.
    pub truth: usize,
    pub precision: f64,
    pub recall: f64,
    /// True conversations found exactly: one group, all of it and nothing else.
    pub exact: usize,
    /// Groups mixing two true conversations or more.
    pub false_merges: usize,
    /// Scored messages the tool did not list.
    pub missing: usize,
}

impl Score {
    pub fn json(&self) -> Value {
        let round = |x: f64| (x * 1e6).round() / 1e6;
        json!({
            "conversations_found": self.found,
            "conversations_true": self.truth,
            "pairwise_precision": round(self.precision),
            "pairwise_recall": round(self.recall),
            "exact": self.exact,
            "false_merges": self.false_merges,
            "missing_messages": self.missing,
        })
    }
}
