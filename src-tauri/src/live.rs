//! Keeping the open workspace current while the app runs: the engine's watchers (a full pass,
//! then IDLE push), a refresh that turns new mail into tickets and search results, and the
//! events and notifications that tell the UI and the person.

use std::sync::Arc;
use std::time::Duration;

use siphon::engine::{Engine, Paths};
use siphon::sync::Event;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::mpsc;

use crate::api::{AccountSync, Changed, CommandError, OutboxChanged, SyncState, events};
use crate::state::{AppState, Workspace};

/// How often other folders than INBOX are polled (INBOX is pushed by IDLE).
const POLL: Duration = Duration::from_secs(60);
/// How often the refresh looks for stored mail that is not yet a ticket.
const REFRESH_EVERY: Duration = Duration::from_millis(1_000);
/// How often the outbox loop looks for messages whose undo window (or backoff) is over.
const OUTBOX_EVERY: Duration = Duration::from_millis(500);
/// How long after the workspace opens the search index is opened: after the first list has
/// painted (well under a second at 100,000 messages).
const WARM_AFTER: Duration = Duration::from_millis(1500);
/// How often the weekly export's schedule is checked (and once at start).
const SCHEDULE_EVERY: Duration = Duration::from_secs(60);

fn now() -> String {
    siphon::engine::rfc3339(chrono_now())
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Opens the workspace the app starts on: the demo when asked (or when `--demo`), else the
/// configured one; and starts keeping it current.
pub fn open_start<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    demo: bool,
) -> Result<(), CommandError> {
    if demo {
        tauri::async_runtime::block_on(open_demo(app, state))?;
        return Ok(());
    }
    let paths = Paths::resolve(state.data_dir.clone())?;
    let ws = Workspace::open(paths, false);
    remember_prefs(state, &ws.engine.blocking_lock());
    state.replace(ws.clone());
    start_sync(app, &ws);
    start_refresh(app, &ws);
    start_outbox(app, &ws);
    start_schedule(app, &ws);
    warm_search(&ws);
    Ok(())
}

/// Keeps what the window's close handler needs from the workspace's preferences.
fn remember_prefs(state: &AppState, engine: &Engine) {
    if let Ok(prefs) = engine.prefs() {
        state
            .close_to_tray
            .store(prefs.close_to_tray, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Opens the demo workspace, importing it into its own data dir the first time.
pub async fn open_demo<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
) -> Result<Arc<Workspace>, CommandError> {
    let paths = Paths::resolve(Some(state.demo_dir.clone()))?;
    let ws = Workspace::open(paths, true);
    let importing = ws.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let mut engine = importing.engine.blocking_lock();
        engine.import_demo().map(|_| ())
    })
    .await
    .map_err(|e| CommandError::new("internal", e.to_string()))??;
    {
        let engine = ws.engine.lock().await;
        if let Ok(config) = engine.config() {
            for a in &config.accounts {
                ws.set_sync(&a.name, &a.email, SyncState::Idle { last_sync: None });
            }
        }
        remember_prefs(state, &engine);
    }
    state.replace(ws.clone());
    start_refresh(app, &ws);
    start_outbox(app, &ws);
    start_schedule(app, &ws);
    warm_search(&ws);
    Ok(ws)
}

/// Once the first screen has had time to show, opens the search index in the background, so
/// that the first search typed answers as fast as the next ones (see `Engine::warm_search`).
fn warm_search(ws: &Arc<Workspace>) {
    let ws = ws.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(WARM_AFTER).await;
        let warming = ws.clone();
        let warmed = tauri::async_runtime::spawn_blocking(move || {
            let mut engine = warming.engine.blocking_lock();
            engine.warm_search()
        })
        .await;
        match warmed {
            Ok(Ok(())) => crate::trim::after_work(&ws),
            Ok(Err(e)) => eprintln!("siphon-app: opening the search index: {e}"),
            Err(e) => eprintln!("siphon-app: opening the search index: {e}"),
        }
    });
}

/// Starts the engine's watchers for every configured account (none for the demo), and turns
/// their progress into `siphon://sync` events.
pub fn start_sync<R: Runtime>(app: &AppHandle<R>, ws: &Arc<Workspace>) {
    if ws.demo {
        return;
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let app2 = app.clone();
    let ws2 = ws.clone();
    tauri::async_runtime::spawn(forward_progress(app2, ws2, rx));
    let ws = ws.clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let stop = ws.stop.subscribe();
        let accounts = {
            let engine = ws.engine.lock().await;
            engine.config().map(|c| c.accounts).unwrap_or_default()
        };
        for a in &accounts {
            let state = ws.set_sync(
                &a.name,
                &a.email,
                SyncState::Syncing {
                    folder: "INBOX".into(),
                    done: 0,
                    total: 0,
                },
            );
            let _ = app.emit(events::SYNC, state);
        }
        if accounts.is_empty() {
            return;
        }
        // The watchers need the engine only to start; they then hold the store themselves.
        let started = {
            let mut engine = ws.engine.lock().await;
            engine
                .start_watchers(POLL, siphon::sync::Progress::new(tx), stop, |_| {})
                .await
        };
        if let Err(e) = started {
            for a in &accounts {
                let state = ws.set_sync(
                    &a.name,
                    &a.email,
                    SyncState::Failed {
                        kind: e.kind().to_string(),
                        error: e.to_string(),
                    },
                );
                let _ = app.emit(events::SYNC, state);
            }
        }
    });
}

/// Sync progress to per-account state and events.
async fn forward_progress<R: Runtime>(
    app: AppHandle<R>,
    ws: Arc<Workspace>,
    mut rx: mpsc::UnboundedReceiver<Event>,
) {
    let email_of = |ws: &Workspace, account: &str| -> String {
        ws.sync
            .lock()
            .ok()
            .and_then(|m| m.get(account).map(|a| a.email.clone()))
            .unwrap_or_default()
    };
    while let Some(event) = rx.recv().await {
        let (account, state) = match event {
            Event::FolderStarted {
                account,
                folder,
                to_fetch,
            } => (
                account,
                SyncState::Syncing {
                    folder,
                    done: 0,
                    total: to_fetch,
                },
            ),
            Event::Fetched {
                account,
                folder,
                count,
            } => {
                let done = match ws.sync.lock().ok().and_then(|m| m.get(&account).cloned()) {
                    Some(AccountSync {
                        sync: SyncState::Syncing { done, total, .. },
                        ..
                    }) => (done + count, total),
                    _ => (count, count),
                };
                (
                    account,
                    SyncState::Syncing {
                        folder,
                        done: done.0,
                        total: done.1.max(done.0),
                    },
                )
            }
            Event::FolderDone(report) => (report.account, SyncState::Current { last_sync: now() }),
            Event::FolderFailed { account, error, .. } => (
                account,
                SyncState::Failed {
                    kind: "sync".into(),
                    error,
                },
            ),
            Event::AccountFailed {
                account,
                kind,
                error,
            } => {
                let state = if kind == "network" {
                    SyncState::Offline {
                        error,
                        since: now(),
                    }
                } else {
                    SyncState::Failed {
                        kind: kind.to_string(),
                        error,
                    }
                };
                (account, state)
            }
        };
        let email = email_of(&ws, &account);
        let state = ws.set_sync(&account, &email, state);
        let _ = app.emit(events::SYNC, state);
    }
}

/// Every second: if mail was stored that is not yet a ticket (or not searchable), bring both up
/// to date, tell the UI, and notify the person of new tickets and new mail on theirs.
///
/// Like a command, a background pass that did work (here, the outbox's and the schedule's)
/// has the idle engine give its memory back afterwards (`trim::after_work`). A pass that found
/// nothing to do does not: it would push the trim back every second, and it never comes.
pub fn start_refresh<R: Runtime>(app: &AppHandle<R>, ws: &Arc<Workspace>) {
    let ws = ws.clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut stop = ws.stop.subscribe();
        let mut tick = tokio::time::interval(REFRESH_EVERY);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.changed() => return,
            }
            let ws2 = ws.clone();
            let arrivals = tauri::async_runtime::spawn_blocking(move || {
                let mut engine = ws2.engine.blocking_lock();
                refresh(&mut engine)
            })
            .await;
            match arrivals {
                Ok(Ok(Some(arrivals))) => {
                    notify(&app, &ws, &arrivals).await;
                    let _ = app.emit(events::CHANGED, Changed { arrivals });
                    crate::trim::after_work(&ws);
                }
                Ok(Ok(None)) => {}
                Ok(Err(e)) => eprintln!("siphon-app: refresh: {e}"),
                Err(e) => eprintln!("siphon-app: refresh: {e}"),
            }
        }
    });
}

/// Twice a second: sends what is due from the outbox (see [`flush_outbox`]).
pub fn start_outbox<R: Runtime>(app: &AppHandle<R>, ws: &Arc<Workspace>) {
    let ws = ws.clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut stop = ws.stop.subscribe();
        let mut tick = tokio::time::interval(OUTBOX_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.changed() => return,
            }
            flush_outbox(&app, &ws, false).await;
        }
    });
}

/// Sends what is due (past its undo window; past its backoff too unless `retry_now`) and files
/// the Sent copies, then tells the UI which records changed. The engine is locked only to look
/// and to take the store: SMTP can take seconds, and the UI must not wait for it (the flush
/// serialises itself).
pub async fn flush_outbox<R: Runtime>(app: &AppHandle<R>, ws: &Arc<Workspace>, retry_now: bool) {
    let ws2 = ws.clone();
    let ready = tauri::async_runtime::spawn_blocking(move || {
        let mut engine = ws2.engine.blocking_lock();
        if !(retry_now || engine.outbox_has_work()?) {
            return Ok(None);
        }
        let data_dir = engine.data_dir().to_path_buf();
        Ok::<_, siphon::engine::Error>(Some((engine.store()?, engine.config()?, data_dir)))
    })
    .await;
    let (store, config, data_dir) = match ready {
        Ok(Ok(Some(ready))) => ready,
        Ok(Ok(None)) => return,
        Ok(Err(e)) => return eprintln!("siphon-app: outbox: {e}"),
        Err(e) => return eprintln!("siphon-app: outbox: {e}"),
    };
    let now = chrono_now();
    match siphon::send::run::flush(store, &config, &data_dir, now, retry_now).await {
        Ok(items) if items.is_empty() => {}
        Ok(items) => {
            let _ = app.emit(events::OUTBOX, OutboxChanged { items });
            crate::trim::after_work(ws);
        }
        Err(e) => eprintln!("siphon-app: outbox: {e}"),
    }
}

/// At start and every minute: writes the weekly export when it is due and says so in a
/// notification (late, when the machine was off at its time). The export holds the engine for
/// a second or two on a large store, on a blocking thread like the refresh. A failure (a folder
/// that cannot be written) is retried at the next check and notified once, not every minute.
pub fn start_schedule<R: Runtime>(app: &AppHandle<R>, ws: &Arc<Workspace>) {
    let ws = ws.clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut stop = ws.stop.subscribe();
        let mut tick = tokio::time::interval(SCHEDULE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failed: Option<String> = None;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.changed() => return,
            }
            let ws2 = ws.clone();
            let ran = tauri::async_runtime::spawn_blocking(move || {
                let mut engine = ws2.engine.blocking_lock();
                engine.run_scheduled_export(chrono_now())
            })
            .await;
            match ran {
                Ok(Ok(Some(done))) => {
                    crate::trim::after_work(&ws);
                    failed = None;
                    let body = if done.late {
                        format!(
                            "Written late: the machine was off on {}. {} tickets, {} to {}.",
                            done.scheduled_local,
                            done.summary.tickets,
                            done.summary.from,
                            done.summary.to
                        )
                    } else {
                        format!(
                            "{} tickets, {} to {}, in {}.",
                            done.summary.tickets,
                            done.summary.from,
                            done.summary.to,
                            done.summary.path
                        )
                    };
                    show(&app, format!("Weekly export written: {}", done.file), body);
                }
                Ok(Ok(None)) => {}
                Ok(Err(e)) => {
                    let message = e.to_string();
                    eprintln!("siphon-app: weekly export: {message}");
                    if failed.as_deref() != Some(message.as_str()) {
                        show(
                            &app,
                            "Weekly export failed".to_string(),
                            format!("{message}. Siphon tries again every minute."),
                        );
                    }
                    failed = Some(message);
                }
                Err(e) => eprintln!("siphon-app: weekly export: {e}"),
            }
        }
    });
}

/// One desktop notification (none where the notification plugin is not installed: the tests).
fn show<R: Runtime>(app: &AppHandle<R>, title: String, body: String) {
    use tauri::Manager;
    use tauri_plugin_notification::NotificationExt;
    if app
        .try_state::<tauri_plugin_notification::Notification<R>>()
        .is_none()
    {
        return;
    }
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        eprintln!("siphon-app: notification: {e}");
    }
}

/// Refreshes when there is something new; `None` when there was nothing to do.
fn refresh(engine: &mut Engine) -> siphon::engine::Result<Option<Vec<siphon::engine::Arrival>>> {
    let store = engine.store()?;
    if !(store.has_unthreaded()? || store.has_unsearchable()?) {
        return Ok(None);
    }
    engine.refresh_reporting().map(Some)
}

/// Desktop notifications, when the person wants them (at most three, then a count).
async fn notify<R: Runtime>(
    app: &AppHandle<R>,
    ws: &Workspace,
    arrivals: &[siphon::engine::Arrival],
) {
    if arrivals.is_empty() {
        return;
    }
    let wanted = {
        let engine = ws.engine.lock().await;
        engine.prefs().map(|p| p.notifications).unwrap_or(true)
    };
    if !wanted {
        return;
    }
    use tauri_plugin_notification::NotificationExt;
    for a in arrivals.iter().take(3) {
        let title = if a.mine && !a.new_ticket {
            format!("New reply on your ticket {}", a.id)
        } else if a.mine {
            format!("New ticket for you: {}", a.id)
        } else {
            format!("New ticket {}", a.id)
        };
        let who = a.customer.clone().unwrap_or_default();
        let body = if who.is_empty() {
            a.subject.clone()
        } else {
            format!("{who}: {}", a.subject)
        };
        if let Err(e) = app.notification().builder().title(title).body(body).show() {
            eprintln!("siphon-app: notification: {e}");
        }
    }
    if arrivals.len() > 3 {
        let _ = app
            .notification()
            .builder()
            .title(format!("{} more new tickets", arrivals.len() - 3))
            .show();
    }
}
