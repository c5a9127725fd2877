//! `siphon search` on a store synced from a real dovecot: words in three languages, operators and
//! ticket filters, malformed queries, new mail becoming searchable, a damaged index recovering,
//! and `reindex` giving the same answers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

use serde_json::Value;

fn msg(id: &str, from: &str, subject: &str, body: &str, extra: &str) -> Vec<u8> {
    let date = chrono::Utc::now().to_rfc2822();
    format!(
        "Message-ID: <{id}>\r\nFrom: {from}\r\nTo: support@acme.example\r\nSubject: {subject}\r\n\
         Date: {date}\r\n{extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn search(w: &Workspace, q: &str) -> Vec<String> {
    let out: Value = serde_json::from_str(&w.ok(&["search", q, "--json"])).unwrap();
    let mut ids: Vec<String> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["message_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn search_finds_what_it_must_and_nothing_else() {
    let d = Dovecot::start().expect("dovecot");
    let mails = [
        msg(
            "a@client.example",
            "Ana Lima <ana@client.example>",
            "Export crashes with error 429",
            "Hi, the CSV export crashes every time with error 429 since v2.3.1. Thanks",
            "",
        ),
        msg(
            "b@valvallon.fr",
            "Julien <julien@valvallon.fr>",
            "Clôture du compte",
            "Bonjour, nous voulons la clôture du compte et une facture finale. Merci",
            "",
        ),
        msg(
            "c@mitra.co.id",
            "Ayu <ayu@mitra.co.id>",
            "Tagihan belum dibayar",
            "Selamat pagi, tagihan ini tidak bisa dibayar dengan kartu saya. Terima kasih",
            "",
        ),
    ];
    for m in &mails {
        d.append("support", "INBOX", m).unwrap();
    }
    let w = Workspace::new();
    w.add_account(&d, "support", "support", &[]);
    w.ok(&["sync"]);
    let a = "a@client.example".to_string();
    let b = "b@valvallon.fr".to_string();
    let c = "c@mitra.co.id".to_string();
    assert_eq!(search(&w, "crash"), std::slice::from_ref(&a));
    assert_eq!(search(&w, "cloture"), std::slice::from_ref(&b));
    assert_eq!(search(&w, "TAGIHAN"), std::slice::from_ref(&c));
    assert_eq!(search(&w, "v2.3.1"), std::slice::from_ref(&a));
    assert_eq!(search(&w, "from:ayu@mitra.co.id"), std::slice::from_ref(&c));
    assert_eq!(search(&w, "crash OR tagihan"), [a.clone(), c.clone()]);
    assert_eq!(search(&w, "compte -facture"), Vec::<String>::new());
    assert_eq!(search(&w, "\"facture finale\""), std::slice::from_ref(&b));
    // Ticket filters: by status, and on tags set as ops.
    assert_eq!(search(&w, "status:open").len(), 3);
    w.ok(&[
        "me",
        "set",
        "--name",
        "Maya",
        "--email",
        "maya@acme.example",
    ]);
    w.ok(&["ticket", "set", &a, "--tag", "+vip", "--assign", "me"]);
    assert_eq!(search(&w, "tag:vip"), std::slice::from_ref(&a));
    assert_eq!(search(&w, "is:mine crash"), std::slice::from_ref(&a));
    assert_eq!(search(&w, "-tag:vip status:open").len(), 2);

    // The hit carries its ticket, a score and a highlighted snippet.
    let hits: Value = serde_json::from_str(&w.ok(&["search", "crashes", "--json"])).unwrap();
    let h = &hits[0];
    assert_eq!(h["status"], "open");
    assert!(h["score"].as_f64().unwrap() > 0.0);
    let snippet = h["snippet"].as_str().unwrap();
    let [s, e] = [
        h["highlights"][0][0].as_u64().unwrap(),
        h["highlights"][0][1].as_u64().unwrap(),
    ];
    assert_eq!(&snippet[s as usize..e as usize], "crashes");

    // A malformed query is a clear error pointing at the bad part.
    let out = w.run(&["search", "form:ana"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown field") && err.contains("^^^^"),
        "{err}"
    );
    let out = w.run(&["search", "crash OR status:open"]);
    assert!(!out.status.success());

    // New mail is searchable after the next sync.
    d.append(
        "support",
        "INBOX",
        &msg(
            "d@client.example",
            "Ana Lima <ana@client.example>",
            "Invoice in EUR",
            "Could you send the invoice in euros?",
            "",
        ),
    )
    .unwrap();
    w.ok(&["sync"]);
    assert_eq!(search(&w, "euros"), ["d@client.example".to_string()]);

    // Rebuilt, the index answers the same; damaged, it recovers on its own.
    let before = w.ok(&["search", "crash OR tagihan OR euros", "--json"]);
    w.ok(&["reindex"]);
    assert_eq!(
        w.ok(&["search", "crash OR tagihan OR euros", "--json"]),
        before
    );
    for e in std::fs::read_dir(w.path().join("search")).unwrap() {
        let p = e.unwrap().path();
        if p.extension()
            .is_some_and(|x| x == "idx" || x == "term" || x == "store")
        {
            std::fs::write(&p, b"damaged").unwrap();
        }
    }
    assert_eq!(
        w.ok(&["search", "crash OR tagihan OR euros", "--json"]),
        before
    );
}
