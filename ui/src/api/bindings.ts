// Generated from the Rust types by `SIPHON_WRITE_BINDINGS=1 cargo test -p siphon-app bindings`.
// Do not edit: a test fails when this file and the Rust types disagree.

export type CommandError = { kind: string, message: string, };

export type Person = { name: string, email: string, };

export type AppInfo = { name: string, version: string, 
/**
 * The demo workspace is open (no account, no network).
 */
demo: boolean, 
/**
 * At least one account is configured (or this is the demo).
 */
configured: boolean, me: Person | null, data_dir: string, platform: string, };

export type AccountInput = { 
/**
 * A short name: `support`, `billing`.
 */
name: string, email: string, 
/**
 * Other addresses mail arrives at on this account.
 */
aliases: Array<string>, imap_host: string, 
/**
 * Empty: the security's usual port.
 */
imap_port: number | null, 
/**
 * `tls`, `starttls` or `plain` (plain only to this machine).
 */
security: string, 
/**
 * Empty: the email address.
 */
user: string | null, 
/**
 * Kept in the OS keychain, never in the config.
 */
password: string, 
/**
 * A CA certificate (PEM file) to trust, for a self-hosted server.
 */
ca_cert: string | null, };

export type SyncState = { "state": "idle", last_sync: string | null, } | { "state": "syncing", folder: string, done: number, total: number, } | { "state": "current", last_sync: string, } | { "state": "offline", error: string, since: string, } | { "state": "failed", kind: string, error: string, };

export type AccountSync = { name: string, email: string, sync: SyncState, };

export type Sidebar = { counts: Counts, accounts: Array<AccountSync>, prefs: Prefs, 
/**
 * Outgoing messages that need the person or are waiting: queued, failed or held.
 */
outbox: number, };

export type ListInfo = { list: number, total: number, 
/**
 * A search with words: best first, cut at `siphon::engine::SEARCH_LIMIT`.
 */
ranked: boolean, 
/**
 * The list's first rows, as many as were asked for (what fills the screen), so that the
 * list shows without a second call.
 */
rows: Array<Row>, };

export type TicketPage = { detail: TicketDetail, 
/**
 * The messages the view shows open, made safe to show (remote images blocked): the first
 * and the latest, in the order of `detail.messages`. The ones between are folded until a
 * person opens them (`message_body`); a long thread opens at the speed of a short one.
 */
bodies: Array<MessageBody>, 
/**
 * The customer's other tickets, newest first.
 */
others: Array<Row>, };

export type Changed = { 
/**
 * Tickets that arrived (new, or new mail on mine), for the UI to mark.
 */
arrivals: Array<Arrival>, };

export type Counts = { views: Array<ViewCount>, 
/**
 * Tags of tickets not closed.
 */
tags: Array<NameCount>, 
/**
 * Tickets not closed, per account.
 */
accounts: Array<NameCount>, };

export type ViewCount = { 
/**
 * The view's name (`open`, `mine` … `not-tickets`), for [`Engine::listing`].
 */
view: string, title: string, count: number, };

export type NameCount = { name: string, count: number, };

export type ListSource = { "by": "view", view: string, } | { "by": "query", query: string, };

export type Row = { id: string, full_id: string, subject: string, customer: string | null, 
/**
 * The customer's display name when their mail gives one.
 */
customer_name: string | null, 
/**
 * The latest message's opening, or the search's snippet.
 */
snippet: string, 
/**
 * Byte ranges of `snippet` to highlight (search results only).
 */
highlights: Array<[number, number]>, status: Shown, kind: Kind | null, priority: Priority | null, impact: Impact | null, tags: Array<string>, assignee: string | null, created: string, last_activity: string, unread: boolean, has_attachments: boolean, messages: number, not_a_ticket: boolean, };

export type Arrival = { id: string, subject: string, customer: string | null, 
/**
 * The first message of a new ticket (else: a new message on a ticket assigned to me).
 */
new_ticket: boolean, mine: boolean, };

export type SavedSearch = { name: string, query: string, };

export type Prefs = { saved_searches: Array<SavedSearch>, 
/**
 * Senders whose remote images load without asking (lowercase addresses).
 */
images_from: Array<string>, 
/**
 * Closing the window keeps Siphon syncing in the tray.
 */
close_to_tray: boolean, 
/**
 * Desktop notifications for new tickets and for new mail on tickets assigned to me.
 */
notifications: boolean, };

export type MessageBody = { message_id: string, 
/**
 * The sender's address (for "always load images from …").
 */
sender: string, 
/**
 * Remote images load for this message (asked once, or always for this sender).
 */
images_loaded: boolean, rendered: Rendered, };

export type Rendered = { 
/**
 * A complete HTML document for an <iframe sandbox="allow-same-origin" srcdoc=…> (NO allow-scripts).
 */
document: string, 
/**
 * Remote images (http/https src, srcset, CSS url()) that were present; blocked unless opts.load_remote_images.
 */
remote_images: number, 
/**
 * True when the body was HTML (false: plain text turned into HTML).
 */
html: boolean, attachments: Array<AttachmentInfo>, };

export type AttachmentInfo = { 
/**
 * The number to ask [`attachment`] for.
 */
index: number, 
/**
 * The file name, without directories, control or bidirectional-override characters.
 */
name: string, mime: string, size: number, 
/**
 * Shown inside the document (an image its HTML refers to): the app may leave it unlisted.
 */
inline: boolean, 
/**
 * Opening it could run code ([`is_executable`]): the app asks first.
 */
executable: boolean, };

export type EditInput = { 
/**
 * `open`, `pending` or `closed`.
 */
status: string | null, 
/**
 * When a snooze ends: `2d`, `2026-12-01`, RFC 3339 (see [`parse_when`]).
 */
snooze: string | null, 
/**
 * An address or `me`.
 */
assign: string | null, tags_add: Array<string>, tags_remove: Array<string>, 
/**
 * `bug`, `feature`, `question`, `other`.
 */
kind: string | null, 
/**
 * `urgent`, `high`, `normal`, `low`.
 */
priority: string | null, 
/**
 * `must-have`, `nice-to-have`.
 */
impact: string | null, 
/**
 * An internal note (never sent).
 */
note: string | null, };

export type TicketDetail = { ticket: TicketView, messages: Array<MessageLine>, notes: Array<NoteLine>, history: Array<HistoryLine>, 
/**
 * Replies on their way: queued, sending, failed or held, and sent ones until their copy
 * is back from the server (then they are among `messages`).
 */
outgoing: Array<Item>, };

export type TicketView = { id: string, subject: string, status: Shown, customer: string | null, organisation: string | null, kind: Kind | null, priority: Priority | null, impact: Impact | null, tags: Array<string>, assignee: string | null, created: string, last_activity: string, snoozed_until: string | null, first_response_secs: number | null, resolution_secs: number | null, customer_messages: number, team_messages: number, has_attachments: boolean, unread: boolean, not_a_ticket: boolean, accounts: Array<string>, notes: number, message_ids: Array<string>, };

export type MessageLine = { message_id: string, date: string, from: string, to: Array<string>, subject: string, 
/**
 * Written by the team (credited to its From address).
 */
team: boolean, automated: boolean, snippet: string, attachments: Array<string>, };

export type HistoryLine = { op: string, at: string, actor: string, 
/**
 * "closed this", "tagged it login" …
 */
what: string, change: Change, };

export type NoteLine = { at: string, actor: string, text: string, };

export type Shown = "open" | "pending" | "snoozed" | "closed";

export type Kind = "bug" | "feature" | "question" | "other";

export type Priority = "urgent" | "high" | "normal" | "low";

export type Impact = "must-have" | "nice-to-have";

export type Change = { "type": "status", status: Status, } | { "type": "snooze", until: number | null, } | { "type": "assign", to: string | null, } | { "type": "tag_add", tag: string, } | { "type": "tag_remove", tag: string, seen: Array<string>, } | { "type": "kind", kind: Kind | null, } | { "type": "priority", priority: Priority | null, } | { "type": "impact", impact: Impact | null, } | { "type": "note", text: string, } | { "type": "merge" } | { "type": "split" } | { "type": "undo", op: string, } | { "type": "setting", value: string, } | { "type": "template", template: TemplateBody | null, };

export type Status = "open" | "pending" | "closed";

export type TemplateBody = { 
/**
 * The subject line of a new message; `None` keeps the ticket's ("Re: …") when replying.
 */
subject: string | null, body: string, 
/**
 * The status the ticket takes when the template is used.
 */
set_status: Status | null, 
/**
 * The kind the ticket takes when the template is used.
 */
set_kind: Kind | null, 
/**
 * Tags added to the ticket when the template is used.
 */
tags: Array<string>, };

export type Item = { id: string, 
/**
 * The ticket's id when it was sent (`None` for a new conversation).
 */
ticket: string | null, 
/**
 * The Message-ID of the message answered or forwarded, which finds the ticket again after
 * a merge renames it.
 */
parent: string | null, account: string, purpose: Purpose, 
/**
 * The envelope sender.
 */
from: string, 
/**
 * Every envelope recipient (To and Cc).
 */
to: Array<string>, subject: string, 
/**
 * Without angle brackets.
 */
message_id: string, state: State, attempts: number, last_error: string | null, 
/**
 * A stable name for the last error's kind (`auth`, `recipient`, `too_large`, `network` …).
 */
error_kind: string | null, 
/**
 * Unix seconds.
 */
created: number, 
/**
 * When it may leave (end of the undo window, or of the backoff); once sent, when the
 * Sent copy is next tried, if it could not be filed.
 */
due: number, sent_at: number | null, 
/**
 * The team's copy is in the Sent folder (appended, or filed by the server itself).
 */
copied: boolean, 
/**
 * What sending it did to its ticket, to put back if it is cancelled.
 */
undo: Undo | null, };

export type State = "queued" | "sending" | "sent" | "failed" | "held";

export type Purpose = "reply" | "reply-all" | "forward" | "new";

export type Undo = { 
/**
 * The status before, when sending changed it.
 */
status: Status | null, 
/**
 * Sending changed the kind; `kind` is the one before (which may be none). Two fields,
 * because JSON cannot tell "no change" from "was none" in a nested option.
 */
kind_changed: boolean, kind: Kind | null, 
/**
 * Tags sending added.
 */
tags: Array<string>, };

export type Template = { name: string, 
/**
 * The subject line of a new message; `None` keeps the ticket's ("Re: …") in a reply.
 */
subject: string | null, body: string, 
/**
 * The status the ticket takes when the template is used.
 */
set_status: Status | null, 
/**
 * The kind the ticket takes when the template is used.
 */
set_kind: Kind | null, 
/**
 * Tags added to the ticket when the template is used.
 */
tags: Array<string>, };

export type Filled = { template: Template, 
/**
 * The subject filled in; `None` when the template keeps the ticket's.
 */
subject: string | null, body: string, 
/**
 * Variables with no value, left as `{{name}}` in the subject or body.
 */
missing: Array<string>, 
/**
 * Names that are no variable, left as written (a template from a newer Siphon).
 */
unknown: Array<string>, };

export type ReplyRequest = { ticket: string, body: string, 
/**
 * Reply to everyone on the message (the team's own addresses left out).
 */
all: boolean, 
/**
 * The template the body came from: its status, kind and tags apply when the reply is sent
 * (and are undone with it).
 */
template: string | null, };

export type ForwardRequest = { ticket: string, 
/**
 * The message forwarded; `None` forwards the ticket's last message.
 */
message_id: string | null, 
/**
 * Addresses, one each: the UI splits what was typed.
 */
to: Array<string>, 
/**
 * A few words above the forwarded message; may be empty.
 */
body: string, };

export type NewRequest = { 
/**
 * The account's name (its main address is the sender).
 */
account: string, to: Array<string>, cc: Array<string>, subject: string, body: string, };

export type OutboxChanged = { 
/**
 * The records as they are now.
 */
items: Array<Item>, };

export type PeriodInput = { week?: string, from?: string, to?: string, };

export type KindCount = { kind: string, created: number, };

export type ReportWeek = { 
/**
 * "2026-W47".
 */
week: string, from: string, to: string, created: number, closed: number, 
/**
 * Open at the week's end.
 */
backlog: number, by_kind: Array<KindCount>, median_first_response_hours: number | null, median_resolution_hours: number | null, };

export type ReportTotals = { active: number, created: number, closed: number, backlog: number, median_first_response_hours: number | null, p90_first_response_hours: number | null, median_resolution_hours: number | null, p90_resolution_hours: number | null, first_contact_resolutions: number, reopened: number, };

export type ReportView = { from: string, to: string, 
/**
 * "2026-W47" or "2026-11-01..2026-11-30".
 */
label: string, time_zone: string, totals: ReportTotals, weeks: Array<ReportWeek>, agents: Array<AgentRow>, tags: Array<TagRow>, };

export type ExportProgress = { done: number, total: number, };

export type ExportDone = { path: string, tickets: number, seconds: number, };

export type AgentRow = { agent: string, 
/**
 * Active in the period.
 */
tickets: number, 
/**
 * Team messages on those tickets.
 */
replies: number, median_first_response_hours: number | null, median_resolution_hours: number | null, 
/**
 * Of those tickets, resolved; and resolved at first contact.
 */
resolved: number, first_contact_resolutions: number, };

export type TagRow = { tag: string, 
/**
 * Active in the period.
 */
tickets: number, 
/**
 * Still open at the period's end.
 */
open: number, median_resolution_hours: number | null, };

export type Format = "csv" | "xlsx" | "json";

export type ScheduleText = { 
/**
 * "mon" … "sun" (or the full English name).
 */
day: string, 
/**
 * "HH:MM", 24-hour, in the team's time zone.
 */
time: string, folder: string, format: Format, };

export type ScheduleStatus = { 
/**
 * `None`: the weekly export is off.
 */
schedule: ScheduleText | null, 
/**
 * The zone the day and time are in (the report config's).
 */
time_zone: string, 
/**
 * The next run (RFC 3339, with the zone's offset), or the instant a due run is for.
 */
next: string | null, last_run: string | null, last_file: string | null, };

/** Event names the app emits. */
export const EVENTS = {
  sync: "siphon://sync",
  changed: "siphon://changed",
  openTicket: "siphon://open-ticket",
  outbox: "siphon://outbox",
  exportProgress: "siphon://export-progress",
} as const;
