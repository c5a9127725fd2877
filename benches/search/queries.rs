//! The fixed query set: what support people type into a shared inbox's search box, written
//! against what the corpus generator really produces (its subjects, openers, error codes,
//! versions, customers and companies, in English, French and Indonesian), and the same
//! question in notmuch's syntax where notmuch can ask it.
//!
//! Counts quoted in the comments are messages of the 100,000-message corpus (seed
//! `common::SEED`); they are there to show each query finds something, not to be checked.
//! Companies and the customer pool depend on the corpus size; the two picked here write in
//! both the 3,000- and the 100,000-message corpus.
//!
//! Translations: words and phrases as they are, `-x` as `not x`, `OR` as `or`, `from:`, `to:`,
//! `subject:` and `body:` as they are, `after:A before:B` as `date:A..B-1` (siphon's `before:`
//! excludes its day, notmuch's upper bound includes it), `after:3m` as `date:90d..` (siphon's
//! month is 30 days). `has:attachment` is `tag:attachment`: notmuch's indexer adds that tag to
//! every message with an attachment part by itself, whatever `new.tags` says. Ticket filters
//! (`status:`, `kind:`, `is:`, `account:`, `customer:`, `org:`) have no notmuch equivalent.
//! notmuch does not fold accents, so `cloture` finds nothing there.

/// One query of the set.
pub struct Case {
    /// What it exercises.
    pub label: &'static str,
    /// The query as typed into `siphon search`.
    pub siphon: &'static str,
    /// The same question for `notmuch search`, when there is one.
    pub notmuch: Option<&'static str>,
    /// The engine may refuse it for now (words and ticket filters inside one `OR`); a refusal
    /// is reported, not counted as a failure.
    pub may_be_refused: bool,
}

const fn both(label: &'static str, siphon: &'static str, notmuch: &'static str) -> Case {
    Case {
        label,
        siphon,
        notmuch: Some(notmuch),
        may_be_refused: false,
    }
}

const fn siphon_only(label: &'static str, siphon: &'static str) -> Case {
    Case {
        label,
        siphon,
        notmuch: None,
        may_be_refused: false,
    }
}

pub const QUERIES: &[Case] = &[
    // Single words: ~9,100 subjects say "invoice" (English and Indonesian billing).
    both("word", "invoice", "invoice"),
    both("word", "sync", "sync"),
    both("word, Indonesian", "tagihan", "tagihan"),
    both("word, French, accented", "clôture", "clôture"),
    // The analyser folds accents: finds every "clôture" above; notmuch finds none.
    both("word, French, unaccented", "cloture", "cloture"),
    // "crashes" in English subjects and openers, "crash" in Indonesian ones: one stem.
    both("stem", "crashes", "crashes"),
    both("stem", "crash", "crash"),
    // In one French feature-request opener only (~400 messages).
    both("rare word, French", "tableurs", "tableurs"),
    both("rare word: no match", "kubernetes", "kubernetes"),
    both("misspelling: no match", "invocie", "invocie"),
    both("error code", "429", "429"),
    both("error code", "ERR_SYNC_TIMEOUT", "ERR_SYNC_TIMEOUT"),
    both("error code, hex", "0x80070005", "0x80070005"),
    // One of ~500 versions: ~30 messages.
    both("version: rare", "v2.3.1", "v2.3.1"),
    // The customer who writes most (~450 messages), on a free-mail domain.
    both(
        "from: address",
        "from:dharris1018@icloud.com",
        "from:dharris1018@icloud.com",
    ),
    both("from: domain", "from:icloud.com", "from:icloud.com"),
    both(
        "to: address",
        "to:billing@acme.example",
        "to:billing@acme.example",
    ),
    both("phrase", "\"password reset\"", "\"password reset\""),
    both(
        "phrase",
        "\"invalid credentials\"",
        "\"invalid credentials\"",
    ),
    both("phrase, French", "\"mise à jour\"", "\"mise à jour\""),
    both(
        "phrase, Indonesian",
        "\"pengembalian dana\"",
        "\"pengembalian dana\"",
    ),
    both("-exclusion", "export -csv", "export and not csv"),
    both(
        "OR, three languages",
        "refund OR remboursement OR pengembalian",
        "refund or remboursement or pengembalian",
    ),
    both(
        "( ) and OR",
        "(crash OR plantage) windows",
        "(crash or plantage) and windows",
    ),
    both("subject:", "subject:invoice", "subject:invoice"),
    both(
        "subject: phrase",
        "subject:\"feature request\"",
        "subject:\"feature request\"",
    ),
    both("body:", "body:spreadsheets", "body:spreadsheets"),
    both(
        "date range only",
        "after:2026-03-01 before:2026-04-01",
        "date:2026-03-01..2026-03-31",
    ),
    both(
        "word + date range",
        "invoice after:2026-06-01 before:2026-07-01",
        "invoice and date:2026-06-01..2026-06-30",
    ),
    // The corpus ends early in November 2026; this covers its last months until early 2027.
    both(
        "word + relative date",
        "refund after:3m",
        "refund and date:90d..",
    ),
    both("has:attachment", "has:attachment", "tag:attachment"),
    both(
        "word + has:attachment",
        "invoice has:attachment",
        "invoice and tag:attachment",
    ),
    siphon_only("filter: status", "status:open"),
    siphon_only("filter: status", "status:closed"),
    // Nobody has set a kind in a freshly synced workspace: expected empty.
    siphon_only("filter: kind (none set)", "kind:bug"),
    siphon_only("filter: is:unread", "is:unread"),
    siphon_only("filter: account", "account:bench"),
    siphon_only("filter + has:attachment", "status:open has:attachment"),
    siphon_only("filter: customer", "customer:dharris1018@icloud.com"),
    // A company of four or so customers (~40 messages).
    siphon_only("filter: org", "org:swiftridgehealth.io"),
    siphon_only("word + filter", "invoice status:open"),
    Case {
        label: "word OR filter",
        siphon: "crash OR status:pending",
        notmuch: None,
        may_be_refused: true,
    },
];
