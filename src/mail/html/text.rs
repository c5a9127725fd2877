//! Text in HTML: plain text made into escaped HTML with its links and `>` lines marked, the
//! escapes and entities of serialised markup, and the encodings of inline images (percent-decoded
//! `cid:` URLs, base64 `data:` URIs).

use std::borrow::Cow;

/// Escaped, linked text, `>` lines marked so they can be dimmed.
pub(super) fn push_text(out: &mut String, text: &str) {
    for line in text.split_inclusive('\n') {
        let quoted = line.trim_start().starts_with('>');
        if quoted {
            out.push_str("<span class=\"quote-line\">");
        }
        let body = line.strip_suffix('\n').unwrap_or(line);
        linkify(out, body);
        if quoted {
            out.push_str("</span>");
        }
        if body.len() < line.len() {
            out.push('\n');
        }
    }
}

/// Appends `text` escaped, with http(s) URLs, mailto: URLs and bare addresses as links.
fn linkify(out: &mut String, text: &str) {
    let mut last = 0;
    for (start, word) in words(text) {
        let core = word.trim_start_matches(['(', '<', '[', '"', '\'', '*']);
        let core_start = start + (word.len() - core.len());
        let core = trim_url_end(core);
        let lower = core.to_ascii_lowercase();
        let web = (lower.starts_with("http://") || lower.starts_with("https://"))
            && core.len() > lower.find("//").unwrap_or(0) + 2;
        let href = if web || (lower.starts_with("mailto:") && core.len() > 7) {
            Some(core.to_string())
        } else if is_address(core) {
            Some(format!("mailto:{core}"))
        } else {
            None
        };
        if let Some(href) = href {
            out.push_str(&escape(&text[last..core_start]));
            let href = escape(&href);
            out.push_str(&format!(
                "<a href=\"{href}\" rel=\"noopener noreferrer\" title=\"{href}\">{}</a>",
                escape(core)
            ));
            last = core_start + core.len();
        }
    }
    out.push_str(&escape(&text[last..]));
}

/// Runs of non-space characters with their offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace()
        .map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

/// A URL without the punctuation that ends the sentence around it; a closing bracket stays
/// when the URL opened it ("https://en.wikipedia.org/wiki/Foo_(bar)").
fn trim_url_end(url: &str) -> &str {
    let mut url = url;
    loop {
        let Some(last) = url.chars().last() else {
            return url;
        };
        let drop = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | '>' | '*' => true,
            ')' => url.matches('(').count() < url.matches(')').count(),
            ']' => url.matches('[').count() < url.matches(']').count(),
            _ => false,
        };
        if !drop {
            return url;
        }
        url = &url[..url.len() - last.len_utf8()];
    }
}

fn is_address(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "._%+-'".contains(c))
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

// ---------------------------------------------------------------------------------------------
// Escapes and encodings

/// Escapes text for HTML text and double-quoted attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Undoes the escapes an HTML serialiser writes (and the common numeric ones).
pub(super) fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match entity(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character an entity at the start of `s` stands for, and its length.
pub(super) fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.get(..12.min(s.len()))?.find(';')?;
    let name = &s[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

pub(super) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let pair = b
            .get(i + 1)
            .copied()
            .and_then(hex)
            .zip(b.get(i + 2).copied().and_then(hex));
        match (b[i], pair) {
            (b'%', Some((hi, lo))) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
