//! Running the outbox: recovering what a crash left "sending", sending what is due, and
//! filing the team's Sent copies. Runs without the engine (the app calls it off its engine lock);
//! one run at a time per process, and the data dir's lock keeps other processes out, so a record
//! found "sending" when a run starts was left by a crash.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::outbox::{Item, Outbox, State, backoff};
use super::smtp::{self, Failure};
use super::{Error, Fault, Result};
use crate::account::{Account, AuthMech, Config, Credential, Secret};
use crate::imap::Connection;
use crate::store::Store;

/// Seconds between tries to file a Sent copy while the IMAP server cannot be reached.
const SENT_COPY_RETRY: i64 = 60;

/// Serialises runs within the process (the app's timer and a "send now" may meet).
static RUNNING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Whose secret, for which protocol.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Use {
    Smtp,
    Imap,
}

/// Secrets fetched once per run, per account and protocol.
struct Secrets<'a> {
    data_dir: &'a Path,
    got: HashMap<(String, Use), Arc<Secret>>,
}

impl Secrets<'_> {
    async fn get(&mut self, account: &Account, what: Use) -> Result<Arc<Secret>> {
        let key = (account.name.clone(), what);
        if let Some(s) = self.got.get(&key) {
            return Ok(s.clone());
        }
        let cred = match what {
            Use::Smtp => Credential::for_smtp(self.data_dir, account),
            Use::Imap => Credential::for_account(
                self.data_dir,
                &account.name,
                account.imap.password_cmd.as_deref(),
            ),
        };
        let name = account.name.clone();
        let secret = tokio::task::spawn_blocking(move || cred.fetch(&name))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??;
        let secret = Arc::new(secret);
        self.got.insert(key, secret.clone());
        Ok(secret)
    }
}

fn account_of<'c>(config: &'c Config, item: &Item) -> Option<&'c Account> {
    config.accounts.iter().find(|a| a.name == item.account)
}

fn server_of(account: &Account) -> Option<smtp::Server> {
    let s = account.smtp.as_ref()?;
    Some(smtp::Server {
        account: account.name.clone(),
        host: s.host.clone(),
        port: s.port,
        security: s.security,
        ca_cert: account.imap.ca_cert.clone(),
        user: s.user.clone().unwrap_or_else(|| account.imap.user.clone()),
        xoauth2: account.imap.auth == AuthMech::Xoauth2
            && s.password_cmd.is_none()
            && !s.own_password,
    })
}

/// One run: recover, send what is due at `now` (unix seconds), file Sent copies. Returns the
/// records it changed, as they are now. `retry_now` also sends what waits out a backoff (the
/// person asked); the undo window is always respected.
pub async fn flush(
    store: Arc<Store>,
    config: &Config,
    data_dir: &Path,
    now: i64,
    retry_now: bool,
) -> Result<Vec<Item>> {
    let _one = RUNNING.lock().await;
    let outbox = Outbox::new(&store);
    let mut secrets = Secrets {
        data_dir,
        got: HashMap::new(),
    };
    let mut changed = Vec::new();
    for item in outbox.all()? {
        if item.state == State::Sending {
            changed.push(recover(&outbox, config, &mut secrets, item, now).await?);
        }
    }
    for item in outbox.all()? {
        let due = item.due <= now || (retry_now && item.attempts > 0);
        if item.state == State::Queued && due {
            changed.push(send_one(&outbox, config, &mut secrets, item, now).await?);
        }
    }
    for item in outbox.all()? {
        let due = item.due <= now || retry_now;
        if item.state == State::Sent && !item.copied && due {
            changed.push(copy_to_sent(&outbox, config, &mut secrets, item, now).await?);
        }
    }
    // One record per message, as it ended.
    let mut last: Vec<Item> = Vec::new();
    for item in changed.into_iter().rev() {
        if !last.iter().any(|i| i.id == item.id) {
            last.push(item);
        }
    }
    last.reverse();
    Ok(last)
}

/// A record left "sending" by a crash: the server may have taken the message. If the server
/// files its own Sent copy, that copy tells; otherwise the person decides.
async fn recover(
    outbox: &Outbox<'_>,
    config: &Config,
    secrets: &mut Secrets<'_>,
    mut item: Item,
    now: i64,
) -> Result<Item> {
    let when = crate::engine::rfc3339(item.due.max(item.created));
    if let Some(account) = account_of(config, &item)
        && super::sent::server_saves_sent(account)
    {
        match in_sent(account, secrets, &item.message_id, None).await {
            Ok(true) => {
                item.state = State::Sent;
                item.sent_at = Some(now);
                item.copied = true;
                item.last_error = None;
                item.error_kind = None;
                outbox.save(&item)?;
                return Ok(item);
            }
            Ok(false) => {}
            Err(e) => {
                // Cannot look now: keep it "sending" so the next run asks the server again.
                item.last_error = Some(format!("cannot check the Sent folder yet: {e}"));
                outbox.save(&item)?;
                return Ok(item);
            }
        }
    }
    item.state = State::Held;
    item.error_kind = Some("uncertain".into());
    item.last_error = Some(format!(
        "Siphon stopped while sending this (after {when}); the server may have taken it. \
         Send it again, or cancel it."
    ));
    outbox.save(&item)?;
    Ok(item)
}

/// Looks for the message in the account's Sent folder and, with `raw`, files it there when it
/// is missing. Returns whether it was there already.
async fn in_sent(
    account: &Account,
    secrets: &mut Secrets<'_>,
    message_id: &str,
    raw: Option<&[u8]>,
) -> Result<bool> {
    let secret = secrets.get(account, Use::Imap).await?;
    let mut conn = Connection::open(account, &secret).await?;
    let folder = super::sent::sent_folder(&mut conn, account).await?;
    let there = super::sent::holds(&mut conn, &folder, message_id).await?;
    if let (false, Some(raw)) = (there, raw) {
        super::sent::append(&mut conn, &folder, raw).await?;
    }
    conn.logout().await;
    Ok(there)
}

async fn send_one(
    outbox: &Outbox<'_>,
    config: &Config,
    secrets: &mut Secrets<'_>,
    mut item: Item,
    now: i64,
) -> Result<Item> {
    let fail = |item: &mut Item, kind: &str, message: String| {
        item.state = State::Failed;
        item.error_kind = Some(kind.to_string());
        item.last_error = Some(message);
    };
    let Some(account) = account_of(config, &item) else {
        let message = format!("the account \"{}\" no longer exists", item.account);
        fail(&mut item, "config", message);
        outbox.save(&item)?;
        return Ok(item);
    };
    let Some(server) = server_of(account) else {
        fail(
            &mut item,
            "config",
            format!(
                "the account \"{}\" has no SMTP server; set one with: siphon account set {} --smtp-host HOST",
                account.name, account.name
            ),
        );
        outbox.save(&item)?;
        return Ok(item);
    };
    let secret = match secrets.get(account, Use::Smtp).await {
        Ok(s) => s,
        Err(e) => {
            fail(&mut item, "credential", e.to_string());
            outbox.save(&item)?;
            return Ok(item);
        }
    };
    let raw = outbox.raw(&item.id)?;
    item.attempts += 1;
    let sending = {
        let mut s = item.clone();
        s.state = State::Sending;
        s
    };
    let result = smtp::send(&server, Some(&secret), &item.from, &item.to, &raw, || {
        outbox.save(&sending).map_err(|e| e.to_string())?;
        Fault::BeforeData.here();
        Ok(())
    })
    .await;
    match result {
        Ok(()) => {
            Fault::AfterAccept.here();
            item.state = State::Sent;
            item.sent_at = Some(now);
            item.last_error = None;
            item.error_kind = None;
            item.copied = super::sent::server_saves_sent(account);
        }
        Err(Failure::Transient { kind, message }) => {
            item.state = State::Queued;
            item.due = now + backoff(item.attempts);
            item.error_kind = Some(kind.to_string());
            item.last_error = Some(message);
        }
        Err(Failure::Permanent { kind, message }) => fail(&mut item, kind, message),
        Err(Failure::Uncertain { message }) => {
            item.state = State::Held;
            item.error_kind = Some("uncertain".into());
            item.last_error = Some(format!(
                "{message}; the server may have taken it. Send it again, or cancel it."
            ));
        }
    }
    outbox.save(&item)?;
    Ok(item)
}

/// Appends the team's copy to the Sent folder, unless a copy with this Message-ID is already
/// there (a crash after the append and before it was recorded).
async fn copy_to_sent(
    outbox: &Outbox<'_>,
    config: &Config,
    secrets: &mut Secrets<'_>,
    mut item: Item,
    now: i64,
) -> Result<Item> {
    let Some(account) = account_of(config, &item) else {
        item.copied = true;
        outbox.save(&item)?;
        return Ok(item);
    };
    let raw = outbox.raw(&item.id)?;
    let result = in_sent(account, secrets, &item.message_id, Some(&raw)).await;
    match result {
        Ok(_) => {
            item.copied = true;
            item.last_error = None;
            item.error_kind = None;
        }
        Err(e) => {
            // Sent already; only the team's copy waits, a minute at least.
            item.due = now + SENT_COPY_RETRY;
            item.error_kind = Some("sent_copy".into());
            item.last_error = Some(format!("sent, but the copy for the Sent folder waits: {e}"));
        }
    }
    outbox.save(&item)?;
    Ok(item)
}
