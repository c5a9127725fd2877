use super::*;
use crate::search::query::parse;

const DAY: i64 = 86_400;
const NOW: i64 = 1_795_000_000;

struct Msg {
    id: u8,
    subject: &'static str,
    body: &'static str,
    from: &'static str,
    attachments: &'static str,
    days_ago: i64,
}

fn corpus() -> Vec<Msg> {
    vec![
        Msg {
            id: 1,
            subject: "Export crashes with error 429",
            body: "Hi, the CSV export crashes every time with error 429 since v2.3.1. Thanks",
            from: "Ana Lima <ana@client.example>",
            attachments: "screenshot.png",
            days_ago: 2,
        },
        Msg {
            id: 2,
            subject: "Clôture du compte",
            body: "Bonjour, nous voulons la clôture du compte et une facture finale. Merci",
            from: "Julien Martin <julien@valvallon.fr>",
            attachments: "",
            days_ago: 10,
        },
        Msg {
            id: 3,
            subject: "Tagihan belum dibayar",
            body: "Selamat pagi, tagihan ini tidak bisa dibayar dengan kartu saya. Terima kasih",
            from: "Ayu <ayu@mitralestari.co.id>",
            attachments: "tagihan.pdf",
            days_ago: 40,
        },
        Msg {
            id: 4,
            subject: "Question about billing",
            body: "Hello, we were charged twice this month. Can you check our invoice? Thanks",
            from: "Bob <bob@acme.com>",
            attachments: "",
            days_ago: 5,
        },
    ]
}

fn hash(id: u8) -> [u8; 16] {
    [id; 16]
}

fn build() -> (tempfile::TempDir, SearchIndex) {
    let dir = tempfile::tempdir().unwrap();
    let (mut ix, fresh) = SearchIndex::open(&dir.path().join("search")).unwrap();
    assert!(fresh);
    let msgs = corpus();
    let hashes: Vec<[u8; 16]> = msgs.iter().map(|m| hash(m.id)).collect();
    let docs = msgs.iter().zip(&hashes).map(|(m, h)| MessageDoc {
        hash: h,
        subject: m.subject,
        body: m.body,
        from: m.from.to_string(),
        to: "Acme Support <support@acme.example>".into(),
        cc: String::new(),
        attachments: m.attachments.to_string(),
        date: NOW - m.days_ago * DAY,
        has_attachment: !m.attachments.is_empty(),
        blob: None,
    });
    assert_eq!(ix.add(docs).unwrap(), 4);
    ix.commit().unwrap();
    (dir, ix)
}

fn found(ix: &SearchIndex, q: &str) -> Vec<u8> {
    let now = chrono::DateTime::from_timestamp(NOW, 0).unwrap();
    let tz = chrono::FixedOffset::east_opt(0).unwrap();
    let parsed = parse(q, now, tz).unwrap_or_else(|e| panic!("{q}: {e}"));
    let (msg, _) = split(&parsed);
    let tq = ix
        .compile(&msg.expect("a message-level query"), &no_tickets)
        .unwrap();
    let mut ids: Vec<u8> = ix
        .run(&*tq, false, 50)
        .unwrap()
        .into_iter()
        .map(|h| h.hash[0])
        .collect();
    ids.sort_unstable();
    ids
}

#[test]
fn what_must_and_must_not_match() {
    let (_dir, ix) = build();
    let cases: &[(&str, &[u8])] = &[
        ("export", &[1]),
        ("crash", &[1]),
        ("CRASHES", &[1]),
        ("429", &[1]),
        ("v2.3.1", &[1]),
        ("2.3.1", &[1]),
        ("cloture", &[2]),
        ("clôture compte", &[2]),
        ("factures", &[2]),
        ("tagihan", &[3]),
        ("acme.com", &[4]),
        ("bob@acme.com", &[4]),
        ("from:ana", &[1]),
        ("from:ana@client.example", &[1]),
        ("from:julien", &[2]),
        ("to:support@acme.example", &[1, 2, 3, 4]),
        ("subject:billing", &[4]),
        ("body:billing", &[]),
        ("\"charged twice\"", &[4]),
        ("\"twice charged\"", &[]),
        ("export -crash", &[]),
        ("thanks -export", &[4]),
        ("crash OR tagihan", &[1, 3]),
        ("(crash OR tagihan) screenshot", &[1]),
        ("has:attachment", &[1, 3]),
        ("after:7d", &[1, 4]),
        ("before:7d", &[2, 3]),
        ("screenshot.png", &[1]),
        ("-has:attachment", &[2, 4]),
        ("invoice export", &[]),
        ("...", &[]),
    ];
    for (q, want) in cases {
        assert_eq!(found(&ix, q), *want, "query {q:?}");
    }
}

/// Ticket conditions in these tests pick no ticket.
fn no_tickets(_: &Query) -> super::Result<Vec<[u8; 16]>> {
    Ok(Vec::new())
}

#[test]
fn ticket_filters_are_split_off_and_mixed_groups_stay_with_the_messages() {
    let now = chrono::DateTime::from_timestamp(NOW, 0).unwrap();
    let tz = chrono::FixedOffset::east_opt(0).unwrap();
    let q = parse("crash status:open tag:vip", now, tz).unwrap();
    let (m, t) = split(&q);
    assert_eq!(level(&m.unwrap()), Level::Message);
    assert_eq!(level(&t.unwrap()), Level::Ticket);
    let q = parse("status:open OR status:pending", now, tz).unwrap();
    assert!(matches!(split(&q), (None, Some(_))));
    let q = parse("(crash OR status:open) tag:vip", now, tz).unwrap();
    let (m, t) = split(&q);
    assert_eq!(level(&m.unwrap()), Level::Mixed);
    assert_eq!(level(&t.unwrap()), Level::Ticket);
}

#[test]
fn a_ticket_condition_in_a_mixed_group_stands_for_its_tickets_messages() {
    let (_dir, ix) = build();
    let now = chrono::DateTime::from_timestamp(NOW, 0).unwrap();
    let tz = chrono::FixedOffset::east_opt(0).unwrap();
    let picked = |q: &Query| -> super::Result<Vec<[u8; 16]>> {
        // "status:pending" picks the ticket of message 3; "-status:pending" the others.
        Ok(match q {
            Query::Status(_) => vec![hash(3)],
            Query::Not(_) => vec![hash(1), hash(2), hash(4)],
            _ => Vec::new(),
        })
    };
    let ids = |q: &str| -> Vec<u8> {
        let (m, _) = split(&parse(q, now, tz).unwrap());
        let tq = ix.compile(&m.unwrap(), &picked).unwrap();
        let mut ids: Vec<u8> = ix
            .run(&*tq, false, 50)
            .unwrap()
            .into_iter()
            .map(|h| h.hash[0])
            .collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(ids("crash OR status:pending"), [1, 3]);
    assert_eq!(ids("(crash OR status:pending) has:attachment"), [1, 3]);
    assert_eq!(ids("tagihan OR -status:pending"), [1, 2, 3, 4]);
    assert_eq!(ids("crash -status:pending"), [1]);
}

/// The first highlighted word of `body`'s snippet for query `q`, if any.
fn highlighted(ix: &SearchIndex, q: &str, body: &str) -> Option<String> {
    let now = chrono::DateTime::from_timestamp(NOW, 0).unwrap();
    let tz = chrono::FixedOffset::east_opt(0).unwrap();
    let q = ix
        .compile(&parse(q, now, tz).unwrap(), &no_tickets)
        .unwrap();
    let (text, ranges) = ix.snippets(&*q, &[body]).remove(0);
    ranges.first().map(|(a, b)| text[*a..*b].to_lowercase())
}

#[test]
fn snippets_highlight_the_words() {
    let (_dir, ix) = build();
    let body = corpus()[0].body;
    assert_eq!(highlighted(&ix, "export", body).as_deref(), Some("export"));
    // By its stem: "crash" highlights "crashes".
    assert_eq!(highlighted(&ix, "crash", body).as_deref(), Some("crashes"));
    // Words found only in the subject leave the body unhighlighted.
    assert_eq!(highlighted(&ix, "subject:billing", corpus()[3].body), None);
}

#[test]
fn a_damaged_index_is_made_anew() {
    let (dir, ix) = build();
    drop(ix);
    let path = dir.path().join("search");
    for e in std::fs::read_dir(&path).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "idx" || x == "term") {
            std::fs::write(&p, b"garbage").unwrap();
        }
    }
    let (ix, fresh) = SearchIndex::open(&path).unwrap();
    assert!(fresh, "a damaged index must be rebuilt");
    assert_eq!(ix.num_docs(), 0);
}

#[test]
fn ties_are_broken_by_date_then_hash_not_by_place_in_the_index() {
    let now = chrono::DateTime::from_timestamp(NOW, 0).unwrap();
    let tz = chrono::FixedOffset::east_opt(0).unwrap();
    let doc = |i: u8| MessageDoc {
        hash: Box::leak(Box::new([i; 16])),
        subject: "Invoice",
        body: "Please send the invoice again",
        from: "a@client.example".into(),
        to: "support@acme.example".into(),
        cc: String::new(),
        attachments: String::new(),
        // Pairs share a date: the hash decides between them.
        date: NOW - i64::from(i / 2) * DAY,
        has_attachment: false,
        blob: None,
    };
    let top = |order: Vec<u8>, commit_each: bool, by_date: bool| -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let (mut ix, _) = SearchIndex::open(&dir.path().join("search")).unwrap();
        for i in order {
            ix.add([doc(i)]).unwrap();
            if commit_each {
                ix.commit().unwrap();
            }
        }
        ix.commit().unwrap();
        let q = ix
            .compile(&parse("invoice", now, tz).unwrap(), &no_tickets)
            .unwrap();
        ix.run(&*q, by_date, 5)
            .unwrap()
            .into_iter()
            .map(|h| h.hash[0])
            .collect()
    };
    for by_date in [false, true] {
        let forward = top((1..=20).collect(), true, by_date);
        let backward = top((1..=20).rev().collect(), false, by_date);
        assert_eq!(forward, backward, "by date: {by_date}");
        assert_eq!(
            forward,
            [1, 2, 3, 4, 5],
            "newest first, then the smaller hash"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn an_idle_index_lets_go_of_its_mapped_pages_and_searches_the_same_after() {
    let (dir, ix) = build();
    let queries = [
        "export",
        "cloture",
        "tagihan",
        "from:acme.com",
        "has:attachment",
    ];
    let before: Vec<Vec<u8>> = queries.iter().map(|q| found(&ix, q)).collect();
    let search_dir = dir.path().join("search");
    let resident = super::mapped::resident_under(&search_dir).expect("smaps readable");
    assert!(resident > 0, "searching mapped none of the index's pages");

    let covered = ix.release_mapped_pages();
    assert!(
        covered >= resident,
        "covered {covered} of {resident} resident bytes"
    );
    assert_eq!(super::mapped::resident_under(&search_dir), Some(0));

    // The next searches read the same files again, and find the same messages.
    let after: Vec<Vec<u8>> = queries.iter().map(|q| found(&ix, q)).collect();
    assert_eq!(after, before);
    assert!(super::mapped::resident_under(&search_dir).unwrap() > 0);
}
