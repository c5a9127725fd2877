//! Runs tauri-build: reads tauri.conf.json and capabilities/, and generates the permissions of
//! the app's own commands (`allow-app-info`, ...) so the capability file can grant them.

use std::path::Path;
use std::process::ExitCode;

/// The app's own commands. Each one needs a matching `allow-<name>` in capabilities/.
const COMMANDS: &[&str] = &[
    "app_info",
    "open_demo",
    "me_set",
    "account_test",
    "account_add",
    "sidebar",
    "list_open",
    "list_rows",
    "ticket_open",
    "message_body",
    "images_always",
    "tickets_edit",
    "prefs_set",
    "attachment_save",
    "attachment_open",
    "choose_save_path",
    "default_save_path",
    "open_link",
    "take_pending_opens",
    "reply",
    "forward",
    "compose_new",
    "note",
    "outbox_list",
    "outbox_cancel",
    "outbox_retry",
    "templates_list",
    "template_fill",
    "template_save",
    "template_remove",
    "report",
    "report_export",
    "export_schedule_get",
    "export_schedule_set",
];

fn main() -> ExitCode {
    // `tauri::generate_context!` embeds ../ui/dist; say how to make it instead of letting the
    // macro fail later with a bare "path doesn't exist".
    let index = Path::new("../ui/dist/index.html");
    println!("cargo:rerun-if-changed={}", index.display());
    if !index.is_file() {
        println!(
            "cargo::error=ui/dist is missing: build the UI first with \
             `(cd ui && npm ci && npm run build)`, or use `bash scripts/run`"
        );
        return ExitCode::FAILURE;
    }

    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        println!("cargo::error=tauri-build failed: {error:#}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
