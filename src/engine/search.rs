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
use crate::store::{Addr, BlobRef, Hash, MessageRecord, PackReader, Store};
use crate::ticket::build::Shown;
use crate::ticket::index::{Accept, Index, ListField, Pick, kind_name, priority_name};

/// One result: a ticket, with its best matching message.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SearchHit {
    pub id: String,
    /// The ticket's full id (for the app's lists; the CLI shows `id`).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub full_id: String,
    pub subject: String,
    pub status: Shown,
    pub score: f32,
    pub message_id: String,
    pub snippet: String,
    /// Byte ranges of the snippet to highlight.
    pub highlights: Vec<[usize; 2]>,
    /// Where the matching message lives in the packs (for a snippet made later).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub blob: Option<BlobRef>,
}

/// How many messages go to the index per commit during a rebuild.
const CHUNK: usize = 2_048;

fn index_err(e: index::Error) -> Error {
    match e {
        index::Error::Unsupported(m) => Error::Usage(m),
        other => Error::Usage(format!("search index: {other}")),
    }
}

/// The ticket part of a query as a condition the ticket index answers from its lists. Ticket
/// conditions pick tickets, never automated mail ("not tickets" have no status, tags or
/// assignee to filter by; they are found by their words).
pub fn pick<'a>(q: &'a Query, me: Option<&'a Me>) -> Pick<'a> {
    let eq = |text: &str| {
        let text = text.trim().to_lowercase();
        Box::new(move |v: &str| v.eq_ignore_ascii_case(&text)) as Accept<'a>
    };
    let word = |field: Field, text: String| -> Pick<'a> {
        let lower = text.trim().to_lowercase();
        match field {
            Field::Tag => Pick::Field(ListField::Tag, eq(&lower)),
            Field::Account => Pick::Field(ListField::Account, eq(&lower)),
            Field::Customer => {
                Pick::Field(ListField::Customer, Box::new(move |v| person(v, &lower)))
            }
            Field::Org => Pick::Field(
                ListField::Organisation,
                Box::new(move |v| {
                    let v = v.to_lowercase();
                    v == lower || v.starts_with(&format!("{lower}."))
                }),
            ),
            Field::Assignee => Pick::Field(
                ListField::Assignee,
                Box::new(move |v| {
                    !v.is_empty()
                        && (person(v, &lower)
                            || me.is_some_and(|m| {
                                m.email.eq_ignore_ascii_case(v)
                                    && m.name.to_lowercase().contains(&lower)
                            }))
                }),
            ),
            // Message-level words never reach here (see `index::split`).
            _ => Pick::Or(Vec::new()),
        }
    };
    match q {
        Query::And(qs) => Pick::And(qs.iter().map(|x| pick(x, me)).collect()),
        Query::Or(qs) => Pick::Or(qs.iter().map(|x| pick(x, me)).collect()),
        Query::Not(x) => Pick::Not(Box::new(pick(x, me))),
        Query::Word { field, text } => word(*field, text.clone()),
        Query::Phrase { field, words } => word(*field, words.join(" ")),
        Query::Status(s) => Pick::Status(*s),
        Query::Kind(k) => Pick::Field(ListField::Kind, eq(kind_name(*k))),
        Query::Priority(p) => Pick::Field(ListField::Priority, eq(priority_name(*p))),
        Query::Is(IsFlag::Unread) => Pick::Field(ListField::Unread, Box::new(|_| true)),
        Query::Is(IsFlag::Mine) => match me {
            Some(m) => Pick::Field(ListField::Assignee, eq(&m.email)),
            None => Pick::Or(Vec::new()),
        },
        // Message-level conditions never reach here (see `index::split`).
        Query::HasAttachment | Query::After(_) | Query::Before(_) => Pick::All,
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

/// How the message index resolves a query's ticket conditions: the messages of the tickets
/// they pick.
fn resolver<'a>(
    tickets: &'a Index,
    me: Option<&'a Me>,
) -> impl Fn(&Query) -> index::Result<Vec<Hash>> + 'a {
    move |sub| {
        tickets
            .pick_messages(&pick(sub, me))
            .map_err(|e| index::Error::Unsupported(e.to_string()))
    }
}

/// A query in the search language, or a usage error pointing at what is wrong.
pub(super) fn parse(text: &str) -> Result<Query> {
    let tz = *chrono::Local::now().offset();
    query::parse(text, chrono::Utc::now(), tz)
        .map_err(|e| Error::Usage(format!("{e}\n{}", e.pointer(text))))
}

/// Each message's snippet for a query, with its highlights, read straight from the packs;
/// where the words matched elsewhere (subject, names), the message's opening.
fn snippet_texts(
    ix: &SearchIndex,
    tq: &dyn tantivy::query::Query,
    packs: &PackReader,
    blobs: &[Option<BlobRef>],
) -> Vec<(String, Vec<[usize; 2]>)> {
    let texts: Vec<String> = blobs
        .iter()
        .map(|b| {
            b.and_then(|b| packs.entry(&b).ok())
                .map(|(_, text)| text)
                .unwrap_or_default()
        })
        .collect();
    let bodies: Vec<&str> = texts.iter().map(String::as_str).collect();
    ix.snippets(tq, &bodies)
        .into_iter()
        .zip(&bodies)
        .map(|((snippet, ranges), body)| {
            if snippet.is_empty() {
                (opening(body), Vec::new())
            } else {
                (snippet, ranges.into_iter().map(|(a, b)| [a, b]).collect())
            }
        })
        .collect()
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

    /// Opens the search index and runs one small query through it, so that the first search a
    /// person types does not also pay for opening the index (its segments, readers and term
    /// dictionaries). A long-running host calls it once its first screen is up; it indexes
    /// whatever was stored and not yet searchable, as any search would.
    pub fn warm_search(&mut self) -> Result<()> {
        self.matches("support", 1, false, 0).map(drop)
    }

    /// Whether the search index is open in this engine.
    pub fn search_is_open(&self) -> bool {
        self.search.is_some()
    }

    /// Indexes the messages stored since the last pass (all of them the first time).
    /// `progress(done, total)` is called as it goes. Returns how many were indexed.
    pub fn refresh_search(&mut self, progress: &dyn Fn(usize, usize)) -> Result<usize> {
        let store = self.store()?;
        self.search_index()?;
        if !store.has_unsearchable()? {
            self.mark_ready()?;
            return Ok(0);
        }
        let (hashes, upto) = store.unsearchable()?;
        let total = hashes.len();
        let mut done = 0;
        for part in hashes.chunks(CHUNK) {
            let docs: Vec<(Hash, BlobRef, MessageRecord, String)> =
                store.texts_with(part, |h, b, r, text| Some((h, *b, r, text)))?;
            let ix = self.search_index()?;
            ix.add(docs.iter().map(|(h, b, r, text)| {
                MessageDoc {
                    hash: h,
                    subject: &r.subject,
                    body: text,
                    from: Addr::list(&r.from),
                    to: Addr::list(&r.to),
                    cc: Addr::list(&r.cc),
                    attachments: r
                        .attachments
                        .iter()
                        .map(|a| a.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    date: r.date,
                    has_attachment: !r.attachments.is_empty(),
                    blob: Some(*b),
                }
            }))
            .map_err(index_err)?;
            done += part.len();
            progress(done, total);
        }
        self.search_index()?.commit().map_err(index_err)?;
        store.mark_searchable(Some(upto))?;
        self.mark_ready()?;
        Ok(total)
    }

    /// Writes the ready file when the tickets and the search index hold everything stored, so
    /// that the next search can answer without opening the store ([`Engine::search`]). It
    /// names the configuration it was written under: editing it makes the file stale.
    pub fn mark_ready(&mut self) -> Result<()> {
        let store = self.store()?;
        if store.has_unthreaded()? || store.has_unsearchable()? {
            return Ok(());
        }
        let path = Store::ready_path(&self.paths.data_dir);
        let stamp = self.config_stamp();
        if std::fs::read_to_string(&path).is_ok_and(|m| m.trim() == stamp) {
            return Ok(());
        }
        let tmp = path.with_extension("tmp");
        let io = |e: std::io::Error| Error::Usage(format!("writing {}: {e}", path.display()));
        std::fs::write(&tmp, format!("{stamp}\n")).map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)?;
        Ok(())
    }

    /// A digest of the configuration file as it is now.
    fn config_stamp(&self) -> String {
        let bytes = std::fs::read(&self.paths.config_file).unwrap_or_default();
        blake3::hash(&bytes).to_hex().to_string()
    }

    /// Whether a search may answer from the ticket index and the search index alone: the
    /// ready file is there for this configuration, the ticket index is whole, and no snooze is
    /// due. (A damaged search index is found when it is opened.)
    fn ready_to_read(&mut self) -> bool {
        let path = Store::ready_path(&self.paths.data_dir);
        let Ok(mark) = std::fs::read_to_string(&path) else {
            return false;
        };
        if mark.trim() != self.config_stamp() {
            return false;
        }
        let index = self
            .tickets
            .index
            .get_or_insert_with(|| Index::open(&self.paths.data_dir))
            .clone();
        index
            .built()
            .ok()
            .flatten()
            .is_some_and(|b| b.complete && b.version == crate::ticket::index::INDEX_VERSION)
            && index
                .due(chrono::Utc::now().timestamp())
                .is_ok_and(|d| d.is_empty())
    }

    /// Lets go of the search index's pages that searches mapped into this process (they stay
    /// in the system's file cache; the next search maps what it reads again). For a
    /// long-lived process once it is idle; returns the bytes of maps covered.
    pub fn release_mapped_pages(&self) -> usize {
        self.search
            .as_ref()
            .map_or(0, SearchIndex::release_mapped_pages)
    }

    /// The search index without the store, when it opens whole; a fresh one (missing or
    /// damaged) needs the store to be refilled, and says so with None.
    fn search_index_to_read(&mut self) -> Result<Option<&mut SearchIndex>> {
        if self.search.is_none() {
            let (ix, fresh) =
                SearchIndex::open(&self.paths.data_dir.join("search")).map_err(index_err)?;
            if fresh {
                self.store()?.mark_searchable(None)?;
                self.search = Some(ix);
                return Ok(None);
            }
            self.search = Some(ix);
        }
        Ok(self.search.as_mut())
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

    /// Answers a query with tickets, best first (or newest first), each with its snippet.
    pub fn search(&mut self, text: &str, limit: usize, by_date: bool) -> Result<Vec<SearchHit>> {
        self.search_with(text, limit, by_date, limit)
    }

    /// The message index to query, or an error saying it is being rebuilt.
    fn readable_search_index(&mut self) -> Result<&mut SearchIndex> {
        self.search_index_to_read()?
            .ok_or_else(|| Error::Usage("the search index is being rebuilt; search again".into()))
    }

    /// Snippets, with highlights, of these messages (as [`SearchHit::blob`] names them) for a
    /// query's words.
    pub fn snippets(
        &mut self,
        text: &str,
        blobs: &[Option<BlobRef>],
    ) -> Result<Vec<(String, Vec<[usize; 2]>)>> {
        let (words, _) = index::split(&parse(text)?);
        let Some(words) = words else {
            return Ok(vec![Default::default(); blobs.len()]);
        };
        let tickets = self.index()?;
        let me = self.me()?;
        let resolve = resolver(&tickets, me.as_ref());
        let packs = PackReader::new(&self.paths.data_dir.join("packs"));
        let ix = self.readable_search_index()?;
        let tq = ix.compile(&words, &resolve).map_err(index_err)?;
        Ok(snippet_texts(ix, &*tq, &packs, blobs))
    }

    /// [`Engine::search`], with snippets for the first `snippets` results only: the others
    /// keep where their message lives, for [`Engine::snippets`] when they are shown.
    pub fn search_with(
        &mut self,
        text: &str,
        limit: usize,
        by_date: bool,
        snippets: usize,
    ) -> Result<Vec<SearchHit>> {
        let found = match self.matches(text, limit, by_date, snippets)? {
            Found::Tickets(hits) => return Ok(hits),
            Found::Messages(m) => m,
        };
        let tickets = &found.tickets;
        let mut texts = found.texts.into_iter();
        let mut results = Vec::with_capacity(found.hits.len());
        for m in found.hits {
            let Some(t) = tickets.get(&m.full_id)? else {
                continue;
            };
            let message_id = t
                .hashes
                .iter()
                .position(|h| *h == m.hash)
                .and_then(|i| t.message_ids.get(i).cloned())
                .unwrap_or_default();
            let (snippet, highlights) = texts.next().unwrap_or_default();
            results.push(SearchHit {
                id: t.id.clone(),
                full_id: t.full_id.clone(),
                subject: t.subject.clone(),
                status: t.status,
                score: if found.by_date { 0.0 } else { m.score },
                message_id,
                snippet,
                highlights,
                blob: m.blob,
            });
        }
        Ok(results)
    }

    /// The tickets a query finds, best first, each with its best matching message: from the
    /// two indexes alone, without reading a ticket (a list of results needs no more until its
    /// rows are shown). Snippets are made for the first `snippets`.
    pub(super) fn matches(
        &mut self,
        text: &str,
        limit: usize,
        by_date: bool,
        snippets: usize,
    ) -> Result<Found> {
        let q = parse(text)?;
        let (msg_part, ticket_part) = index::split(&q);
        // A one-shot search after a sync answers from the two indexes alone; otherwise (or in a
        // process that has the store open anyway) the indexes are brought up to date first.
        let read_only =
            self.store.is_none() && self.ready_to_read() && self.search_index_to_read()?.is_some();
        let tickets = if read_only {
            match self.tickets.index.clone() {
                Some(ix) => ix,
                None => self.index()?,
            }
        } else {
            self.refresh_tickets()?;
            self.refresh_search(&|_, _| {})?;
            self.index()?
        };
        let me = self.me()?;
        let Some(msg_part) = msg_part else {
            // Filters only: the ticket index answers, newest activity first.
            let all = Query::And(Vec::new());
            let p = pick(ticket_part.as_ref().unwrap_or(&all), me.as_ref());
            return Ok(Found::Tickets(
                tickets
                    .pick(&p, limit)?
                    .into_iter()
                    .map(|t| SearchHit {
                        id: t.id.clone(),
                        full_id: t.full_id.clone(),
                        subject: t.subject.clone(),
                        status: t.status,
                        score: 0.0,
                        message_id: t.message_ids.last().cloned().unwrap_or_default(),
                        snippet: String::new(),
                        highlights: Vec::new(),
                        blob: None,
                    })
                    .collect(),
            ));
        };
        // Without a word to score by (dates, attachments), every match ties: newest first.
        let by_date = by_date || !has_words(&msg_part);
        let resolve = resolver(&tickets, me.as_ref());
        let packs = PackReader::new(&self.paths.data_dir.join("packs"));
        let ix = self.readable_search_index()?;
        let mut tq = ix.compile(&msg_part, &resolve).map_err(index_err)?;
        // The ticket part filters inside the index: the messages of the tickets it picks.
        if let Some(tp) = &ticket_part {
            let hashes = tickets.pick_messages(&pick(tp, me.as_ref()))?;
            tq = Box::new(tantivy::query::BooleanQuery::new(vec![
                (tantivy::query::Occur::Must, tq),
                (tantivy::query::Occur::Must, index::messages(&hashes)),
            ]));
        }
        let mut want = (limit * 4).max(64);
        loop {
            let hits = ix.run(&*tq, by_date, want).map_err(index_err)?;
            let exhausted = hits.len() < want;
            let mut out: Vec<Match> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for index::Hit {
                hash, score, blob, ..
            } in hits
            {
                if out.len() >= limit {
                    break;
                }
                let Some(full_id) = tickets.holder_of(&hash)? else {
                    continue;
                };
                if !seen.insert(full_id.clone()) {
                    continue;
                }
                out.push(Match {
                    hash,
                    full_id,
                    score,
                    blob,
                });
            }
            if out.len() < limit && !exhausted {
                want *= 4;
                continue;
            }
            // Only what is shown is decoded and read, straight from the packs.
            let shown = snippets.min(out.len());
            let blobs: Vec<Option<BlobRef>> = out[..shown].iter().map(|m| m.blob).collect();
            let texts = snippet_texts(ix, &*tq, &packs, &blobs);
            return Ok(Found::Messages(Matches {
                hits: out,
                texts,
                by_date,
                tickets: tickets.clone(),
            }));
        }
    }
}

/// What [`Engine::matches`] found.
pub(super) enum Found {
    /// A query of ticket filters only, answered by the ticket index.
    Tickets(Vec<SearchHit>),
    /// A query with words: the tickets of the matching messages.
    Messages(Matches),
}

pub(super) struct Matches {
    pub hits: Vec<Match>,
    /// Snippets with highlights, for the first hits.
    pub texts: Vec<(String, Vec<[usize; 2]>)>,
    /// Ranked by date (no word to score by).
    pub by_date: bool,
    tickets: Index,
}

/// A ticket found by one of its messages.
pub(super) struct Match {
    pub hash: Hash,
    pub full_id: String,
    pub score: f32,
    pub blob: Option<BlobRef>,
}
