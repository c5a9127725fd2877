//! The ticket index: every ticket, and the orderings the views list them by, in the store's
//! `tickets` tree. All of it is derived (from mail, the op log and read state) and is rebuilt
//! whenever it is missing, incomplete or built for another team set-up.
//!
//! ```text
//! "V"                                   version u32 BE, complete u8, fingerprint [u8; 32]
//! "T" full_id                           Ticket (postcard)
//! "L" sort field value 0x00 status      posting list: 24-byte entries (time key, full_id), sorted
//! "w" until:u64 full_id                 () — snoozed tickets by wake time
//! ```
//!
//! `sort` is `x` (last activity) or `y` (creation; kept for `*` and `n` only — a filtered view
//! sorted by creation reads the field's activity list and sorts its matches). `field` is one byte: `*` every ticket, `n` not
//! a ticket (automated mail), `a` assignee (empty value: unassigned), `k` kind, `p` priority, `t`
//! tag, `c` customer, `o` organisation, `A` account. `status` is one byte in [`Shown`] order; the
//! time key is big-endian and inverted so that newer sorts first. A view reads one list per
//! status it shows and merges them: the first page costs a handful of reads, whatever the
//! mailbox size. One value per list (not one key per entry) keeps sled small and a full rebuild
//! fast; a change rewrites the lists of the tickets it touches, once per batch.

use serde::{Deserialize, Serialize};

use super::build::{Shown, Ticket};
use super::op::{Kind, Priority};
use crate::store::{Error, Result};

/// Bumped when the derived layout changes; an index of another version is rebuilt.
pub const INDEX_VERSION: u32 = 1;

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
    v
}

/// Order-preserving, inverted: newer times sort first.
fn newest_first(t: i64) -> [u8; 8] {
    (!((t as u64) ^ (1 << 63))).to_be_bytes()
}

type Entry = [u8; 24];

fn list_key(sort: u8, field: u8, value: &str, status: Shown) -> Vec<u8> {
    let mut k = Vec::with_capacity(5 + value.len());
    k.push(b'L');
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
    out
}

/// Pending changes to posting lists, applied once per list.
#[derive(Default)]
struct ListEdits {
    lists: std::collections::BTreeMap<Vec<u8>, (Vec<Entry>, std::collections::HashSet<Entry>)>,
}

impl ListEdits {
    fn add(&mut self, t: &Ticket) {
        for (k, e) in memberships(t) {
            self.lists.entry(k).or_default().0.push(e);
        }
    }

    fn remove(&mut self, t: &Ticket) {
        for (k, e) in memberships(t) {
            self.lists.entry(k).or_default().1.insert(e);
        }
    }

    /// Writes the edited lists into `batch`, reading their current values from `tree` (unless
    /// `fresh`: a rebuild starts from nothing).
    fn write(self, tree: &sled::Tree, batch: &mut sled::Batch, fresh: bool) -> Result<()> {
        for (key, (adds, removes)) in self.lists {
            let mut entries: Vec<Entry> = Vec::new();
            if !fresh && let Some(cur) = tree.get(&key).map_err(db)? {
                entries.extend(
                    cur.chunks_exact(24)
                        .filter_map(|c| <Entry>::try_from(c).ok())
                        .filter(|e| !removes.contains(e)),
                );
            }
            // An entry both removed and added (a ticket rewritten in place) stays.
            entries.extend(adds);
            entries.sort_unstable();
            entries.dedup();
            if entries.is_empty() {
                batch.remove(key);
            } else {
                batch.insert(key, entries.concat());
            }
        }
        Ok(())
    }
}

fn tkey(full_id: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(17);
    k.push(b'T');
    k.extend_from_slice(full_id.as_bytes());
    k
}

fn wkey(until: i64, full_id: &str) -> Vec<u8> {
    let mut k = vec![b'w'];
    k.extend_from_slice(&((until as u64) ^ (1 << 63)).to_be_bytes());
    k.extend_from_slice(full_id.as_bytes());
    k
}

fn encode(t: &Ticket) -> Vec<u8> {
    postcard::to_stdvec(t).unwrap_or_default()
}

fn decode(key: &[u8], v: &[u8]) -> Result<Ticket> {
    postcard::from_bytes(v).map_err(|e| Error::Corrupt {
        key: String::from_utf8_lossy(key).into_owned(),
        reason: e.to_string(),
    })
}

fn db(e: sled::Error) -> Error {
    Error::Derived(e)
}

/// The state recorded in `V`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Built {
    pub version: u32,
    pub complete: bool,
    pub fingerprint: [u8; 32],
}

/// The ticket index over a sled tree.
pub struct Index {
    tree: sled::Tree,
}

impl Index {
    pub fn new(tree: sled::Tree) -> Index {
        Index { tree }
    }

    pub fn built(&self) -> Result<Option<Built>> {
        let Some(v) = self.tree.get(b"V").map_err(db)? else {
            return Ok(None);
        };
        if v.len() != 37 {
            return Ok(None);
        }
        let mut fingerprint = [0u8; 32];
        fingerprint.copy_from_slice(&v[5..37]);
        Ok(Some(Built {
            version: u32::from_be_bytes([v[0], v[1], v[2], v[3]]),
            complete: v[4] == 1,
            fingerprint,
        }))
    }

    fn mark(&self, complete: bool, fingerprint: &[u8; 32]) -> Result<()> {
        let mut v = INDEX_VERSION.to_be_bytes().to_vec();
        v.push(u8::from(complete));
        v.extend_from_slice(fingerprint);
        self.tree.insert(b"V", v).map_err(db)?;
        self.tree.flush().map_err(db)?;
        Ok(())
    }

    /// Replaces everything with `tickets` (a full rebuild). Marked incomplete until the end, so
    /// an interrupted rebuild is redone at the next start.
    pub fn load(&self, mut tickets: Vec<Ticket>, fingerprint: &[u8; 32]) -> Result<()> {
        self.mark(false, fingerprint)?;
        self.tree.clear().map_err(db)?;
        self.mark(false, fingerprint)?;
        tickets.sort_by(|a, b| a.full_id.cmp(&b.full_id));
        let full: Vec<&str> = tickets.iter().map(|t| t.full_id.as_str()).collect();
        let ids = super::build::short_ids(&full);
        for (t, id) in tickets.iter_mut().zip(ids) {
            t.id = id;
        }
        // In slices: the marker, not one batch, makes the rebuild all-or-nothing.
        let mut lists = ListEdits::default();
        for part in tickets.chunks(4_096) {
            let mut batch = sled::Batch::default();
            for t in part {
                put(&mut batch, t);
                lists.add(t);
            }
            self.tree.apply_batch(batch).map_err(db)?;
        }
        let mut batch = sled::Batch::default();
        lists.write(&self.tree, &mut batch, true)?;
        self.tree.apply_batch(batch).map_err(db)?;
        self.mark(true, fingerprint)
    }

    /// Replaces the tickets named in `removed` by `added` (an incremental update), and
    /// lengthens or shortens the displayed ids around them.
    pub fn replace(&self, removed: &[String], added: Vec<Ticket>) -> Result<()> {
        let mut batch = sled::Batch::default();
        let mut lists = ListEdits::default();
        for fid in removed {
            if let Some(old) = self.get(fid)? {
                take(&mut batch, &old);
                lists.remove(&old);
            }
        }
        for t in &added {
            put(&mut batch, t);
            lists.add(t);
        }
        lists.write(&self.tree, &mut batch, false)?;
        self.tree.apply_batch(batch).map_err(db)?;
        // Displayed ids: the changed tickets and their neighbours in full-id order.
        let mut touched: Vec<String> = Vec::new();
        for fid in removed.iter().chain(added.iter().map(|t| &t.full_id)) {
            touched.extend(self.neighbours(fid)?.into_iter().flatten());
            touched.push(fid.clone());
        }
        touched.sort();
        touched.dedup();
        let mut batch = sled::Batch::default();
        for fid in touched {
            let Some(mut t) = self.get(&fid)? else {
                continue;
            };
            let [prev, next] = self.neighbours(&fid)?;
            let id = super::build::short_id(&fid, prev.as_deref(), next.as_deref());
            if id != t.id {
                t.id = id;
                batch.insert(tkey(&fid), encode(&t));
            }
        }
        self.tree.apply_batch(batch).map_err(db)?;
        Ok(())
    }

    fn neighbours(&self, fid: &str) -> Result<[Option<String>; 2]> {
        let key = tkey(fid);
        let full = |k: sled::IVec| -> Option<String> {
            (k.first() == Some(&b'T')).then(|| String::from_utf8_lossy(&k[1..]).into_owned())
        };
        let prev = self
            .tree
            .range(&b"T"[..]..key.as_slice())
            .keys()
            .next_back()
            .transpose()
            .map_err(db)?
            .and_then(full);
        let mut after = key.clone();
        after.push(0);
        let next = self
            .tree
            .range(after..)
            .keys()
            .next()
            .transpose()
            .map_err(db)?
            .and_then(full);
        Ok([prev, next])
    }

    pub fn get(&self, full_id: &str) -> Result<Option<Ticket>> {
        let k = tkey(full_id);
        match self.tree.get(&k).map_err(db)? {
            Some(v) => Ok(Some(decode(&k, &v)?)),
            None => Ok(None),
        }
    }

    /// Which ticket holds each message (read from the tickets; for rethreading).
    pub fn holders(&self) -> Result<std::collections::HashMap<[u8; 16], String>> {
        let mut out = std::collections::HashMap::new();
        for kv in self.tree.scan_prefix(b"T") {
            let (k, v) = kv.map_err(db)?;
            let t = decode(&k, &v)?;
            for h in t.hashes {
                out.insert(h, t.full_id.clone());
            }
        }
        Ok(out)
    }

    /// Full ids starting with `prefix` (a displayed id, or a longer prefix of the full id).
    pub fn with_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        self.tree
            .scan_prefix(tkey(&prefix.to_ascii_lowercase()))
            .keys()
            .map(|k| {
                let k = k.map_err(db)?;
                Ok(String::from_utf8_lossy(&k[1..]).into_owned())
            })
            .collect()
    }

    /// Snoozed tickets whose time has come.
    pub fn due(&self, now: i64) -> Result<Vec<String>> {
        let end = wkey(now, "\u{7f}");
        self.tree
            .range(&b"w"[..]..end.as_slice())
            .keys()
            .map(|k| {
                let k = k.map_err(db)?;
                Ok(String::from_utf8_lossy(k.get(9..).unwrap_or_default()).into_owned())
            })
            .collect()
    }

    /// Every ticket, not-tickets included, newest first by the sort.
    pub fn all(&self, sort: Sort) -> Result<Vec<Ticket>> {
        let mut out: Vec<Ticket> = self
            .tree
            .scan_prefix(b"T")
            .map(|kv| {
                let (k, v) = kv.map_err(db)?;
                decode(&k, &v)
            })
            .collect::<Result<_>>()?;
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
        // One range per status, merged by their sort keys.
        // One list per status, merged by entry (time key, then id).
        let mut lists: Vec<sled::IVec> = Vec::new();
        for &st in &statuses {
            if let Some(v) = self
                .tree
                .get(list_key(tag, field, &value, st))
                .map_err(db)?
            {
                lists.push(v);
            }
        }
        let mut pos = vec![0usize; lists.len()];
        let mut out = Vec::new();
        while out.len() < limit {
            let mut best: Option<usize> = None;
            for (i, l) in lists.iter().enumerate() {
                if pos[i] + 24 > l.len() {
                    continue;
                }
                let here = &l[pos[i]..pos[i] + 24];
                if best.is_none_or(|b| here < &lists[b][pos[b]..pos[b] + 24]) {
                    best = Some(i);
                }
            }
            let Some(b) = best else { break };
            let fid = entry_id(&lists[b][pos[b]..pos[b] + 24]);
            pos[b] += 24;
            let Some(t) = self.get(&fid)? else { continue };
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

    /// Counts per view (for the sidebar and `siphon tickets --counts`), read from the index.
    pub fn count(&self, q: &Query, me: Option<&str>) -> Result<usize> {
        let mut q = q.clone();
        q.limit = None;
        Ok(self.list(&q, me)?.len())
    }
}

/// Adds a ticket's row (and wake time) to a batch; its lists go through [`ListEdits`].
fn put(batch: &mut sled::Batch, t: &Ticket) {
    batch.insert(tkey(&t.full_id), encode(t));
    if t.status == Shown::Snoozed
        && let Some(until) = t.snoozed_until
    {
        batch.insert(wkey(until, &t.full_id), &[][..]);
    }
}

/// Removes a ticket's row in a batch (a later `put` of the same key in the batch wins).
fn take(batch: &mut sled::Batch, t: &Ticket) {
    batch.remove(tkey(&t.full_id));
    if let Some(until) = t.snoozed_until {
        batch.remove(wkey(until, &t.full_id));
    }
}
