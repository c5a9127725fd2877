//! Composing: who a reply goes to and from, its threading headers, and the MIME message
//! (plain text plus an HTML alternative, attachments) built with lettre.
//!
//! Everything here is pure: the caller supplies the message answered, the team's addresses and
//! the clock, and gets bytes back. Threading follows RFC 5322 §3.6.4: `In-Reply-To` names the
//! parent, `References` is the parent's references (or its In-Reply-To) plus the parent.

use std::time::SystemTime;

use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use crate::mail::html::escape;
use crate::store::{Addr, MessageRecord};

/// How many References a reply keeps: the first (the thread's root) and the latest ones, so a
/// long conversation does not grow the header without end (RFC 5322 §3.6.4 allows trimming).
const MAX_REFERENCES: usize = 20;

/// A file sent along.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileAttachment {
    pub name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// The message being answered, as the quote shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quoted {
    /// Unix seconds.
    pub date: i64,
    pub who: String,
    pub text: String,
}

/// Everything an outgoing message is made of.
#[derive(Clone, Debug)]
pub struct Draft {
    pub from: Addr,
    pub to: Vec<Addr>,
    pub cc: Vec<Addr>,
    pub subject: String,
    /// What the person wrote (the signature already added).
    pub text: String,
    pub quoted: Option<Quoted>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub attachments: Vec<FileAttachment>,
    /// A whole message forwarded as a `message/rfc822` attachment.
    pub forwarded: Option<Vec<u8>>,
    /// Without angle brackets.
    pub message_id: String,
    pub date: SystemTime,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("\"{0}\" is not an address mail can be sent to")]
    Address(String),
    #[error("the message has no recipient")]
    NoRecipient,
    #[error("cannot build the message: {0}")]
    Build(String),
}

fn mailbox(a: &Addr) -> Result<Mailbox, Error> {
    let email = a
        .email
        .trim()
        .parse()
        .map_err(|_| Error::Address(a.email.clone()))?;
    Ok(Mailbox::new(
        a.name.clone().filter(|n| !n.trim().is_empty()),
        email,
    ))
}

fn angle(id: &str) -> String {
    format!(
        "<{}>",
        id.trim().trim_start_matches('<').trim_end_matches('>')
    )
}

/// Builds the RFC 5322 bytes of a draft.
pub fn build(d: &Draft) -> Result<Vec<u8>, Error> {
    if d.to.is_empty() && d.cc.is_empty() {
        return Err(Error::NoRecipient);
    }
    let mut b = Message::builder()
        .from(mailbox(&d.from)?)
        .subject(d.subject.clone())
        .message_id(Some(angle(&d.message_id)))
        .date(d.date)
        .user_agent(format!("Siphon {}", env!("CARGO_PKG_VERSION")));
    for a in &d.to {
        b = b.to(mailbox(a)?);
    }
    for a in &d.cc {
        b = b.cc(mailbox(a)?);
    }
    if let Some(parent) = &d.in_reply_to {
        b = b.in_reply_to(angle(parent));
    }
    if !d.references.is_empty() {
        let refs: Vec<String> = d.references.iter().map(|r| angle(r)).collect();
        b = b.references(refs.join(" "));
    }
    let text = full_text(&d.text, d.quoted.as_ref());
    let html = html_of(&d.text, d.quoted.as_ref());
    let body = MultiPart::alternative_plain_html(text, html);
    let message = if d.attachments.is_empty() && d.forwarded.is_none() {
        b.multipart(body)
    } else {
        let mut mixed = MultiPart::mixed().multipart(body);
        for f in &d.attachments {
            let ct = ContentType::parse(&f.mime)
                .unwrap_or_else(|_| ContentType::parse("application/octet-stream").expect("valid"));
            mixed = mixed.singlepart(Attachment::new(f.name.clone()).body(f.bytes.clone(), ct));
        }
        if let Some(raw) = &d.forwarded {
            let ct = ContentType::parse("message/rfc822").expect("valid");
            mixed = mixed.singlepart(
                SinglePart::builder()
                    .header(ct)
                    .header(lettre::message::header::ContentDisposition::inline())
                    .body(raw.clone()),
            );
        }
        b.multipart(mixed)
    }
    .map_err(|e| Error::Build(e.to_string()))?;
    Ok(message.formatted())
}

/// The plain-text part: the person's words, then the quoted message.
pub fn full_text(text: &str, quoted: Option<&Quoted>) -> String {
    let mut out = text.trim_end().to_string();
    out.push('\n');
    if let Some(q) = quoted {
        out.push('\n');
        out.push_str(&attribution(q));
        out.push('\n');
        for line in q.text.trim_end().lines() {
            if line.is_empty() {
                out.push_str(">\n");
            } else {
                out.push_str("> ");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

fn attribution(q: &Quoted) -> String {
    let when = chrono::DateTime::from_timestamp(q.date, 0)
        .map(|d| d.format("%a, %-d %b %Y at %H:%M UTC").to_string())
        .unwrap_or_default();
    format!("On {when}, {} wrote:", q.who)
}

/// Paragraphs at blank lines, line breaks kept.
fn paragraphs(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            format!(
                "<p>{}</p>",
                escape(p.trim_matches('\n')).replace('\n', "<br>\n")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The HTML alternative: the same words, with the quote as a cited blockquote.
pub fn html_of(text: &str, quoted: Option<&Quoted>) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html><body>\n");
    out.push_str(&paragraphs(text));
    if let Some(q) = quoted {
        out.push_str(&format!(
            "\n<p>{}</p>\n<blockquote type=\"cite\" style=\"margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex\">\n{}\n</blockquote>",
            escape(&attribution(q)),
            paragraphs(&q.text)
        ));
    }
    out.push_str("\n</body></html>\n");
    out
}

/// "Re: " once, however many the subject already carries.
pub fn reply_subject(subject: &str) -> String {
    format!("Re: {}", strip_prefixes(subject, &["re:"]))
}

/// "Fwd: " once.
pub fn forward_subject(subject: &str) -> String {
    format!("Fwd: {}", strip_prefixes(subject, &["fwd:", "fw:"]))
}

fn strip_prefixes<'s>(subject: &'s str, prefixes: &[&str]) -> &'s str {
    let mut s = subject.trim();
    loop {
        let lower = s.to_ascii_lowercase();
        let cut = prefixes
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| p.len());
        match cut {
            Some(n) => s = s[n..].trim_start(),
            None => return s,
        }
    }
}

/// The References of a reply to `parent`.
pub fn references(parent: &MessageRecord) -> Vec<String> {
    let mut refs: Vec<String> = if parent.references.is_empty() {
        parent.in_reply_to.clone()
    } else {
        parent.references.clone()
    };
    if !parent.synthetic_id {
        refs.push(parent.message_id.clone());
    }
    refs.dedup();
    if refs.len() > MAX_REFERENCES {
        let tail = refs.split_off(refs.len() - (MAX_REFERENCES - 1));
        refs.truncate(1);
        refs.extend(tail);
    }
    refs
}

/// Who a reply goes to: the parent's Reply-To, else its From; with `all`, the parent's other
/// recipients in Cc. The team's own addresses (`is_team`) are never among them.
pub fn recipients(
    parent: &MessageRecord,
    all: bool,
    is_team: &dyn Fn(&str) -> bool,
) -> (Vec<Addr>, Vec<Addr>) {
    let mut seen = std::collections::HashSet::new();
    let mut keep = |a: &Addr| !is_team(&a.email) && seen.insert(a.email.to_ascii_lowercase());
    let primary = if parent.reply_to.is_empty() {
        &parent.from
    } else {
        &parent.reply_to
    };
    let to: Vec<Addr> = primary.iter().filter(|a| keep(a)).cloned().collect();
    let cc = if all {
        parent
            .from
            .iter()
            .chain(&parent.to)
            .chain(&parent.cc)
            .filter(|a| keep(a))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    (to, cc)
}

/// The address a reply is sent from: the account's address (or alias) the customer wrote to,
/// else the account's main address.
pub fn from_address(parent: Option<&MessageRecord>, addresses: &[String]) -> Option<String> {
    let wrote_to = parent
        .into_iter()
        .flat_map(|p| p.to.iter().chain(&p.cc))
        .map(|a| a.email.to_ascii_lowercase())
        .find(|e| addresses.contains(e));
    wrote_to.or_else(|| addresses.first().cloned())
}

/// "Maya from Acme": the agent's name with the mailbox's, or whichever of the two exists.
pub fn from_name(agent: Option<&str>, mailbox: &str) -> Option<String> {
    let agent = agent.map(str::trim).filter(|a| !a.is_empty());
    let mailbox = mailbox.trim();
    match (agent, mailbox.is_empty()) {
        (Some(a), false) => Some(format!("{a} from {mailbox}")),
        (Some(a), true) => Some(a.to_string()),
        (None, false) => Some(mailbox.to_string()),
        (None, true) => None,
    }
}

/// The person's words with their signature under the conventional "-- " line (RFC 3676 §4.3).
pub fn with_signature(text: &str, signature: Option<&str>) -> String {
    match signature
        .map(str::trim_end)
        .filter(|s| !s.trim().is_empty())
    {
        Some(sig) => format!("{}\n\n-- \n{sig}\n", text.trim_end()),
        None => format!("{}\n", text.trim_end()),
    }
}

/// A fresh Message-ID at the sender's domain: unique by time, process and a counter, hashed so
/// it reveals neither.
pub fn new_message_id(from: &str, node: u64) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let mut h = blake3::Hasher::new();
    h.update(&nanos.to_le_bytes());
    h.update(&std::process::id().to_le_bytes());
    h.update(&COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    h.update(&node.to_le_bytes());
    let hex: String = h.finalize().as_bytes()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d)
        .unwrap_or("siphon.invalid");
    format!("{hex}.siphon@{domain}")
}

/// The MIME type of a file sent along, from its extension.
pub fn mime_of(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "json" => "application/json",
        "zip" => "application/zip",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "eml" => "message/rfc822",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
#[path = "compose_tests.rs"]
mod tests;
