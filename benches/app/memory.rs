//! What the running app costs in memory: the proportional set size (PSS, `Pss:` of
//! `/proc/PID/smaps_rollup`) of the app process, which holds the engine and the Tauri shell,
//! and of every process below it — WebKit's web and network processes (and a sandbox's
//! helpers, when WebKit runs one). PSS splits shared pages among the processes that map them,
//! so the figures add up without counting a shared library twice.
//!
//! The app is found as the process running the app binary with the driver's `HOME` (every
//! process a driver starts inherits it), its children by their parent pid in `/proc/PID/stat`.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

/// One process and its memory.
#[derive(Clone, Debug)]
pub struct Process {
    pub pid: i32,
    /// The name in `/proc/PID/comm` (15 characters at most).
    pub name: String,
    pub pss_kb: u64,
    pub rss_kb: u64,
    /// The PSS split: anonymous (heaps), file-backed (mapped files, libraries), shared memory
    /// (buffers shared with another process, such as a rendered page).
    pub anon_kb: u64,
    pub file_kb: u64,
    pub shmem_kb: u64,
}

impl Process {
    /// "anon 80.1 MB, file 10.2 MB, shmem 3.0 MB".
    pub fn split_text(&self) -> String {
        format!(
            "anon {}, file {}, shmem {}",
            mb(self.anon_kb),
            mb(self.file_kb),
            mb(self.shmem_kb)
        )
    }
}

/// The app process and the processes below it.
#[derive(Clone, Debug)]
pub struct Footprint {
    pub app: Process,
    pub webview: Vec<Process>,
}

impl Footprint {
    /// The PSS of the processes below the app, in KiB.
    pub fn webview_pss_kb(&self) -> u64 {
        self.webview.iter().map(|p| p.pss_kb).sum()
    }

    pub fn total_pss_kb(&self) -> u64 {
        self.app.pss_kb + self.webview_pss_kb()
    }

    /// "WebKitWebProcess 80.1 MB, WebKitNetworkProcess 10.2 MB".
    pub fn webview_text(&self) -> String {
        let parts: Vec<String> = self
            .webview
            .iter()
            .map(|p| format!("{} {}", p.name, mb(p.pss_kb)))
            .collect();
        if parts.is_empty() {
            "no child processes".to_string()
        } else {
            parts.join(", ")
        }
    }

    pub fn json(&self) -> Value {
        let one = |p: &Process| {
            json!({
                "pid": p.pid, "name": p.name, "pss_kb": p.pss_kb, "rss_kb": p.rss_kb,
                "pss_anon_kb": p.anon_kb, "pss_file_kb": p.file_kb, "pss_shmem_kb": p.shmem_kb,
            })
        };
        json!({
            "app_pss_kb": self.app.pss_kb,
            "webview_pss_kb": self.webview_pss_kb(),
            "total_pss_kb": self.total_pss_kb(),
            "processes": std::iter::once(&self.app)
                .chain(&self.webview)
                .map(one)
                .collect::<Vec<_>>(),
        })
    }
}

/// Megabytes (10^6 bytes, as the targets are written) of `kb` KiB, as "12.3 MB".
pub fn mb(kb: u64) -> String {
    format!("{:.1} MB", mb_f(kb))
}

pub fn mb_f(kb: u64) -> f64 {
    kb as f64 * 1024.0 / 1e6
}

/// The footprint of the app running `app` (the binary) with `HOME` set to `home`.
pub fn footprint(app: &Path, home: &Path) -> Result<Footprint> {
    let app = fs::canonicalize(app).with_context(|| format!("resolving {}", app.display()))?;
    let mut needle = b"HOME=".to_vec();
    needle.extend(home.as_os_str().as_encoded_bytes());
    needle.push(0);

    let mut parent_of = HashMap::new();
    let mut roots = Vec::new();
    for pid in pids() {
        let Some((name, ppid)) = stat(pid) else {
            continue;
        };
        parent_of.insert(pid, (ppid, name));
        let runs_app = fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == app);
        let ours = runs_app
            && fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.windows(needle.len()).any(|w| w == needle.as_slice()));
        if ours {
            roots.push(pid);
        }
    }
    let root = match roots.as_slice() {
        [one] => *one,
        [] => bail!(
            "no process runs {} with HOME={}",
            app.display(),
            home.display()
        ),
        many => bail!("several processes run the app: {many:?}"),
    };
    let mut below = Vec::new();
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for (&pid, (ppid, _)) in &parent_of {
            if *ppid == parent {
                below.push(pid);
                frontier.push(pid);
            }
        }
    }
    below.sort_unstable();
    let process = |pid: i32| -> Result<Process> {
        let name = parent_of
            .get(&pid)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        let r = rollup(pid).with_context(|| format!("process {pid} ({name})"))?;
        Ok(Process {
            pid,
            name,
            pss_kb: r[0],
            rss_kb: r[1],
            anon_kb: r[2],
            file_kb: r[3],
            shmem_kb: r[4],
        })
    };
    Ok(Footprint {
        app: process(root)?,
        webview: below.into_iter().map(process).collect::<Result<Vec<_>>>()?,
    })
}

/// Every numeric entry of /proc.
fn pids() -> impl Iterator<Item = i32> {
    fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
}

/// The name and the parent pid of a live process (None for a zombie or a process gone).
fn stat(pid: i32) -> Option<(String, i32)> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let name = text.get(open + 1..close)?.to_string();
    let mut rest = text.get(close + 1..)?.split_whitespace();
    let state = rest.next()?;
    if state == "Z" {
        return None;
    }
    let ppid = rest.next()?.parse().ok()?;
    Some((name, ppid))
}

/// `Pss:`, `Rss:`, `Pss_Anon:`, `Pss_File:` and `Pss_Shmem:` of `/proc/PID/smaps_rollup`, in
/// KiB (the split reads 0 on a kernel without it).
fn rollup(pid: i32) -> Result<[u64; 5]> {
    let path = format!("/proc/{pid}/smaps_rollup");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let field = |name: &str| -> Result<u64> {
        text.lines()
            .find_map(|l| {
                let value = l.strip_prefix(name)?.trim().strip_suffix("kB")?;
                value.trim().parse().ok()
            })
            .with_context(|| format!("no {name:?} line in {path}"))
    };
    let split = |name: &str| field(name).unwrap_or(0);
    Ok([
        field("Pss:")?,
        field("Rss:")?,
        split("Pss_Anon:"),
        split("Pss_File:"),
        split("Pss_Shmem:"),
    ])
}

/// The mappings of a process that hold the most PSS, summed by what they map (a file's path,
/// `[heap]`, or `[anon]` for unnamed memory), largest first.
pub fn top_mappings(pid: i32, n: usize) -> Result<Vec<(String, u64)>> {
    let path = format!("/proc/{pid}/smaps");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let mut by: HashMap<String, u64> = HashMap::new();
    let mut current = String::from("[anon]");
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let first = parts.next().unwrap_or_default();
        if first.contains('-') && !first.ends_with(':') {
            // "start-end perms offset dev inode [path]"
            current = parts
                .nth(4)
                .map_or_else(|| "[anon]".to_string(), str::to_string);
        } else if first == "Pss:" {
            let kb: u64 = parts.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            *by.entry(current.clone()).or_default() += kb;
        }
    }
    let mut out: Vec<(String, u64)> = by.into_iter().collect();
    out.sort_by_key(|m| std::cmp::Reverse(m.1));
    out.truncate(n);
    Ok(out)
}

/// The anonymous mappings holding the most of a process's PSS, each as its address range, its
/// size (virtual) and its perms, with its PSS in KB: which allocator region the memory sits in
/// (a JavaScript heap's reservation, malloc's arenas, a rendering buffer).
pub fn largest_anonymous(pid: i32, n: usize) -> Result<Vec<(String, u64)>> {
    let path = format!("/proc/{pid}/smaps");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let mut out: Vec<(String, u64)> = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let first = parts.next().unwrap_or_default();
        if first.contains('-') && !first.ends_with(':') {
            let perms = parts.next().unwrap_or_default().to_string();
            let named = parts.nth(3).is_some();
            current = (!named).then(|| {
                let (a, b) = first.split_once('-').unwrap_or_default();
                let size = u64::from_str_radix(b, 16)
                    .unwrap_or(0)
                    .saturating_sub(u64::from_str_radix(a, 16).unwrap_or(0));
                format!("{first} {perms} {:.1} MB virtual", size as f64 / 1048576.0)
            });
        } else if first == "Pss:"
            && let Some(what) = current.take()
        {
            let kb: u64 = parts.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            out.push((what, kb));
        }
    }
    out.sort_by_key(|m| std::cmp::Reverse(m.1));
    out.truncate(n);
    Ok(out)
}
