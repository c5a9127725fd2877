//! notmuch, the yardstick: the corpus as a Maildir, a throw-away config, and which thread notmuch
//! put each message in.
//!
//! Message files are named by their place in the generated stream (`INBOX/cur/<i>.corpus:2,`),
//! so notmuch's answer maps back to the truth by file name: no Message-ID (notmuch derives
//! `notmuch-sha1-…` for mail without one) and no duplicate can confuse it.

use std::fs;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;
use siphon_testkit::corpus::{self, Folder};

use crate::common::{Bench, FOLDERS, Timed, fmt_rss, row};

/// A notmuch database over a Maildir of the corpus.
pub struct Notmuch {
    /// The Maildir root, notmuch's `database.path`.
    pub root: PathBuf,
    config: PathBuf,
}

impl Notmuch {
    /// Writes `messages` into a Maildir under `dir` (one folder per corpus folder) and a config
    /// that indexes it with no tags, no flag synchronisation and no user.
    pub fn create(dir: &Path, messages: impl Iterator<Item = corpus::Message>) -> Result<Notmuch> {
        let root = dir.join("mail");
        for (_, name) in FOLDERS {
            for sub in ["cur", "new", "tmp"] {
                let d = root.join(name).join(sub);
                fs::create_dir_all(&d).with_context(|| format!("creating {}", d.display()))?;
            }
        }
        for (i, m) in messages.enumerate() {
            let folder = match m.folder {
                Folder::Inbox => FOLDERS[0].1,
                Folder::Sent => FOLDERS[1].1,
            };
            let path = root.join(folder).join("cur").join(format!("{i}.corpus:2,"));
            fs::write(&path, &m.raw).with_context(|| format!("writing {}", path.display()))?;
        }
        let config = dir.join("notmuch-config");
        let mut f = BufWriter::new(fs::File::create(&config)?);
        write!(
            f,
            "[database]\npath={}\n\n[user]\nname=\nprimary_email=\n\n[new]\ntags=\nignore=\n\n\
             [search]\nexclude_tags=\n\n[maildir]\nsynchronize_flags=false\n",
            root.display()
        )?;
        f.flush()?;
        Ok(Notmuch { root, config })
    }

    /// Times `notmuch ARGS…` with this config (and nothing from the caller's environment that
    /// could point it at another database).
    pub fn timed(&self, bench: &Bench, label: &str, args: &[&str]) -> Result<Timed> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        bench.timed_env(
            label,
            Path::new("notmuch"),
            &args,
            &[
                ("NOTMUCH_CONFIG", Some(self.config.as_os_str())),
                ("NOTMUCH_PROFILE", None),
                ("NOTMUCH_DATABASE", None),
            ],
        )
    }

    /// Times `notmuch new` over the `messages` written, adds its row to the table and its
    /// figures to `report["notmuch"]["new"]`.
    pub fn index(
        &self,
        bench: &Bench,
        messages: usize,
        table: &mut String,
        report: &mut serde_json::Value,
    ) -> Result<Timed> {
        bench.say("notmuch new");
        let new = self.timed(bench, "notmuch new", &["new", "--quiet"])?;
        let note = if new.success {
            format!(
                "{:.0} msg/s",
                messages as f64 / new.wall.as_secs_f64().max(1e-9)
            )
        } else {
            "FAILED".to_string()
        };
        row(
            table,
            &new.label,
            &format!("{:.2} s", new.wall.as_secs_f64()),
            &fmt_rss(new.peak_rss_kb),
            &note,
        );
        report["notmuch"]["new"] = new.json();
        Ok(new)
    }

    /// The database's own directory.
    pub fn database(&self) -> PathBuf {
        self.root.join(".notmuch")
    }
}

/// One message of `notmuch show --format=json`; the fields not named here are skipped.
#[derive(Deserialize)]
struct Shown {
    /// A list since format version 3; a single name before.
    #[serde(default)]
    filename: Filenames,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Filenames {
    One(String),
    Many(Vec<String>),
}

impl Default for Filenames {
    fn default() -> Self {
        Filenames::Many(Vec::new())
    }
}

/// A node of a thread: the message (null when it did not match) and its replies.
#[derive(Deserialize)]
struct Node(Option<Shown>, Vec<Node>);

/// The thread of every message, from `notmuch show --format=json --body=false` of all mail
/// (an array of threads, each an array of [`Node`] trees): `groups[i]` for message `i`, None
/// when notmuch did not show it. Also returns how many threads there were.
pub fn threads(show_json: &Path, messages: usize) -> Result<(Vec<Option<u32>>, usize)> {
    let file =
        fs::File::open(show_json).with_context(|| format!("opening {}", show_json.display()))?;
    let threads: Vec<Vec<Node>> = serde_json::from_reader(BufReader::new(file))
        .context("notmuch show --format=json is not the JSON expected")?;
    let mut groups = vec![None; messages];
    let mut stack: Vec<&Node> = Vec::new();
    for (t, thread) in threads.iter().enumerate() {
        stack.extend(thread);
        while let Some(Node(shown, replies)) = stack.pop() {
            stack.extend(replies);
            let names: &[String] = match shown.as_ref().map(|s| &s.filename) {
                Some(Filenames::One(name)) => std::slice::from_ref(name),
                Some(Filenames::Many(names)) => names,
                None => &[],
            };
            for name in names {
                if let Some(i) = index_of(name).filter(|&i| i < messages) {
                    groups[i] = Some(t as u32);
                }
            }
        }
    }
    Ok((groups, threads.len()))
}

/// The stream position in a file name written by [`Notmuch::create`].
fn index_of(path: &str) -> Option<usize> {
    let name = Path::new(path).file_name()?.to_str()?;
    name.split_once(".corpus")?.0.parse().ok()
}
