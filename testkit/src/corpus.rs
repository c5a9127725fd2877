//! Synthetic support mail, generated deterministically, plus a corpus of malformed mail.
//!
//! [`generate`] streams a realistic shared-inbox history: customers writing to
//! `support@<team_domain>` (and some to `billing@`), agents answering as
//! "Maya from Acme <support@…>", quoted replies in English, French and Indonesian, a mix of
//! MIME shapes, charsets and transfer encodings, imperfect threading headers, and some
//! non-ticket mail (auto-replies, bounces, newsletters and lists). Every [`Message`] carries
//! its ground-truth conversation id so threading can be scored.
//!
//! The same [`Spec`] always yields the same bytes; nothing reads the clock or the OS RNG.
//! Messages come out in ascending date order and only the conversations still open are held
//! in memory, so 100,000 messages stream in a few MB (about a second in a release build).
//!
//! Rates, as measured by the module's tests on 20,000 messages (seed 1):
//!
//! | property | rate |
//! | --- | --- |
//! | average size | ~1.2 KB (119 MB at 100,000 messages) |
//! | attachments (base64, 5–50 KB, median ~6 KB) | ~2.5% of ticket messages |
//! | Inbox / Sent | ~60% / ~40% |
//! | ticket languages en / fr / id | ~58% / ~21% / ~21% |
//! | replies without In-Reply-To and References | ~7.5% |
//! | replies with In-Reply-To only | ~9.5% |
//! | messages without Message-ID | ~2.3% |
//! | multipart/alternative, HTML only | ~17%, ~2.6% of ticket messages |
//! | ISO-8859-1 bodies | ~3% of ticket messages (French) |
//! | non-ticket mail | ~3% (auto-replies, bounces, newsletters/lists) |
//! | conversations whose subject changes | ~3.4% |
//!
//! Ground truth for non-ticket mail: each auto-reply, bounce and newsletter is a conversation
//! of its own. Half of the auto-replies that answer a team message carry In-Reply-To and
//! References pointing at it (as RFC 3834 recommends), so a threader that follows headers
//! blindly will attach them to the ticket; keeping `Auto-Submitted` mail apart is the point.
//! Bounces quote the bounced message's headers (its Message-ID too) in a
//! text/rfc822-headers part, never in their own threading headers.
//!
//! [`malformed`] returns hand-built broken messages, each with a one-line expectation of what
//! a robust parser should still get out of it.

mod enc;
mod malformed;
mod mime;
mod people;
mod rng;
#[cfg(test)]
mod tests;
mod text;

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use enc::{Charset, DateStyle, encoded_words_after, fold, mailbox, rfc5322_date};
use mime::{Cte, Entity};
use people::{AGENTS, Client, Lang, Person};
use rng::Rng;
use text::{Draft, Facts, Para, Topic, Who};

pub use malformed::{Malformed, malformed};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// Exactly this many messages are produced.
    pub messages: usize,
    pub seed: u64,
    /// The support team's domain, e.g. "acme.example" (support@ and billing@ live there).
    pub team_domain: String,
    /// Unix seconds of the first message.
    pub start: i64,
    /// Conversations start spread over this many days (their last replies may run a few days
    /// past it).
    pub span_days: u32,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            messages: 1000,
            seed: 1,
            team_domain: "acme.example".to_string(),
            // 2026-01-05T09:00:00Z
            start: 1_767_603_600,
            span_days: 300,
        }
    }
}

/// Where a message belongs in the support mailbox.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Folder {
    /// Mail the team received.
    Inbox,
    /// The team's replies.
    Sent,
}

/// One generated message.
#[derive(Clone, Debug)]
pub struct Message {
    /// The RFC 5322 message, CRLF line endings.
    pub raw: Vec<u8>,
    pub folder: Folder,
    /// Ground truth: messages of one conversation share this id. Auto-replies, bounces and
    /// newsletters each get their own.
    pub conversation: u32,
    /// The Message-ID without angle brackets; None when the header is deliberately missing.
    pub message_id: Option<String>,
    /// The Date header's instant, unix seconds.
    pub date: i64,
}

/// Streams `spec.messages` messages in ascending date order. See the module docs.
pub fn generate(spec: &Spec) -> impl Iterator<Item = Message> + use<> {
    Generator::new(spec.clone())
}

// ---------------------------------------------------------------------------------------------
// Tuning: the rates the tests check.

/// Share of replies that carry neither In-Reply-To nor References.
const P_NO_REFS: f64 = 0.06;
/// Share of replies that carry In-Reply-To only.
const P_IRT_ONLY: f64 = 0.10;
/// Share of customer-written ticket messages without a Message-ID header.
const P_NO_MESSAGE_ID: f64 = 0.04;
/// Share of ticket messages with an attachment.
const P_ATTACHMENT: f64 = 0.015;
/// Share of customer ticket messages sent as HTML only.
const P_HTML_ONLY: f64 = 0.045;
/// Share of conversations whose subject changes part-way.
const P_SUBJECT_CHANGE: f64 = 0.04;
/// Weights of conversation lengths 1..=8.
const LENGTH_WEIGHTS: [u32; 8] = [20, 28, 20, 13, 8, 5, 4, 2];
/// Share of conversation starts that are non-ticket mail; with a mean ticket length of ~3
/// this makes ~3% of messages.
const P_NON_TICKET: f64 = 0.087;
/// Lines of the previous message kept when quoting.
const QUOTE_LINES: usize = 3;

// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Ticket,
    AutoReply,
    Bounce,
    List,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refs {
    /// A first message.
    NotAReply,
    Both,
    InReplyToOnly,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    Plain,
    Alternative,
    HtmlOnly,
    Other,
}

/// What the generator knows about a message, for the tests.
#[derive(Clone, Debug)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Meta {
    pub kind: Kind,
    pub lang: Lang,
    pub refs: Refs,
    pub attachment: bool,
    pub shape: Shape,
    pub latin1: bool,
    pub subject: String,
    pub subject_changed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Customer,
    Team,
}

/// What a reply needs from the message it answers.
struct Prev {
    id: Option<String>,
    plain: String,
    new_text: String,
    who: String,
    date: i64,
    role: Role,
    team_from: Option<String>,
}

struct Ticket {
    lang: Lang,
    topic: Topic,
    facts: Facts,
    customer: Person,
    agent: usize,
    billing: bool,
    subject: String,
    roles: Vec<Role>,
    change_at: Option<usize>,
    refs: Vec<String>,
    prev: Option<Prev>,
    cc: Option<(String, String)>,
}

struct Conv {
    id: u32,
    rng: Rng,
    kind: Kind,
    pos: usize,
    date: i64,
    ticket: Option<Box<Ticket>>,
}

/// A scheduled message: the heap orders by (date, seq), earliest first.
struct Pending {
    date: i64,
    seq: u64,
    conv: Conv,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.date, self.seq) == (other.date, other.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> Ordering {
        (other.date, other.seq).cmp(&(self.date, self.seq))
    }
}

/// A recent team message, for auto-replies and bounces to point at.
#[derive(Clone)]
struct SentNote {
    id: String,
    subject: String,
    customer: Person,
    date: i64,
}

pub(crate) struct Generator {
    spec: Spec,
    rng: Rng,
    heap: BinaryHeap<Pending>,
    allocated: usize,
    next_start: i64,
    next_conv: u32,
    seq: u64,
    pool: u64,
    recent: VecDeque<SentNote>,
    team: String,
}

impl Iterator for Generator {
    type Item = Message;
    fn next(&mut self) -> Option<Message> {
        self.next_with_meta().map(|(m, _)| m)
    }
}

impl Generator {
    pub(crate) fn new(spec: Spec) -> Self {
        let pool = (spec.messages as u64 / 6).max(40);
        let team = people::team_name(&spec.team_domain);
        Generator {
            rng: Rng::new(spec.seed),
            next_start: spec.start,
            heap: BinaryHeap::new(),
            allocated: 0,
            next_conv: 0,
            seq: 0,
            pool,
            recent: VecDeque::new(),
            team,
            spec,
        }
    }

    /// Conversations currently open (held in memory).
    #[cfg(test)]
    pub(crate) fn open_conversations(&self) -> usize {
        self.heap.len()
    }

    pub(crate) fn next_with_meta(&mut self) -> Option<(Message, Meta)> {
        while self.allocated < self.spec.messages
            && self.heap.peek().is_none_or(|p| self.next_start <= p.date)
        {
            self.start_conversation();
        }
        let Pending { mut conv, .. } = self.heap.pop()?;
        let out = self.emit(&mut conv);
        conv.pos += 1;
        let next_roles = conv
            .ticket
            .as_ref()
            .and_then(|t| Some((*t.roles.get(conv.pos - 1)?, *t.roles.get(conv.pos)?)));
        if let Some(roles) = next_roles {
            // Replies come minutes to a day and a half after a customer writes, customers
            // answer the team within days, and nudges follow after one to six days.
            let gap = match roles {
                (Role::Customer, Role::Team) => conv.rng.log_uniform(900.0, 36.0 * 3600.0),
                (Role::Team, Role::Customer) => conv.rng.log_uniform(2400.0, 5.0 * 86_400.0),
                _ => conv.rng.log_uniform(86_400.0, 6.0 * 86_400.0),
            };
            conv.date += gap as i64;
            self.seq += 1;
            self.heap.push(Pending {
                date: conv.date,
                seq: self.seq,
                conv,
            });
        }
        Some(out)
    }

    fn start_conversation(&mut self) {
        let remaining = self.spec.messages - self.allocated;
        let kind = if self.rng.chance(P_NON_TICKET) {
            match self.rng.weighted(&[40, 25, 35]) {
                0 => Kind::AutoReply,
                1 => Kind::Bounce,
                _ => Kind::List,
            }
        } else {
            Kind::Ticket
        };
        let len = match kind {
            Kind::Ticket => (self.rng.weighted(&LENGTH_WEIGHTS) + 1).min(remaining),
            _ => 1,
        };
        let n = self.spec.messages as i128;
        let span = i128::from(self.spec.span_days) * 86_400;
        let window_start = i128::from(self.spec.start) + span * self.allocated as i128 / n;
        let window_end = i128::from(self.spec.start) + span * (self.allocated + len) as i128 / n;
        let date = if self.allocated == 0 {
            self.spec.start
        } else {
            let width = (window_end - window_start).max(1) as u64;
            (window_start as i64 + self.rng.below(width) as i64).max(self.next_start)
        };
        self.allocated += len;
        self.next_start = (window_end as i64).max(date);
        let id = self.next_conv;
        self.next_conv += 1;
        let mut rng = Rng::derive(self.spec.seed, 0xC011, u64::from(id));
        let ticket = (kind == Kind::Ticket).then(|| Box::new(self.plan_ticket(&mut rng, len)));
        self.seq += 1;
        self.heap.push(Pending {
            date,
            seq: self.seq,
            conv: Conv {
                id,
                rng,
                kind,
                pos: 0,
                date,
                ticket,
            },
        });
    }

    fn plan_ticket(&self, rng: &mut Rng, len: usize) -> Ticket {
        // A few customers write a lot: skew the pick towards low indices.
        let u = rng.unit();
        let index = (u * u * self.pool as f64) as u64;
        let customer = people::customer(self.spec.seed, index, self.pool);
        let lang = customer.lang;
        let topic = Topic::draw(rng);
        let facts = Facts::draw(rng, lang, &self.team);
        let subject = text::subject(rng, lang, topic, &facts);
        let mut roles = Vec::with_capacity(len);
        roles.push(if rng.chance(0.03) {
            Role::Team
        } else {
            Role::Customer
        });
        for i in 1..len {
            let prev = roles[i - 1];
            let same = rng.chance(0.12);
            roles.push(match (prev, same) {
                (Role::Customer, false) | (Role::Team, true) => Role::Team,
                _ => Role::Customer,
            });
        }
        let change_at = if len >= 3 && rng.chance(P_SUBJECT_CHANGE * 2.0) {
            (2..len).find(|&i| roles[i] == Role::Customer)
        } else {
            None
        };
        let billing = topic == Topic::Billing && rng.chance(0.5) || rng.chance(0.02);
        let cc = (customer.company.is_some() && rng.chance(0.06))
            .then(|| people::colleague(rng, &customer));
        Ticket {
            lang,
            topic,
            facts,
            agent: people::pick_agent(rng, lang),
            customer,
            billing,
            subject,
            roles,
            change_at,
            refs: Vec::new(),
            prev: None,
            cc,
        }
    }

    fn emit(&mut self, conv: &mut Conv) -> (Message, Meta) {
        match conv.kind {
            Kind::Ticket => self.emit_ticket(conv),
            Kind::AutoReply => self.emit_auto_reply(conv),
            Kind::Bounce => self.emit_bounce(conv),
            Kind::List => self.emit_list(conv),
        }
    }

    fn support_address(&self, billing: bool) -> String {
        let local = if billing { "billing" } else { "support" };
        format!("{local}@{}", self.spec.team_domain)
    }

    fn emit_ticket(&mut self, conv: &mut Conv) -> (Message, Meta) {
        let team_domain = self.spec.team_domain.clone();
        let team = self.team.clone();
        let support = self.support_address(conv.ticket.as_ref().is_some_and(|t| t.billing));
        let Some(t) = conv.ticket.as_deref_mut() else {
            return self.emit_list(conv);
        };
        let rng = &mut conv.rng;
        let pos = conv.pos;
        let date = conv.date;
        let role = t.roles[pos];
        let agent = {
            if pos > 0 && role == Role::Team && rng.chance(0.1) {
                t.agent = people::pick_agent(rng, t.lang);
            }
            AGENTS[t.agent]
        };
        let client = match role {
            Role::Customer => t.customer.client,
            Role::Team => Client::Gmail,
        };
        let who = Who {
            lang: t.lang,
            topic: t.topic,
            facts: &t.facts,
            unix: date,
        };
        let phone = role == Role::Customer && client == Client::Phone;
        let draft: Draft = match role {
            Role::Customer if pos == 0 => customer_first_draft(rng, &who, &t.customer, phone),
            Role::Customer => text::customer_later(rng, &who, t.customer.first, phone),
            Role::Team => {
                let followup = t.prev.as_ref().is_none_or(|p| p.role == Role::Team) || pos >= 3;
                text::team_message(
                    rng,
                    &who,
                    t.customer.first,
                    agent.first,
                    followup && pos > 0,
                )
            }
        };

        // Subject.
        let mut subject_changed = false;
        let subject_line = if pos == 0 && role == Role::Team {
            // The team writes first: following up on a call or a chat.
            let prefix = match t.lang {
                Lang::En => "Follow-up: ",
                Lang::Fr => "Suite à notre appel : ",
                Lang::Id => "Tindak lanjut: ",
            };
            t.subject = format!("{prefix}{}", t.subject);
            t.subject.clone()
        } else if pos == 0 {
            t.subject.clone()
        } else if t.change_at == Some(pos) {
            subject_changed = true;
            let topic = Topic::draw(rng);
            let fresh = text::subject(rng, t.lang, topic, &t.facts);
            let line = if rng.chance(0.5) {
                format!("{fresh} (was: {})", t.subject)
            } else {
                fresh.clone()
            };
            t.subject = line.clone();
            line
        } else {
            let prefix = client.reply_prefix(t.lang);
            if rng.chance(0.05) {
                format!("{prefix}{prefix}{}", t.subject)
            } else {
                format!("{prefix}{}", t.subject)
            }
        };

        // Threading headers.
        let refs_mode = if pos == 0 {
            Refs::NotAReply
        } else {
            let r = rng.unit();
            if r < P_NO_REFS {
                Refs::None
            } else if r < P_NO_REFS + P_IRT_ONLY {
                Refs::InReplyToOnly
            } else {
                Refs::Both
            }
        };
        let parent_id = t.prev.as_ref().and_then(|p| p.id.clone());

        // Identity.
        let (from, to, offset, charset, folder) = match role {
            Role::Customer => {
                let c = &t.customer;
                let q = rng.chance(0.5);
                let to = match t.prev.as_ref().and_then(|p| p.team_from.clone()) {
                    Some(team_from) => team_from,
                    None => {
                        let name = if t.billing {
                            format!("{team} Billing")
                        } else {
                            format!("{team} Support")
                        };
                        mailbox(&name, &support, Charset::Utf8, q)
                    }
                };
                (
                    mailbox(&c.name, &c.email, c.charset, q),
                    to,
                    c.offset_at(date),
                    c.charset,
                    Folder::Inbox,
                )
            }
            Role::Team => {
                let display = if t.billing {
                    format!("{} from {team} Billing", agent.first)
                } else {
                    format!("{} from {team}", agent.first)
                };
                let c = &t.customer;
                (
                    mailbox(&display, &support, Charset::Utf8, rng.chance(0.5)),
                    mailbox(&c.name, &c.email, Charset::Utf8, rng.chance(0.5)),
                    agent.offset_at(date),
                    Charset::Utf8,
                    Folder::Sent,
                )
            }
        };
        let message_id = match role {
            Role::Customer if rng.chance(P_NO_MESSAGE_ID) => None,
            Role::Customer => Some(client.message_id(rng, date, &t.customer.domain)),
            Role::Team => Some(format!("{}.{}@{team_domain}", rng.hex(16), date)),
        };

        // Body text, with the quote of the previous message.
        let new_text = render_draft(&draft, client.wraps());
        let quote = t.prev.as_ref().map(|p| {
            let l = enc::local(p.date, offset);
            let header = text::quote_header(t.lang, &l, &p.who);
            // Mail clients quote the whole previous message (we keep its first lines); the
            // team's help-desk tool quotes only what the customer newly wrote.
            let source = match role {
                Role::Customer => p.plain.as_str(),
                Role::Team => p.new_text.as_str(),
            };
            let quoted: Vec<String> = source
                .trim_end()
                .split("\r\n")
                .take(QUOTE_LINES)
                .map(|line| {
                    if line.is_empty() {
                        ">".to_string()
                    } else if line.starts_with('>') {
                        format!(">{line}")
                    } else {
                        format!("> {line}")
                    }
                })
                .collect();
            (header, quoted.join("\r\n"))
        });
        let bottom_post = rng.chance(0.08);
        let plain = match &quote {
            None => new_text.clone(),
            Some((header, quoted)) if bottom_post => {
                format!("{header}\r\n{quoted}\r\n\r\n{new_text}")
            }
            Some((header, quoted)) => format!("{new_text}\r\n{header}\r\n{quoted}\r\n"),
        };

        // MIME shape.
        let shape = match role {
            Role::Customer if rng.chance(P_HTML_ONLY) => Shape::HtmlOnly,
            Role::Customer => {
                let p = match client {
                    Client::Gmail | Client::AppleMail | Client::Outlook => 0.22,
                    _ => 0.07,
                };
                if rng.chance(p) {
                    Shape::Alternative
                } else {
                    Shape::Plain
                }
            }
            Role::Team => {
                if rng.chance(0.15) {
                    Shape::Alternative
                } else {
                    Shape::Plain
                }
            }
        };
        let html = || {
            mime::html_from_plain(
                &new_text,
                quote.as_ref().map(|(h, q)| (h.as_str(), q.as_str())),
                matches!(client, Client::Outlook | Client::AppleMail),
            )
        };
        let text_part = |rng: &mut Rng, subtype: &'static str, body: String| {
            let cs = if charset == Charset::Latin1 && enc::to_latin1(&body).is_some() {
                Charset::Latin1
            } else if body.is_ascii() && rng.chance(0.4) {
                Charset::UsAscii
            } else {
                Charset::Utf8
            };
            let cte = mime::text_cte(rng, &body, cs);
            (
                cs,
                Entity::Text {
                    subtype,
                    charset: cs,
                    cte,
                    text: body,
                },
            )
        };
        let (body_charset, mut entity) = match shape {
            Shape::HtmlOnly => text_part(rng, "html", html()),
            Shape::Alternative => {
                let (cs, a) = text_part(rng, "plain", plain.clone());
                let (_, b) = text_part(rng, "html", html());
                (
                    cs,
                    Entity::Multipart {
                        subtype: "alternative".into(),
                        boundary: client.boundary(rng),
                        preamble: false,
                        parts: vec![a, b],
                    },
                )
            }
            _ => text_part(rng, "plain", plain.clone()),
        };
        let attachment = rng.chance(P_ATTACHMENT);
        if attachment {
            let file = attachment_for(rng, t, role, date);
            entity = Entity::Multipart {
                subtype: "mixed".into(),
                boundary: client.boundary(rng),
                preamble: client == Client::Thunderbird || client == Client::Outlook,
                parts: vec![entity, file],
            };
        }

        // Headers.
        let subject_header = header_text("Subject", &subject_line, body_charset, rng);
        let mut headers = Vec::with_capacity(12);
        let date_style = match role {
            Role::Customer => client.date_style(),
            Role::Team => DateStyle::Plain,
        };
        headers.push(format!("Date: {}", rfc5322_date(date, offset, date_style)));
        headers.push(format!("From: {from}"));
        headers.push(format!("To: {to}"));
        if let Some((name, addr)) = &t.cc
            && role == Role::Customer
            && rng.chance(0.7)
        {
            headers.push(format!("Cc: {}", mailbox(name, addr, Charset::Utf8, true)));
        }
        if role == Role::Team && rng.chance(0.15) {
            // Sent on the shared address by a named agent.
            let name = format!("{} {}", agent.first, agent.last);
            let sender = mailbox(&name, &agent.address(&team_domain), Charset::Utf8, true);
            headers.push(format!("Sender: {sender}"));
        }
        headers.push(subject_header);
        if let Some(id) = &message_id {
            headers.push(format!("Message-ID: <{id}>"));
        }
        let mut has_irt = false;
        let mut has_refs = false;
        match refs_mode {
            Refs::Both => {
                if let Some(p) = &parent_id {
                    headers.push(format!("In-Reply-To: <{p}>"));
                    has_irt = true;
                }
                if !t.refs.is_empty() {
                    let keep = t.refs.len().saturating_sub(10);
                    let list: Vec<String> =
                        t.refs[keep..].iter().map(|r| format!("<{r}>")).collect();
                    headers.push(format!("References: {}", list.join("\r\n ")));
                    has_refs = true;
                }
            }
            Refs::InReplyToOnly => {
                if let Some(p) = &parent_id {
                    headers.push(format!("In-Reply-To: <{p}>"));
                    has_irt = true;
                }
            }
            Refs::None | Refs::NotAReply => {}
        }
        headers.push("MIME-Version: 1.0".to_string());
        if let Some(m) = client.mailer()
            && role == Role::Customer
        {
            headers.push(m.to_string());
        }
        if client == Client::Gmail && role == Role::Customer {
            // Gmail leads with MIME-Version and the threading headers.
            headers.rotate_right(1 + usize::from(has_irt) + usize::from(has_refs));
        }
        let raw = mime::message(rng, &headers, &entity);

        // Remember what the next reply needs.
        let who_line = match role {
            Role::Customer => format!("{} <{}>", t.customer.name, t.customer.email),
            Role::Team => format!("{} from {team} <{support}>", agent.first),
        };
        if let Some(id) = &message_id {
            t.refs.push(id.clone());
        }
        t.prev = Some(Prev {
            id: message_id.clone(),
            plain: plain.clone(),
            new_text: new_text.clone(),
            who: who_line,
            date,
            role,
            team_from: (role == Role::Team).then(|| from.clone()),
        });
        if role == Role::Team
            && let Some(id) = &message_id
        {
            self.recent.push_back(SentNote {
                id: id.clone(),
                subject: subject_line.clone(),
                customer: t.customer.clone(),
                date,
            });
            if self.recent.len() > 64 {
                self.recent.pop_front();
            }
        }
        let meta = Meta {
            kind: Kind::Ticket,
            lang: t.lang,
            refs: refs_mode,
            attachment,
            shape,
            latin1: body_charset == Charset::Latin1,
            subject: subject_line,
            subject_changed,
        };
        (
            Message {
                raw,
                folder,
                conversation: conv.id,
                message_id,
                date,
            },
            meta,
        )
    }

    fn pick_recent(&self, rng: &mut Rng) -> Option<SentNote> {
        if self.recent.is_empty() {
            None
        } else {
            self.recent.get(rng.index(self.recent.len())).cloned()
        }
    }

    fn emit_auto_reply(&mut self, conv: &mut Conv) -> (Message, Meta) {
        let rng = &mut conv.rng;
        let date = conv.date;
        let note = self.pick_recent(rng);
        let person = match &note {
            Some(n) => n.customer.clone(),
            None => people::customer(self.spec.seed, rng.below(self.pool), self.pool),
        };
        let lang = person.lang;
        let back = {
            let l = enc::local(date + rng.between(2, 14) * 86_400, 0);
            format!("{:02}/{:02}/{}", l.day, l.month, l.year)
        };
        let subject = match (&note, lang, rng.chance(0.6)) {
            (Some(n), Lang::En, true) => format!("Automatic reply: {}", n.subject),
            (Some(n), Lang::Fr, true) => format!("Réponse automatique : {}", n.subject),
            (Some(n), Lang::Id, true) => format!("Balasan otomatis: {}", n.subject),
            (_, Lang::En, _) => "Out of office".to_string(),
            (_, Lang::Fr, _) => "Absence".to_string(),
            (_, Lang::Id, _) => "Cuti".to_string(),
        };
        let offset = person.offset_at(date);
        let id = person.client.message_id(rng, date, &person.domain);
        let mut headers = vec![
            format!(
                "Date: {}",
                rfc5322_date(date, offset, person.client.date_style())
            ),
            format!(
                "From: {}",
                mailbox(&person.name, &person.email, Charset::Utf8, true)
            ),
            format!("To: {}", self.support_address(false)),
            header_text("Subject", &subject, Charset::Utf8, rng),
            format!("Message-ID: <{id}>"),
        ];
        if let Some(n) = &note
            && rng.chance(0.5)
        {
            headers.push(format!("In-Reply-To: <{}>", n.id));
            headers.push(format!("References: <{}>", n.id));
        }
        headers.push("Auto-Submitted: auto-replied".to_string());
        if person.client == Client::Outlook {
            headers.push("X-Auto-Response-Suppress: All".to_string());
        }
        headers.push("MIME-Version: 1.0".to_string());
        let body = text::auto_reply_text(lang, person.first, &back);
        let cte = mime::text_cte(rng, &body, Charset::Utf8);
        let entity = Entity::Text {
            subtype: "plain",
            charset: Charset::Utf8,
            cte,
            text: body,
        };
        let raw = mime::message(rng, &headers, &entity);
        self.single(
            conv,
            raw,
            Some(id),
            Kind::AutoReply,
            lang,
            Shape::Plain,
            subject,
        )
    }

    fn emit_bounce(&mut self, conv: &mut Conv) -> (Message, Meta) {
        let rng = &mut conv.rng;
        let date = conv.date;
        let domain = self.spec.team_domain.clone();
        let support = self.support_address(false);
        let note = self.pick_recent(rng);
        let (rcpt, orig_subject, orig_id, orig_date) = match &note {
            Some(n) => (
                n.customer.email.clone(),
                n.subject.clone(),
                n.id.clone(),
                n.date,
            ),
            None => (
                format!(
                    "no-such-user@{}",
                    people::company(self.spec.seed, Lang::En, 1).1
                ),
                "Re: Your request".to_string(),
                format!("{}@{domain}", rng.hex(16)),
                date - 60,
            ),
        };
        let style = rng.index(3);
        let (from, subject, mta) = match style {
            0 => (
                format!("MAILER-DAEMON@smtp.{domain} (Mail Delivery System)"),
                "Undelivered Mail Returned to Sender",
                format!("smtp.{domain}"),
            ),
            1 => (
                "Mail Delivery Subsystem <mailer-daemon@googlemail.com>".to_string(),
                "Delivery Status Notification (Failure)",
                "mx.google.com".to_string(),
            ),
            _ => (
                format!(
                    "Mail Delivery System <Mailer-Daemon@mx{}.{domain}>",
                    rng.between(1, 3)
                ),
                "Mail delivery failed: returning message to sender",
                format!("mx1.{domain}"),
            ),
        };
        let id = format!("{}.{}@{mta}", date, rng.hex(12));
        let boundary = format!("{}.{}/{mta}", rng.hex(10).to_uppercase(), date);
        let headers = vec![
            format!("Date: {}", rfc5322_date(date, 0, DateStyle::Comment)),
            format!("From: {from}"),
            format!("To: {support}"),
            format!("Subject: {subject}"),
            format!("Message-ID: <{id}>"),
            "Auto-Submitted: auto-replied".to_string(),
            "MIME-Version: 1.0".to_string(),
        ];
        let (status, diag) = *rng.pick(&[
            (
                "5.1.1",
                "550 5.1.1 The email account that you tried to reach does not exist",
            ),
            ("5.2.2", "552 5.2.2 Mailbox full"),
            (
                "5.7.1",
                "550 5.7.1 Message rejected as spam by content filter",
            ),
            ("5.4.4", "Host or domain name not found"),
        ]);
        let human = format!(
            "This is the mail system at host {mta}.\r\n\r\nI'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients.\r\n\r\n<{rcpt}>: host said: {diag}\r\n"
        );
        let report = format!(
            "Reporting-MTA: dns; {mta}\r\nArrival-Date: {}\r\n\r\nFinal-Recipient: rfc822; {rcpt}\r\nOriginal-Recipient: rfc822;{rcpt}\r\nAction: failed\r\nStatus: {status}\r\nDiagnostic-Code: smtp; {diag}\r\n",
            rfc5322_date(orig_date, 0, DateStyle::Plain)
        );
        let original = format!(
            "Date: {}\r\nFrom: {} <{support}>\r\nTo: {rcpt}\r\nSubject: {}\r\nMessage-ID: <{orig_id}>\r\nMIME-Version: 1.0\r\n",
            rfc5322_date(orig_date, 0, DateStyle::Plain),
            self.team,
            header_text("Subject", &orig_subject, Charset::Utf8, rng)
                .trim_start_matches("Subject: ")
        );
        let entity = Entity::Multipart {
            subtype: "report; report-type=delivery-status".into(),
            boundary,
            preamble: true,
            parts: vec![
                Entity::Text {
                    subtype: "plain",
                    charset: Charset::UsAscii,
                    cte: Cte::SevenBit,
                    text: human,
                },
                Entity::Verbatim {
                    ctype: "message/delivery-status",
                    body: report,
                },
                Entity::Verbatim {
                    ctype: "text/rfc822-headers",
                    body: original,
                },
            ],
        };
        let raw = mime::message(rng, &headers, &entity);
        self.single(
            conv,
            raw,
            Some(id),
            Kind::Bounce,
            Lang::En,
            Shape::Other,
            subject.to_string(),
        )
    }

    fn emit_list(&mut self, conv: &mut Conv) -> (Message, Meta) {
        let rng = &mut conv.rng;
        let date = conv.date;
        let support = self.support_address(false);
        let l = enc::local(date, 0);
        let month = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ][(l.month as usize + 11) % 12];
        let (vendor, vdomain) = *rng.pick(&[
            ("Cloudly", "cloudly.io"),
            ("Paystream", "paystream.com"),
            ("Stacknotes", "stacknotes.dev"),
            ("Formwell", "formwell.co"),
        ]);
        let newsletter = rng.chance(0.7);
        let token = rng.hex(24);
        let id = format!("{}.{}@mail.{vdomain}", rng.hex(20), date);
        let (from, subject, list_headers, body_text) = if newsletter {
            let subject = rng
                .pick(&[
                    "What's new in {v} — {m} edition",
                    "{v} product update: faster exports and more",
                    "Your {m} {v} digest",
                    "Scheduled maintenance on {v} this weekend",
                ])
                .replace("{v}", vendor)
                .replace("{m}", month);
            (
                format!("{vendor} Product Updates <news@mail.{vdomain}>"),
                subject,
                vec![
                    format!("List-Id: {vendor} Product Updates <updates.{vdomain}>"),
                    format!(
                        "List-Unsubscribe: <https://{vdomain}/u/{token}>,\r\n <mailto:unsubscribe+{token}@mail.{vdomain}>"
                    ),
                    "List-Unsubscribe-Post: List-Unsubscribe=One-Click".to_string(),
                    "Precedence: bulk".to_string(),
                ],
                format!(
                    "Hi there,\r\n\r\nHere's what shipped at {vendor} in {month}: faster exports, a redesigned\r\ndashboard and two new integrations.\r\n\r\nRead more: https://{vdomain}/blog/{}\r\n\r\nYou are receiving this because {support} signed up for {vendor} updates.\r\nUnsubscribe: https://{vdomain}/u/{token}\r\n",
                    l.year * 100 + i64::from(l.month)
                ),
            )
        } else {
            let list = *rng.pick(&["saas-support-leads", "helpdesk-ops", "acme-partners"]);
            let topic = *rng.pick(&[
                "Quarterly partner call",
                "How do you handle SLA breaches?",
                "Macro library sharing thread",
                "Meetup next month",
            ]);
            let (sender_first, sender_last) = *rng.pick(&[
                ("Jane", "Doe"),
                ("Marco", "Rossi"),
                ("Aiko", "Tanaka"),
                ("Ben", "Harper"),
            ]);
            (
                format!("{sender_first} {sender_last} via {list} <{list}@googlegroups.com>"),
                format!("[{list}] {topic}"),
                vec![
                    format!("List-Id: <{list}.googlegroups.com>"),
                    format!("List-Post: <mailto:{list}@googlegroups.com>"),
                    format!("List-Unsubscribe: <mailto:{list}+unsubscribe@googlegroups.com>"),
                    "Precedence: list".to_string(),
                ],
                format!(
                    "Hi all,\r\n\r\n{topic}: I'd love to hear how your teams approach this.\r\n\r\nThanks,\r\n{sender_first}\r\n\r\n--\r\nYou received this message because you are subscribed to the Google Groups \"{list}\" group.\r\n"
                ),
            )
        };
        let mut headers = vec![
            format!("Date: {}", rfc5322_date(date, 0, DateStyle::ZeroPadded)),
            format!("From: {from}"),
            format!("To: {support}"),
            header_text("Subject", &subject, Charset::Utf8, rng),
            format!("Message-ID: <{id}>"),
        ];
        headers.extend(list_headers);
        headers.push("MIME-Version: 1.0".to_string());
        let html = mime::html_from_plain(&body_text, None, true);
        let html_only = newsletter && rng.chance(0.3);
        let entity = if html_only {
            Entity::Text {
                subtype: "html",
                charset: Charset::Utf8,
                cte: Cte::QuotedPrintable,
                text: html,
            }
        } else {
            Entity::Multipart {
                subtype: "alternative".into(),
                boundary: format!("----=_Part_{}_{}", rng.between(1000, 99_999), date),
                preamble: false,
                parts: vec![
                    Entity::Text {
                        subtype: "plain",
                        charset: Charset::Utf8,
                        cte: Cte::QuotedPrintable,
                        text: body_text,
                    },
                    Entity::Text {
                        subtype: "html",
                        charset: Charset::Utf8,
                        cte: Cte::QuotedPrintable,
                        text: html,
                    },
                ],
            }
        };
        let shape = if html_only {
            Shape::HtmlOnly
        } else {
            Shape::Alternative
        };
        let raw = mime::message(rng, &headers, &entity);
        self.single(conv, raw, Some(id), Kind::List, Lang::En, shape, subject)
    }

    #[allow(clippy::too_many_arguments)]
    fn single(
        &self,
        conv: &Conv,
        raw: Vec<u8>,
        message_id: Option<String>,
        kind: Kind,
        lang: Lang,
        shape: Shape,
        subject: String,
    ) -> (Message, Meta) {
        (
            Message {
                raw,
                folder: Folder::Inbox,
                conversation: conv.id,
                message_id,
                date: conv.date,
            },
            Meta {
                kind,
                lang,
                refs: Refs::NotAReply,
                attachment: false,
                shape,
                latin1: false,
                subject,
                subject_changed: false,
            },
        )
    }
}

fn customer_first_draft(rng: &mut Rng, who: &Who<'_>, c: &Person, phone: bool) -> Draft {
    text::customer_first(rng, who, c.first, c.company.as_deref(), phone)
}

/// "Name: value" with RFC 2047 encoding when the value is not ASCII, folded when long.
fn header_text(name: &str, value: &str, charset: Charset, rng: &mut Rng) -> String {
    if value.is_ascii() {
        format!("{name}: {}", fold(name.len() + 2, value))
    } else {
        let words = encoded_words_after(value, charset, rng.chance(0.5), name.len() + 2);
        format!("{name}: {words}")
    }
}

/// Plain text for a draft: prose wrapped at 72 columns when the client wraps, paragraphs
/// separated by blank lines, ending with CRLF.
fn render_draft(draft: &Draft, wraps: bool) -> String {
    let mut parts = Vec::with_capacity(draft.paras.len());
    for p in &draft.paras {
        parts.push(match p {
            Para::Prose(s) if wraps => enc::wrap(s, 72),
            Para::Prose(s) | Para::Pre(s) => s.clone(),
        });
    }
    let mut out = parts.join("\r\n\r\n");
    out.push_str("\r\n");
    out
}

/// An attachment that fits the conversation: logs and screenshots for bugs, invoices for
/// billing. Base64 sizes run from 5 to 50 KB, most of them near the low end (median ~6 KB,
/// mean ~10 KB).
fn attachment_for(rng: &mut Rng, t: &Ticket, role: Role, unix: i64) -> Entity {
    let u = rng.unit();
    let encoded = (5_000.0 * 10f64.powf(u.powi(4))) as usize;
    let size = encoded * 3 / 4;
    let l = enc::local(unix, 0);
    let stamp = format!("{}-{:02}-{:02}", l.year, l.month, l.day);
    let kind = match (t.topic, role) {
        (Topic::Billing, _) => 0,
        (Topic::Bug, Role::Customer) => 1 + rng.index(2),
        _ => rng.index(3),
    };
    match kind {
        0 => {
            let filename = match (t.lang, rng.chance(0.5)) {
                (Lang::Fr, true) => format!("facture {} décembre.pdf", t.facts.invoice),
                _ => format!("invoice-{}.pdf", t.facts.invoice),
            };
            let mut data = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
            data.extend_from_slice(
                format!(
                    "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n% invoice {}\n",
                    t.facts.invoice
                )
                .as_bytes(),
            );
            data.extend(rng.bytes(size.saturating_sub(data.len() + 6)));
            data.extend_from_slice(b"\n%%EOF");
            Entity::Attachment {
                ctype: "application/pdf",
                filename,
                data,
            }
        }
        1 => {
            let filename = match rng.index(3) {
                0 => format!(
                    "Screenshot {stamp} at {:02}.{:02}.{:02}.png",
                    l.hour, l.minute, l.second
                ),
                1 => "image.png".to_string(),
                _ => format!("capture-{stamp}.png"),
            };
            let mut data = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
            data.extend(rng.bytes(size.saturating_sub(data.len())));
            Entity::Attachment {
                ctype: "image/png",
                filename,
                data,
            }
        }
        _ => {
            let mut log = String::with_capacity(size + 200);
            let mut at = unix - 3600;
            while log.len() < size {
                at += rng.between(1, 40);
                let line = match rng.index(4) {
                    0 => format!(
                        "{} ERROR [{}] request {} failed\n",
                        enc::iso_utc(at),
                        t.facts.code,
                        rng.hex(8)
                    ),
                    1 => format!(
                        "{} WARN  retry scheduled in {}s\n",
                        enc::iso_utc(at),
                        rng.between(1, 60)
                    ),
                    _ => format!(
                        "{} INFO  synced {} items ({} ms)\n",
                        enc::iso_utc(at),
                        rng.between(1, 500),
                        rng.between(3, 4000)
                    ),
                };
                log.push_str(&line);
            }
            Entity::Attachment {
                ctype: "text/plain",
                filename: format!("sync-{stamp}.log"),
                data: log.into_bytes(),
            }
        }
    }
}
