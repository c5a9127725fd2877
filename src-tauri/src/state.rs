//! What the app holds between commands: the open workspace (an engine behind a lock), the lists
//! the UI is scrolling, and each account's sync state.

use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use siphon::engine::{Engine, Listing, Paths};
use tokio::sync::{Mutex, watch};

use crate::api::{AccountSync, CommandError, SyncState};

/// The store's metadata cache in the app: the pages being read (tickets opened, rows listed),
/// not a sync's working set; sled's pages are read back from the page cache when needed.
const STORE_CACHE_BYTES: u64 = 4 * 1024 * 1024;
/// How many lists the app keeps for scrolling (the newest; older handles answer "gone").
const KEPT_LISTS: usize = 8;

/// Lists the UI has opened, by handle.
#[derive(Default)]
pub struct Lists {
    next: u64,
    open: VecDeque<(u64, Arc<Listing>)>,
}

impl Lists {
    pub fn add(&mut self, listing: Listing) -> u64 {
        self.next += 1;
        self.open.push_back((self.next, Arc::new(listing)));
        while self.open.len() > KEPT_LISTS {
            self.open.pop_front();
        }
        self.next
    }

    pub fn get(&self, handle: u64) -> Option<Arc<Listing>> {
        self.open
            .iter()
            .find(|(h, _)| *h == handle)
            .map(|(_, l)| l.clone())
    }
}

/// One open workspace.
pub struct Workspace {
    pub engine: Mutex<Engine>,
    pub demo: bool,
    pub lists: std::sync::Mutex<Lists>,
    /// Per account, in config order.
    pub sync: std::sync::Mutex<BTreeMap<String, AccountSync>>,
    /// Tells the watchers to stop (when the app quits or switches workspace).
    pub stop: watch::Sender<bool>,
}

impl Workspace {
    pub fn open(paths: Paths, demo: bool) -> Arc<Workspace> {
        let (stop, _) = watch::channel(false);
        Arc::new(Workspace {
            engine: Mutex::new(
                Engine::new(paths, "Siphon app").with_store_cache(STORE_CACHE_BYTES),
            ),
            demo,
            lists: std::sync::Mutex::new(Lists::default()),
            sync: std::sync::Mutex::new(BTreeMap::new()),
            stop,
        })
    }

    pub fn set_sync(&self, account: &str, email: &str, state: SyncState) -> AccountSync {
        let entry = AccountSync {
            name: account.to_string(),
            email: email.to_string(),
            sync: state,
        };
        if let Ok(mut map) = self.sync.lock() {
            map.insert(account.to_string(), entry.clone());
        }
        entry
    }

    pub fn sync_states(&self) -> Vec<AccountSync> {
        self.sync
            .lock()
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }
}

/// The app's state: where workspaces live and the one open now.
pub struct AppState {
    /// `--data-dir`, or the platform's directories.
    pub data_dir: Option<PathBuf>,
    /// Where the demo workspace is imported.
    pub demo_dir: PathBuf,
    current: std::sync::RwLock<Option<Arc<Workspace>>>,
    /// Tickets to open once the UI is ready (from a `siphon://` link at launch).
    pub pending_open: std::sync::Mutex<Vec<String>>,
    /// Where each command call is logged, one line each (`SIPHON_CALL_LOG`): the tests check
    /// that displayed mail calls nothing.
    pub call_log: Option<PathBuf>,
    /// The open workspace's "closing the window keeps syncing in the tray" (read on close,
    /// when the engine may be busy).
    pub close_to_tray: AtomicBool,
}

impl AppState {
    pub fn new(data_dir: Option<PathBuf>, demo_dir: PathBuf) -> AppState {
        AppState {
            data_dir,
            demo_dir,
            current: std::sync::RwLock::new(None),
            pending_open: std::sync::Mutex::new(Vec::new()),
            call_log: std::env::var_os("SIPHON_CALL_LOG").map(PathBuf::from),
            close_to_tray: AtomicBool::new(true),
        }
    }

    pub fn workspace(&self) -> Result<Arc<Workspace>, CommandError> {
        self.current
            .read()
            .ok()
            .and_then(|w| w.clone())
            .ok_or_else(|| CommandError::new("internal", "no workspace is open"))
    }

    /// Makes `ws` the open workspace; the previous one's watchers are told to stop.
    pub fn replace(&self, ws: Arc<Workspace>) {
        if let Ok(mut current) = self.current.write() {
            if let Some(old) = current.take() {
                let _ = old.stop.send(true);
            }
            *current = Some(ws);
        }
    }

    /// Notes a command call (name and arguments) in the call log, when there is one.
    pub fn log_call(&self, call: &str) {
        use std::io::Write;
        if let Some(path) = &self.call_log
            && let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
        {
            let _ = writeln!(f, "{call}");
        }
    }
}
