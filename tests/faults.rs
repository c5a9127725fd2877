//! Faults a person meets: a wrong password, a bad certificate, an unreachable host, a connection
//! cut mid-FETCH, a second process on the same data dir. Each gets a clear one-line error, and
//! nothing is lost.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use siphon_testkit::proxy::Proxy;

fn ok(o: std::process::Output) {
    assert!(o.status.success(), "{}", stderr(&o));
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn wrong_password_names_the_account_and_the_fix() {
    let d = Dovecot::start().expect("dovecot");
    let w = Workspace::new();
    ok(w.add_at(
        "support",
        "support",
        d.imaps_port(),
        Some(d.ca_cert()),
        "echo not-the-password",
        &[],
    ));
    let out = w.run(&["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("account \"support\": the server refused the login of \"support\""),
        "{err}"
    );
    assert!(
        err.contains("siphon account set support --password-stdin"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    // status shows it too.
    let s = w.status();
    let errors = s["accounts"][0]["folders"][0]["errors"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        errors[0].as_str().unwrap().contains("refused the login"),
        "{s}"
    );
    // Fixing the password fixes the sync and clears the error.
    let fix = format!("printf %s {}", d.password("support"));
    w.ok(&["account", "set", "support", "--password-cmd", &fix]);
    w.ok(&["sync"]);
    let s = w.status();
    assert!(
        s["accounts"][0]["folders"][0]["errors"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{s}"
    );
}

#[test]
fn untrusted_certificate_is_refused_with_advice() {
    let d = Dovecot::start().expect("dovecot");
    let w = Workspace::new();
    let pw = format!("printf %s {}", d.password("support"));
    // No --ca-cert: the test CA is not among the trusted roots.
    // No --ca-cert: the test CA is not among the trusted roots.
    ok(w.add_at("support", "support", d.imaps_port(), None, &pw, &[]));
    let out = w.run(&["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("account \"support\": the certificate of 127.0.0.1:"),
        "{err}"
    );
    assert!(err.contains("--ca-cert"), "{err}");
}

#[test]
fn starttls_works_and_plain_is_refused_beyond_loopback() {
    let d = Dovecot::start().expect("dovecot");
    seed(&d, "support", "INBOX", "st", 3);
    let w = Workspace::new();
    let pw = format!("printf %s {}", d.password("support"));
    ok(w.add_at(
        "support",
        "support",
        d.imap_port(),
        Some(d.ca_cert()),
        &pw,
        &["--imap-security", "starttls"],
    ));
    assert!(w.ok(&["sync"]).contains("support/INBOX: 3 new"));
    let out = w.run(&[
        "account",
        "add",
        "remote",
        "--email",
        "a@acme.example",
        "--imap-host",
        "imap.acme.example",
        "--imap-security",
        "plain",
        "--password-cmd",
        "true",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("only allowed to this machine"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unreachable_host_is_a_clear_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let w = Workspace::new();
    ok(w.add_at("support", "support", port, None, "echo x", &[]));
    let out = w.run(&["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "account \"support\": cannot reach 127.0.0.1:{port}"
        )),
        "{err}"
    );
}

#[test]
fn connection_cut_mid_fetch_loses_nothing_and_the_next_sync_completes() {
    let d = Dovecot::start().expect("dovecot");
    // About 2.5 MB in INBOX, so a cut at 600 kB lands in the middle of the body FETCH.
    for i in 0..500 {
        let body = format!(
            "Message {i}. {}",
            "Lorem ipsum dolor sit amet. ".repeat(150)
        );
        d.append(
            "support",
            "INBOX",
            &mail(&format!("cut-{i}@c.example"), "c@c.example", "cut", &body),
        )
        .unwrap();
    }
    let proxy = Proxy::start(d.imaps_addr()).expect("proxy");
    proxy.cut_after(600_000);
    let w = Workspace::new();
    let pw = format!("printf %s {}", d.password("support"));
    ok(w.add_at(
        "support",
        "support",
        proxy.port(),
        Some(d.ca_cert()),
        &pw,
        &["--folder", "INBOX"],
    ));
    let out = w.run(&["sync"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = stderr(&out);
    assert!(
        err.contains("account \"support\": the connection was lost"),
        "{err}"
    );
    let partial = w.counts()[0].1;
    assert!(
        partial > 0 && partial < 500,
        "what arrived before the cut is kept: {partial}"
    );

    proxy.no_cut();
    let out = w.ok(&["sync"]);
    let fetched: u64 = out
        .split(": ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(partial + fetched, 500, "resumed, not restarted: {out}");
    assert_eq!(w.counts()[0].1, 500);
}

#[test]
fn a_second_process_on_the_same_data_dir_is_told_who_owns_it() {
    let w = Workspace::new();
    let _app = siphon::store::Store::open(w.path(), "Siphon app").unwrap();
    let out = w.run(&["status"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("is in use by Siphon app (pid"), "{err}");
    assert!(!err.contains("panick"), "{err}");
}
