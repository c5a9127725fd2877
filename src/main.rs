//! `siphon`: the engine, headless. Accounts, sync, watch, status, messages.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("siphon: {e:#}");
            ExitCode::from(1)
        }
    }
}
