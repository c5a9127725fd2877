//! Search through the façade: keeping the message index current, and answering queries with
//! tickets.
//!
//! The message index follows the store by a mark in the packs, like the tickets: new mail is
//! indexed after each sync (one long-lived writer, one commit per pass), and a missing or
//! damaged index is rebuilt from the store. A query's message part runs in the index; its ticket
//! part (`status:`, `tag:`, `is:unread` …) is checked on the ticket each message belongs to;
//! results are tickets, each with its best message and a highlighted snippet.

use serde::Serialize;

use super::{Engine, Error, Result};
use crate::account::Me;
use crate::search::index::{self, MessageDoc, SearchIndex};
use crate::search::query::{self, Field, IsFlag, Query};
use crate::store::{Addr, Hash, MessageRecord};
use crate::ticket::build::{Shown, Ticket};

/// One result: a ticket, with its best matching message.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SearchHit {
    pub id: String,
    pub subject: String,
    pub status: Shown,
    pub score: f32,
    pub message_id: String,
    pub snippet: String,
    /// Byte ranges of the snippet to highlight.
    pub highlights: Vec<[usize; 2]>,
}

fn addrs(v: &[Addr]) -> String {
    v.iter()
        .map(|a| match &a.name {
            Some(n) => format!("{n} <{}>", a.email),
            None => a.email.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many messages go to the index per commit during a rebuild.
const CHUNK: usize = 2_048;

fn index_err(e: index::Error) -> Error {
    match e {
        index::Error::Unsupported(m) => Error::Usage(m),
        other => Error::Usage(format!("search index: {other}")),
    }
}

/// Whether a ticket satisfies the ticket part of a query.
pub fn ticket_matches(q: &Query, t: &Ticket, me: Option<&Me>) -> bool {
    let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let word = |field: Field, text: &str| -> bool {
        let text = text.trim().to_lowercase();
        match field {
            Field::Tag => t.tags.iter().any(|x| eq(x, &text)),
            Field::Account => t.accounts.iter().any(|x| eq(x, &text)),
            Field::Customer => t.customer.as_deref().is_some_and(|c| person(c, &text)),
            Field::Org => t
                .organisation
                .as_deref()
                .is_some_and(|o| eq(o, &text) || o.starts_with(&format!("{text}."))),
            Field::Assignee => t.assignee.as_deref().is_some_and(|a| {
                person(a, &text)
                    || me.is_some_and(|m| eq(&m.email, a) && m.name.to_lowercase().contains(&text))
            }),
            _ => false,
        }
    };
    match q {
        Query::And(qs) => qs.iter().all(|x| ticket_matches(x, t, me)),
        Query::Or(qs) => qs.iter().any(|x| ticket_matches(x, t, me)),
        Query::Not(x) => !ticket_matches(x, t, me),
        Query::Word { field, text } => word(*field, text),
        Query::Phrase { field, words } => word(*field, &words.join(" ")),
        Query::Status(s) => t.status == *s,
        Query::Kind(k) => t.kind == Some(*k),
        Query::Priority(p) => t.priority == Some(*p),
        Query::Is(IsFlag::Unread) => t.unread,
        Query::Is(IsFlag::Mine) => me.is_some_and(|m| t.assignee.as_deref() == Some(&m.email)),
        // Message-level conditions never reach here (see `index::split`).
        Query::HasAttachment | Query::After(_) | Query::Before(_) => true,
    }
}

/// Whether a query has words or phrases to rank by.
fn has_words(q: &Query) -> bool {
    match q {
        Query::And(qs) | Query::Or(qs) => qs.iter().any(has_words),
        Query::Word { .. } | Query::Phrase { .. } => true,
        _ => false,
    }
}

/// The first words of a message, for a snippet with nothing to highlight.
fn opening(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(160) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

/// An address matched by an address, its local part, or a name-like prefix of it.
fn person(address: &str, text: &str) -> bool {
    let address = address.to_lowercase();
    address == text
        || address.split('@').next().is_some_and(|local| {
            local == text || local.split(['.', '_', '-']).any(|part| part == text)
        })
}

impl Engine {
    /// The message index, opened once per process; a fresh (or rebuilt-empty) one restarts the
    /// store's search mark so that everything is indexed again.
    fn search_index(&mut self) -> Result<&mut SearchIndex> {
        if self.search.is_none() {
            let store = self.store()?;
            let (ix, fresh) =
                SearchIndex::open(&self.paths.data_dir.join("search")).map_err(index_err)?;
            if fresh {
                store.mark_searchable(None)?;
            }
            self.search = Some(ix);
        }
        self.search
            .as_mut()
            .ok_or_else(|| Error::Usage("no search index".into()))
    }

    /// Indexes the messages stored since the last pass (all of them the first time).
    /// `progress(done, total)` is called as it goes. Returns how many were indexed.
    pub fn refresh_search(&mut self, progress: &dyn Fn(usize, usize)) -> Result<usize> {
        let store = self.store()?;
        self.search_index()?;
        if !store.has_unsearchable()? {
            return Ok(0);
        }
        let (hashes, upto) = store.unsearchable()?;
        let total = hashes.len();
        let mut done = 0;
        for part in hashes.chunks(CHUNK) {
            let docs: Vec<(Hash, MessageRecord, String)> =
                store.texts_with(part, |h, r, text| Some((h, r, text)))?;
            let ix = self.search_index()?;
            ix.add(docs.iter().map(|(h, r, text)| {
                MessageDoc {
                    hash: h,
                    subject: &r.subject,
                    body: text,
                    from: addrs(&r.from),
                    to: addrs(&r.to),
                    cc: addrs(&r.cc),
                    attachments: r
                        .attachments
                        .iter()
                        .map(|a| a.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    date: r.date,
                    has_attachment: !r.attachments.is_empty(),
                }
            }))
            .map_err(index_err)?;
            done += part.len();
            progress(done, total);
        }
        self.search_index()?.commit().map_err(index_err)?;
        store.mark_searchable(Some(upto))?;
        Ok(total)
    }

    /// Rebuilds the message index from the store.
    pub fn reindex_search(&mut self, progress: &dyn Fn(usize, usize)) -> Result<usize> {
        let store = self.store()?;
        let ix = self.search_index()?;
        ix.clear().map_err(index_err)?;
        ix.commit().map_err(index_err)?;
        store.mark_searchable(None)?;
        self.refresh_search(progress)
    }

    /// Answers a query with tickets, best first (or newest first).
    pub fn search(&mut self, text: &str, limit: usize, by_date: bool) -> Result<Vec<SearchHit>> {
        let tz = *chrono::Local::now().offset();
        let q = query::parse(text, chrono::Utc::now(), tz)
            .map_err(|e| Error::Usage(format!("{e}\n{}", e.pointer(text))))?;
        let (msg_part, ticket_part) = index::split(&q).map_err(index_err)?;
        self.refresh_tickets()?;
        self.refresh_search(&|_, _| {})?;
        let me = self.me()?;
        let tickets = self.index()?;
        let Some(msg_part) = msg_part else {
            // Filters only: the ticket index answers, newest activity first.
            let mut out = Vec::new();
            for t in tickets.all(crate::ticket::index::Sort::Activity)? {
                if out.len() >= limit {
                    break;
                }
                // Filters alone list tickets; automated mail is found by its words.
                if !t.not_a_ticket
                    && ticket_part
                        .as_ref()
                        .is_none_or(|p| ticket_matches(p, &t, me.as_ref()))
                {
                    out.push(SearchHit {
                        id: t.id.clone(),
                        subject: t.subject.clone(),
                        status: t.status,
                        score: 0.0,
                        message_id: t.message_ids.last().cloned().unwrap_or_default(),
                        snippet: String::new(),
                        highlights: Vec::new(),
                    });
                }
            }
            return Ok(out);
        };
        // Without a word to score by (dates, attachments), every match ties: newest first.
        let by_date = by_date || !has_words(&msg_part);
        let ix = self.search_index()?;
        let tq = ix.compile(&msg_part).map_err(index_err)?;
        let mut want = (limit * 4).max(64);
        loop {
            let hits = self
                .search_index()?
                .run(&*tq, by_date, want)
                .map_err(index_err)?;
            let exhausted = hits.len() < want;
            let mut out: Vec<(SearchHit, Hash)> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for (hash, score, _) in hits {
                if out.len() >= limit {
                    break;
                }
                let Some(t) = tickets.ticket_of(&hash)? else {
                    continue;
                };
                if !seen.insert(t.full_id.clone()) {
                    continue;
                }
                if ticket_part
                    .as_ref()
                    .is_some_and(|p| !ticket_matches(p, &t, me.as_ref()))
                {
                    continue;
                }
                let message_id = t
                    .hashes
                    .iter()
                    .position(|h| *h == hash)
                    .and_then(|i| t.message_ids.get(i).cloned())
                    .unwrap_or_default();
                out.push((
                    SearchHit {
                        id: t.id.clone(),
                        subject: t.subject.clone(),
                        status: t.status,
                        score: if by_date { 0.0 } else { score },
                        message_id,
                        snippet: String::new(),
                        highlights: Vec::new(),
                    },
                    hash,
                ));
            }
            if out.len() >= limit || exhausted {
                let store = self.store()?;
                let hashes: Vec<Hash> = out.iter().map(|(_, h)| *h).collect();
                let texts = store.texts_with(&hashes, |h, _, text| Some((h, text)))?;
                let ix = self.search_index()?;
                for (hit, h) in out.iter_mut() {
                    if let Some((_, text)) = texts.iter().find(|(x, _)| x == h) {
                        let (snippet, ranges) = ix.snippet(&*tq, text);
                        if snippet.is_empty() {
                            // The words matched elsewhere (subject, names, a stem): show the
                            // message's opening lines.
                            hit.snippet = opening(text);
                        } else {
                            hit.snippet = snippet;
                            hit.highlights = ranges.into_iter().map(|(a, b)| [a, b]).collect();
                        }
                    }
                }
                return Ok(out.into_iter().map(|(h, _)| h).collect());
            }
            want *= 4;
        }
    }
}
