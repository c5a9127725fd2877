//! `siphon watch`: new mail arrives by IDLE push, a dropped connection is re-established, and
//! Ctrl-C stops it within a second.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use siphon_testkit::proxy::Proxy;

fn wait_for(rx: &mpsc::Receiver<String>, needle: &str, within: Duration) -> String {
    let deadline = Instant::now() + within;
    let mut seen = String::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => {
                seen.push_str(&line);
                seen.push('\n');
                if line.contains(needle) {
                    return line;
                }
            }
            Err(_) => break,
        }
    }
    panic!("no line containing {needle:?} within {within:?}; saw:\n{seen}");
}

#[test]
fn idle_push_reconnect_and_prompt_ctrl_c() {
    let d = Dovecot::start().expect("dovecot");
    seed(&d, "support", "INBOX", "w", 2);
    let proxy = Proxy::start(d.imaps_addr()).expect("proxy");
    let w = Workspace::new();
    let pw = format!("printf %s {}", d.password("support"));
    let out = w.add_at(
        "support",
        "support",
        proxy.port(),
        Some(d.ca_cert()),
        &pw,
        &[],
    );
    assert!(out.status.success());
    let mut child = w
        .cmd()
        .args(["watch", "--poll", "300"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    wait_for(&rx, "support/INBOX: 2 new", Duration::from_secs(20));

    // Give the watcher a moment to enter IDLE, then deliver: it must arrive without a poll.
    std::thread::sleep(Duration::from_millis(800));
    d.append(
        "support",
        "INBOX",
        &mail("pushed@c.example", "c@c.example", "pushed", "hi"),
    )
    .unwrap();
    wait_for(&rx, "support/INBOX: 1 new", Duration::from_secs(10));

    // Drop every connection: the watcher reports, backs off, reconnects and keeps going.
    proxy.cut_now();
    wait_for(&rx, "retrying", Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(1500));
    d.append(
        "support",
        "INBOX",
        &mail("after-drop@c.example", "c@c.example", "again", "hi"),
    )
    .unwrap();
    wait_for(&rx, "support/INBOX: 1 new", Duration::from_secs(20));

    // Ctrl-C: stops within a second.
    std::thread::sleep(Duration::from_millis(500));
    let t = Instant::now();
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    loop {
        if let Some(code) = child.try_wait().unwrap() {
            assert!(code.success(), "watch exited with {code}");
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "watch did not stop within a second of Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(w.counts()[0].1, 4);
}
