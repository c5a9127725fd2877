//! What the desktop app reads through the façade, on the demo workspace: the sidebar's counts
//! agree with the views' lists, lists come whole and rows a window at a time, bulk edits apply
//! to every ticket or none, and a refresh says which arrivals deserve a notification (a new
//! ticket, or new mail on a ticket assigned to me; never the team's own mail).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use siphon::engine::{EditInput, Engine, ListSource, Listing, Paths};
use siphon::store::{Flags, Prepared, content_hash};

fn demo() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let mut e = Engine::new(
        Paths::resolve(Some(dir.path().to_path_buf())).unwrap(),
        "test",
    );
    e.import_demo().unwrap();
    (dir, e)
}

/// Stores one raw message in the demo's INBOX, as a sync would.
fn deliver(e: &mut Engine, raw: &str) {
    let store = e.store().unwrap();
    let inbox = store.folder_or_create("demo", "INBOX").unwrap();
    let raw = raw.replace('\n', "\r\n").into_bytes();
    let hash = content_hash(&raw);
    let uid = inbox.synced_uidnext.max(1_000);
    store
        .ingest(
            &inbox,
            vec![Prepared {
                uid,
                flags: Flags::new(Vec::<String>::new()),
                hash,
                content: Some((siphon::mail::parse(&raw, &hash, None), raw)),
            }],
        )
        .unwrap();
}

fn view(name: &str) -> ListSource {
    ListSource::View {
        view: name.to_string(),
    }
}

#[test]
fn counts_match_the_lists_and_rows_come_in_order() {
    let (_dir, mut e) = demo();
    let counts = e.counts().unwrap();
    for v in &counts.views {
        let listing = e.listing(&view(&v.view)).unwrap();
        assert_eq!(listing.ids.len(), v.count, "view {}", v.view);
    }
    let tags: HashMap<String, usize> = counts
        .tags
        .iter()
        .map(|t| (t.name.clone(), t.count))
        .collect();
    assert!(!tags.is_empty());
    for (tag, n) in &tags {
        let listing = e
            .listing(&ListSource::Query {
                query: format!("tag:{tag} -status:closed"),
            })
            .unwrap();
        assert_eq!(listing.ids.len(), *n, "tag {tag}");
    }
    // A window of rows, in the list's order, newest activity first.
    let open = e.listing(&view("open")).unwrap();
    let rows = e.rows(&open.ids[2..7], &Listing::default()).unwrap();
    assert_eq!(
        rows.iter().map(|r| r.full_id.clone()).collect::<Vec<_>>(),
        open.ids[2..7].to_vec()
    );
    assert!(
        rows.windows(2)
            .all(|w| w[0].last_activity >= w[1].last_activity)
    );
    assert!(rows.iter().all(|r| !r.snippet.is_empty()));
    // Words rank and carry a highlighted snippet.
    let found = e
        .listing(&ListSource::Query {
            query: "E-4107".into(),
        })
        .unwrap();
    assert!(found.ranked && !found.ids.is_empty());
    let first = e.rows(&found.ids[..1], &found).unwrap();
    let [a, b] = first[0].highlights[0];
    assert_eq!(&first[0].snippet[a..b], "E-4107");
    // A bad query says where.
    let err = e
        .listing(&ListSource::Query {
            query: "from:".into(),
        })
        .unwrap_err();
    assert_eq!(err.kind(), "usage");
}

#[test]
fn a_bulk_edit_checks_every_id_before_it_writes() {
    let (_dir, mut e) = demo();
    let open = e.listing(&view("open")).unwrap();
    let ids: Vec<String> = open.ids[..3].to_vec();
    let edit = EditInput {
        tags_add: vec!["triaged".into()],
        kind: Some("question".into()),
        ..EditInput::default()
    };
    let mut with_bad = ids.clone();
    with_bad.push("nosuchticket".into());
    assert!(e.tickets_edit(&with_bad, &edit).is_err());
    let untouched = e.rows(&ids, &Listing::default()).unwrap();
    assert!(
        untouched
            .iter()
            .all(|r| !r.tags.contains(&"triaged".to_string()))
    );
    // An id given twice (or by two names) is one ticket, changed once.
    let mut twice = ids.clone();
    twice.push(ids[0].clone());
    let changed = e.tickets_edit(&twice, &edit).unwrap();
    assert_eq!(changed.len(), 3);
    let history = e.ticket(&ids[0], false).unwrap().history;
    let tagged = history
        .iter()
        .filter(|h| h.what.contains("triaged"))
        .count();
    assert_eq!(tagged, 1, "{history:#?}");
    let rows = e.rows(&ids, &Listing::default()).unwrap();
    assert!(rows.iter().all(|r| r.tags.contains(&"triaged".to_string())));
    assert!(
        rows.iter()
            .all(|r| r.kind == Some(siphon::ticket::op::Kind::Question))
    );
}

#[test]
fn arrivals_are_new_tickets_and_new_mail_on_mine_only() {
    let (_dir, mut e) = demo();
    assert!(e.refresh_reporting().unwrap().is_empty(), "nothing new yet");
    let me = e.me().unwrap().unwrap().email;
    // A ticket assigned to me, and one assigned to someone else.
    let mine = e.listing(&view("mine")).unwrap().ids[0].clone();
    let mine = e.rows(&[mine], &Listing::default()).unwrap().remove(0);
    let all = e.listing(&view("open")).unwrap();
    let theirs = e
        .rows(&all.ids, &Listing::default())
        .unwrap()
        .into_iter()
        .find(|r| r.assignee.as_ref().is_some_and(|a| *a != me))
        .expect("a ticket assigned to a teammate");
    let last_id = |e: &mut Engine, id: &str| {
        e.ticket(id, false)
            .unwrap()
            .messages
            .last()
            .unwrap()
            .message_id
            .clone()
    };
    let on_mine = last_id(&mut e, &mine.id);
    let on_theirs = last_id(&mut e, &theirs.id);
    // Mail arriving now: the demo's own mail is dated up to the minute of its import.
    let at = |minutes: i64| (chrono::Utc::now() + chrono::Duration::minutes(minutes)).to_rfc2822();
    let reply = |id: &str, parent: &str, from: &str, date: &str| {
        format!(
            "Message-ID: <{id}>\nDate: {date}\nFrom: {from}\nTo: support@brindle.example\nSubject: Re: follow-up\nIn-Reply-To: <{parent}>\nReferences: <{parent}>\n\nAny news?\n"
        )
    };
    deliver(
        &mut e,
        &reply(
            "n1@x.example",
            &on_mine,
            "Someone <someone@x.example>",
            &at(1),
        ),
    );
    deliver(
        &mut e,
        &reply(
            "n2@x.example",
            &on_theirs,
            "Other <other@y.example>",
            &at(1),
        ),
    );
    deliver(
        &mut e,
        &format!(
            "Message-ID: <n3@new.example>\nDate: {}\nFrom: New Customer <new@customer.example>\nTo: support@brindle.example\nSubject: Cannot find the export button\n\nWhere is it?\n",
            at(2)
        ),
    );
    deliver(
        &mut e,
        &format!(
            "Message-ID: <n4@brindle.example>\nDate: {}\nFrom: Maya from Brindle <support@brindle.example>\nTo: someone@else.example\nSubject: A note from us\n\nHello from the team.\n",
            at(3)
        ),
    );
    // A customer whose clock runs years behind: the reply is dated before the whole thread,
    // and is still a reply, not a new ticket.
    deliver(
        &mut e,
        &reply(
            "n5@x.example",
            &on_theirs,
            "Other <other@y.example>",
            "Mon, 1 Jan 2001 09:00:00 +0000",
        ),
    );
    let arrivals = e.refresh_reporting().unwrap();
    let summary: Vec<(String, bool, bool)> = arrivals
        .iter()
        .map(|a| (a.subject.clone(), a.new_ticket, a.mine))
        .collect();
    assert_eq!(arrivals.len(), 2, "{summary:?}");
    assert!(
        arrivals
            .iter()
            .any(|a| a.id == mine.id && a.mine && !a.new_ticket),
        "{summary:?}"
    );
    assert!(
        arrivals.iter().any(|a| a.new_ticket
            && a.subject == "Cannot find the export button"
            && a.customer.as_deref() == Some("new@customer.example")),
        "{summary:?}"
    );
    assert!(e.refresh_reporting().unwrap().is_empty(), "reported once");
    // The early-dated reply is listed right after the message it answers, and the ticket
    // keeps its subject and id.
    let after = e.ticket(&theirs.id, false).unwrap();
    let ids: Vec<&str> = after
        .messages
        .iter()
        .map(|m| m.message_id.as_str())
        .collect();
    let at = |id: &str| ids.iter().position(|m| *m == id);
    assert_eq!(at("n5@x.example"), at(&on_theirs).map(|i| i + 1), "{ids:?}");
    assert_eq!(after.ticket.subject, theirs.subject);
}
