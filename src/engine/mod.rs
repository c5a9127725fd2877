//! The one façade the CLI and the desktop shell call.
//!
//! It resolves where a workspace lives, owns the store for the process, and turns the modules'
//! errors into one [`Error`] with a stable [`Error::kind`] for the UI to switch on.

mod breakdown;
mod demo;
pub mod edit;
mod inbox;
mod report;
mod schedule;
mod search;
mod send;
mod templates;
mod tickets;

pub use breakdown::{AgentRow, TagRow};
pub use demo::{DEMO_ACCOUNT, DEMO_HOST, DemoSummary};
pub use edit::EditInput;
pub use inbox::{
    Arrival, Counts, ListSource, Listing, Matched, MessageBody, NameCount, Prefs, Row,
    SEARCH_LIMIT, SavedSearch, ViewCount,
};
pub use report::{ExportSummary, Report, ReportTicket, WeekReport, calendar_of};
pub use schedule::{ScheduleStatus, ScheduledExport};
pub use search::{SearchHit, pick};
pub use send::{Effects, ForwardInput, NewInput, ReplyInput};

pub use crate::send::template::{Filled, Template};

pub use tickets::{
    Edit, HistoryLine, MessageLine, NoteLine, Rebuilt, TicketDetail, TicketView, describe,
};

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;

use crate::account::{self, Account, Config, Credential, Secret};
use crate::store::{self, Hash, MessageRecord, Store};
use crate::sync::{self, FolderReport, Progress};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Account(#[from] account::Error),
    #[error(transparent)]
    Credential(#[from] account::credential::Error),
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(transparent)]
    Sync(#[from] sync::Error),
    #[error(transparent)]
    Template(#[from] crate::send::template::Error),
    #[error("cannot find a home directory for the config and data; pass --data-dir DIR")]
    NoHome,
    #[error(transparent)]
    Send(#[from] crate::send::Error),
    #[error(transparent)]
    Report(#[from] crate::report::Error),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// A stable name for the kind of error, for the UI (which never matches message text).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Account(_) => "config",
            Error::Credential(_) => "credential",
            Error::Store(store::Error::Lock(_)) => "busy",
            Error::Store(_) => "store",
            Error::Sync(e) => e.kind(),
            Error::NoHome => "config",
            Error::Send(crate::send::Error::Credential(_)) => "credential",
            Error::Send(_) => "outbox",
            Error::Usage(_) => "usage",
            // A template the person wrote that cannot be saved: their input, like a usage error.
            Error::Template(_) => "usage",
            Error::Io { .. } => "io",
            Error::Report(crate::report::Error::Config(_)) => "config",
            Error::Report(crate::report::Error::Period(_)) => "usage",
            Error::Report(_) => "io",
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Where a workspace keeps its config and data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_file: PathBuf,
}

impl Paths {
    /// `--data-dir` (or `SIPHON_DATA_DIR`) holds both config and data; otherwise the platform dirs.
    pub fn resolve(data_dir: Option<PathBuf>) -> Result<Paths> {
        if let Some(dir) = data_dir {
            return Ok(Paths {
                config_file: dir.join("config.toml"),
                data_dir: dir,
            });
        }
        let dirs =
            directories::ProjectDirs::from("app", "Siphon", "siphon").ok_or(Error::NoHome)?;
        Ok(Paths {
            data_dir: dirs.data_dir().to_path_buf(),
            config_file: dirs.config_dir().join("config.toml"),
        })
    }
}

/// Per-folder state for `siphon status`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FolderStatus {
    pub name: String,
    pub messages: u32,
    /// RFC 3339 UTC, or null before the first complete pass.
    pub last_sync: Option<String>,
    pub errors: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AccountStatus {
    pub name: String,
    pub email: String,
    pub folders: Vec<FolderStatus>,
}

/// A message the parser could not read, kept raw.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Unparsed {
    pub message_id: String,
    pub locations: Vec<String>,
    pub problems: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Status {
    pub accounts: Vec<AccountStatus>,
    pub unparsed: Vec<Unparsed>,
}

/// What `sync` did, per account.
#[derive(Debug, Default)]
pub struct SyncSummary {
    pub folders: Vec<FolderReport>,
    /// One line each: account (and folder) and what went wrong.
    pub errors: Vec<String>,
}

/// A message and where it is.
#[derive(Clone, Debug, Serialize)]
pub struct MessageView {
    pub hash: String,
    pub record: MessageRecord,
    /// `account/folder/uid` of each copy on the server.
    pub locations: Vec<String>,
    /// The IMAP flags of each copy, in the order of `locations`.
    pub flags: Vec<Vec<String>>,
    pub text: String,
}

pub fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn hex(h: &Hash) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// An open workspace.
pub struct Engine {
    pub paths: Paths,
    owner: String,
    store: Option<Arc<Store>>,
    tickets: tickets::TicketState,
    search: Option<crate::search::index::SearchIndex>,
    /// The store's metadata cache, in bytes.
    store_cache: u64,
}

impl Engine {
    /// `owner` names this process in the data-dir lock ("siphon sync", "Siphon app").
    pub fn new(paths: Paths, owner: &str) -> Engine {
        Engine {
            paths,
            owner: owner.to_string(),
            store: None,
            tickets: tickets::TicketState::default(),
            search: None,
            store_cache: crate::store::SLED_CACHE_BYTES,
        }
    }

    /// The same engine, keeping a store metadata cache of `bytes` (the desktop app, open for
    /// hours, keeps a smaller one than a sync or an export).
    pub fn with_store_cache(mut self, bytes: u64) -> Engine {
        self.store_cache = bytes;
        self
    }

    pub fn config(&self) -> Result<Config> {
        Ok(Config::load(&self.paths.config_file)?)
    }

    /// The store, opened (and the data dir taken) on first use.
    pub fn store(&mut self) -> Result<Arc<Store>> {
        if let Some(s) = &self.store {
            return Ok(s.clone());
        }
        let s = Arc::new(Store::open_with_cache(
            &self.paths.data_dir,
            &self.owner,
            self.store_cache,
        )?);
        self.store = Some(s.clone());
        Ok(s)
    }

    pub fn credential(&self, account: &Account) -> Credential {
        Credential::for_account(
            &self.paths.data_dir,
            &account.name,
            account.imap.password_cmd.as_deref(),
        )
    }

    /// Adds an account; `password` goes to the OS keyring (only without `password_cmd`).
    pub fn account_add(&self, account: Account, password: Option<&str>) -> Result<()> {
        let mut config = self.config()?;
        config.add(account.clone())?;
        self.keep_password(&account, password)?;
        config.save(&self.paths.config_file)?;
        Ok(())
    }

    /// Replaces an account's settings (same name).
    pub fn account_update(&self, account: Account, password: Option<&str>) -> Result<()> {
        account.validate()?;
        let mut config = self.config()?;
        *config.get_mut(&account.name)? = account.clone();
        self.keep_password(&account, password)?;
        config.save(&self.paths.config_file)?;
        Ok(())
    }

    /// Keeps an SMTP password of its own in the OS keyring (the account must say so:
    /// `smtp.own_password`).
    pub fn smtp_password_set(&self, account: &Account, password: &str) -> Result<()> {
        Credential::for_smtp(&self.paths.data_dir, account).store(&account.name, password)?;
        Ok(())
    }

    fn keep_password(&self, account: &Account, password: Option<&str>) -> Result<()> {
        match (password, &account.imap.password_cmd) {
            (Some(p), None) => self.credential(account).store(&account.name, p)?,
            (Some(_), Some(_)) => {
                return Err(Error::Usage(
                    "give either --password-cmd or --password-stdin, not both".into(),
                ));
            }
            (None, _) => {}
        }
        Ok(())
    }

    /// Removes an account, its keyring entry and its folders' sync state.
    pub fn account_remove(&mut self, name: &str) -> Result<Account> {
        let mut config = self.config()?;
        let removed = config.remove(name)?;
        let keyring = Credential::for_account(&self.paths.data_dir, name, None);
        keyring.forget(name)?;
        if removed.smtp.as_ref().is_some_and(|s| s.own_password) {
            Credential::for_smtp(&self.paths.data_dir, &removed).forget(name)?;
        }
        self.store()?.remove_account(name)?;
        config.save(&self.paths.config_file)?;
        Ok(removed)
    }

    async fn secret(&self, account: &Account) -> Result<Arc<Secret>> {
        let cred = self.credential(account);
        let name = account.name.clone();
        let secret = tokio::task::spawn_blocking(move || cred.fetch(&name))
            .await
            .map_err(|e| Error::Sync(sync::Error::Internal(e.to_string())))??;
        Ok(Arc::new(secret))
    }

    fn selected(&self, only: Option<&str>) -> Result<Vec<Account>> {
        let config = self.config()?;
        match only {
            Some(name) => Ok(vec![config.get(name)?.clone()]),
            None => Ok(config.accounts),
        }
    }

    /// One pass over every account (or one), all concurrently. New mail becomes tickets at the
    /// next [`Engine::refresh_tickets`] (which the CLI runs right after, outside the runtime).
    pub async fn sync(&mut self, only: Option<&str>, progress: Progress) -> Result<SyncSummary> {
        let accounts = self.selected(only)?;
        // Secrets first: a password_cmd child must not be running while this process owns the
        // data dir and could be killed, or the orphan would briefly hold the lock.
        let mut secrets = Vec::new();
        for account in &accounts {
            secrets.push(self.secret(account).await);
        }
        let store = self.store()?;
        let mut tasks = Vec::new();
        for (account, secret) in accounts.into_iter().zip(secrets) {
            let secret = match secret {
                Ok(s) => s,
                Err(e) => {
                    let msg = e.to_string();
                    tasks.push(tokio::spawn(async move { Err::<Vec<_>, _>(msg) }));
                    continue;
                }
            };
            let (store, progress) = (store.clone(), progress.clone());
            tasks.push(tokio::spawn(async move {
                let r = sync::sync_account(&store, &account, secret, &progress).await;
                match r {
                    Ok(v) => Ok(v),
                    Err(e) => {
                        record_account_error(&store, &account, &e.to_string());
                        Err(e.to_string())
                    }
                }
            }));
        }
        let mut summary = SyncSummary::default();
        for t in tasks {
            match t.await {
                Ok(Ok(results)) => {
                    for r in results {
                        match r {
                            Ok(rep) => summary.folders.push(rep),
                            Err((_, e)) => summary.errors.push(e.to_string()),
                        }
                    }
                }
                Ok(Err(e)) => summary.errors.push(e),
                Err(e) => summary.errors.push(format!("internal error: {e}")),
            }
        }
        Ok(summary)
    }

    /// Starts keeping every account current (a full pass, then IDLE push on INBOX and polling
    /// of the other folders) until `stop` turns true. New mail is stored; it becomes tickets at
    /// the caller's next refresh. Returns the watchers, to await after stopping.
    pub async fn start_watchers(
        &mut self,
        poll: Duration,
        progress: Progress,
        stop: watch::Receiver<bool>,
        on_error: impl Fn(String) + Clone + Send + Sync + 'static,
    ) -> Result<Vec<tokio::task::JoinHandle<()>>> {
        let accounts = self.selected(None)?;
        if accounts.is_empty() {
            return Err(Error::Usage(
                "no account configured; add one with: siphon account add".into(),
            ));
        }
        let mut secrets = Vec::new();
        for account in &accounts {
            secrets.push(self.secret(account).await?);
        }
        let store = self.store()?;
        let mut tasks = Vec::new();
        for (account, secret) in accounts.into_iter().zip(secrets) {
            tasks.push(tokio::spawn(sync::watch::watch_account(
                store.clone(),
                account,
                secret,
                poll,
                progress.clone(),
                stop.clone(),
                on_error.clone(),
            )));
        }
        Ok(tasks)
    }

    /// Keeps every account current until `stop` turns true.
    pub async fn watch(
        &mut self,
        poll: Duration,
        progress: Progress,
        stop: watch::Receiver<bool>,
        on_error: impl Fn(String) + Clone + Send + Sync + 'static,
    ) -> Result<()> {
        let tasks = self
            .start_watchers(poll, progress, stop.clone(), on_error.clone())
            .await?;
        let store = self.store()?;
        // New mail becomes tickets within a couple of seconds while the watchers run.
        let mut stop = stop;
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    if store.has_unthreaded()?
                        && let Err(e) = self.refresh_tickets()
                    {
                        on_error(format!("tickets: {e}"));
                    }
                    if store.has_unsearchable()?
                        && let Err(e) = self.refresh_search(&|_, _| {})
                    {
                        on_error(format!("search: {e}"));
                    }
                    // Replies past their undo window leave while watching; a message's own
                    // failure is recorded on it, so only the outbox's own trouble is reported.
                    if self.outbox_has_work()?
                        && let Err(e) = self.outbox_flush(false).await
                    {
                        on_error(format!("outbox: {e}"));
                    }
                }
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        break;
                    }
                }
            }
        }
        for t in tasks {
            let _ = t.await;
        }
        self.refresh_tickets()?;
        self.refresh_search(&|_, _| {})?;
        Ok(())
    }

    /// Per account and folder: messages, last sync, errors; and the messages kept unparsed.
    pub fn status(&mut self) -> Result<Status> {
        let config = self.config()?;
        let store = self.store()?;
        let folders = store.folders()?;
        let mut accounts = Vec::new();
        for a in &config.accounts {
            let folders = folders
                .iter()
                .filter(|f| f.account == a.name)
                .map(|f| FolderStatus {
                    name: f.name.clone(),
                    messages: f.messages,
                    last_sync: f.last_sync.map(rfc3339),
                    errors: f.last_error.iter().cloned().collect(),
                })
                .collect();
            accounts.push(AccountStatus {
                name: a.name.clone(),
                email: a.email.clone(),
                folders,
            });
        }
        let mut unparsed = Vec::new();
        for (hash, rec) in store.unparsed()? {
            unparsed.push(Unparsed {
                message_id: rec.message_id.clone(),
                locations: locations(&store, &hash)?,
                problems: rec.problems.clone(),
            });
        }
        Ok(Status { accounts, unparsed })
    }

    /// Finds a message by Message-ID (angle brackets optional).
    pub fn message(&mut self, message_id: &str) -> Result<(MessageView, Vec<u8>)> {
        let (hash, id) = self.find_message(message_id)?;
        let store = self.store()?;
        let record = store
            .message(&hash)?
            .ok_or_else(|| store::Error::NoSuchMessage(id.to_string()))?;
        let blob = store.blob(&hash)?;
        let mut copies = Vec::new();
        for (folder, uid) in store.locations_of(&hash)? {
            let flags = store
                .locations_in(folder.id)?
                .into_iter()
                .find(|(u, _)| *u == uid)
                .map(|(_, l)| l.flags.0)
                .unwrap_or_default();
            copies.push((format!("{}/{}/{}", folder.account, folder.name, uid), flags));
        }
        Ok((
            MessageView {
                hash: hex(&hash),
                locations: copies.iter().map(|(l, _)| l.clone()).collect(),
                flags: copies.into_iter().map(|(_, f)| f).collect(),
                record,
                text: blob.text,
            },
            blob.raw,
        ))
    }

    /// A stored message's content hash by its Message-ID (angle brackets optional), with the
    /// id as looked up.
    fn find_message(&mut self, message_id: &str) -> Result<(Hash, String)> {
        let id = message_id
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string();
        let hash = *self
            .store()?
            .find_message_id(&id)?
            .first()
            .ok_or_else(|| store::Error::NoSuchMessage(id.clone()))?;
        Ok((hash, id))
    }

    pub fn data_dir(&self) -> &Path {
        &self.paths.data_dir
    }
}

fn locations(store: &Store, hash: &Hash) -> Result<Vec<String>> {
    Ok(store
        .locations_of(hash)?
        .into_iter()
        .map(|(f, uid)| format!("{}/{}/{}", f.account, f.name, uid))
        .collect())
}

/// An account-level failure (login, network) is shown on each of its folders.
fn record_account_error(store: &Store, account: &Account, error: &str) {
    let folders: Vec<String> = match store.folders() {
        Ok(fs) => fs
            .into_iter()
            .filter(|f| f.account == account.name)
            .map(|f| f.name)
            .collect(),
        Err(_) => return,
    };
    let folders = if folders.is_empty() {
        vec!["INBOX".to_string()]
    } else {
        folders
    };
    for name in folders {
        if let Ok(mut state) = store.folder_or_create(&account.name, &name) {
            state.last_error = Some(error.to_string());
            let _ = store.save_folder(&state);
        }
    }
}
