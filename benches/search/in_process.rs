//! In-process figures through the engine API, on a workspace no `siphon` process holds: one
//! rebuild of the search index, one warm-up pass over the query set, then each query again and
//! again.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use siphon::engine::{Engine, Paths};

use crate::LIMIT;
use crate::queries::QUERIES;

/// What the engine did in-process.
pub struct InProcess {
    /// Messages indexed by the rebuild.
    pub indexed: usize,
    pub indexing: Duration,
    /// Per query of [`QUERIES`], its runs, or what the engine answered instead.
    pub queries: Vec<Result<Measured, String>>,
}

/// One query's runs.
pub struct Measured {
    /// Its run in the warm-up pass.
    pub first: Duration,
    /// The timed runs, in the order they ran.
    pub runs: Vec<Duration>,
    /// Tickets found.
    pub tickets: usize,
}

/// Rebuilds the search index of the workspace in `dir`, then runs every query once and then
/// `runs` times each, relevance first as `siphon search` does by default.
pub fn measure(dir: &Path, runs: usize) -> Result<InProcess> {
    let mut engine = Engine::new(Paths::resolve(Some(dir.to_path_buf()))?, "bench");
    let start = Instant::now();
    let indexed = engine.reindex_search(&|_, _| {})?;
    let indexing = start.elapsed();

    // The first query loads what the rest reuse (the ticket index, the index readers): one pass
    // over every query first, so that no query's timed runs pay for it.
    let mut warm = Vec::with_capacity(QUERIES.len());
    for case in QUERIES {
        let start = Instant::now();
        let found = engine.search(case.siphon, LIMIT, false);
        warm.push(found.map(|hits| (start.elapsed(), hits.len())));
    }

    let mut queries = Vec::with_capacity(QUERIES.len());
    for (case, warm) in QUERIES.iter().zip(warm) {
        let (first, tickets) = match warm {
            Ok(w) => w,
            Err(e) => {
                queries.push(Err(e.to_string()));
                continue;
            }
        };
        let mut measured = Measured {
            first,
            runs: Vec::with_capacity(runs),
            tickets,
        };
        let mut failed = None;
        for _ in 0..runs {
            let start = Instant::now();
            match engine.search(case.siphon, LIMIT, false) {
                Ok(_) => measured.runs.push(start.elapsed()),
                Err(e) => {
                    failed = Some(e.to_string());
                    break;
                }
            }
        }
        queries.push(match failed {
            None => Ok(measured),
            Some(e) => Err(e),
        });
    }
    Ok(InProcess {
        indexed,
        indexing,
        queries,
    })
}
