//! The SMTP harness against itself: SMTP spoken by hand to the postfix it starts, mail checked
//! in the dovecot it delivers into.
#![allow(clippy::unwrap_used)]

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use siphon_testkit::dovecot::{Dovecot, Options};
use siphon_testkit::smtp::{Smtp, SmtpOptions};

const DELIVERY: Duration = Duration::from_secs(20);

fn dovecot() -> Dovecot {
    dovecot_with(false)
}

fn dovecot_with(xoauth2: bool) -> Dovecot {
    let users = [
        "support@acme.test",
        "billing@acme.test",
        "customer@client.test",
    ]
    .iter()
    .map(|u| (u.to_string(), format!("pw-{u}")))
    .collect();
    Dovecot::start_with(Options {
        users,
        xoauth2,
        ..Options::default()
    })
    .unwrap()
}

fn message(id: &str, body: &str) -> String {
    format!(
        "From: Support <support@acme.test>\r\nTo: customer@client.test\r\n\
         Subject: Re: your ticket\r\nMessage-ID: <{id}>\r\n\r\n{body}\r\n"
    )
}

/// One SMTP command at a time: the reply's code and its lines joined.
struct Client<S: Read + Write> {
    io: BufReader<S>,
}

impl<S: Read + Write> Client<S> {
    fn reply(&mut self) -> (u16, String) {
        let mut text = String::new();
        loop {
            let mut line = String::new();
            assert!(self.io.read_line(&mut line).unwrap() > 0, "closed: {text}");
            text.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return (line[..3].parse().unwrap(), text);
            }
        }
    }

    fn cmd(&mut self, line: &str) -> (u16, String) {
        self.io
            .get_mut()
            .write_all(format!("{line}\r\n").as_bytes())
            .unwrap();
        self.reply()
    }

    fn expect(&mut self, line: &str, code: u16) -> String {
        let (got, text) = self.cmd(line);
        assert_eq!(got, code, "{line} -> {text}");
        text
    }

    fn auth(&mut self, dc: &Dovecot, user: &str) -> (u16, String) {
        let plain = BASE64.encode(format!("\0{user}\0{}", dc.password(user)));
        self.cmd(&format!("AUTH PLAIN {plain}"))
    }

    /// MAIL, RCPT (each must be accepted) and DATA; returns the reply to the final dot.
    fn send(&mut self, from: &str, to: &[&str], msg: &str) -> (u16, String) {
        self.expect(&format!("MAIL FROM:<{from}>"), 250);
        for rcpt in to {
            self.expect(&format!("RCPT TO:<{rcpt}>"), 250);
        }
        self.expect("DATA", 354);
        let w = self.io.get_mut();
        w.write_all(msg.as_bytes()).unwrap();
        w.write_all(b".\r\n").unwrap();
        self.reply()
    }
}

fn connect(smtp: &Smtp) -> Client<TcpStream> {
    let tcp = TcpStream::connect(smtp.addr()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut client = Client {
        io: BufReader::new(tcp),
    };
    let (code, banner) = client.reply();
    assert_eq!(code, 220, "{banner}");
    client.expect("EHLO client.test", 250);
    client
}

/// Connected, greeted and logged in as `user`.
fn session(smtp: &Smtp, dc: &Dovecot, user: &str) -> Client<TcpStream> {
    let mut client = connect(smtp);
    let (code, text) = client.auth(dc, user);
    assert_eq!(code, 235, "{text}\n{}", smtp.log_tail());
    client
}

fn tls_config(ca: &Path) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    let mut pem = BufReader::new(File::open(ca).unwrap());
    for cert in rustls_pemfile::certs(&mut pem) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

#[test]
fn authenticated_mail_lands_in_the_inbox() {
    let dc = dovecot();
    let started = Instant::now();
    let smtp = Smtp::start(&dc).unwrap();
    eprintln!("postfix start took {:?}", started.elapsed());
    assert_eq!(smtp.host(), "127.0.0.1");
    assert_eq!(smtp.addr().port(), smtp.port());
    assert_eq!(smtp.domains(), ["acme.test", "client.test"]);

    let mut client = connect(&smtp);
    let ehlo = client.expect("EHLO support.acme.test", 250);
    for ext in ["AUTH PLAIN LOGIN", "STARTTLS", "SIZE 10240000"] {
        assert!(ehlo.contains(ext), "{ext} missing: {ehlo}");
    }
    let (code, text) = client.auth(&dc, "support@acme.test");
    assert_eq!(code, 235, "{text}");
    let sent = Instant::now();
    let (code, text) = client.send(
        "support@acme.test",
        &["customer@client.test", "billing@acme.test"],
        &message("reply-1@acme.test", "Hello from the SMTP harness."),
    );
    assert_eq!(code, 250, "{text}");
    client.expect("QUIT", 221);

    let uid = smtp
        .wait_delivered(
            &dc,
            "customer@client.test",
            "INBOX",
            "reply-1@acme.test",
            DELIVERY,
        )
        .unwrap();
    eprintln!("delivered after {:?}", sent.elapsed());
    assert_eq!(uid, 1);
    let uid = smtp
        .wait_delivered(
            &dc,
            "billing@acme.test",
            "INBOX",
            "<reply-1@acme.test>",
            DELIVERY,
        )
        .unwrap();
    assert_eq!(uid, 1);
    assert!(dc.uids("support@acme.test", "INBOX").unwrap().is_empty());
    let text = dc
        .doveadm(&[
            "fetch",
            "-u",
            "customer@client.test",
            "text",
            "mailbox",
            "INBOX",
            "all",
        ])
        .unwrap();
    assert!(text.contains("Hello from the SMTP harness."), "{text}");
    assert!(text.contains("with LMTP"), "{text}");

    // Delivered, so nothing waits; wait_delivered gives up with the reason.
    let deadline = Instant::now() + DELIVERY;
    while !smtp.queue_is_empty().unwrap() {
        assert!(Instant::now() < deadline, "{}", smtp.queue().unwrap());
        std::thread::sleep(Duration::from_millis(100));
    }
    let err = smtp
        .wait_delivered(
            &dc,
            "customer@client.test",
            "INBOX",
            "nope@x",
            Duration::ZERO,
        )
        .unwrap_err();
    assert!(
        format!("{err:#}").contains("Mail queue is empty"),
        "{err:#}"
    );
    assert!(!smtp.log_tail().contains("warning"), "{}", smtp.log_tail());
}

#[test]
fn refusals_wrong_password_unknown_user_no_auth_elsewhere_too_large() {
    let dc = dovecot();
    let smtp = Smtp::start_with(
        &dc,
        SmtpOptions {
            message_size_limit: 20_000,
            ..SmtpOptions::default()
        },
    )
    .unwrap();

    // Wrong password, unknown login, then the right one on the same connection.
    let mut client = connect(&smtp);
    let wrong = BASE64.encode("\0support@acme.test\0wrong");
    let (code, text) = client.cmd(&format!("AUTH PLAIN {wrong}"));
    assert_eq!(code, 535, "{text}");
    let nobody = BASE64.encode("\0nobody@acme.test\0pw");
    assert_eq!(client.cmd(&format!("AUTH PLAIN {nobody}")).0, 535);
    assert_eq!(client.auth(&dc, "support@acme.test").0, 235);

    // Unknown user of a test domain, and another domain: refused at RCPT.
    client.expect("MAIL FROM:<support@acme.test>", 250);
    let text = client.expect("RCPT TO:<nobody@client.test>", 550);
    assert!(text.contains("5.1.1"), "{text}");
    let text = client.expect("RCPT TO:<someone@example.com>", 554);
    assert!(text.contains("Relay access denied"), "{text}");
    client.expect("RCPT TO:<customer@client.test>", 250);
    client.expect("RSET", 250);

    // Too large: declared at MAIL FROM, or found out during DATA.
    let text = client.expect("MAIL FROM:<support@acme.test> SIZE=50000", 552);
    assert!(text.contains("5.3.4"), "{text}");
    // Postfix keeps the refused SIZE= (and refuses every MAIL FROM) until RSET.
    client.expect("MAIL FROM:<support@acme.test>", 552);
    client.expect("RSET", 250);
    let big = message("big@acme.test", &"0123456789abcdef\r\n".repeat(2000));
    let (code, text) = client.send("support@acme.test", &["customer@client.test"], &big);
    assert_eq!(code, 552, "{text}");
    let (code, text) = client.send(
        "support@acme.test",
        &["customer@client.test"],
        &message("small@acme.test", "fits"),
    );
    assert_eq!(code, 250, "{text}");
    client.expect("QUIT", 221);

    // No AUTH, no mail: not even for a test user.
    let mut client = connect(&smtp);
    client.expect("MAIL FROM:<customer@client.test>", 250);
    let text = client.expect("RCPT TO:<support@acme.test>", 554);
    assert!(text.contains("Access denied"), "{text}");
    client.expect("QUIT", 221);

    smtp.wait_delivered(
        &dc,
        "customer@client.test",
        "INBOX",
        "small@acme.test",
        DELIVERY,
    )
    .unwrap();
    assert_eq!(
        dc.message_ids("customer@client.test", "INBOX").unwrap(),
        vec![(1, "<small@acme.test>".to_string())]
    );
}

#[test]
fn other_domains_can_be_accepted_and_dropped() {
    let dc = dovecot();
    let smtp = Smtp::start_with(
        &dc,
        SmtpOptions {
            accept_other_domains: true,
            ..SmtpOptions::default()
        },
    )
    .unwrap();
    let mut client = session(&smtp, &dc, "support@acme.test");
    let (code, text) = client.send(
        "support@acme.test",
        &["someone@example.com", "customer@client.test"],
        &message("cc@acme.test", "with a copy elsewhere"),
    );
    assert_eq!(code, 250, "{text}");
    client.expect("RSET", 250);
    client.expect("MAIL FROM:<support@acme.test>", 250);
    client.expect("RCPT TO:<nobody@client.test>", 550);
    smtp.wait_delivered(
        &dc,
        "customer@client.test",
        "INBOX",
        "cc@acme.test",
        DELIVERY,
    )
    .unwrap();
    let deadline = Instant::now() + DELIVERY;
    while !smtp.queue_is_empty().unwrap() {
        assert!(Instant::now() < deadline, "{}", smtp.queue().unwrap());
        std::thread::sleep(Duration::from_millis(100));
    }
    // Nothing bounced: the sender got no mail back.
    assert!(dc.uids("support@acme.test", "INBOX").unwrap().is_empty());
}

#[test]
fn starttls_with_the_harness_ca() {
    let dc = dovecot();
    let smtp = Smtp::start(&dc).unwrap();
    let mut client = connect(&smtp);
    client.expect("STARTTLS", 220);
    assert!(client.io.buffer().is_empty());
    let tcp = client.io.into_inner();
    let name = ServerName::try_from("localhost").unwrap();
    let conn = ClientConnection::new(tls_config(dc.ca_cert()), name).unwrap();
    let mut client = Client {
        io: BufReader::new(StreamOwned::new(conn, tcp)),
    };
    let ehlo = client.expect("EHLO client.test", 250);
    assert!(ehlo.contains("AUTH PLAIN LOGIN"), "{ehlo}");
    assert!(!ehlo.contains("STARTTLS"), "{ehlo}");
    let (code, text) = client.auth(&dc, "customer@client.test");
    assert_eq!(code, 235, "{text}");
    let (code, text) = client.send(
        "customer@client.test",
        &["support@acme.test"],
        &message("tls@client.test", "over TLS"),
    );
    assert_eq!(code, 250, "{text}");
    client.expect("QUIT", 221);
    smtp.wait_delivered(
        &dc,
        "support@acme.test",
        "INBOX",
        "tls@client.test",
        DELIVERY,
    )
    .unwrap();
}

#[test]
fn xoauth2_when_the_dovecot_takes_it_even_after_the_dovecot_is_gone() {
    let dc = dovecot_with(true);
    let smtp = Smtp::start(&dc).unwrap();
    let token = dc.mint_token("support@acme.test", 300).unwrap();
    let other = dc.mint_token("billing@acme.test", 300).unwrap();
    let password = BASE64.encode(format!(
        "\0billing@acme.test\0{}",
        dc.password("billing@acme.test")
    ));
    let xoauth2 = |user: &str, token: &str| {
        let sasl = BASE64.encode(format!("user={user}\x01auth=Bearer {token}\x01\x01"));
        format!("AUTH XOAUTH2 {sasl}")
    };
    let mut client = connect(&smtp);
    let ehlo = client.expect("EHLO client.test", 250);
    assert!(ehlo.contains("XOAUTH2"), "{ehlo}");
    let (code, text) = client.cmd(&xoauth2("support@acme.test", &token));
    assert_eq!(code, 235, "{text}\n{}", smtp.log_tail());
    client.expect("QUIT", 221);

    // The auth-only dovecot has its own copies of users and key: the test dovecot can go.
    drop(dc);
    let mut client = connect(&smtp);
    // Someone else's token is refused (dovecot asks for the error report first).
    let (code, text) = client.cmd(&xoauth2("support@acme.test", &other));
    if code == 334 {
        assert_eq!(client.cmd("").0, 535);
    } else {
        assert_eq!(code, 535, "{text}");
    }
    let (code, text) = client.cmd(&xoauth2("support@acme.test", &token));
    assert_eq!(code, 235, "{text}\n{}", smtp.log_tail());
    client.expect("QUIT", 221);
    let mut client = connect(&smtp);
    assert_eq!(client.cmd(&format!("AUTH PLAIN {password}")).0, 235);
    client.expect("QUIT", 221);
}

#[test]
fn stop_and_start_again_on_the_same_port_and_deferred_mail() {
    let mut dc = dovecot();
    let mut smtp = Smtp::start(&dc).unwrap();
    let port = smtp.port();
    session(&smtp, &dc, "support@acme.test").expect("QUIT", 221);

    smtp.stop();
    smtp.stop();
    assert!(!smtp.is_running());
    assert!(TcpStream::connect(smtp.addr()).is_err());
    // The queue can still be read.
    assert!(smtp.queue_is_empty().unwrap());
    let started = Instant::now();
    smtp.start_again().unwrap();
    eprintln!("start_again took {:?}", started.elapsed());
    assert_eq!(smtp.port(), port);
    assert!(smtp.is_running());

    // SMTP does not need the dovecot: with it stopped, logins still work (a new connection
    // after the stop) and mail is accepted, then waits in the queue until it is back.
    dc.stop();
    let mut client = session(&smtp, &dc, "support@acme.test");
    let (code, text) = client.send(
        "support@acme.test",
        &["customer@client.test"],
        &message("deferred@acme.test", "held back"),
    );
    assert_eq!(code, 250, "{text}");
    client.expect("QUIT", 221);
    let deadline = Instant::now() + DELIVERY;
    while !smtp.queue().unwrap().contains("Connection refused") {
        assert!(Instant::now() < deadline, "{}", smtp.queue().unwrap());
        std::thread::sleep(Duration::from_millis(100));
    }
    // Taking postfix down and up again keeps the queued message.
    smtp.start_again().unwrap();
    assert!(!smtp.queue_is_empty().unwrap());
    dc.restart().unwrap();
    let back = Instant::now();
    smtp.wait_delivered(
        &dc,
        "customer@client.test",
        "INBOX",
        "deferred@acme.test",
        DELIVERY,
    )
    .unwrap();
    eprintln!("delivered {:?} after the dovecot came back", back.elapsed());

    // Dropping it leaves no process and no directory behind.
    let root = smtp.root().to_path_buf();
    drop(smtp);
    assert!(!root.exists());
    assert_eq!(processes_mentioning(&root), Vec::<String>::new());
}

/// Command lines of running processes that name this path (postfix's master, the auth-only
/// dovecot and the watchdog all do).
fn processes_mentioning(path: &Path) -> Vec<String> {
    let needle = path.to_str().unwrap();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(needle))
        .collect()
}

#[test]
fn instances_run_side_by_side() {
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(dovecot);
        let b = s.spawn(dovecot);
        (a.join().unwrap(), b.join().unwrap())
    });
    let (sa, sb) = std::thread::scope(|s| {
        let sa = s.spawn(|| Smtp::start(&a).unwrap());
        let sb = s.spawn(|| Smtp::start(&b).unwrap());
        (sa.join().unwrap(), sb.join().unwrap())
    });
    assert_ne!(sa.port(), sb.port());
    assert_ne!(sa.root(), sb.root());
    for (smtp, dc, id) in [(&sa, &a, "via-a@acme.test"), (&sb, &b, "via-b@acme.test")] {
        let mut client = session(smtp, dc, "billing@acme.test");
        let (code, text) = client.send(
            "billing@acme.test",
            &["customer@client.test"],
            &message(id, id),
        );
        assert_eq!(code, 250, "{text}");
        client.expect("QUIT", 221);
    }
    sa.wait_delivered(
        &a,
        "customer@client.test",
        "INBOX",
        "via-a@acme.test",
        DELIVERY,
    )
    .unwrap();
    sb.wait_delivered(
        &b,
        "customer@client.test",
        "INBOX",
        "via-b@acme.test",
        DELIVERY,
    )
    .unwrap();
    assert_eq!(
        a.message_ids("customer@client.test", "INBOX")
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        b.message_ids("customer@client.test", "INBOX")
            .unwrap()
            .len(),
        1
    );

    // Dropping one leaves the other serving.
    let (addr, root) = (sa.addr(), sa.root().to_path_buf());
    drop(sa);
    assert!(TcpStream::connect(addr).is_err());
    assert_eq!(processes_mentioning(&root), Vec::<String>::new());
    assert!(!processes_mentioning(sb.root()).is_empty());
    session(&sb, &b, "support@acme.test").expect("QUIT", 221);
}

#[test]
fn watchdogs_clean_up_when_the_test_process_dies() {
    // This test binary again, running only the helper below, killed once both servers run.
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "servers_for_the_watchdog_test", "--ignored"])
        .args(["--nocapture", "--test-threads=1"])
        .env("SIPHON_WATCHDOG_HELPER", "1")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let roots = loop {
        let line = lines.next().expect("the helper ended early").unwrap();
        // libtest prints "test <name> ... " and then, on the same line, what the test prints.
        if let Some((_, roots)) = line.split_once("ROOTS ") {
            break roots.split(' ').map(PathBuf::from).collect::<Vec<_>>();
        }
    };
    assert_eq!(roots.len(), 2);
    for root in &roots {
        assert!(root.exists() && !processes_mentioning(root).is_empty());
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let deadline = Instant::now() + Duration::from_secs(15);
    for root in &roots {
        while root.exists() || !processes_mentioning(root).is_empty() {
            assert!(
                Instant::now() < deadline,
                "{root:?}: {:?}",
                processes_mentioning(root)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Half of the watchdog test: starts a dovecot and an SMTP server, says where, and waits to be
/// killed.
#[test]
#[ignore = "run by watchdogs_clean_up_when_the_test_process_dies"]
fn servers_for_the_watchdog_test() {
    if std::env::var_os("SIPHON_WATCHDOG_HELPER").is_none() {
        return;
    }
    let dc = dovecot();
    let smtp = Smtp::start(&dc).unwrap();
    println!("ROOTS {} {}", dc.root().display(), smtp.root().display());
    std::thread::sleep(Duration::from_secs(120));
}
