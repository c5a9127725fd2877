//! Templates (saved replies): a name, an optional subject line, a body with variables
//! (`{{customer.first_name}}`, `{{ticket.id}}` … see [`Var`]), and what using one does to the
//! ticket (a status, a kind, tags). Pure: the engine supplies the ops and the values.
//!
//! Templates are ops ([`Change::Template`] on [`Target::Template`]), so the team can share them
//! the way it shares ticket state. [`fold`] makes the current set: per name (compared without
//! regard to case or surrounding spaces), the last op by (HLC, actor, id) wins, and a removal
//! hides the name. The [`starters`] are present unless an op names them.
//!
//! Filling in ([`render`], [`fill`]) never sends a gap or a raw placeholder without the person
//! seeing it: a variable with no value stays as `{{name}}` and is listed as missing; a name that
//! is no variable is refused when a template is saved ([`Template::validated`]) and reported
//! when one is rendered (a teammate's newer Siphon may know variables this one does not).
//! [`unfilled`] is the sending code's last guard.

mod starter;
mod vars;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use starter::starters;
pub use vars::{Rendered, Values, Var, first_name, known_names, render, unfilled, unknown};

use crate::ticket::op::{Change, Kind, Op, Status, Target, TemplateBody};

/// The longest template name, in characters (it is a label in lists and menus).
pub const MAX_NAME: usize = 100;

/// A template that cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("a template needs a name")]
    NoName,
    #[error("a template name cannot hold control characters (line breaks, tabs …)")]
    ControlInName,
    #[error("the template name is {0} characters long; at most {MAX_NAME}")]
    LongName(usize),
    #[error("the template's body is empty")]
    NoBody,
    #[error("a template's subject is one line")]
    SubjectLines,
    #[error("\"{0}\" is not a tag: a tag needs a name, without control characters")]
    BadTag(String),
    #[error("{}", unknown_message(.0))]
    UnknownVariables(Vec<String>),
}

fn unknown_message(names: &[String]) -> String {
    let listed: Vec<String> = names.iter().map(|n| format!("{{{{{n}}}}}")).collect();
    format!(
        "{} {} not a variable; the variables are: {}",
        listed.join(", "),
        if names.len() == 1 { "is" } else { "are" },
        known_names()
    )
}

/// A saved reply.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub name: String,
    /// The subject line of a new message; `None` keeps the ticket's ("Re: …") in a reply.
    pub subject: Option<String>,
    pub body: String,
    /// The status the ticket takes when the template is used.
    pub set_status: Option<Status>,
    /// The kind the ticket takes when the template is used.
    pub set_kind: Option<Kind>,
    /// Tags added to the ticket when the template is used.
    pub tags: Vec<String>,
}

impl Template {
    /// A template from a template op's name and body.
    pub fn from_body(name: &str, body: TemplateBody) -> Template {
        Template {
            name: name.to_string(),
            subject: body.subject,
            body: body.body,
            set_status: body.set_status,
            set_kind: body.set_kind,
            tags: body.tags,
        }
    }

    /// What a template op stores of this template (all but the name, which is the target).
    pub fn to_body(&self) -> TemplateBody {
        TemplateBody {
            subject: self.subject.clone(),
            body: self.body.clone(),
            set_status: self.set_status,
            set_kind: self.set_kind,
            tags: self.tags.clone(),
        }
    }

    /// The template as it is saved, or why it cannot be: the name trimmed, non-empty, without
    /// control characters; a blank subject is none; tags trimmed, each once; the subject and
    /// the body use only known variables.
    pub fn validated(self) -> Result<Template, Error> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(Error::NoName);
        }
        if name.chars().any(char::is_control) {
            return Err(Error::ControlInName);
        }
        let len = name.chars().count();
        if len > MAX_NAME {
            return Err(Error::LongName(len));
        }
        if self.body.trim().is_empty() {
            return Err(Error::NoBody);
        }
        let subject = self
            .subject
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if subject.as_deref().is_some_and(|s| s.contains(['\n', '\r'])) {
            return Err(Error::SubjectLines);
        }
        let mut tags: Vec<String> = Vec::new();
        for tag in &self.tags {
            let t = tag.trim();
            if t.is_empty() || t.chars().any(char::is_control) {
                return Err(Error::BadTag(tag.clone()));
            }
            if !tags.iter().any(|x| x == t) {
                tags.push(t.to_string());
            }
        }
        let mut bad = unknown(subject.as_deref().unwrap_or_default());
        for name in unknown(&self.body) {
            if !bad.contains(&name) {
                bad.push(name);
            }
        }
        if !bad.is_empty() {
            return Err(Error::UnknownVariables(bad));
        }
        Ok(Template {
            name,
            subject,
            tags,
            ..self
        })
    }
}

/// The key a name is matched by: "Closing", "closing" and " Closing " are one template.
pub fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The team's templates from the op log: the latest op per name wins, by (HLC, actor, id); a
/// removal hides the name; a starter is present unless an op names it. Sorted by name.
pub fn fold<'a>(ops: impl IntoIterator<Item = &'a Op>) -> Vec<Template> {
    let mut latest: BTreeMap<String, (&str, &Op)> = BTreeMap::new();
    for op in ops {
        let (Target::Template(name), Change::Template { .. }) = (&op.target, &op.change) else {
            continue;
        };
        let cur = latest.entry(key(name)).or_insert((name.as_str(), op));
        if (op.at, &op.actor, &op.id) > (cur.1.at, &cur.1.actor, &cur.1.id) {
            *cur = (name.as_str(), op);
        }
    }
    let mut out: Vec<Template> = starters()
        .into_iter()
        .filter(|s| !latest.contains_key(&key(&s.name)))
        .collect();
    for (name, op) in latest.values() {
        if let Change::Template {
            template: Some(body),
        } = &op.change
        {
            out.push(Template::from_body(name.trim(), body.clone()));
        }
    }
    out.sort_by(|a, b| key(&a.name).cmp(&key(&b.name)).then(a.name.cmp(&b.name)));
    out
}

/// The template named `name` (without regard to case or surrounding spaces).
pub fn find<'a>(templates: &'a [Template], name: &str) -> Option<&'a Template> {
    let k = key(name);
    templates.iter().find(|t| key(&t.name) == k)
}

/// A template filled in for one ticket, for the person to read (and complete) before sending.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Filled {
    pub template: Template,
    /// The subject filled in; `None` when the template keeps the ticket's.
    pub subject: Option<String>,
    pub body: String,
    /// Variables with no value, left as `{{name}}` in the subject or body.
    pub missing: Vec<String>,
    /// Names that are no variable, left as written (a template from a newer Siphon).
    pub unknown: Vec<String>,
}

/// Fills in a template's subject and body.
pub fn fill(template: &Template, values: &Values) -> Filled {
    let subject = template.subject.as_deref().map(|s| render(s, values));
    let body = render(&template.body, values);
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    for r in subject.iter().chain([&body]) {
        for m in &r.missing {
            if !missing.contains(m) {
                missing.push(m.clone());
            }
        }
        for u in &r.unknown {
            if !unknown.contains(u) {
                unknown.push(u.clone());
            }
        }
    }
    Filled {
        template: template.clone(),
        subject: subject.map(|r| r.text),
        body: body.text,
        missing,
        unknown,
    }
}

#[cfg(test)]
mod tests;
