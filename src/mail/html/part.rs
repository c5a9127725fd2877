//! The parts of a parsed message, as the renderer names and uses them: attachment file names
//! cleaned of anything that could disguise them, mime types, Content-IDs (RFC 2392) and the
//! image type of a part's bytes, judged from the bytes themselves.

use mail_parser::{MessagePart, MimeHeaders};

/// The Content-ID standing for attachment `index` when an image sits between body parts.
pub(super) fn part_cid(index: usize) -> String {
    format!("siphon-part-{index}")
}

pub(super) fn part_by_cid(parts: &[&MessagePart<'_>], id: &str) -> Option<usize> {
    if let Some(i) = id
        .strip_prefix("siphon-part-")
        .and_then(|n| n.parse::<usize>().ok())
    {
        return Some(i);
    }
    let ids: Vec<Option<&str>> = parts
        .iter()
        .map(|p| p.content_id().map(clean_cid))
        .collect();
    // RFC 2392 compares Content-IDs exactly, but some senders change the case on the way.
    ids.iter().position(|c| *c == Some(id)).or_else(|| {
        ids.iter()
            .position(|c| c.is_some_and(|c| c.eq_ignore_ascii_case(id)))
    })
}

pub(super) fn clean_cid(id: &str) -> &str {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
}

pub(super) fn part_name(part: &MessagePart<'_>) -> String {
    if let Some(name) = part.attachment_name() {
        return clean_name(name);
    }
    if let Some(m) = part.message() {
        let subject = clean_name(m.subject().unwrap_or_default());
        let subject = if subject == "unnamed" {
            "message".into()
        } else {
            subject
        };
        return format!("{subject}.eml");
    }
    "unnamed".to_string()
}

pub(super) fn part_mime(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(ct) => match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_string(),
        }
        .to_ascii_lowercase(),
        None if part.is_message() => "message/rfc822".to_string(),
        None if part.is_text() => "text/plain".to_string(),
        None => "application/octet-stream".to_string(),
    }
}

/// A file name fit to show and to save: no directories, no control or bidirectional-override
/// characters (which can disguise an extension), at most 255 characters.
pub(super) fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
        })
        .take(255)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        "unnamed".to_string()
    } else {
        clean.to_string()
    }
}

/// The image type of these bytes, from their first bytes (the declared type may lie).
pub(super) fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some("image/webp")
    } else {
        None
    }
}
