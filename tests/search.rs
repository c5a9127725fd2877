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
    let out = w.run(&["search", "crash (status:open"]);
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

/// A message `days` old, from `from` to `to`, with more headers in `extra` and, when given, one
/// attached file.
fn dated(
    id: &str,
    (from, to, extra): (&str, &str, &str),
    subject: &str,
    body: &str,
    days: i64,
    attachment: Option<&str>,
) -> Vec<u8> {
    let date = (chrono::Utc::now() - chrono::Duration::days(days)).to_rfc2822();
    let head = format!(
        "Message-ID: <{id}>\r\nFrom: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\n\
         {extra}MIME-Version: 1.0\r\n"
    );
    match attachment {
        None => format!("{head}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"),
        Some(name) => format!(
            "{head}Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n--b1\r\n\
             Content-Type: application/octet-stream\r\n\
             Content-Disposition: attachment; filename=\"{name}\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--b1--\r\n"
        ),
    }
    .into_bytes()
}

/// Every operator of the query language, from the CLI, against a two-account workspace with
/// ticket state set through ops: each query with the messages it must find, and only those.
#[test]
fn every_operator_from_the_cli() {
    let d = Dovecot::start().expect("dovecot");
    let support = "support@acme.example";
    let billing = "billing@acme.example";
    let mails = [
        (
            "support",
            dated(
                "a@client.example",
                (
                    "Ana Lima <ana@client.example>",
                    support,
                    "Cc: Pedro Souza <pedro@client.example>\r\n",
                ),
                "Export crashes with error 429",
                "Hi, the CSV export crashes every time with error 429 since v2.3.1. Thanks",
                2,
                Some("screenshot.png"),
            ),
        ),
        (
            "support",
            dated(
                "b@valvallon.fr",
                ("Julien Martin <julien@valvallon.fr>", support, ""),
                "Clôture du compte",
                "Bonjour, nous voulons la clôture du compte et une facture finale. Merci",
                20,
                None,
            ),
        ),
        (
            "billing",
            dated(
                "c@mitra.co.id",
                ("Ayu Lestari <ayu@mitra.co.id>", billing, ""),
                "Tagihan belum dibayar",
                "Selamat pagi, tagihan ini tidak bisa dibayar dengan kartu saya. Terima kasih",
                40,
                Some("tagihan.pdf"),
            ),
        ),
        (
            "billing",
            dated(
                "d@acmecorp.example",
                ("Bob Stone <bob@acmecorp.example>", billing, ""),
                "Question about billing",
                "Hello, we were charged twice this month. Can you check our invoice?",
                5,
                None,
            ),
        ),
        (
            "support",
            dated(
                "e@stripe.example",
                (
                    "Stripe <noreply@stripe.example>",
                    support,
                    "Auto-Submitted: auto-generated\r\n",
                ),
                "Your invoice is ready",
                "Your invoice for November is ready.",
                1,
                None,
            ),
        ),
    ];
    for (user, m) in &mails {
        d.append(user, "INBOX", m).unwrap();
    }
    let w = Workspace::new();
    w.add_account(&d, "support", "support", &[]);
    w.add_account(&d, "billing", "billing", &[]);
    w.ok(&["sync"]);
    w.ok(&[
        "me",
        "set",
        "--name",
        "Maya Rossi",
        "--email",
        "maya@acme.example",
    ]);
    let set = |id: &str, args: &[&str]| {
        let mut all = vec!["ticket", "set", id];
        all.extend_from_slice(args);
        w.ok(&all);
    };
    set(
        "a@client.example",
        &[
            "--tag",
            "+vip",
            "--assign",
            "me",
            "--kind",
            "bug",
            "--priority",
            "urgent",
        ],
    );
    set("b@valvallon.fr", &["--status", "closed"]);
    set(
        "d@acmecorp.example",
        &["--assign", "leo@acme.example", "--kind", "question"],
    );
    // Reading a ticket marks it read.
    w.ok(&["ticket", "show", "b@valvallon.fr"]);

    let cases: &[(&str, &[&str])] = &[
        // Free words (all in one message), case, accents, stems, codes, versions, domains.
        ("crash", &["a"]),
        ("CRASHES", &["a"]),
        ("cloture", &["b"]),
        ("tagihan kartu", &["c"]),
        ("tagihan compte", &[]),
        ("429", &["a"]),
        ("v2.3.1", &["a"]),
        ("acmecorp.example", &["d"]),
        ("screenshot.png", &["a"]),
        // Phrases, exclusion, OR, parentheses.
        ("\"facture finale\"", &["b"]),
        ("\"finale facture\"", &[]),
        ("compte -facture", &[]),
        ("compte -invoice", &["b"]),
        ("crash OR tagihan", &["a", "c"]),
        ("crash OR tagihan OR compte", &["a", "b", "c"]),
        ("(crash OR compte) -has:attachment", &["b"]),
        ("(crash OR tagihan) has:attachment", &["a", "c"]),
        // Fields of the message.
        ("from:ana", &["a"]),
        ("from:ana@client.example", &["a"]),
        ("from:\"Julien Martin\"", &["b"]),
        ("from:valvallon.fr", &["b"]),
        ("to:billing@acme.example", &["c", "d"]),
        ("cc:pedro", &["a"]),
        ("cc:pedro@client.example", &["a"]),
        ("subject:billing", &["d"]),
        ("body:billing", &[]),
        ("subject:invoice", &["e"]),
        ("body:charged", &["d"]),
        ("has:attachment", &["a", "c"]),
        ("after:7d", &["a", "d", "e"]),
        ("before:7d", &["b", "c"]),
        ("after:30d before:7d", &["b"]),
        // Fields of the ticket. Automated mail is found by its words, never by ticket filters.
        ("invoice", &["d", "e"]),
        ("invoice status:open", &["d"]),
        ("status:open", &["a", "c", "d"]),
        ("status:closed", &["b"]),
        ("-status:open", &["b"]),
        ("tag:vip", &["a"]),
        ("tag:VIP crash", &["a"]),
        ("kind:bug", &["a"]),
        ("kind:question", &["d"]),
        ("priority:urgent", &["a"]),
        ("assignee:maya", &["a"]),
        ("assignee:maya@acme.example", &["a"]),
        ("assignee:leo", &["d"]),
        ("is:mine", &["a"]),
        ("account:billing", &["c", "d"]),
        ("account:support status:open", &["a"]),
        ("customer:ayu@mitra.co.id", &["c"]),
        ("customer:ayu", &["c"]),
        ("org:mitra.co.id", &["c"]),
        ("org:mitra", &["c"]),
        ("is:unread", &["a", "c", "d"]),
        ("is:unread account:support", &["a"]),
        ("status:open has:attachment", &["a", "c"]),
        // Words and ticket filters mixed inside OR and negations.
        ("crash OR status:closed", &["a", "b"]),
        ("tagihan OR tag:vip", &["a", "c"]),
        ("(invoice OR tag:vip) -kind:question", &["a"]),
        ("-(tag:vip OR kind:question) status:open", &["c"]),
    ];
    let mut failures = Vec::new();
    for (q, want) in cases {
        let got: Vec<String> = search(&w, q)
            .into_iter()
            .map(|id| id.split('@').next().unwrap().to_string())
            .collect();
        if got != *want {
            failures.push(format!("{q:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // --limit and --sort date.
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["search"];
        all.extend_from_slice(args);
        all.push("--json");
        let out: Value = serde_json::from_str(&w.ok(&all)).unwrap();
        out.as_array()
            .unwrap()
            .iter()
            .map(|h| h["message_id"].as_str().unwrap().to_string())
            .collect()
    };
    let q = "crash OR compte OR tagihan";
    assert_eq!(
        ids(&[q, "--sort", "date"]),
        ["a@client.example", "b@valvallon.fr", "c@mitra.co.id"]
    );
    assert_eq!(ids(&[q, "--limit", "2", "--sort", "date"]).len(), 2);
    assert_eq!(ids(&["status:open", "--limit", "1"]).len(), 1);
    // The id is the one `siphon tickets` shows.
    let listed: Value =
        serde_json::from_str(&w.ok(&["tickets", "--view", "closed", "--json"])).unwrap();
    let hits: Value = serde_json::from_str(&w.ok(&["search", "cloture", "--json"])).unwrap();
    assert_eq!(hits[0]["id"], listed[0]["id"]);
    assert_eq!(hits[0]["status"], "closed");
    // A stem's match is highlighted where it stands.
    let hits: Value = serde_json::from_str(&w.ok(&["search", "crash", "--json"])).unwrap();
    let snippet = hits[0]["snippet"].as_str().unwrap();
    let [s, e] = [
        hits[0]["highlights"][0][0].as_u64().unwrap() as usize,
        hits[0]["highlights"][0][1].as_u64().unwrap() as usize,
    ];
    assert_eq!(&snippet[s..e], "crashes");
}

/// After a sync, a search answers from the ticket index and the search index alone, even while
/// another process holds the store; once something the indexes have not taken is stored (or the
/// configuration changes), it needs the store again to bring them up to date first.
#[test]
fn search_answers_without_the_store_only_while_the_indexes_are_current() {
    let d = Dovecot::start().expect("dovecot");
    d.append(
        "support",
        "INBOX",
        &msg(
            "a@client.example",
            "Ana Lima <ana@client.example>",
            "Export crashes with error 429",
            "Hi, the CSV export crashes every time.",
            "",
        ),
    )
    .unwrap();
    let w = Workspace::new();
    w.add_account(&d, "support", "support", &[]);
    w.ok(&["sync"]);
    let a = vec!["a@client.example".to_string()];
    let ready = w.path().join("ready");
    assert!(
        ready.exists(),
        "a sync that left everything indexed says so"
    );

    let held = siphon::store::Store::open(w.path(), "a test holding the store").unwrap();
    // "crash" by its stem: the language is told from the subject as well as the short body.
    assert_eq!(search(&w, "crash"), a);
    assert_eq!(search(&w, "status:open"), a);
    let busy = |what: &str| {
        let out = w.run(&["search", "crash"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains("a test holding the store"),
            "{what}: {err}"
        );
    };
    // What a sync does before storing new mail (and what recording an op does).
    held.unready().unwrap();
    busy("after new mail");
    drop(held);
    assert_eq!(search(&w, "crash"), a);
    assert!(ready.exists());

    // An edited configuration (team addresses, accounts) may change the tickets.
    let held = siphon::store::Store::open(w.path(), "a test holding the store").unwrap();
    let config = w.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n# edited\n");
    std::fs::write(&config, text).unwrap();
    busy("after a config edit");
    drop(held);
    assert_eq!(search(&w, "crash"), a);

    // A damaged ready file is no licence to skip the store.
    std::fs::write(&ready, "garbage").unwrap();
    let held = siphon::store::Store::open(w.path(), "a test holding the store").unwrap();
    busy("with a damaged ready file");
    drop(held);
}
