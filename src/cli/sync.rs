//! `siphon sync` and `siphon watch`.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use siphon::engine::Engine;
use siphon::sync::{Event, Progress};
use tokio::sync::{mpsc, watch as tokio_watch};

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// A progress bar on a terminal; nothing in a pipe.
fn progress_bar() -> (Progress, Option<tokio::task::JoinHandle<()>>) {
    if !std::io::stderr().is_terminal() {
        return (Progress::default(), None);
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg:30} [{bar:30}] {human_pos}/{human_len}  eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let task = tokio::spawn(async move {
        let mut totals: HashMap<String, u64> = HashMap::new();
        while let Some(e) = rx.recv().await {
            match e {
                Event::FolderStarted {
                    account,
                    folder,
                    to_fetch,
                } => {
                    totals.insert(format!("{account}/{folder}"), to_fetch as u64);
                    bar.set_length(totals.values().sum());
                    bar.set_message(format!("{account}/{folder}"));
                }
                Event::Fetched { count, .. } => bar.inc(count as u64),
                Event::FolderDone(_) | Event::FolderFailed { .. } | Event::AccountFailed { .. } => {
                }
            }
        }
        bar.finish_and_clear();
    });
    (Progress::new(tx), Some(task))
}

pub fn sync(engine: &mut Engine, account: Option<&str>) -> Result<ExitCode> {
    let rt = runtime()?;
    let summary = rt.block_on(async {
        let (progress, bar) = progress_bar();
        let summary = engine.sync(account, progress).await;
        if let Some(bar) = bar {
            let _ = bar.await;
        }
        summary
    })?;
    // The runtime's threads are gone before the tickets are built, so the memory they held is
    // reused rather than added to.
    drop(rt);
    let tickets = engine.refresh_tickets().and_then(|()| {
        engine.release_tickets();
        engine.refresh_search(&|_, _| {}).map(drop)
    });
    for f in &summary.folders {
        let mut parts = vec![format!("{} new", f.new_messages)];
        if f.new_locations > f.new_messages {
            parts.push(format!(
                "{} already stored",
                f.new_locations - f.new_messages
            ));
        }
        if f.flag_changes > 0 {
            parts.push(format!("{} flag changes", f.flag_changes));
        }
        if f.expunged > 0 {
            parts.push(format!("{} removed", f.expunged));
        }
        if f.remapped {
            parts.push("re-mapped after a UIDVALIDITY change".to_string());
        }
        println!(
            "{}/{}: {} ({} messages)",
            f.account,
            f.folder,
            parts.join(", "),
            f.messages
        );
    }
    for e in &summary.errors {
        eprintln!("siphon: {e}");
    }
    tickets?;
    Ok(if summary.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn watch(engine: &mut Engine, poll: u64) -> Result<ExitCode> {
    let rt = runtime()?;
    rt.block_on(async {
        let (stop_tx, stop_rx) = tokio_watch::channel(false);
        let (tx, mut rx) = mpsc::unbounded_channel();
        let printer = tokio::spawn(async move {
            while let Some(e) = rx.recv().await {
                if let Event::FolderDone(f) = e
                    && (f.new_messages + f.flag_changes + f.expunged > 0 || f.remapped)
                {
                    println!(
                        "{}/{}: {} new, {} flag changes, {} removed ({} messages)",
                        f.account, f.folder, f.new_messages, f.flag_changes, f.expunged, f.messages
                    );
                }
            }
        });
        eprintln!("siphon: watching; press Ctrl-C to stop");
        let watch = engine.watch(
            Duration::from_secs(poll.max(5)),
            Progress::new(tx),
            stop_rx,
            |e| eprintln!("siphon: {e} (retrying)"),
        );
        tokio::pin!(watch);
        tokio::select! {
            r = &mut watch => r?,
            _ = tokio::signal::ctrl_c() => {
                let _ = stop_tx.send(true);
                // Every step is crash-safe, so a watch that does not wind down in time is simply left.
                let _ = tokio::time::timeout(Duration::from_millis(700), &mut watch).await;
            }
        }
        printer.abort();
        Ok::<_, anyhow::Error>(())
    })?;
    // Do not wait for blocking tasks (a keyring call, a commit in flight) beyond the promise.
    rt.shutdown_timeout(Duration::from_millis(200));
    eprintln!("siphon: stopped");
    Ok(ExitCode::SUCCESS)
}
