//! The commands the UI calls: each a thin adapter over the engine façade. Engine work runs on a
//! blocking thread with the workspace's engine locked; nothing here decides anything the CLI
//! would decide differently.

use std::path::PathBuf;
use std::sync::Arc;

use siphon::account::{Account, ImapSettings, Security};
use siphon::engine::{Counts, EditInput, Engine, MessageBody, Prefs, Row};
use tauri::{AppHandle, Manager, Runtime, State};

use crate::api::{
    AccountInput, Answer, AppInfo, CommandError, ListInfo, Person, Sidebar, TicketPage,
};
use crate::live;
use crate::state::{AppState, Workspace};
use crate::trim;

/// The most rows one call returns.
const MAX_ROWS: usize = 500;
/// How many of a customer's other tickets the ticket view lists.
const OTHER_TICKETS: usize = 10;

/// Runs engine work on a blocking thread with the engine locked.
pub(crate) async fn with_engine<T: Send + 'static>(
    ws: &Arc<Workspace>,
    work: impl FnOnce(&mut Engine) -> siphon::engine::Result<T> + Send + 'static,
) -> Answer<T> {
    let worker = ws.clone();
    let answer = tauri::async_runtime::spawn_blocking(move || {
        let mut engine = worker.engine.blocking_lock();
        work(&mut engine).map_err(CommandError::from)
    })
    .await
    .map_err(|e| CommandError::new("internal", e.to_string()))?;
    trim::after_work(ws);
    answer
}

fn info(state: &AppState, ws: &Workspace, engine: &Engine) -> siphon::engine::Result<AppInfo> {
    let config = engine.config()?;
    let _ = state;
    Ok(AppInfo {
        name: "Siphon".to_string(),
        version: siphon::VERSION.to_string(),
        demo: ws.demo,
        configured: ws.demo || !config.accounts.is_empty(),
        me: config.me.map(|m| Person {
            name: m.name,
            email: m.email,
        }),
        data_dir: engine.data_dir().display().to_string(),
        platform: std::env::consts::OS.to_string(),
    })
}

/// Where the app stands: workspace, accounts, me.
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Answer<AppInfo> {
    state.log_call("app_info");
    let ws = state.workspace()?;
    let engine = ws.engine.lock().await;
    Ok(info(&state, &ws, &engine)?)
}

/// Opens the demo workspace (importing it the first time), in its own data dir.
#[tauri::command]
pub async fn open_demo<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Answer<AppInfo> {
    state.log_call("open_demo");
    let ws = live::open_demo(&app, &state).await?;
    let engine = ws.engine.lock().await;
    Ok(info(&state, &ws, &engine)?)
}

/// Sets who is using Siphon here (the author of their changes).
#[tauri::command]
pub async fn me_set(state: State<'_, AppState>, name: String, email: String) -> Answer<AppInfo> {
    state.log_call("me_set");
    let ws = state.workspace()?;
    with_engine(&ws, move |e| e.me_set(&name, &email)).await?;
    let engine = ws.engine.lock().await;
    Ok(info(&state, &ws, &engine)?)
}

fn account_of(input: &AccountInput) -> Answer<Account> {
    let security = match input.security.trim().to_ascii_lowercase().as_str() {
        "tls" | "" => Security::Tls,
        "starttls" => Security::Starttls,
        "plain" => Security::Plain,
        other => {
            return Err(CommandError::new(
                "usage",
                format!("unknown security \"{other}\"; one of: tls, starttls, plain"),
            ));
        }
    };
    let user = input
        .user
        .clone()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| input.email.trim().to_string());
    let account = Account {
        name: input.name.trim().to_string(),
        display_name: String::new(),
        email: input.email.trim().to_ascii_lowercase(),
        aliases: input
            .aliases
            .iter()
            .map(|a| a.trim().to_ascii_lowercase())
            .filter(|a| !a.is_empty())
            .collect(),
        folders: Vec::new(),
        imap: ImapSettings {
            host: input.imap_host.trim().to_string(),
            port: input.imap_port.unwrap_or(security.default_port()),
            security,
            user,
            ca_cert: input
                .ca_cert
                .clone()
                .filter(|c| !c.trim().is_empty())
                .map(PathBuf::from),
            auth: Default::default(),
            password_cmd: None,
        },
        smtp: None,
    };
    account.validate().map_err(siphon::engine::Error::from)?;
    Ok(account)
}

/// Logs in with these settings and lists the folders, saving nothing.
#[tauri::command]
pub async fn account_test(state: State<'_, AppState>, input: AccountInput) -> Answer<Vec<String>> {
    state.log_call("account_test");
    let account = account_of(&input)?;
    Ok(Engine::account_test(&account, &input.password).await?)
}

/// Adds an account (its password to the OS keychain) and starts syncing it.
#[tauri::command]
pub async fn account_add<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: AccountInput,
) -> Answer<AppInfo> {
    state.log_call("account_add");
    let account = account_of(&input)?;
    let ws = state.workspace()?;
    if ws.demo {
        return Err(CommandError::new(
            "usage",
            "the demo workspace has no real accounts; restart Siphon without --demo to add one",
        ));
    }
    let password = input.password.clone();
    with_engine(&ws, move |e| e.account_add(account, Some(&password))).await?;
    live::start_sync(&app, &ws);
    let engine = ws.engine.lock().await;
    Ok(info(&state, &ws, &engine)?)
}

/// The sidebar: counts, accounts' sync state, saved searches.
#[tauri::command]
pub async fn sidebar(state: State<'_, AppState>) -> Answer<Sidebar> {
    state.log_call("sidebar");
    let ws = state.workspace()?;
    let (counts, prefs, outbox): (Counts, Prefs, usize) = with_engine(&ws, |e| {
        use siphon::send::outbox::State;
        let waiting = e
            .outbox()?
            .iter()
            .filter(|i| matches!(i.state, State::Queued | State::Failed | State::Held))
            .count();
        Ok((e.counts()?, e.prefs()?, waiting))
    })
    .await?;
    Ok(Sidebar {
        counts,
        accounts: ws.sync_states(),
        prefs,
        outbox,
    })
}

/// Opens a list (a view or a query) and says how long it is, with its `first` rows (at most a
/// page); the rest come from `list_rows`.
#[tauri::command]
pub async fn list_open(
    state: State<'_, AppState>,
    source: siphon::engine::ListSource,
    first: Option<usize>,
) -> Answer<ListInfo> {
    state.log_call("list_open");
    let ws = state.workspace()?;
    let first = first.unwrap_or(0).min(MAX_ROWS);
    let (listing, rows) = with_engine(&ws, move |e| {
        let listing = e.listing(&source)?;
        let ids = &listing.ids[..first.min(listing.ids.len())];
        let rows = if ids.is_empty() {
            Vec::new()
        } else {
            e.rows(ids, &listing)?
        };
        Ok((listing, rows))
    })
    .await?;
    let (total, ranked) = (listing.ids.len(), listing.ranked);
    let list = ws
        .lists
        .lock()
        .map_err(|_| CommandError::new("internal", "lists poisoned"))?
        .add(listing);
    Ok(ListInfo {
        list,
        total,
        ranked,
        rows,
    })
}

/// Rows `start..start + count` of an open list.
#[tauri::command]
pub async fn list_rows(
    state: State<'_, AppState>,
    list: u64,
    start: usize,
    count: usize,
) -> Answer<Vec<Row>> {
    let ws = state.workspace()?;
    let listing = ws
        .lists
        .lock()
        .map_err(|_| CommandError::new("internal", "lists poisoned"))?
        .get(list)
        .ok_or_else(|| CommandError::new("gone", "the list was closed; open it again"))?;
    let end = start
        .saturating_add(count.min(MAX_ROWS))
        .min(listing.ids.len());
    let ids = listing
        .ids
        .get(start.min(end)..end)
        .unwrap_or_default()
        .to_vec();
    with_engine(&ws, move |e| e.rows(&ids, &listing)).await
}

/// A ticket with its conversation, notes, history and the customer's other tickets. The first
/// message (what the customer asked) and the latest come made safe to show; the view folds the
/// ones between to a line and fetches a body by `message_body` when it is unfolded. It is marked read for this person just after the answer, so the
/// view never waits for the ticket index to be rewritten.
#[tauri::command]
pub async fn ticket_open(state: State<'_, AppState>, id: String) -> Answer<TicketPage> {
    state.log_call(&format!("ticket_open {id}"));
    let ws = state.workspace()?;
    let page = with_engine(&ws, move |e| {
        let detail = e.ticket(&id, false)?;
        let full = e.find_ticket(&detail.ticket.id)?.full_id;
        let others = e.customer_tickets(&full, OTHER_TICKETS)?;
        let last = detail.messages.len().saturating_sub(1);
        let bodies = detail
            .messages
            .iter()
            .enumerate()
            .filter(|(i, _)| *i == 0 || *i == last)
            .map(|(_, m)| e.message_body(&m.message_id, false))
            .collect::<siphon::engine::Result<Vec<_>>>()?;
        Ok(TicketPage {
            detail,
            bodies,
            others,
        })
    })
    .await?;
    if page.detail.ticket.unread {
        let id = page.detail.ticket.id.clone();
        let ws = ws.clone();
        tauri::async_runtime::spawn(async move {
            if let Err(e) = with_engine(&ws, move |e| e.ticket(&id, true).map(drop)).await {
                eprintln!("siphon-app: marking a ticket read: {}", e.message);
            }
        });
    }
    Ok(page)
}

/// A message made safe to show (sanitised HTML for a sandboxed frame).
#[tauri::command]
pub async fn message_body(
    state: State<'_, AppState>,
    message_id: String,
    load_images: bool,
) -> Answer<MessageBody> {
    state.log_call(&format!("message_body {message_id} {load_images}"));
    let ws = state.workspace()?;
    with_engine(&ws, move |e| e.message_body(&message_id, load_images)).await
}

/// Always load remote images from this sender.
#[tauri::command]
pub async fn images_always(state: State<'_, AppState>, sender: String) -> Answer<Prefs> {
    state.log_call(&format!("images_always {sender}"));
    let ws = state.workspace()?;
    with_engine(&ws, move |e| {
        let mut prefs = e.prefs()?;
        let sender = sender.trim().to_ascii_lowercase();
        if !sender.is_empty() && !prefs.images_from.contains(&sender) {
            prefs.images_from.push(sender);
        }
        e.prefs_set(&prefs)?;
        Ok(prefs)
    })
    .await
}

/// One change to one or many tickets (side panel, keyboard, bulk actions).
#[tauri::command]
pub async fn tickets_edit(
    state: State<'_, AppState>,
    ids: Vec<String>,
    edit: EditInput,
) -> Answer<Vec<Row>> {
    state.log_call(&format!("tickets_edit {ids:?} {edit:?}"));
    let ws = state.workspace()?;
    with_engine(&ws, move |e| {
        let changed = e.tickets_edit(&ids, &edit)?;
        let fids: Vec<String> = changed.into_iter().map(|t| t.full_id).collect();
        e.rows(&fids, &Default::default())
    })
    .await
}

/// Saves preferences (saved searches, tray, notifications).
#[tauri::command]
pub async fn prefs_set(state: State<'_, AppState>, prefs: Prefs) -> Answer<Prefs> {
    state.log_call("prefs_set");
    let ws = state.workspace()?;
    let saved = with_engine(&ws, move |e| {
        e.prefs_set(&prefs)?;
        Ok(prefs)
    })
    .await?;
    state
        .close_to_tray
        .store(saved.close_to_tray, std::sync::atomic::Ordering::Relaxed);
    Ok(saved)
}

/// Writes an attachment to `path` (typed, or chosen with `choose_save_path`). Returns the path.
#[tauri::command]
pub async fn attachment_save(
    state: State<'_, AppState>,
    message_id: String,
    index: usize,
    path: String,
) -> Answer<String> {
    state.log_call(&format!("attachment_save {message_id} {index} {path}"));
    let ws = state.workspace()?;
    let (_, _, bytes) = with_engine(&ws, move |e| e.attachment(&message_id, index)).await?;
    let path = expand_home(path.trim());
    if path.as_os_str().is_empty() {
        return Err(CommandError::new("usage", "give a path to save to"));
    }
    std::fs::write(&path, bytes)
        .map_err(|e| CommandError::new("io", format!("cannot write {}: {e}", path.display())))?;
    Ok(path.display().to_string())
}

/// Opens an attachment with the system's app for its type. An executable one is opened only
/// when `confirmed` (the UI asks first): otherwise the call fails with kind `executable`.
#[tauri::command]
pub async fn attachment_open<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    message_id: String,
    index: usize,
    confirmed: bool,
) -> Answer<()> {
    state.log_call(&format!("attachment_open {message_id} {index} {confirmed}"));
    let ws = state.workspace()?;
    let (name, mime, bytes) = with_engine(&ws, move |e| e.attachment(&message_id, index)).await?;
    if siphon::mail::html::is_executable(&name, &mime) && !confirmed {
        return Err(CommandError::new(
            "executable",
            format!("{name} is a program: opening it could run code on this computer"),
        ));
    }
    let dir = std::env::temp_dir().join("siphon-attachments");
    std::fs::create_dir_all(&dir)
        .map_err(|e| CommandError::new("io", format!("cannot write {}: {e}", dir.display())))?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let path = dir.join(if safe.is_empty() {
        "attachment".into()
    } else {
        safe
    });
    std::fs::write(&path, bytes)
        .map_err(|e| CommandError::new("io", format!("cannot write {}: {e}", path.display())))?;
    use tauri_plugin_opener::OpenerExt;
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|e| CommandError::new("internal", e.to_string()))
}

/// Asks for a file to save to with the system's dialog; `None` when cancelled.
#[tauri::command]
pub async fn choose_save_path<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
) -> Answer<Option<String>> {
    state.log_call("choose_save_path");
    use tauri_plugin_dialog::DialogExt;
    let chosen = tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .file()
            .set_file_name(&name)
            .blocking_save_file()
    })
    .await
    .map_err(|e| CommandError::new("internal", e.to_string()))?;
    Ok(chosen.map(|p| p.to_string()))
}

/// Where an attachment goes by default: the Downloads folder, else home.
#[tauri::command]
pub async fn default_save_path<R: Runtime>(app: AppHandle<R>, name: String) -> Answer<String> {
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .unwrap_or_else(|_| std::env::temp_dir());
    Ok(dir.join(name).display().to_string())
}

/// Opens a link from a message in the system browser (the UI showed the real target first).
/// Only web and mail links: anything else (file:, javascript:, custom schemes) is refused.
#[tauri::command]
pub async fn open_link<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    url: String,
) -> Answer<()> {
    state.log_call(&format!("open_link {url}"));
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:"))
    {
        return Err(CommandError::new(
            "usage",
            format!("Siphon opens only web and mail links, not {url}"),
        ));
    }
    use tauri_plugin_opener::OpenerExt;
    app.opener()
        .open_url(url.trim(), None::<&str>)
        .map_err(|e| CommandError::new("internal", e.to_string()))
}

/// The UI is ready: tickets asked for before it was (a `siphon://` link at launch).
#[tauri::command]
pub async fn take_pending_opens(state: State<'_, AppState>) -> Answer<Vec<String>> {
    state.log_call("take_pending_opens");
    Ok(state
        .pending_open
        .lock()
        .map(|mut v| std::mem::take(&mut *v))
        .unwrap_or_default())
}

pub(crate) fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}
