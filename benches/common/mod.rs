//! What the benchmarks share: their arguments, the generated support mailbox loaded into a warm
//! local dovecot, the bench account added to a throw-away siphon workspace and synced, timing
//! whole commands (wall clock and peak RSS), and the table and figures they print and write.
//!
//! Every benchmark prints a table and writes `bench-out/<name>.json`, with each command's stdout
//! and stderr under `bench-out/<name>-logs/`. Timings never fail a run; only something broken does.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use siphon_testkit::corpus::{self, Folder};
use siphon_testkit::dovecot::Dovecot;

/// The corpus seed: fixed, so every run loads the same bytes.
pub const SEED: u64 = 20_260_105;
pub const USER: &str = "support";
pub const ACCOUNT: &str = "bench";
/// The folders the corpus fills, and the bench account syncs.
pub const FOLDERS: [(Folder, &str); 2] = [(Folder::Inbox, "INBOX"), (Folder::Sent, "Sent")];

/// The arguments every benchmark takes.
pub struct BaseArgs {
    pub messages: usize,
    pub keep: bool,
    /// How long one command may run before it is killed.
    pub timeout: Duration,
}

/// Parses `--messages N`, `--keep` and `--help` (with `SIPHON_BENCH_MESSAGES` and
/// `SIPHON_BENCH_TIMEOUT` from the environment); `extra` gets every other argument, with the
/// rest of them to take a value from, and says whether it was one of the bench's own.
pub fn parse_args(
    bench: &str,
    usage: &str,
    mut extra: impl FnMut(&str, &mut dyn Iterator<Item = String>) -> Result<bool>,
) -> Result<BaseArgs> {
    let env_messages = std::env::var("SIPHON_BENCH_MESSAGES").ok();
    let mut args = BaseArgs {
        messages: match env_messages.as_deref() {
            Some(v) => v
                .trim()
                .parse()
                .with_context(|| format!("SIPHON_BENCH_MESSAGES={v:?} is not a number"))?,
            None => 100_000,
        },
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
            "--messages" => args.messages = number("--messages", &mut it)?,
            "--keep" => args.keep = true,
            "-h" | "--help" => {
                println!(
                    "{usage}\n\
                     env: SIPHON_BENCH_MESSAGES (default 100000), SIPHON_BENCH_TIMEOUT seconds per command (default 3600)"
                );
                std::process::exit(0);
            }
            other => {
                if !extra(other, &mut it)? {
                    eprintln!("bench {bench}: ignoring argument {other:?}");
                }
            }
        }
    }
    Ok(args)
}

/// The number that follows `flag`.
pub fn number<T>(flag: &str, it: &mut dyn Iterator<Item = String>) -> Result<T>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let v = it
        .next()
        .with_context(|| format!("{flag} needs a number"))?;
    v.parse().with_context(|| format!("{flag} {v:?}"))
}

/// A benchmark's `main`: exit 2 on bad arguments, 1 when the run broke or something in it
/// failed, 0 otherwise.
pub fn main<A>(bench: &str, args: Result<A>, run: impl FnOnce(&A) -> Result<bool>) -> ExitCode {
    let args = match args {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bench {bench}: {e:#}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("bench {bench}: finished, but something failed (see above)");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("bench {bench}: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// One run of a benchmark: where its figures and command logs go, and its scratch directory.
pub struct Bench {
    pub name: &'static str,
    pub out_dir: PathBuf,
    pub logs: PathBuf,
    pub timeout: Duration,
    pub work: tempfile::TempDir,
}

impl Bench {
    pub fn new(name: &'static str, timeout: Duration) -> Result<Bench> {
        let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench-out");
        let logs = out_dir.join(format!("{name}-logs"));
        fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
        let work = tempfile::Builder::new()
            .prefix("siphon-bench-")
            .tempdir()
            .context("creating a temporary directory")?;
        Ok(Bench {
            name,
            out_dir,
            logs,
            timeout,
            work,
        })
    }

    /// A progress line on stderr.
    pub fn say(&self, what: &str) {
        eprintln!("bench {}: {what}", self.name);
    }

    /// Runs a command to completion; see [`Bench::timed_env`].
    pub fn timed(&self, label: &str, program: &Path, args: &[String]) -> Result<Timed> {
        self.timed_env(label, program, args, &[])
    }

    /// Runs a command to completion with `env` added to (or, with a value of None, removed
    /// from) its environment, timing its wall clock (our own clock, from spawn to exit) and its
    /// peak RSS (through `/usr/bin/time` when installed). stdout goes to `logs/<label>.stdout`,
    /// stderr to `logs/<label>.stderr`. The command runs in a process group of its own so a
    /// hang can be ended with everything it started.
    pub fn timed_env(
        &self,
        label: &str,
        program: &Path,
        args: &[String],
        env: &[(&str, Option<&OsStr>)],
    ) -> Result<Timed> {
        let slug: String = label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let time_out = self.logs.join(format!("{slug}.time"));
        let err_path = self.logs.join(format!("{slug}.stderr"));
        let out_path = self.logs.join(format!("{slug}.stdout"));
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
        for (key, value) in env {
            match value {
                Some(v) => cmd.env(key, v),
                None => cmd.env_remove(key),
            };
        }
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
            if start.elapsed() > self.timeout {
                // Our child leads its own process group: end the group, then reap the child.
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.wait();
                break None;
            }
            // Poll finely while the command is young, so that a 10 ms command is timed to a
            // fraction of a millisecond, then back off to 2 ms to leave the CPU to long ones.
            std::thread::sleep(
                (start.elapsed() / 100).clamp(Duration::from_micros(50), Duration::from_millis(2)),
            );
        };
        let wall = start.elapsed();
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
                    self.timeout.as_secs()
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
            self.say(&format!("`{label}` failed: {f}"));
        }
        Ok(Timed {
            label: label.to_string(),
            wall,
            peak_rss_kb,
            success,
            failure,
            stdout_path: out_path,
        })
    }

    /// Prints the table, writes `bench-out/<name>.json` (with `ok`) and says where everything
    /// went; with `keep`, leaves the scratch directory in place.
    pub fn finish(self, table: &str, mut report: Value, ok: bool, keep: bool) -> Result<()> {
        println!("{table}");
        report["ok"] = json!(ok);
        let json_path = self.out_dir.join(format!("{}.json", self.name));
        fs::write(&json_path, serde_json::to_string_pretty(&report)? + "\n")
            .with_context(|| format!("writing {}", json_path.display()))?;
        println!(
            "  figures: {}\n  command logs: {}",
            json_path.display(),
            self.logs.display()
        );
        if keep {
            let kept = self.work.keep();
            println!("  kept: {}", kept.display());
        }
        Ok(())
    }
}

/// One timed command.
#[derive(Debug, Clone)]
pub struct Timed {
    pub label: String,
    pub wall: Duration,
    /// Peak resident set size in KiB, from `/usr/bin/time -f %M`.
    pub peak_rss_kb: Option<u64>,
    pub success: bool,
    /// What went wrong, with the tail of stderr.
    pub failure: Option<String>,
    /// Where its stdout went.
    pub stdout_path: PathBuf,
}

impl Timed {
    pub fn json(&self) -> Value {
        json!({
            "wall_s": secs(self.wall),
            "peak_rss_kb": self.peak_rss_kb,
            "ok": self.success,
            "error": self.failure,
        })
    }

    /// What the command printed (empty when the log cannot be read).
    pub fn stdout(&self) -> String {
        fs::read_to_string(&self.stdout_path).unwrap_or_default()
    }
}

/// Repeated runs of one command.
pub struct Runs {
    /// Wall clocks in the order they ran.
    pub walls: Vec<Duration>,
    /// The same, fastest first.
    pub sorted: Vec<Duration>,
    /// The highest peak RSS of any run.
    pub peak_rss_kb: Option<u64>,
    pub ok: bool,
}

impl Runs {
    /// None when there were no runs.
    pub fn of(runs: &[Timed]) -> Option<Runs> {
        if runs.is_empty() {
            return None;
        }
        let walls: Vec<Duration> = runs.iter().map(|t| t.wall).collect();
        let mut sorted = walls.clone();
        sorted.sort();
        Some(Runs {
            walls,
            sorted,
            peak_rss_kb: runs.iter().filter_map(|t| t.peak_rss_kb).max(),
            ok: runs.iter().all(|t| t.success),
        })
    }

    pub fn min(&self) -> Duration {
        self.sorted[0]
    }

    /// The middle run (the upper one of two).
    pub fn median(&self) -> Duration {
        self.sorted[self.sorted.len() / 2]
    }

    /// Every run, median, min, p50, p95, peak RSS and whether all succeeded.
    pub fn json(&self) -> Value {
        json!({
            "runs_s": self.walls.iter().map(|w| secs(*w)).collect::<Vec<_>>(),
            "median_s": secs(self.median()),
            "min_s": secs(self.min()),
            "p50_s": secs(percentile(&self.sorted, 50.0)),
            "p95_s": secs(percentile(&self.sorted, 95.0)),
            "peak_rss_kb": self.peak_rss_kb,
            "ok": self.ok,
        })
    }
}

/// The nearest-rank percentile of durations sorted fastest first, `p` in (0, 100]; zero for none.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.clamp(1, sorted.len().max(1)) - 1)
        .copied()
        .unwrap_or_default()
}

/// Seconds, to 0.1 ms.
pub fn secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e4).round() / 1e4
}

/// `du -sk` of a directory, in bytes.
pub fn du_bytes(dir: &Path) -> Result<u64> {
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

/// The first line a program prints for `args` (stdout, else stderr), or "not found".
pub fn version_of(program: &str, args: &[&str]) -> String {
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

/// The corpus as loaded into dovecot.
pub struct Corpus {
    pub inbox: usize,
    pub sent: usize,
    pub raw_bytes: u64,
    pub maildir_bytes: u64,
    pub load: Duration,
    pub warm: Duration,
}

impl Corpus {
    pub fn json(&self) -> Value {
        json!({
            "inbox": self.inbox,
            "sent": self.sent,
            "raw_bytes": self.raw_bytes,
            "maildir_bytes": self.maildir_bytes,
            "generate_and_load_s": secs(self.load),
            "warm_s": secs(self.warm),
        })
    }

    /// The table's line about the corpus.
    pub fn summary(&self) -> String {
        format!(
            "  corpus: INBOX {} + Sent {} messages, raw {}, maildir {}; loaded in {:.1}s, warmed in {:.1}s\n",
            fmt_count(self.inbox),
            fmt_count(self.sent),
            fmt_bytes(self.raw_bytes),
            fmt_bytes(self.maildir_bytes),
            self.load.as_secs_f64(),
            self.warm.as_secs_f64()
        )
    }
}

/// The corpus's generation spec for `messages` messages.
pub fn spec(messages: usize) -> corpus::Spec {
    corpus::Spec {
        messages,
        seed: SEED,
        ..corpus::Spec::default()
    }
}

/// A corpus on a fresh dovecot and a workspace synced from it (see [`serve_and_sync`]).
pub struct Served {
    pub dc: Dovecot,
    pub corpus: Corpus,
    pub siphon: Siphon,
    pub add: Timed,
    pub full: Option<Timed>,
}

/// Serves the corpus on a fresh dovecot (noted in `report` and `table`), starts the table's
/// steps with the two figure columns `columns`, then adds the bench account to a new workspace
/// and syncs it whole ([`Siphon::add_and_sync`]).
pub fn serve_and_sync(
    bench: &Bench,
    messages: usize,
    columns: [&str; 2],
    table: &mut String,
    report: &mut Value,
) -> Result<Served> {
    serve_prepare_and_sync(bench, messages, columns, table, report, |_| Ok(()))
}

/// [`serve_and_sync`], with `prepare` run on the new workspace before the account is added.
pub fn serve_prepare_and_sync(
    bench: &Bench,
    messages: usize,
    columns: [&str; 2],
    table: &mut String,
    report: &mut Value,
    prepare: impl FnOnce(&Siphon) -> Result<()>,
) -> Result<Served> {
    let (dc, corpus) = serve_corpus(bench, messages)?;
    report["corpus"] = corpus.json();
    let _ = writeln!(table, "{}", corpus.summary());
    row(table, "step", columns[0], columns[1], "");
    let siphon = Siphon::new(bench.work.path().join("siphon-data"));
    prepare(&siphon)?;
    let (add, full) = siphon.add_and_sync(bench, &dc, messages, table, report)?;
    Ok(Served {
        dc,
        corpus,
        siphon,
        add,
        full,
    })
}

/// Starts dovecot, loads `messages` generated messages into the bench user's INBOX and Sent
/// and warms the server.
pub fn serve_corpus(bench: &Bench, messages: usize) -> Result<(Dovecot, Corpus)> {
    bench.say("starting dovecot");
    let dc = Dovecot::start().context("starting dovecot")?;
    bench.say(&format!(
        "generating and loading {} messages",
        fmt_count(messages)
    ));
    let mut corpus = load_corpus(&dc, messages)?;
    bench.say(&format!(
        "loaded in {:.1}s; warming the server",
        corpus.load.as_secs_f64()
    ));
    corpus.warm = warm(&dc)?;
    Ok((dc, corpus))
}

/// Generates the corpus twice (it streams; each pass keeps one folder) and bulk-loads it.
fn load_corpus(dc: &Dovecot, messages: usize) -> Result<Corpus> {
    let spec = spec(messages);
    let start = Instant::now();
    let mut raw_bytes = 0u64;
    let mut counts = [0usize; 2];
    for (i, (folder, name)) in FOLDERS.into_iter().enumerate() {
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
        warm: Duration::ZERO,
    })
}

/// Warms dovecot for every client: index and flags of every message, then every message's
/// text so the files sit in the page cache. The output is discarded.
fn warm(dc: &Dovecot) -> Result<Duration> {
    let start = Instant::now();
    for (_, folder) in FOLDERS {
        for fields in ["uid flags size.virtual date.received", "text"] {
            let out = dc
                .doveadm(&["fetch", "-u", USER, fields, "mailbox", folder, "all"])
                .with_context(|| format!("warming {folder} ({fields})"))?;
            drop(out);
        }
    }
    Ok(start.elapsed())
}

/// The `siphon` binary with a workspace of its own.
pub struct Siphon {
    pub bin: PathBuf,
    pub data: PathBuf,
}

impl Siphon {
    pub fn new(data: PathBuf) -> Siphon {
        Siphon {
            bin: PathBuf::from(env!("CARGO_BIN_EXE_siphon")),
            data,
        }
    }

    /// `--data-dir DATA` followed by `rest`.
    pub fn args(&self, rest: &[&str]) -> Vec<String> {
        ["--data-dir".to_string(), self.data.display().to_string()]
            .into_iter()
            .chain(rest.iter().map(|s| s.to_string()))
            .collect()
    }

    /// Times `siphon account add` for the bench account (INBOX and Sent on `dc`, over IMAPS)
    /// and, when that worked, a full `siphon sync`: a row each in `table`, figures under
    /// `report["siphon"]` as `account_add` and `full_sync`.
    pub fn add_and_sync(
        &self,
        bench: &Bench,
        dc: &Dovecot,
        messages: usize,
        table: &mut String,
        report: &mut Value,
    ) -> Result<(Timed, Option<Timed>)> {
        let port = dc.imaps_port().to_string();
        let ca = dc.ca_cert().display().to_string();
        let password = dc.password(USER);
        let password_cmd = format!("printf %s '{}'", password.replace('\'', "'\\''"));
        let email = format!("{USER}@acme.example");
        let mut args = vec![
            "account",
            "add",
            ACCOUNT,
            "--email",
            &email,
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
        ];
        for (_, folder) in FOLDERS {
            args.extend(["--folder", folder]);
        }
        let add = bench.timed("siphon account add", &self.bin, &self.args(&args))?;
        row(
            table,
            &add.label,
            &format!("{:.3} s", add.wall.as_secs_f64()),
            &fmt_rss(add.peak_rss_kb),
            if add.success { "" } else { "FAILED" },
        );
        report["siphon"] = json!({ "account_add": add.json() });
        if !add.success {
            return Ok((add, None));
        }

        let full = bench.timed("siphon sync (full)", &self.bin, &self.args(&["sync"]))?;
        let rate = messages as f64 / full.wall.as_secs_f64().max(1e-9);
        row(
            table,
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
        Ok((add, Some(full)))
    }
}

/// The machine's figures every report carries.
pub fn machine() -> Value {
    json!({
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "dovecot": version_of("dovecot", &["--version"]),
    })
}

pub fn fmt_bytes(b: u64) -> String {
    format!("{:.1} MB", b as f64 / 1e6)
}

pub fn fmt_rss(kb: Option<u64>) -> String {
    kb.map(|k| format!("{:.1} MB", k as f64 / 1024.0))
        .unwrap_or_else(|| "-".to_string())
}

/// `n` with thousands separators.
pub fn fmt_count(n: usize) -> String {
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

/// One line of the table: what, wall clock (or another figure), peak RSS, a note.
pub fn row(table: &mut String, what: &str, wall: &str, rss: &str, note: &str) {
    let _ = writeln!(table, "  {what:<34} {wall:>12} {rss:>12}  {note}");
}
