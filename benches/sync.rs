//! Sync benchmark: the `siphon` CLI against a warm local dovecot, with mbsync as the yardstick.
//!
//! Loads a generated support mailbox (`SIPHON_BENCH_MESSAGES`, default 100,000; fixed seed)
//! into the `support` user's INBOX and Sent, warms the server (index and page cache), then
//! times whole commands: `siphon account add`, a full `siphon sync`, repeated no-op syncs,
//! the size of siphon's data directory, a check of `siphon status --json` against the corpus,
//! and a full `mbsync` pull of the same folders from the same server in the same run.
//!
//! Prints a table and writes `bench-out/sync.json`. Timings never fail the run; it exits
//! non-zero only when something broke (setup, a command that failed or hung).
//!
//! `cargo bench --bench sync -- [--messages N] [--noop-runs K] [--skip-siphon]
//! [--skip-mbsync] [--keep]`

#[allow(
    dead_code,
    reason = "the sync bench adds the account and syncs with its own timings"
)]
mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::{Value, json};
use siphon_testkit::dovecot::Dovecot;

use common::{
    ACCOUNT, BaseArgs, Bench, Runs, SEED, Siphon, Timed, USER, du_bytes, fmt_bytes, fmt_count,
    fmt_rss, row, version_of,
};

struct Args {
    base: BaseArgs,
    noop_runs: usize,
    skip_siphon: bool,
    skip_mbsync: bool,
}

fn parse_args() -> Result<Args> {
    let mut noop_runs = 5;
    let mut skip_siphon = false;
    let mut skip_mbsync = false;
    let base = common::parse_args(
        "sync",
        "cargo bench --bench sync -- [--messages N] [--noop-runs K] [--skip-siphon] [--skip-mbsync] [--keep]",
        |flag, it| {
            match flag {
                "--noop-runs" => noop_runs = common::number(flag, it)?,
                "--skip-siphon" => skip_siphon = true,
                "--skip-mbsync" => skip_mbsync = true,
                _ => return Ok(false),
            }
            Ok(true)
        },
    )?;
    Ok(Args {
        base,
        noop_runs,
        skip_siphon,
        skip_mbsync,
    })
}

fn main() -> ExitCode {
    common::main("sync", parse_args(), run)
}

/// The per-folder message counts `siphon status --json` reports for the bench account.
fn status_counts(stdout: &str) -> Result<Vec<(String, u64)>> {
    let v: Value = serde_json::from_str(stdout).context("status --json is not JSON")?;
    let accounts = v
        .get("accounts")
        .and_then(Value::as_array)
        .context("no \"accounts\" array")?;
    let account = accounts
        .iter()
        .find(|a| a.get("name").and_then(Value::as_str) == Some(ACCOUNT))
        .or_else(|| accounts.first())
        .context("no account in status")?;
    let folders = account
        .get("folders")
        .and_then(Value::as_array)
        .context("no \"folders\" array")?;
    Ok(folders
        .iter()
        .filter_map(|f| {
            Some((
                f.get("name")?.as_str()?.to_string(),
                f.get("messages")?.as_u64()?,
            ))
        })
        .collect())
}

/// Counts the message files of a Maildir folder.
fn maildir_count(dir: &Path) -> usize {
    ["cur", "new"]
        .iter()
        .filter_map(|sub| fs::read_dir(dir.join(sub)).ok())
        .map(|entries| entries.filter_map(|e| e.ok()).count())
        .sum()
}

fn mbsync_config(dc: &Dovecot, maildir: &Path, host: &str, fsync: bool) -> String {
    let mut cfg = String::new();
    if !fsync {
        cfg.push_str("FSync no\n\n");
    }
    let pass = dc.password(USER).replace('\\', "\\\\").replace('"', "\\\"");
    let _ = write!(
        cfg,
        "IMAPAccount bench\n\
         Host {host}\n\
         Port {port}\n\
         User {USER}\n\
         Pass \"{pass}\"\n\
         SSLType IMAPS\n\
         CertificateFile {ca}\n\
         \n\
         IMAPStore bench-far\n\
         Account bench\n\
         \n\
         MaildirStore bench-near\n\
         Path {path}/\n\
         Inbox {path}/INBOX\n\
         SubFolders Verbatim\n\
         \n\
         Channel bench\n\
         Far :bench-far:\n\
         Near :bench-near:\n\
         Patterns INBOX Sent\n\
         Create Near\n\
         Sync Pull\n\
         SyncState *\n",
        port = dc.imaps_port(),
        ca = dc.ca_cert().display(),
        path = maildir.display(),
    );
    cfg
}

fn run(args: &Args) -> Result<bool> {
    let mut ok = true;
    let bench = Bench::new("sync", args.base.timeout)?;
    let (dc, corpus) = common::serve_corpus(&bench, args.base.messages)?;

    let mut machine = common::machine();
    machine["mbsync"] = json!(version_of("mbsync", &["--version"]));
    let mut report = json!({
        "messages": args.base.messages,
        "seed": SEED,
        "machine": machine,
        "corpus": corpus.json(),
    });

    let mut table = String::new();
    let _ = writeln!(
        table,
        "\nsiphon sync benchmark: {} messages (seed {SEED}), warm dovecot on loopback (IMAPS)",
        fmt_count(args.base.messages)
    );
    let _ = writeln!(table, "{}", corpus.summary());
    row(&mut table, "step", "wall", "peak RSS", "");
    let mut siphon_full: Option<Duration> = None;

    if !args.skip_siphon {
        let siphon = Siphon::new(bench.work.path().join("siphon-data"));
        let (add, full) =
            siphon.add_and_sync(&bench, &dc, args.base.messages, &mut table, &mut report)?;
        ok &= add.success;

        if let Some(full) = full {
            ok &= full.success;
            if full.success {
                siphon_full = Some(full.wall);
            }

            let mut noop: Vec<Timed> = Vec::new();
            for i in 0..args.noop_runs {
                let t = bench.timed(
                    &format!("siphon sync (no-op {})", i + 1),
                    &siphon.bin,
                    &siphon.args(&["sync"]),
                )?;
                ok &= t.success;
                noop.push(t);
            }
            if let Some(runs) = Runs::of(&noop) {
                row(
                    &mut table,
                    &format!("siphon sync (no-op, {} runs)", noop.len()),
                    &format!("{:.3} s", runs.median().as_secs_f64()),
                    &fmt_rss(runs.peak_rss_kb),
                    &format!(
                        "median; min {:.3} s{}",
                        runs.min().as_secs_f64(),
                        if runs.ok { "" } else { "; FAILED" }
                    ),
                );
                report["siphon"]["noop_sync"] = runs.json();
            }

            match du_bytes(&siphon.data) {
                Ok(bytes) => {
                    let ratio = bytes as f64 / corpus.raw_bytes.max(1) as f64;
                    row(
                        &mut table,
                        "siphon data dir (du -sk)",
                        &fmt_bytes(bytes),
                        "",
                        &format!("{ratio:.2} x raw corpus"),
                    );
                    report["siphon"]["data_dir_bytes"] = json!(bytes);
                    report["siphon"]["data_dir_ratio"] = json!((ratio * 1e4).round() / 1e4);
                }
                Err(e) => {
                    ok = false;
                    row(
                        &mut table,
                        "siphon data dir (du -sk)",
                        "-",
                        "",
                        &format!("{e:#}"),
                    );
                }
            }

            let status = bench.timed(
                "siphon status --json",
                &siphon.bin,
                &siphon.args(&["status", "--json"]),
            )?;
            ok &= status.success;
            let expected = [("INBOX", corpus.inbox as u64), ("Sent", corpus.sent as u64)];
            let verdict = match status_counts(&status.stdout()) {
                Ok(found) if status.success => {
                    let mut parts = Vec::new();
                    let mut all = true;
                    for (name, want) in expected {
                        let got = found
                            .iter()
                            .find(|(n, _)| n.eq_ignore_ascii_case(name))
                            .map(|(_, c)| *c);
                        all &= got == Some(want);
                        parts.push(format!(
                            "{name} {}/{want}",
                            got.map_or("missing".to_string(), |g| g.to_string())
                        ));
                    }
                    report["siphon"]["status"] = json!({
                        "ok": all,
                        "folders": found.iter().map(|(n, c)| json!({"name": n, "messages": c})).collect::<Vec<_>>(),
                    });
                    format!(
                        "{} ({})",
                        if all { "OK" } else { "MISMATCH" },
                        parts.join(", ")
                    )
                }
                Ok(_) => "MISMATCH (status failed)".to_string(),
                Err(e) => {
                    report["siphon"]["status"] = json!({ "ok": false, "error": format!("{e:#}") });
                    format!("MISMATCH ({e:#})")
                }
            };
            row(&mut table, "siphon status counts", "", "", &verdict);
        }
    }

    if !args.skip_mbsync {
        // As configured (mbsync's default FSync yes: every message file is fsynced), then with
        // FSync no, to show how much of mbsync's time is durability.
        for (key, label, fsync) in [
            ("mbsync", "mbsync (full)", true),
            ("mbsync_fsync_off", "mbsync (full, FSync no)", false),
        ] {
            let dir = bench.work.path().join(key);
            let maildir = dir.join("mail");
            fs::create_dir_all(&maildir)?;
            let cfg = dir.join("mbsyncrc");
            // mbsync checks the certificate against DNS names only, and the test CA's server
            // certificate names DNS:localhost (and IP:127.0.0.1).
            fs::write(&cfg, mbsync_config(&dc, &maildir, "localhost", fsync))?;
            let run = bench.timed(
                label,
                Path::new("mbsync"),
                &[
                    "-c".to_string(),
                    cfg.display().to_string(),
                    "-a".to_string(),
                    "-q".to_string(),
                ],
            )?;
            ok &= run.success;
            let inbox = maildir_count(&maildir.join("INBOX"));
            let sent = maildir_count(&maildir.join("Sent"));
            let counts_ok = inbox == corpus.inbox && sent == corpus.sent;
            row(
                &mut table,
                &run.label,
                &format!("{:.2} s", run.wall.as_secs_f64()),
                &fmt_rss(run.peak_rss_kb),
                &if run.success {
                    format!(
                        "{:.0} msg/s; {} (INBOX {inbox}, Sent {sent})",
                        args.base.messages as f64 / run.wall.as_secs_f64().max(1e-9),
                        if counts_ok { "OK" } else { "MISMATCH" }
                    )
                } else {
                    "FAILED".to_string()
                },
            );
            let mut mb = run.json();
            mb["fsync"] = json!(fsync);
            mb["inbox"] = json!(inbox);
            mb["sent"] = json!(sent);
            mb["counts_ok"] = json!(counts_ok);
            if let Ok(bytes) = du_bytes(&maildir) {
                mb["maildir_du_bytes"] = json!(bytes);
            }
            report[key] = mb;
            if let (Some(s), true) = (siphon_full, run.success) {
                let ratio = s.as_secs_f64() / run.wall.as_secs_f64().max(1e-9);
                row(
                    &mut table,
                    &format!("siphon / {label}"),
                    &format!("{ratio:.2} x"),
                    "",
                    "",
                );
                report[format!("ratio_full_sync_siphon_over_{key}")] =
                    json!((ratio * 1e3).round() / 1e3);
            }
            // Free the disk space (and page cache) before the next client runs.
            if !args.base.keep {
                let _ = fs::remove_dir_all(&dir);
            }
        }
    }

    bench.finish(&table, report, ok, args.base.keep)?;
    drop(dc);
    Ok(ok)
}
