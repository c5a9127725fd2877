//! Parsing raw mail into Siphon's normalised message record.
//!
//! Pure functions: bytes in, [`Parsed`] out. Parsing never fails outright: a message the parser
//! cannot read at all is still stored raw, marked `unparsed`, and reported by `siphon status`.

pub mod html;

use std::borrow::Cow;

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};

use crate::store::{Addr, Attachment, DateSource, MessageRecord};

/// The earliest Date header taken at face value (1990-01-01); anything older is a broken clock.
const EARLIEST_PLAUSIBLE: i64 = 631_152_000;
/// A Date header this far after the server received the message is a broken clock too.
const FUTURE_SLACK_SECS: i64 = 2 * 24 * 3600;
const SNIPPET_CHARS: usize = 200;
/// Text bodies beyond this are cut: the raw message keeps the rest.
const TEXT_LIMIT: usize = 512 * 1024;

/// A parsed message: the record the store keeps, and the plain-text body stored beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub record: MessageRecord,
    pub text: String,
}

/// The Message-ID given to a message that has none: derived from its bytes, so every machine that
/// syncs the same message names it the same way.
pub fn synthetic_message_id(hash: &[u8; 16]) -> String {
    let hex: String = hash[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}@siphon.invalid")
}

/// Decides the date a message is filed under: the Date header, unless it is missing or absurd
/// (before 1990, or days after the server received it), then the server's INTERNALDATE.
pub fn filing_date(header: Option<i64>, internal: Option<i64>) -> (i64, DateSource) {
    let plausible = |d: i64| {
        d >= EARLIEST_PLAUSIBLE
            && match internal {
                Some(i) => d <= i + FUTURE_SLACK_SECS,
                None => true,
            }
    };
    match (header, internal) {
        (Some(d), _) if plausible(d) => (d, DateSource::Header),
        (_, Some(i)) => (i, DateSource::Internal),
        (Some(d), None) => (d, DateSource::Header),
        (None, None) => (0, DateSource::Unknown),
    }
}

/// Parses one raw message. `internal_date` is the server's INTERNALDATE (unix seconds).
pub fn parse(raw: &[u8], hash: &[u8; 16], internal_date: Option<i64>) -> Parsed {
    let mut problems = Vec::new();
    if raw.contains(&0) {
        problems.push("contains NUL bytes".to_string());
    }
    // A parser bug on hostile input must not take the sync down with it.
    let parsed =
        std::panic::catch_unwind(|| MessageParser::default().parse(raw).map(|m| extract(&m)));
    let mut out = match parsed {
        Ok(Some(p)) => p,
        Ok(None) => {
            problems.push("not a message the parser can read".to_string());
            unreadable(raw)
        }
        Err(_) => {
            problems.push("the parser crashed on this message".to_string());
            unreadable(raw)
        }
    };
    if out.message_id.is_empty() {
        out.message_id = synthetic_message_id(hash);
        out.synthetic_id = true;
        if !out.unparsed {
            problems.push("no Message-ID (a stable one was derived from the content)".to_string());
        }
    }
    let (date, source) = filing_date(out.date_header, internal_date);
    if out.date_header.is_none() && !out.unparsed {
        problems.push("no readable Date header (filed under the server's date)".to_string());
    } else if source == DateSource::Internal && out.date_header.is_some() {
        problems.push("implausible Date header (filed under the server's date)".to_string());
    }
    if out.from.is_empty() && !out.unparsed {
        problems.push("no From address".to_string());
    }
    problems.append(&mut out.problems);
    let record = MessageRecord {
        message_id: out.message_id,
        synthetic_id: out.synthetic_id,
        in_reply_to: out.in_reply_to,
        references: out.references,
        from: out.from,
        to: out.to,
        cc: out.cc,
        reply_to: out.reply_to,
        subject: out.subject,
        date,
        date_source: source,
        size: u32::try_from(raw.len()).unwrap_or(u32::MAX),
        attachments: out.attachments,
        snippet: snippet(&out.text),
        auto_submitted: out.auto_submitted,
        precedence: out.precedence,
        list_id: out.list_id,
        list_unsubscribe: out.list_unsubscribe,
        unparsed: out.unparsed,
        problems,
    };
    Parsed {
        record,
        text: out.text,
    }
}

/// What the parser gave us, before the filing decisions.
#[derive(Default)]
struct Extracted {
    message_id: String,
    synthetic_id: bool,
    in_reply_to: Vec<String>,
    references: Vec<String>,
    from: Vec<Addr>,
    to: Vec<Addr>,
    cc: Vec<Addr>,
    reply_to: Vec<Addr>,
    subject: String,
    date_header: Option<i64>,
    attachments: Vec<Attachment>,
    text: String,
    auto_submitted: Option<String>,
    precedence: Option<String>,
    list_id: Option<String>,
    list_unsubscribe: Option<String>,
    unparsed: bool,
    problems: Vec<String>,
}

fn unreadable(raw: &[u8]) -> Extracted {
    let text = String::from_utf8_lossy(&raw[..raw.len().min(TEXT_LIMIT)]).into_owned();
    Extracted {
        text,
        unparsed: true,
        ..Extracted::default()
    }
}

fn extract(m: &mail_parser::Message<'_>) -> Extracted {
    let mut problems = Vec::new();
    let message_id = m.message_id().map(clean_id).unwrap_or_default();
    let date_header = m.date().filter(|d| d.is_valid()).map(|d| d.to_timestamp());
    let mut text = String::new();
    for i in 0..m.text_body_count() {
        if let Some(t) = m.body_text(i) {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&t);
        }
        if text.len() > TEXT_LIMIT {
            break;
        }
    }
    if text.len() > TEXT_LIMIT {
        let mut cut = TEXT_LIMIT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        problems.push("text body over 512 KiB (cut in the index; the raw message is whole)".into());
    }
    let attachments = m
        .attachments()
        .map(|part| Attachment {
            name: part
                .attachment_name()
                .map(str::to_string)
                .unwrap_or_else(|| "unnamed".to_string()),
            mime: part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".to_string())
                .to_ascii_lowercase(),
            size: u32::try_from(part.len()).unwrap_or(u32::MAX),
        })
        .collect();
    let header_text = |name: &str| -> Option<String> {
        m.header_raw(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    Extracted {
        message_id,
        synthetic_id: false,
        in_reply_to: ids(m.in_reply_to()),
        references: ids(m.references()),
        from: addrs(m.from()),
        to: addrs(m.to()),
        cc: addrs(m.cc()),
        reply_to: addrs(m.reply_to()),
        subject: m.subject().unwrap_or_default().trim().to_string(),
        date_header,
        attachments,
        text,
        auto_submitted: header_text("Auto-Submitted"),
        precedence: header_text("Precedence"),
        list_id: header_text("List-Id"),
        list_unsubscribe: header_text("List-Unsubscribe"),
        unparsed: false,
        problems,
    }
}

fn clean_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    let list: Vec<Cow<'_, str>> = match v {
        HeaderValue::Text(t) => vec![t.clone()],
        HeaderValue::TextList(l) => l.clone(),
        _ => Vec::new(),
    };
    list.iter()
        .map(|s| clean_id(s))
        .filter(|s| !s.is_empty())
        .collect()
}

fn addrs(a: Option<&Address<'_>>) -> Vec<Addr> {
    let Some(a) = a else { return Vec::new() };
    a.iter()
        .filter_map(|x| {
            let email = x.address()?.trim().to_ascii_lowercase();
            if email.is_empty() {
                return None;
            }
            Some(Addr {
                name: x
                    .name()
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty()),
                email,
            })
        })
        .collect()
}

/// Free-mail domains: sharing one says nothing about being the same customer or company.
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.co.id",
    "yahoo.fr",
    "hotmail.com",
    "hotmail.fr",
    "outlook.com",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "sfr.fr",
    "wanadoo.fr",
    "proton.me",
    "protonmail.com",
    "yandex.ru",
    "mail.ru",
    "qq.com",
    "163.com",
    "ymail.com",
];

/// The organisation an address belongs to: its domain, unless that is a free-mail domain.
pub fn organisation(address: &str) -> Option<&str> {
    let domain = address.rsplit_once('@')?.1;
    (!FREE_MAIL.iter().any(|f| f.eq_ignore_ascii_case(domain))).then_some(domain)
}

/// The first words of a message, skipping quoted history and collapsing white space.
pub fn snippet(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('>') {
            continue;
        }
        for word in line.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
            if out.chars().count() >= SNIPPET_CHARS {
                return out.chars().take(SNIPPET_CHARS).collect();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
