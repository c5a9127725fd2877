//! The search bench's figures: whole commands pooled and set against notmuch, the table of every
//! query, and the targets beside what this run measured.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::commands::{self, Answer, Timings};
use crate::common::{Runs, Timed, fmt_rss, row};
use crate::in_process::InProcess;
use crate::latency::{Spread, ms, ratio};
use crate::queries::QUERIES;
use crate::targets::Targets;

/// The queries (by number) whose output differed.
pub fn changed(same: &[Option<bool>]) -> Vec<usize> {
    same.iter()
        .enumerate()
        .filter(|(_, s)| **s == Some(false))
        .map(|(i, _)| i)
        .collect()
}

/// The table's note for an identity check.
pub fn identity_note(compared: usize, changed: &[usize]) -> String {
    if changed.is_empty() {
        format!("byte-identical for all {compared} answered queries")
    } else {
        format!(
            "DIFFERENT for {} of {compared}: {}",
            changed.len(),
            numbers(changed)
        )
    }
}

fn numbers(queries: &[usize]) -> String {
    queries
        .iter()
        .map(|i| format!("q{i:02}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The timed whole commands of every query, summed up.
pub struct Compared {
    /// False when a command failed on a query it must answer, or printed something unreadable.
    pub ok: bool,
    /// Per query: siphon's runs when all of them succeeded, and what the first one answered.
    siphon: Vec<Option<Runs>>,
    answers: Vec<Option<Answer>>,
    /// Per query: notmuch's runs and the threads it listed, when it ran and all runs succeeded.
    notmuch: Vec<Option<(Runs, usize)>>,
    ran_notmuch: bool,
}

impl Compared {
    pub fn of(timings: &Timings, baseline: &[Answer]) -> Compared {
        let mut ok = true;
        let mut siphon = Vec::with_capacity(QUERIES.len());
        let mut answers = Vec::with_capacity(QUERIES.len());
        for ((case, runs), before) in QUERIES.iter().zip(&timings.siphon).zip(baseline) {
            let answer = runs.first().map(|t| Answer::of(case, t));
            let every = Runs::of(runs).filter(|r| r.ok);
            // A refused query is refused every time; anything else must answer every run.
            let refused = matches!(before, Answer::Refused(_)) && case.may_be_refused;
            ok &= refused || every.is_some();
            ok &= !answer.as_ref().is_some_and(Answer::broke);
            siphon.push(every.filter(|_| !refused));
            answers.push(answer);
        }
        let mut notmuch = Vec::with_capacity(QUERIES.len());
        for runs in &timings.notmuch {
            let every = Runs::of(runs);
            ok &= every.as_ref().is_none_or(|r| r.ok);
            notmuch.push(
                every
                    .filter(|r| r.ok)
                    .zip(runs.first().map(commands::threads)),
            );
        }
        Compared {
            ok,
            siphon,
            answers,
            notmuch,
            ran_notmuch: timings.notmuch.iter().any(|r| !r.is_empty()),
        }
    }

    /// The pooled rows, the ratio to notmuch and its targets.
    pub fn rows(&self, runs: usize, table: &mut String, report: &mut Value, targets: &mut Targets) {
        let all = Spread::pooled(self.siphon.iter().flatten().map(|r| r.walls.as_slice()));
        let peak = |runs: &mut dyn Iterator<Item = &Runs>| runs.filter_map(|r| r.peak_rss_kb).max();
        let pooled_row =
            |table: &mut String, label: &str, spread: Option<Spread>, rss, n| match spread {
                Some(s) => row(
                    table,
                    label,
                    &format!("{:.1} ms", ms(s.p50)),
                    &fmt_rss(rss),
                    &format!("{}; {n} queries pooled", s.text()),
                ),
                None => row(table, label, "-", "", "no query answered"),
            };
        pooled_row(
            table,
            &format!("siphon search commands ({runs} runs each)"),
            all,
            peak(&mut self.siphon.iter().flatten()),
            self.siphon.iter().flatten().count(),
        );
        report["siphon"]["commands"] = json!({
            "runs_per_query": runs,
            "pooled": all.map(|s| s.json()),
        });
        if !self.ran_notmuch {
            targets.not_judged(
                "whole command no slower than notmuch",
                "≤ 1 x",
                "notmuch skipped",
            );
            return;
        }

        // Both tools on the queries both answered.
        let both: Vec<(&Runs, &Runs)> = self
            .siphon
            .iter()
            .zip(&self.notmuch)
            .filter_map(|(s, n)| Some((s.as_ref()?, &n.as_ref()?.0)))
            .collect();
        let theirs = Spread::pooled(both.iter().map(|(_, n)| n.walls.as_slice()));
        let ours = Spread::pooled(both.iter().map(|(s, _)| s.walls.as_slice()));
        pooled_row(
            table,
            &format!("notmuch search ({runs} runs each)"),
            theirs,
            peak(&mut both.iter().map(|(_, n)| *n)),
            both.len(),
        );
        pooled_row(
            table,
            "siphon search, same queries",
            ours,
            peak(&mut both.iter().map(|(s, _)| *s)),
            both.len(),
        );
        report["notmuch"]["search"] = json!({
            "runs_per_query": runs,
            "pooled": theirs.map(|s| s.json()),
        });
        report["siphon"]["commands"]["pooled_same_queries_as_notmuch"] =
            json!(ours.map(|s| s.json()));
        let Some((ours, theirs)) = ours.zip(theirs) else {
            targets.not_judged(
                "whole command no slower than notmuch",
                "≤ 1 x",
                "no query answered by both",
            );
            return;
        };
        let (p50, p95) = (ratio(ours.p50, theirs.p50), ratio(ours.p95, theirs.p95));
        row(
            table,
            "siphon / notmuch, same queries",
            &format!("{p50:.2} x"),
            "",
            &format!("p50; p95 {p95:.2} x"),
        );
        report["ratio_siphon_over_notmuch"] = json!({ "p50": p50, "p95": p95 });
        targets.at_most("whole command / notmuch, p50", 1.0, p50, "x");
        targets.at_most("whole command / notmuch, p95", 1.0, p95, "x");
    }
}

/// The table of every query and its figures.
pub struct Queries {
    pub table: String,
    pub json: Value,
    /// False when an answer changed after the in-process rebuild.
    pub ok: bool,
}

/// Every query: what it found and how fast, in-process, as a command and with notmuch, and
/// whether the in-process rebuild of the index changed its answer (compared with `baseline`,
/// the first pass).
pub fn queries(
    answers: &[Answer],
    after_reindex: &[Option<bool>],
    baseline: &[Timed],
    in_process: Option<&InProcess>,
    timings: &Timings,
    compared: &Compared,
) -> Queries {
    let mut table = String::new();
    let mut json = Vec::with_capacity(QUERIES.len());
    let mut notes = Vec::new();
    let _ = writeln!(
        table,
        "\n  {:<3} {:<26} {:<44} {:>7} {:>17} {:>9}   {:>7} {:>9} {:>7}",
        "",
        "what",
        "siphon query",
        "tickets",
        "in-proc p50/p95",
        "command",
        "threads",
        "notmuch",
        "ratio"
    );
    let after_rebuild: Vec<Option<bool>> = baseline
        .iter()
        .zip(&timings.siphon)
        .map(|(b, runs)| runs.first().and_then(|r| commands::same_output(b, r)))
        .collect();
    for (i, case) in QUERIES.iter().enumerate() {
        let measured = in_process.and_then(|p| p.queries.get(i));
        let in_proc = match measured {
            Some(Ok(m)) => Spread::of(m.runs.clone()).map_or("-".to_string(), |s| {
                format!("{:.2}/{:.2} ms", ms(s.p50), ms(s.p95))
            }),
            Some(Err(_)) if case.may_be_refused => "refused".to_string(),
            Some(Err(_)) => "FAILED".to_string(),
            None => "-".to_string(),
        };
        if let Some(Err(e)) = measured {
            notes.push(format!("q{i:02} in-process: {e}"));
        }
        if let Some(e) = answers[i].error() {
            notes.push(format!("q{i:02} siphon search: {e}"));
        }
        let ours = compared.siphon[i].as_ref();
        let command = ours.map_or("-".to_string(), |r| format!("{:.1} ms", ms(r.median())));
        let theirs = compared.notmuch[i].as_ref();
        let yardstick = match (case.notmuch, theirs) {
            (None, _) => "n/a (no notmuch equivalent)".to_string(),
            (Some(_), None) if !compared.ran_notmuch => "-".to_string(),
            (Some(_), None) => "FAILED".to_string(),
            (Some(_), Some((runs, threads))) => format!(
                "{threads:>7} {:>9} {:>7}",
                format!("{:.1} ms", ms(runs.median())),
                ours.map_or("-".to_string(), |o| format!(
                    "{:.2} x",
                    ratio(o.median(), runs.median())
                ))
            ),
        };
        let _ = writeln!(
            table,
            "  q{i:02} {:<26} {:<44} {:>7} {:>17} {:>9}   {yardstick}",
            case.label,
            case.siphon,
            answers[i].cell(),
            in_proc,
            command,
        );
        json.push(json!({
            "query": format!("q{i:02}"),
            "label": case.label,
            "siphon": case.siphon,
            "notmuch": case.notmuch,
            "answer": answers[i].json(),
            "in_process": match measured {
                Some(Ok(m)) => json!({
                    "tickets": m.tickets,
                    "first_ms": ms(m.first),
                    "p50_ms": Spread::of(m.runs.clone()).map(|s| ms(s.p50)),
                    "p95_ms": Spread::of(m.runs.clone()).map(|s| ms(s.p95)),
                }),
                Some(Err(e)) => json!({ "error": e }),
                None => Value::Null,
            },
            "command": ours.map(|r| json!({
                "tickets": compared.answers[i].as_ref().and_then(Answer::tickets),
                "runs_ms": r.walls.iter().map(|w| ms(*w)).collect::<Vec<_>>(),
                "median_ms": ms(r.median()),
                "peak_rss_kb": r.peak_rss_kb,
            })),
            "notmuch_command": theirs.map(|(r, threads)| json!({
                "threads": threads,
                "runs_ms": r.walls.iter().map(|w| ms(*w)).collect::<Vec<_>>(),
                "median_ms": ms(r.median()),
                "peak_rss_kb": r.peak_rss_kb,
            })),
            "ratio_median": ours.zip(theirs).map(|(o, (t, _))| ratio(o.median(), t.median())),
            "identical_after_reindex": after_reindex[i],
            "identical_after_in_process_rebuild": after_rebuild[i],
        }));
    }
    let rebuilt = changed(&after_rebuild);
    let compared_count = after_rebuild.iter().flatten().count();
    let _ = writeln!(
        table,
        "  after the in-process rebuild, search --json is {}",
        identity_note(compared_count, &rebuilt)
    );
    for note in notes {
        let _ = writeln!(table, "  {note}");
    }
    Queries {
        table,
        json: Value::Array(json),
        ok: rebuilt.is_empty(),
    }
}
