//! XOAUTH2 (the login Gmail and Microsoft 365 need) against a real dovecot that validates the
//! bearer tokens itself: the token comes from `password_cmd`, an expired one is a clear auth error.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

#[test]
fn xoauth2_token_from_password_cmd_logs_in_and_an_expired_one_is_refused() {
    let d = Dovecot::start_with(Options {
        xoauth2: true,
        ..Options::default()
    })
    .expect("dovecot");
    seed(&d, "support", "INBOX", "oauth", 2);
    let token_file = d.root().join("token");
    std::fs::write(&token_file, d.mint_token("support", 3600).unwrap()).unwrap();
    let w = Workspace::new();
    let cmd = format!("cat {}", token_file.display());
    let out = w.add_at(
        "support",
        "support",
        d.imaps_port(),
        Some(d.ca_cert()),
        &cmd,
        &["--auth", "xoauth2"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(w.ok(&["sync"]).contains("support/INBOX: 2 new"));

    // The token expires: the next sync fails with an auth error naming the account.
    std::fs::write(&token_file, d.mint_token("support", -60).unwrap()).unwrap();
    let out = w.run(&["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("account \"support\": the server refused the login"),
        "{err}"
    );

    // XOAUTH2 without a command to print tokens is refused up front.
    let out = w.run(&[
        "account",
        "add",
        "other",
        "--email",
        "o@acme.example",
        "--imap-host",
        "127.0.0.1",
        "--auth",
        "xoauth2",
        "--password-stdin",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("XOAUTH2 needs --password-cmd"));
}
