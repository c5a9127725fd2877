//! Quoted history: where it starts, in plain text and in sanitised markup, and the cut there.
//!
//! The history starts at an attribution ("On … wrote:", "Le … a écrit :", "Pada … menulis:"),
//! an Outlook header block or separator, a trailing run of `>` lines, or (in markup) a marker
//! element some mail programs leave: Gmail's `div.gmail_quote`, Outlook's `#divRplyFwdMsg`, a
//! trailing `<blockquote>`. English, French and Indonesian are recognised. A forward is the
//! message itself, never folded, and so is a quote with nothing before it.
//!
//! In markup, the text is read block by block ([`Flat`]) to find the same lines plain text has,
//! and the cut keeps both halves well-formed: elements open there are closed before it and
//! opened again after it.

use std::collections::HashSet;

use super::markup::{QUOTE_CLASSES, QUOTE_IDS};
use super::text::{entity, unescape};
use super::token::{Kind, Token, attribute, is_void, significant, tokens};

// ---------------------------------------------------------------------------------------------
// Plain text

/// Splits plain text where its quoted history starts: (new text, quoted history). The history
/// starts at an attribution ("On … wrote:", "Le … a écrit :", "Pada … menulis:"), an Outlook
/// header block or separator, or the run of `>` lines that ends the message. Never the whole
/// text: with nothing before the quote (a bare forward) nothing is folded.
pub(super) fn fold_quotes_text(text: &str) -> (&str, Option<&str>) {
    let lines = lines(text);
    let marker = marker_line(&lines).map(|i| lines[i].0);
    let start = match (marker, trailing_quote(&lines)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    match start {
        Some(s) if !text[..s].trim().is_empty() && !text[s..].trim().is_empty() => {
            (&text[..s], Some(&text[s..]))
        }
        _ => (text, None),
    }
}

/// Lines with their byte offsets.
fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        out.push((at, line.trim_end_matches(['\n', '\r'])));
        at += line.len();
    }
    out
}

/// Where the trailing run of `>` lines starts, with the attribution line just above it when
/// that looks like one in any language (ends with ':', names a date or an address).
fn trailing_quote(lines: &[(usize, &str)]) -> Option<usize> {
    let mut first = None;
    for (i, (_, line)) in lines.iter().enumerate().rev() {
        let t = line.trim();
        if t.starts_with('>') {
            first = Some(i);
        } else if !t.is_empty() {
            break;
        }
    }
    let first = first?;
    let above = lines[..first]
        .iter()
        .rev()
        .find(|(_, l)| !l.trim().is_empty());
    match above {
        Some(&(at, line)) if looks_like_attribution(line) => Some(at),
        _ => Some(lines[first].0),
    }
}

fn looks_like_attribution(line: &str) -> bool {
    let t = line.trim();
    t.ends_with(':') && t.len() <= 300 && t.chars().any(|c| c.is_ascii_digit() || c == '@')
}

/// The first line that opens quoted history: an attribution, a separator, or a header block.
fn marker_line(lines: &[(usize, &str)]) -> Option<usize> {
    (0..lines.len()).find_map(|i| {
        if is_separator(lines[i].1) || attribution_at(lines, i) {
            Some(i)
        } else if header_block(lines, i) == Some(false) {
            // A rule right above an Outlook header belongs to it.
            let rule = i > 0 && is_rule(lines[i - 1].1);
            Some(if rule { i - 1 } else { i })
        } else {
            None
        }
    })
}

/// Spaces as a line is compared: no-break spaces (French typography) made plain, ends trimmed.
fn normal(line: &str) -> String {
    line.replace(['\u{a0}', '\u{202f}'], " ").trim().to_string()
}

/// "-----Original Message-----", "-------- Message d'origine --------", "-------- Pesan Asli --------".
fn is_separator(line: &str) -> bool {
    let t = normal(line);
    if !t.starts_with("--") {
        return false;
    }
    let words = t
        .trim_matches(|c: char| c == '-' || c.is_whitespace())
        .to_lowercase();
    let words = words.replace('’', "'");
    matches!(
        words.as_str(),
        "original message" | "message d'origine" | "pesan asli" | "pesan asal"
    )
}

fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 10 && (t.chars().all(|c| c == '_') || t.chars().all(|c| c == '-'))
}

/// "On … wrote:", "Le … a écrit :", "Pada … menulis:", possibly wrapped over three lines.
fn attribution_at(lines: &[(usize, &str)], i: usize) -> bool {
    let first = normal(lines[i].1);
    let ends: &[&str] = if first.starts_with("On ") {
        &["wrote:"]
    } else if first.starts_with("Le ") {
        &["a écrit :", "a écrit:"]
    } else if first.starts_with("Pada ") {
        &["menulis:", "menulis :"]
    } else {
        return false;
    };
    let mut joined = first;
    for (n, (_, next)) in lines[i..].iter().enumerate().take(3) {
        if n > 0 {
            let next = normal(next);
            if next.is_empty() || next.starts_with('>') {
                return false;
            }
            joined.push(' ');
            joined.push_str(&next);
        }
        if joined.len() > 400 {
            return false;
        }
        if ends.iter().any(|e| joined.ends_with(e)) {
            return true;
        }
    }
    false
}

#[derive(PartialEq, Eq)]
enum Field {
    From,
    Sent,
    To,
    Subject,
}

/// The header field a line of a quoted header block starts with, and the rest of the line.
fn header_field(line: &str) -> Option<(Field, String)> {
    let t = normal(line);
    let t = t.trim_start_matches('*');
    let colon = t.find(':').filter(|&c| c <= 16)?;
    let key = t[..colon].trim().trim_end_matches('*').to_lowercase();
    let field = match key.as_str() {
        "from" | "de" | "dari" => Field::From,
        "sent" | "date" | "envoyé" | "dikirim" | "tanggal" | "terkirim" => Field::Sent,
        "to" | "cc" | "à" | "a" | "kepada" | "tembusan" => Field::To,
        "subject" | "objet" | "subjek" | "perihal" => Field::Subject,
        _ => return None,
    };
    Some((
        field,
        t[colon + 1..].trim_start_matches('*').trim().to_string(),
    ))
}

/// Whether an Outlook header block starts at line `i`: From (De, Dari), then Sent or Date, and
/// a Subject (Objet, Subjek) within the next lines; or all of them on one line. Some(true) when
/// it heads a forward (an "FW:" subject, or a "Forwarded message" line above it), which is the
/// message itself rather than quoted history.
fn header_block(lines: &[(usize, &str)], i: usize) -> Option<bool> {
    if !matches!(header_field(lines[i].1), Some((Field::From, _))) {
        return None;
    }
    let one_line = {
        let l = normal(lines[i].1).to_lowercase();
        let has = |keys: &[&str]| keys.iter().any(|k| l.contains(k));
        has(&[" sent:", " envoyé :", " envoyé:", " dikirim:"])
            && has(&[" subject:", " objet :", " objet:", " subjek:"])
    };
    let (mut sent, mut subject) = (false, None);
    for (_, line) in lines.iter().skip(i + 1).take(8) {
        match header_field(line) {
            Some((Field::Sent, _)) => sent = true,
            Some((Field::Subject, s)) => {
                subject = Some(s);
                break;
            }
            _ => {}
        }
    }
    if !(one_line || sent && subject.is_some()) {
        return None;
    }
    let subject = subject.unwrap_or_default().to_lowercase();
    let forwarded_subject = ["fw:", "fwd:", "tr:", "fw :", "tr :"]
        .iter()
        .any(|p| subject.starts_with(p));
    let above = lines[..i].iter().rev().find(|(_, l)| !l.trim().is_empty());
    Some(forwarded_subject || above.is_some_and(|(_, l)| is_forward(l)))
}

/// "---------- Forwarded message ---------", "Begin forwarded message:", and their translations.
fn is_forward(line: &str) -> bool {
    let t = normal(line);
    let words = t
        .trim_matches(|c: char| c == '-' || c == ':' || c.is_whitespace())
        .to_lowercase();
    [
        "forwarded message",
        "begin forwarded message",
        "message transféré",
        "début du message réexpédié",
        "pesan terusan",
        "pesan yang diteruskan",
    ]
    .iter()
    .any(|p| words.starts_with(p))
}

// ---------------------------------------------------------------------------------------------
// Markup

/// Splits sanitised markup where its quoted history starts: (new, quoted), each well-formed
/// (elements open at the cut are closed before it and opened again after it). The history
/// starts at the earliest of: a `div.gmail_quote` (or Yahoo's, Proton's, Thunderbird's marker),
/// Outlook's `#divRplyFwdMsg`/`#appendonsend`, a `<blockquote>` with no new text after it, or
/// a line [`marker_line`] recognises. Never the whole message; never a forward.
pub(super) fn fold_quotes_html(html: &str) -> (String, Option<String>) {
    let toks = tokens(html);
    let tree = Tree::new(html, &toks);
    let Some((at, open)) = quote_cut(html, &toks, &tree) else {
        return (html.to_string(), None);
    };
    let mut new = html[..at].to_string();
    let mut quoted = String::new();
    for &e in open.iter().rev() {
        new.push_str(&format!("</{}>", toks[e].name));
    }
    for &e in &open {
        quoted.push_str(&html[toks[e].raw.clone()]);
    }
    quoted.push_str(&html[at..]);
    (new, Some(quoted))
}

/// The element structure of a token list.
struct Tree {
    /// The element open just before token i (for an end tag: the element it closes); `n` too.
    parent: Vec<Option<usize>>,
    /// For a start tag, its end tag.
    close: Vec<Option<usize>>,
    /// Significant tokens (text, images) before token i; `n + 1` entries.
    sig: Vec<usize>,
    /// Whether token i is inside a blockquote.
    in_quote: Vec<bool>,
}

impl Tree {
    fn new(html: &str, toks: &[Token<'_>]) -> Tree {
        let n = toks.len();
        let mut t = Tree {
            parent: vec![None; n + 1],
            close: vec![None; n],
            sig: vec![0; n + 1],
            in_quote: vec![false; n],
        };
        let mut stack: Vec<usize> = Vec::new();
        let mut quotes = 0usize;
        for (i, tok) in toks.iter().enumerate() {
            t.parent[i] = stack.last().copied();
            t.sig[i + 1] = t.sig[i] + usize::from(significant(html, tok));
            t.in_quote[i] = quotes > 0;
            match tok.kind {
                Kind::Start if !is_void(tok.name) => {
                    quotes += usize::from(tok.name == "blockquote");
                    stack.push(i);
                }
                Kind::End => {
                    if let Some(pos) = stack.iter().rposition(|&s| toks[s].name == tok.name) {
                        for s in stack.drain(pos..) {
                            t.close[s] = Some(i);
                            quotes =
                                quotes.saturating_sub(usize::from(toks[s].name == "blockquote"));
                        }
                    }
                }
                _ => {}
            }
        }
        t.parent[n] = stack.last().copied();
        t
    }
}

/// Where to cut: a byte offset, and the elements open there (token indexes, outermost first).
fn quote_cut(html: &str, toks: &[Token<'_>], tree: &Tree) -> Option<(usize, Vec<usize>)> {
    let n = toks.len();
    let flat = Flat::new(html, toks, tree);
    // Whether the text from token `tok` on opens a forward: the message itself, not history.
    let forward = |tok: usize| {
        let mut end = (flat.at[tok] + 4096).min(flat.text.len());
        while !flat.text.is_char_boundary(end) {
            end -= 1;
        }
        let head = lines(&flat.text[flat.at[tok]..end]);
        let first = head.iter().position(|(_, l)| !l.trim().is_empty());
        first.is_some_and(|j| is_forward(head[j].1) || header_block(&head, j) == Some(true))
    };
    // Candidates: (byte offset, the token the cut is before or inside).
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    let marked = (0..n).find(|&i| {
        if toks[i].kind != Kind::Start {
            return false;
        }
        let tag = &html[toks[i].raw.clone()];
        let class = attribute(tag, "class").unwrap_or_default();
        (class
            .split_ascii_whitespace()
            .any(|c| QUOTE_CLASSES.contains(&c))
            || attribute(tag, "id").is_some_and(|id| QUOTE_IDS.contains(&id)))
            && !forward(i)
    });
    candidates.extend(marked.map(|i| (toks[i].raw.start, i)));
    // The first blockquote with no new text after it (outside other blockquotes).
    let mut text_after = vec![0usize; n + 1];
    for i in (0..n).rev() {
        let counts = toks[i].kind == Kind::Text && !tree.in_quote[i] && significant(html, &toks[i]);
        text_after[i] = text_after[i + 1] + usize::from(counts);
    }
    let trailing = (0..n).find(|&i| {
        toks[i].kind == Kind::Start
            && toks[i].name == "blockquote"
            && !tree.in_quote[i]
            && tree.close[i].is_some_and(|c| text_after[c] == 0)
            && !forward(i)
    });
    if let Some(b) = trailing {
        // An attribution in a language we do not know, on the line above.
        let above = lines(&flat.text[..flat.at[b]]);
        let attribution = above
            .iter()
            .rev()
            .find(|(_, l)| !l.trim().is_empty())
            .filter(|(_, l)| looks_like_attribution(l))
            .and_then(|&(offset, _)| flat.cut_at_line(offset));
        candidates.push(attribution.unwrap_or((toks[b].raw.start, b)));
    }
    let text_lines = lines(&flat.text);
    if let Some(i) = marker_line(&text_lines) {
        candidates.extend(flat.cut_at_line(text_lines[i].0));
    }
    let (mut at, mut tok) = candidates.into_iter().min()?;

    // A cut inside preformatted text stays there unless only blanks precede it in the token.
    let inside = |at: usize, tok: usize| tok < n && at > toks[tok].raw.start;
    if inside(at, tok) && unescape(&html[toks[tok].raw.start..at]).trim().is_empty() {
        at = toks[tok].raw.start;
    }
    let mut open = tree.parent[tok];
    if !inside(at, tok) {
        // Move the cut out of the elements it opens, and over a rule just above it, so the
        // quote starts with whole elements.
        loop {
            if let Some(e) = open
                && tree.sig[tok] == tree.sig[e + 1]
            {
                (at, tok, open) = (toks[e].raw.start, e, tree.parent[e]);
                continue;
            }
            let previous = (0..tok).rev().find(|&k| {
                toks[k].kind != Kind::Text || !html[toks[k].raw.clone()].trim().is_empty()
            });
            match previous {
                Some(k)
                    if toks[k].kind == Kind::Start
                        && toks[k].name == "hr"
                        && tree.parent[k] == open =>
                {
                    (at, tok) = (toks[k].raw.start, k);
                }
                _ => break,
            }
        }
    }
    let split_text = inside(at, tok);
    let before = tree.sig[tok] > 0 || split_text;
    let after = tree.sig[n] > tree.sig[tok] + usize::from(split_text)
        || (split_text && !unescape(&html[at..toks[tok].raw.end]).trim().is_empty());
    if !before || !after {
        return None;
    }
    let mut chain = Vec::new();
    while let Some(e) = open {
        chain.push(e);
        open = tree.parent[e];
    }
    chain.reverse();
    Some((at, chain))
}

/// The text of sanitised markup, a line per block, to find attributions and headers in.
struct Flat {
    text: String,
    /// Where each token's text starts in `text`.
    at: Vec<usize>,
    /// Line starts: (offset in `text`, byte offset in the markup, token there).
    starts: Vec<(usize, usize, usize)>,
}

impl Flat {
    fn new(html: &str, toks: &[Token<'_>], tree: &Tree) -> Flat {
        #[rustfmt::skip]
        const BLOCKS: &[&str] = &[
            "address", "article", "aside", "blockquote", "caption", "center", "dd", "details",
            "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
            "header", "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table", "tr",
            "ul",
        ];
        let mut f = Flat {
            text: String::new(),
            at: Vec::with_capacity(toks.len()),
            starts: Vec::new(),
        };
        // Elements whose text keeps its line breaks, and how many of them are open.
        let mut pre = HashSet::new();
        for (i, t) in toks.iter().enumerate() {
            f.at.push(f.text.len());
            let raw = &html[t.raw.clone()];
            if t.name == "br" {
                f.newline(t.raw.end, i + 1);
            } else if BLOCKS.contains(&t.name) && !f.text.is_empty() && !f.text.ends_with('\n') {
                match t.kind {
                    Kind::Start => f.newline(t.raw.start, i),
                    _ => f.newline(t.raw.end, i + 1),
                }
            } else if t.kind == Kind::Start
                && matches!(t.name, "td" | "th")
                && !f.text.ends_with([' ', '\n'])
            {
                f.text.push(' ');
            }
            match t.kind {
                Kind::Start if !is_void(t.name) => {
                    let style = attribute(raw, "style").unwrap_or_default();
                    if t.name == "pre" || style.contains("white-space:pre") {
                        pre.insert(i);
                    }
                }
                Kind::End => {
                    if let Some(e) = tree.parent[i] {
                        pre.remove(&e);
                    }
                }
                Kind::Text => f.push_text(raw, t.raw.start, i, !pre.is_empty()),
                _ => {}
            }
        }
        f
    }

    fn newline(&mut self, at: usize, tok: usize) {
        self.text.push('\n');
        self.starts.push((self.text.len(), at, tok));
    }

    /// Text with entities decoded; white space collapsed unless `pre`.
    fn push_text(&mut self, raw: &str, offset: usize, tok: usize, pre: bool) {
        let mut rest = raw;
        while let Some(c) = rest.chars().next() {
            let (c, len) = if c == '&' {
                entity(rest).unwrap_or(('&', 1))
            } else {
                (c, c.len_utf8())
            };
            rest = &rest[len..];
            if pre && c == '\n' {
                self.newline(offset + raw.len() - rest.len(), tok);
            } else if c.is_whitespace() {
                if !self.text.is_empty() && !self.text.ends_with([' ', '\n']) {
                    self.text.push(' ');
                }
            } else {
                self.text.push(c);
            }
        }
    }

    /// The cut for the line starting at `offset` of the text: (byte offset, token).
    fn cut_at_line(&self, offset: usize) -> Option<(usize, usize)> {
        self.starts
            .iter()
            .find(|s| s.0 == offset)
            .map(|&(_, at, tok)| (at, tok))
    }
}
