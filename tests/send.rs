//! Answering tickets against real servers: Debian's postfix on loopback takes the replies and
//! delivers them over LMTP into the test dovecot, where the customer's mailbox is read back.
//! Every test drives the real `siphon` binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Output;
use std::time::Duration;

use common::*;
use serde_json::Value;
use siphon_testkit::smtp::{Smtp, SmtpOptions};

const SUPPORT: &str = "support@acme.test";
const MARIE: &str = "marie@client.test";
const JO: &str = "jo@client.test";
const NAMELESS: &str = "nameless@client.test";
const WAIT: Duration = Duration::from_secs(30);

struct Setup {
    d: Dovecot,
    smtp: Smtp,
    w: Workspace,
}

fn dovecot() -> Dovecot {
    let users = [SUPPORT, MARIE, JO, NAMELESS]
        .iter()
        .map(|u| (u.to_string(), format!("pw-{u}")))
        .collect();
    Dovecot::start_with(Options {
        users,
        ..Options::default()
    })
    .expect("dovecot")
}

/// A workspace with the support account (IMAP over TLS, SMTP `security` on loopback), Maya
/// as "me", and `mail` in the support INBOX, synced.
fn setup_with(opts: SmtpOptions, security: &str, mail: &[Vec<u8>]) -> Setup {
    let d = dovecot();
    let smtp = Smtp::start_with(&d, opts).expect("postfix");
    let w = Workspace::new();
    let pw = format!("printf %s '{}'", d.password(SUPPORT));
    let port = smtp.port().to_string();
    let imaps = d.imaps_port().to_string();
    let ca = d.ca_cert().to_string_lossy().into_owned();
    w.ok(&[
        "account",
        "add",
        "support",
        "--email",
        SUPPORT,
        "--alias",
        "help@acme.test",
        "--display-name",
        "Acme",
        "--imap-host",
        "127.0.0.1",
        "--imap-port",
        &imaps,
        "--imap-user",
        SUPPORT,
        "--ca-cert",
        &ca,
        "--password-cmd",
        &pw,
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        &port,
        "--smtp-security",
        security,
    ]);
    w.ok(&[
        "me",
        "set",
        "--name",
        "Maya Lindqvist",
        "--email",
        "maya@acme.test",
    ]);
    for raw in mail {
        d.append(SUPPORT, "INBOX", raw).unwrap();
    }
    w.ok(&["sync"]);
    Setup { d, smtp, w }
}

fn setup(mail: &[Vec<u8>]) -> Setup {
    setup_with(SmtpOptions::default(), "plain", mail)
}

fn customer_mail(id: &str, from: &str, to: &str, cc: &str, subject: &str) -> Vec<u8> {
    let cc = if cc.is_empty() {
        String::new()
    } else {
        format!("Cc: {cc}\r\n")
    };
    format!(
        "Message-ID: <{id}>\r\nFrom: {from}\r\nTo: {to}\r\n{cc}Subject: {subject}\r\n\
         Date: Mon, 23 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\nthe export to Excel fails.\r\n"
    )
    .into_bytes()
}

fn marie(id: &str) -> Vec<u8> {
    customer_mail(
        id,
        "Marie Dupont <marie@client.test>",
        SUPPORT,
        "",
        "Export fails",
    )
}

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

/// The id of the ticket holding a Message-ID.
fn ticket_of(w: &Workspace, message_id: &str) -> String {
    let t = json(&w.ok(&["ticket", "show", message_id, "--json"]));
    t["ticket"]["id"].as_str().unwrap().to_string()
}

fn body_file(w: &Workspace, text: &str) -> String {
    let path = w.path().join(format!("body-{}.txt", text.len()));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// `siphon reply ID --no-undo` killed at a point of the send (`SIPHON_FAULT`).
fn crash_while_replying(w: &Workspace, id: &str, fault: &str) {
    let body = body_file(w, "Done.");
    let out = w
        .cmd()
        .args(["reply", id, "--body-file", &body, "--no-undo"])
        .env("SIPHON_FAULT", fault)
        .output()
        .unwrap();
    assert!(!out.status.success(), "{fault} must stop the process");
}

/// `siphon reply ID --body-file BODY --no-undo --json`, whatever its exit status: the record
/// as it ended.
fn reply_now(w: &Workspace, id: &str, body: &str) -> Value {
    let out = w.run(&["reply", id, "--body-file", body, "--no-undo", "--json"]);
    json(&stdout(&out))
}

fn outbox(w: &Workspace) -> Vec<Value> {
    json(&w.ok(&["outbox", "--json"]))
        .as_array()
        .unwrap()
        .clone()
}

/// The raw text of every message in a user's folder.
fn texts(d: &Dovecot, user: &str, folder: &str) -> Vec<String> {
    let out = d
        .doveadm(&["fetch", "-u", user, "text", "mailbox", folder])
        .unwrap_or_default();
    out.split("\u{c}")
        .map(str::to_string)
        .filter(|t| t.contains("Message-ID"))
        .collect()
}

fn count_of(d: &Dovecot, user: &str, folder: &str, message_id: &str) -> usize {
    let want = format!("<{message_id}>");
    d.message_ids(user, folder)
        .unwrap_or_default()
        .iter()
        .filter(|(_, m)| *m == want)
        .count()
}

/// Waits until postfix has handed on everything it took, so a count of delivered copies is
/// final.
fn settle(smtp: &Smtp) {
    let deadline = std::time::Instant::now() + WAIT;
    while !smtp.queue_is_empty().unwrap() {
        assert!(std::time::Instant::now() < deadline, "{}", smtp.log_tail());
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_reply_arrives_threaded_and_is_filed_in_sent_once() {
    let s = setup(&[marie("m1@client.test")]);
    let id = ticket_of(&s.w, "m1@client.test");
    let body = body_file(&s.w, "Bonjour Marie,\n\nFixed in 4.2.1; please update.");
    let item = reply_now(&s.w, &id, &body);
    assert_eq!(item["state"], "sent", "{item}");
    let mid = item["message_id"].as_str().unwrap().to_string();
    s.smtp
        .wait_delivered(&s.d, MARIE, "INBOX", &mid, WAIT)
        .unwrap();
    let got = texts(&s.d, MARIE, "INBOX");
    assert_eq!(got.len(), 1);
    let text = &got[0];
    assert!(text.contains("In-Reply-To: <m1@client.test>"), "{text}");
    assert!(text.contains("References: <m1@client.test>"), "{text}");
    assert!(text.contains(&format!("Message-ID: <{mid}>")), "{text}");
    assert!(
        text.contains("From: \"Maya Lindqvist from Acme\" <support@acme.test>"),
        "{text}"
    );
    assert!(text.contains("Subject: Re: Export fails"), "{text}");
    assert!(text.contains("multipart/alternative"), "{text}");
    assert!(text.contains("> the export to Excel fails."), "{text}");

    // The team's copy is in Sent once; after a sync the ticket shows the real message once and
    // the outbox lets the record go.
    assert_eq!(count_of(&s.d, SUPPORT, "Sent", &mid), 1);
    let before = json(&s.w.ok(&["ticket", "show", &id, "--json"]));
    assert_eq!(before["outgoing"].as_array().unwrap().len(), 1);
    assert_eq!(
        before["ticket"]["status"], "pending",
        "a team reply makes it pending"
    );
    s.w.ok(&["sync"]);
    let after = json(&s.w.ok(&["ticket", "show", &id, "--json"]));
    let mids: Vec<&str> = after["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(mids, ["m1@client.test", mid.as_str()]);
    assert_eq!(after["messages"][1]["team"], true);
    assert!(after["outgoing"].as_array().unwrap().is_empty(), "{after}");
    assert!(outbox(&s.w).is_empty());
    assert_eq!(count_of(&s.d, SUPPORT, "Sent", &mid), 1);
}

#[test]
fn reply_all_answers_from_the_alias_and_leaves_the_team_out() {
    let raw = customer_mail(
        "m2@client.test",
        "Marie Dupont <marie@client.test>",
        "help@acme.test, Jo <jo@client.test>",
        "maya@acme.test",
        "Invoice copy",
    );
    let s = setup(&[raw]);
    let id = ticket_of(&s.w, "m2@client.test");
    let body = body_file(&s.w, "Here it is.");
    let item = json(&s.w.ok(&[
        "reply",
        &id,
        "--body-file",
        &body,
        "--all",
        "--no-undo",
        "--json",
    ]));
    assert_eq!(item["state"], "sent", "{item}");
    let to: Vec<&str> = item["to"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(to, [MARIE, JO]);
    let mid = item["message_id"].as_str().unwrap();
    s.smtp.wait_delivered(&s.d, JO, "INBOX", mid, WAIT).unwrap();
    s.smtp
        .wait_delivered(&s.d, MARIE, "INBOX", mid, WAIT)
        .unwrap();
    let text = &texts(&s.d, JO, "INBOX")[0];
    assert!(text.contains("<help@acme.test>"), "from the alias: {text}");
    assert!(!text.contains("maya@acme.test"), "{text}");
}

#[test]
fn offline_replies_queue_and_go_out_exactly_once_when_the_server_returns() {
    let mut s = setup(&[marie("m3@client.test"), marie("m4@client.test")]);
    let a = ticket_of(&s.w, "m3@client.test");
    let b = ticket_of(&s.w, "m4@client.test");
    assert_ne!(a, b);
    s.smtp.stop();
    let body = body_file(&s.w, "On it.");
    let mut mids = Vec::new();
    for t in [&a, &b] {
        let item = reply_now(&s.w, t, &body);
        assert_eq!(item["state"], "queued", "{item}");
        assert_eq!(item["attempts"], 1);
        assert!(
            item["last_error"].as_str().unwrap().contains("127.0.0.1"),
            "{item}"
        );
        mids.push(item["message_id"].as_str().unwrap().to_string());
    }
    // Still down: flushing keeps them, and counts the try.
    s.w.ok(&["outbox", "flush"]);
    let queued = outbox(&s.w);
    assert_eq!(queued.len(), 2);
    assert!(
        queued
            .iter()
            .all(|i| i["state"] == "queued" && i["attempts"] == 2)
    );

    s.smtp.start_again().unwrap();
    let sent = json(&s.w.ok(&["outbox", "flush", "--json"]));
    let states: Vec<&str> = sent
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["sent", "sent"]);
    for mid in &mids {
        s.smtp
            .wait_delivered(&s.d, MARIE, "INBOX", mid, WAIT)
            .unwrap();
    }
    // A second flush sends nothing again.
    assert!(s.w.ok(&["outbox", "flush"]).contains("Nothing was due"));
    std::thread::sleep(Duration::from_secs(2));
    settle(&s.smtp);
    for mid in &mids {
        assert_eq!(count_of(&s.d, MARIE, "INBOX", mid), 1);
        assert_eq!(count_of(&s.d, SUPPORT, "Sent", mid), 1);
    }
}

#[test]
fn a_crash_after_the_servers_250_does_not_send_twice() {
    let s = setup(&[marie("m5@client.test")]);
    let id = ticket_of(&s.w, "m5@client.test");
    crash_while_replying(&s.w, &id, "send-after-accept");
    let left = outbox(&s.w);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["state"], "sending", "{left:?}");
    let mid = left[0]["message_id"].as_str().unwrap().to_string();
    s.smtp
        .wait_delivered(&s.d, MARIE, "INBOX", &mid, WAIT)
        .unwrap();

    // The next run cannot know it left (this server files no Sent copy): it holds it.
    let out = s.w.run(&["outbox", "flush", "--json"]);
    let after = json(&stdout(&out));
    assert_eq!(after[0]["state"], "held", "{after}");
    assert_eq!(after[0]["error_kind"], "uncertain");
    assert!(
        after[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("may have taken it")
    );
    s.w.run(&["outbox", "flush"]);
    std::thread::sleep(Duration::from_secs(2));
    settle(&s.smtp);
    assert_eq!(count_of(&s.d, MARIE, "INBOX", &mid), 1, "never twice");
    // The person decides: cancel.
    let item_id = after[0]["id"].as_str().unwrap();
    s.w.ok(&["outbox", "cancel", item_id]);
    assert!(outbox(&s.w).is_empty());
}

#[test]
fn a_crash_after_250_is_settled_by_the_servers_own_sent_copy() {
    let s = setup(&[marie("m6@client.test")]);
    s.w.ok(&["account", "set", "support", "--smtp-saves-sent", "true"]);
    let id = ticket_of(&s.w, "m6@client.test");
    crash_while_replying(&s.w, &id, "send-after-accept");
    let item = outbox(&s.w).remove(0);
    let mid = item["message_id"].as_str().unwrap().to_string();
    // The copy a server that files its own would have made: the run finds it and marks the
    // message sent instead of holding it.
    let raw = std::fs::read(
        s.w.path()
            .join("outbox")
            .join(format!("{}.eml", item["id"].as_str().unwrap())),
    )
    .unwrap();
    s.d.append(SUPPORT, "Sent", &raw).unwrap();
    let after = json(&s.w.ok(&["outbox", "flush", "--json"]));
    assert_eq!(after[0]["state"], "sent", "{after}");
    s.smtp
        .wait_delivered(&s.d, MARIE, "INBOX", &mid, WAIT)
        .unwrap();
    assert_eq!(count_of(&s.d, SUPPORT, "Sent", &mid), 1, "no second copy");
}

#[test]
fn a_crash_before_data_holds_the_message_and_retry_sends_it_once() {
    let s = setup(&[marie("m7@client.test")]);
    let id = ticket_of(&s.w, "m7@client.test");
    crash_while_replying(&s.w, &id, "send-before-data");
    let item = outbox(&s.w).remove(0);
    assert_eq!(item["state"], "sending");
    let mid = item["message_id"].as_str().unwrap().to_string();
    let after = json(&stdout(&s.w.run(&["outbox", "flush", "--json"])));
    assert_eq!(after[0]["state"], "held");
    std::thread::sleep(Duration::from_secs(2));
    settle(&s.smtp);
    assert_eq!(count_of(&s.d, MARIE, "INBOX", &mid), 0, "it never left");
    let item_id = item["id"].as_str().unwrap();
    let out = s.w.ok(&["outbox", "retry", item_id]);
    assert!(out.contains("sent"), "{out}");
    s.smtp
        .wait_delivered(&s.d, MARIE, "INBOX", &mid, WAIT)
        .unwrap();
    assert_eq!(count_of(&s.d, MARIE, "INBOX", &mid), 1);
}

#[test]
fn a_wrong_password_fails_clearly_keeps_the_draft_and_sends_once_fixed() {
    let s = setup(&[marie("m8@client.test")]);
    s.w.ok(&[
        "account",
        "set",
        "support",
        "--smtp-password-cmd",
        "printf %s wrong",
    ]);
    let id = ticket_of(&s.w, "m8@client.test");
    let body = body_file(&s.w, "Hello again.");
    let out =
        s.w.run(&["reply", &id, "--body-file", &body, "--no-undo", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let item = json(&stdout(&out));
    assert_eq!(item["state"], "failed");
    assert_eq!(item["error_kind"], "auth");
    assert!(
        item["last_error"]
            .as_str()
            .unwrap()
            .contains("refused the login"),
        "{item}"
    );
    // The draft is kept: shown on the ticket, and sent once the password is right.
    let t = json(&s.w.ok(&["ticket", "show", &id, "--json"]));
    assert_eq!(t["outgoing"][0]["state"], "failed");
    let pw = format!("printf %s '{}'", s.d.password(SUPPORT));
    s.w.ok(&["account", "set", "support", "--smtp-password-cmd", &pw]);
    s.w.ok(&["outbox", "retry", item["id"].as_str().unwrap()]);
    let mid = item["message_id"].as_str().unwrap();
    s.smtp
        .wait_delivered(&s.d, MARIE, "INBOX", mid, WAIT)
        .unwrap();
}

#[test]
fn a_refused_recipient_and_a_message_too_large_say_why() {
    let opts = SmtpOptions {
        message_size_limit: 64 * 1024,
        ..SmtpOptions::default()
    };
    let ghost = customer_mail(
        "m9@client.test",
        "Ghost <ghost@client.test>",
        SUPPORT,
        "",
        "Who am I",
    );
    let s = setup_with(opts, "starttls", &[ghost, marie("m10@client.test")]);
    let id = ticket_of(&s.w, "m9@client.test");
    let body = body_file(&s.w, "Hello.");
    let item = reply_now(&s.w, &id, &body);
    assert_eq!(item["state"], "failed", "{item}");
    assert_eq!(item["error_kind"], "recipient");
    assert!(
        item["last_error"]
            .as_str()
            .unwrap()
            .contains("refused the recipient ghost@client.test"),
        "{item}"
    );

    let big = s.w.path().join("big.bin");
    std::fs::write(&big, vec![b'x'; 200 * 1024]).unwrap();
    let id = ticket_of(&s.w, "m10@client.test");
    let out = s.w.run(&[
        "reply",
        &id,
        "--body-file",
        &body,
        "--attach",
        big.to_str().unwrap(),
        "--no-undo",
        "--json",
    ]);
    let item = json(&stdout(&out));
    assert_eq!(item["state"], "failed", "{item}");
    assert_eq!(item["error_kind"], "too_large", "{item}");
    assert!(item["last_error"].as_str().unwrap().contains("too large"));
    assert_eq!(outbox(&s.w).len(), 2, "both drafts are kept");
}

#[test]
fn undo_within_the_window_sends_nothing_and_puts_the_ticket_back() {
    let s = setup(&[marie("m11@client.test")]);
    let id = ticket_of(&s.w, "m11@client.test");
    let item = json(&s.w.ok(&["reply", &id, "--template", "Bug acknowledged", "--json"]));
    assert_eq!(item["state"], "queued");
    let t = json(&s.w.ok(&["ticket", "show", &id, "--json"]));
    assert_eq!(t["ticket"]["status"], "pending");
    assert_eq!(t["ticket"]["kind"], "bug");
    // Inside the undo window a flush leaves it alone.
    assert!(s.w.ok(&["outbox", "flush"]).contains("Nothing was due"));
    s.w.ok(&["outbox", "cancel", item["id"].as_str().unwrap()]);
    assert!(outbox(&s.w).is_empty());
    let t = json(&s.w.ok(&["ticket", "show", &id, "--json"]));
    assert_eq!(t["ticket"]["status"], "open", "{t}");
    assert_eq!(
        t["ticket"]["kind"],
        Value::Null,
        "the template's kind is undone too: {t}"
    );
    std::thread::sleep(Duration::from_secs(1));
    settle(&s.smtp);
    assert!(texts(&s.d, MARIE, "INBOX").is_empty());
}

#[test]
fn the_undo_window_passes_and_a_flush_sends_it() {
    let s = setup(&[marie("m12@client.test")]);
    let config = s.w.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("undo_seconds = 10"), "{text}");
    std::fs::write(
        &config,
        text.replace("undo_seconds = 10", "undo_seconds = 1"),
    )
    .unwrap();
    let id = ticket_of(&s.w, "m12@client.test");
    let body = body_file(&s.w, "Soon.");
    let item = json(&s.w.ok(&["reply", &id, "--body-file", &body, "--json"]));
    std::thread::sleep(Duration::from_millis(2100));
    let sent = json(&s.w.ok(&["outbox", "flush", "--json"]));
    assert_eq!(sent[0]["state"], "sent", "{sent}");
    s.smtp
        .wait_delivered(
            &s.d,
            MARIE,
            "INBOX",
            item["message_id"].as_str().unwrap(),
            WAIT,
        )
        .unwrap();
}

#[test]
fn a_template_fills_in_sets_the_ticket_and_catches_what_it_lacks() {
    let nameless = customer_mail("m14@client.test", NAMELESS, SUPPORT, "", "No name");
    let s = setup(&[marie("m13@client.test"), nameless]);
    let id = ticket_of(&s.w, "m13@client.test");
    let item = json(&s.w.ok(&[
        "reply",
        &id,
        "--template",
        "Bug acknowledged",
        "--no-undo",
        "--json",
    ]));
    assert_eq!(item["state"], "sent", "{item}");
    let mid = item["message_id"].as_str().unwrap();
    s.smtp
        .wait_delivered(&s.d, MARIE, "INBOX", mid, WAIT)
        .unwrap();
    let text = &texts(&s.d, MARIE, "INBOX")[0];
    assert!(text.contains("Marie"), "{text}");
    assert!(text.contains("Maya"), "{text}");
    assert!(!text.contains("{{"), "{text}");
    let t = json(&s.w.ok(&["ticket", "show", &id, "--json"]));
    assert_eq!(t["ticket"]["kind"], "bug", "{t}");
    assert_eq!(t["ticket"]["status"], "pending", "{t}");

    // No display name: no first name to greet with. Refused, and nothing queued.
    let id = ticket_of(&s.w, "m14@client.test");
    let out =
        s.w.run(&["reply", &id, "--template", "Bug acknowledged", "--no-undo"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("customer.first_name"),
        "{}",
        stderr(&out)
    );
    assert!(outbox(&s.w).iter().all(|i| i["ticket"] != id.as_str()));
    // A body with a placeholder left in is refused too.
    let body = body_file(&s.w, "Hi {{customer.first_name}}, thanks!");
    let out = s.w.run(&["reply", &id, "--body-file", &body, "--no-undo"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("{{customer.first_name}}"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_note_is_recorded_and_never_sent() {
    let s = setup(&[marie("m15@client.test")]);
    let id = ticket_of(&s.w, "m15@client.test");
    s.w.ok(&[
        "note",
        &id,
        "Marie is on the enterprise plan; loop in billing.",
    ]);
    let t = json(&s.w.ok(&["ticket", "show", &id, "--json"]));
    assert_eq!(
        t["notes"][0]["text"],
        "Marie is on the enterprise plan; loop in billing."
    );
    assert!(outbox(&s.w).is_empty());
    assert!(s.smtp.queue_is_empty().unwrap());
    assert!(texts(&s.d, MARIE, "INBOX").is_empty());
}

#[test]
fn a_forward_and_a_new_conversation_arrive() {
    let s = setup(&[marie("m16@client.test")]);
    let id = ticket_of(&s.w, "m16@client.test");
    let note = body_file(&s.w, "Jo, can you look at this export bug?");
    let item = json(&s.w.ok(&[
        "forward",
        &id,
        "--to",
        JO,
        "--body-file",
        &note,
        "--no-undo",
        "--json",
    ]));
    assert_eq!(item["state"], "sent", "{item}");
    let mid = item["message_id"].as_str().unwrap();
    s.smtp.wait_delivered(&s.d, JO, "INBOX", mid, WAIT).unwrap();
    let text = &texts(&s.d, JO, "INBOX")[0];
    assert!(text.contains("Subject: Fwd: Export fails"), "{text}");
    assert!(text.contains("message/rfc822"), "{text}");
    assert!(
        text.contains("Message-ID: <m16@client.test>"),
        "the original, whole: {text}"
    );

    let body = body_file(&s.w, "Hello Jo,\n\nYour trial ends on Friday.");
    let item = json(&s.w.ok(&[
        "compose",
        "--account",
        "support",
        "--to",
        JO,
        "--subject",
        "Your trial",
        "--body-file",
        &body,
        "--no-undo",
        "--json",
    ]));
    let mid = item["message_id"].as_str().unwrap().to_string();
    s.smtp
        .wait_delivered(&s.d, JO, "INBOX", &mid, WAIT)
        .unwrap();
    // Synced back from Sent, it is a conversation of its own.
    s.w.ok(&["sync"]);
    let t = json(&s.w.ok(&["ticket", "show", &mid, "--json"]));
    assert_eq!(t["ticket"]["subject"], "Your trial", "{t}");
    assert_eq!(t["messages"].as_array().unwrap().len(), 1);
}

#[test]
fn a_server_that_never_answers_times_out_and_the_reply_waits() {
    let s = setup(&[marie("m17@client.test")]);
    // Takes the connection and says nothing: no greeting ever comes.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let _keep = std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in silent.incoming().flatten() {
            held.push(c);
        }
    });
    s.w.ok(&["account", "set", "support", "--smtp-port", &port]);
    let id = ticket_of(&s.w, "m17@client.test");
    let body = body_file(&s.w, "Hello.");
    let started = std::time::Instant::now();
    let item = reply_now(&s.w, &id, &body);
    assert!(
        started.elapsed() < Duration::from_secs(40),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(item["state"], "queued", "{item}");
    assert_eq!(item["error_kind"], "timeout", "{item}");
    // Pointed back at the real server, the same draft leaves once.
    let real = s.smtp.port().to_string();
    s.w.ok(&["account", "set", "support", "--smtp-port", &real]);
    s.w.ok(&["outbox", "flush"]);
    let mid = item["message_id"].as_str().unwrap();
    s.smtp
        .wait_delivered(&s.d, MARIE, "INBOX", mid, WAIT)
        .unwrap();
    assert_eq!(count_of(&s.d, MARIE, "INBOX", mid), 1);
}

#[test]
fn the_smtp_password_can_live_in_the_secret_service() {
    let s = setup(&[marie("m18@client.test")]);
    let id = ticket_of(&s.w, "m18@client.test");
    let body = body_file(&s.w, "From the keyring.");
    let home = tempfile::tempdir().unwrap();
    let script = format!(
        r#"set -e
printf 'keyring-unlock' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
S="{siphon} --data-dir {dir}"
printf '%s\n' "$SMTP_PASSWORD" | $S account set support --smtp-password-stdin >/dev/null
$S reply {id} --body-file {body} --no-undo --json
echo "--- lookup"
secret-tool lookup service "Siphon SMTP ({dir})" username support
"#,
        siphon = SIPHON,
        dir = s.w.path().display(),
    );
    let out = std::process::Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("SMTP_PASSWORD", s.d.password(SUPPORT))
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .expect("dbus-run-session (Debian package dbus)");
    let text = stdout(&out);
    assert!(out.status.success(), "{text}\n{}", stderr(&out));
    let (reply, lookup) = text.split_once("--- lookup").unwrap();
    let item = json(reply);
    assert_eq!(item["state"], "sent", "{item}");
    assert_eq!(lookup.trim(), s.d.password(SUPPORT));
    let config = std::fs::read_to_string(s.w.path().join("config.toml")).unwrap();
    // The SMTP settings name the keyring, and hold no password or command of their own.
    let smtp = config.split("[account.smtp]").nth(1).unwrap();
    assert!(smtp.contains("own_password = true"), "{config}");
    assert!(!smtp.contains("password_cmd"), "{config}");
    s.smtp
        .wait_delivered(
            &s.d,
            MARIE,
            "INBOX",
            item["message_id"].as_str().unwrap(),
            WAIT,
        )
        .unwrap();
}

/// Plays an SMTP server that takes the whole message and then drops the connection without
/// answering: the one moment where the sender cannot know whether the mail left.
fn drops_after_the_message() -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let mut out = conn.try_clone().unwrap();
            let mut lines = BufReader::new(conn);
            out.write_all(b"220 drop.test ESMTP\r\n").unwrap();
            let mut line = String::new();
            let mut in_data = false;
            while lines.read_line(&mut line).unwrap_or(0) > 0 {
                let cmd = line.to_ascii_uppercase();
                let reply: &[u8] = if in_data {
                    if line == ".\r\n" {
                        break; // the whole message is here: hang up without a word
                    }
                    b""
                } else if cmd.starts_with("EHLO") {
                    b"250-drop.test\r\n250 AUTH PLAIN LOGIN\r\n"
                } else if cmd.starts_with("AUTH") {
                    b"235 2.7.0 ok\r\n"
                } else if cmd.starts_with("DATA") {
                    in_data = true;
                    b"354 go on\r\n"
                } else {
                    b"250 2.0.0 ok\r\n"
                };
                out.write_all(reply).unwrap();
                line.clear();
            }
        }
    });
    port
}

#[test]
fn a_connection_lost_after_the_message_holds_it_for_the_person() {
    let s = setup(&[marie("m19@client.test")]);
    let port = drops_after_the_message().to_string();
    s.w.ok(&["account", "set", "support", "--smtp-port", &port]);
    let id = ticket_of(&s.w, "m19@client.test");
    let body = body_file(&s.w, "Hello.");
    let item = reply_now(&s.w, &id, &body);
    assert_eq!(item["state"], "held", "{item}");
    assert_eq!(item["error_kind"], "uncertain");
    assert!(
        item["last_error"]
            .as_str()
            .unwrap()
            .contains("may have taken it"),
        "{item}"
    );
    // Held means held: later runs leave it alone.
    assert!(s.w.ok(&["outbox", "flush"]).contains("Nothing was due"));
    assert_eq!(outbox(&s.w)[0]["attempts"], 1);
}

#[test]
fn the_sent_copy_waits_for_imap_and_is_filed_once_it_returns() {
    let mut s = setup(&[marie("m20@client.test")]);
    let id = ticket_of(&s.w, "m20@client.test");
    s.d.stop();
    let body = body_file(&s.w, "Sent while the mailbox server was away.");
    let item = reply_now(&s.w, &id, &body);
    assert_eq!(item["state"], "sent", "SMTP took it: {item}");
    assert_eq!(item["error_kind"], "sent_copy", "{item}");
    let waiting = outbox(&s.w);
    assert_eq!(waiting[0]["state"], "sent");
    s.d.restart().unwrap();
    s.w.ok(&["outbox", "flush"]);
    let mid = item["message_id"].as_str().unwrap();
    assert_eq!(count_of(&s.d, SUPPORT, "Sent", mid), 1);
    s.smtp
        .wait_delivered(&s.d, MARIE, "INBOX", mid, WAIT)
        .unwrap();
    // Flushing again files nothing twice.
    s.w.ok(&["outbox", "flush"]);
    assert_eq!(count_of(&s.d, SUPPORT, "Sent", mid), 1);
}
