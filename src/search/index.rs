//! The message index (tantivy): what each message says, never what the team decided about it.
//!
//! One document per stored message: subject, body text, the From/To/Cc names and addresses and
//! the attachment names, folded (see [`super::analysis`]), plus the subject and body stemmed
//! when the message's language is known, the filing date and whether it has attachments. Raw
//! messages never change, so the index only grows: new mail is added as it is stored, and a
//! merge, a split or a status change never touches it. Ticket-level conditions (`status:`,
//! `tag:`, `is:unread` …) are checked against the ticket index at query time ([`split`]).

use std::path::{Path, PathBuf};

use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScorer, EnableScoring, Explanation, Occur, PhraseQuery,
    Query as TQuery, RangeQuery, Scorer, TermQuery, Weight,
};
use tantivy::schema::{
    Field as TField, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{
    DocAddress, DocId, DocSet, Index, IndexReader, IndexWriter, Score, SegmentReader, TERMINATED,
    TantivyDocument, Term,
};

use super::analysis::{self, FOLDED, Lang, STEM_EN, STEM_FR};
use super::query::{Field, Query};
use crate::store::BlobRef;
use tantivy::tokenizer::TokenStream as _;

/// Bumped when the schema or the analysis changes; an index of another version is rebuilt.
pub const SEARCH_VERSION: u32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("search index in {dir}: {source}")]
    Index {
        dir: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error("search index in {dir}: {source}")]
    Io {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Unsupported(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// The schema's fields.
#[derive(Clone, Copy)]
pub struct Fields {
    pub hash: TField,
    pub subject: TField,
    pub body: TField,
    pub from: TField,
    pub to: TField,
    pub cc: TField,
    pub attachments: TField,
    pub stem_en: TField,
    pub stem_fr: TField,
    pub date: TField,
    pub has_attachment: TField,
    /// Where the message lives in the packs, so that a snippet reads its text without the
    /// store's metadata.
    pub blob: TField,
    /// The first 8 bytes of the hash, for ticket conditions ([`messages`]).
    pub key: TField,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let folded = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(FOLDED)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let stem = |name: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(name)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let fields = Fields {
        hash: b.add_text_field("hash", STRING | STORED),
        subject: b.add_text_field("subject", folded.clone()),
        body: b.add_text_field("body", folded.clone()),
        from: b.add_text_field("from", folded.clone()),
        to: b.add_text_field("to", folded.clone()),
        cc: b.add_text_field("cc", folded.clone()),
        attachments: b.add_text_field("attachments", folded),
        stem_en: b.add_text_field("stem_en", stem(STEM_EN)),
        stem_fr: b.add_text_field("stem_fr", stem(STEM_FR)),
        date: b.add_i64_field("date", INDEXED | STORED | tantivy::schema::FAST),
        has_attachment: b.add_u64_field("has_attachment", INDEXED),
        blob: b.add_bytes_field("blob", STORED),
        key: b.add_u64_field("key", tantivy::schema::FAST),
    };
    (b.build(), fields)
}

/// What the index needs of one message.
pub struct MessageDoc<'a> {
    pub hash: &'a [u8; 16],
    pub subject: &'a str,
    pub body: &'a str,
    pub from: String,
    pub to: String,
    pub cc: String,
    pub attachments: String,
    pub date: i64,
    pub has_attachment: bool,
    pub blob: Option<BlobRef>,
}

/// A matching message.
#[derive(Clone, Debug)]
pub struct Hit {
    pub hash: [u8; 16],
    /// The score, or with `by_date` the date.
    pub score: f32,
    pub date: i64,
    pub blob: Option<BlobRef>,
}

pub fn hex(h: &[u8; 16]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    if s.len() != 32 {
        return None;
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Runs `f`, turning a panic into `None`, without printing it: tantivy may panic on damaged
/// files (a length that underflows), and a damaged index is simply rebuilt.
fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    std::panic::set_hook(hook);
    r
}

/// Decompressed blocks of stored fields kept per segment (see [`SearchIndex::open_in`]).
const STORE_BLOCKS_KEPT: usize = 8;

/// The open index: one long-lived writer, batched commits.
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    writer: Option<IndexWriter>,
    /// The index's files, which tantivy maps (see [`SearchIndex::release_mapped_pages`]).
    files: MmapDirectory,
    pub fields: Fields,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing. A damaged index (or one of another
    /// version) is wiped and made anew; the second value says so, for the caller to refill it.
    pub fn open(dir: &Path) -> Result<(SearchIndex, bool)> {
        let version_file = dir.join("siphon-version");
        let same_version = std::fs::read_to_string(&version_file)
            .ok()
            .is_some_and(|v| v.trim() == SEARCH_VERSION.to_string());
        if same_version && let Some(Ok(ix)) = quietly(|| Self::open_in(dir)) {
            return Ok((ix, false));
        }
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|source| Error::Io {
                dir: dir.to_path_buf(),
                source,
            })?;
        }
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            dir: dir.to_path_buf(),
            source,
        })?;
        let ix = Self::open_in(dir)?;
        std::fs::write(&version_file, SEARCH_VERSION.to_string()).map_err(|source| Error::Io {
            dir: dir.to_path_buf(),
            source,
        })?;
        Ok((ix, true))
    }

    fn open_in(dir: &Path) -> Result<SearchIndex> {
        let err = |source| Error::Index {
            dir: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            dir: dir.to_path_buf(),
            source,
        })?;
        let (schema, fields) = schema();
        let files = MmapDirectory::open(dir).map_err(|e| err(e.into()))?;
        let index = Index::open_or_create(files.clone(), schema).map_err(err)?;
        analysis::register(index.tokenizers());
        // A search reads the stored fields of its hits once, scattered over the store: a few
        // decompressed blocks per segment are kept, not tantivy's default hundred (a long-lived
        // app would hold megabytes of them for nothing).
        let reader = index
            .reader_builder()
            .doc_store_cache_num_blocks(STORE_BLOCKS_KEPT)
            .try_into()
            .map_err(err)?;
        // Check that what is there can be read (a damaged segment fails here).
        let searcher = reader.searcher();
        for seg in searcher.segment_readers() {
            seg.inverted_index(fields.body).map_err(err)?;
        }
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            index,
            reader,
            writer: None,
            files,
            fields,
        })
    }

    /// Lets go of the pages of the index's files that searches mapped into this process; they
    /// stay in the system's file cache, and the next search maps what it reads again. Returns
    /// the bytes of maps covered. For a long-lived process once it is idle.
    pub fn release_mapped_pages(&self) -> usize {
        mapped::release(&self.files)
    }

    fn err(&self, source: tantivy::TantivyError) -> Error {
        Error::Index {
            dir: self.dir.clone(),
            source,
        }
    }

    fn writer(&mut self) -> Result<&mut IndexWriter> {
        if self.writer.is_none() {
            let w = self
                .index
                .writer_with_num_threads(2, 32 * 1024 * 1024)
                .map_err(|e| self.err(e))?;
            self.writer = Some(w);
        }
        match self.writer.as_mut() {
            Some(w) => Ok(w),
            None => Err(Error::Unsupported("no index writer".into())),
        }
    }

    /// Adds messages (call [`SearchIndex::commit`] to make them searchable).
    pub fn add<'a>(&mut self, docs: impl IntoIterator<Item = MessageDoc<'a>>) -> Result<usize> {
        let f = self.fields;
        let w = self.writer()?;
        let mut n = 0;
        for m in docs {
            // Adding a message again (after a crash between a commit and the store's mark)
            // replaces it rather than doubling it.
            w.delete_term(Term::from_field_text(f.hash, &hex(m.hash)));
            let mut doc = TantivyDocument::default();
            doc.add_text(f.hash, hex(m.hash));
            doc.add_text(f.subject, m.subject);
            doc.add_text(f.body, m.body);
            doc.add_text(f.from, &m.from);
            doc.add_text(f.to, &m.to);
            doc.add_text(f.cc, &m.cc);
            doc.add_text(f.attachments, &m.attachments);
            // The language from the subject and the body together: a short body alone often
            // says too little.
            let sample = format!("{}\n{}", m.subject, m.body);
            match analysis::guess_language(&sample) {
                Some(Lang::English) => {
                    doc.add_text(f.stem_en, m.subject);
                    doc.add_text(f.stem_en, m.body);
                }
                Some(Lang::French) => {
                    doc.add_text(f.stem_fr, m.subject);
                    doc.add_text(f.stem_fr, m.body);
                }
                _ => {}
            }
            doc.add_i64(f.date, m.date);
            doc.add_u64(f.has_attachment, u64::from(m.has_attachment));
            doc.add_u64(f.key, key(m.hash));
            if let Some(b) = m.blob.and_then(|b| postcard::to_stdvec(&b).ok()) {
                doc.add_bytes(f.blob, &b);
            }
            w.add_document(doc).map_err(|e| Error::Index {
                dir: PathBuf::new(),
                source: e,
            })?;
            n += 1;
        }
        Ok(n)
    }

    /// Removes every document (a rebuild starts here).
    pub fn clear(&mut self) -> Result<()> {
        let w = self.writer()?;
        w.delete_all_documents().map_err(|e| Error::Index {
            dir: PathBuf::new(),
            source: e,
        })?;
        Ok(())
    }

    /// Makes what was added searchable and durable.
    pub fn commit(&mut self) -> Result<()> {
        if let Some(w) = self.writer.as_mut() {
            w.commit().map_err(|e| Error::Index {
                dir: PathBuf::new(),
                source: e,
            })?;
        }
        self.reader.reload().map_err(|e| self.err(e))?;
        Ok(())
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The message-level part of a query as a tantivy query (see [`compile`]).
    pub fn compile(&self, q: &Query, resolve: Resolve) -> Result<Box<dyn TQuery>> {
        compile(&self.fields, q, resolve)
    }

    /// Matching messages, best first (by score, or newest first).
    pub fn run(&self, query: &dyn TQuery, by_date: bool, limit: usize) -> Result<Vec<Hit>> {
        let searcher = self.reader.searcher();
        // The top is chosen by (score or date, date, hash), never by where a document sits in
        // the index: an index built message by message and one rebuilt at once give the same
        // answer, ties included.
        let columns = |seg: &SegmentReader| {
            let f = seg.fast_fields();
            (f.i64("date").ok(), f.u64("key").ok())
        };
        let order = |date: &Option<tantivy::columnar::Column<i64>>,
                     key: &Option<tantivy::columnar::Column<u64>>,
                     doc: DocId| {
            (
                date.as_ref().and_then(|c| c.first(doc)).unwrap_or(0),
                !key.as_ref().and_then(|c| c.first(doc)).unwrap_or(0),
            )
        };
        let top = TopDocs::with_limit(limit.max(1));
        let hits: Vec<(f32, DocAddress)> = if by_date {
            searcher
                .search(
                    query,
                    &top.custom_score(move |seg: &SegmentReader| {
                        let (date, key) = columns(seg);
                        move |doc: DocId| order(&date, &key, doc)
                    }),
                )
                .map_err(|e| self.err(e))?
                .into_iter()
                .map(|((d, _), a)| (d as f32, a))
                .collect()
        } else {
            searcher
                .search(
                    query,
                    &top.tweak_score(move |seg: &SegmentReader| {
                        let (date, key) = columns(seg);
                        move |doc: DocId, score: Score| (rounded(score), order(&date, &key, doc))
                    }),
                )
                .map_err(|e| self.err(e))?
                .into_iter()
                .map(|((score, _), a)| (score, a))
                .collect()
        };
        let mut out = Vec::with_capacity(hits.len());
        for (score, addr) in hits {
            let doc: TantivyDocument = searcher.doc(addr).map_err(|e| self.err(e))?;
            let hash = doc
                .get_first(self.fields.hash)
                .and_then(|v| v.as_str())
                .and_then(unhex);
            let date = doc
                .get_first(self.fields.date)
                .and_then(|v| v.as_i64())
                .unwrap_or(0);
            let blob = doc
                .get_first(self.fields.blob)
                .and_then(|v| v.as_bytes())
                .and_then(|b| postcard::from_bytes(b).ok());
            if let Some(hash) = hash {
                out.push(Hit {
                    hash,
                    score,
                    date,
                    blob,
                });
            }
        }
        // Ties go by date then hash, not by where a document happens to sit in the index, so a
        // rebuilt index answers in the same order.
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(b.date.cmp(&a.date))
                .then(a.hash.cmp(&b.hash))
        });
        Ok(out)
    }

    /// Snippets of message texts around the query's words, each with its highlighted byte
    /// ranges: the words as written (folded), else by their English or French stems ("crash"
    /// highlights "crashes"). Empty when the words matched only elsewhere (subject, names).
    pub fn snippets(
        &self,
        query: &dyn TQuery,
        texts: &[&str],
    ) -> Vec<(String, Vec<(usize, usize)>)> {
        let searcher = self.reader.searcher();
        let f = self.fields;
        let generators: Vec<tantivy::snippet::SnippetGenerator> = [f.body, f.stem_en, f.stem_fr]
            .into_iter()
            .filter_map(|field| {
                let mut g =
                    tantivy::snippet::SnippetGenerator::create(&searcher, query, field).ok()?;
                g.set_max_num_chars(160);
                Some(g)
            })
            .collect();
        texts
            .iter()
            .map(|text| {
                for g in &generators {
                    let s = g.snippet(text);
                    if !s.highlighted().is_empty() {
                        let ranges = s.highlighted().iter().map(|r| (r.start, r.end)).collect();
                        return (s.fragment().to_string(), ranges);
                    }
                }
                (String::new(), Vec::new())
            })
            .collect()
    }
}

/// Where a condition is checked: in the message index, or on the ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Message,
    Ticket,
    Mixed,
}

/// The level of a query (sub)tree.
pub fn level(q: &Query) -> Level {
    let join = |qs: &[Query]| {
        let mut lv: Option<Level> = None;
        for x in qs {
            let l = level(x);
            lv = Some(match lv {
                None => l,
                Some(p) if p == l => p,
                _ => Level::Mixed,
            });
        }
        lv.unwrap_or(Level::Message)
    };
    match q {
        Query::And(qs) | Query::Or(qs) => join(qs),
        Query::Not(x) => level(x),
        Query::Word { field, .. } | Query::Phrase { field, .. } => match field {
            Field::Tag | Field::Assignee | Field::Account | Field::Customer | Field::Org => {
                Level::Ticket
            }
            _ => Level::Message,
        },
        Query::Status(_) | Query::Kind(_) | Query::Priority(_) | Query::Is(_) => Level::Ticket,
        Query::HasAttachment | Query::After(_) | Query::Before(_) => Level::Message,
    }
}

/// Splits a query into the part the message index answers and the part checked on tickets.
/// A group mixing the two (`crash OR status:pending`) goes to the message part: its ticket
/// conditions become the messages of the tickets they pick (see [`compile`]).
pub fn split(q: &Query) -> (Option<Query>, Option<Query>) {
    let parts: Vec<&Query> = match q {
        Query::And(qs) => qs.iter().collect(),
        other => vec![other],
    };
    let (mut msg, mut tick) = (Vec::new(), Vec::new());
    for p in parts {
        match level(p) {
            Level::Ticket => tick.push(p.clone()),
            Level::Message | Level::Mixed => msg.push(p.clone()),
        }
    }
    let join = |mut v: Vec<Query>| match v.len() {
        0 => None,
        1 => v.pop(),
        _ => Some(Query::And(v)),
    };
    (join(msg), join(tick))
}

/// A score to two decimals. The same message can score a few units in the last place apart in
/// two indexes holding the same messages in other segments (floating-point sums in another
/// order); rounded, the two agree, and so do the order and the JSON.
fn rounded(score: Score) -> Score {
    (score * 100.0).round() / 100.0
}

/// Keys that are already uniformly distributed (hash bytes) need no hashing.
#[derive(Clone, Copy, Default)]
struct Identity(u64);

impl std::hash::Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeySet = std::collections::HashSet<u64, std::hash::BuildHasherDefault<Identity>>;

/// The key of a message in the index's `key` fast field: the first 8 bytes of its hash.
fn key(hash: &[u8; 16]) -> u64 {
    let mut k = [0u8; 8];
    k.copy_from_slice(&hash[..8]);
    u64::from_be_bytes(k)
}

/// Messages by content hash: what a ticket condition stands for in the message index. One pass
/// over the `key` fast field per segment, whatever the number of messages; it filters and never
/// adds to a score.
pub fn messages(hashes: &[[u8; 16]]) -> Box<dyn TQuery> {
    if hashes.is_empty() {
        return nothing();
    }
    Box::new(Messages {
        keys: std::sync::Arc::new(hashes.iter().map(key).collect()),
    })
}

#[derive(Clone, Debug)]
struct Messages {
    keys: std::sync::Arc<KeySet>,
}

impl TQuery for Messages {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for Messages {
    fn scorer(&self, reader: &SegmentReader, _boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let keys = reader.fast_fields().u64("key")?.first_or_default_col(0);
        let docs = (0..reader.max_doc())
            .filter(|d| self.keys.contains(&keys.get_val(*d)))
            .collect();
        Ok(Box::new(ConstScorer::new(DocList { docs, at: 0 }, 0.0)))
    }

    fn explain(&self, _: &SegmentReader, _: DocId) -> tantivy::Result<Explanation> {
        Ok(Explanation::new("message of a picked ticket", 0.0))
    }
}

/// Documents in increasing order.
struct DocList {
    docs: Vec<DocId>,
    at: usize,
}

impl DocSet for DocList {
    fn advance(&mut self) -> DocId {
        self.at += 1;
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        self.docs.len() as u32
    }
}

/// The folded text fields a free word or phrase looks in.
fn text_fields(f: &Fields, field: Field) -> Vec<TField> {
    match field {
        Field::Any => vec![f.subject, f.body, f.from, f.to, f.cc, f.attachments],
        Field::From => vec![f.from],
        Field::To => vec![f.to],
        Field::Cc => vec![f.cc],
        Field::Subject => vec![f.subject],
        Field::Body => vec![f.body],
        _ => Vec::new(),
    }
}

/// A word as the folded analyser sees it: the whole (a compound) and its parts with positions.
fn word_tokens(text: &str) -> Vec<(usize, String, usize)> {
    let mut a = analysis::analyzer();
    let mut stream = a.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push((t.position, t.text.clone(), t.position_length));
    }
    out
}

/// Matches `tokens` (one word's or a phrase's) in one field.
fn in_field(field: TField, tokens: &[(usize, String, usize)]) -> Option<Box<dyn TQuery>> {
    let term = |t: &str| Term::from_field_text(field, t);
    // The plain tokens (length 1), one per position: what a phrase is made of.
    let mut plain: Vec<(usize, Term)> = Vec::new();
    for (pos, text, len) in tokens {
        if *len == 1 && plain.last().is_none_or(|(p, _)| p != pos) {
            plain.push((*pos, term(text)));
        }
    }
    let as_phrase = |plain: Vec<(usize, Term)>| -> Option<Box<dyn TQuery>> {
        match plain.len() {
            0 => None,
            1 => plain.into_iter().next().map(|(_, t)| {
                Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn TQuery>
            }),
            _ => {
                let first = plain[0].0;
                let shifted = plain.into_iter().map(|(p, t)| (p - first, t)).collect();
                Some(Box::new(PhraseQuery::new_with_offset(shifted)) as Box<dyn TQuery>)
            }
        }
    };
    // A single compound word also matches as itself (an address, a domain, a version).
    let compounds: Vec<&(usize, String, usize)> =
        tokens.iter().filter(|(_, _, len)| *len > 1).collect();
    let phrase = as_phrase(plain);
    if compounds.len() == 1 && tokens.first().is_some_and(|t| t.2 > 1) {
        let whole: Box<dyn TQuery> = Box::new(TermQuery::new(
            term(&compounds[0].1),
            IndexRecordOption::WithFreqs,
        ));
        return Some(match phrase {
            Some(p) => Box::new(BooleanQuery::new(vec![
                (Occur::Should, whole),
                (Occur::Should, p),
            ])),
            None => whole,
        });
    }
    phrase
}

fn stemmed_term(field: TField, analyzer: &str, word: &str) -> Option<Box<dyn TQuery>> {
    let mut a = match analyzer {
        STEM_EN => analysis::stemmer(tantivy::tokenizer::Language::English),
        _ => analysis::stemmer(tantivy::tokenizer::Language::French),
    };
    let terms = analysis::terms(&mut a, word);
    match terms.as_slice() {
        [one] => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, one),
            IndexRecordOption::WithFreqs,
        ))),
        _ => None,
    }
}

fn any_of(qs: Vec<Box<dyn TQuery>>) -> Option<Box<dyn TQuery>> {
    match qs.len() {
        0 => None,
        1 => qs.into_iter().next(),
        _ => Some(Box::new(BooleanQuery::new(
            qs.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))),
    }
}

/// Nothing matches (a word that analyses to nothing, such as punctuation).
fn nothing() -> Box<dyn TQuery> {
    Box::new(BooleanQuery::new(vec![(
        Occur::MustNot,
        Box::new(AllQuery) as Box<dyn TQuery>,
    )]))
}

/// What a ticket-level condition inside a mixed group stands for: the messages of the tickets
/// it picks.
pub type Resolve<'a> = &'a dyn Fn(&Query) -> Result<Vec<[u8; 16]>>;

/// Compiles the message-level part of a query. Ticket conditions (met only inside a mixed
/// group) go to `resolve`.
pub fn compile(f: &Fields, q: &Query, resolve: Resolve) -> Result<Box<dyn TQuery>> {
    if level(q) == Level::Ticket {
        return Ok(messages(&resolve(q)?));
    }
    Ok(match q {
        Query::And(qs) => {
            let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
            for x in qs {
                match x {
                    Query::Not(inner) => {
                        clauses.push((Occur::MustNot, compile(f, inner, resolve)?))
                    }
                    other => clauses.push((Occur::Must, compile(f, other, resolve)?)),
                }
            }
            if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(clauses))
        }
        Query::Or(qs) => {
            let clauses = qs
                .iter()
                .map(|x| Ok((Occur::Should, compile(f, x, resolve)?)))
                .collect::<Result<Vec<_>>>()?;
            Box::new(BooleanQuery::new(clauses))
        }
        Query::Not(inner) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery) as Box<dyn TQuery>),
            (Occur::MustNot, compile(f, inner, resolve)?),
        ])),
        Query::Word { field, text } => {
            let tokens = word_tokens(text);
            let mut alts: Vec<Box<dyn TQuery>> = text_fields(f, *field)
                .into_iter()
                .filter_map(|tf| in_field(tf, &tokens))
                .collect();
            // Stemming where the language is known: "crash" finds "crashes".
            // (The stemmed fields hold subject and body together: free words only.)
            if *field == Field::Any && tokens.len() == 1 {
                alts.extend(stemmed_term(f.stem_en, STEM_EN, text));
                alts.extend(stemmed_term(f.stem_fr, STEM_FR, text));
            }
            any_of(alts).unwrap_or_else(nothing)
        }
        Query::Phrase { field, words } => {
            let tokens = word_tokens(&words.join(" "));
            let alts: Vec<Box<dyn TQuery>> = text_fields(f, *field)
                .into_iter()
                .filter_map(|tf| in_field(tf, &tokens))
                .collect();
            any_of(alts).unwrap_or_else(nothing)
        }
        Query::HasAttachment => Box::new(TermQuery::new(
            Term::from_field_u64(f.has_attachment, 1),
            IndexRecordOption::Basic,
        )),
        Query::After(t) => Box::new(RangeQuery::new(
            std::ops::Bound::Included(Term::from_field_i64(f.date, *t)),
            std::ops::Bound::Unbounded,
        )),
        Query::Before(t) => Box::new(RangeQuery::new(
            std::ops::Bound::Unbounded,
            std::ops::Bound::Excluded(Term::from_field_i64(f.date, *t)),
        )),
        other => {
            return Err(Error::Unsupported(format!(
                "{other:?} is checked on tickets, not in the message index"
            )));
        }
    })
}

mod mapped;
#[cfg(test)]
mod tests;
