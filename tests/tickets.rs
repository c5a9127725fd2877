//! Tickets through the CLI on a store synced from a real dovecot: listing and views, changes as
//! ops, merge/split/undo, read state, snooze waking, new mail arriving, and `reindex` giving
//! byte-identical output to what incremental updates built.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

use serde_json::Value;
use siphon_testkit::corpus::{self, Folder, Spec};

const DAY: i64 = 86_400;

/// A message dated `days_ago` days before now.
fn dated(
    id: &str,
    from: &str,
    to: &str,
    subject: &str,
    refs: &[&str],
    days_ago: i64,
    extra: &str,
) -> Vec<u8> {
    let date = chrono::DateTime::from_timestamp(chrono::Utc::now().timestamp() - days_ago * DAY, 0)
        .unwrap()
        .to_rfc2822();
    let mut h = format!(
        "Message-ID: <{id}>\r\nFrom: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\n"
    );
    if let Some(last) = refs.last() {
        let all: Vec<String> = refs.iter().map(|r| format!("<{r}>")).collect();
        h.push_str(&format!(
            "In-Reply-To: <{last}>\r\nReferences: {}\r\n",
            all.join(" ")
        ));
    }
    h.push_str(extra);
    h.push_str("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n");
    h.into_bytes()
}

fn json(w: &Workspace, args: &[&str]) -> Value {
    serde_json::from_str(&w.ok(args)).expect("json")
}

/// Ticket ids in a listing, by the first Message-ID of each.
fn firsts(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|t| t["message_ids"][0].as_str().unwrap().to_string())
        .collect()
}

fn ticket_with<'a>(list: &'a Value, mid: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|t| {
            t["message_ids"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m == mid)
        })
        .unwrap_or_else(|| panic!("no ticket holds {mid}: {list:#}"))
}

const SUPPORT: &str = "Acme Support <support@acme.example>";
const ANA: &str = "Ana Lima <ana@client.example>";

#[test]
fn tickets_views_changes_merge_split_and_reindex() {
    let d = Dovecot::start().expect("dovecot");
    let to_us = "support@acme.example";
    let inbox = [
        dated("a@client.example", ANA, to_us, "Login fails", &[], 5, ""),
        dated(
            "c@client.example",
            ANA,
            to_us,
            "Re: Login fails",
            &["a@client.example", "b@acme.example"],
            3,
            "",
        ),
        dated(
            "x@other.example",
            "Bob <bob@other.example>",
            to_us,
            "Invoice question",
            &[],
            2,
            "",
        ),
        dated(
            "news@list.example",
            "News <news@list.example>",
            to_us,
            "Our November newsletter",
            &[],
            1,
            "List-Unsubscribe: <mailto:unsub@list.example>\r\nPrecedence: bulk\r\n",
        ),
        dated(
            "old@client.example",
            ANA,
            to_us,
            "Old question",
            &[],
            200,
            "",
        ),
    ];
    for raw in &inbox {
        d.append("support", "INBOX", raw).unwrap();
    }
    let reply = dated(
        "b@acme.example",
        SUPPORT,
        "ana@client.example",
        "Re: Login fails",
        &["a@client.example"],
        4,
        "",
    );
    d.append("support", "Sent", &reply).unwrap();
    let w = Workspace::new();
    w.add_account(&d, "support", "support", &[]);
    w.ok(&["sync"]);

    // The Open view: the two live conversations, newest activity first; the team reply joined.
    let open = json(&w, &["tickets", "--json"]);
    assert_eq!(
        firsts(&open),
        vec!["x@other.example", "a@client.example"],
        "{open:#}"
    );
    let login = ticket_with(&open, "a@client.example");
    assert_eq!(
        login["message_ids"],
        serde_json::json!(["a@client.example", "b@acme.example", "c@client.example"])
    );
    assert_eq!(login["customer"], "ana@client.example");
    assert_eq!(login["status"], "open");
    assert_eq!(login["unread"], true);
    assert!(login["created"].as_str().unwrap().ends_with('Z'));
    let id = login["id"].as_str().unwrap().to_string();
    assert!(id.len() >= 6, "{id}");
    // Quiet for longer than the first-sync cutoff: it arrived closed. Automated mail is apart.
    let closed = json(&w, &["tickets", "--view", "closed", "--json"]);
    assert_eq!(firsts(&closed), vec!["old@client.example"]);
    let not = json(&w, &["tickets", "--view", "not-tickets", "--json"]);
    assert_eq!(firsts(&not), vec!["news@list.example"]);
    assert_eq!(not[0]["not_a_ticket"], true);

    // Changes need a person.
    let out = w.run(&["ticket", "set", &id, "--status", "closed"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("siphon me set"));
    assert!(
        !w.run(&["team", "set", "reply_makes_pending", "false"])
            .status
            .success()
    );
    w.ok(&[
        "me",
        "set",
        "--name",
        "Maya",
        "--email",
        "maya@acme.example",
    ]);

    // A team setting is an op too: the team answers Bob, which makes his ticket pending — or
    // leaves it open when the team says replies do not.
    let to_bob = dated(
        "y@acme.example",
        SUPPORT,
        "bob@other.example",
        "Re: Invoice question",
        &["x@other.example"],
        1,
        "",
    );
    d.append("support", "Sent", &to_bob).unwrap();
    w.ok(&["sync"]);
    let bob = |w: &Workspace| json(w, &["tickets", "--customer", "bob@other.example", "--json"]);
    assert_eq!(bob(&w)[0]["status"], "pending");
    w.ok(&["team", "set", "reply_makes_pending", "false"]);
    assert!(
        w.ok(&["team", "show"])
            .contains("reply_makes_pending = false")
    );
    assert_eq!(bob(&w)[0]["status"], "open");
    w.ok(&["team", "set", "reply_makes_pending", "true"]);
    assert_eq!(bob(&w)[0]["status"], "pending");
    assert!(
        !w.run(&["team", "set", "reply_makes_pending", "maybe"])
            .status
            .success()
    );

    w.ok(&[
        "ticket",
        "set",
        &id,
        "--assign",
        "me",
        "--tag",
        "+login",
        "--tag",
        "+vip",
        "--kind",
        "bug",
        "--priority",
        "high",
        "--note",
        "Reproduced on staging",
    ]);
    let mine = json(&w, &["tickets", "--view", "mine", "--json"]);
    assert_eq!(firsts(&mine), vec!["a@client.example"]);
    assert_eq!(mine[0]["assignee"], "maya@acme.example");
    assert_eq!(mine[0]["tags"], serde_json::json!(["login", "vip"]));
    assert_eq!(mine[0]["kind"], "bug");
    assert_eq!(mine[0]["priority"], "high");
    assert_eq!(
        firsts(&json(&w, &["tickets", "--view", "bugs", "--json"])),
        vec!["a@client.example"]
    );
    assert_eq!(
        firsts(&json(&w, &["tickets", "--tag", "login", "--json"])),
        vec!["a@client.example"]
    );
    assert_eq!(
        firsts(&json(&w, &["tickets", "--view", "unassigned", "--json"])),
        vec!["x@other.example"]
    );
    w.ok(&["ticket", "set", &id, "--tag", "-vip"]);

    // Showing it: messages in order, the note, the history; and it is read now.
    let shown = json(&w, &["ticket", "show", &id, "--json"]);
    let mids: Vec<&str> = shown["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        mids,
        ["a@client.example", "b@acme.example", "c@client.example"]
    );
    assert_eq!(shown["messages"][1]["team"], true);
    assert_eq!(shown["notes"][0]["text"], "Reproduced on staging");
    assert_eq!(shown["notes"][0]["actor"], "maya@acme.example");
    let what: Vec<&str> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["what"].as_str().unwrap())
        .collect();
    assert!(
        what.contains(&"assigned this to maya@acme.example"),
        "{what:?}"
    );
    assert!(what.contains(&"removed the tag vip"), "{what:?}");
    let again = json(&w, &["tickets", "--view", "mine", "--json"]);
    assert_eq!(again[0]["unread"], false);
    assert_eq!(again[0]["tags"], serde_json::json!(["login"]));

    // A snooze hides it until its time, then it is back.
    let soon = chrono::DateTime::from_timestamp(chrono::Utc::now().timestamp() + 2, 0)
        .unwrap()
        .to_rfc3339();
    w.ok(&["ticket", "set", &id, "--snooze-until", &soon]);
    assert_eq!(
        firsts(&json(&w, &["tickets", "--view", "snoozed", "--json"])),
        vec!["a@client.example"]
    );
    assert!(!firsts(&json(&w, &["tickets", "--json"])).contains(&"a@client.example".into()));
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert!(firsts(&json(&w, &["tickets", "--json"])).contains(&"a@client.example".into()));

    // Merge, undo, split.
    let x = ticket_with(&open, "x@other.example")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = w.ok(&["ticket", "merge", &x, &id]);
    let undo_merge = out.split_whitespace().last().unwrap().to_string();
    let all = json(&w, &["tickets", "--all", "--json"]);
    assert_eq!(
        ticket_with(&all, "x@other.example")["message_ids"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    w.ok(&["ticket", "undo", &undo_merge]);
    let all = json(&w, &["tickets", "--all", "--json"]);
    assert_eq!(
        ticket_with(&all, "x@other.example")["message_ids"],
        serde_json::json!(["x@other.example", "y@acme.example"])
    );
    w.ok(&["ticket", "split", "c@client.example"]);
    let all = json(&w, &["tickets", "--all", "--json"]);
    assert_eq!(
        ticket_with(&all, "c@client.example")["message_ids"],
        serde_json::json!(["c@client.example"])
    );
    // The original ticket kept its id and its state.
    let login = ticket_with(&all, "a@client.example");
    assert_eq!(login["id"], id.as_str());
    assert_eq!(login["assignee"], "maya@acme.example");

    // Close it; the customer writes again: it reopens.
    w.ok(&["ticket", "set", &id, "--status", "closed"]);
    assert_eq!(
        ticket_with(
            &json(&w, &["tickets", "--all", "--json"]),
            "a@client.example"
        )["status"],
        "closed"
    );
    let more = dated(
        "d@client.example",
        ANA,
        to_us,
        "Re: Login fails",
        &["a@client.example", "b@acme.example"],
        0,
        "",
    );
    d.append("support", "INBOX", &more).unwrap();
    w.ok(&["sync"]);
    let all = json(&w, &["tickets", "--all", "--json"]);
    let login = ticket_with(&all, "d@client.example");
    assert_eq!(login["id"], id.as_str());
    assert_eq!(login["status"], "open");
    assert_eq!(login["unread"], true);

    // A full rebuild from raw mail, sync state and the op log says exactly the same.
    let before = w.ok(&["tickets", "--all", "--json"]);
    w.ok(&["reindex"]);
    assert_eq!(w.ok(&["tickets", "--all", "--json"]), before);
    // And so does the rebuild that follows a damaged or missing index file.
    std::fs::write(w.path().join("tickets.idx"), b"STIX garbage").unwrap();
    assert_eq!(w.ok(&["tickets", "--all", "--json"]), before);
    std::fs::remove_file(w.path().join("tickets.idx")).unwrap();
    assert_eq!(w.ok(&["tickets", "--all", "--json"]), before);
}

#[test]
fn tickets_built_sync_by_sync_equal_a_full_rebuild() {
    let d = Dovecot::start().expect("dovecot");
    let spec = Spec {
        messages: 1_500,
        seed: 23,
        ..Spec::default()
    };
    let msgs: Vec<corpus::Message> = corpus::generate(&spec).collect();
    assert_eq!(msgs.len(), 1_500, "the corpus generated nothing");
    let w = Workspace::new();
    w.add_account(&d, "support", "support", &[]);
    // Arrival out of date order: each pass brings every third message, so conversations (and
    // the replies the subject step joins) are spread over passes; the Sent folder lags.
    for n in 0..3 {
        let part = msgs.iter().skip(n).step_by(3);
        let (inbox, sent): (Vec<_>, Vec<_>) = part.partition(|m| matches!(m.folder, Folder::Inbox));
        let mut it = inbox.iter().map(|m| m.raw.clone());
        d.append_many("support", "INBOX", &mut it).unwrap();
        if n > 0 {
            let mut it = sent.iter().map(|m| m.raw.clone());
            d.append_many("support", "Sent", &mut it).unwrap();
        } else {
            for m in sent {
                d.append("support", "Sent", &m.raw).unwrap();
            }
        }
        w.ok(&["sync"]);
    }
    let incremental = w.ok(&["tickets", "--all", "--json"]);
    let list: Value = serde_json::from_str(&incremental).unwrap();
    let n: usize = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["message_ids"].as_array().unwrap().len())
        .sum();
    assert_eq!(n, 1_500, "every message is in exactly one ticket");
    w.ok(&["reindex"]);
    let rebuilt = w.ok(&["tickets", "--all", "--json"]);
    assert!(
        incremental == rebuilt,
        "incremental tickets differ from a full rebuild"
    );
}
