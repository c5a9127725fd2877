//! The password a desktop user types is kept in the real Linux Secret Service (gnome-keyring on a
//! private D-Bus session), never in the config or the store.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

#[test]
fn password_lives_in_the_secret_service() {
    let d = Dovecot::start().expect("dovecot");
    seed(&d, "support", "INBOX", "k", 2);
    let w = Workspace::new();
    let home = tempfile::tempdir().unwrap();
    let port = d.imaps_port().to_string();
    let script = format!(
        r#"set -e
printf 'keyring-unlock' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
S="{siphon} --data-dir {dir}"
printf '%s\n' "$IMAP_PASSWORD" | $S account add support --email support@acme.example \
  --imap-host 127.0.0.1 --imap-port {port} --imap-user support --ca-cert {ca} --password-stdin
$S sync
echo "--- lookup"
secret-tool lookup service "Siphon IMAP ({dir})" username support || echo none
echo
$S account remove support
echo "--- after remove"
secret-tool lookup service "Siphon IMAP ({dir})" username support || echo none
"#,
        siphon = SIPHON,
        dir = w.path().display(),
        ca = d.ca_cert().display(),
    );
    let out = std::process::Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("IMAP_PASSWORD", d.password("support"))
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .expect("dbus-run-session (Debian package dbus)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("support/INBOX: 2 new"), "{stdout}");
    let config = std::fs::read_to_string(w.path().join("config.toml")).unwrap_or_default();
    assert!(!config.contains(&d.password("support")));
    let after: Vec<&str> = stdout.split("--- after remove").collect();
    let looked_up = after[0]
        .split("--- lookup")
        .nth(1)
        .and_then(|s| s.trim().lines().next());
    assert_eq!(looked_up, Some(d.password("support").as_str()), "{stdout}");
    assert_eq!(
        after[1].trim(),
        "none",
        "account remove deletes the keyring entry: {stdout}"
    );
    // No password ever reached the data dir.
    for entry in walk(w.path()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        let pw = d.password("support");
        assert!(
            !bytes.windows(pw.len()).any(|win| win == pw.as_bytes()),
            "password found in {}",
            entry.display()
        );
    }
}

#[test]
fn without_a_secret_service_the_error_says_what_to_do() {
    let w = Workspace::new();
    let out = w
        .cmd()
        .args([
            "account",
            "add",
            "support",
            "--email",
            "support@acme.example",
            "--imap-host",
            "127.0.0.1",
            "--password-stdin",
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"pw\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("keyring") && err.contains("--password-cmd"),
        "{err}"
    );
    // Nothing half-written: the account was not added.
    assert!(!w.ok(&["account", "list"]).contains("support"));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
