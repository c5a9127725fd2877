//! The sanitiser and the rewrite of its output.
//!
//! ammonia parses the body as a browser would and keeps only the allow-lists here: tags,
//! attributes, style properties, and the classes and ids that mark quoted history. Its attribute
//! filter decides every URL (links are http, https or mailto; images are `cid:`, `data:image/…`,
//! or http(s) only when the reader allows them) and counts remote images. Before it parses,
//! nesting is capped ([`MAX_DEPTH`]); after, [`rewrite`] inlines `cid:` images as `data:` URIs,
//! drops style declarations that could fetch anything, and titles links with their target.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::INLINE_IMAGE_LIMIT;
use super::part::{clean_cid, sniff_image};
use super::text::{base64, escape, percent_decode, unescape};
use super::token::{Kind, attributes, is_void, raw_tag, tokens};

/// Elements kept (their attributes are filtered); everything else is unwrapped, its text kept.
#[rustfmt::skip]
const TAGS: &[&str] = &[
    "a", "abbr", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br",
    "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div",
    "dl", "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "i", "img", "ins", "kbd", "li", "main", "mark", "ol", "p", "pre", "q", "s",
    "samp", "section", "small", "span", "strike", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var", "wbr",
];
/// Elements dropped with everything inside them.
#[rustfmt::skip]
const DROPPED: &[&str] = &[
    "script", "style", "title", "noscript", "template", "iframe", "frame", "frameset", "object",
    "embed", "applet", "noembed", "noframes", "svg", "math", "textarea", "select", "video", "audio",
    "canvas", "map", "head",
];
#[rustfmt::skip]
const GENERIC_ATTRIBUTES: &[&str] = &[
    "style", "align", "valign", "width", "height", "bgcolor", "dir", "lang", "title", "id",
    "border", "nowrap", "background",
];
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href"]),
    ("img", &["src", "alt", "srcset", "hspace", "vspace"]),
    ("table", &["cellpadding", "cellspacing", "frame", "rules"]),
    ("td", &["colspan", "rowspan", "scope"]),
    ("th", &["colspan", "rowspan", "scope"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("font", &["color", "face", "size"]),
    ("ol", &["start", "type", "reversed"]),
    ("ul", &["type"]),
    ("li", &["value", "type"]),
    ("blockquote", &["type"]),
    ("details", &["open"]),
    ("hr", &["size", "noshade", "color"]),
];
/// Style properties kept: display only, nothing that positions over the app or names a resource.
#[rustfmt::skip]
const STYLE_PROPERTIES: &[&str] = &[
    "color", "background-color", "background", "font", "font-family", "font-size", "font-style",
    "font-weight", "font-variant", "text-align", "text-decoration", "text-decoration-line",
    "text-decoration-color", "text-decoration-style", "text-transform", "text-indent",
    "letter-spacing", "word-spacing", "word-break", "word-wrap", "overflow-wrap", "white-space",
    "line-height", "vertical-align", "direction", "margin", "margin-top", "margin-right",
    "margin-bottom", "margin-left", "padding", "padding-top", "padding-right", "padding-bottom",
    "padding-left", "border", "border-top", "border-right", "border-bottom", "border-left",
    "border-color", "border-style", "border-width", "border-top-color", "border-top-style",
    "border-top-width", "border-right-color", "border-right-style", "border-right-width",
    "border-bottom-color", "border-bottom-style", "border-bottom-width", "border-left-color",
    "border-left-style", "border-left-width", "border-collapse", "border-spacing", "border-radius",
    "width", "height", "max-width", "min-width", "max-height", "min-height", "display",
    "table-layout", "list-style-type", "float", "clear", "text-overflow",
];
/// Functions and rules in a style value that can fetch something (or hide one from a check).
#[rustfmt::skip]
const STYLE_FORBIDDEN: &[&str] = &[
    "url(", "expression(", "image-set(", "image(", "cross-fade(", "element(", "src(", "paint(",
    "@import", "\\",
];
/// Classes kept: the markers of quoted history some mail programs leave.
pub(super) const QUOTE_CLASSES: &[&str] = &[
    "gmail_quote",
    "gmail_quote_container",
    "yahoo_quoted",
    "protonmail_quote",
    "moz-cite-prefix",
];
/// Ids kept: Outlook's markers of quoted history ("x_" when a reply quotes a reply).
pub(super) const QUOTE_IDS: &[&str] = &[
    "divRplyFwdMsg",
    "x_divRplyFwdMsg",
    "appendonsend",
    "x_appendonsend",
    "mail-editor-reference-message-container",
    "x_mail-editor-reference-message-container",
];

/// The sanitiser. `remote` counts the remote images it meets in `src`, `srcset` and `background`.
pub(super) fn builder(load_remote: bool, remote: Arc<AtomicUsize>) -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(
            TAG_ATTRIBUTES
                .iter()
                .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect()))
                .collect(),
        )
        .allowed_classes(HashMap::from([
            ("div", QUOTE_CLASSES.iter().copied().collect()),
            (
                "blockquote",
                HashSet::from(["gmail_quote", "protonmail_quote"]),
            ),
        ]))
        // cid and data pass here so the attribute filter can judge them per element.
        .url_schemes(HashSet::from(["http", "https", "mailto", "cid", "data"]))
        // A relative URL would resolve against the app itself.
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .filter_style_properties(STYLE_PROPERTIES.iter().copied().collect())
        .attribute_filter(move |element, attribute, value| {
            filter_attribute(load_remote, &remote, element, attribute, value)
        });
    b
}

fn filter_attribute<'u>(
    load_remote: bool,
    remote: &AtomicUsize,
    element: &str,
    attribute: &str,
    value: &'u str,
) -> Option<Cow<'u, str>> {
    let keep = Some(Cow::Borrowed(value));
    match (element, attribute) {
        ("a", "href") => match scheme(value).as_deref() {
            Some("http" | "https" | "mailto") => keep,
            _ => None,
        },
        // The real target becomes the title (in `rewrite`): a sender's title could hide it.
        ("a", "title") => None,
        (_, "id") => QUOTE_IDS.contains(&value).then_some(Cow::Borrowed(value)),
        ("img", "src") => {
            let url = squeeze_url(value).to_ascii_lowercase();
            let inline = ["png", "jpeg", "jpg", "gif", "webp"].iter().any(|t| {
                url.strip_prefix("data:image/")
                    .and_then(|rest| rest.strip_prefix(t))
                    .is_some_and(|rest| rest.starts_with([';', ',']))
            });
            if url.starts_with("cid:") || inline {
                keep
            } else if matches!(scheme(value).as_deref(), Some("http" | "https")) {
                remote.fetch_add(1, Ordering::Relaxed);
                if load_remote { keep } else { None }
            } else {
                None
            }
        }
        (_, "srcset" | "background") => {
            let lower = value.to_ascii_lowercase();
            if lower.contains("http:") || lower.contains("https:") {
                remote.fetch_add(1, Ordering::Relaxed);
            }
            None
        }
        _ => keep,
    }
}

/// Open elements beyond this depth are unwrapped before parsing. The HTML parser's scope checks
/// walk the open elements, so 100,000 nested `<div>`s would keep it busy for hours; browsers cap
/// depth too (Blink at 512).
pub(super) const MAX_DEPTH: usize = 200;

/// Drops start tags that would nest deeper than [`MAX_DEPTH`], and as many end tags after them.
/// A rough scan of raw markup, not a parser: what it drops only changes layout, and the
/// sanitiser still reads whatever is left.
pub(super) fn limit_nesting(html: &str) -> Cow<'_, str> {
    // Closed by the next of their kind, or never open: they do not deepen a document.
    #[rustfmt::skip]
    const SHALLOW: &[&str] = &[
        "p", "li", "dt", "dd", "tr", "td", "th", "tbody", "thead", "tfoot", "option", "optgroup",
        "colgroup", "caption", "rb", "rt", "rp", "html", "head", "body",
    ];
    let deepens = |name: &str| {
        !name.is_empty()
            && !is_void(&name.to_ascii_lowercase())
            && !SHALLOW.iter().any(|s| s.eq_ignore_ascii_case(name))
    };
    let mut out: Option<String> = None;
    let (mut depth, mut excess, mut i, mut copied) = (0usize, 0usize, 0usize, 0usize);
    while let Some(at) = html
        .get(i..)
        .and_then(|rest| rest.find('<'))
        .map(|at| i + at)
    {
        let Some((end, name, closing)) = raw_tag(html, at) else {
            i = at + 1;
            continue;
        };
        i = end;
        let drop = match (closing, deepens(name)) {
            (_, false) => false,
            (true, true) if excess > 0 => {
                excess -= 1;
                true
            }
            (true, true) => {
                depth = depth.saturating_sub(1);
                false
            }
            (false, true) if depth >= MAX_DEPTH => {
                excess += 1;
                true
            }
            (false, true) => {
                depth += 1;
                false
            }
        };
        if drop {
            let kept = out.get_or_insert_with(|| String::with_capacity(html.len()));
            kept.push_str(&html[copied..at]);
            copied = end;
        }
    }
    match out {
        Some(mut kept) => {
            kept.push_str(&html[copied..]);
            Cow::Owned(kept)
        }
        None => Cow::Borrowed(html),
    }
}

/// A URL as a browser reads it: outer white space and control characters trimmed, tabs and
/// line breaks inside removed (so `java\nscript:` is `javascript:`).
fn squeeze_url(url: &str) -> String {
    url.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// The scheme of a URL, lowercase; None for a relative one.
fn scheme(url: &str) -> Option<String> {
    let url = squeeze_url(url);
    let (scheme, _) = url.split_once(':')?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// The second pass over ammonia's output: `cid:` images inlined, style declarations that could
/// fetch anything dropped (and counted when remote), links titled with their target.
#[allow(
    clippy::type_complexity,
    reason = "the callback of `sanitize`, passed on"
)]
pub(super) fn rewrite(
    clean: &str,
    cid: &dyn Fn(&str) -> Option<(String, Vec<u8>)>,
) -> (String, usize) {
    let mut out = String::with_capacity(clean.len());
    let mut remote = 0;
    for t in tokens(clean) {
        let raw = &clean[t.raw.clone()];
        let touched = t.name == "a"
            || t.name == "img"
            || raw.contains(" style=")
            || raw.contains(" class=\"\"");
        if t.kind != Kind::Start || !touched {
            out.push_str(raw);
            continue;
        }
        let mut attrs: Vec<(&str, Cow<'_, str>)> = attributes(raw)
            .into_iter()
            .map(|(n, v)| (n, Cow::Borrowed(v)))
            .collect();
        attrs.retain_mut(|(name, value)| match *name {
            "style" => {
                let (kept, fetching) = filter_style(&unescape(value));
                remote += fetching;
                *value = Cow::Owned(escape(&kept));
                !kept.is_empty()
            }
            // What the class allow-list leaves of a class it did not know.
            "class" => !value.is_empty(),
            "src" if t.name == "img" => {
                let url = squeeze_url(&unescape(value));
                let Some(id) = url
                    .get(4..)
                    .filter(|_| url[..4].eq_ignore_ascii_case("cid:"))
                else {
                    return true;
                };
                let id = percent_decode(id);
                match cid(clean_cid(&id)) {
                    Some((_, bytes)) if bytes.len() <= INLINE_IMAGE_LIMIT => {
                        match sniff_image(&bytes) {
                            Some(mime) => {
                                *value =
                                    Cow::Owned(format!("data:{mime};base64,{}", base64(&bytes)));
                                true
                            }
                            None => false,
                        }
                    }
                    _ => false,
                }
            }
            _ => true,
        });
        if t.name == "a"
            && let Some(href) = attrs
                .iter()
                .find(|(n, _)| *n == "href")
                .map(|(_, v)| v.clone())
        {
            attrs.push(("title", href));
        }
        out.push('<');
        out.push_str(t.name);
        for (name, value) in &attrs {
            out.push_str(&format!(" {name}=\"{value}\""));
        }
        out.push('>');
    }
    (out, remote)
}

/// Keeps the declarations of a (normalised) style value that cannot fetch anything; returns
/// them and how many of the dropped ones named a remote address.
fn filter_style(style: &str) -> (String, usize) {
    let mut kept = Vec::new();
    let mut remote = 0;
    for decl in split_outside_quotes(style, ';') {
        let lower = decl.to_ascii_lowercase();
        if STYLE_FORBIDDEN.iter().any(|f| lower.contains(f)) {
            if lower.contains("http:") || lower.contains("https:") {
                remote += 1;
            }
        } else if !decl.trim().is_empty() {
            kept.push(decl.trim());
        }
    }
    (kept.join(";"), remote)
}

/// `s` split at `sep` where it is outside quotes and parentheses.
fn split_outside_quotes(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut quote, mut depth, mut start) = (None, 0usize, 0);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, c) if c == sep && depth == 0 => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}
