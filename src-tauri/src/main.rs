//! Siphon's desktop app: a Tauri window around the siphon engine.
//!
//! The shell opens a workspace (the configured one, or the demo), keeps it current in the
//! background, and answers the UI's typed commands by calling the engine (see `commands`). It
//! also owns the desktop manners: the tray, closing to the tray, notifications and
//! `siphon://ticket/ID` links.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod answer;
mod api;
mod commands;
mod live;
mod painting;
mod reports;
mod schedule;
mod state;
mod trim;
mod webkit;

#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Runtime, WindowEvent};

use crate::api::events;
use crate::state::AppState;

/// The command line: `siphon-app [--demo] [--data-dir DIR] [siphon://ticket/ID]`.
#[derive(Debug, Default, PartialEq, Eq)]
struct Args {
    /// Open the demo workspace instead of the configured one.
    demo: bool,
    /// A workspace of its own, as the CLI's `--data-dir` (also `SIPHON_DATA_DIR`).
    data_dir: Option<PathBuf>,
    /// Tickets to open, from `siphon://ticket/ID` links.
    open: Vec<String>,
    /// Arguments the app doesn't know; reported and otherwise ignored.
    unknown: Vec<String>,
}

impl Args {
    fn parse(args: impl IntoIterator<Item = String>) -> Self {
        let mut parsed = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if let Some(id) = ticket_link(&arg) {
                parsed.open.push(id);
                continue;
            }
            match arg.as_str() {
                "--demo" => parsed.demo = true,
                "--data-dir" => parsed.data_dir = args.next().map(PathBuf::from),
                _ => match arg.strip_prefix("--data-dir=") {
                    Some(dir) => parsed.data_dir = Some(PathBuf::from(dir)),
                    None => parsed.unknown.push(arg),
                },
            }
        }
        parsed
    }
}

/// The ticket id of a `siphon://ticket/ID` link (`siphon:ticket/ID` too), if `arg` is one.
fn ticket_link(arg: &str) -> Option<String> {
    let rest = arg.trim();
    let lower = rest.to_ascii_lowercase();
    let rest = if lower.starts_with("siphon://") {
        &rest["siphon://".len()..]
    } else if lower.starts_with("siphon:") {
        &rest["siphon:".len()..]
    } else {
        return None;
    };
    let id = rest.strip_prefix("ticket/")?;
    let id = id.trim_end_matches('/');
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then(|| id.to_ascii_lowercase())
}

/// Shows the main window in front (from the tray, a link, a second launch).
fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// Opens tickets named by links: now if the UI is up, else when it asks (`take_pending_opens`).
fn open_links<R: Runtime>(app: &AppHandle<R>, ids: Vec<String>) {
    if ids.is_empty() {
        return;
    }
    if let Some(state) = app.try_state::<AppState>()
        && let Ok(mut pending) = state.pending_open.lock()
    {
        pending.extend(ids.iter().cloned());
    }
    for id in ids {
        let _ = app.emit(events::OPEN_TICKET, id);
    }
    show_main(app);
}

fn tray<R: Runtime>(app: &tauri::App<R>) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Open Siphon", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit Siphon", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &quit])?;
    let mut builder = TrayIconBuilder::with_id("siphon")
        .tooltip("Siphon")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => show_main(app),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

/// The app's state, commands and window handler, without plugins: the command tests run this
/// on the mock runtime.
fn commands_only<R: Runtime>(base: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    base.manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::open_demo,
            commands::me_set,
            commands::account_test,
            commands::account_add,
            commands::sidebar,
            commands::list_open,
            commands::list_rows,
            commands::ticket_open,
            commands::message_body,
            commands::images_always,
            commands::tickets_edit,
            commands::prefs_set,
            commands::attachment_save,
            commands::attachment_open,
            commands::choose_save_path,
            commands::default_save_path,
            commands::open_link,
            commands::take_pending_opens,
            answer::reply,
            answer::forward,
            answer::compose_new,
            answer::note,
            answer::outbox_list,
            answer::outbox_cancel,
            answer::outbox_retry,
            answer::templates_list,
            answer::template_fill,
            answer::template_save,
            answer::template_remove,
            reports::report,
            reports::report_export,
            schedule::export_schedule_get,
            schedule::export_schedule_set,
        ])
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                let keep = window
                    .app_handle()
                    .try_state::<AppState>()
                    .is_some_and(|s| s.close_to_tray.load(Ordering::Relaxed));
                if keep {
                    // Syncing goes on; the tray brings the window back or quits.
                    api.prevent_close();
                    let _ = window.hide();
                }
            }
        })
}

/// The app as it runs: the commands plus the desktop's plugins.
fn builder(state: AppState) -> tauri::Builder<tauri::Wry> {
    commands_only(tauri::Builder::default(), state)
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            // A second launch (or a clicked siphon:// link) comes here instead.
            let ids = Args::parse(argv.into_iter().skip(1)).open;
            open_links(app, ids);
            show_main(app);
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
}

fn main() -> std::process::ExitCode {
    painting::choose();
    trim::tune_allocator();
    let args = Args::parse(std::env::args().skip(1));
    for arg in &args.unknown {
        eprintln!("siphon-app: ignoring unknown argument {arg:?}");
    }
    let data_dir = args
        .data_dir
        .clone()
        .or_else(|| std::env::var_os("SIPHON_DATA_DIR").map(PathBuf::from));
    let demo_dir = match siphon::engine::Paths::resolve(data_dir.clone()) {
        Ok(p) => p.data_dir.join("demo"),
        Err(e) => {
            eprintln!("siphon-app: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let state = AppState::new(data_dir, demo_dir);
    if let Ok(mut pending) = state.pending_open.lock() {
        pending.extend(args.open.iter().cloned());
    }
    let demo = args.demo;
    let result = builder(state)
        .setup(move |app| {
            let handle = app.handle().clone();
            webkit::tune(app);
            let state = app.state::<AppState>();
            if let Err(e) = live::open_start(&handle, &state, demo) {
                eprintln!("siphon-app: cannot open the workspace: {}", e.message);
            }
            if let Err(e) = tray(app) {
                // No tray on this desktop: closing the window then quits.
                eprintln!("siphon-app: no tray icon: {e}");
                state.close_to_tray.store(false, Ordering::Relaxed);
            }
            use tauri_plugin_deep_link::DeepLinkExt;
            let links = handle.clone();
            app.deep_link().on_open_url(move |event| {
                let ids = event
                    .urls()
                    .iter()
                    .filter_map(|u| ticket_link(u.as_str()))
                    .collect();
                open_links(&links, ids);
            });
            Ok(())
        })
        .run(tauri::generate_context!());
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("siphon-app: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
