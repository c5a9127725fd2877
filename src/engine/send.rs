//! Answering tickets: replies, forwards and new conversations go through the outbox
//! (`send::outbox`); internal notes are ops and are never sent.

use std::path::PathBuf;

use super::{Engine, Error, Result, tickets::Edit};
use crate::account::{Account, Config};
use crate::send::compose::{self, Draft, FileAttachment, Quoted};
use crate::send::outbox::{self, Item, Outbox, Purpose, State, Undo};
use crate::store::{Addr, Hash, MessageRecord};
use crate::ticket::build::{Shown, Ticket};
use crate::ticket::op::{Kind, Status};

/// The longest quote a reply carries, in lines: the rest of the history is in the thread.
const QUOTE_LINES: usize = 200;

/// A reply to a ticket's last customer message.
#[derive(Clone, Debug, Default)]
pub struct ReplyInput {
    pub ticket: String,
    pub body: String,
    /// Reply to everyone on the message (the team's own addresses left out).
    pub all: bool,
    pub attachments: Vec<PathBuf>,
    /// Leave at once instead of after the undo window.
    pub no_undo: bool,
    /// What sending it also does to the ticket (a template's settings).
    pub effects: Effects,
}

/// Changes that come with a reply, applied when it is sent and undone with it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Effects {
    pub status: Option<Status>,
    pub kind: Option<Kind>,
    pub tags: Vec<String>,
}

impl From<&crate::send::template::Template> for Effects {
    /// What a saved reply does to the ticket it answers.
    fn from(t: &crate::send::template::Template) -> Effects {
        Effects {
            status: t.set_status,
            kind: t.set_kind,
            tags: t.tags.clone(),
        }
    }
}

/// A ticket's message sent on to someone else.
#[derive(Clone, Debug, Default)]
pub struct ForwardInput {
    pub ticket: String,
    /// The message forwarded; default the ticket's last one.
    pub message_id: Option<String>,
    pub to: Vec<String>,
    pub body: String,
    pub no_undo: bool,
}

/// A new conversation started by the team.
#[derive(Clone, Debug, Default)]
pub struct NewInput {
    pub account: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub body: String,
    pub attachments: Vec<PathBuf>,
    pub no_undo: bool,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn usage(s: impl Into<String>) -> Error {
    Error::Usage(s.into())
}

fn addr(email: &str) -> Result<Addr> {
    let email = email.trim();
    if !email.contains('@') || email.contains(char::is_whitespace) {
        return Err(usage(format!("\"{email}\" is not an email address")));
    }
    Ok(Addr {
        name: None,
        email: email.to_string(),
    })
}

fn read_attachments(paths: &[PathBuf]) -> Result<Vec<FileAttachment>> {
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p)
                .map_err(|e| usage(format!("cannot read the attachment {}: {e}", p.display())))?;
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "attachment".into());
            Ok(FileAttachment {
                mime: compose::mime_of(&name).to_string(),
                name,
                bytes,
            })
        })
        .collect()
}

/// The words of a reply must be real: not empty, and no template variable left unfilled.
fn check_body(body: &str) -> Result<()> {
    if body.trim().is_empty() {
        return Err(usage("the message is empty"));
    }
    let left = crate::send::template::unfilled(body);
    if !left.is_empty() {
        return Err(usage(format!(
            "the message still holds {}; fill them in before sending",
            left.iter()
                .map(|v| format!("{{{{{v}}}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(())
}

/// Who a message is from, as a quote names them.
fn who(r: &MessageRecord) -> String {
    r.from
        .first()
        .map(|a| a.name.clone().unwrap_or_else(|| a.email.clone()))
        .unwrap_or_else(|| "someone".into())
}

fn quote_of(r: &MessageRecord, text: &str) -> Quoted {
    let text: Vec<&str> = text.lines().take(QUOTE_LINES).collect();
    Quoted {
        date: r.date,
        who: who(r),
        text: text.join("\n"),
    }
}

impl Engine {
    fn sending_account(config: &Config, name: &str) -> Result<Account> {
        let account = config.get(name)?.clone();
        if account.smtp.is_none() {
            return Err(usage(format!(
                "the account \"{name}\" has no SMTP server; set one with: siphon account set {name} --smtp-host HOST"
            )));
        }
        Ok(account)
    }

    /// The records of a ticket's messages, oldest first.
    fn records_of(&mut self, t: &Ticket) -> Result<Vec<(Hash, MessageRecord)>> {
        let store = self.store()?;
        let mut out = Vec::new();
        for h in &t.hashes {
            if let Some(r) = store.message(h)? {
                out.push((*h, r));
            }
        }
        out.sort_by_key(|(h, r)| (r.date, *h));
        Ok(out)
    }

    /// The account a ticket is answered from: the one its customer wrote to, else the first
    /// account its mail is in, else the first account.
    fn account_for(config: &Config, t: &Ticket, parent: Option<&MessageRecord>) -> Option<String> {
        let wrote_to: Vec<String> = parent
            .into_iter()
            .flat_map(|p| p.to.iter().chain(&p.cc))
            .map(|a| a.email.to_ascii_lowercase())
            .collect();
        config
            .accounts
            .iter()
            .find(|a| a.addresses().iter().any(|x| wrote_to.contains(x)))
            .or_else(|| {
                t.accounts
                    .iter()
                    .find_map(|n| config.accounts.iter().find(|a| &a.name == n))
            })
            .or_else(|| config.accounts.first())
            .map(|a| a.name.clone())
    }

    /// Queues a reply to a ticket's last customer message (or its last message, when the team
    /// started it). It leaves after the undo window unless `no_undo`; what it does to the
    /// ticket (`effects`, and "pending" when the team setting says a reply makes it so) is
    /// recorded now and undone with it.
    pub fn reply(&mut self, input: ReplyInput) -> Result<Item> {
        check_body(&input.body)?;
        let config = self.config()?;
        let me = config.me.clone().ok_or_else(|| {
            usage("Siphon does not know who you are yet; run: siphon me set --name NAME --email ADDRESS")
        })?;
        let t = self.find_ticket(&input.ticket)?;
        let team = self.team()?;
        let records = self.records_of(&t)?;
        let is_team = |e: &str| team.is_team(&e.to_ascii_lowercase());
        let (parent_hash, parent) = records
            .iter()
            .rev()
            .find(|(_, r)| r.from.iter().all(|a| !is_team(&a.email)))
            .or_else(|| records.last())
            .cloned()
            .ok_or_else(|| usage(format!("ticket {} has no message to answer", t.id)))?;
        let account_name = Self::account_for(&config, &t, Some(&parent))
            .ok_or_else(|| usage("no account configured; add one with: siphon account add"))?;
        let account = Self::sending_account(&config, &account_name)?;
        let (mut to, mut cc) = compose::recipients(&parent, input.all, &is_team);
        if to.is_empty() {
            // The team wrote last and nobody else is on it: answer the people it was sent to.
            to = parent
                .to
                .iter()
                .filter(|a| !is_team(&a.email))
                .cloned()
                .collect();
            cc.retain(|a| !to.iter().any(|t| t.email.eq_ignore_ascii_case(&a.email)));
        }
        if to.is_empty() && cc.is_empty() {
            return Err(usage(format!(
                "ticket {} has nobody outside the team to reply to",
                t.id
            )));
        }
        let store = self.store()?;
        let text = store.blob(&parent_hash)?.text;
        let from_email = compose::from_address(Some(&parent), &account.addresses())
            .unwrap_or_else(|| account.email.clone());
        let node = store.node_id()?;
        let draft = Draft {
            from: Addr {
                name: compose::from_name(Some(&me.name), &account.display_name),
                email: from_email,
            },
            to,
            cc,
            subject: compose::reply_subject(&parent.subject),
            text: compose::with_signature(&input.body, me.signature.as_deref()),
            quoted: Some(quote_of(&parent, &text)),
            in_reply_to: (!parent.synthetic_id).then(|| parent.message_id.clone()),
            references: compose::references(&parent),
            attachments: read_attachments(&input.attachments)?,
            forwarded: None,
            message_id: String::new(),
            date: std::time::SystemTime::now(),
        };
        let purpose = if input.all {
            Purpose::ReplyAll
        } else {
            Purpose::Reply
        };
        let mut item = self.queue(
            draft,
            &account,
            node,
            purpose,
            Some(&t),
            Some(parent.message_id.clone()),
            input.no_undo,
        )?;
        let undo = self.apply_effects(&t, &input.effects)?;
        if undo != Undo::default() {
            item.undo = Some(undo);
            Outbox::new(&store).save(&item).map_err(send_err)?;
        }
        Ok(item)
    }

    /// Queues a forward of one of a ticket's messages, attached whole.
    pub fn forward(&mut self, input: ForwardInput) -> Result<Item> {
        if input.to.is_empty() {
            return Err(usage("forward to whom? give at least one address"));
        }
        let config = self.config()?;
        let me = config
            .me
            .clone()
            .ok_or_else(|| usage("Siphon does not know who you are yet; run: siphon me set"))?;
        let t = self.find_ticket(&input.ticket)?;
        let records = self.records_of(&t)?;
        let (hash, original) = match &input.message_id {
            Some(id) => {
                let id = id.trim().trim_start_matches('<').trim_end_matches('>');
                records.iter().find(|(_, r)| r.message_id == id).cloned()
            }
            None => records.last().cloned(),
        }
        .ok_or_else(|| usage(format!("no such message in ticket {}", t.id)))?;
        let account_name = Self::account_for(&config, &t, Some(&original))
            .ok_or_else(|| usage("no account configured"))?;
        let account = Self::sending_account(&config, &account_name)?;
        let store = self.store()?;
        let raw = store.blob(&hash)?.raw;
        let body = if input.body.trim().is_empty() {
            String::new()
        } else {
            check_body(&input.body)?;
            input.body.clone()
        };
        let draft = Draft {
            from: Addr {
                name: compose::from_name(Some(&me.name), &account.display_name),
                email: account.email.clone(),
            },
            to: input.to.iter().map(|a| addr(a)).collect::<Result<_>>()?,
            cc: Vec::new(),
            subject: compose::forward_subject(&original.subject),
            text: compose::with_signature(&body, me.signature.as_deref()),
            quoted: None,
            in_reply_to: None,
            references: Vec::new(),
            attachments: Vec::new(),
            forwarded: Some(raw),
            message_id: String::new(),
            date: std::time::SystemTime::now(),
        };
        let node = store.node_id()?;
        self.queue(
            draft,
            &account,
            node,
            Purpose::Forward,
            Some(&t),
            Some(original.message_id.clone()),
            input.no_undo,
        )
    }

    /// Queues the first message of a new conversation, from an account's main address.
    pub fn compose_new(&mut self, input: NewInput) -> Result<Item> {
        check_body(&input.body)?;
        if input.subject.trim().is_empty() {
            return Err(usage("a new conversation needs a subject"));
        }
        let config = self.config()?;
        let me = config
            .me
            .clone()
            .ok_or_else(|| usage("Siphon does not know who you are yet; run: siphon me set"))?;
        let account = Self::sending_account(&config, &input.account)?;
        let draft = Draft {
            from: Addr {
                name: compose::from_name(Some(&me.name), &account.display_name),
                email: account.email.clone(),
            },
            to: input.to.iter().map(|a| addr(a)).collect::<Result<_>>()?,
            cc: input.cc.iter().map(|a| addr(a)).collect::<Result<_>>()?,
            subject: input.subject.trim().to_string(),
            text: compose::with_signature(&input.body, me.signature.as_deref()),
            quoted: None,
            in_reply_to: None,
            references: Vec::new(),
            attachments: read_attachments(&input.attachments)?,
            forwarded: None,
            message_id: String::new(),
            date: std::time::SystemTime::now(),
        };
        let node = self.store()?.node_id()?;
        self.queue(
            draft,
            &account,
            node,
            Purpose::New,
            None,
            None,
            input.no_undo,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn queue(
        &mut self,
        mut draft: Draft,
        account: &Account,
        node: u64,
        purpose: Purpose,
        ticket: Option<&Ticket>,
        parent: Option<String>,
        no_undo: bool,
    ) -> Result<Item> {
        let config = self.config()?;
        draft.message_id = compose::new_message_id(&draft.from.email, node);
        let raw = compose::build(&draft).map_err(|e| usage(e.to_string()))?;
        let created = now();
        let undo_secs = if no_undo {
            0
        } else {
            i64::from(config.send.undo_seconds)
        };
        let item = Item {
            id: outbox::new_id(&draft.message_id, created),
            ticket: ticket.map(|t| t.id.clone()),
            parent,
            account: account.name.clone(),
            purpose,
            from: draft.from.email.clone(),
            to: draft
                .to
                .iter()
                .chain(&draft.cc)
                .map(|a| a.email.clone())
                .collect(),
            subject: draft.subject.clone(),
            message_id: draft.message_id.clone(),
            state: State::Queued,
            attempts: 0,
            last_error: None,
            error_kind: None,
            created,
            due: created + undo_secs,
            sent_at: None,
            copied: false,
            undo: None,
        };
        let store = self.store()?;
        Outbox::new(&store).add(&item, &raw).map_err(send_err)?;
        Ok(item)
    }

    /// Records what sending does to the ticket; returns how to put it back.
    fn apply_effects(&mut self, t: &Ticket, effects: &Effects) -> Result<Undo> {
        let settings = self.settings()?;
        let status = effects.status.or_else(|| {
            (settings.reply_makes_pending && t.status == Shown::Open).then_some(Status::Pending)
        });
        // A snoozed ticket is open underneath (its snooze is left alone here).
        let before = match t.status {
            Shown::Open | Shown::Snoozed => Status::Open,
            Shown::Pending => Status::Pending,
            Shown::Closed => Status::Closed,
        };
        let mut undo = Undo::default();
        let mut edit = Edit::default();
        if let Some(s) = status.filter(|s| *s != before) {
            edit.status = Some(s);
            undo.status = Some(before);
        }
        if let Some(k) = effects.kind.filter(|k| Some(*k) != t.kind) {
            edit.kind = Some(Some(k));
            undo.kind_changed = true;
            undo.kind = t.kind;
        }
        for tag in &effects.tags {
            if !t.tags.contains(tag) {
                edit.tags_add.push(tag.clone());
                undo.tags.push(tag.clone());
            }
        }
        if undo != Undo::default() {
            self.ticket_set(&t.full_id, edit)?;
        }
        Ok(undo)
    }

    /// Every outgoing message still to show: what waits, failed or was held, and what was sent
    /// until its copy comes back from the server (then the ticket shows the real message, and
    /// the record goes).
    pub fn outbox(&mut self) -> Result<Vec<Item>> {
        let store = self.store()?;
        let outbox = Outbox::new(&store);
        let mut out = Vec::new();
        for item in outbox.all().map_err(send_err)? {
            if item.state == State::Sent
                && item.copied
                && !store.find_message_id(&item.message_id)?.is_empty()
            {
                outbox.remove(&item.id).map_err(send_err)?;
                continue;
            }
            out.push(item);
        }
        Ok(out)
    }

    /// The outgoing messages of one ticket (see [`Engine::outbox`]).
    pub fn outbox_of(&mut self, t: &Ticket) -> Result<Vec<Item>> {
        Ok(self
            .outbox()?
            .into_iter()
            .filter(|i| {
                i.ticket.as_deref() == Some(t.id.as_str())
                    || i.parent.as_ref().is_some_and(|p| t.message_ids.contains(p))
            })
            .collect())
    }

    /// Cancels a message that has not left (queued, failed or held), and undoes what sending it
    /// did to its ticket.
    pub fn outbox_cancel(&mut self, id: &str) -> Result<Item> {
        let store = self.store()?;
        let outbox = Outbox::new(&store);
        let item = outbox.get(id).map_err(send_err)?;
        match item.state {
            State::Sending => {
                return Err(usage(format!(
                    "{id} is being sent right now; it can no longer be cancelled"
                )));
            }
            State::Sent => return Err(usage(format!("{id} was already sent"))),
            State::Queued | State::Failed | State::Held => {}
        }
        outbox.remove(id).map_err(send_err)?;
        if let (Some(undo), Some(parent)) = (&item.undo, &item.parent) {
            let edit = Edit {
                status: undo.status,
                kind: undo.kind_changed.then_some(undo.kind),
                tags_remove: undo.tags.clone(),
                ..Edit::default()
            };
            self.ticket_set(parent, edit)?;
        }
        Ok(item)
    }

    /// Puts a failed or held message back in the queue, to leave now.
    pub fn outbox_retry(&mut self, id: &str) -> Result<Item> {
        let store = self.store()?;
        let outbox = Outbox::new(&store);
        let mut item = outbox.get(id).map_err(send_err)?;
        match item.state {
            State::Failed | State::Held | State::Queued => {}
            State::Sending => return Err(usage(format!("{id} is being sent right now"))),
            State::Sent => return Err(usage(format!("{id} was already sent"))),
        }
        item.state = State::Queued;
        item.due = now();
        outbox.save(&item).map_err(send_err)?;
        Ok(item)
    }

    /// Sends what is due now (past its undo window, and its backoff unless `retry_now`), after
    /// recovering what a crash left "sending", and files the Sent copies. Returns the records
    /// it changed.
    pub async fn outbox_flush(&mut self, retry_now: bool) -> Result<Vec<Item>> {
        let store = self.store()?;
        let config = self.config()?;
        let data_dir = self.paths.data_dir.clone();
        crate::send::run::flush(store, &config, &data_dir, now(), retry_now)
            .await
            .map_err(send_err)
    }

    /// Whether anything in the outbox is waiting to leave or to be filed (for the app's loop).
    pub fn outbox_has_work(&mut self) -> Result<bool> {
        let store = self.store()?;
        let items = Outbox::new(&store).all().map_err(send_err)?;
        let t = now();
        Ok(items.iter().any(|i| {
            (i.state == State::Queued && i.due <= t)
                || i.state == State::Sending
                || (i.state == State::Sent && !i.copied && i.due <= t)
        }))
    }

    /// Adds an internal note to a ticket: an op, never sent.
    pub fn note(&mut self, ticket: &str, text: &str) -> Result<Ticket> {
        if text.trim().is_empty() {
            return Err(usage("the note is empty"));
        }
        let edit = Edit {
            note: Some(text.trim().to_string()),
            ..Edit::default()
        };
        self.ticket_set(ticket, edit)
    }
}

fn send_err(e: impl Into<crate::send::Error>) -> Error {
    Error::Send(e.into())
}
