//! What the desktop app shows, through the façade: lists of any length read a window at a time,
//! the sidebar's counts, a message made safe to display, attachments, personal preferences, and
//! what arrived since the last look (for notifications).
//!
//! A list is the full ids of its tickets in order, answered from the ticket index's posting lists
//! without decoding a ticket; only the rows on screen are decoded ([`Engine::rows`]).

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::search::pick;
use super::{Engine, Error, Result, rfc3339};
use crate::account::{Account, Secret};
use crate::mail::html::{self, Rendered};
use crate::store::{BlobRef, Hash};
use crate::ticket::build::{Shown, Ticket};
use crate::ticket::index::{ListField, Pick, View};
use crate::ticket::op::{Impact, Kind, Priority};

/// How many tickets a search with words lists at most (best first).
pub const SEARCH_LIMIT: usize = 500;

/// A view in the sidebar, with its count.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ViewCount {
    /// The view's name (`open`, `mine` … `not-tickets`), for [`Engine::listing`].
    pub view: String,
    pub title: String,
    pub count: usize,
}

/// A tag or an account, with how many active tickets carry it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NameCount {
    pub name: String,
    pub count: usize,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub views: Vec<ViewCount>,
    /// Tags of tickets not closed.
    pub tags: Vec<NameCount>,
    /// Tickets not closed, per account.
    pub accounts: Vec<NameCount>,
}

/// What a list is made of: a view, or a query in the search language.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum ListSource {
    View { view: String },
    Query { query: String },
}

/// Why a row is in a search's results: the matching message, and its snippet once made.
#[derive(Clone, Debug, PartialEq)]
pub struct Matched {
    pub blob: Option<BlobRef>,
    pub snippet: Option<(String, Vec<[usize; 2]>)>,
}

/// A list: every ticket's full id in order; a search with words also says why each matched.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub ids: Vec<String>,
    pub matched: HashMap<String, Matched>,
    /// A search with words is cut at [`SEARCH_LIMIT`], best first.
    pub ranked: bool,
    /// The query of a search with words, for the snippets of the rows shown.
    pub query: Option<String>,
}

/// One line of the ticket list.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub full_id: String,
    pub subject: String,
    pub customer: Option<String>,
    /// The customer's display name when their mail gives one.
    pub customer_name: Option<String>,
    /// The latest message's opening, or the search's snippet.
    pub snippet: String,
    /// Byte ranges of `snippet` to highlight (search results only).
    pub highlights: Vec<[usize; 2]>,
    pub status: Shown,
    pub kind: Option<Kind>,
    pub priority: Option<Priority>,
    pub impact: Option<Impact>,
    pub tags: Vec<String>,
    pub assignee: Option<String>,
    pub created: String,
    pub last_activity: String,
    pub unread: bool,
    pub has_attachments: bool,
    pub messages: u32,
    pub not_a_ticket: bool,
}

/// Something that arrived in a refresh, for a desktop notification.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Arrival {
    pub id: String,
    pub subject: String,
    pub customer: Option<String>,
    /// The first message of a new ticket (else: a new message on a ticket assigned to me).
    pub new_ticket: bool,
    pub mine: bool,
}

/// A search a person keeps in the sidebar.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SavedSearch {
    pub name: String,
    pub query: String,
}

/// This person's preferences on this machine (never shared with the team).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Prefs {
    pub saved_searches: Vec<SavedSearch>,
    /// Senders whose remote images load without asking (lowercase addresses).
    pub images_from: Vec<String>,
    /// Closing the window keeps Siphon syncing in the tray.
    pub close_to_tray: bool,
    /// Desktop notifications for new tickets and for new mail on tickets assigned to me.
    pub notifications: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            saved_searches: Vec::new(),
            images_from: Vec::new(),
            close_to_tray: true,
            notifications: true,
        }
    }
}

/// A message ready to show: the sanitised document, and whose mail it is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct MessageBody {
    pub message_id: String,
    /// The sender's address (for "always load images from …").
    pub sender: String,
    /// Remote images load for this message (asked once, or always for this sender).
    pub images_loaded: bool,
    pub rendered: Rendered,
}

fn prefs_path(engine: &Engine) -> PathBuf {
    engine.paths.data_dir.join("prefs.json")
}

/// The ticket-index condition of a view.
fn view_pick<'a>(view: View, me: Option<&'a str>) -> Pick<'a> {
    if view == View::NotTickets {
        return Pick::Automated;
    }
    let statuses = Pick::Or(view.statuses().iter().map(|s| Pick::Status(*s)).collect());
    let field = |f: ListField, value: &'static str| {
        Pick::Field(
            f,
            Box::new(move |v: &str| v == value) as Box<dyn Fn(&str) -> bool>,
        )
    };
    let extra = match view {
        View::Mine => match me {
            Some(me) => Pick::Field(
                ListField::Assignee,
                Box::new(move |v: &str| v.eq_ignore_ascii_case(me)),
            ),
            None => Pick::Or(Vec::new()),
        },
        View::Unassigned => field(ListField::Assignee, ""),
        View::Bugs => field(ListField::Kind, "bug"),
        View::Features => field(ListField::Kind, "feature"),
        View::Questions => field(ListField::Kind, "question"),
        _ => Pick::All,
    };
    Pick::And(vec![statuses, extra])
}

fn parse_view(name: &str) -> Result<View> {
    View::parse(name).ok_or_else(|| Error::Usage(format!("no view named \"{name}\"")))
}

impl Engine {
    /// The sidebar's numbers, read from the ticket index's lists.
    pub fn counts(&mut self) -> Result<Counts> {
        self.refresh_tickets()?;
        let me = self.me()?.map(|m| m.email);
        let index = self.index()?;
        let mut views = Vec::new();
        for v in View::ALL {
            let count = index.pick_count(&view_pick(v, me.as_deref()))?;
            views.push(ViewCount {
                view: v.name().to_string(),
                title: v.title().to_string(),
                count,
            });
        }
        let active = [Shown::Open, Shown::Pending, Shown::Snoozed];
        let named = |pairs: Vec<(String, usize)>| {
            pairs
                .into_iter()
                .map(|(name, count)| NameCount { name, count })
                .collect()
        };
        Ok(Counts {
            views,
            tags: named(index.field_counts(ListField::Tag, &active)?),
            accounts: named(index.field_counts(ListField::Account, &active)?),
        })
    }

    /// Every ticket of a view or a query, in order (newest activity first; a search with words:
    /// best first, at most [`SEARCH_LIMIT`]).
    pub fn listing(&mut self, source: &ListSource) -> Result<Listing> {
        self.refresh_tickets()?;
        let me = self.me()?;
        let index = self.index()?;
        let text = match source {
            ListSource::View { view } => {
                let view = parse_view(view)?;
                let email = me.as_ref().map(|m| m.email.as_str());
                let ids = index.pick_ids(&view_pick(view, email))?;
                return Ok(Listing {
                    ids,
                    ..Listing::default()
                });
            }
            ListSource::Query { query } => query,
        };
        let q = super::search::parse(text)?;
        let (words, tickets) = crate::search::index::split(&q);
        if words.is_none() {
            // Filters alone: the whole list, straight from the posting lists.
            let all = crate::search::query::Query::And(Vec::new());
            let ids = index.pick_ids(&pick(tickets.as_ref().unwrap_or(&all), me.as_ref()))?;
            return Ok(Listing {
                ids,
                ..Listing::default()
            });
        }
        // Snippets are made for the rows shown (see `rows`), not for every result.
        let found = match self.matches(text, SEARCH_LIMIT, false, 0)? {
            super::search::Found::Messages(m) => m.hits,
            super::search::Found::Tickets(_) => Vec::new(),
        };
        let mut listing = Listing {
            ranked: true,
            query: Some(text.clone()),
            ..Listing::default()
        };
        for m in found {
            listing.matched.insert(
                m.full_id.clone(),
                Matched {
                    blob: m.blob,
                    snippet: None,
                },
            );
            listing.ids.push(m.full_id);
        }
        Ok(listing)
    }

    /// The rows for these full ids (those still there), in the same order; rows of a search
    /// with words carry the snippet of their matching message.
    pub fn rows(&mut self, full_ids: &[String], listing: &Listing) -> Result<Vec<Row>> {
        let wanted: Vec<Option<BlobRef>> = full_ids
            .iter()
            .filter_map(|f| listing.matched.get(f))
            .filter(|m| m.snippet.is_none())
            .map(|m| m.blob)
            .collect();
        let mut made = match (&listing.query, wanted.is_empty()) {
            (Some(q), false) => self.snippets(q, &wanted)?.into_iter(),
            _ => Vec::new().into_iter(),
        };
        let index = self.index()?;
        let store = self.store()?;
        let mut rows = Vec::with_capacity(full_ids.len());
        for fid in full_ids {
            let matched = listing.matched.get(fid);
            let snippet = match matched {
                Some(Matched {
                    snippet: Some(s), ..
                }) => Some(s.clone()),
                Some(_) => made.next(),
                None => None,
            };
            let Some(t) = index.get(fid)? else { continue };
            let last = t
                .hashes
                .last()
                .map(|h| store.message(h))
                .transpose()?
                .flatten();
            let first = t
                .hashes
                .first()
                .map(|h| store.message(h))
                .transpose()?
                .flatten();
            let customer_name = first.as_ref().and_then(|r| {
                r.from
                    .iter()
                    .find(|a| Some(&a.email.to_ascii_lowercase()) == t.customer.as_ref())
                    .and_then(|a| a.name.clone())
            });
            let (snippet, highlights) = match snippet {
                Some(s) => s,
                None => (last.map(|r| r.snippet).unwrap_or_default(), Vec::new()),
            };
            rows.push(row(&t, customer_name, snippet, highlights));
        }
        Ok(rows)
    }

    /// The other tickets of this ticket's customer, newest first.
    pub fn customer_tickets(&mut self, full_id: &str, limit: usize) -> Result<Vec<Row>> {
        let index = self.index()?;
        let Some(t) = index.get(full_id)? else {
            return Ok(Vec::new());
        };
        let Some(customer) = t.customer.clone() else {
            return Ok(Vec::new());
        };
        let same = Pick::Field(
            ListField::Customer,
            Box::new(move |v: &str| v.eq_ignore_ascii_case(&customer)),
        );
        let ids: Vec<String> = index
            .pick_ids(&same)?
            .into_iter()
            .filter(|id| id != full_id)
            .take(limit)
            .collect();
        self.rows(&ids, &Listing::default())
    }

    /// Brings tickets and search up to date and says what arrived: new tickets, and new mail on
    /// tickets assigned to me (the team's own mail aside).
    pub fn refresh_reporting(&mut self) -> Result<Vec<Arrival>> {
        let store = self.store()?;
        let (arrived, _) = store.unthreaded()?;
        self.refresh_tickets()?;
        self.refresh_search(&|_, _| {})?;
        if arrived.is_empty() {
            return Ok(Vec::new());
        }
        let config = self.config()?;
        let mut team: Vec<String> = config.accounts.iter().flat_map(|a| a.addresses()).collect();
        team.extend(config.me.iter().map(|m| m.email.to_ascii_lowercase()));
        let me = config.me.map(|m| m.email.to_ascii_lowercase());
        let index = self.index()?;
        let mut out: Vec<Arrival> = Vec::new();
        for hash in arrived {
            let Some(t) = index.ticket_of(&hash)? else {
                continue;
            };
            let from_team = store.message(&hash)?.is_some_and(|r| {
                r.from
                    .iter()
                    .any(|a| team.contains(&a.email.to_ascii_lowercase()))
            });
            if t.not_a_ticket || from_team || t.status == Shown::Closed {
                continue;
            }
            let new_ticket = t.hashes.first() == Some(&hash);
            let mine = me.is_some() && t.assignee == me;
            if !(new_ticket || mine) || out.iter().any(|a| a.id == t.id) {
                continue;
            }
            out.push(Arrival {
                id: t.id.clone(),
                subject: t.subject.clone(),
                customer: t.customer.clone(),
                new_ticket,
                mine,
            });
        }
        Ok(out)
    }

    /// A message made safe to show. Remote images load when `load_images` says so, or when the
    /// sender is one whose images this person always loads.
    pub fn message_body(&mut self, message_id: &str, load_images: bool) -> Result<MessageBody> {
        let (hash, raw) = self.raw_message(message_id)?;
        let store = self.store()?;
        let sender = store
            .message(&hash)?
            .and_then(|r| r.from.first().map(|a| a.email.to_ascii_lowercase()))
            .unwrap_or_default();
        let always = !sender.is_empty() && self.prefs()?.images_from.contains(&sender);
        let images_loaded = load_images || always;
        let rendered = html::render(
            &raw,
            &html::Options {
                load_remote_images: images_loaded,
            },
        );
        Ok(MessageBody {
            message_id: message_id.to_string(),
            sender,
            images_loaded,
            rendered,
        })
    }

    /// An attachment of a message: file name, media type, bytes.
    pub fn attachment(
        &mut self,
        message_id: &str,
        index: usize,
    ) -> Result<(String, String, Vec<u8>)> {
        let (_, raw) = self.raw_message(message_id)?;
        html::attachment(&raw, index)
            .ok_or_else(|| Error::Usage(format!("<{message_id}> has no attachment number {index}")))
    }

    fn raw_message(&mut self, message_id: &str) -> Result<(Hash, Vec<u8>)> {
        let (hash, _) = self.find_message(message_id)?;
        Ok((hash, self.store()?.blob(&hash)?.raw))
    }

    /// This person's preferences (defaults when none are saved yet).
    pub fn prefs(&self) -> Result<Prefs> {
        match std::fs::read(prefs_path(self)) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| Error::Usage(format!("prefs.json is damaged: {e}"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Prefs::default()),
            Err(source) => Err(Error::Io {
                path: prefs_path(self),
                source,
            }),
        }
    }

    /// Saves preferences atomically (a temporary file renamed over the old one).
    pub fn prefs_set(&self, prefs: &Prefs) -> Result<()> {
        let path = prefs_path(self);
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&self.paths.data_dir).map_err(io)?;
        let tmp = path.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(prefs)
            .map_err(|e| Error::Usage(format!("cannot encode preferences: {e}")))?;
        std::fs::write(&tmp, bytes).map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)?;
        Ok(())
    }

    /// Logs in to an account's IMAP server and lists its folders, without saving anything.
    pub async fn account_test(account: &Account, password: &str) -> Result<Vec<String>> {
        account.validate()?;
        let secret = Secret::new(password.to_string());
        let mut conn = crate::imap::Connection::open(account, &secret)
            .await
            .map_err(|e| Error::Sync(crate::sync::Error::Imap(e)))?;
        let folders = conn
            .list()
            .await
            .map_err(|e| Error::Sync(crate::sync::Error::Imap(e)))?;
        conn.logout().await;
        Ok(folders.into_iter().map(|(name, _)| name).collect())
    }
}

fn row(
    t: &Ticket,
    customer_name: Option<String>,
    snippet: String,
    highlights: Vec<[usize; 2]>,
) -> Row {
    Row {
        id: t.id.clone(),
        full_id: t.full_id.clone(),
        subject: t.subject.clone(),
        customer: t.customer.clone(),
        customer_name,
        snippet,
        highlights,
        status: t.status,
        kind: t.kind,
        priority: t.priority,
        impact: t.impact,
        tags: t.tags.clone(),
        assignee: t.assignee.clone(),
        created: rfc3339(t.created),
        last_activity: rfc3339(t.last_activity),
        unread: t.unread,
        has_attachments: t.has_attachments,
        messages: t.customer_messages + t.team_messages,
        not_a_ticket: t.not_a_ticket,
    }
}
