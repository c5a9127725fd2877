//! Runs tauri-build: reads tauri.conf.json and capabilities/, and generates the permissions of
//! the app's own commands (`allow-app-info`, ...) so the capability file can grant them.

use std::path::Path;
use std::process::ExitCode;

/// The app's own commands. Each one needs a matching `allow-<name>` in capabilities/.
const COMMANDS: &[&str] = &["app_info"];

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
