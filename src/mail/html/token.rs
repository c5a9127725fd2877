//! Reading markup back: a tokenizer for ammonia's (well-formed) output, and a rough scan of a
//! raw tag that also serves on unsanitised input. Not a general HTML parser: it trusts that
//! attribute values are quoted and `<` in text is escaped, which serialised markup guarantees.

use std::ops::Range;

use super::text::unescape;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Start,
    End,
    Text,
    Comment,
}

/// One token of serialised markup: a tag, a run of text, or a comment; `name` is a tag's name.
#[derive(Clone, Debug)]
pub(super) struct Token<'a> {
    pub(super) kind: Kind,
    pub(super) name: &'a str,
    pub(super) raw: Range<usize>,
}

pub(super) fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// The tag of raw markup at `at`: (where it ends, its name, whether it is an end tag). Comments
/// and doctypes have no name; None when `<` opens no tag.
pub(super) fn raw_tag(html: &str, at: usize) -> Option<(usize, &str, bool)> {
    let b = html.as_bytes();
    let rest = &html[at..];
    if let Some(comment) = rest.strip_prefix("<!--") {
        let end = comment.find("-->").map_or(html.len(), |e| at + 4 + e + 3);
        return Some((end, "", false));
    }
    if rest.starts_with("<!") || rest.starts_with("<?") {
        return Some((rest.find('>').map_or(html.len(), |e| at + e + 1), "", false));
    }
    let closing = rest.starts_with("</");
    let start = at + 1 + usize::from(closing);
    if !b.get(start).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let mut j = start;
    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'/' && b[j] != b'>' {
        j += 1;
    }
    let name = &html[start..j];
    while j < b.len() {
        match b[j] {
            b'>' => return Some((j + 1, name, closing)),
            b'=' => {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if let Some(&q) = b.get(j).filter(|&&q| q == b'"' || q == b'\'') {
                    j = html[j + 1..]
                        .find(char::from(q))
                        .map_or(b.len(), |e| j + 1 + e + 1);
                }
            }
            _ => j += 1,
        }
    }
    Some((html.len(), name, closing))
}

/// Splits serialised markup (ammonia's output, or ours) into tokens. Not a general HTML
/// tokenizer: it trusts that attribute values are quoted and `<` in text is escaped.
pub(super) fn tokens(html: &str) -> Vec<Token<'_>> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut text_start) = (0, 0);
    while let Some(at) = b
        .get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b'<'))
    {
        let at = i + at;
        let Some((end, name, closing)) = raw_tag(html, at) else {
            i = at + 1;
            continue;
        };
        let kind = match (name, closing) {
            ("", _) => Kind::Comment,
            (_, true) => Kind::End,
            (_, false) => Kind::Start,
        };
        if text_start < at {
            out.push(Token {
                kind: Kind::Text,
                name: "",
                raw: text_start..at,
            });
        }
        out.push(Token {
            kind,
            name,
            raw: at..end,
        });
        i = end;
        text_start = end;
    }
    if text_start < html.len() {
        out.push(Token {
            kind: Kind::Text,
            name: "",
            raw: text_start..html.len(),
        });
    }
    out
}

/// The attributes of a start tag as written: (name, value still escaped).
pub(super) fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let b = tag.as_bytes();
    let mut out = Vec::new();
    let mut i = tag
        .find(|c: char| c.is_ascii_whitespace() || c == '>')
        .unwrap_or(tag.len());
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' {
            return out;
        }
        let start = i;
        while i < b.len() && !matches!(b[i], b'=' | b'>' | b'/') && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let name = &tag[start..i];
        if b.get(i) != Some(&b'=') {
            out.push((name, ""));
            continue;
        }
        i += 1;
        let value = if b.get(i) == Some(&b'"') {
            let end = tag[i + 1..].find('"').map_or(tag.len(), |e| i + 1 + e);
            let v = &tag[i + 1..end];
            i = end + 1;
            v
        } else {
            let end = tag[i..]
                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                .map_or(tag.len(), |e| i + e);
            let v = &tag[i..end];
            i = end;
            v
        };
        out.push((name, value));
    }
}

pub(super) fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    attributes(tag)
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// Whether sanitised markup shows anything: text, or an image.
pub(super) fn has_content(html: &str) -> bool {
    tokens(html).iter().any(|t| significant(html, t))
}

pub(super) fn significant(html: &str, t: &Token<'_>) -> bool {
    match t.kind {
        Kind::Text => unescape(&html[t.raw.clone()])
            .chars()
            .any(|c| !c.is_whitespace()),
        Kind::Start => t.name == "img",
        _ => false,
    }
}
