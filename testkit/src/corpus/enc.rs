//! Wire-format helpers written for the corpus: calendar dates, RFC 5322 dates, base64,
//! quoted-printable, RFC 2047 encoded words, header folding, ISO-8859-1, HTML escaping and
//! paragraph wrapping. Everything emits CRLF.

use super::rng::Rng;

pub(crate) const CRLF: &str = "\r\n";

/// Days since 1970-01-01 to (year, month 1..=12, day 1..=31), proleptic Gregorian.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// (year, month, day) to days since 1970-01-01.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Broken-down local time.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Local {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Sunday.
    pub weekday: u32,
}

pub(crate) fn local(unix: i64, offset_min: i32) -> Local {
    let t = unix + i64::from(offset_min) * 60;
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);
    Local {
        year,
        month,
        day,
        hour: secs / 3600,
        minute: secs / 60 % 60,
        second: secs % 60,
        weekday: (days + 4).rem_euclid(7) as u32,
    }
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub(crate) fn month_abbrev(month: u32) -> &'static str {
    MONTHS[(month as usize + 11) % 12]
}

pub(crate) fn weekday_abbrev(weekday: u32) -> &'static str {
    WEEKDAYS[weekday as usize % 7]
}

/// "+0100" style zone.
pub(crate) fn zone(offset_min: i32) -> String {
    let sign = if offset_min < 0 { '-' } else { '+' };
    let a = offset_min.unsigned_abs();
    format!("{sign}{:02}{:02}", a / 60, a % 60)
}

/// How a mail client spells its Date header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateStyle {
    /// "Mon, 5 Jan 2026 09:00:00 +0100"
    Plain,
    /// "Mon, 05 Jan 2026 09:00:00 +0100"
    ZeroPadded,
    /// "Mon, 5 Jan 2026 09:00:00 +0000 (UTC)"
    Comment,
    /// "5 Jan 2026 09:00:00 +0100" (no weekday, which RFC 5322 allows)
    NoWeekday,
}

/// An RFC 5322 date-time.
pub(crate) fn rfc5322_date(unix: i64, offset_min: i32, style: DateStyle) -> String {
    let l = local(unix, offset_min);
    let z = zone(offset_min);
    let (wd, mon) = (weekday_abbrev(l.weekday), month_abbrev(l.month));
    let time = format!("{:02}:{:02}:{:02}", l.hour, l.minute, l.second);
    match style {
        DateStyle::Plain => format!("{wd}, {} {mon} {} {time} {z}", l.day, l.year),
        DateStyle::ZeroPadded => format!("{wd}, {:02} {mon} {} {time} {z}", l.day, l.year),
        DateStyle::Comment => {
            let name = match offset_min {
                0 => "UTC",
                60 => "CET",
                120 => "CEST",
                420 => "WIB",
                480 => "WITA",
                -300 => "EST",
                -360 => "CST",
                -480 => "PST",
                _ => "local",
            };
            format!("{wd}, {} {mon} {} {time} {z} ({name})", l.day, l.year)
        }
        DateStyle::NoWeekday => format!("{} {mon} {} {time} {z}", l.day, l.year),
    }
}

/// An ISO 8601 UTC timestamp ("2026-03-02T10:14:03Z") as found in logs.
pub(crate) fn iso_utc(unix: i64) -> String {
    let l = local(unix, 0);
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        l.year, l.month, l.day, l.hour, l.minute, l.second
    )
}

/// Central European offset in minutes, with the EU summer-time rule (last Sunday of March to
/// last Sunday of October, switching at 01:00 UTC).
pub(crate) fn paris_offset(unix: i64) -> i32 {
    let (year, _, _) = civil_from_days(unix.div_euclid(86_400));
    let last_sunday = |month: u32| {
        let last = days_from_civil(year, month, 31);
        let weekday = (last + 4).rem_euclid(7);
        last - weekday
    };
    let start = last_sunday(3) * 86_400 + 3600;
    let end = last_sunday(10) * 86_400 + 3600;
    if unix >= start && unix < end { 120 } else { 60 }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 without line breaks.
pub(crate) fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 body encoding: lines of 76 characters, each ending in CRLF.
pub(crate) fn base64_lines(data: &[u8]) -> String {
    let flat = base64(data);
    let mut out = String::with_capacity(flat.len() + flat.len() / 76 * 2 + 2);
    for line in flat.as_bytes().chunks(76) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push_str(CRLF);
    }
    out
}

fn hex_upper(b: u8) -> [char; 2] {
    const H: &[u8; 16] = b"0123456789ABCDEF";
    [
        char::from(H[usize::from(b >> 4)]),
        char::from(H[usize::from(b & 15)]),
    ]
}

/// Quoted-printable body encoding (RFC 2045 §6.7) of text whose lines end in CRLF: hard breaks
/// stay CRLF, soft breaks keep every encoded line within 76 characters, trailing white space is
/// encoded.
pub(crate) fn quoted_printable(text: &[u8]) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut lines = text.split(|&b| b == b'\n').peekable();
    while let Some(raw_line) = lines.next() {
        let last = lines.peek().is_none();
        let line = raw_line.strip_suffix(b"\r").unwrap_or(raw_line);
        let mut width = 0usize;
        for (i, &b) in line.iter().enumerate() {
            let at_end = i + 1 == line.len();
            let literal =
                ((b == b' ' || b == b'\t') && !at_end) || ((33..=126).contains(&b) && b != b'=');
            let piece_len = if literal { 1 } else { 3 };
            // Leave room for the soft break "=" (and for the whole piece).
            if width + piece_len > 75 {
                out.push('=');
                out.push_str(CRLF);
                width = 0;
            }
            if literal {
                out.push(char::from(b));
            } else {
                out.push('=');
                out.extend(hex_upper(b));
            }
            width += piece_len;
        }
        if !last {
            out.push_str(CRLF);
        }
    }
    out
}

/// A text charset used on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Charset {
    UsAscii,
    Utf8,
    Latin1,
}

impl Charset {
    pub(crate) fn label(self, rng: &mut Rng) -> &'static str {
        match self {
            Charset::UsAscii => rng.word(&["us-ascii", "US-ASCII"]),
            Charset::Utf8 => rng.word(&["UTF-8", "utf-8", "UTF-8"]),
            Charset::Latin1 => rng.word(&["ISO-8859-1", "iso-8859-1"]),
        }
    }

    pub(crate) fn encode(self, text: &str) -> Vec<u8> {
        match self {
            Charset::Latin1 => to_latin1(text).unwrap_or_else(|| text.as_bytes().to_vec()),
            _ => text.as_bytes().to_vec(),
        }
    }
}

/// ISO-8859-1 bytes for `text`, or None when a character is outside Latin-1.
pub(crate) fn to_latin1(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}

/// RFC 2047 encoded words for `text`, split so each word stays within 75 characters and no
/// character is cut; words are joined with CRLF SP (a fold). `q` picks Q over B encoding.
pub(crate) fn encoded_words(text: &str, charset: Charset, q: bool) -> String {
    encoded_words_after(text, charset, q, 0)
}

/// Like [`encoded_words`], with the first word shortened so that a line already holding
/// `used` characters (e.g. "Subject: ") stays within 76.
pub(crate) fn encoded_words_after(text: &str, charset: Charset, q: bool, used: usize) -> String {
    let charset = if charset == Charset::Latin1 && to_latin1(text).is_none() {
        Charset::Utf8
    } else {
        charset
    };
    let label = match charset {
        Charset::Latin1 => "ISO-8859-1",
        _ => "UTF-8",
    };
    let prefix = format!("=?{label}?{}?", if q { 'Q' } else { 'B' });
    let full = 75 - prefix.len() - 2;
    let mut budget = full.saturating_sub(used).max(8);
    let mut words = Vec::new();
    let mut chunk = String::new();
    let encoded_len = |s: &str| -> usize {
        let bytes = charset.encode(s);
        if q {
            bytes
                .iter()
                .map(|&b| if q_literal(b) { 1 } else { 3 })
                .sum()
        } else {
            bytes.len().div_ceil(3) * 4
        }
    };
    for c in text.chars() {
        chunk.push(c);
        if encoded_len(&chunk) > budget && chunk.chars().count() > 1 {
            chunk.pop();
            words.push(std::mem::take(&mut chunk));
            chunk.push(c);
            budget = full;
        }
    }
    if !chunk.is_empty() {
        words.push(chunk);
    }
    words
        .iter()
        .map(|w| {
            let bytes = charset.encode(w);
            let body = if q {
                bytes
                    .iter()
                    .map(|&b| {
                        if b == b' ' {
                            "_".to_string()
                        } else if q_literal(b) {
                            char::from(b).to_string()
                        } else {
                            let [h, l] = hex_upper(b);
                            format!("={h}{l}")
                        }
                    })
                    .collect::<String>()
            } else {
                base64(&bytes)
            };
            format!("{prefix}{body}?=")
        })
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// Bytes Q encoding may carry as themselves in any header position (RFC 2047 §5 rule 3).
fn q_literal(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'!' | b'*' | b'+' | b'-' | b'/')
}

/// Folds an unstructured header value at spaces so lines stay near 78 characters.
/// `name_len` is the length of "Name: ".
pub(crate) fn fold(name_len: usize, value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut width = name_len;
    for (i, word) in value.split(' ').enumerate() {
        if i > 0 {
            if width + 1 + word.len() > 78 && width > 1 {
                out.push_str("\r\n ");
                width = 1;
            } else {
                out.push(' ');
                width += 1;
            }
        }
        out.push_str(word);
        width += word.len();
    }
    out
}

/// Escapes text for HTML.
pub(crate) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
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

/// Wraps one paragraph at `width` columns (never splitting words), lines joined by CRLF.
pub(crate) fn wrap(paragraph: &str, width: usize) -> String {
    let mut out = String::with_capacity(paragraph.len() + 8);
    let mut col = 0usize;
    for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
        let len = word.chars().count();
        if col > 0 && col + 1 + len > width {
            out.push_str(CRLF);
            col = 0;
        } else if col > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += len;
    }
    out
}

/// Lowercase ASCII folding for address local parts and domains ("Hélène" → "helene").
pub(crate) fn ascii_fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let mapped = match c {
            'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' => 'a',
            'ç' | 'Ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => 'e',
            'î' | 'ï' | 'Î' => 'i',
            'ô' | 'ö' | 'Ô' => 'o',
            'ù' | 'û' | 'ü' | 'Û' => 'u',
            'ÿ' => 'y',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => continue,
        };
        out.push(mapped);
    }
    out
}

/// Renders a mailbox ("Display Name <addr>") with the display name quoted or RFC 2047
/// encoded as needed.
pub(crate) fn mailbox(name: &str, addr: &str, charset: Charset, q: bool) -> String {
    if name.is_empty() {
        return addr.to_string();
    }
    if !name.is_ascii() {
        let words = encoded_words_after(name, charset, q, 6);
        // Keep the line with the address within 78 characters ("From: " counted).
        let last = words.rsplit("\r\n").next().unwrap_or(&words);
        let start = if words.contains("\r\n") { 0 } else { 6 };
        let sep = if start + last.len() + addr.len() + 3 > 78 {
            "\r\n "
        } else {
            " "
        };
        return format!("{words}{sep}<{addr}>");
    }
    let special = name.chars().any(|c| "()<>[]:;@\\,.\"".contains(c));
    if special {
        let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\" <{addr}>")
    } else {
        format!("{name} <{addr}>")
    }
}
