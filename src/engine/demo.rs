//! The demo workspace: a sample support mailbox shipped with the app, imported locally.
//!
//! `demo/` at the root of the repository holds the support mailbox of Brindle, a fictional
//! company: customer mail as raw RFC 5322 files in `demo/mail/` (the INBOX), the team's replies in
//! `demo/sent/` (the Sent folder), and `demo/script.toml`, what the team has done since (statuses,
//! assignees, kinds, tags, notes, snoozes, read marks), act by act and agent by agent. The files
//! are compiled into the binary: the demo works with no account and no network.
//!
//! [`Engine::import_demo`] turns an empty workspace into the demo. The mail is dated in late 2026;
//! every message moves by the same whole number of hours, so that the newest one is about two
//! hours old and the list reads "2 h ago", "3 days ago". The move rewrites the raw bytes before
//! they are hashed: the `Date:` header, header lines inside a body (a bounce's copy of the
//! original headers), and the dates quoted history cites ("On Tue, Nov 3, 2026 at 10:12 AM …
//! wrote:", Outlook's "Sent:", "Le mar. 3 nov. 2026 à 10:12 … a écrit :", "Pada Sel, 3 Nov 2026
//! pukul 10.12 … menulis:"), which are found as the exact renderings of the dates of the messages
//! it references. Then the script's acts become ops by their agents, each dated 10 to 60
//! minutes after its conversation's last message (or after the act before it on the same
//! conversation), the same on every import and never later than the import: the history reads
//! "Maya closed this · 2 h ago", not a whole team acting in one second. The acts are made in the
//! order of those times, and the folders are marked synced only after them (which records the
//! team's archive cutoff), so the hybrid logical clock never has to run backwards.
//!
//! Crash safety: `DATA/demo.importing` holds the shift while an import runs, so a second run after
//! a crash writes the same bytes (which the store deduplicates) and skips the acts an agent has
//! already made on a ticket. `DATA/demo`, the marker [`Engine::is_demo`] looks for, comes last.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Duration, FixedOffset, Timelike};
use serde::{Deserialize, Serialize};

use super::{Edit, Engine, Error, Result};
use crate::account::{Account, AuthMech, ImapSettings, Me, Security};
use crate::store::{Flags, Prepared};
use crate::ticket::index::Query;
use crate::ticket::op::{Impact, Kind, Priority, Status};

/// The demo's account name and IMAP host; the host never resolves, and the demo is never synced.
pub const DEMO_ACCOUNT: &str = "demo";
pub const DEMO_HOST: &str = "demo.invalid";

/// The demo mailbox (listed in `demo/files.rs`), by path under `demo/`: `mail/…` goes to INBOX,
/// `sent/…` to Sent.
macro_rules! demo_files {
    ($($path:literal,)*) => {
        &[$(($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/demo/", $path)))),*]
    };
}

const FILES: &[(&str, &[u8])] = include!("../../demo/files.rs");

const SCRIPT: &str = include_str!("../../demo/script.toml");

/// How old the newest demo message is, right after the import.
const NEWEST_AGE_SECS: i64 = 2 * 3600;

/// How long after a conversation's last message (or the act before it) an act comes, in seconds.
const ACT_DELAY_SECS: std::ops::Range<i64> = 10 * 60..60 * 60;

/// What [`Engine::import_demo`] did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct DemoSummary {
    /// Messages in the workspace.
    pub messages: usize,
    /// Conversations that are tickets (auto-replies, bounces and newsletters are not).
    pub tickets: usize,
    /// False when the workspace already was the demo, and nothing was done.
    pub imported: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Script {
    team: TeamSpec,
    #[serde(default, rename = "act")]
    acts: Vec<Act>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TeamSpec {
    company: String,
    support: String,
    #[serde(default)]
    aliases: Vec<String>,
    me: Person,
    agents: Vec<Person>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Person {
    name: String,
    email: String,
}

/// One thing an agent did to one ticket.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Act {
    /// The Message-ID of any message of the conversation.
    ticket: String,
    by: String,
    status: Option<Status>,
    /// Days from the import (not from the act), so the ticket is still snoozed when the demo opens.
    snooze_days: Option<u32>,
    assign: Option<String>,
    kind: Option<Kind>,
    priority: Option<Priority>,
    impact: Option<Impact>,
    #[serde(default)]
    tags: Vec<String>,
    note: Option<String>,
    /// Marks the conversation read for the person using the demo.
    #[serde(default)]
    read: bool,
}

impl Act {
    /// The act's changes, or `None` when it only marks the conversation read.
    fn edit(&self, now: i64) -> Option<Edit> {
        let edit = Edit {
            status: self.status,
            snooze_until: self.snooze_days.map(|d| Some(now + i64::from(d) * 86_400)),
            assign: self.assign.clone().map(Some),
            tags_add: self.tags.clone(),
            kind: self.kind.map(Some),
            priority: self.priority.map(Some),
            impact: self.impact.map(Some),
            note: self.note.clone(),
            ..Edit::default()
        };
        let empty = edit.status.is_none()
            && edit.snooze_until.is_none()
            && edit.assign.is_none()
            && edit.tags_add.is_empty()
            && edit.kind.is_none()
            && edit.priority.is_none()
            && edit.impact.is_none()
            && edit.note.is_none();
        (!empty).then_some(edit)
    }
}

fn script() -> Result<Script> {
    let s: Script = toml::from_str(SCRIPT)
        .map_err(|e| Error::Usage(format!("demo/script.toml is not valid: {e}")))?;
    let agents: Vec<String> = s
        .team
        .agents
        .iter()
        .map(|a| a.email.to_ascii_lowercase())
        .collect();
    let mut seen = std::collections::HashSet::new();
    for act in &s.acts {
        // One act per agent and ticket: a re-run after a crash knows an act by its agent.
        if !seen.insert((act.ticket.as_str(), act.by.to_ascii_lowercase())) {
            return Err(Error::Usage(format!(
                "demo/script.toml: {} acts twice on <{}>; make it one act",
                act.by, act.ticket
            )));
        }
        let people = std::iter::once(&act.by).chain(&act.assign);
        if let Some(who) = people
            .into_iter()
            .find(|p| !agents.contains(&p.to_ascii_lowercase()))
        {
            return Err(Error::Usage(format!(
                "demo/script.toml: {who} (in the act on <{}>) is not one of the agents",
                act.ticket
            )));
        }
    }
    Ok(s)
}

fn marker(data_dir: &Path) -> PathBuf {
    data_dir.join("demo")
}

fn importing(data_dir: &Path) -> PathBuf {
    data_dir.join("demo.importing")
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl Engine {
    /// Whether this workspace is the demo (the marker file exists).
    pub fn is_demo(&self) -> bool {
        marker(&self.paths.data_dir).exists()
    }

    /// Makes this (empty) workspace the demo: config (one account named "demo" with the
    /// company's addresses, on a host that is never synced), the person using it, the mail into
    /// demo/INBOX and demo/Sent, the script's acts as ops by their agents, read marks; then the
    /// tickets and search are brought up to date. Does nothing when the workspace already is the
    /// demo; refuses (a usage error) when it has other accounts or mail.
    pub fn import_demo(&mut self) -> Result<DemoSummary> {
        if self.is_demo() {
            return Ok(DemoSummary {
                messages: self.store()?.hashes()?.len(),
                tickets: self.demo_tickets()?,
                imported: false,
            });
        }
        let script = script()?;
        let mut config = self.config()?;
        let data_dir = self.paths.data_dir.clone();
        let progress = importing(&data_dir);
        let resuming = progress.exists();
        let only_demo = config
            .accounts
            .iter()
            .all(|a| a.name == DEMO_ACCOUNT && a.imap.host == DEMO_HOST);
        // After a crash mid-import, the demo's own account is already there.
        let fresh = config.accounts.is_empty() || (resuming && only_demo);
        if !fresh {
            return Err(Error::Usage(
                "the demo needs a workspace of its own, and this one has accounts; \
                 open the demo in another data dir"
                    .into(),
            ));
        }
        let store = self.store()?;
        if !resuming && !store.hashes()?.is_empty() {
            return Err(Error::Usage(
                "the demo needs a workspace of its own, and this one holds mail; \
                 open the demo in another data dir"
                    .into(),
            ));
        }
        let now = chrono::Utc::now().timestamp();
        let hours = match std::fs::read_to_string(&progress)
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
        {
            Some(h) => h,
            None => {
                let h = shift_hours(FILES, now)?;
                std::fs::create_dir_all(&data_dir).map_err(|e| io_error(&data_dir, e))?;
                std::fs::write(&progress, format!("{h}\n")).map_err(|e| io_error(&progress, e))?;
                h
            }
        };
        config.accounts = vec![demo_account(&script.team)];
        config.me = Some(Me {
            name: script.team.me.name.clone(),
            email: script.team.me.email.to_ascii_lowercase(),
            signature: None,
        });
        config.save(&self.paths.config_file)?;

        let mail = shifted(FILES, Duration::hours(hours))?;
        for folder in ["INBOX", "Sent"] {
            let state = store.folder_or_create(DEMO_ACCOUNT, folder)?;
            let mut items: Vec<&Shifted> = mail.iter().filter(|m| m.folder == folder).collect();
            items.sort_by_key(|m| (m.date, m.name));
            let flags = if folder == "Sent" {
                Flags::new(["\\Seen"])
            } else {
                Flags::default()
            };
            let prepared = items
                .iter()
                .zip(1u32..)
                .map(|(m, uid)| {
                    let parsed = crate::mail::parse(&m.raw, &m.hash, Some(m.date));
                    if parsed.record.unparsed || !parsed.record.problems.is_empty() {
                        return Err(Error::Usage(format!(
                            "the demo message {} is broken: {}",
                            m.name,
                            parsed.record.problems.join("; ")
                        )));
                    }
                    Ok(Prepared {
                        uid,
                        flags: flags.clone(),
                        hash: m.hash,
                        content: Some((parsed, m.raw.clone())),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            store.ingest(&state, prepared)?;
            let mut state = store.folder(DEMO_ACCOUNT, folder)?.unwrap_or(state);
            state.uidvalidity = Some(1);
            state.last_error = None;
            store.save_folder(&state)?;
        }
        store.flush()?;

        self.refresh_tickets()?;
        let times = self.act_times(&script.acts, now)?;
        let mut order: Vec<usize> = (0..script.acts.len()).collect();
        order.sort_by_key(|&i| (times[i], i));
        for i in order {
            self.play(&script.acts[i], times[i], now, resuming)?;
        }
        // Synced only now: the first sync records the team's archive cutoff as an op at the
        // present, which must come after the acts' ops (see `ensure_archive_cutoff`).
        for folder in ["INBOX", "Sent"] {
            if let Some(mut state) = store.folder(DEMO_ACCOUNT, folder)? {
                state.last_sync = Some(now);
                store.save_folder(&state)?;
            }
        }
        self.refresh_tickets()?;
        self.refresh_search(&|_, _| {})?;
        let done = marker(&data_dir);
        std::fs::write(&done, format!("{} demo workspace\n", script.team.company))
            .map_err(|e| io_error(&done, e))?;
        let _ = std::fs::remove_file(&progress);
        Ok(DemoSummary {
            messages: store.hashes()?.len(),
            tickets: self.demo_tickets()?,
            imported: true,
        })
    }

    /// When each act of the script happened (see [`act_times`]), by the last message of its
    /// conversation.
    fn act_times(&mut self, acts: &[Act], now: i64) -> Result<Vec<i64>> {
        let mut conversations = Vec::with_capacity(acts.len());
        for act in acts {
            let t = self
                .find_ticket(&act.ticket)
                .map_err(|e| in_script(e, act))?;
            let last = t
                .last_customer_message
                .max(t.last_team_message)
                .unwrap_or(t.created);
            conversations.push((t.full_id, last));
        }
        Ok(act_times(acts, &conversations, now))
    }

    /// Applies one act of the script, as its agent, at `at`.
    fn play(&mut self, act: &Act, at: i64, now: i64, resuming: bool) -> Result<()> {
        let in_script = |e: Error| in_script(e, act);
        if let Some(edit) = act.edit(now) {
            // After a crash, an agent's act on a ticket is either all in the log or not at all.
            let done = resuming
                && self
                    .ticket(&act.ticket, false)
                    .map_err(in_script)?
                    .history
                    .iter()
                    .any(|h| h.actor.eq_ignore_ascii_case(&act.by));
            if !done {
                let at_ms = u64::try_from(at.saturating_mul(1000)).ok();
                self.ticket_set_by(&act.ticket, edit, &act.by, at_ms)
                    .map_err(in_script)?;
            }
        }
        if act.read {
            self.ticket(&act.ticket, true).map_err(in_script)?;
        }
        Ok(())
    }

    /// Conversations that are tickets.
    fn demo_tickets(&mut self) -> Result<usize> {
        let all = Query {
            all: true,
            ..Query::default()
        };
        Ok(self
            .tickets(&all)?
            .iter()
            .filter(|t| !t.not_a_ticket)
            .count())
    }
}

/// An error of an act, named as the script's.
fn in_script(e: Error, act: &Act) -> Error {
    match e {
        Error::Usage(m) => Error::Usage(format!("demo/script.toml, act on <{}>: {m}", act.ticket)),
        other => other,
    }
}

/// A delay in [`ACT_DELAY_SECS`] for an agent's act on a ticket, the same on every import.
fn act_delay(act: &Act) -> i64 {
    let h = blake3::hash(format!("{}\n{}", act.ticket, act.by.to_ascii_lowercase()).as_bytes());
    let n = h.as_bytes()[..8]
        .iter()
        .fold(0u64, |n, b| (n << 8) | u64::from(*b));
    let span = (ACT_DELAY_SECS.end - ACT_DELAY_SECS.start).unsigned_abs();
    ACT_DELAY_SECS.start + (n % span) as i64
}

/// When each act happened, in seconds: [`act_delay`] after the last message of its conversation
/// (`conversations[i]`: the conversation's id and last message), or after the act before it on
/// the same conversation in the script, but no later than a minute before `now`.
fn act_times(acts: &[Act], conversations: &[(String, i64)], now: i64) -> Vec<i64> {
    let mut latest: HashMap<&str, i64> = HashMap::new();
    acts.iter()
        .zip(conversations)
        .map(|(act, (id, last_message))| {
            let after = latest.get(id.as_str()).copied().unwrap_or(*last_message);
            let at = after + act_delay(act);
            latest.insert(id, at);
            at.min(now - 60)
        })
        .collect()
}

fn demo_account(team: &TeamSpec) -> Account {
    Account {
        name: DEMO_ACCOUNT.into(),
        display_name: team.company.clone(),
        email: team.support.clone(),
        aliases: team.aliases.clone(),
        folders: Vec::new(),
        imap: ImapSettings {
            host: DEMO_HOST.into(),
            port: 993,
            security: Security::Tls,
            user: DEMO_ACCOUNT.into(),
            ca_cert: None,
            auth: AuthMech::Password,
            password_cmd: None,
        },
        smtp: None,
    }
}

/// A demo message, moved in time and hashed.
struct Shifted {
    name: &'static str,
    folder: &'static str,
    date: i64,
    hash: crate::store::Hash,
    raw: Vec<u8>,
}

/// The headers a shift needs, read without the full parser.
struct Head {
    date: DateTime<FixedOffset>,
    message_id: Option<String>,
    /// In-Reply-To and References: the messages whose dates the body may quote.
    cites: Vec<String>,
}

fn split_head(raw: &[u8]) -> (&[u8], &[u8]) {
    for (i, w) in raw.windows(4).enumerate() {
        if w == b"\r\n\r\n" {
            return (&raw[..i + 2], &raw[i + 2..]);
        }
    }
    match raw.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&raw[..i + 1], &raw[i + 1..]),
        None => (raw, &[]),
    }
}

/// Header fields, unfolded: (name, value).
fn fields(head: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    out
}

fn ids(value: &str) -> Vec<String> {
    value
        .split('<')
        .skip(1)
        .filter_map(|s| s.split_once('>').map(|(id, _)| id.trim().to_string()))
        .collect()
}

fn head(name: &str, raw: &[u8]) -> Result<Head> {
    let broken = |why: &str| Error::Usage(format!("the demo message {name} is broken: {why}"));
    let (h, _) = split_head(raw);
    let h = std::str::from_utf8(h).map_err(|_| broken("headers are not UTF-8"))?;
    let fields = fields(h);
    let get = |n: &str| fields.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let date = get("date").ok_or_else(|| broken("no Date header"))?;
    let date = DateTime::parse_from_rfc2822(date).map_err(|e| broken(&format!("Date: {e}")))?;
    let mut cites = Vec::new();
    for n in ["references", "in-reply-to"] {
        cites.extend(get(n).map(ids).unwrap_or_default());
    }
    Ok(Head {
        date,
        message_id: get("message-id").and_then(|v| ids(v).into_iter().next()),
        cites,
    })
}

/// Hours to move every message by so that the newest is [`NEWEST_AGE_SECS`] (to the hour) old.
fn shift_hours(files: &[(&str, &[u8])], now: i64) -> Result<i64> {
    let mut newest = i64::MIN;
    for (name, raw) in files {
        newest = newest.max(head(name, raw)?.date.timestamp());
    }
    Ok((now - NEWEST_AGE_SECS - newest).div_euclid(3600))
}

/// Every demo message moved by `by`, hashed.
fn shifted(files: &[(&'static str, &[u8])], by: Duration) -> Result<Vec<Shifted>> {
    let heads = files
        .iter()
        .map(|(name, raw)| head(name, raw))
        .collect::<Result<Vec<_>>>()?;
    let dates: HashMap<&str, DateTime<FixedOffset>> = heads
        .iter()
        .filter_map(|h| h.message_id.as_deref().map(|id| (id, h.date)))
        .collect();
    let mut out = Vec::with_capacity(files.len());
    for ((name, raw), h) in files.iter().zip(&heads) {
        let cited: Vec<DateTime<FixedOffset>> = h
            .cites
            .iter()
            .filter_map(|id| dates.get(id.as_str()).copied())
            .collect();
        let raw = shift(raw, by, h.date, &cited)
            .ok_or_else(|| Error::Usage(format!("the demo message {name} is not UTF-8")))?;
        let folder = if name.starts_with("sent/") {
            "Sent"
        } else {
            "INBOX"
        };
        out.push(Shifted {
            name,
            folder,
            date: (h.date + by).timestamp(),
            hash: crate::store::content_hash(&raw),
            raw,
        });
    }
    Ok(out)
}

/// How mail clients write a date in quoted history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// Gmail in English: `Tue, Nov 3, 2026 at 10:12 AM`.
    English,
    /// Outlook's `Sent:` line: `Tuesday, November 3, 2026 10:12 AM`.
    Outlook,
    /// Gmail in French: `mar. 3 nov. 2026 à 10:12`.
    French,
    /// Gmail in Indonesian: `Sel, 3 Nov 2026 pukul 10.12`.
    Indonesian,
}

const STYLES: [Style; 4] = [
    Style::English,
    Style::Outlook,
    Style::French,
    Style::Indonesian,
];

fn render(d: DateTime<FixedOffset>, style: Style) -> String {
    const WD: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const WD_LONG: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    const MON: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const MON_LONG: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const WD_FR: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
    const MON_FR: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    const WD_ID: [&str; 7] = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"];
    const MON_ID: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
    ];
    let w = d.weekday().num_days_from_monday() as usize;
    let m = d.month0() as usize;
    let (day, year, hour, minute) = (d.day(), d.year(), d.hour(), d.minute());
    let h12 = || {
        let h = if hour % 12 == 0 { 12 } else { hour % 12 };
        let ampm = if hour < 12 { "AM" } else { "PM" };
        format!("{h}:{minute:02} {ampm}")
    };
    match style {
        Style::English => format!("{}, {} {day}, {year} at {}", WD[w], MON[m], h12()),
        Style::Outlook => format!("{}, {} {day}, {year} {}", WD_LONG[w], MON_LONG[m], h12()),
        Style::French => format!(
            "{} {day} {} {year} à {hour:02}:{minute:02}",
            WD_FR[w], MON_FR[m]
        ),
        Style::Indonesian => {
            format!(
                "{}, {day} {} {year} pukul {hour:02}.{minute:02}",
                WD_ID[w], MON_ID[m]
            )
        }
    }
}

/// Header lines that may appear inside a body with a date to move (RFC 3464 reports, copies of
/// a message's headers).
const DATE_LINES: [&str; 3] = ["Date:", "Arrival-Date:", "Last-Attempt-Date:"];

/// Moves a raw message by `by`: its Date header, date header lines in its body, and the dates of
/// `cited` messages as quoted history renders them (in the message's offset or the cited one's).
/// `None` when the message is not UTF-8.
fn shift(
    raw: &[u8],
    by: Duration,
    date: DateTime<FixedOffset>,
    cited: &[DateTime<FixedOffset>],
) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(raw).ok()?;
    let (head, body) = split_head(raw);
    let body_start = head.len();
    // (start, end, replacement) in `text`, found on the original so no date moves twice.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut offset = 0;
    let mut in_head = true;
    for line in text.split_inclusive('\n') {
        if offset >= body_start {
            in_head = false;
        }
        let content = line.trim_end_matches(['\r', '\n']);
        let is_date = if in_head {
            content.len() > 5 && content[..5].eq_ignore_ascii_case("date:")
        } else {
            DATE_LINES.iter().any(|p| content.starts_with(p))
        };
        if is_date
            && let Some((name, value)) = content.split_once(':')
            && let Ok(d) = DateTime::parse_from_rfc2822(value.trim())
        {
            let start = offset + name.len() + 1;
            edits.push((
                start,
                offset + content.len(),
                format!(" {}", (d + by).to_rfc2822()),
            ));
        }
        offset += line.len();
    }
    let body_text = std::str::from_utf8(body).ok()?;
    for d in cited {
        for tz in [*date.offset(), *d.offset()] {
            let (from, to) = (d.with_timezone(&tz), (*d + by).with_timezone(&tz));
            for style in STYLES {
                let needle = render(from, style);
                for (at, _) in body_text.match_indices(&needle) {
                    let start = body_start + at;
                    edits.push((start, start + needle.len(), render(to, style)));
                }
            }
        }
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, with) in edits {
        if start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&with);
        at = end;
    }
    out.push_str(&text[at..]);
    Some(out.into_bytes())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc2822(s).unwrap()
    }

    #[test]
    fn renders_dates_the_way_mail_clients_quote_them() {
        let d = at("Tue, 3 Nov 2026 14:05:09 +0100");
        assert_eq!(render(d, Style::English), "Tue, Nov 3, 2026 at 2:05 PM");
        assert_eq!(
            render(d, Style::Outlook),
            "Tuesday, November 3, 2026 2:05 PM"
        );
        assert_eq!(render(d, Style::French), "mar. 3 nov. 2026 à 14:05");
        assert_eq!(render(d, Style::Indonesian), "Sel, 3 Nov 2026 pukul 14.05");
        let midnight = at("Sun, 1 Feb 2026 00:30:00 +0000");
        assert_eq!(
            render(midnight, Style::English),
            "Sun, Feb 1, 2026 at 12:30 AM"
        );
        assert_eq!(render(midnight, Style::French), "dim. 1 févr. 2026 à 00:30");
    }

    #[test]
    fn a_shift_moves_the_header_and_the_quoted_dates_once() {
        let quoted = at("Tue, 3 Nov 2026 10:12:00 -0800");
        let raw = "Date: Tue, 3 Nov 2026 20:00:00 +0100\r\nSubject: x\r\n\r\nThanks!\r\n\r\n\
                   On Tue, Nov 3, 2026 at 7:12 PM Maya <m@x.example> wrote:\r\n> Hi\r\n\
                   Date: Tue, 3 Nov 2026 10:12:00 -0800\r\n";
        let out = shift(
            raw.as_bytes(),
            Duration::hours(24 * 30 + 2),
            at("Tue, 3 Nov 2026 20:00:00 +0100"),
            &[quoted],
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.starts_with("Date: Thu, 3 Dec 2026 22:00:00 +0100\r\n"),
            "{out}"
        );
        assert!(out.contains("On Thu, Dec 3, 2026 at 9:12 PM Maya"), "{out}");
        assert!(
            out.contains("\r\nDate: Thu, 3 Dec 2026 12:12:00 -0800\r\n"),
            "{out}"
        );
    }

    #[test]
    fn every_demo_date_moves_and_the_newest_is_two_hours_old() {
        // Far from late 2026, so any date left behind shows as " 2026".
        let now = at("Fri, 14 Mar 2031 09:30:00 +0000").timestamp();
        let hours = shift_hours(FILES, now).unwrap();
        let mail = shifted(FILES, Duration::hours(hours)).unwrap();
        assert_eq!(mail.len(), FILES.len());
        let newest = mail.iter().map(|m| m.date).max().unwrap();
        assert!(
            (2 * 3600..3 * 3600).contains(&(now - newest)),
            "{}",
            now - newest
        );
        for m in &mail {
            let text = String::from_utf8(m.raw.clone()).unwrap();
            assert!(!text.contains(" 2026"), "{} keeps a date:\n{text}", m.name);
        }
    }

    /// Every op's id, and the workspace's messages, tickets and read marks.
    fn footprint(e: &mut Engine) -> (Vec<String>, usize, usize, usize) {
        let all = Query {
            all: true,
            ..Query::default()
        };
        let tickets = e.tickets(&all).unwrap();
        let mut ops = Vec::new();
        for t in &tickets {
            ops.extend(
                e.ticket(&t.id, false)
                    .unwrap()
                    .history
                    .into_iter()
                    .map(|h| h.op),
            );
        }
        ops.sort();
        let store = e.store().unwrap();
        let read = store.read_set().unwrap().len();
        (ops, store.hashes().unwrap().len(), tickets.len(), read)
    }

    #[test]
    fn an_import_cut_short_runs_again_without_doubling_anything() {
        let dir = tempfile::tempdir().unwrap();
        let paths = super::super::Paths::resolve(Some(dir.path().to_path_buf())).unwrap();
        let mut e = Engine::new(paths, "test");
        let hours = shift_hours(FILES, chrono::Utc::now().timestamp()).unwrap();
        let progress = importing(dir.path());
        std::fs::write(&progress, format!("{hours}\n")).unwrap();
        assert!(e.import_demo().unwrap().imported);
        let before = footprint(&mut e);
        assert!(before.0.len() > 100 && before.3 > 50, "{before:?}");
        // As if the process had died just before writing the marker.
        std::fs::remove_file(marker(dir.path())).unwrap();
        std::fs::write(&progress, format!("{hours}\n")).unwrap();
        assert!(e.import_demo().unwrap().imported);
        assert_eq!(footprint(&mut e), before);
        assert!(e.is_demo() && !progress.exists());
    }

    #[test]
    fn warming_the_search_opens_the_index_and_searches_still_answer() {
        let dir = tempfile::tempdir().unwrap();
        let paths = super::super::Paths::resolve(Some(dir.path().to_path_buf())).unwrap();
        let mut e = Engine::new(paths.clone(), "test");
        e.import_demo().unwrap();
        let expected = e.search("export", 50, false).unwrap();
        assert!(!expected.is_empty());
        drop(e);
        let mut cold = Engine::new(paths, "test");
        assert!(!cold.search_is_open());
        cold.warm_search().unwrap();
        assert!(cold.search_is_open());
        assert_eq!(cold.search("export", 50, false).unwrap(), expected);
    }

    #[test]
    fn acts_come_minutes_after_their_conversation_and_the_act_before_never_after_now() {
        let s = script().unwrap();
        // Every act on a conversation of its own Message-ID, whose last message is an hour apart.
        let conversations: Vec<(String, i64)> = s
            .acts
            .iter()
            .zip(0..)
            .map(|(a, i)| (a.ticket.clone(), 1_000_000 + i * 3600))
            .collect();
        let now = 2_000_000_000;
        let times = act_times(&s.acts, &conversations, now);
        assert_eq!(times, act_times(&s.acts, &conversations, now));
        let mut before: HashMap<&str, i64> = HashMap::new();
        for ((act, (id, _)), at) in s.acts.iter().zip(&conversations).zip(&times) {
            let first = conversations.iter().find(|(c, _)| c == id).unwrap().1;
            let after = before.insert(id.as_str(), *at).unwrap_or(first);
            assert!(
                ACT_DELAY_SECS.contains(&(at - after)),
                "{} on <{}>: {at} after {after}",
                act.by,
                act.ticket
            );
        }
        let spread: std::collections::HashSet<i64> = times.iter().map(|t| t % 3600 / 60).collect();
        assert!(spread.len() > 10, "{spread:?}");
        // An import right after the newest message dates its acts a minute ago at the latest.
        let soon = act_times(&s.acts, &conversations, 1_000_000 + 600);
        assert!(soon.iter().all(|t| *t <= 1_000_000 + 540), "{soon:?}");
    }

    #[test]
    fn the_script_names_only_agents_and_known_fields() {
        let s = script().unwrap();
        assert!(s.acts.len() > 40);
        assert!(s.team.agents.iter().any(|a| a.email == s.team.me.email));
    }
}
