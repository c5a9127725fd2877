//! Showing a message safely: sanitised HTML, folded quotes, inline images, attachments.
//!
//! This is the boundary hostile mail meets. The desktop app puts [`Rendered::document`] in an
//! `<iframe sandbox="allow-same-origin" srcdoc=…>` without `allow-scripts`, and the document
//! carries its own Content-Security-Policy, so markup that slipped through could still load
//! nothing but `data:` images (and http(s) images once the reader allows them). Pure throughout:
//!
//! 1. ammonia parses the body as a browser would and keeps an allow-list of tags, attributes and
//!    style properties (`markup::builder`); its attribute filter decides every URL: links are
//!    http, https or mailto, images are `cid:`, `data:image/…`, or http(s) only when allowed.
//! 2. A small scan over ammonia's output (well-formed: every attribute quoted, `<` escaped in
//!    text) inlines `cid:` images as `data:` URIs, drops style declarations that could fetch
//!    anything, and gives each link a `title` holding its real target (`markup::rewrite`).
//! 3. Quoted history is cut off at one point and wrapped in `<details class="quoted">`, which
//!    opens without scripts (`quote::fold_quotes_html`, `quote::fold_quotes_text`).
//!
//! This file holds the public API and the assembly of the document; the work is in private
//! submodules:
//!
//! - `markup`: the sanitiser (allow-lists, URL and style filtering, nesting limit) and the
//!   rewrite of its output.
//! - `token`: reading sanitised markup back as tokens, attributes and content.
//! - `quote`: where quoted history starts, in plain text and in markup, and the cut there.
//! - `text`: plain text as escaped, linked HTML; HTML escapes, percent-decoding and base64.
//! - `part`: the parts of a parsed message: names, types, Content-IDs, image sniffing.

mod markup;
mod part;
mod quote;
mod text;
mod token;

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mail_parser::{MessageParser, MessagePart, PartType};

use markup::{builder, limit_nesting, rewrite};
use part::{clean_name, part_by_cid, part_cid, part_mime, part_name, sniff_image};
use quote::{fold_quotes_html, fold_quotes_text};
pub(crate) use text::escape;
use text::push_text;
use token::has_content;

/// Bodies beyond this are cut (with a note): the raw message keeps the rest.
const BODY_LIMIT: usize = 4 * 1024 * 1024;
/// Inline images beyond this are not embedded (they stay in the attachment list).
const INLINE_IMAGE_LIMIT: usize = 10 * 1024 * 1024;
/// The opening of a folded block; the app can style `details.quoted` and its `summary`.
const FOLD_OPEN: &str = "<details class=\"quoted\"><summary title=\"Quoted history\">•••</summary>";
const FOLD_CLOSE: &str = "</details>";
const CUT_NOTE: &str = "<p class=\"siphon-note\">This message is longer than Siphon shows; \
                        the rest is in the original message.</p>";

/// How to render.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub load_remote_images: bool,
}

/// One attachment of a message, as listed beside it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, serde::Serialize, PartialEq, Eq)]
pub struct AttachmentInfo {
    /// The number to ask [`attachment`] for.
    pub index: usize,
    /// The file name, without directories, control or bidirectional-override characters.
    pub name: String,
    pub mime: String,
    pub size: usize,
    /// Shown inside the document (an image its HTML refers to): the app may leave it unlisted.
    pub inline: bool,
    /// Opening it could run code ([`is_executable`]): the app asks first.
    pub executable: bool,
}

/// A message made safe to show.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, serde::Serialize, PartialEq, Eq)]
pub struct Rendered {
    /// A complete HTML document for an <iframe sandbox="allow-same-origin" srcdoc=…> (NO allow-scripts).
    pub document: String,
    /// Remote images (http/https src, srcset, CSS url()) that were present; blocked unless opts.load_remote_images.
    pub remote_images: usize,
    /// True when the body was HTML (false: plain text turned into HTML).
    pub html: bool,
    pub attachments: Vec<AttachmentInfo>,
}

/// Renders a raw RFC 5322 message: its HTML body (sanitised) if it has one, else its text body.
pub fn render(raw: &[u8], opts: &Options) -> Rendered {
    // A parser bug on hostile input must not take the app down with it.
    catch_unwind(AssertUnwindSafe(|| render_message(raw, opts))).unwrap_or_else(|_| Rendered {
        document: document(&unreadable(raw), false, opts),
        remote_images: 0,
        html: false,
        attachments: Vec::new(),
    })
}

/// Sanitises an HTML fragment/document; `cid` resolves Content-IDs to (mime, bytes) for inline images.
///
/// `cid` gets the id without `cid:` and angle brackets, percent-decoded. Only PNG, JPEG, GIF and
/// WebP bytes are inlined, judged by their first bytes rather than the mime given. Returns the
/// markup (a fragment, quotes not folded) and how many remote images it met.
#[allow(clippy::type_complexity, reason = "the signature the app calls")]
pub fn sanitize(
    html: &str,
    cid: &dyn Fn(&str) -> Option<(String, Vec<u8>)>,
    opts: &Options,
) -> (String, usize) {
    let remote = Arc::new(AtomicUsize::new(0));
    let clean = builder(opts.load_remote_images, Arc::clone(&remote))
        .clean(&limit_nesting(html))
        .to_string();
    let (out, in_styles) = rewrite(&clean, cid);
    (out, remote.load(Ordering::Relaxed) + in_styles)
}

/// Plain text to escaped HTML: paragraphs kept (white-space: pre-wrap), http(s) URLs and mailto linked, quoted history folded.
pub fn text_to_html(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let (new, quoted) = fold_quotes_text(&text);
    let mut out = String::with_capacity(text.len() + text.len() / 8 + 64);
    out.push_str("<div class=\"plain\">");
    push_text(&mut out, new.trim_end());
    out.push_str("</div>");
    if let Some(quoted) = quoted {
        out.push_str(FOLD_OPEN);
        out.push_str("<div class=\"plain\">");
        push_text(&mut out, quoted.trim_start_matches('\n').trim_end());
        out.push_str("</div>");
        out.push_str(FOLD_CLOSE);
    }
    out
}

/// An attachment's bytes by index (the index in `attachments`): (file name, mime, bytes).
pub fn attachment(raw: &[u8], index: usize) -> Option<(String, String, Vec<u8>)> {
    catch_unwind(|| {
        let m = MessageParser::default().parse(raw)?;
        let part = m.attachments().nth(index)?;
        Some((part_name(part), part_mime(part), part.contents().to_vec()))
    })
    .ok()
    .flatten()
}

/// Whether opening a file of this name/mime could run code (exe, msi, bat, cmd, com, scr, ps1, vbs, js, jse, wsf, jar, app, dmg, pkg, deb, rpm, sh, run, appimage, lnk, hta, cpl, reg, docm/xlsm macros, application/x-msdownload, application/x-sh …; check double extensions like "invoice.pdf.exe").
pub fn is_executable(name: &str, mime: &str) -> bool {
    #[rustfmt::skip]
    const MIMES: &[&str] = &[
        "application/x-msdownload", "application/x-msdos-program", "application/x-ms-installer",
        "application/x-msi", "application/x-ms-shortcut", "application/x-dosexec",
        "application/x-executable", "application/x-sharedlib", "application/x-elf",
        "application/x-mach-binary", "application/vnd.microsoft.portable-executable",
        "application/x-sh", "application/x-shellscript", "application/x-csh", "application/x-bat",
        "application/x-msdos-batch", "application/hta", "application/x-ms-application",
        "application/java-archive", "application/x-java-archive", "application/x-apple-diskimage",
        "application/vnd.apple.installer+xml", "application/x-newton-compatible-pkg",
        "application/vnd.debian.binary-package", "application/x-debian-package",
        "application/x-rpm", "application/x-redhat-package-manager", "application/x-appimage",
        "application/javascript", "text/javascript", "application/x-javascript", "text/vbscript",
        "application/x-powershell", "application/vnd.ms-word.document.macroenabled.12",
        "application/vnd.ms-word.template.macroenabled.12",
        "application/vnd.ms-excel.sheet.macroenabled.12",
        "application/vnd.ms-excel.template.macroenabled.12",
        "application/vnd.ms-excel.addin.macroenabled.12",
        "application/vnd.ms-excel.sheet.binary.macroenabled.12",
        "application/vnd.ms-powerpoint.presentation.macroenabled.12",
        "application/vnd.ms-powerpoint.slideshow.macroenabled.12",
        "application/vnd.ms-powerpoint.addin.macroenabled.12",
    ];
    #[rustfmt::skip]
    const EXTENSIONS: &[&str] = &[
        "exe", "msi", "msp", "msix", "msixbundle", "appx", "appxbundle", "bat", "cmd", "com", "scr",
        "pif", "cpl", "dll", "sys", "ps1", "psm1", "psd1", "vbs", "vbe", "js", "jse", "wsf", "wsh",
        "wsc", "sct", "hta", "jar", "jnlp", "app", "dmg", "pkg", "mpkg", "command", "tool", "deb",
        "rpm", "sh", "bash", "zsh", "csh", "ksh", "run", "bin", "appimage", "flatpakref", "snap",
        "lnk", "url", "scf", "inf", "reg", "msc", "gadget", "application", "settingcontent-ms",
        "library-ms", "xll", "chm", "iso", "img", "vhd", "vhdx", "py", "pyw", "docm", "dotm",
        "xlsm", "xltm", "xlam", "xlsb", "pptm", "potm", "ppam", "ppsm", "sldm",
    ];
    let mime = mime.split(';').next().unwrap_or_default().trim();
    if MIMES.iter().any(|m| m.eq_ignore_ascii_case(mime)) {
        return true;
    }
    // Windows ignores trailing dots and spaces ("setup.exe. " runs), and a right-to-left override
    // can make "invoice\u{202e}fdp.exe" read as "invoiceexe.pdf": judge the name as it runs.
    let name = clean_name(name).to_lowercase();
    let name = name.trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext.trim()))
}

fn render_message(raw: &[u8], opts: &Options) -> Rendered {
    let Some(m) = MessageParser::default().parse(raw) else {
        return Rendered {
            document: document(&unreadable(raw), false, opts),
            remote_images: 0,
            html: false,
            attachments: Vec::new(),
        };
    };
    let parts: Vec<&MessagePart<'_>> = m.attachments().collect();
    let shown = RefCell::new(vec![false; parts.len()]);
    let lookup = |id: &str| -> Option<(String, Vec<u8>)> {
        let i = part_by_cid(&parts, id)?;
        let part = parts.get(i)?;
        let bytes = part.contents();
        if sniff_image(bytes).is_none() || bytes.len() > INLINE_IMAGE_LIMIT {
            return None;
        }
        if let Some(flag) = shown.borrow_mut().get_mut(i) {
            *flag = true;
        }
        Some((part_mime(part), bytes.to_vec()))
    };

    let mut body = None;
    let mut remote_images = 0;
    if m.html_bodies().any(|p| p.is_text_html()) {
        let mut source = String::new();
        let mut cut = false;
        for part in m.html_bodies() {
            match &part.body {
                PartType::Html(h) => source.push_str(h),
                PartType::Text(t) => {
                    source.push_str("<div style=\"white-space:pre-wrap\">");
                    source.push_str(&escape(t));
                    source.push_str("</div>");
                }
                PartType::InlineBinary(_) | PartType::Binary(_) => {
                    // An image placed between body parts (Apple Mail's multipart/mixed).
                    let image = sniff_image(part.contents()).is_some();
                    if let Some(i) = parts.iter().position(|p| image && std::ptr::eq(*p, part)) {
                        source.push_str(&format!("<img src=\"cid:{}\">", part_cid(i)));
                    }
                }
                _ => {}
            }
            if source.len() > BODY_LIMIT {
                truncate(&mut source, BODY_LIMIT);
                cut = true;
                break;
            }
        }
        let (clean, remote) = sanitize(&source, &lookup, opts);
        // An HTML body with nothing left to show (all script, or all SVG) gives way to the text.
        if has_content(&clean)
            || m.text_bodies()
                .all(|p| !matches!(p.body, PartType::Text(_)))
        {
            remote_images = remote;
            let (new, quoted) = fold_quotes_html(&clean);
            let mut html = new;
            if let Some(quoted) = quoted {
                html.push_str(FOLD_OPEN);
                html.push_str(&quoted);
                html.push_str(FOLD_CLOSE);
            }
            if cut {
                html.push_str(CUT_NOTE);
            }
            body = Some(html);
        }
    }
    let html = body.is_some();
    let body = body.unwrap_or_else(|| {
        let mut text = String::new();
        for part in m.text_bodies() {
            if let PartType::Text(t) = &part.body {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(t);
            }
        }
        let cut = text.len() > BODY_LIMIT;
        truncate(&mut text, BODY_LIMIT);
        let mut html = text_to_html(&text);
        if cut {
            html.push_str(CUT_NOTE);
        }
        html
    });
    let shown = shown.into_inner();
    let attachments = parts
        .iter()
        .enumerate()
        .map(|(index, part)| {
            let name = part_name(part);
            let mime = part_mime(part);
            AttachmentInfo {
                index,
                executable: is_executable(&name, &mime),
                name,
                mime,
                size: part.contents().len(),
                inline: html && shown.get(index).copied().unwrap_or(false),
            }
        })
        .collect();
    Rendered {
        document: document(&body, html, opts),
        remote_images,
        html,
        attachments,
    }
}

/// What is shown of a message the parser cannot read: its bytes as text.
fn unreadable(raw: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(&raw[..raw.len().min(BODY_LIMIT)]).into_owned();
    text.retain(|c| c != '\0');
    let mut html = String::from(
        "<p class=\"siphon-note\">Siphon could not read this message's structure; \
         here it is as raw text.</p>",
    );
    html.push_str("<div class=\"plain\">");
    html.push_str(&escape(&text));
    html.push_str("</div>");
    html
}

fn truncate(s: &mut String, limit: usize) {
    if s.len() > limit {
        let mut cut = limit;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
}

const CSS: &str = "\
:root{color-scheme:light}\
body{margin:0;padding:12px 16px;font:14px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:#1f1f1f;background:#fff;overflow-wrap:break-word}\
img{max-width:100%}\
table{max-width:100%}\
pre,code{white-space:pre-wrap}\
a{color:#0b57d0}\
blockquote{margin:0 0 0 .8ex;padding-left:1ex;border-left:2px solid #c8c8c8}\
.plain{white-space:pre-wrap;font-family:inherit}\
.quote-line{color:#5f6368}\
details.quoted{margin-top:8px}\
details.quoted>summary{display:inline-block;list-style:none;cursor:pointer;padding:0 8px;border-radius:8px;background:#e8eaed;color:#3c4043;font-size:11px;line-height:16px;letter-spacing:1px;user-select:none}\
details.quoted>summary::-webkit-details-marker{display:none}\
details.quoted[open]>summary{margin-bottom:8px}\
.siphon-note{margin:12px 0;padding:6px 10px;border-radius:6px;background:#fef7e0;color:#3c4043;font-size:12px}\
@media (prefers-color-scheme:dark){\
body.plain{color-scheme:dark;background:#1f1f1f;color:#e3e3e3}\
body.plain a{color:#a8c7fa}\
body.plain .quote-line{color:#9aa0a6}\
body.plain details.quoted>summary{background:#3c4043;color:#e3e3e3}\
body.plain .siphon-note{background:#3c3a2e;color:#e3e3e3}\
}";

/// The Content-Security-Policy of a document: nothing loads but inline styles and `data:`
/// images and fonts, plus http(s) images when the reader allows them.
fn csp(opts: &Options) -> String {
    let images = if opts.load_remote_images {
        "data: http: https:"
    } else {
        "data:"
    };
    format!(
        "default-src 'none'; img-src {images}; style-src 'unsafe-inline'; font-src data:; \
         base-uri 'none'; form-action 'none'"
    )
}

fn document(body: &str, html: bool, opts: &Options) -> String {
    let class = if html { "html" } else { "plain" };
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\
         <meta name=\"referrer\" content=\"no-referrer\"><style>{CSS}</style></head>\
         <body class=\"{class}\">{body}</body></html>",
        csp(opts)
    )
}

#[cfg(test)]
mod tests;
