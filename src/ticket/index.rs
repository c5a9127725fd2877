//! The ticket index: every ticket, and the posting lists the views read. All of it is derived
//! (from mail, the op log and read state), so it lives outside sled, in one file in the data dir
//! (`tickets.idx`: magic, version, complete flag, the fingerprint of the team set-up it was
//! built for, its generation, the snooze wake times; then, compressed, the ids, lists and
//! members; then the tickets in compressed blocks of 64, so that a command showing one page
//! decompresses only the blocks on it). The file is read in place, never decoded whole. A change
//! (new mail, a status, a read mark) is laid over it in memory ([`overlay`]) and appended to
//! `tickets.idx.log` ([`journal`]), so it costs the tickets it touches; after
//! [`overlay::COMPACT_AT`] changed tickets (or [`overlay::JOURNAL_MAX_BYTES`] of journal) the
//! file is written whole again, atomically, as the next generation. It is rebuilt whenever it is missing, unreadable or built for another
//! set-up. sled would keep several times its live bytes on disk for the same lists.
//!
//! In memory, each posting list is a sorted vector of 24-byte entries (time key, full id), keyed
//! by `sort field value 0x00 status`. `sort` is `x` (last activity) or `y` (creation; kept for
//! `*` and `n` only — a filtered view sorted by creation sorts its matches). `field` is one byte:
//! `*` every ticket, `n` not a ticket (automated mail), `a` assignee (empty value: unassigned),
//! `k` kind, `p` priority, `t` tag, `c` customer, `o` organisation, `A` account, `u` unread.
//! `status` is one byte in [`Shown`] order; the time key is big-endian and inverted so that newer
//! sorts first. A view merges one list per status it shows: the first page costs a few dozen
//! steps, whatever the mailbox size. Search's ticket filters ([`Pick`]) are set operations on
//! the same lists, so they never decode a ticket that is not shown.

use serde::{Deserialize, Serialize};

use super::build::{Shown, Ticket};
use super::op::{Kind, Priority};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::store::{Error, Result};

/// Bumped when the derived layout changes; an index of another version is rebuilt.
pub const INDEX_VERSION: u32 = 5;

/// The default views.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum View {
    Open,
    Mine,
    Unassigned,
    Pending,
    Snoozed,
    Closed,
    Bugs,
    Features,
    Questions,
    NotTickets,
}

impl View {
    pub const ALL: [View; 10] = [
        View::Open,
        View::Mine,
        View::Unassigned,
        View::Pending,
        View::Snoozed,
        View::Closed,
        View::Bugs,
        View::Features,
        View::Questions,
        View::NotTickets,
    ];

    pub fn name(self) -> &'static str {
        match self {
            View::Open => "open",
            View::Mine => "mine",
            View::Unassigned => "unassigned",
            View::Pending => "pending",
            View::Snoozed => "snoozed",
            View::Closed => "closed",
            View::Bugs => "bugs",
            View::Features => "features",
            View::Questions => "questions",
            View::NotTickets => "not-tickets",
        }
    }

    /// The title a person sees.
    pub fn title(self) -> &'static str {
        match self {
            View::Open => "Open",
            View::Mine => "Mine",
            View::Unassigned => "Unassigned",
            View::Pending => "Pending",
            View::Snoozed => "Snoozed",
            View::Closed => "Closed",
            View::Bugs => "Bugs",
            View::Features => "Feature requests",
            View::Questions => "Questions",
            View::NotTickets => "Not tickets",
        }
    }

    pub fn parse(s: &str) -> Option<View> {
        let s = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        let s = match s.as_str() {
            "feature-requests" | "feature" => "features",
            "bug" => "bugs",
            "question" => "questions",
            "not-ticket" | "nottickets" => "not-tickets",
            other => other,
        };
        View::ALL.into_iter().find(|v| v.name() == s)
    }

    /// The statuses the view shows. Triage views show work still to do.
    pub fn statuses(self) -> &'static [Shown] {
        const ACTIVE: &[Shown] = &[Shown::Open, Shown::Pending];
        const NOT_CLOSED: &[Shown] = &[Shown::Open, Shown::Pending, Shown::Snoozed];
        const ANY: &[Shown] = &[Shown::Open, Shown::Pending, Shown::Snoozed, Shown::Closed];
        match self {
            View::Open => &[Shown::Open],
            View::Mine | View::Unassigned => ACTIVE,
            View::Pending => &[Shown::Pending],
            View::Snoozed => &[Shown::Snoozed],
            View::Closed => &[Shown::Closed],
            View::Bugs | View::Features | View::Questions => NOT_CLOSED,
            View::NotTickets => ANY,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Activity,
    Created,
}

/// What to list. With no view, no status and no filter, the Open view.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub view: Option<View>,
    pub status: Option<Shown>,
    /// An address; the empty string means unassigned.
    pub assignee: Option<String>,
    pub tag: Option<String>,
    pub kind: Option<Kind>,
    pub priority: Option<Priority>,
    pub customer: Option<String>,
    pub organisation: Option<String>,
    pub account: Option<String>,
    pub sort: Sort,
    pub limit: Option<usize>,
    /// Every conversation in every status, not-tickets included, no limit.
    pub all: bool,
}

/// A list field search's ticket filters can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListField {
    Assignee,
    Kind,
    Priority,
    Tag,
    Customer,
    Organisation,
    Account,
    Unread,
}

impl ListField {
    fn byte(self) -> u8 {
        match self {
            ListField::Assignee => b'a',
            ListField::Kind => b'k',
            ListField::Priority => b'p',
            ListField::Tag => b't',
            ListField::Customer => b'c',
            ListField::Organisation => b'o',
            ListField::Account => b'A',
            ListField::Unread => b'u',
        }
    }
}

/// What a value must be, for [`Pick::Field`].
pub type Accept<'a> = Box<dyn Fn(&str) -> bool + 'a>;

/// A condition on tickets (never on automated mail) that the posting lists answer exactly.
pub enum Pick<'a> {
    /// Every ticket.
    All,
    Status(Shown),
    /// Tickets listed under the field with a value the function accepts (the value as the ticket
    /// holds it: an address, a tag, a kind's or priority's name; empty for `Unread` and for an
    /// unassigned ticket).
    Field(ListField, Accept<'a>),
    And(Vec<Pick<'a>>),
    Or(Vec<Pick<'a>>),
    Not(Box<Pick<'a>>),
    /// Automated mail, which is never a ticket (the Not tickets view); meant on its own: the
    /// other conditions never pick it.
    Automated,
}

/// Entries in both sorted lists.
fn intersect(a: &[Entry], b: &[Entry]) -> Vec<Entry> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Entries of the sorted `a` not in the sorted `b`.
fn subtract(a: &[Entry], b: &[Entry]) -> Vec<Entry> {
    let mut j = 0;
    let mut out = Vec::with_capacity(a.len().saturating_sub(b.len()));
    for e in a {
        while j < b.len() && b[j] < *e {
            j += 1;
        }
        if j >= b.len() || b[j] != *e {
            out.push(*e);
        }
    }
    out
}

/// Sorted, distinct entries from raw lists.
fn gather(lists: impl Iterator<Item = impl AsRef<[u8]>>) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut parts = 0;
    for l in lists {
        parts += 1;
        out.extend(
            l.as_ref()
                .chunks_exact(24)
                .filter_map(|c| Entry::try_from(c).ok()),
        );
    }
    if parts > 1 {
        out.sort_unstable();
        out.dedup();
    }
    out
}

const ANY: [Shown; 4] = [Shown::Open, Shown::Pending, Shown::Snoozed, Shown::Closed];

fn status_byte(s: Shown) -> u8 {
    match s {
        Shown::Open => 0,
        Shown::Pending => 1,
        Shown::Snoozed => 2,
        Shown::Closed => 3,
    }
}

pub fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Bug => "bug",
        Kind::Feature => "feature",
        Kind::Question => "question",
        Kind::Other => "other",
    }
}

pub fn priority_name(p: Priority) -> &'static str {
    match p {
        Priority::Urgent => "urgent",
        Priority::High => "high",
        Priority::Normal => "normal",
        Priority::Low => "low",
    }
}

/// The (field, value) pairs a ticket is listed under.
fn fields(t: &Ticket) -> Vec<(u8, String)> {
    if t.not_a_ticket {
        return vec![(b'n', String::new())];
    }
    let mut v = vec![
        (b'*', String::new()),
        (b'a', t.assignee.clone().unwrap_or_default()),
        (b'k', t.kind.map(kind_name).unwrap_or_default().to_string()),
        (
            b'p',
            t.priority
                .map(priority_name)
                .unwrap_or_default()
                .to_string(),
        ),
    ];
    v.extend(t.customer.iter().map(|c| (b'c', c.clone())));
    v.extend(t.organisation.iter().map(|o| (b'o', o.clone())));
    v.extend(t.tags.iter().map(|x| (b't', x.clone())));
    v.extend(t.accounts.iter().map(|a| (b'A', a.clone())));
    if t.unread {
        v.push((b'u', String::new()));
    }
    v
}

/// Order-preserving, inverted: newer times sort first.
fn newest_first(t: i64) -> [u8; 8] {
    (!((t as u64) ^ (1 << 63))).to_be_bytes()
}

type Entry = [u8; 24];

fn list_key(sort: u8, field: u8, value: &str, status: Shown) -> Vec<u8> {
    let mut k = Vec::with_capacity(4 + value.len());
    k.push(sort);
    k.push(field);
    k.extend(value.bytes().filter(|b| *b != 0));
    k.push(0);
    k.push(status_byte(status));
    k
}

fn entry(time: i64, full_id: &str) -> Entry {
    let mut e = [0u8; 24];
    e[..8].copy_from_slice(&newest_first(time));
    let id = full_id.as_bytes();
    let n = id.len().min(16);
    e[8..8 + n].copy_from_slice(&id[..n]);
    e
}

fn entry_id(e: &[u8]) -> String {
    String::from_utf8_lossy(&e[8..24])
        .trim_end_matches('\0')
        .to_string()
}

/// The lists a ticket belongs to, with its entry in each.
fn memberships(t: &Ticket) -> Vec<(Vec<u8>, Entry)> {
    let mut out = Vec::new();
    for (field, value) in fields(t) {
        out.push((
            list_key(b'x', field, &value, t.status),
            entry(t.last_activity, &t.full_id),
        ));
        // By creation only for the whole set; a filtered list sorts its matches itself.
        if field == b'*' || field == b'n' {
            out.push((
                list_key(b'y', field, &value, t.status),
                entry(t.created, &t.full_id),
            ));
        }
    }
    // A ticket is in a list once, however many of its values lead there.
    out.sort_unstable();
    out.dedup();
    out
}

/// Tickets by full id, with their displayed ids (as short as their neighbours allow).
fn with_short_ids(mut tickets: Vec<Ticket>) -> BTreeMap<String, Ticket> {
    tickets.sort_by(|a, b| a.full_id.cmp(&b.full_id));
    let full: Vec<&str> = tickets.iter().map(|t| t.full_id.as_str()).collect();
    let ids = super::build::short_ids(&full);
    for (t, id) in tickets.iter_mut().zip(ids) {
        t.id = id;
    }
    tickets
        .into_iter()
        .map(|t| (t.full_id.clone(), t))
        .collect()
}

/// The file the index lives in, inside the data dir.
pub const FILE: &str = "tickets.idx";
const MAGIC: &[u8; 4] = b"STIX";

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Index {
        path: path.to_path_buf(),
        source,
    }
}

/// Snoozed tickets: (until, full id).
type Wakes = Vec<(i64, String)>;

/// What a saved index was built for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Built {
    pub version: u32,
    pub complete: bool,
    pub fingerprint: [u8; 32],
}

mod frozen;
mod journal;
mod overlay;
use frozen::Frozen;
use overlay::Overlay;

/// The posting lists of a set of tickets, for writing the index whole.
fn lists_of(tickets: &BTreeMap<String, Ticket>) -> HashMap<Vec<u8>, Vec<Entry>> {
    let mut lists: HashMap<Vec<u8>, Vec<Entry>> = HashMap::new();
    for t in tickets.values() {
        for (k, e) in memberships(t) {
            lists.entry(k).or_default().push(e);
        }
    }
    for l in lists.values_mut() {
        l.sort_unstable();
    }
    lists
}

/// The saved index and the changes made since.
struct Layered {
    built: Built,
    generation: u64,
    frozen: Frozen,
    overlay: Overlay,
    /// The journal's whole bytes (0: none written for this generation yet).
    journal_len: u64,
}

/// The index in memory.
#[derive(Default)]
enum Data {
    #[default]
    Empty,
    /// Only the head of the file and the journal are read: what it was built for, the wake
    /// times and the changes since.
    Head(Built, u64, Wakes, journal::Journal),
    Layered(Box<Layered>),
}

impl Data {
    fn built(&self) -> Option<&Built> {
        match self {
            Data::Empty => None,
            Data::Head(b, ..) => Some(b),
            Data::Layered(l) => Some(&l.built),
        }
    }

    fn generation(&self) -> Option<u64> {
        match self {
            Data::Empty => None,
            Data::Head(_, g, ..) => Some(*g),
            Data::Layered(l) => Some(l.generation),
        }
    }

    fn layered(&self) -> Option<&Layered> {
        match self {
            Data::Layered(l) => Some(l),
            _ => None,
        }
    }

    fn get(&self, fid: &str) -> Result<Option<Ticket>> {
        match self.layered() {
            Some(l) => l.overlay.get(&l.frozen, fid),
            None => Ok(None),
        }
    }

    /// The full ids starting with `prefix`, in order.
    fn ids_from(&self, prefix: &str) -> Vec<&str> {
        self.layered()
            .map(|l| l.overlay.ids_from(&l.frozen, prefix))
            .unwrap_or_default()
    }

    fn every(&self) -> Result<Vec<Ticket>> {
        match self.layered() {
            Some(l) => l.overlay.every(&l.frozen),
            None => Ok(Vec::new()),
        }
    }

    /// The full id of the ticket holding a message.
    fn holder(&self, hash: &[u8; 16]) -> Option<String> {
        self.layered()
            .and_then(|l| l.overlay.holder(&l.frozen, hash))
    }

    /// The posting lists whose key starts with `prefix` and that `keep` accepts, with their
    /// keys (no other list is read).
    fn lists_under(
        &self,
        prefix: &[u8],
        keep: &dyn Fn(&[u8]) -> bool,
    ) -> Vec<overlay::KeyedList<'_>> {
        self.layered()
            .map(|l| l.overlay.lists_under(&l.frozen, prefix, keep))
            .unwrap_or_default()
    }

    /// The keys of the non-empty lists under `prefix`, with their lengths in entries.
    fn lengths_under(&self, prefix: &[u8]) -> Vec<(Cow<'_, [u8]>, usize)> {
        self.layered()
            .map(|l| l.overlay.lengths_under(&l.frozen, prefix))
            .unwrap_or_default()
    }

    /// The entries of the tickets a condition picks, newest activity first.
    fn pick(&self, p: &Pick) -> Vec<Entry> {
        match p {
            Pick::All => gather(
                ANY.iter()
                    .filter_map(|s| self.list(&list_key(b'x', b'*', "", *s))),
            ),
            Pick::Status(s) => gather(self.list(&list_key(b'x', b'*', "", *s)).into_iter()),
            Pick::Automated => gather(
                ANY.iter()
                    .filter_map(|s| self.list(&list_key(b'x', b'n', "", *s))),
            ),
            Pick::Field(field, accept) => {
                // key = x field value 0x00 status
                let keep = |key: &[u8]| {
                    key.get(2..key.len().saturating_sub(2))
                        .and_then(|v| std::str::from_utf8(v).ok())
                        .is_some_and(accept)
                };
                let lists = self.lists_under(&[b'x', field.byte()], &keep);
                gather(lists.into_iter().map(|(_, entries)| entries))
            }
            Pick::And(ps) => {
                let mut out: Option<Vec<Entry>> = None;
                for x in ps {
                    let got = self.pick(x);
                    out = Some(match out {
                        None => got,
                        Some(prev) => intersect(&prev, &got),
                    });
                    if out.as_ref().is_some_and(|o| o.is_empty()) {
                        break;
                    }
                }
                out.unwrap_or_else(|| self.pick(&Pick::All))
            }
            Pick::Or(ps) => {
                let mut out: Vec<Entry> = ps.iter().flat_map(|x| self.pick(x)).collect();
                out.sort_unstable();
                out.dedup();
                out
            }
            Pick::Not(x) => subtract(&self.pick(&Pick::All), &self.pick(x)),
        }
    }

    /// The messages of the tickets with these entries.
    fn hashes_of(&self, entries: &[Entry]) -> Vec<[u8; 16]> {
        self.layered()
            .map(|l| l.overlay.hashes_of(&l.frozen, entries))
            .unwrap_or_default()
    }

    /// A posting list's entries (24 bytes each).
    fn list(&self, key: &[u8]) -> Option<Cow<'_, [u8]>> {
        self.layered().and_then(|l| l.overlay.list(&l.frozen, key))
    }
}

/// The ticket index: a file in the data dir, held in memory while the workspace is open.
/// Cheap to clone (shared).
#[derive(Clone)]
pub struct Index {
    path: PathBuf,
    data: Arc<Mutex<Data>>,
    /// How many changed tickets the overlay holds before the index is written whole.
    compact_at: usize,
    /// How many journal bytes before the index is written whole.
    journal_max: u64,
}

/// The head's fixed part: magic, version, complete, fingerprint, generation, wakes' length.
const HEAD: usize = 4 + 4 + 1 + 32 + 8 + 4;

impl Index {
    /// Reads the index of a data dir. A missing, unreadable or foreign file is an empty index
    /// that says it needs a rebuild.
    pub fn open(dir: &Path) -> Index {
        let path = dir.join(FILE);
        let data = Self::read_head(&path).unwrap_or_default();
        Index {
            path,
            data: Arc::new(Mutex::new(data)),
            compact_at: overlay::COMPACT_AT,
            journal_max: overlay::JOURNAL_MAX_BYTES,
        }
    }

    /// The same index, written whole once more than `n` tickets changed (tests reach it).
    #[cfg(test)]
    fn compacting_at(mut self, n: usize) -> Index {
        self.compact_at = n;
        self
    }

    /// The same index, written whole once its journal passes `bytes` (tests reach it).
    #[cfg(test)]
    fn journal_at_most(mut self, bytes: u64) -> Index {
        self.journal_max = bytes;
        self
    }

    fn journal(&self) -> PathBuf {
        journal::path(&self.path)
    }

    /// The head: magic, version, complete, fingerprint, generation, then the wake times
    /// (length-prefixed). Returns it, the generation and where the body starts.
    fn parse_head(bytes: &[u8]) -> Option<(Built, u64, Wakes, usize)> {
        if bytes.len() < HEAD || &bytes[..4] != MAGIC {
            return None;
        }
        let version = u32::from_be_bytes(bytes[4..8].try_into().ok()?);
        let mut fingerprint = [0u8; 32];
        fingerprint.copy_from_slice(&bytes[9..41]);
        let generation = u64::from_be_bytes(bytes[41..49].try_into().ok()?);
        let len = u32::from_be_bytes(bytes[49..53].try_into().ok()?) as usize;
        let wakes = postcard::from_bytes(bytes.get(HEAD..HEAD + len)?).ok()?;
        let built = Built {
            version,
            complete: bytes[8] == 1,
            fingerprint,
        };
        Some((built, generation, wakes, HEAD + len))
    }

    /// The head of the file (many snoozes make it longer than the first read: then all of it).
    fn head_of(path: &Path) -> Option<(std::fs::File, Built, u64, Wakes, usize)> {
        use std::io::Read;
        let mut file = std::fs::File::open(path).ok()?;
        let mut head = Vec::new();
        (&mut file).take(64 * 1024).read_to_end(&mut head).ok()?;
        let parsed = match Self::parse_head(&head) {
            Some(p) => p,
            None => {
                head.clear();
                std::fs::File::open(path)
                    .ok()?
                    .read_to_end(&mut head)
                    .ok()?;
                Self::parse_head(&head)?
            }
        };
        let (built, generation, wakes, start) = parsed;
        Some((file, built, generation, wakes, start))
    }

    fn read_head(path: &Path) -> Option<Data> {
        let (_, built, generation, wakes, _) = Self::head_of(path)?;
        let journal = journal::read(&journal::path(path), generation);
        Some(Data::Head(built, generation, wakes, journal))
    }

    /// The body (see [`frozen`]): its fixed part now, lists and tickets when asked for; with
    /// the journal's changes laid over it.
    fn read(path: &Path) -> Option<Data> {
        let (file, built, generation, wakes, start) = Self::head_of(path)?;
        let frozen = Frozen::open(file, start as u64, wakes)?;
        let journal = journal::read(&journal::path(path), generation);
        let mut overlay = Overlay::default();
        for (fid, state) in journal.changed {
            overlay.set(&frozen, fid, state).ok()?;
        }
        Some(Data::Layered(Box::new(Layered {
            built,
            generation,
            frozen,
            overlay,
            journal_len: journal.len,
        })))
    }

    /// The index with its body read (an unreadable body is an empty index, rebuilt next).
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Data>> {
        let mut d = self.lock_head()?;
        if let Data::Head(..) = &*d {
            *d = Self::read(&self.path).unwrap_or_default();
        }
        Ok(d)
    }

    fn lock_head(&self) -> Result<std::sync::MutexGuard<'_, Data>> {
        self.data.lock().map_err(|_| Error::Corrupt {
            key: "ticket index".into(),
            reason: "a thread panicked while changing it".into(),
        })
    }

    /// Writes the whole index as generation `generation`: a temporary file, fsynced, renamed
    /// over the old one — so a crash leaves the old index (with its journal) or the new, never
    /// half of one. Returns it as read back, with no changes over it.
    fn write(
        &self,
        built: &Built,
        generation: u64,
        tickets: &BTreeMap<String, Ticket>,
    ) -> Result<Data> {
        let (body, wakes) = Frozen::encode(tickets, &lists_of(tickets))?;
        let wakes = postcard::to_stdvec(&wakes).map_err(|e| Error::Corrupt {
            key: "ticket index".into(),
            reason: e.to_string(),
        })?;
        let mut out = Vec::with_capacity(HEAD + wakes.len() + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&built.version.to_be_bytes());
        out.push(u8::from(built.complete));
        out.extend_from_slice(&built.fingerprint);
        out.extend_from_slice(&generation.to_be_bytes());
        out.extend_from_slice(&(wakes.len() as u32).to_be_bytes());
        out.extend_from_slice(&wakes);
        out.extend_from_slice(&body);
        let tmp = self.path.with_extension("idx.tmp");
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
            f.write_all(&out).map_err(|e| io(&tmp, e))?;
            f.sync_all().map_err(|e| io(&tmp, e))?;
        }
        std::fs::rename(&tmp, &self.path).map_err(|e| io(&self.path, e))?;
        if let Some(dir) = self.path.parent()
            && let Ok(d) = std::fs::File::open(dir)
        {
            // Makes the rename durable where the platform allows syncing a directory.
            let _ = d.sync_all();
        }
        // The old journal names the old generation: it would be ignored, but it is dead weight.
        journal::remove(&self.journal());
        Self::read(&self.path).ok_or_else(|| Error::Corrupt {
            key: "ticket index".into(),
            reason: format!("{} does not read back as written", self.path.display()),
        })
    }

    /// The generation after the current one (a new index starts from the clock, so it never
    /// matches a journal left from an index that could not be read).
    fn next_generation(d: &Data) -> u64 {
        d.generation().map_or_else(
            || {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |t| t.as_nanos() as u64)
            },
            |g| g.wrapping_add(1),
        )
    }

    pub fn built(&self) -> Result<Option<Built>> {
        Ok(self.lock_head()?.built().cloned())
    }

    /// Replaces everything with `tickets` (a full rebuild) and saves it.
    pub fn load(&self, tickets: Vec<Ticket>, fingerprint: &[u8; 32]) -> Result<()> {
        let mut d = self.lock_head()?;
        let built = Built {
            version: INDEX_VERSION,
            complete: true,
            fingerprint: *fingerprint,
        };
        let generation = Self::next_generation(&d);
        *d = Data::Empty;
        *d = self.write(&built, generation, &with_short_ids(tickets))?;
        Ok(())
    }

    /// Replaces the tickets named in `removed` by `added` (an incremental update), lengthens or
    /// shortens the displayed ids around them, and saves: the changed tickets are appended to
    /// the journal, and once enough have changed the index is written whole.
    pub fn replace(&self, removed: &[String], added: Vec<Ticket>) -> Result<()> {
        let mut d = self.lock()?;
        let Data::Layered(l) = &mut *d else {
            // No index yet: these tickets are all of it, and it says it is not complete.
            let built = Built {
                version: INDEX_VERSION,
                complete: false,
                fingerprint: [0; 32],
            };
            let generation = Self::next_generation(&d);
            *d = self.write(&built, generation, &with_short_ids(added))?;
            return Ok(());
        };
        let f = &l.frozen;
        let mut changes: BTreeMap<String, Option<Ticket>> = BTreeMap::new();
        for fid in removed {
            if l.overlay.get(f, fid)?.is_some() {
                l.overlay.set(f, fid.clone(), None)?;
                changes.insert(fid.clone(), None);
            }
        }
        for t in added {
            changes.insert(t.full_id.clone(), Some(t.clone()));
            l.overlay.set(f, t.full_id.clone(), Some(t))?;
        }
        // Displayed ids: the changed tickets and their neighbours in full-id order.
        let mut around: Vec<String> = Vec::new();
        for fid in changes.keys() {
            let [prev, next] = l.overlay.neighbours(f, fid);
            around.extend(prev);
            around.extend(next);
            around.push(fid.clone());
        }
        around.sort();
        around.dedup();
        for fid in around {
            let [prev, next] = l.overlay.neighbours(f, &fid);
            let id = super::build::short_id(&fid, prev.as_deref(), next.as_deref());
            if let Some(mut t) = l.overlay.get(f, &fid)?
                && t.id != id
            {
                t.id = id;
                changes.insert(fid.clone(), Some(t.clone()));
                l.overlay.set(f, fid, Some(t))?;
            }
        }
        if l.overlay.len() > self.compact_at || l.journal_len > self.journal_max {
            let tickets = l
                .overlay
                .every(f)?
                .into_iter()
                .map(|t| (t.full_id.clone(), t))
                .collect();
            let (built, generation) = (l.built.clone(), l.generation.wrapping_add(1));
            *d = self.write(&built, generation, &tickets)?;
            return Ok(());
        }
        let changes: Vec<overlay::Change> = changes.into_iter().collect();
        l.journal_len = journal::append(&self.journal(), l.generation, l.journal_len, &changes)?;
        Ok(())
    }

    pub fn get(&self, full_id: &str) -> Result<Option<Ticket>> {
        self.lock()?.get(full_id)
    }

    /// The ticket holding a message (a binary search, whatever the number of tickets).
    pub fn ticket_of(&self, hash: &[u8; 16]) -> Result<Option<Ticket>> {
        let d = self.lock()?;
        match d.holder(hash) {
            Some(fid) => d.get(&fid),
            None => Ok(None),
        }
    }

    /// The full id of the ticket holding a message, without decoding the ticket.
    pub fn holder_of(&self, hash: &[u8; 16]) -> Result<Option<String>> {
        Ok(self.lock()?.holder(hash))
    }

    /// Full ids starting with `prefix` (a displayed id, or a longer prefix of the full id).
    pub fn with_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        let prefix = prefix.to_ascii_lowercase();
        let d = self.lock()?;
        Ok(d.ids_from(&prefix)
            .into_iter()
            .map(str::to_string)
            .collect())
    }

    /// Snoozed tickets whose time has come.
    pub fn due(&self, now: i64) -> Result<Vec<String>> {
        let d = self.lock_head()?;
        Ok(match &*d {
            Data::Empty => Vec::new(),
            Data::Head(_, _, wakes, journal) => overlay::due(wakes, &journal.changed, now),
            Data::Layered(l) => overlay::due(&l.frozen.wakes, &l.overlay.tickets, now),
        })
    }

    /// Every ticket, not-tickets included, newest first by the sort.
    pub fn all(&self, sort: Sort) -> Result<Vec<Ticket>> {
        let mut out = self.lock()?.every()?;
        let time = |t: &Ticket| match sort {
            Sort::Activity => t.last_activity,
            Sort::Created => t.created,
        };
        out.sort_by(|a, b| time(b).cmp(&time(a)).then(a.full_id.cmp(&b.full_id)));
        Ok(out)
    }

    /// Lists one page. `me` is the person's address, for the Mine view.
    pub fn list(&self, q: &Query, me: Option<&str>) -> Result<Vec<Ticket>> {
        if q.all {
            return self.all(q.sort);
        }
        let mut constraints: Vec<(u8, String)> = Vec::new();
        let lower = |s: &String| s.trim().to_ascii_lowercase();
        constraints.extend(q.customer.iter().map(|c| (b'c', lower(c))));
        constraints.extend(q.tag.iter().map(|t| (b't', t.trim().to_string())));
        constraints.extend(q.assignee.iter().map(|a| (b'a', lower(a))));
        constraints.extend(q.priority.map(|p| (b'p', priority_name(p).to_string())));
        constraints.extend(q.kind.map(|k| (b'k', kind_name(k).to_string())));
        constraints.extend(q.organisation.iter().map(|o| (b'o', lower(o))));
        constraints.extend(q.account.iter().map(|a| (b'A', a.clone())));
        let filtered = !constraints.is_empty();
        let view = q
            .view
            .or((!filtered && q.status.is_none()).then_some(View::Open));
        let mut statuses: Vec<Shown> = view.map(|v| v.statuses().to_vec()).unwrap_or(ANY.to_vec());
        if let Some(s) = q.status {
            statuses.retain(|x| *x == s);
        }
        match view {
            Some(View::Mine) => {
                // Without a configured person, nothing is theirs (the engine says why).
                let Some(me) = me else {
                    return Ok(Vec::new());
                };
                constraints.push((b'a', me.to_ascii_lowercase()));
            }
            Some(View::Unassigned) => constraints.push((b'a', String::new())),
            Some(View::Bugs) => constraints.push((b'k', "bug".into())),
            Some(View::Features) => constraints.push((b'k', "feature".into())),
            Some(View::Questions) => constraints.push((b'k', "question".into())),
            Some(View::NotTickets) => constraints.push((b'n', String::new())),
            _ => {}
        }
        if constraints.is_empty() {
            constraints.push((b'*', String::new()));
        }
        let (field, value) = constraints[0].clone();
        let rest = &constraints[1..];
        let by_created_list = field == b'*' || field == b'n';
        let (tag, limit) = match q.sort {
            Sort::Activity => (b'x', q.limit.unwrap_or(usize::MAX)),
            Sort::Created if by_created_list => (b'y', q.limit.unwrap_or(usize::MAX)),
            // A field's list is kept by activity only: take every match, then sort.
            Sort::Created => (b'x', usize::MAX),
        };
        // One list per status, merged by entry (time key, then id).
        let d = self.lock()?;
        let lists: Vec<Cow<'_, [u8]>> = statuses
            .iter()
            .filter_map(|&st| d.list(&list_key(tag, field, &value, st)))
            .collect();
        let mut pos = vec![0usize; lists.len()];
        let mut out = Vec::new();
        while out.len() < limit {
            let mut best: Option<usize> = None;
            for (i, l) in lists.iter().enumerate() {
                if pos[i] + 24 <= l.len()
                    && best.is_none_or(|b| l[pos[i]..pos[i] + 24] < lists[b][pos[b]..pos[b] + 24])
                {
                    best = Some(i);
                }
            }
            let Some(b) = best else { break };
            let fid = entry_id(&lists[b][pos[b]..pos[b] + 24]);
            pos[b] += 24;
            let Some(t) = d.get(&fid)? else { continue };
            let f = fields(&t);
            if rest.iter().all(|c| f.contains(c)) {
                out.push(t);
            }
        }
        if q.sort == Sort::Created && !by_created_list {
            out.sort_by(|a, b| b.created.cmp(&a.created).then(a.full_id.cmp(&b.full_id)));
            out.truncate(q.limit.unwrap_or(usize::MAX));
        }
        Ok(out)
    }

    /// The tickets a condition picks, newest activity first, at most `limit` (only those are
    /// decoded).
    pub fn pick(&self, p: &Pick, limit: usize) -> Result<Vec<Ticket>> {
        let d = self.lock()?;
        let mut out = Vec::new();
        for e in d.pick(p).iter().take(limit) {
            if let Some(t) = d.get(&entry_id(e))? {
                out.push(t);
            }
        }
        Ok(out)
    }

    /// How many tickets a condition picks.
    pub fn pick_count(&self, p: &Pick) -> Result<usize> {
        Ok(self.lock()?.pick(p).len())
    }

    /// The full ids of every ticket a condition picks.
    pub fn pick_ids(&self, p: &Pick) -> Result<Vec<String>> {
        Ok(self.lock()?.pick(p).iter().map(|e| entry_id(e)).collect())
    }

    /// The messages of every ticket a condition picks.
    pub fn pick_messages(&self, p: &Pick) -> Result<Vec<[u8; 16]>> {
        let d = self.lock()?;
        let entries = d.pick(p);
        Ok(d.hashes_of(&entries))
    }

    /// Each value a field holds among tickets in `statuses`, with how many tickets hold it
    /// (tags and accounts for the sidebar), read from the lists' lengths alone.
    pub fn field_counts(
        &self,
        field: ListField,
        statuses: &[Shown],
    ) -> Result<Vec<(String, usize)>> {
        let d = self.lock()?;
        let wanted: Vec<u8> = statuses.iter().map(|s| status_byte(*s)).collect();
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for (key, n) in d.lengths_under(&[b'x', field.byte()]) {
            let Some((&status, rest)) = key[2..].split_last() else {
                continue;
            };
            let Some((&0, value)) = rest.split_last() else {
                continue;
            };
            if wanted.contains(&status) && !value.is_empty() {
                *counts
                    .entry(String::from_utf8_lossy(value).into_owned())
                    .or_default() += n;
            }
        }
        Ok(counts.into_iter().collect())
    }

    /// Counts per view (for the sidebar and `siphon tickets --counts`), read from the index.
    pub fn count(&self, q: &Query, me: Option<&str>) -> Result<usize> {
        let mut q = q.clone();
        q.limit = None;
        Ok(self.list(&q, me)?.len())
    }
}

#[cfg(test)]
mod tests;
