//! Shared set-up for the integration tests: a workspace, the real `siphon` binary, accounts that
//! point at a real dovecot on loopback.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[allow(unused_imports)]
pub use siphon_testkit::dovecot::{Dovecot, Options};

pub const SIPHON: &str = env!("CARGO_BIN_EXE_siphon");

/// A Siphon workspace: a throw-away one, or one at a given path.
pub struct Workspace {
    path: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

impl Workspace {
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("tempdir");
        Workspace {
            path: dir.path().to_path_buf(),
            _dir: Some(dir),
        }
    }

    /// A workspace in `path`, left in place afterwards.
    pub fn at(path: &Path) -> Workspace {
        Workspace {
            path: path.to_path_buf(),
            _dir: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(SIPHON);
        c.arg("--data-dir").arg(self.path());
        c.env_remove("SIPHON_DATA_DIR");
        c
    }

    /// Runs `siphon ARGS…`, returning the output whatever the exit status.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run siphon")
    }

    /// Runs `siphon ARGS…` and insists on success.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "siphon {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `siphon account add NAME` for login `user` at 127.0.0.1:`port` (implicit TLS unless `extra`
    /// says otherwise), trusting `ca` if given, the password printed by `password_cmd`.
    pub fn add_at(
        &self,
        name: &str,
        user: &str,
        port: u16,
        ca: Option<&Path>,
        password_cmd: &str,
        extra: &[&str],
    ) -> Output {
        let port = port.to_string();
        let email = format!("{user}@acme.example");
        let mut args = vec![
            "account",
            "add",
            name,
            "--email",
            &email,
            "--imap-host",
            "127.0.0.1",
            "--imap-port",
            &port,
            "--imap-user",
            user,
            "--password-cmd",
            password_cmd,
        ];
        let ca = ca.map(|c| c.to_string_lossy().into_owned());
        if let Some(ca) = &ca {
            args.extend(["--ca-cert", ca.as_str()]);
        }
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Adds `name` for dovecot user `user` over implicit TLS, password via password_cmd.
    pub fn add_account(&self, d: &Dovecot, name: &str, user: &str, extra: &[&str]) {
        let pw = format!("printf %s '{}'", d.password(user));
        let out = self.add_at(name, user, d.imaps_port(), Some(d.ca_cert()), &pw, extra);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn status(&self) -> serde_json::Value {
        serde_json::from_str(&self.ok(&["status", "--json"])).expect("status json")
    }

    /// Messages per "account/folder" from `status --json`.
    pub fn counts(&self) -> Vec<(String, u64)> {
        let s = self.status();
        let mut out = Vec::new();
        for a in s["accounts"].as_array().expect("accounts") {
            for f in a["folders"].as_array().expect("folders") {
                out.push((
                    format!(
                        "{}/{}",
                        a["name"].as_str().unwrap_or(""),
                        f["name"].as_str().unwrap_or("")
                    ),
                    f["messages"].as_u64().unwrap_or(0),
                ));
            }
        }
        out.sort();
        out
    }
}

/// A small, plain customer message.
pub fn mail(id: &str, from: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "Message-ID: <{id}>\r\nFrom: {from}\r\nTo: support@acme.example\r\nSubject: {subject}\r\n\
         Date: Mon, 16 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// Appends `n` numbered messages to user/folder.
pub fn seed(d: &Dovecot, user: &str, folder: &str, prefix: &str, n: usize) {
    for i in 0..n {
        let raw = mail(
            &format!("{prefix}-{i}@customer.example"),
            &format!("Customer {i} <c{i}@customer.example>"),
            &format!("{prefix} question {i}"),
            &format!("Hello, this is message {i} about {prefix}."),
        );
        d.append(user, folder, &raw).expect("append");
    }
}
