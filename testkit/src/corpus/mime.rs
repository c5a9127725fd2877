//! Assembling MIME entities into raw message bytes.

use super::enc::{self, CRLF, Charset};
use super::rng::Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cte {
    SevenBit,
    EightBit,
    QuotedPrintable,
    Base64,
}

impl Cte {
    fn label(self) -> &'static str {
        match self {
            Cte::SevenBit => "7bit",
            Cte::EightBit => "8bit",
            Cte::QuotedPrintable => "quoted-printable",
            Cte::Base64 => "base64",
        }
    }
}

/// One MIME entity.
pub(crate) enum Entity {
    Text {
        subtype: &'static str,
        charset: Charset,
        cte: Cte,
        text: String,
    },
    Attachment {
        ctype: &'static str,
        filename: String,
        data: Vec<u8>,
    },
    Multipart {
        /// Everything after "multipart/" except the boundary, e.g. "alternative" or
        /// "report; report-type=delivery-status".
        subtype: String,
        boundary: String,
        preamble: bool,
        parts: Vec<Entity>,
    },
    /// A part whose body is written as is (message/delivery-status, text/rfc822-headers).
    Verbatim { ctype: &'static str, body: String },
}

/// Picks a transfer encoding for text the way mail clients tend to.
pub(crate) fn text_cte(rng: &mut Rng, text: &str, charset: Charset) -> Cte {
    if text.is_ascii() {
        match rng.weighted(&[85, 10, 5]) {
            0 => Cte::SevenBit,
            1 => Cte::QuotedPrintable,
            _ => Cte::Base64,
        }
    } else if charset == Charset::Latin1 {
        if rng.chance(0.7) {
            Cte::QuotedPrintable
        } else {
            Cte::EightBit
        }
    } else {
        match rng.weighted(&[55, 30, 15]) {
            0 => Cte::QuotedPrintable,
            1 => Cte::Base64,
            _ => Cte::EightBit,
        }
    }
}

fn quote_param(rng: &mut Rng, value: &str) -> String {
    if rng.chance(0.5) {
        format!("\"{value}\"")
    } else {
        value.to_string()
    }
}

/// Percent-encoding for RFC 2231 parameter values.
fn pct(value: &str) -> String {
    let mut out = String::new();
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Writes the entity's own headers, the blank line and its body.
pub(crate) fn write_entity(out: &mut Vec<u8>, rng: &mut Rng, entity: &Entity) {
    match entity {
        Entity::Text {
            subtype,
            charset,
            cte,
            text,
        } => {
            let label = charset.label(rng);
            out.extend_from_slice(
                format!(
                    "Content-Type: text/{subtype}; charset={}\r\nContent-Transfer-Encoding: {}\r\n\r\n",
                    quote_param(rng, label),
                    cte.label()
                )
                .as_bytes(),
            );
            let mut bytes = charset.encode(text);
            if !bytes.ends_with(b"\r\n") {
                bytes.extend_from_slice(b"\r\n");
            }
            match cte {
                Cte::SevenBit | Cte::EightBit => out.extend_from_slice(&bytes),
                Cte::QuotedPrintable => {
                    out.extend_from_slice(enc::quoted_printable(&bytes).as_bytes())
                }
                Cte::Base64 => out.extend_from_slice(enc::base64_lines(&bytes).as_bytes()),
            }
        }
        Entity::Attachment {
            ctype,
            filename,
            data,
        } => {
            let (name_param, disp_param) = if filename.is_ascii() {
                (
                    format!("name=\"{filename}\""),
                    format!("filename=\"{filename}\""),
                )
            } else {
                (
                    format!(
                        "name=\"{}\"",
                        enc::encoded_words(filename, Charset::Utf8, false)
                    ),
                    format!("filename*=UTF-8''{}", pct(filename)),
                )
            };
            out.extend_from_slice(
                format!(
                    "Content-Type: {ctype}; {name_param}\r\nContent-Disposition: attachment; {disp_param}\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                )
                .as_bytes(),
            );
            out.extend_from_slice(enc::base64_lines(data).as_bytes());
        }
        Entity::Multipart {
            subtype,
            boundary,
            preamble,
            parts,
        } => {
            out.extend_from_slice(
                format!("Content-Type: multipart/{subtype};\r\n boundary=\"{boundary}\"\r\n\r\n")
                    .as_bytes(),
            );
            if *preamble {
                out.extend_from_slice(b"This is a multi-part message in MIME format.\r\n\r\n");
            }
            for part in parts {
                out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
                write_entity(out, rng, part);
            }
            out.extend_from_slice(format!("--{boundary}--{CRLF}").as_bytes());
        }
        Entity::Verbatim { ctype, body } => {
            out.extend_from_slice(format!("Content-Type: {ctype}\r\n\r\n").as_bytes());
            out.extend_from_slice(body.as_bytes());
            if !body.ends_with(CRLF) {
                out.extend_from_slice(CRLF.as_bytes());
            }
        }
    }
}

/// A whole message: top-level header lines (without CRLF), then the entity.
pub(crate) fn message(rng: &mut Rng, headers: &[String], body: &Entity) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    for h in headers {
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(CRLF.as_bytes());
    }
    write_entity(&mut out, rng, body);
    out
}

/// HTML rendering of a plain-text body in the compact style webmail clients produce: prose
/// paragraphs as <div>s, the quoted message as a blockquote. `full_document` wraps it in
/// <html><body> as desktop clients do.
pub(crate) fn html_from_plain(
    new_text: &str,
    quote: Option<(&str, &str)>,
    full_document: bool,
) -> String {
    let mut html = String::with_capacity(new_text.len() * 2 + 256);
    if full_document {
        html.push_str("<html><body>\r\n");
    }
    html.push_str("<div dir=\"ltr\">");
    for (i, para) in new_text
        .split("\r\n\r\n")
        .filter(|p| !p.trim().is_empty())
        .enumerate()
    {
        if i > 0 {
            html.push_str("<div><br></div>");
        }
        let lines: Vec<String> = para
            .trim_end()
            .split("\r\n")
            .map(enc::html_escape)
            .collect();
        html.push_str("<div>");
        html.push_str(&lines.join("<br>\r\n"));
        html.push_str("</div>\r\n");
    }
    html.push_str("</div>\r\n");
    if let Some((header, quoted)) = quote {
        html.push_str("<br><div class=\"quote\">");
        html.push_str(&enc::html_escape(header));
        html.push_str("<br><blockquote style=\"margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex\">");
        let lines: Vec<String> = quoted
            .split("\r\n")
            .map(|l| enc::html_escape(l.trim_start_matches(['>', ' '])))
            .collect();
        html.push_str(&lines.join("<br>\r\n"));
        html.push_str("</blockquote></div>\r\n");
    }
    if full_document {
        html.push_str("</body></html>\r\n");
    }
    html
}
