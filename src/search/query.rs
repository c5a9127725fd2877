//! Siphon's search query language, in the style of Gmail and notmuch, parsed into a [`Query`].
//!
//! ```text
//! from:ana subject:"export fails" -tag:spam (status:open OR status:pending) after:7d
//! ```
//!
//! - Words must all match (AND by juxtaposition); `"quoted phrases"` match words in order.
//! - `-x` excludes a word, phrase, field or group; `OR` (uppercase) binds looser than AND.
//! - `name:value` fields: [`Field`] text fields, `status:`, `kind:`, `priority:`, `is:`, `has:`,
//!   `before:` and `after:` (a day in the team's time zone, or `7d`/`2w`/`3m`/`1y` ago).
//! - A word only becomes a field when the part before its first colon is ASCII letters, so
//!   `10:30`, `https://acme.example/x`, `mailto:ana@x` and `Re:` stay plain words; an unknown
//!   alphabetic name (`form:bob`) is an error that lists the fields.
//!
//! Pure: the caller passes the current time and the team's offset. Words keep their text; case
//! and accents are the analyser's business. Errors carry the byte span of the bad part, which
//! [`ParseError::pointer`] renders under the query.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

/// Ticket-level values are the tickets' own types.
pub use crate::ticket::build::Shown as Status;
pub use crate::ticket::op::{Kind, Priority};

/// A parsed query. `And` and `Or` hold at least two operands and never directly hold their own
/// kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Query {
    And(Vec<Query>),
    Or(Vec<Query>),
    Not(Box<Query>),
    /// One word, as typed; [`Field::Any`] for a free word.
    Word {
        field: Field,
        text: String,
    },
    /// Words that must appear in this order.
    Phrase {
        field: Field,
        words: Vec<String>,
    },
    Status(Status),
    Kind(Kind),
    Priority(Priority),
    Is(IsFlag),
    HasAttachment,
    /// On or after this unix time (seconds).
    After(i64),
    /// Strictly before this unix time (seconds).
    Before(i64),
}

/// Where a word or phrase must appear. `From`, `To`, `Cc`, `Assignee` and `Customer` hold a name
/// or an address; the caller decides which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Any,
    From,
    To,
    Cc,
    Subject,
    Body,
    Tag,
    Assignee,
    Account,
    Customer,
    Org,
}

/// `is:unread`, `is:mine`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IsFlag {
    Unread,
    Mine,
}

/// Why a query does not parse: a message for people, and the byte span of the bad part.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

impl ParseError {
    fn new(message: impl Into<String>, start: usize, end: usize) -> Self {
        ParseError {
            message: message.into(),
            start,
            end,
        }
    }

    /// The query and, under it, carets under the bad part, aligned by characters:
    ///
    /// ```text
    /// form:bob
    /// ^^^^
    /// ```
    /// An empty span gets one caret. Control characters (tabs, newlines) show as spaces so the
    /// two lines stay aligned.
    pub fn pointer(&self, input: &str) -> String {
        let start = floor_boundary(input, self.start);
        let end = floor_boundary(input, self.end.max(start));
        let count = |s: Option<&str>| s.map_or(0, |s| s.chars().count());
        let before = count(input.get(..start));
        let width = count(input.get(start..end)).max(1);
        let line: String = input
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        format!("{line}\n{}{}", " ".repeat(before), "^".repeat(width))
    }
}

/// The largest char boundary at or before `i`, within `s`.
fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Groups nested deeper than this are refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

const DAY: i64 = 24 * 3600;

/// Parses a search query. `now` and `tz` (the team's offset from UTC) resolve `before:` and
/// `after:`: a day starts at midnight in `tz`; `7d`, `2w`, `3m` (30 days) and `1y` (365 days)
/// count back from `now`.
pub fn parse(input: &str, now: DateTime<Utc>, tz: FixedOffset) -> Result<Query, ParseError> {
    let mut p = Parser {
        lexer: Lexer {
            input,
            pos: 0,
            now: now.timestamp(),
            tz,
        },
        peeked: None,
        depth: 0,
    };
    if p.peek()?.is_none() {
        return Err(ParseError::new("empty query", 0, input.len()));
    }
    let query = p.or()?;
    match p.bump()? {
        None => Ok(query),
        // `or` stops only at the end or at a ")" it has no "(" for.
        Some(t) => Err(ParseError::new(r#"")" without "(""#, t.start, t.end)),
    }
}

#[derive(Debug)]
enum Tok {
    Term(Query),
    Minus,
    Or,
    Open,
    Close,
}

#[derive(Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    /// `Some(None)`: the end was peeked.
    peeked: Option<Option<Token>>,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&mut self) -> Result<Option<&Token>, ParseError> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lexer.next()?);
        }
        Ok(self.peeked.as_ref().and_then(Option::as_ref))
    }

    fn bump(&mut self) -> Result<Option<Token>, ParseError> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lexer.next(),
        }
    }

    /// `and (OR and)*`
    fn or(&mut self) -> Result<Query, ParseError> {
        let mut alternatives = Vec::new();
        loop {
            alternatives.push(self.and()?);
            let Some(or) = self.bump_if(|t| matches!(t, Tok::Or))? else {
                break;
            };
            match self.peek()? {
                Some(next) if matches!(next.tok, Tok::Or) => return Err(or_error(next)),
                None
                | Some(Token {
                    tok: Tok::Close, ..
                }) => return Err(or_error(&or)),
                Some(_) => {}
            }
        }
        Ok(join(alternatives, true))
    }

    /// One or more negated or plain operands, side by side.
    fn and(&mut self) -> Result<Query, ParseError> {
        let mut all = Vec::new();
        while let Some(t) = self.peek()? {
            match t.tok {
                Tok::Term(_) | Tok::Minus | Tok::Open => all.push(self.unary()?),
                Tok::Or if all.is_empty() => return Err(or_error(t)),
                Tok::Close if all.is_empty() => {
                    return Err(ParseError::new(r#"")" without "(""#, t.start, t.end));
                }
                Tok::Or | Tok::Close => break,
            }
        }
        if all.is_empty() {
            return Err(ParseError::new("empty query", 0, self.lexer.input.len()));
        }
        Ok(join(all, false))
    }

    /// `-* (term | group)`; `--x` is `x` again.
    fn unary(&mut self) -> Result<Query, ParseError> {
        let mut minus = None;
        let mut negations = 0usize;
        while let Some(t) = self.bump_if(|t| matches!(t, Tok::Minus))? {
            negations += 1;
            minus = Some(t);
        }
        let query = match self.bump()? {
            Some(Token {
                tok: Tok::Term(q), ..
            }) => q,
            Some(Token {
                tok: Tok::Open,
                start,
                end,
            }) => self.group(start, end)?,
            other => {
                // Only reachable after a "-": `and` calls us on a term, "-" or "(".
                let at = minus.as_ref().or(other.as_ref());
                let (start, end) = at.map_or((0, 0), |t| (t.start, t.end));
                return Err(lone_minus(start, end));
            }
        };
        Ok(if negations % 2 == 1 {
            Query::Not(Box::new(query))
        } else {
            query
        })
    }

    /// After a "(" at `start..end`.
    fn group(&mut self, start: usize, end: usize) -> Result<Query, ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(ParseError::new(r#"too many nested "(""#, start, end));
        }
        match self.peek()? {
            None => return Err(ParseError::new(r#""(" without ")""#, start, end)),
            Some(t) if matches!(t.tok, Tok::Close) => {
                let message = r#"nothing between "(" and ")""#;
                return Err(ParseError::new(message, start, t.end));
            }
            Some(_) => {}
        }
        self.depth += 1;
        let inner = self.or()?;
        self.depth -= 1;
        match self.bump()? {
            Some(Token {
                tok: Tok::Close, ..
            }) => Ok(inner),
            _ => Err(ParseError::new(r#""(" without ")""#, start, end)),
        }
    }

    fn bump_if(&mut self, want: fn(&Tok) -> bool) -> Result<Option<Token>, ParseError> {
        match self.peek()? {
            Some(t) if want(&t.tok) => self.bump(),
            _ => Ok(None),
        }
    }
}

fn or_error(t: &Token) -> ParseError {
    ParseError::new(r#""OR" needs something on both sides"#, t.start, t.end)
}

fn lone_minus(start: usize, end: usize) -> ParseError {
    let message = r#""-" needs something to exclude right after it, as in -tag:spam"#;
    ParseError::new(message, start, end)
}

/// `And`/`Or` of `items`, flattening operands of the same kind; one item stays itself.
fn join(items: Vec<Query>, or: bool) -> Query {
    let mut flat = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Query::Or(inner) if or => flat.extend(inner),
            Query::And(inner) if !or => flat.extend(inner),
            other => flat.push(other),
        }
    }
    match (flat.pop(), flat.is_empty()) {
        (Some(only), true) => only,
        (last, _) => {
            flat.extend(last);
            if or {
                Query::Or(flat)
            } else {
                Query::And(flat)
            }
        }
    }
}

/// What a field name selects.
#[derive(Clone, Copy)]
enum Key {
    Text(Field),
    Status,
    Kind,
    Priority,
    Is,
    Has,
    Before,
    After,
}

/// The field names, in the order the "unknown field" message lists them.
const KEYS: &[(&str, Key)] = &[
    ("from", Key::Text(Field::From)),
    ("to", Key::Text(Field::To)),
    ("cc", Key::Text(Field::Cc)),
    ("subject", Key::Text(Field::Subject)),
    ("body", Key::Text(Field::Body)),
    ("tag", Key::Text(Field::Tag)),
    ("status", Key::Status),
    ("kind", Key::Kind),
    ("priority", Key::Priority),
    ("assignee", Key::Text(Field::Assignee)),
    ("account", Key::Text(Field::Account)),
    ("customer", Key::Text(Field::Customer)),
    ("org", Key::Text(Field::Org)),
    ("is", Key::Is),
    ("has", Key::Has),
    ("before", Key::Before),
    ("after", Key::After),
];

/// Alphabetic names before a colon that are text, not a mistyped field: URI schemes written
/// without "//" (RFC 6068 mailto, RFC 2392 cid/mid, …) and reply prefixes pasted from a subject.
const NOT_FIELDS: &[&str] = &[
    "http", "https", "ftp", "mailto", "tel", "sip", "xmpp", "urn", "cid", "mid", "news", "re",
    "fw", "fwd", "aw", "wg", "sv", "antw", "tr", "rif", "enc", "balas",
];

const STATUSES: &[(&str, Status)] = &[
    ("open", Status::Open),
    ("pending", Status::Pending),
    ("snoozed", Status::Snoozed),
    ("closed", Status::Closed),
];
const KINDS: &[(&str, Kind)] = &[
    ("bug", Kind::Bug),
    ("feature", Kind::Feature),
    ("question", Kind::Question),
    ("other", Kind::Other),
];
const PRIORITIES: &[(&str, Priority)] = &[
    ("urgent", Priority::Urgent),
    ("high", Priority::High),
    ("normal", Priority::Normal),
    ("low", Priority::Low),
];
const IS_FLAGS: &[(&str, IsFlag)] = &[("unread", IsFlag::Unread), ("mine", IsFlag::Mine)];

struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    now: i64,
    tz: FixedOffset,
}

/// A field's value as typed: a word, or a quoted phrase (its span includes the quotes).
struct Value {
    words: Vec<String>,
    quoted: bool,
    start: usize,
    end: usize,
}

impl Value {
    fn text(&self) -> String {
        self.words.join(" ")
    }
}

impl Lexer<'_> {
    fn next(&mut self) -> Result<Option<Token>, ParseError> {
        let rest = self.input.get(self.pos..).unwrap_or("");
        self.pos += rest.len() - rest.trim_start().len();
        let start = self.pos;
        let Some(c) = self.input.get(start..).and_then(|s| s.chars().next()) else {
            return Ok(None);
        };
        let end = start + c.len_utf8();
        let tok = match c {
            '(' => Tok::Open,
            ')' => Tok::Close,
            '"' => {
                let words = self.phrase(start)?;
                return Ok(Some(
                    self.token(Tok::Term(phrase(Field::Any, words)), start),
                ));
            }
            '-' => match self.input.get(end..).and_then(|s| s.chars().next()) {
                None => return Err(lone_minus(start, end)),
                Some(n) if n.is_whitespace() || n == ')' => return Err(lone_minus(start, end)),
                Some(_) => Tok::Minus,
            },
            _ => return self.word(start).map(Some),
        };
        self.pos = end;
        Ok(Some(Token { tok, start, end }))
    }

    fn token(&self, tok: Tok, start: usize) -> Token {
        Token {
            tok,
            start,
            end: self.pos,
        }
    }

    /// The end of the word starting at `from`: the next space, "(", ")" or quote.
    fn word_end(&self, from: usize) -> usize {
        let rest = self.input.get(from..).unwrap_or("");
        from + rest
            .find(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"'))
            .unwrap_or(rest.len())
    }

    /// The words of the phrase whose opening quote is at `open`; moves past the closing quote.
    fn phrase(&mut self, open: usize) -> Result<Vec<String>, ParseError> {
        let inner = self.input.get(open + 1..).unwrap_or("");
        let Some(len) = inner.find('"') else {
            return Err(ParseError::new(
                r#"unclosed quote: add a closing ""#,
                open,
                open + 1,
            ));
        };
        self.pos = open + 1 + len + 1;
        let words: Vec<String> = inner[..len].split_whitespace().map(String::from).collect();
        if words.is_empty() {
            return Err(ParseError::new(
                "nothing between the quotes",
                open,
                self.pos,
            ));
        }
        Ok(words)
    }

    fn word(&mut self, start: usize) -> Result<Token, ParseError> {
        let end = self.word_end(start);
        self.pos = end;
        let text = self.input.get(start..end).unwrap_or("");
        if text == "OR" {
            return Ok(self.token(Tok::Or, start));
        }
        if let Some(colon) = text.find(':')
            && colon > 0
            && text[..colon].bytes().all(|b| b.is_ascii_alphabetic())
            && let Some(term) = self.field(start, colon, end)?
        {
            return Ok(self.token(Tok::Term(term), start));
        }
        let term = Query::Word {
            field: Field::Any,
            text: text.to_string(),
        };
        Ok(self.token(Tok::Term(term), start))
    }

    /// `name:value` with `name` = `input[start..start + colon]`, all ASCII letters, and the word
    /// ending at `end`. `None`: it is a plain word.
    fn field(
        &mut self,
        start: usize,
        colon: usize,
        end: usize,
    ) -> Result<Option<Query>, ParseError> {
        let name = self.input.get(start..start + colon).unwrap_or("");
        let lower = name.to_ascii_lowercase();
        let value_start = start + colon + 1;
        let raw = self.input.get(value_start..end).unwrap_or("");
        let quoted = raw.is_empty() && self.input.get(end..).is_some_and(|s| s.starts_with('"'));
        let Some(&(_, key)) = KEYS.iter().find(|(n, _)| *n == lower) else {
            if (raw.is_empty() && !quoted) || raw.starts_with("//") || NOT_FIELDS.contains(&&*lower)
            {
                return Ok(None);
            }
            return Err(unknown_field(name, start, start + colon));
        };
        let value = if quoted {
            let words = self.phrase(end)?;
            Value {
                words,
                quoted: true,
                start: end,
                end: self.pos,
            }
        } else if raw.is_empty() {
            let next_is_group = self.input.get(end..).is_some_and(|s| s.starts_with('('));
            return Err(no_value(&lower, start, end, next_is_group));
        } else {
            Value {
                words: vec![raw.to_string()],
                quoted: false,
                start: value_start,
                end,
            }
        };
        let bad = |message: String| ParseError::new(message, value.start, value.end);
        let term = match key {
            Key::Text(field) if value.quoted => phrase(field, value.words.clone()),
            Key::Text(field) => Query::Word {
                field,
                text: value.text(),
            },
            Key::Status => Query::Status(choose(STATUSES, &value, "status is").map_err(bad)?),
            Key::Kind => Query::Kind(choose(KINDS, &value, "kind is").map_err(bad)?),
            Key::Priority => {
                Query::Priority(choose(PRIORITIES, &value, "priority is").map_err(bad)?)
            }
            Key::Is => Query::Is(choose(IS_FLAGS, &value, "is: takes").map_err(bad)?),
            Key::Has => {
                let text = value.text();
                let lower = text.to_ascii_lowercase();
                if lower != "attachment" && lower != "attachments" {
                    return Err(bad(format!("has: takes attachment, not \"{text}\"")));
                }
                Query::HasAttachment
            }
            Key::Before | Key::After => {
                let text = value.text();
                let Some(at) = resolve_date(&text, self.now, self.tz) else {
                    return Err(bad(format!(
                        "{lower}: takes a day like 2026-11-01 or a time ago like 7d, 2w, 3m or \
                         1y, not \"{text}\""
                    )));
                };
                if matches!(key, Key::After) {
                    Query::After(at)
                } else {
                    Query::Before(at)
                }
            }
        };
        Ok(Some(term))
    }
}

fn phrase(field: Field, words: Vec<String>) -> Query {
    Query::Phrase { field, words }
}

/// The choice named by `value` (any case), or the message listing the choices.
fn choose<T: Copy>(choices: &[(&str, T)], value: &Value, what: &str) -> Result<T, String> {
    let text = value.text();
    if let Some(&(_, v)) = choices.iter().find(|(n, _)| n.eq_ignore_ascii_case(&text)) {
        return Ok(v);
    }
    let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
    let list = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    };
    Err(format!("{what} {list}, not \"{text}\""))
}

fn unknown_field(name: &str, start: usize, end: usize) -> ParseError {
    let names: Vec<&str> = KEYS.iter().map(|(n, _)| *n).collect();
    let mut message = format!("unknown field \"{name}\"; fields are {}", names.join(", "));
    if let Some(near) = nearest(&name.to_ascii_lowercase(), &names) {
        message.push_str(&format!("; did you mean \"{near}\"?"));
    }
    ParseError::new(message, start, end)
}

fn no_value(name: &str, start: usize, end: usize, next_is_group: bool) -> ParseError {
    let example = match name {
        "status" => "status:open",
        "kind" => "kind:bug",
        "priority" => "priority:high",
        "is" => "is:unread",
        "has" => "has:attachment",
        "before" => "before:2026-11-01",
        "after" => "after:7d",
        "subject" => "subject:\"export fails\"",
        _ => "from:ana",
    };
    let mut message = format!("\"{name}:\" needs a value right after the colon, as in {example}");
    if next_is_group {
        message.push_str(&format!("; for several, write ({name}:a OR {name}:b)"));
    }
    ParseError::new(message, start, end)
}

/// The field name one typo away from `name` (two for names of five letters or more), if any.
fn nearest<'n>(name: &str, names: &[&'n str]) -> Option<&'n str> {
    let limit = match name.len() {
        0..5 => 1,
        5..12 => 2,
        _ => return None,
    };
    names
        .iter()
        .map(|n| (typo_distance(name, n), *n))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, n)| n)
}

/// Edit distance counting a swap of neighbours as one edit (optimal string alignment).
fn typo_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// `YYYY-MM-DD` → the unix time of its midnight in `tz`; `N` + `d`/`w`/`m`/`y` → `now` minus
/// N days, weeks, 30-day months or 365-day years. `None` for anything else or out of range.
fn resolve_date(value: &str, now: i64, tz: FixedOffset) -> Option<i64> {
    if let Some(day) = calendar_day(value) {
        let midnight = day.and_time(NaiveTime::MIN).and_utc().timestamp();
        return midnight.checked_sub(i64::from(tz.local_minus_utc()));
    }
    let unit = value.chars().last()?;
    let digits = &value[..value.len() - unit.len_utf8()];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    let unit = match unit.to_ascii_lowercase() {
        'd' => DAY,
        'w' => 7 * DAY,
        'm' => 30 * DAY,
        'y' => 365 * DAY,
        _ => return None,
    };
    now.checked_sub(n.checked_mul(unit)?)
}

fn calendar_day(value: &str) -> Option<NaiveDate> {
    let b = value.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        let digits = value.get(from..to)?;
        if !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()
    };
    let year = i32::try_from(number(0, 4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5, 7)?, number(8, 10)?)
}

#[cfg(test)]
mod tests;
