//! Keeping the local store equal to the servers.
//!
//! [`plan`] decides (pure), [`run`] carries a folder's plan out, and this module runs every folder
//! of every account concurrently on tokio — each folder on its own connection, at most
//! [`MAX_CONNECTIONS`] per account. [`watch`] keeps accounts current with IDLE.

pub mod plan;
pub mod run;
pub mod watch;

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::{Semaphore, mpsc};

use crate::account::{Account, Secret};
use crate::imap::Connection;
use crate::store::Store;

/// Connections one account may hold at once; most servers allow 10–20 per user.
pub const MAX_CONNECTIONS: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Imap(#[from] crate::imap::Error),
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error(transparent)]
    Credential(#[from] crate::account::credential::Error),
    #[error("account \"{account}\": no folder named \"{folder}\" on the server")]
    NoFolder { account: String, folder: String },
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// A stable name for the kind of failure: `auth`, `tls`, `network`, `server`, `credential`,
    /// `store` or `sync` (the UI switches on it; it never matches message text).
    pub fn kind(&self) -> &'static str {
        use crate::imap::Error as I;
        match self {
            Error::Imap(e) => match e {
                I::Auth { .. } => "auth",
                I::Certificate { .. } | I::Tls { .. } => "tls",
                I::Unreachable { .. } | I::Lost { .. } | I::Timeout { .. } => "network",
                I::Unsupported { .. } | I::Refused { .. } => "server",
            },
            Error::Credential(_) => "credential",
            Error::Store(_) => "store",
            Error::NoFolder { .. } | Error::Internal(_) => "sync",
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// What one folder's pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FolderReport {
    pub account: String,
    pub folder: String,
    pub new_messages: usize,
    pub new_locations: usize,
    pub flag_changes: usize,
    pub expunged: usize,
    pub remapped: bool,
    pub messages: u32,
}

impl FolderReport {
    pub fn new(account: &str, folder: &str) -> FolderReport {
        FolderReport {
            account: account.to_string(),
            folder: folder.to_string(),
            ..FolderReport::default()
        }
    }
}

/// Progress of a sync, for a progress bar or the app.
#[derive(Clone, Debug)]
pub enum Event {
    FolderStarted {
        account: String,
        folder: String,
        to_fetch: u32,
    },
    Fetched {
        account: String,
        folder: String,
        count: u32,
    },
    FolderDone(FolderReport),
    FolderFailed {
        account: String,
        folder: String,
        error: String,
    },
    /// A watched account lost its connection or could not log in; it retries with backoff.
    AccountFailed {
        account: String,
        /// [`Error::kind`].
        kind: &'static str,
        error: String,
    },
}

/// Where progress events go (nowhere, by default).
#[derive(Clone, Default)]
pub struct Progress(Option<mpsc::UnboundedSender<Event>>);

impl Progress {
    pub fn new(tx: mpsc::UnboundedSender<Event>) -> Progress {
        Progress(Some(tx))
    }
    pub fn send(&self, e: Event) {
        if let Some(tx) = &self.0 {
            let _ = tx.send(e);
        }
    }
}

/// Names a Sent folder commonly has when the server does not mark it `\Sent` (RFC 6154).
const SENT_NAMES: &[&str] = &[
    "Sent",
    "Sent Items",
    "Sent Messages",
    "Sent Mail",
    "INBOX.Sent",
    "INBOX/Sent",
    "[Gmail]/Sent Mail",
    "Envoyés",
    "Éléments envoyés",
    "Terkirim",
];

/// Whether a synced folder of `account` holds the team's sent mail: one of the usual Sent names,
/// or, with the default folder list (INBOX plus Sent), whatever is not INBOX.
pub fn is_sent_folder(account: &Account, folder: &str) -> bool {
    SENT_NAMES.iter().any(|n| n.eq_ignore_ascii_case(folder))
        || (account.folders.is_empty() && !folder.eq_ignore_ascii_case("INBOX"))
}

/// The folders to sync: the configured ones, or INBOX plus the Sent folder.
pub async fn folders_to_sync(conn: &mut Connection, account: &Account) -> Result<Vec<String>> {
    let listed = conn.list().await?;
    if !account.folders.is_empty() {
        for f in &account.folders {
            if !listed.iter().any(|(n, _)| n == f) && !f.eq_ignore_ascii_case("INBOX") {
                return Err(Error::NoFolder {
                    account: account.name.clone(),
                    folder: f.clone(),
                });
            }
        }
        return Ok(account.folders.clone());
    }
    let mut out = vec!["INBOX".to_string()];
    out.extend(sent_folder_in(&listed));
    Ok(out)
}

/// The Sent folder among listed folders: the one marked `\Sent` (RFC 6154), else one of the
/// usual names.
pub fn sent_folder_in(listed: &[(String, Vec<String>)]) -> Option<String> {
    let by_use = listed
        .iter()
        .find(|(_, attrs)| attrs.iter().any(|a| a.trim_start_matches('\\') == "Sent"));
    let by_name = || {
        SENT_NAMES
            .iter()
            .find_map(|want| listed.iter().find(|(n, _)| n.eq_ignore_ascii_case(want)))
    };
    by_use.or_else(by_name).map(|(name, _)| name.clone())
}

/// Connects for an account, fetching its secret off the async threads (keyring calls block).
pub async fn connect(account: &Account, secret: &Arc<Secret>) -> Result<Connection> {
    Ok(Connection::open(account, secret).await?)
}

/// Syncs every folder of one account, concurrently. Per-folder failures are recorded in the
/// folder's state and returned; one bad folder does not stop the others.
pub async fn sync_account(
    store: &Arc<Store>,
    account: &Account,
    secret: Arc<Secret>,
    progress: &Progress,
) -> Result<Vec<std::result::Result<FolderReport, (String, Error)>>> {
    let mut first = connect(account, &secret).await?;
    let folders = folders_to_sync(&mut first, account).await?;
    // STATUS first, on the one connection: a folder that has not changed needs no pass and no
    // connection of its own (the common case for a resync).
    let mut out = Vec::new();
    let mut to_sync = Vec::new();
    for folder in folders {
        let (st, acc, fol) = (store.clone(), account.name.clone(), folder.clone());
        let local = tokio::task::spawn_blocking(move || st.folder(&acc, &fol))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??;
        match local {
            Some(mut local)
                if plan::unchanged(&first.status(&folder).await?, &local, first.caps) =>
            {
                local.last_sync = Some(chrono::Utc::now().timestamp());
                local.last_error = None;
                let st = store.clone();
                let saved = local.clone();
                tokio::task::spawn_blocking(move || st.save_folder(&saved))
                    .await
                    .map_err(|e| Error::Internal(e.to_string()))??;
                let mut report = FolderReport::new(&account.name, &folder);
                report.messages = local.messages;
                progress.send(Event::FolderDone(report.clone()));
                out.push(Ok(report));
            }
            _ => to_sync.push(folder),
        }
    }
    let limit = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut first = Some(first);
    let mut tasks = Vec::new();
    for folder in to_sync {
        let conn = first.take();
        let (store, account, secret, progress, limit) = (
            store.clone(),
            account.clone(),
            secret.clone(),
            progress.clone(),
            limit.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire_owned().await;
            let result = async {
                let mut conn = match conn {
                    Some(c) => c,
                    None => connect(&account, &secret).await?,
                };
                let r =
                    run::sync_folder(&mut conn, &store, &account.name, &folder, &progress).await;
                conn.logout().await;
                r
            }
            .await;
            if let Err(e) = &result {
                progress.send(Event::FolderFailed {
                    account: account.name.clone(),
                    folder: folder.clone(),
                    error: e.to_string(),
                });
                record_error(&store, &account.name, &folder, &e.to_string()).await;
            }
            result.map_err(|e| (folder, e))
        }));
    }
    if let Some(unused) = first {
        unused.logout().await;
    }
    for t in tasks {
        out.push(t.await.map_err(|e| Error::Internal(e.to_string()))?);
    }
    Ok(out)
}

/// Keeps the last error of a folder in its state, for `siphon status`.
async fn record_error(store: &Arc<Store>, account: &str, folder: &str, error: &str) {
    let (store, account, folder, error) = (
        store.clone(),
        account.to_string(),
        folder.to_string(),
        error.to_string(),
    );
    let _ = tokio::task::spawn_blocking(move || {
        let mut state = store.folder_or_create(&account, &folder)?;
        state.last_error = Some(error);
        store.save_folder(&state)
    })
    .await;
}
