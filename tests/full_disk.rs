//! A full disk mid-sync: the sync stops with a clear error, and once there is room again the next
//! sync completes exactly — nothing lost, nothing duplicated, nothing corrupt. The data dir sits on
//! a small tmpfs (the tests run as root, as the README says).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use std::process::Command;

use common::*;

struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().unwrap().keep();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(
            ok,
            "cannot mount a tmpfs: this test needs root (see README)"
        );
        Tmpfs(dir)
    }

    fn resize(&self, size: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Incompressible filler, so the packs cannot squeeze the mail under the limit.
fn noise(seed: u64, len: usize) -> String {
    let mut x = seed | 1;
    let mut out = String::with_capacity(len + len / 76);
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for i in 0..len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push(ALPHABET[(x % 64) as usize] as char);
        if i % 76 == 75 {
            out.push_str("\r\n");
        }
    }
    out
}

#[test]
fn a_full_disk_stops_the_sync_cleanly_and_the_next_one_completes() {
    let d = Dovecot::start().expect("dovecot");
    let n = 300;
    let mut msgs = (0..n).map(|i| {
        let body = noise(i as u64 + 1, 12_000);
        mail(&format!("full-{i}@c.example"), "c@c.example", "log", &body)
    });
    assert_eq!(d.append_many("support", "INBOX", &mut msgs).unwrap(), n);
    let disk = Tmpfs::mount("2m");
    let data = disk.0.join("siphon");
    let w = Workspace::at(&data);
    let pw = format!("printf %s {}", d.password("support"));
    let added = w.add_at(
        "support",
        "support",
        d.imaps_port(),
        Some(d.ca_cert()),
        &pw,
        &["--folder", "INBOX"],
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );

    let out = w.run(&["sync"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a 3.6 MB mailbox cannot fit in 2 MB: {err}"
    );
    assert!(err.to_lowercase().contains("no space left"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    disk.resize("64m");
    let out = w.run(&["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = siphon::store::Store::open(&data, "test").unwrap();
    let mut ids = std::collections::HashSet::new();
    for m in store.messages() {
        let (hash, rec) = m.unwrap();
        assert_eq!(
            store.blob(&hash).unwrap().raw.len() as u32,
            rec.size,
            "{}",
            rec.message_id
        );
        assert!(
            ids.insert(rec.message_id.clone()),
            "duplicate {}",
            rec.message_id
        );
    }
    assert_eq!(ids.len(), n, "every message, once");
    let inbox = store.folder("support", "INBOX").unwrap().unwrap();
    assert_eq!(inbox.messages as usize, n);
}
