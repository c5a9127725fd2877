//! Variables in a template's text: `{{customer.first_name}}`, `{{ ticket.id }}` …
//!
//! A placeholder is `{{`, a name, `}}`, on one line; whitespace around the name is allowed. A
//! `{{` with no `}}` after it on its line is plain text, and so are the braces around a
//! placeholder beyond the innermost two (`{{{x}}}` is `{` + `{{x}}` + `}`).
//!
//! Filling in never produces an empty gap or a stray placeholder silently: a variable whose value
//! is unknown or blank stays in the text as `{{name}}` and is listed as missing, for the person to
//! fill in before sending; a name that is no variable stays as written and is listed as unknown.

use serde::Serialize;

/// A variable a template may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Var {
    CustomerFirstName,
    CustomerName,
    CustomerEmail,
    TicketId,
    TicketSubject,
    AgentName,
    AgentFirstName,
    AgentEmail,
    AccountName,
}

impl Var {
    /// Every variable, in the order help lists them.
    pub const ALL: [Var; 9] = [
        Var::CustomerFirstName,
        Var::CustomerName,
        Var::CustomerEmail,
        Var::TicketId,
        Var::TicketSubject,
        Var::AgentName,
        Var::AgentFirstName,
        Var::AgentEmail,
        Var::AccountName,
    ];

    /// The name written between the braces.
    pub fn name(self) -> &'static str {
        match self {
            Var::CustomerFirstName => "customer.first_name",
            Var::CustomerName => "customer.name",
            Var::CustomerEmail => "customer.email",
            Var::TicketId => "ticket.id",
            Var::TicketSubject => "ticket.subject",
            Var::AgentName => "agent.name",
            Var::AgentFirstName => "agent.first_name",
            Var::AgentEmail => "agent.email",
            Var::AccountName => "account.name",
        }
    }

    /// The variable of a name (exactly as listed: names are lower case).
    pub fn parse(name: &str) -> Option<Var> {
        Var::ALL.into_iter().find(|v| v.name() == name)
    }
}

/// Every variable's name, as `{{name}}`, comma-separated (for help and errors).
pub fn known_names() -> String {
    Var::ALL
        .iter()
        .map(|v| format!("{{{{{}}}}}", v.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the variables stand for on one ticket, as found; `None` (or blank) when unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Values {
    /// The customer's display name, as their mail gives it.
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub ticket_id: Option<String>,
    pub ticket_subject: Option<String>,
    /// The name of the person using Siphon.
    pub agent_name: Option<String>,
    pub agent_email: Option<String>,
    /// The mailbox's display name ("Brindle Support").
    pub account_name: Option<String>,
}

impl Values {
    /// A variable's value, on one line (runs of whitespace, line breaks included, become one
    /// space); `None` when it is unknown or blank.
    pub fn get(&self, var: Var) -> Option<String> {
        let value = match var {
            Var::CustomerFirstName => return self.customer_name.as_deref().and_then(first_name),
            Var::AgentFirstName => return self.agent_name.as_deref().and_then(first_name),
            Var::CustomerName => return self.customer_name.as_deref().and_then(person_name),
            Var::AgentName => return self.agent_name.as_deref().and_then(person_name),
            Var::CustomerEmail => &self.customer_email,
            Var::TicketId => &self.ticket_id,
            Var::TicketSubject => &self.ticket_subject,
            Var::AgentEmail => &self.agent_email,
            Var::AccountName => &self.account_name,
        };
        value.as_deref().and_then(one_line)
    }
}

/// Collapses whitespace to single spaces; `None` when nothing is left.
fn one_line(s: &str) -> Option<String> {
    let out = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!out.is_empty()).then_some(out)
}

/// A display name as a name: quotes around it dropped; an address where a name should be (some
/// clients put one there) is no name.
fn person_name(display: &str) -> Option<String> {
    let name = one_line(display.trim().trim_matches(['"', '\'']))?;
    (!name.contains('@')).then_some(name)
}

/// Words that come after a name and a comma ("Marie Dupont, PhD"), not before a first name.
const SUFFIXES: &[&str] = &[
    "jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "mba", "msc",
];

/// Words that come before a name ("Dr. Jane Smith").
const HONORIFICS: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "mme", "mlle", "herr", "frau",
];

fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// The first name in a display name: its first word, with the common shapes handled —
/// "Dupont, Marie" → "Marie" (but "Marie Dupont, PhD" → "Marie"), "DUPONT Marie" → "Marie" (a
/// surname in capitals first, as French mail often writes it), "Dr. Jane Smith" → "Jane". When
/// the name does not show a first name ("Dr. Smith", "J. Smith"), there is none: a wrong
/// greeting is worse than one the person completes. The email address's local part is never
/// used either ("jdupont", "info", "m.dupont.42" are not names a reply should greet).
pub fn first_name(display: &str) -> Option<String> {
    let name = person_name(display)?;
    let ordered = match name.split_once(',') {
        Some((before, after)) => {
            let after = after.trim();
            let suffix = after
                .split_whitespace()
                .next()
                .is_some_and(|w| SUFFIXES.contains(&bare(w).as_str()));
            if after.is_empty() || suffix {
                before.trim().to_string()
            } else {
                after.to_string()
            }
        }
        None => name,
    };
    let mut words: Vec<&str> = ordered.split_whitespace().collect();
    let titled = words
        .first()
        .is_some_and(|w| HONORIFICS.contains(&bare(w).as_str()));
    if titled {
        words.remove(0);
        // "Dr. Smith": what follows a title alone is a surname.
        if words.len() < 2 {
            return None;
        }
    }
    // A word in capitals, an initial ("J.") aside.
    let shouting = |w: &str| {
        w.chars().filter(|c| c.is_uppercase()).count() >= 2 && !w.chars().any(char::is_lowercase)
    };
    // "DUPONT Marie": skip a leading surname in capitals when a word in mixed case follows.
    let first = match words.iter().position(|w| !shouting(w)) {
        Some(i) if i > 0 && words[..i].iter().all(|w| shouting(w)) => words[i],
        _ => *words.first()?,
    };
    let first = first.trim_matches(|c: char| c == ',' || c == ';' || c == ':');
    // An initial ("J.", "J") is not a name to greet someone by.
    if first.trim_end_matches('.').chars().count() < 2 || !first.chars().any(char::is_alphabetic) {
        return None;
    }
    Some(first.to_string())
}

/// One piece of a template's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Piece<'a> {
    Text(&'a str),
    /// A placeholder: as written (braces included), and the name inside, trimmed.
    Slot {
        raw: &'a str,
        name: &'a str,
    },
}

/// Splits a text into plain text and placeholders.
pub(super) fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    let mut search = 0;
    while let Some(rel) = text[search..].find("{{") {
        let mut open = search + rel;
        // The innermost two of a run of braces open the placeholder.
        while text[open + 2..].starts_with('{') {
            open += 1;
        }
        let inner_start = open + 2;
        let Some(close_rel) = text[inner_start..].find("}}") else {
            break;
        };
        let close = inner_start + close_rel;
        let inner = &text[inner_start..close];
        if let Some(nested) = inner.rfind("{{") {
            // "{{ a {{b}}": the later opening is the placeholder.
            search = inner_start + nested;
            continue;
        }
        if inner.contains(['\n', '\r']) {
            // Braces a line apart are text, not a placeholder.
            search = inner_start;
            continue;
        }
        if open > from {
            out.push(Piece::Text(&text[from..open]));
        }
        out.push(Piece::Slot {
            raw: &text[open..close + 2],
            name: inner.trim(),
        });
        from = close + 2;
        search = from;
    }
    if from < text.len() {
        out.push(Piece::Text(&text[from..]));
    }
    out
}

/// A text with its variables filled in.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Rendered {
    pub text: String,
    /// Variables with no value, left in the text as `{{name}}` for the person to fill in.
    pub missing: Vec<String>,
    /// Names that are no variable (a typo, or a variable of a newer Siphon), left as written.
    pub unknown: Vec<String>,
}

fn push_once(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|n| n == name) {
        list.push(name.to_string());
    }
}

/// Fills in a text's variables from `values` (see the module's notes for what is left in).
pub fn render(text: &str, values: &Values) -> Rendered {
    let mut out = Rendered {
        text: String::with_capacity(text.len()),
        ..Rendered::default()
    };
    for piece in pieces(text) {
        match piece {
            Piece::Text(t) => out.text.push_str(t),
            Piece::Slot { raw, name } => match Var::parse(name).map(|v| (v, values.get(v))) {
                Some((_, Some(value))) => out.text.push_str(&value),
                Some((var, None)) => {
                    out.text.push_str(&format!("{{{{{}}}}}", var.name()));
                    push_once(&mut out.missing, var.name());
                }
                None => {
                    out.text.push_str(raw);
                    push_once(&mut out.unknown, name);
                }
            },
        }
    }
    out
}

/// The names in a text that are no variable, each once, in order.
pub fn unknown(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in pieces(text) {
        if let Piece::Slot { name, .. } = piece
            && Var::parse(name).is_none()
        {
            push_once(&mut out, name);
        }
    }
    out
}

/// Every placeholder left in a text, known or not, each name once, in order: the last guard
/// before sending, so that no reply ever goes out with a `{{…}}` in it.
pub fn unfilled(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in pieces(text) {
        if let Piece::Slot { name, .. } = piece {
            push_once(&mut out, name);
        }
    }
    out
}
