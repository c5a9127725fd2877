//! Tickets through the façade: keeping the ticket index current, listing, showing and changing.
//!
//! The index (see [`crate::ticket::index`]) is derived. It is rebuilt in full when it is missing,
//! was interrupted, or was built for another team set-up (addresses, settings: its fingerprint);
//! otherwise it follows changes: new mail rethreads only the part of the mailbox it touches (the
//! catalog's closure), a person's change rebuilds only that ticket, and snoozes wake on time.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use super::{Engine, Error, Result, rfc3339};
use crate::account::Config;
use crate::store::{FolderState, Hash, Row, Store};
use crate::sync::is_sent_folder;
use crate::ticket::assemble::{self, ARCHIVE_BEFORE, Conversation, Settings};
use crate::ticket::build::{self, Mail, Shown, Team, Ticket};
use crate::ticket::catalog::Catalog;
use crate::ticket::fold::fold;
use crate::ticket::hlc::{Clock, Hlc};
use crate::ticket::index::{self, INDEX_VERSION, Index, Query, View};
use crate::ticket::op::{Change, Impact, Kind, OP_VERSION, Op, Priority, Status, Target};

/// What the engine keeps between calls: the op log, the clock, and (once loaded) the catalog.
#[derive(Default)]
pub(super) struct TicketState {
    ops: Option<Vec<Op>>,
    clock: Option<Clock>,
    catalog: Option<Catalog>,
    pub(super) index: Option<Index>,
}

/// What a change needs to bring tickets up to date: config, ops, team, index.
type Current = (Config, Vec<Op>, Team, Index);

/// A ticket as the CLI and the app show it: times as RFC 3339 UTC, ids without angle brackets.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct TicketView {
    pub id: String,
    pub subject: String,
    pub status: Shown,
    pub customer: Option<String>,
    pub organisation: Option<String>,
    pub kind: Option<Kind>,
    pub priority: Option<Priority>,
    pub impact: Option<Impact>,
    pub tags: Vec<String>,
    pub assignee: Option<String>,
    pub created: String,
    pub last_activity: String,
    pub snoozed_until: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub first_response_secs: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub resolution_secs: Option<i64>,
    pub customer_messages: u32,
    pub team_messages: u32,
    pub has_attachments: bool,
    pub unread: bool,
    pub not_a_ticket: bool,
    pub accounts: Vec<String>,
    pub notes: usize,
    pub message_ids: Vec<String>,
}

impl From<&Ticket> for TicketView {
    fn from(t: &Ticket) -> Self {
        TicketView {
            id: t.id.clone(),
            subject: t.subject.clone(),
            status: t.status,
            customer: t.customer.clone(),
            organisation: t.organisation.clone(),
            kind: t.kind,
            priority: t.priority,
            impact: t.impact,
            tags: t.tags.clone(),
            assignee: t.assignee.clone(),
            created: rfc3339(t.created),
            last_activity: rfc3339(t.last_activity),
            snoozed_until: t.snoozed_until.map(rfc3339),
            first_response_secs: t.first_response_secs,
            resolution_secs: t.resolution_secs,
            customer_messages: t.customer_messages,
            team_messages: t.team_messages,
            has_attachments: t.has_attachments,
            unread: t.unread,
            not_a_ticket: t.not_a_ticket,
            accounts: t.accounts.clone(),
            notes: t.notes,
            message_ids: t.message_ids.clone(),
        }
    }
}

/// One message of a ticket, for `ticket show`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct MessageLine {
    pub message_id: String,
    pub date: String,
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    /// Written by the team (credited to its From address).
    pub team: bool,
    pub automated: bool,
    pub snippet: String,
    pub attachments: Vec<String>,
}

/// One op in a ticket's history.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HistoryLine {
    pub op: String,
    pub at: String,
    pub actor: String,
    /// "closed this", "tagged it login" …
    pub what: String,
    pub change: Change,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NoteLine {
    pub at: String,
    pub actor: String,
    pub text: String,
}

/// Everything `ticket show` prints.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct TicketDetail {
    pub ticket: TicketView,
    pub messages: Vec<MessageLine>,
    pub notes: Vec<NoteLine>,
    pub history: Vec<HistoryLine>,
    /// Replies on their way: queued, sending, failed or held, and sent ones until their copy
    /// is back from the server (then they are among `messages`).
    pub outgoing: Vec<crate::send::outbox::Item>,
}

/// What a rebuild did.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Rebuilt {
    pub messages: usize,
    pub tickets: usize,
    pub seconds: f64,
}

/// A change a person asks for on one ticket (`ticket set`).
#[derive(Clone, Debug, Default)]
pub struct Edit {
    pub status: Option<Status>,
    /// `Some(None)` wakes a snoozed ticket.
    pub snooze_until: Option<Option<i64>>,
    /// `Some(None)` unassigns.
    pub assign: Option<Option<String>>,
    pub tags_add: Vec<String>,
    pub tags_remove: Vec<String>,
    pub kind: Option<Option<Kind>>,
    pub priority: Option<Option<Priority>>,
    pub impact: Option<Option<Impact>>,
    pub note: Option<String>,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn now_ms() -> u64 {
    chrono::Utc::now().timestamp_millis().max(0) as u64
}

/// The sort key of an op in the store: HLC, then id.
fn op_key(op: &Op) -> Vec<u8> {
    let mut k = Vec::with_capacity(20 + op.id.len());
    k.extend_from_slice(&op.at.wall_ms.to_be_bytes());
    k.extend_from_slice(&op.at.counter.to_be_bytes());
    k.extend_from_slice(&op.at.node.to_be_bytes());
    k.extend_from_slice(op.id.as_bytes());
    k
}

fn load_ops(store: &Store) -> Result<Vec<Op>> {
    let mut ops = Vec::new();
    for v in store.op_values()? {
        // An op from a newer Siphon (or damaged) is kept in the log but not applied.
        if let Ok(op) = serde_json::from_slice::<Op>(&v)
            && op.v <= OP_VERSION
        {
            ops.push(op);
        }
    }
    Ok(ops)
}

/// The team: every account's addresses, the person's, and everyone who has made an op.
fn team_of(config: &Config, ops: &[Op]) -> Team {
    let mut addresses: HashSet<String> =
        config.accounts.iter().flat_map(|a| a.addresses()).collect();
    addresses.extend(config.me.iter().map(|m| m.email.to_ascii_lowercase()));
    addresses.extend(
        ops.iter()
            .filter(|o| !matches!(o.target, Target::Setting(_)))
            .map(|o| o.actor.to_ascii_lowercase()),
    );
    // The team's domains come from its accounts and its person, not from op actors.
    let own: Vec<String> = config
        .accounts
        .iter()
        .flat_map(|a| a.addresses())
        .chain(config.me.iter().map(|m| m.email.to_ascii_lowercase()))
        .collect();
    Team {
        domains: Team::domains_of(&own),
        addresses,
        settings: Settings::from_ops(ops),
    }
}

/// What the derived index depends on besides mail and ops: if it changes, rebuild in full.
fn fingerprint(team: &Team, config: &Config) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(&INDEX_VERSION.to_be_bytes());
    let addresses: BTreeSet<&String> = team.addresses.iter().collect();
    for a in addresses {
        h.update(a.as_bytes());
        h.update(b"\0");
    }
    let domains: BTreeSet<&String> = team.domains.iter().collect();
    h.update(format!("{domains:?} {:?}", team.settings).as_bytes());
    for a in &config.accounts {
        h.update(a.name.as_bytes());
        h.update(format!("{:?}", a.folders).as_bytes());
    }
    *h.finalize().as_bytes()
}

/// Turns stored rows into the pipeline's input.
pub(super) struct MailMaker<'a> {
    team: &'a Team,
    config: &'a Config,
    folders: HashMap<u32, FolderState>,
    read: ReadMarks,
}

/// Which messages the person has read: every mark read at once (for work over the whole
/// store), or each asked of the store (for a few messages: a ticket, a change).
enum ReadMarks {
    All(HashSet<Hash>),
    Ask(Arc<Store>),
}

impl ReadMarks {
    fn contains(&self, hash: &Hash) -> bool {
        match self {
            ReadMarks::All(set) => set.contains(hash),
            // A mark that cannot be read shows the message unread: nothing is lost by that.
            ReadMarks::Ask(store) => store.is_read(hash).unwrap_or(false),
        }
    }
}

impl MailMaker<'_> {
    pub(super) fn make(&self, row: &Row) -> Mail {
        let mut accounts = Vec::new();
        let mut in_sent = false;
        for fid in &row.folders {
            let Some(f) = self.folders.get(fid) else {
                continue;
            };
            accounts.push(f.account.clone());
            if let Ok(a) = self.config.get(&f.account) {
                in_sent |= is_sent_folder(a, &f.name);
            }
        }
        accounts.sort();
        accounts.dedup();
        assemble::mail_from_record(
            row.hash,
            &row.record,
            self.team,
            in_sent,
            accounts,
            self.read.contains(&row.hash),
        )
    }
}

impl Engine {
    /// The ticket index, read once per process (after the data dir is ours).
    pub(super) fn index(&mut self) -> Result<Index> {
        self.store()?;
        if self.tickets.index.is_none() {
            self.tickets.index = Some(Index::open(&self.paths.data_dir));
        }
        self.tickets
            .index
            .clone()
            .ok_or_else(|| Error::Usage("no ticket index".into()))
    }

    pub(super) fn ops(&mut self) -> Result<Vec<Op>> {
        if self.tickets.ops.is_none() {
            let store = self.store()?;
            self.tickets.ops = Some(load_ops(&store)?);
        }
        Ok(self.tickets.ops.clone().unwrap_or_default())
    }

    /// A maker for the whole store: every read mark is loaded once.
    pub(super) fn maker<'a>(
        &mut self,
        team: &'a Team,
        config: &'a Config,
    ) -> Result<MailMaker<'a>> {
        let read = ReadMarks::All(self.store()?.read_set()?);
        self.maker_with(team, config, read)
    }

    /// A maker for a few messages: their read marks are looked up one by one, not scanned.
    fn maker_for_few<'a>(&mut self, team: &'a Team, config: &'a Config) -> Result<MailMaker<'a>> {
        let read = ReadMarks::Ask(self.store()?);
        self.maker_with(team, config, read)
    }

    fn maker_with<'a>(
        &mut self,
        team: &'a Team,
        config: &'a Config,
        read: ReadMarks,
    ) -> Result<MailMaker<'a>> {
        let store = self.store()?;
        Ok(MailMaker {
            team,
            config,
            folders: store.folders()?.into_iter().map(|f| (f.id, f)).collect(),
            read,
        })
    }

    /// The person using Siphon, from the config.
    pub fn me(&self) -> Result<Option<crate::account::Me>> {
        Ok(self.config()?.me)
    }

    /// Sets who is using Siphon on this machine (the actor of their ops).
    pub fn me_set(&mut self, name: &str, email: &str) -> Result<()> {
        let email = email.trim();
        if !email.contains('@') || email.contains(char::is_whitespace) {
            return Err(Error::Usage(format!("\"{email}\" is not an email address")));
        }
        let mut config = self.config()?;
        let signature = config.me.take().and_then(|m| m.signature);
        config.me = Some(crate::account::Me {
            name: name.trim().to_string(),
            email: email.to_ascii_lowercase(),
            signature,
        });
        config.save(&self.paths.config_file)?;
        Ok(())
    }

    /// Sets (or, with a blank text, removes) the signature under this person's replies.
    pub fn me_signature_set(&mut self, text: &str) -> Result<()> {
        let mut config = self.config()?;
        let me = config.me.as_mut().ok_or_else(|| {
            Error::Usage("set who you are first: siphon me set --name NAME --email ADDRESS".into())
        })?;
        let text = text.trim_end();
        me.signature = (!text.trim().is_empty()).then(|| text.to_string());
        config.save(&self.paths.config_file)?;
        Ok(())
    }

    /// Records ops: durably in the log, then in memory.
    pub(super) fn record(&mut self, ops: Vec<Op>) -> Result<()> {
        let store = self.store()?;
        let encoded: Vec<(Vec<u8>, Vec<u8>)> = ops
            .iter()
            .map(|op| Ok((op_key(op), serde_json::to_vec(op)?)))
            .collect::<std::result::Result<_, serde_json::Error>>()
            .map_err(|e| Error::Usage(format!("cannot encode an op: {e}")))?;
        store.put_ops(encoded.iter().map(|(k, v)| (k.clone(), v.as_slice())))?;
        if let Some(all) = self.tickets.ops.as_mut() {
            all.extend(ops);
        }
        Ok(())
    }

    /// A new op by `actor` at this machine's clock.
    pub(super) fn op(&mut self, target: Target, actor: &str, change: Change) -> Result<Op> {
        self.op_at(target, actor, change, None)
    }

    /// [`Engine::op`] dated `at_ms` (never later than now) instead of now, for a history made
    /// after the fact (the demo's). The clock still never runs backwards: an op dated before the
    /// last one is recorded at the last one's time.
    fn op_at(
        &mut self,
        target: Target,
        actor: &str,
        change: Change,
        at_ms: Option<u64>,
    ) -> Result<Op> {
        if self.tickets.clock.is_none() {
            let store = self.store()?;
            let mut clock = Clock::new(store.node_id()?);
            if let Some(last) = store.last_op_value()?
                && let Ok(op) = serde_json::from_slice::<Op>(&last)
            {
                // After the last op, not at now: a dated op may still come before now.
                clock.observe(op.at, 0);
            }
            self.tickets.clock = Some(clock);
        }
        let wall = at_ms.map_or_else(now_ms, |at| at.min(now_ms()));
        let at: Hlc = match self.tickets.clock.as_mut() {
            Some(c) => c.tick(wall),
            None => return Err(Error::Usage("no clock".into())),
        };
        Ok(Op::new(target, actor, at, change))
    }

    pub(super) fn actor(&self) -> Result<String> {
        self.me()?.map(|m| m.email).ok_or_else(|| {
            Error::Usage(
                "Siphon does not know who you are yet; run: siphon me set --name NAME --email ADDRESS"
                    .into(),
            )
        })
    }

    /// After the first sync, records the team's archive cutoff (once, for every machine).
    fn ensure_archive_cutoff(&mut self) -> Result<()> {
        let ops = self.ops()?;
        if ops
            .iter()
            .any(|o| matches!(&o.target, Target::Setting(n) if n == ARCHIVE_BEFORE))
        {
            return Ok(());
        }
        let store = self.store()?;
        if !store.folders()?.iter().any(|f| f.last_sync.is_some()) {
            return Ok(());
        }
        let config = self.config()?;
        let actor = match (&config.me, config.accounts.first()) {
            (Some(me), _) => me.email.clone(),
            (None, Some(a)) => a.email.to_ascii_lowercase(),
            (None, None) => return Ok(()),
        };
        let cutoff = now() - i64::from(config.tickets.first_sync_cutoff_days) * 86_400;
        let op = self.op(
            Target::Setting(ARCHIVE_BEFORE.into()),
            &actor,
            Change::Setting {
                value: cutoff.to_string(),
            },
        )?;
        self.record(vec![op])
    }

    /// Rebuilds every ticket from the store and the op log.
    pub fn reindex(&mut self) -> Result<Rebuilt> {
        let started = Instant::now();
        let store = self.store()?;
        let config = self.config()?;
        let ops = self.ops()?;
        let team = team_of(&config, &ops);
        // Everything stored up to here is in this rebuild; what arrives meanwhile is threaded next.
        let upto = store.stored_upto()?;
        let maker = self.maker(&team, &config)?;
        let mut mail: Vec<Mail> = store.rows_with(|r| Some(maker.make(&r)))?;
        assemble::canonical_order(&mut mail);
        let tickets = assemble::assemble(&mail, &ops, &team, now());
        let messages = mail.len();
        drop(mail);
        let n = tickets.len();
        let index = self.index()?;
        index.load(tickets, &fingerprint(&team, &config))?;
        store.mark_threaded(upto)?;
        // The catalog is made again when new mail needs it.
        self.tickets.catalog = None;
        Ok(Rebuilt {
            messages,
            tickets: n,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Brings the ticket index up to date: new mail, woken snoozes, or a full rebuild when the
    /// index is missing or stale. Cheap when nothing changed.
    pub fn refresh_tickets(&mut self) -> Result<()> {
        self.ensure_archive_cutoff()?;
        let store = self.store()?;
        let Some((config, ops, team, index)) = self.current()? else {
            return Ok(());
        };
        if store.has_unthreaded()? {
            let (pending, upto) = store.unthreaded()?;
            let maker = if self.tickets.catalog.is_some() {
                self.maker_for_few(&team, &config)?
            } else {
                self.maker(&team, &config)?
            };
            let seeds: Vec<usize> = match self.tickets.catalog.as_mut() {
                Some(cat) => {
                    let mut seeds = Vec::new();
                    for row in store.rows_for(&pending)? {
                        seeds.push(cat.insert(maker.make(&row)));
                    }
                    seeds
                }
                None => {
                    let cat = self.load_catalog(&maker)?;
                    pending.iter().filter_map(|h| cat.slot(h)).collect()
                }
            };
            self.rethread(&index, seeds, &ops, &team)?;
            store.mark_threaded(upto)?;
        }
        let due = index.due(now())?;
        if !due.is_empty() {
            self.rebuild_tickets(&index, &due, &ops, &team, &config)?;
        }
        Ok(())
    }

    /// Lets go of what the ticket work keeps in memory (the catalog, the index's working form);
    /// it is read again when needed. A one-shot command calls this between building tickets
    /// and indexing for search, so the two never hold memory at once.
    pub fn release_tickets(&mut self) {
        self.tickets.catalog = None;
        self.tickets.index = None;
    }

    /// Reads every stored message into the catalog (once per process).
    fn load_catalog(&mut self, maker: &MailMaker) -> Result<&Catalog> {
        let store = self.store()?;
        let mut cat = Catalog::new();
        for m in store.rows_with(|r| Some(maker.make(&r)))? {
            cat.insert(m);
        }
        Ok(self.tickets.catalog.insert(cat))
    }

    /// Rethreads the closure of `seeds` and replaces the tickets it touched.
    fn rethread(
        &mut self,
        index: &Index,
        seeds: Vec<usize>,
        ops: &[Op],
        team: &Team,
    ) -> Result<()> {
        let Some(cat) = self.tickets.catalog.as_ref() else {
            return Ok(());
        };
        let slots = cat.closure(seeds, ops, team);
        let mut removed: BTreeSet<String> = BTreeSet::new();
        for &s in &slots {
            if let Some(fid) = index.holder_of(&cat.get(s).hash)? {
                removed.insert(fid);
            }
        }
        let tickets = cat.tickets(&slots, ops, team, now());
        index.replace(&removed.into_iter().collect::<Vec<_>>(), tickets)?;
        Ok(())
    }

    /// Rebuilds tickets whose grouping did not change (a field op, read state, a snooze waking).
    fn rebuild_tickets(
        &mut self,
        index: &Index,
        full_ids: &[String],
        ops: &[Op],
        team: &Team,
        config: &Config,
    ) -> Result<Vec<Ticket>> {
        let store = self.store()?;
        let maker = self.maker_for_few(team, config)?;
        let mut out = Vec::new();
        let mut replaced = Vec::new();
        for fid in full_ids {
            let Some(old) = index.get(fid)? else { continue };
            replaced.push(fid.clone());
            let mail: Vec<Mail> = store
                .rows_for(&old.hashes)?
                .iter()
                .map(|r| maker.make(r))
                .collect();
            if let Some(cat) = self.tickets.catalog.as_mut() {
                for m in &mail {
                    cat.insert(m.clone());
                }
            }
            let conv = Conversation {
                members: (0..mail.len()).collect(),
                root: old.root.clone(),
            };
            out.extend(build::build(&mail, &[conv], ops, team, now()));
        }
        index.replace(&replaced, out.clone())?;
        Ok(out)
    }

    /// Lists tickets (the index is brought up to date first).
    pub fn tickets(&mut self, q: &Query) -> Result<Vec<Ticket>> {
        self.refresh_tickets()?;
        let me = self.me()?.map(|m| m.email);
        if q.view == Some(View::Mine) && me.is_none() {
            return Err(Error::Usage(
                "the Mine view needs to know who you are; run: siphon me set --name NAME --email ADDRESS"
                    .into(),
            ));
        }
        Ok(self.index()?.list(q, me.as_deref())?)
    }

    /// Ticket counts per default view.
    pub fn view_counts(&mut self) -> Result<Vec<(View, usize)>> {
        self.refresh_tickets()?;
        let me = self.me()?.map(|m| m.email);
        let index = self.index()?;
        View::ALL
            .into_iter()
            .map(|v| {
                let q = Query {
                    view: Some(v),
                    ..Query::default()
                };
                Ok((v, index.count(&q, me.as_deref())?))
            })
            .collect()
    }

    /// Finds a ticket by displayed id (or a longer prefix of its full id) or by a Message-ID it
    /// contains.
    pub fn find_ticket(&mut self, id: &str) -> Result<Ticket> {
        self.refresh_tickets()?;
        let index = self.index()?;
        let id = id.trim().trim_start_matches('#');
        if id.contains('@') {
            let mid = id.trim_start_matches('<').trim_end_matches('>');
            let store = self.store()?;
            let hashes = store.find_message_id(mid)?;
            if !hashes.is_empty() {
                for h in hashes {
                    if let Some(t) = index.ticket_of(&h)? {
                        return Ok(t);
                    }
                }
            }
            return Err(Error::Usage(format!("no ticket contains <{mid}>")));
        }
        let found = index.with_prefix(id)?;
        match found.as_slice() {
            [one] => index
                .get(one)?
                .ok_or_else(|| Error::Usage(format!("no ticket {id}"))),
            [] => Err(Error::Usage(format!(
                "no ticket {id}; list them with: siphon tickets"
            ))),
            many => Err(Error::Usage(format!(
                "{id} names {} tickets; give more of the id",
                many.len()
            ))),
        }
    }

    /// A ticket with its messages, notes and history; marks its messages read for this person.
    pub fn ticket(&mut self, id: &str, mark_read: bool) -> Result<TicketDetail> {
        let t = self.find_ticket(id)?;
        let store = self.store()?;
        let config = self.config()?;
        let ops = self.ops()?;
        let team = team_of(&config, &ops);
        let rows = store.rows_for(&t.hashes)?;
        let maker = self.maker_for_few(&team, &config)?;
        let mut messages: Vec<(i64, Hash, MessageLine)> = rows
            .iter()
            .map(|r| {
                let m = maker.make(r);
                let line = MessageLine {
                    message_id: r.record.message_id.clone(),
                    date: rfc3339(r.record.date),
                    from: r
                        .record
                        .from
                        .first()
                        .map(|a| match &a.name {
                            Some(n) => format!("{n} <{}>", a.email),
                            None => a.email.clone(),
                        })
                        .unwrap_or_default(),
                    to: m.to.clone(),
                    subject: r.record.subject.clone(),
                    team: m.team,
                    automated: m.automated,
                    snippet: r.record.snippet.clone(),
                    attachments: r
                        .record
                        .attachments
                        .iter()
                        .map(|a| a.name.clone())
                        .collect(),
                };
                (r.record.date, r.hash, line)
            })
            .collect();
        // The ticket's order: by date, each reply after the message it answers.
        let place: HashMap<&Hash, usize> =
            t.hashes.iter().enumerate().map(|(i, h)| (h, i)).collect();
        messages.sort_by_key(|m| (place.get(&m.1).copied().unwrap_or(usize::MAX), m.0));
        let anchors: HashSet<&str> = t.message_ids.iter().map(String::as_str).collect();
        let mine: Vec<&Op> = ops
            .iter()
            .filter(|o| match &o.target {
                Target::Anchor(a) => anchors.contains(a.as_str()),
                Target::Pair(a, b) => anchors.contains(a.as_str()) || anchors.contains(b.as_str()),
                _ => false,
            })
            .collect();
        let decided = fold(mine.iter().copied());
        let mut history: Vec<HistoryLine> = mine
            .iter()
            .map(|o| HistoryLine {
                op: o.id.clone(),
                at: rfc3339((o.at.wall_ms / 1000) as i64),
                actor: o.actor.clone(),
                what: describe(&o.change),
                change: o.change.clone(),
            })
            .collect();
        history.sort_by(|a, b| a.at.cmp(&b.at).then(a.op.cmp(&b.op)));
        history.dedup_by(|a, b| a.op == b.op);
        let notes = decided
            .notes
            .iter()
            .map(|n| NoteLine {
                at: rfc3339((n.at.wall_ms / 1000) as i64),
                actor: n.actor.clone(),
                text: n.text.clone(),
            })
            .collect();
        let mut shown = t;
        if mark_read && shown.unread {
            store.set_read(&shown.hashes, true)?;
            let index = self.index()?;
            if let Some(updated) = self
                .rebuild_tickets(&index, &[shown.full_id.clone()], &ops, &team, &config)?
                .into_iter()
                .next()
            {
                // Keep the displayed id the index settled on.
                shown = index.get(&updated.full_id)?.unwrap_or(updated);
            }
        }
        let outgoing = self.outbox_of(&shown)?;
        Ok(TicketDetail {
            ticket: TicketView::from(&shown),
            messages: messages.into_iter().map(|(_, _, l)| l).collect(),
            notes,
            history,
            outgoing,
        })
    }

    /// Applies a person's changes to one ticket, as ops.
    pub fn ticket_set(&mut self, id: &str, edit: Edit) -> Result<Ticket> {
        let actor = self.actor()?;
        self.ticket_set_by(id, edit, &actor, None)
    }

    /// [`Engine::ticket_set`] as a given teammate, dated `at_ms` (see [`Engine::op_at`]) or now:
    /// the demo workspace's history has several teammates, acting over weeks.
    pub(super) fn ticket_set_by(
        &mut self,
        id: &str,
        edit: Edit,
        actor: &str,
        at_ms: Option<u64>,
    ) -> Result<Ticket> {
        let t = self.find_ticket(id)?;
        let new = self.edit_ops(&t, edit, actor, at_ms)?;
        self.record(new)?;
        self.after_ops(std::slice::from_ref(&t.full_id))?;
        let index = self.index()?;
        index
            .get(&t.full_id)?
            .ok_or_else(|| Error::Usage("the ticket disappeared".into()))
    }

    /// One change on many tickets (a bulk action): every ticket is found before anything is
    /// written, their ops are recorded together, and the index is brought up to date once.
    pub fn tickets_set(&mut self, ids: &[String], edit: &Edit) -> Result<Vec<Ticket>> {
        let actor = self.actor()?;
        let mut tickets: Vec<Ticket> = Vec::with_capacity(ids.len());
        for id in ids {
            let t = self.find_ticket(id)?;
            if !tickets.iter().any(|x| x.full_id == t.full_id) {
                tickets.push(t);
            }
        }
        let mut new = Vec::new();
        for t in &tickets {
            new.extend(self.edit_ops(t, edit.clone(), &actor, None)?);
        }
        self.record(new)?;
        let fids: Vec<String> = tickets.into_iter().map(|t| t.full_id).collect();
        self.after_ops(&fids)?;
        let index = self.index()?;
        fids.iter()
            .map(|f| {
                index
                    .get(f)?
                    .ok_or_else(|| Error::Usage("a ticket disappeared".into()))
            })
            .collect()
    }

    /// The ops that make `edit` on ticket `t`, by `actor` (at `at_ms`, else now).
    fn edit_ops(
        &mut self,
        t: &Ticket,
        edit: Edit,
        actor: &str,
        at_ms: Option<u64>,
    ) -> Result<Vec<Op>> {
        let actor = actor.to_ascii_lowercase();
        if let Some(Some(a)) = &edit.assign
            && !a.contains('@')
        {
            return Err(Error::Usage(format!(
                "assign to an email address (or \"me\"), not \"{a}\""
            )));
        }
        let anchor = t
            .message_ids
            .first()
            .cloned()
            .ok_or_else(|| Error::Usage("the ticket has no messages".into()))?;
        let ops = self.ops()?;
        let anchors: HashSet<&str> = t.message_ids.iter().map(String::as_str).collect();
        let decided = fold(
            ops.iter()
                .filter(|o| matches!(&o.target, Target::Anchor(a) if anchors.contains(a.as_str()))),
        );
        let mut changes = Vec::new();
        if let Some(status) = edit.status {
            changes.push(Change::Status { status });
        }
        if let Some(until) = edit.snooze_until {
            changes.push(Change::Snooze { until });
        }
        if let Some(to) = edit.assign {
            changes.push(Change::Assign {
                to: to.map(|a| a.to_ascii_lowercase()),
            });
        }
        for tag in edit.tags_add {
            changes.push(Change::TagAdd { tag });
        }
        for tag in edit.tags_remove {
            let seen = decided
                .tags
                .get(&tag)
                .map(|adds| adds.iter().cloned().collect())
                .unwrap_or_default();
            changes.push(Change::TagRemove { tag, seen });
        }
        if let Some(kind) = edit.kind {
            changes.push(Change::Kind { kind });
        }
        if let Some(priority) = edit.priority {
            changes.push(Change::Priority { priority });
        }
        if let Some(impact) = edit.impact {
            changes.push(Change::Impact { impact });
        }
        if let Some(text) = edit.note {
            changes.push(Change::Note { text });
        }
        if changes.is_empty() {
            return Err(Error::Usage(
                "nothing to change; see siphon ticket set --help".into(),
            ));
        }
        let mut new = Vec::new();
        for c in changes {
            new.push(self.op_at(Target::Anchor(anchor.clone()), &actor, c, at_ms)?);
        }
        Ok(new)
    }

    /// The config, ops, team and index when the index was built for this team set-up; after a
    /// full rebuild (when it was not), `None`: nothing is left to bring up to date.
    fn current(&mut self) -> Result<Option<Current>> {
        let config = self.config()?;
        let ops = self.ops()?;
        let team = team_of(&config, &ops);
        let index = self.index()?;
        let fresh = index.built()?.is_some_and(|b| {
            b.complete && b.version == INDEX_VERSION && b.fingerprint == fingerprint(&team, &config)
        });
        if !fresh {
            self.reindex()?;
            return Ok(None);
        }
        Ok(Some((config, ops, team, index)))
    }

    /// Brings tickets up to date after field ops on them (or a full rebuild if the team changed).
    fn after_ops(&mut self, full_ids: &[String]) -> Result<()> {
        let Some((config, ops, team, index)) = self.current()? else {
            return Ok(());
        };
        self.rebuild_tickets(&index, full_ids, &ops, &team, &config)?;
        Ok(())
    }

    /// After a merge, split or undo: rethread what it touches.
    fn after_structural(&mut self, op: &Op) -> Result<()> {
        let Some((config, ops, team, index)) = self.current()? else {
            return Ok(());
        };
        let seeds = match self.tickets.catalog.as_ref() {
            Some(cat) => cat.anchored(std::slice::from_ref(op)),
            None => {
                let maker = self.maker(&team, &config)?;
                self.load_catalog(&maker)?
                    .anchored(std::slice::from_ref(op))
            }
        };
        self.rethread(&index, seeds, &ops, &team)
    }

    /// Merges ticket `id` into ticket `into`. Returns the merged ticket and the op (to undo it).
    pub fn ticket_merge(&mut self, id: &str, into: &str) -> Result<(Ticket, String)> {
        let from = self.find_ticket(id)?;
        let to = self.find_ticket(into)?;
        if from.full_id == to.full_id {
            return Err(Error::Usage(format!("{id} and {into} are the same ticket")));
        }
        let actor = self.actor()?;
        let (Some(a), Some(b)) = (from.message_ids.first(), to.message_ids.first()) else {
            return Err(Error::Usage(
                "a ticket without messages cannot be merged".into(),
            ));
        };
        let op = self.op(Target::Pair(a.clone(), b.clone()), &actor, Change::Merge)?;
        self.record(vec![op.clone()])?;
        self.after_structural(&op)?;
        Ok((self.find_ticket(b)?, op.id))
    }

    /// Moves one message out of its ticket into a new one. Returns the new ticket and the op.
    pub fn ticket_split(&mut self, message_id: &str) -> Result<(Ticket, String)> {
        let mid = message_id
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string();
        let t = self.find_ticket(&mid)?;
        if t.message_ids.len() < 2 {
            return Err(Error::Usage(format!(
                "<{mid}> is the only message of ticket {}; nothing to split",
                t.id
            )));
        }
        let actor = self.actor()?;
        let op = self.op(Target::Anchor(mid.clone()), &actor, Change::Split)?;
        self.record(vec![op.clone()])?;
        self.after_structural(&op)?;
        Ok((self.find_ticket(&mid)?, op.id))
    }

    /// Cancels a merge or split by its op id (shown in the ticket's history).
    pub fn ticket_undo(&mut self, op_id: &str) -> Result<()> {
        let ops = self.ops()?;
        let Some(target) = ops.iter().find(|o| o.id == op_id) else {
            return Err(Error::Usage(format!("no op {op_id}")));
        };
        if !matches!(target.change, Change::Merge | Change::Split) {
            return Err(Error::Usage(format!(
                "op {op_id} is not a merge or a split; change the field back instead"
            )));
        }
        let actor = self.actor()?;
        let op = self.op(
            target.target.clone(),
            &actor,
            Change::Undo {
                op: op_id.to_string(),
            },
        )?;
        self.record(vec![op.clone()])?;
        self.after_structural(&op)
    }

    /// Changes a team setting (an op, so every teammate's machine applies it alike); the tickets
    /// are rebuilt, since a setting can change any of them.
    pub fn setting_set(&mut self, name: &str, value: &str) -> Result<()> {
        let value = value.trim();
        match name {
            assemble::REPLY_MAKES_PENDING if value == "true" || value == "false" => {}
            assemble::REPLY_MAKES_PENDING => {
                return Err(Error::Usage(format!(
                    "{name} is true or false, not \"{value}\""
                )));
            }
            _ => {
                return Err(Error::Usage(format!(
                    "no team setting \"{name}\"; settings: {}",
                    assemble::REPLY_MAKES_PENDING
                )));
            }
        }
        let actor = self.actor()?;
        let op = self.op(
            Target::Setting(name.to_string()),
            &actor,
            Change::Setting {
                value: value.to_string(),
            },
        )?;
        self.record(vec![op])?;
        self.refresh_tickets()
    }

    /// The team settings in force.
    pub fn settings(&mut self) -> Result<Settings> {
        Ok(Settings::from_ops(&self.ops()?))
    }

    /// Who the team is: its accounts' addresses, the person's, everyone who made an op.
    pub(super) fn team(&mut self) -> Result<Team> {
        let config = self.config()?;
        Ok(team_of(&config, &self.ops()?))
    }

    /// The index's shortest view of every ticket, for `tickets --all`.
    pub fn ticket_views(&mut self, q: &Query) -> Result<Vec<TicketView>> {
        Ok(self.tickets(q)?.iter().map(TicketView::from).collect())
    }
}

/// "closed this", "tagged it login" … for the history.
pub fn describe(c: &Change) -> String {
    match c {
        Change::Status { status } => match status {
            Status::Open => "reopened this".into(),
            Status::Pending => "marked this pending".into(),
            Status::Closed => "closed this".into(),
        },
        Change::Snooze { until: Some(t) } => format!("snoozed this until {}", rfc3339(*t)),
        Change::Snooze { until: None } => "woke this".into(),
        Change::Assign { to: Some(a) } => format!("assigned this to {a}"),
        Change::Assign { to: None } => "unassigned this".into(),
        Change::TagAdd { tag } => format!("tagged this {tag}"),
        Change::TagRemove { tag, .. } => format!("removed the tag {tag}"),
        Change::Kind { kind: Some(k) } => format!("marked this as a {}", index::kind_name(*k)),
        Change::Kind { kind: None } => "cleared the kind".into(),
        Change::Priority { priority: Some(p) } => {
            format!("set the priority to {}", index::priority_name(*p))
        }
        Change::Priority { priority: None } => "cleared the priority".into(),
        Change::Impact {
            impact: Some(Impact::MustHave),
        } => "marked this must-have".into(),
        Change::Impact {
            impact: Some(Impact::NiceToHave),
        } => "marked this nice-to-have".into(),
        Change::Impact { impact: None } => "cleared the impact".into(),
        Change::Note { .. } => "added a note".into(),
        Change::Merge => "merged two tickets".into(),
        Change::Split => "split a message into a new ticket".into(),
        Change::Undo { op } => format!("undid {op}"),
        Change::Setting { value } => format!("changed a setting to {value}"),
        Change::Template { template: Some(_) } => "saved a template".into(),
        Change::Template { template: None } => "removed a template".into(),
    }
}
