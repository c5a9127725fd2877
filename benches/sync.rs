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

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use siphon_testkit::corpus::{self, Folder};
use siphon_testkit::dovecot::Dovecot;

/// The corpus seed: fixed, so every run loads the same bytes.
const SEED: u64 = 20_260_105;
const USER: &str = "support";
const ACCOUNT: &str = "bench";

struct Args {
    messages: usize,
    noop_runs: usize,
    skip_siphon: bool,
    skip_mbsync: bool,
    keep: bool,
    timeout: Duration,
}

fn parse_args() -> Result<Args> {
    let env_messages = std::env::var("SIPHON_BENCH_MESSAGES").ok();
    let mut args = Args {
        messages: match env_messages.as_deref() {
            Some(v) => v
                .trim()
                .parse()
                .with_context(|| format!("SIPHON_BENCH_MESSAGES={v:?} is not a number"))?,
            None => 100_000,
        },
        noop_runs: 5,
        skip_siphon: false,
        skip_mbsync: false,
        keep: false,
        timeout: Duration::from_secs(
            std::env::var("SIPHON_BENCH_TIMEOUT")
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(3600),
        ),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            // cargo bench passes --bench to harness-less benches.
            "--bench" => {}
            "--messages" => {
                let v = it.next().context("--messages needs a number")?;
                args.messages = v.parse().with_context(|| format!("--messages {v:?}"))?;
            }
            "--noop-runs" => {
                let v = it.next().context("--noop-runs needs a number")?;
                args.noop_runs = v.parse().with_context(|| format!("--noop-runs {v:?}"))?;
            }
            "--skip-siphon" => args.skip_siphon = true,
            "--skip-mbsync" => args.skip_mbsync = true,
            "--keep" => args.keep = true,
            "-h" | "--help" => {
                println!(
                    "cargo bench --bench sync -- [--messages N] [--noop-runs K] [--skip-siphon] [--skip-mbsync] [--keep]\n\
                     env: SIPHON_BENCH_MESSAGES (default 100000), SIPHON_BENCH_TIMEOUT seconds per command (default 3600)"
                );
                std::process::exit(0);
            }
            other => eprintln!("bench sync: ignoring argument {other:?}"),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bench sync: {e:#}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("bench sync: finished, but something failed (see above)");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("bench sync: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// One timed command.
#[derive(Debug, Clone)]
struct Timed {
    label: String,
    wall: Duration,
    /// Peak resident set size in KiB, from `/usr/bin/time -f %M`.
    peak_rss_kb: Option<u64>,
    success: bool,
    /// What went wrong, with the tail of stderr.
    failure: Option<String>,
    stdout: String,
}

impl Timed {
    fn json(&self) -> Value {
        json!({
            "wall_s": secs(self.wall),
            "peak_rss_kb": self.peak_rss_kb,
            "ok": self.success,
            "error": self.failure,
        })
    }
}

fn secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e4).round() / 1e4
}

/// Runs a command to completion, timing its wall clock (our own clock, from spawn to exit)
/// and its peak RSS (through `/usr/bin/time` when installed). stdout is kept; stderr goes to
/// `logs/<label>.stderr`. The command runs in a process group of its own so a hang can be
/// ended with everything it started.
fn timed(
    label: &str,
    program: &Path,
    args: &[String],
    logs: &Path,
    timeout: Duration,
) -> Result<Timed> {
    let slug: String = label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let time_out = logs.join(format!("{slug}.time"));
    let err_path = logs.join(format!("{slug}.stderr"));
    let out_path = logs.join(format!("{slug}.stdout"));
    let _ = fs::remove_file(&time_out);
    let gnu_time = Path::new("/usr/bin/time");
    let mut cmd = if gnu_time.exists() {
        let mut c = Command::new(gnu_time);
        c.arg("-f")
            .arg("%e %M")
            .arg("-o")
            .arg(&time_out)
            .arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path)?)
        .stderr(fs::File::create(&err_path)?);
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);

    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("starting {}", program.display()))?;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if start.elapsed() > timeout {
            // Our child leads its own process group: end the group, then reap the child.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let wall = start.elapsed();
    let stdout = fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = fs::read_to_string(&err_path).unwrap_or_default();
    let peak_rss_kb = fs::read_to_string(&time_out).ok().and_then(|t| {
        t.lines()
            .rev()
            .find_map(|l| l.split_whitespace().nth(1)?.parse().ok())
    });
    let (success, failure) = match status {
        None => (
            false,
            Some(format!(
                "timed out after {}s and was killed",
                timeout.as_secs()
            )),
        ),
        Some(s) if s.success() => (true, None),
        Some(s) => {
            let tail: Vec<&str> = stderr
                .lines()
                .filter(|l| !l.starts_with("Command exited with non-zero status"))
                .collect();
            let tail = tail[tail.len().saturating_sub(15)..].join("\n");
            (false, Some(format!("{s}; stderr tail:\n{tail}")))
        }
    };
    if let Some(f) = &failure {
        eprintln!("bench sync: `{label}` failed: {f}");
    }
    Ok(Timed {
        label: label.to_string(),
        wall,
        peak_rss_kb,
        success,
        failure,
        stdout,
    })
}

/// `du -sk` of a directory, in bytes.
fn du_bytes(dir: &Path) -> Result<u64> {
    let out = Command::new("du")
        .arg("-sk")
        .arg(dir)
        .output()
        .context("running du")?;
    if !out.status.success() {
        bail!("du -sk {} failed", dir.display());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let kb: u64 = text
        .split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .with_context(|| format!("unexpected du output {text:?}"))?;
    Ok(kb * 1024)
}

fn version_of(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| {
            let text = if o.stdout.is_empty() {
                o.stderr
            } else {
                o.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .unwrap_or_else(|| "not found".to_string())
}

struct Corpus {
    inbox: usize,
    sent: usize,
    raw_bytes: u64,
    maildir_bytes: u64,
    load: Duration,
}

/// Generates the corpus twice (it streams; each pass keeps one folder) and bulk-loads it.
fn load_corpus(dc: &Dovecot, messages: usize) -> Result<Corpus> {
    let spec = corpus::Spec {
        messages,
        seed: SEED,
        ..corpus::Spec::default()
    };
    let start = Instant::now();
    let mut raw_bytes = 0u64;
    let mut counts = [0usize; 2];
    for (i, (folder, name)) in [(Folder::Inbox, "INBOX"), (Folder::Sent, "Sent")]
        .into_iter()
        .enumerate()
    {
        let mut it = corpus::generate(&spec)
            .filter(|m| m.folder == folder)
            .map(|m| {
                raw_bytes += m.raw.len() as u64;
                m.raw
            });
        counts[i] = dc
            .append_many(USER, name, &mut it)
            .with_context(|| format!("loading {name}"))?;
    }
    let load = start.elapsed();
    let maildir_bytes = dc.maildir_bytes(USER)?;
    Ok(Corpus {
        inbox: counts[0],
        sent: counts[1],
        raw_bytes,
        maildir_bytes,
        load,
    })
}

/// Warms dovecot for both clients: index and flags of every message, then every message's
/// text so the files sit in the page cache. The output is discarded.
fn warm(dc: &Dovecot) -> Result<Duration> {
    let start = Instant::now();
    for folder in ["INBOX", "Sent"] {
        for fields in ["uid flags size.virtual date.received", "text"] {
            let out = dc
                .doveadm(&["fetch", "-u", USER, fields, "mailbox", folder, "all"])
                .with_context(|| format!("warming {folder} ({fields})"))?;
            drop(out);
        }
    }
    Ok(start.elapsed())
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

fn fmt_bytes(b: u64) -> String {
    format!("{:.1} MB", b as f64 / 1e6)
}

fn fmt_rss(kb: Option<u64>) -> String {
    kb.map(|k| format!("{:.1} MB", k as f64 / 1024.0))
        .unwrap_or_else(|| "-".to_string())
}

fn fmt_count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn row(table: &mut String, what: &str, wall: &str, rss: &str, note: &str) {
    let _ = writeln!(table, "  {what:<34} {wall:>12} {rss:>12}  {note}");
}

fn run(args: &Args) -> Result<bool> {
    let mut ok = true;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out_dir = root.join("bench-out");
    let logs = out_dir.join("sync-logs");
    fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
    let work = tempfile::Builder::new()
        .prefix("siphon-bench-")
        .tempdir()
        .context("creating a temporary directory")?;

    eprintln!("bench sync: starting dovecot");
    let dc = Dovecot::start().context("starting dovecot")?;
    eprintln!(
        "bench sync: generating and loading {} messages",
        fmt_count(args.messages)
    );
    let corpus = load_corpus(&dc, args.messages)?;
    eprintln!(
        "bench sync: loaded in {:.1}s; warming the server",
        corpus.load.as_secs_f64()
    );
    let warm_time = warm(&dc)?;

    let mut report = json!({
        "messages": args.messages,
        "seed": SEED,
        "machine": {
            "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
            "dovecot": version_of("dovecot", &["--version"]),
            "mbsync": version_of("mbsync", &["--version"]),
        },
        "corpus": {
            "inbox": corpus.inbox,
            "sent": corpus.sent,
            "raw_bytes": corpus.raw_bytes,
            "maildir_bytes": corpus.maildir_bytes,
            "generate_and_load_s": secs(corpus.load),
            "warm_s": secs(warm_time),
        },
    });

    let mut table = String::new();
    let _ = writeln!(
        table,
        "\nsiphon sync benchmark: {} messages (seed {SEED}), warm dovecot on loopback (IMAPS)",
        fmt_count(args.messages)
    );
    let _ = writeln!(
        table,
        "  corpus: INBOX {} + Sent {} messages, raw {}, maildir {}; loaded in {:.1}s, warmed in {:.1}s\n",
        fmt_count(corpus.inbox),
        fmt_count(corpus.sent),
        fmt_bytes(corpus.raw_bytes),
        fmt_bytes(corpus.maildir_bytes),
        corpus.load.as_secs_f64(),
        warm_time.as_secs_f64()
    );
    row(&mut table, "step", "wall", "peak RSS", "");
    let password = dc.password(USER);
    let mut siphon_full: Option<Duration> = None;

    if !args.skip_siphon {
        let siphon = PathBuf::from(env!("CARGO_BIN_EXE_siphon"));
        let data = work.path().join("siphon-data");
        let base = ["--data-dir".to_string(), data.display().to_string()];
        let with = |rest: &[&str]| -> Vec<String> {
            base.iter()
                .cloned()
                .chain(rest.iter().map(|s| s.to_string()))
                .collect()
        };
        let port = dc.imaps_port().to_string();
        let ca = dc.ca_cert().display().to_string();
        let password_cmd = format!("printf %s '{}'", password.replace('\'', "'\\''"));
        let add = timed(
            "siphon account add",
            &siphon,
            &with(&[
                "account",
                "add",
                ACCOUNT,
                "--email",
                &format!("{USER}@acme.example"),
                "--imap-host",
                dc.host(),
                "--imap-port",
                &port,
                "--imap-security",
                "tls",
                "--imap-user",
                USER,
                "--ca-cert",
                &ca,
                "--password-cmd",
                &password_cmd,
                "--folder",
                "INBOX",
                "--folder",
                "Sent",
            ]),
            &logs,
            args.timeout,
        )?;
        ok &= add.success;
        row(
            &mut table,
            &add.label,
            &format!("{:.3} s", add.wall.as_secs_f64()),
            &fmt_rss(add.peak_rss_kb),
            if add.success { "" } else { "FAILED" },
        );
        report["siphon"] = json!({ "account_add": add.json() });

        if add.success {
            let full = timed(
                "siphon sync (full)",
                &siphon,
                &with(&["sync"]),
                &logs,
                args.timeout,
            )?;
            ok &= full.success;
            let rate = args.messages as f64 / full.wall.as_secs_f64().max(1e-9);
            row(
                &mut table,
                &full.label,
                &format!("{:.2} s", full.wall.as_secs_f64()),
                &fmt_rss(full.peak_rss_kb),
                &if full.success {
                    format!("{:.0} msg/s", rate)
                } else {
                    "FAILED".to_string()
                },
            );
            report["siphon"]["full_sync"] = full.json();
            if full.success {
                siphon_full = Some(full.wall);
            }

            let mut noop: Vec<Timed> = Vec::new();
            for i in 0..args.noop_runs {
                let t = timed(
                    &format!("siphon sync (no-op {})", i + 1),
                    &siphon,
                    &with(&["sync"]),
                    &logs,
                    args.timeout,
                )?;
                ok &= t.success;
                noop.push(t);
            }
            if !noop.is_empty() {
                let mut walls: Vec<Duration> = noop.iter().map(|t| t.wall).collect();
                walls.sort();
                let median = walls[walls.len() / 2];
                let min = walls[0];
                let rss = noop.iter().filter_map(|t| t.peak_rss_kb).max();
                let all_ok = noop.iter().all(|t| t.success);
                row(
                    &mut table,
                    &format!("siphon sync (no-op, {} runs)", noop.len()),
                    &format!("{:.3} s", median.as_secs_f64()),
                    &fmt_rss(rss),
                    &format!(
                        "median; min {:.3} s{}",
                        min.as_secs_f64(),
                        if all_ok { "" } else { "; FAILED" }
                    ),
                );
                report["siphon"]["noop_sync"] = json!({
                    "runs_s": noop.iter().map(|t| secs(t.wall)).collect::<Vec<_>>(),
                    "median_s": secs(median),
                    "min_s": secs(min),
                    "peak_rss_kb": rss,
                    "ok": all_ok,
                });
            }

            match du_bytes(&data) {
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

            let status = timed(
                "siphon status --json",
                &siphon,
                &with(&["status", "--json"]),
                &logs,
                args.timeout,
            )?;
            ok &= status.success;
            let expected = [("INBOX", corpus.inbox as u64), ("Sent", corpus.sent as u64)];
            let verdict = match status_counts(&status.stdout) {
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
            let dir = work.path().join(key);
            let maildir = dir.join("mail");
            fs::create_dir_all(&maildir)?;
            let cfg = dir.join("mbsyncrc");
            // mbsync checks the certificate against DNS names only, and the test CA's server
            // certificate names DNS:localhost (and IP:127.0.0.1).
            fs::write(&cfg, mbsync_config(&dc, &maildir, "localhost", fsync))?;
            let run = timed(
                label,
                Path::new("mbsync"),
                &[
                    "-c".to_string(),
                    cfg.display().to_string(),
                    "-a".to_string(),
                    "-q".to_string(),
                ],
                &logs,
                args.timeout,
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
                        args.messages as f64 / run.wall.as_secs_f64().max(1e-9),
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
            if !args.keep {
                let _ = fs::remove_dir_all(&dir);
            }
        }
    }

    println!("{table}");
    report["ok"] = json!(ok);
    let json_path = out_dir.join("sync.json");
    fs::write(&json_path, serde_json::to_string_pretty(&report)? + "\n")
        .with_context(|| format!("writing {}", json_path.display()))?;
    println!(
        "  figures: {}\n  command logs: {}",
        json_path.display(),
        logs.display()
    );
    if args.keep {
        let kept = work.keep();
        println!("  kept: {}", kept.display());
    }
    drop(dc);
    Ok(ok)
}
