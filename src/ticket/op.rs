//! Ops: every change a person makes, as data. Versioned, so that teammates on older and newer
//! builds can share one log through the team's IMAP server.

use serde::{Deserialize, Serialize};

use super::hlc::Hlc;

/// The format version written into every op.
///
/// Bumped only when an existing change's meaning or shape changes. Adding a [`Change`] variant
/// (as `template` was) or an optional field keeps the version: a reader that knows it applies it,
/// and an older reader fails to decode that one op and keeps it in the log unapplied (see
/// `load_ops` in the engine), while still applying everything else the newer build writes. A
/// bump would instead make older readers skip every op the newer build writes.
pub const OP_VERSION: u32 = 1;

/// Ticket status a person sets (automatic transitions are derived, never stored).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Pending,
    Closed,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Bug,
    Feature,
    Question,
    Other,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Urgent,
    High,
    Normal,
    Low,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    MustHave,
    NiceToHave,
}

/// What an op applies to. Tickets are named by a message they contain, never by a local counter.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// "The ticket that contains the message with this Message-ID."
    Anchor(String),
    /// Two tickets (merge): the one that contains the first into the one that contains the second.
    Pair(String, String),
    /// A template (saved reply) by name (see [`crate::send::template`]).
    Template(String),
    /// A team setting by name (see [`super::assemble::Settings`]).
    Setting(String),
}

/// One change.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Change {
    Status {
        status: Status,
    },
    /// Snoozed until this instant (unix seconds); `None` wakes it.
    Snooze {
        #[cfg_attr(feature = "ts", ts(type = "number | null"))]
        until: Option<i64>,
    },
    Assign {
        to: Option<String>,
    },
    /// Adds a tag; the op's own id names this add, for removes to cite.
    TagAdd {
        tag: String,
    },
    /// Removes the adds of `tag` this actor had seen; a concurrent add survives.
    TagRemove {
        tag: String,
        seen: Vec<String>,
    },
    Kind {
        kind: Option<Kind>,
    },
    Priority {
        priority: Option<Priority>,
    },
    Impact {
        impact: Option<Impact>,
    },
    Note {
        text: String,
    },
    /// Merges the ticket of the pair's first anchor into the ticket of its second
    /// ([`Target::Pair`]).
    Merge,
    /// Moves the anchored message out of its ticket into a ticket of its own.
    Split,
    /// Cancels an earlier merge or split (named by its op id); carries the same target.
    Undo {
        op: String,
    },
    /// A team setting ([`Target::Setting`]): the value, as text.
    Setting {
        value: String,
    },
    /// A template (saved reply) saved under the name its [`Target::Template`] gives, replacing
    /// any before it; `None` removes it. Last writer wins per name, by (HLC, actor, op id).
    Template {
        template: Option<TemplateBody>,
    },
}

/// What a template op stores: everything of a template but its name (which is the target).
///
/// Fields a later version adds must be optional (`#[serde(default)]`): older readers ignore
/// fields they do not know, newer readers default the ones older writers left out.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TemplateBody {
    /// The subject line of a new message; `None` keeps the ticket's ("Re: …") when replying.
    #[serde(default)]
    pub subject: Option<String>,
    pub body: String,
    /// The status the ticket takes when the template is used.
    #[serde(default)]
    pub set_status: Option<Status>,
    /// The kind the ticket takes when the template is used.
    #[serde(default)]
    pub set_kind: Option<Kind>,
    /// Tags added to the ticket when the template is used.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// One op: `{id, target, actor, HLC time, change}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Op {
    pub v: u32,
    /// Globally unique: the HLC of its creation with its node (`wall.counter.node`).
    pub id: String,
    pub target: Target,
    /// The person's email address.
    pub actor: String,
    pub at: Hlc,
    pub change: Change,
}

impl Op {
    pub fn new(target: Target, actor: &str, at: Hlc, change: Change) -> Op {
        Op {
            v: OP_VERSION,
            id: format!("{}.{}.{:x}", at.wall_ms, at.counter, at.node),
            target,
            actor: actor.to_ascii_lowercase(),
            at,
            change,
        }
    }
}
