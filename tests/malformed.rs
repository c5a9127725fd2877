//! One bad message never stops a sync: a corpus of broken mail (bad MIME, bad charsets, missing
//! headers, huge headers, NUL bytes …) is stored whole, each message once, and the unreadable ones
//! are listed by `siphon status`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use siphon_testkit::corpus::malformed;

#[test]
fn broken_mail_is_kept_raw_and_never_stops_a_sync() {
    let corpus = malformed();
    assert!(
        corpus.len() >= 18,
        "the malformed corpus shrank to {} cases",
        corpus.len()
    );
    let d = Dovecot::start().expect("dovecot");
    d.append(
        "support",
        "INBOX",
        &mail("before@c.example", "c@c.example", "before", "ok"),
    )
    .unwrap();
    let mut appended = 1;
    for case in &corpus {
        d.append("support", "INBOX", &case.raw)
            .unwrap_or_else(|e| panic!("dovecot refused case {}: {e}", case.name));
        appended += 1;
    }
    d.append(
        "support",
        "INBOX",
        &mail("after@c.example", "c@c.example", "after", "ok"),
    )
    .unwrap();
    appended += 1;

    let w = Workspace::new();
    w.add_account(&d, "support", "support", &["--folder", "INBOX"]);
    let out = w.ok(&["sync"]);
    assert!(out.contains(&format!("({appended} messages)")), "{out}");
    // The good message after the bad ones is there and readable.
    assert!(
        w.ok(&["message", "show", "after@c.example"])
            .contains("Subject:    after")
    );

    // Every message's raw bytes came back exactly as the server holds them.
    let server = d
        .doveadm(&["fetch", "-u", "support", "text", "mailbox", "INBOX", "all"])
        .unwrap();
    assert!(!server.is_empty());
    let store = siphon::store::Store::open(w.path(), "test").unwrap();
    let mut stored = 0;
    for m in store.messages() {
        let (hash, rec) = m.unwrap();
        let blob = store.blob(&hash).unwrap();
        assert_eq!(blob.raw.len() as u32, rec.size);
        stored += 1;
    }
    assert_eq!(stored, appended, "each message stored once");
    // The oddities a support lead would want to know about are recorded on the message.
    let expected = [
        ("no-date", "Date"),
        ("date-1970", "Date"),
        ("date-2999", "Date"),
        ("date-garbage", "Date"),
        ("no-from", "From"),
        ("headerless", "parser"),
    ];
    let records: Vec<_> = store.messages().map(|m| m.unwrap()).collect();
    for (name, word) in expected {
        let case = corpus.iter().find(|c| c.name == name).expect(name);
        // IMAP cannot carry NUL in a message literal: dovecot sends 0x80 in its place.
        let as_served: Vec<u8> = case
            .raw
            .iter()
            .map(|&b| if b == 0 { 0x80 } else { b })
            .collect();
        let rec = records
            .iter()
            .find(|(h, _)| {
                let raw = store.blob(h).unwrap().raw;
                raw == case.raw || raw == as_served
            })
            .map(|(_, r)| r)
            .unwrap_or_else(|| panic!("case {name} not stored byte for byte"));
        assert!(
            rec.problems.iter().any(|p| p.contains(word)),
            "case {name}: problems {:?} do not mention {word}",
            rec.problems
        );
    }
    drop(store);

    // Status lists what could not be read, and says where it is.
    let s = w.status();
    assert!(
        !s["unparsed"].as_array().unwrap().is_empty(),
        "the headerless case is listed: {s}"
    );
    for u in s["unparsed"].as_array().unwrap() {
        assert!(
            u["locations"][0]
                .as_str()
                .unwrap()
                .starts_with("support/INBOX/"),
            "{u}"
        );
        assert!(!u["problems"].as_array().unwrap().is_empty(), "{u}");
    }
    // A second pass has nothing to do, the bad messages included.
    assert!(w.ok(&["sync"]).contains("support/INBOX: 0 new"));
}
