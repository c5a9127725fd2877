//! Whole commands over the query set: a pass of `siphon search --json` kept to compare with a
//! later one, and the timed runs, siphon and notmuch taking turns query by query so that a busy
//! moment of the machine falls on both tools alike.

use std::fs;

use anyhow::{Context, Result};
use serde_json::{Value, json};

use crate::LIMIT;
use crate::common::{Bench, Siphon, Timed};
use crate::notmuch::Notmuch;
use crate::queries::{Case, QUERIES};

/// `siphon search QUERY --limit 50 --json` for every query once, labelled `siphon search qNN
/// PASS`; their output stays in the logs to be compared.
pub fn siphon_pass(bench: &Bench, siphon: &Siphon, pass: &str) -> Result<Vec<Timed>> {
    QUERIES
        .iter()
        .enumerate()
        .map(|(i, case)| {
            bench.timed(
                &format!("siphon search q{i:02} {pass}"),
                &siphon.bin,
                &search_args(siphon, case.siphon),
            )
        })
        .collect()
}

fn search_args(siphon: &Siphon, query: &str) -> Vec<String> {
    let limit = LIMIT.to_string();
    siphon.args(&["search", query, "--limit", &limit, "--json"])
}

/// The timed runs of every query, in [`QUERIES`] order.
pub struct Timings {
    pub siphon: Vec<Vec<Timed>>,
    /// Empty for a query without a notmuch translation, and for all without notmuch.
    pub notmuch: Vec<Vec<Timed>>,
}

/// Every query `runs` times as a whole `siphon search` command, each run followed by the
/// query's notmuch translation as `notmuch search --limit=50` when there is one.
pub fn timed_runs(
    bench: &Bench,
    siphon: &Siphon,
    notmuch: Option<&Notmuch>,
    runs: usize,
) -> Result<Timings> {
    let limit = format!("--limit={LIMIT}");
    let mut timings = Timings {
        siphon: Vec::with_capacity(QUERIES.len()),
        notmuch: Vec::with_capacity(QUERIES.len()),
    };
    for (i, case) in QUERIES.iter().enumerate() {
        let translated = notmuch.zip(case.notmuch);
        let mut ours = Vec::with_capacity(runs);
        let mut theirs = Vec::new();
        for r in 1..=runs {
            ours.push(bench.timed(
                &format!("siphon search q{i:02} ({r})"),
                &siphon.bin,
                &search_args(siphon, case.siphon),
            )?);
            if let Some((nm, query)) = translated {
                theirs.push(nm.timed(
                    bench,
                    &format!("notmuch search q{i:02} ({r})"),
                    &["search", &limit, query],
                )?);
            }
        }
        timings.siphon.push(ours);
        timings.notmuch.push(theirs);
    }
    Ok(timings)
}

/// What `siphon search` said to a query.
pub enum Answer {
    Tickets(usize),
    /// The engine declined a query it may decline for now (see [`Case::may_be_refused`]).
    Refused(String),
    /// A failure: the command failed on a query it must answer, or printed something else than
    /// the JSON expected.
    Failed(String),
}

impl Answer {
    pub fn of(case: &Case, t: &Timed) -> Answer {
        if !t.success {
            let why = reason(t);
            return if case.may_be_refused {
                Answer::Refused(why)
            } else {
                Answer::Failed(why)
            };
        }
        match tickets(&t.stdout()) {
            Ok(n) => Answer::Tickets(n),
            Err(e) => Answer::Failed(format!("unreadable output: {e:#}")),
        }
    }

    pub fn broke(&self) -> bool {
        matches!(self, Answer::Failed(_))
    }

    pub fn tickets(&self) -> Option<usize> {
        match self {
            Answer::Tickets(n) => Some(*n),
            _ => None,
        }
    }

    /// The table's cell.
    pub fn cell(&self) -> String {
        match self {
            Answer::Tickets(n) => n.to_string(),
            Answer::Refused(_) => "refused".to_string(),
            Answer::Failed(_) => "FAILED".to_string(),
        }
    }

    /// What went wrong, if anything.
    pub fn error(&self) -> Option<&str> {
        match self {
            Answer::Tickets(_) => None,
            Answer::Refused(e) | Answer::Failed(e) => Some(e),
        }
    }

    pub fn json(&self) -> Value {
        match self {
            Answer::Tickets(n) => json!({ "tickets": n }),
            Answer::Refused(e) => json!({ "refused": e }),
            Answer::Failed(e) => json!({ "error": e }),
        }
    }
}

/// The tickets listed by `siphon search --json`: a JSON array of hits.
fn tickets(stdout: &str) -> Result<usize> {
    let hits: Vec<Value> = serde_json::from_str(stdout).context("not a JSON array")?;
    Ok(hits.len())
}

/// The first line of what a failed command wrote to stderr, or how it failed.
fn reason(t: &Timed) -> String {
    let failure = t.failure.as_deref().unwrap_or("failed");
    failure
        .split_once("stderr tail:")
        .and_then(|(_, tail)| tail.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or(failure)
        .to_string()
}

/// Threads listed by `notmuch search` (one line each).
pub fn threads(t: &Timed) -> usize {
    t.stdout().lines().filter(|l| !l.trim().is_empty()).count()
}

/// Whether two runs of one query printed the same bytes: None when they are not comparable
/// (both failed, as a refused query does), false when one failed and the other did not.
pub fn same_output(a: &Timed, b: &Timed) -> Option<bool> {
    match (a.success, b.success) {
        (false, false) => None,
        (true, true) => {
            let read = |t: &Timed| fs::read(&t.stdout_path).ok();
            Some(matches!((read(a), read(b)), (Some(x), Some(y)) if x == y))
        }
        _ => Some(false),
    }
}
