//! The guarded subject fallback: a reply that carries no reference headers joins a conversation with
//! the same subject, but only when exactly one such conversation fits — one that shares a customer
//! address (or a company domain) with it on a message with that subject within [`WINDOW_SECS`]
//! before it. Two customers who both write "Question about billing" keep two conversations: a
//! wrong merge is worse than a missed one.

use std::collections::HashMap;

/// How far back a conversation may have last been active for a reference-less reply to join it.
pub const WINDOW_SECS: i64 = 30 * 24 * 3600;

/// Reply and forward prefixes in the languages Siphon's users write (and their clients add):
/// English, French, German, Nordic, Dutch, Indonesian, Spanish/Portuguese, Italian.
const PREFIXES: &[&str] = &[
    "re", "fwd", "fw", "aw", "wg", "sv", "vs", "antw", "réf", "ref", "tr", "rif", "r", "enc",
    "balas", "bls", "trs", "fs",
];

/// Strips reply/forward prefixes (`Re:`, `RE :`, `Fwd:`, `AW:`, `Réf. :`, `Re[2]:` … repeated)
/// and surrounding space; returns the base subject, case-folded, and whether any prefix was there.
/// A subject ending in "(was: Old)" continues "Old": its base is Old's, as a reply.
pub fn normalize(subject: &str) -> (String, bool) {
    let mut s = subject.trim();
    let mut had_prefix = false;
    while let Some(colon) = s.find(':') {
        let head = s[..colon].trim().trim_end_matches('.');
        // Allow a counter: "Re[2]", "Re(3)", "Re^2".
        let word = head
            .split(['[', '(', '^'])
            .next()
            .unwrap_or("")
            .trim()
            .to_lowercase();
        if PREFIXES.contains(&word.as_str()) {
            s = s[colon + 1..].trim_start();
            had_prefix = true;
        } else {
            break;
        }
    }
    // "New topic (was: Old topic)": the writer says it continues "Old topic".
    if let Some(open) = s.rfind("(was:")
        && s.ends_with(')')
    {
        let (old, _) = normalize(&s[open + 5..s.len() - 1]);
        if !old.is_empty() {
            return (old, true);
        }
    }
    let base: String = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    (base, had_prefix)
}

/// What the subject step needs to know about a message.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    pub subject: String,
    pub date: i64,
    /// Lower-cased addresses of the people outside the team on the message (From, To, Cc).
    pub outsiders: Vec<String>,
    /// Whether the message carries any reference header at all.
    pub has_references: bool,
}

fn org(addr: &str) -> Option<&str> {
    crate::mail::organisation(addr)
}

/// Whether two messages involve the same people: a shared address, or a shared company domain
/// (free-mail domains are not companies).
pub fn related(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| {
        b.iter().any(|y| {
            x == y
                || org(x)
                    .zip(org(y))
                    .is_some_and(|(p, q)| p.eq_ignore_ascii_case(q))
        })
    })
}

/// Joins reference-less replies to their conversation where exactly one candidate fits.
/// `conv[i]` is message `i`'s conversation (from [`super::conversations`]); the result is the same
/// shape, with joined conversations renamed to the earlier one.
///
/// A candidate is the conversation of a message with the same base subject, dated within
/// [`WINDOW_SECS`] before the reply, that involves the same people (see [`related`]). Each
/// decision thus depends only on messages related pairwise by subject, date and people, plus
/// their conversations — which is what lets the catalog rethread a small part of the mailbox and
/// get what a full rebuild would.
pub fn join_by_subject(meta: &[Meta], conv: &[usize]) -> Vec<usize> {
    fn find(parent: &HashMap<usize, usize>, mut c: usize) -> usize {
        while let Some(&p) = parent.get(&c) {
            if p == c {
                break;
            }
            c = p;
        }
        c
    }
    let mut order: Vec<usize> = (0..meta.len()).collect();
    order.sort_by_key(|&i| (meta[i].date, i));
    let mut parent: HashMap<usize, usize> = HashMap::new();
    // Base subject → (date, message) of every message with it, in processing (date) order.
    let mut by_subject: HashMap<String, Vec<(i64, usize)>> = HashMap::new();
    for &i in &order {
        let m = &meta[i];
        let (base, is_reply) = normalize(&m.subject);
        if base.is_empty() {
            continue;
        }
        if is_reply && !m.has_references {
            let mine = find(&parent, conv[i]);
            let seen = by_subject.get(&base).map(Vec::as_slice).unwrap_or(&[]);
            let from = seen.partition_point(|(d, _)| *d < m.date - WINDOW_SECS);
            let mut fits: Vec<usize> = seen[from..]
                .iter()
                .filter(|&&(_, k)| related(&m.outsiders, &meta[k].outsiders))
                .map(|&(_, k)| find(&parent, conv[k]))
                .collect();
            fits.sort_unstable();
            fits.dedup();
            // A reply that later messages reference is already in its conversation: when that
            // conversation carries this subject, it stays, whatever else fits.
            if fits.contains(&mine) {
                fits.clear();
            }
            if let [only] = fits[..] {
                // Merge into the earlier conversation (the one that was there first).
                parent.insert(mine, only);
            }
        }
        by_subject.entry(base).or_default().push((m.date, i));
    }
    conv.iter().map(|&c| find(&parent, c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_in_several_languages_are_stripped() {
        let cases = [
            ("Re: Login problem", "login problem", true),
            ("RE : Problème de clôture", "problème de clôture", true),
            ("Fwd: Re: AW: Invoice", "invoice", true),
            ("Réf. : Facture", "facture", true),
            ("TR: Facture", "facture", true),
            ("SV: Re[2]: Export", "export", true),
            ("Balas: Tagihan", "tagihan", true),
            ("Question about billing", "question about billing", false),
            ("Error: 502 on upload", "error: 502 on upload", false),
            ("  Re:   Spaced    out ", "spaced out", true),
            (
                "Problem (was: Question about CSV export)",
                "question about csv export",
                true,
            ),
            ("Re: Bulk tags (was: Re: Sync stuck)", "sync stuck", true),
        ];
        for (subject, base, reply) in cases {
            assert_eq!(normalize(subject), (base.to_string(), reply), "{subject}");
        }
    }

    fn meta(subject: &str, date: i64, who: &str, refs: bool) -> Meta {
        Meta {
            subject: subject.into(),
            date,
            outsiders: vec![who.into()],
            has_references: refs,
        }
    }

    #[test]
    fn a_reply_joins_only_its_own_customer_and_only_when_unambiguous() {
        const D: i64 = 86_400;
        let msgs = vec![
            meta("Question about billing", 0, "ana@client.example", false),
            meta("Question about billing", D, "bob@gmail.com", false),
            meta(
                "Re: Question about billing",
                2 * D,
                "ana@client.example",
                false,
            ),
            meta(
                "Re: Question about billing",
                3 * D,
                "carl@other.example",
                false,
            ),
            meta(
                "Re: Question about billing",
                4 * D,
                "dina@client.example",
                false,
            ),
            meta(
                "Re: Question about billing",
                90 * D,
                "ana@client.example",
                false,
            ),
        ];
        let conv: Vec<usize> = (0..msgs.len()).collect();
        let got = join_by_subject(&msgs, &conv);
        assert_eq!(got[2], got[0], "same customer joins");
        assert_ne!(got[1], got[0], "two customers, two tickets");
        assert_ne!(got[3], got[0], "a stranger does not join");
        assert_ne!(got[3], got[1]);
        assert_eq!(got[4], got[0], "a colleague from the same company joins");
        assert_ne!(got[5], got[0], "outside the window");
    }

    #[test]
    fn two_fitting_conversations_mean_no_merge() {
        let msgs = vec![
            meta("Invoice", 0, "ana@client.example", false),
            meta("Invoice", 10, "ana@client.example", false),
            meta("Re: Invoice", 20, "ana@client.example", false),
        ];
        let got = join_by_subject(&msgs, &[0, 1, 2]);
        assert_eq!(got[2], 2, "ambiguous: stays apart");
    }

    #[test]
    fn a_reply_already_threaded_by_its_descendants_stays() {
        // Conversation 1 (an earlier ticket of the same customer) and conversation 2, whose
        // reference-less reply (message 2) is in 2 already because a later message cites it.
        let msgs = vec![
            meta("Error 404", 0, "ana@client.example", false),
            meta("Error 404", 100, "ana@client.example", false),
            meta("Re: Error 404", 200, "ana@client.example", false),
        ];
        assert_eq!(join_by_subject(&msgs, &[0, 1, 1]), vec![0, 1, 1]);
    }

    #[test]
    fn replies_with_references_are_left_to_the_headers() {
        let msgs = vec![
            meta("Invoice", 0, "ana@client.example", false),
            meta("Re: Invoice", 20, "ana@client.example", true),
        ];
        assert_eq!(join_by_subject(&msgs, &[0, 1]), vec![0, 1]);
    }
}
