//! Siphon's desktop app: a Tauri window around the siphon engine.
//!
//! For now the window shows the app's name and version; the inbox itself comes later.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use serde::Serialize;

/// The name the UI shows; the same as `productName` in tauri.conf.json.
const PRODUCT_NAME: &str = "Siphon";

/// The version the UI shows: the engine's, which the app ships with.
const VERSION: &str = siphon::VERSION;

/// What `app_info` returns to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct AppInfo {
    name: String,
    version: String,
}

/// The category of a failed command, for the UI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum ErrorKind {
    /// Something inside the app went wrong; nothing the user can fix.
    Internal,
}

/// What every failed command rejects with in the UI: `{ "kind": ..., "message": ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct CommandError {
    kind: ErrorKind,
    message: String,
}

impl From<tauri::Error> for CommandError {
    fn from(error: tauri::Error) -> Self {
        Self {
            kind: ErrorKind::Internal,
            message: error.to_string(),
        }
    }
}

/// The app's name and version, for the window's heading.
#[tauri::command]
fn app_info() -> Result<AppInfo, CommandError> {
    Ok(AppInfo {
        name: PRODUCT_NAME.to_owned(),
        version: VERSION.to_owned(),
    })
}

/// The command line: `siphon-app [--demo]`.
#[derive(Debug, Default, PartialEq, Eq)]
struct Args {
    /// Open on a built-in demo inbox instead of real accounts (not implemented yet).
    demo: bool,
    /// Arguments the app doesn't know; reported and otherwise ignored.
    unknown: Vec<String>,
}

impl Args {
    fn parse(args: impl IntoIterator<Item = String>) -> Self {
        let mut parsed = Self::default();
        for arg in args {
            match arg.as_str() {
                "--demo" => parsed.demo = true,
                _ => parsed.unknown.push(arg),
            }
        }
        parsed
    }
}

fn main() -> std::process::ExitCode {
    let args = Args::parse(std::env::args().skip(1));
    for arg in &args.unknown {
        eprintln!("siphon-app: ignoring unknown argument {arg:?}");
    }
    if args.demo {
        eprintln!("siphon-app: --demo is not implemented yet; starting normally");
    }

    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![app_info])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("siphon-app: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn app_info_serializes_as_name_and_version() {
        let info = app_info().unwrap();
        assert_eq!(
            serde_json::to_value(info).unwrap(),
            json!({ "name": "Siphon", "version": siphon::VERSION })
        );
    }

    #[test]
    fn command_errors_serialize_as_kind_and_message() {
        let error = CommandError {
            kind: ErrorKind::Internal,
            message: "the window is gone".to_owned(),
        };
        assert_eq!(
            serde_json::to_value(error).unwrap(),
            json!({ "kind": "internal", "message": "the window is gone" })
        );
    }

    #[test]
    fn args_accept_demo_and_collect_the_rest() {
        let args = Args::parse(["--demo".to_owned(), "--frobnicate".to_owned()]);
        assert_eq!(
            args,
            Args {
                demo: true,
                unknown: vec!["--frobnicate".to_owned()],
            }
        );
        assert_eq!(Args::parse(Vec::new()), Args::default());
    }
}
