//! A real dovecot IMAP server on loopback, one per test.
//!
//! [`Dovecot::start`] writes a throw-away configuration into a fresh temporary directory (TLS
//! material made by the `openssl` CLI, a passwd-file with the test users, Maildir homes), starts
//! Debian's `dovecot` binary in the foreground as a child process in a process group of its own,
//! and returns once both listeners (implicit TLS and cleartext with STARTTLS) greet. Nothing
//! outside the temporary directory is touched: the system instance under `/etc/dovecot` and its
//! ports 143/993 play no part. Mail is seeded and inspected with `doveadm -c <this config>`,
//! which runs as root and drops to the `mail` user that owns every mailbox.
//!
//! With [`Options::xoauth2`] the server also takes SASL XOAUTH2 (what Gmail and Microsoft 365
//! use) next to the passwords: its oauth2 passdb validates bearer tokens locally, as JWTs
//! signed with HS256 by a key made for this instance, and [`Dovecot::mint_token`] issues them.
//! No identity provider and no network are involved.
//!
//! One more loopback listener, always on since it idles until used, serves
//! [`crate::smtp::Smtp`], a postfix that delivers into this server: LMTP
//! ([`Dovecot::lmtp_port`]), where mail for a user arrives in their INBOX, the recipient
//! address being the login.
//!
//! A small watchdog (`/bin/sh`, in a process group of its own) reads a pipe from the test
//! process; when that pipe closes without a proper [`Dovecot::stop`] (the test process was
//! killed, or a `Dovecot` lived in a `static` and was never dropped), it stops the server and
//! removes the temporary directory, so no dovecot outlives its tests.

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail, ensure};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD as BASE64, URL_SAFE_NO_PAD as BASE64URL};
use rustix::process::{Pid, Signal, kill_process_group};

pub(crate) const HOST: &str = "127.0.0.1";
/// How long a start (or restart) may take before it counts as failed.
pub(crate) const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a graceful stop may take before the whole process group is killed.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// The capabilities dovecot 2.3 advertises after login, without CONDSTORE and QRESYNC. With
/// `imap_capability` set, dovecot no longer appends LITERAL+, NOTIFY and SPECIAL-USE itself,
/// so they are listed here.
const CAPS_WITHOUT_CONDSTORE: &str = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT \
     SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL \
     CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 ESEARCH ESORT \
     SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW \
     STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE";

/// Stops the server when the test process goes away without stopping it: `$1` is the master's
/// pid (also its process group), `$2` the temporary directory.
const WATCHDOG_SCRIPT: &str = r#"trap '' INT HUP
read -r _ignored
kill -TERM -"$1" 2>/dev/null
i=0
while kill -0 "$1" 2>/dev/null && [ "$i" -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL -"$1" 2>/dev/null
rm -rf "$2"
"#;

/// The `iss` of minted tokens; dovecot's oauth2 passdb accepts no other issuer.
const OAUTH2_ISSUER: &str = "siphon-testkit";
/// The `kid` of minted tokens: with no `azp` claim dovecot looks the key up as
/// `default/<alg>/<kid>` in its key dictionary.
const OAUTH2_KEY_ID: &str = "siphon-test";

/// Tells apart the files of concurrent bulk loads (several instances may share a process).
static BATCH: AtomicU64 = AtomicU64::new(0);

/// What to start: the users that can log in, whether CONDSTORE/QRESYNC are advertised, and
/// whether XOAUTH2 is taken.
#[derive(Debug, Clone)]
pub struct Options {
    /// `(login, password)` pairs. Logins are limited to `[A-Za-z0-9._@+-]`.
    pub users: Vec<(String, String)>,
    /// `true`: CONDSTORE and QRESYNC are advertised (dovecot's default). `false`: they are left
    /// out of the capability list, like on a server that lacks them.
    pub condstore: bool,
    /// `true`: SASL XOAUTH2 is offered (`AUTH=XOAUTH2`) and takes the bearer tokens of
    /// [`Dovecot::mint_token`]; passwords keep working through PLAIN and LOGIN, and each
    /// mechanism is checked by its own passdb only (a password in the token field fails, and so
    /// does a token as a password). `false` (the default): passwords only.
    pub xoauth2: bool,
}

impl Default for Options {
    fn default() -> Self {
        let users = ["support", "billing", "customer"]
            .iter()
            .map(|u| (u.to_string(), format!("secret-{u}")))
            .collect();
        Options {
            users,
            condstore: true,
            xoauth2: false,
        }
    }
}

/// A running dovecot. Dropping it stops the server and removes its temporary directory.
pub struct Dovecot {
    root: PathBuf,
    conf: PathBuf,
    ca_cert: PathBuf,
    log: PathBuf,
    stderr_log: PathBuf,
    /// Sizes of the two logs when the current run started, to tell its messages apart.
    log_marks: (u64, u64),
    imap_port: u16,
    imaps_port: u16,
    lmtp_port: u16,
    condstore: bool,
    users: Vec<(String, String)>,
    /// The HS256 key that signs XOAUTH2 tokens; `None` when XOAUTH2 is off.
    oauth2_key: Option<Vec<u8>>,
    mail_uid: u32,
    mail_gid: u32,
    server: Option<Server>,
    /// Last field: removed after `Drop::drop` has stopped the server.
    _dir: tempfile::TempDir,
}

/// The processes of one run of the server.
struct Server {
    master: Child,
    /// Holds the write end of the watchdog's stdin; killed before that end is closed.
    watchdog: Option<Child>,
}

impl Dovecot {
    /// Starts a server with [`Options::default`].
    pub fn start() -> Result<Dovecot> {
        Self::start_with(Options::default())
    }

    /// Starts a server with these options and waits until both ports greet.
    pub fn start_with(opts: Options) -> Result<Dovecot> {
        for (login, password) in &opts.users {
            ensure!(valid_login(login), "unsupported login name {login:?}");
            ensure!(
                !password.contains([':', '\n', '\r']),
                "the password of {login} must not contain ':' or line breaks"
            );
        }
        ensure!(
            rustix::process::geteuid().is_root(),
            "the dovecot harness runs as root: dovecot switches to the `mail` user itself"
        );
        let (mail_uid, mail_gid) = mail_user()?;
        let dovecot_bin = find_program("dovecot", &["/usr/sbin/dovecot"])?;
        find_program("doveadm", &["/usr/bin/doveadm"])?;

        let dir = tempfile::Builder::new()
            .prefix("siphon-dovecot-")
            .tempdir_in(temp_base())
            .context("creating the temporary directory")?;
        let root = dir.path().to_path_buf();
        let root_str = root.to_str().unwrap_or_default();
        ensure!(
            !root_str.is_empty()
                && root_str
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c)),
            "temporary directory {} has characters a dovecot.conf can't hold",
            root.display()
        );
        // The mail processes run as `mail` and must traverse this directory.
        fs::set_permissions(&root, fs::Permissions::from_mode(0o755))?;
        for sub in ["run", "state", "tls"] {
            fs::create_dir(root.join(sub))?;
        }
        fs::set_permissions(root.join("tls"), fs::Permissions::from_mode(0o700))?;
        let home = root.join("home");
        fs::create_dir(&home)?;
        std::os::unix::fs::chown(&home, Some(mail_uid), Some(mail_gid))?;
        for (login, _) in &opts.users {
            let h = home.join(login);
            fs::create_dir(&h)?;
            fs::set_permissions(&h, fs::Permissions::from_mode(0o700))?;
            std::os::unix::fs::chown(&h, Some(mail_uid), Some(mail_gid))?;
        }
        let passwd: String = opts
            .users
            .iter()
            .map(|(u, p)| format!("{u}:{{PLAIN}}{p}\n"))
            .collect();
        fs::write(root.join("passwd"), passwd)?;
        // Read by the auth process, which runs as the `dovecot` user.
        fs::set_permissions(root.join("passwd"), fs::Permissions::from_mode(0o644))?;
        let ca_cert = make_certs(&root.join("tls"))?;
        let oauth2_key = if opts.xoauth2 {
            // The oauth2 passdb takes a valid token for anyone: a second passdb, consulted
            // only after a valid token, checks that the login is a user. Same users, no
            // passwords (the token was the credential).
            let users: String = opts
                .users
                .iter()
                .map(|(u, _)| format!("{u}:::::::nopassword\n"))
                .collect();
            fs::write(root.join("oauth2-users"), users)?;
            fs::set_permissions(root.join("oauth2-users"), fs::Permissions::from_mode(0o644))?;
            Some(write_oauth2_key(&root)?)
        } else {
            None
        };

        let mut dc = Dovecot {
            conf: root.join("dovecot.conf"),
            log: root.join("dovecot.log"),
            stderr_log: root.join("dovecot.stderr"),
            log_marks: (0, 0),
            root,
            ca_cert,
            imap_port: 0,
            imaps_port: 0,
            lmtp_port: 0,
            condstore: opts.condstore,
            users: opts.users,
            oauth2_key,
            mail_uid,
            mail_gid,
            server: None,
            _dir: dir,
        };

        // The ports are picked by binding port 0 and released before dovecot binds them, so
        // another process may take one in between: then try again with fresh ports.
        let mut last_err = None;
        for _ in 0..4 {
            [dc.imap_port, dc.imaps_port, dc.lmtp_port] = free_ports()?;
            dc.write_config()?;
            match dc.spawn(&dovecot_bin) {
                Ok(()) => return Ok(dc),
                Err(e) => {
                    dc.stop();
                    let in_use = dc.run_log().contains("Address already in use");
                    if !in_use {
                        return Err(e);
                    }
                    last_err = Some(e);
                }
            }
        }
        Err(last_err.unwrap_or_else(|| anyhow!("dovecot did not start")))
    }

    /// Always `127.0.0.1`.
    pub fn host(&self) -> &str {
        HOST
    }

    /// The implicit-TLS port (like 993).
    pub fn imaps_port(&self) -> u16 {
        self.imaps_port
    }

    /// The cleartext port that offers STARTTLS (like 143).
    pub fn imap_port(&self) -> u16 {
        self.imap_port
    }

    /// `127.0.0.1:imaps_port`, handy for [`crate::proxy::Proxy::start`].
    pub fn imaps_addr(&self) -> SocketAddr {
        SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, self.imaps_port))
    }

    /// `127.0.0.1:imap_port`.
    pub fn imap_addr(&self) -> SocketAddr {
        SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, self.imap_port))
    }

    /// The LMTP port: `RCPT TO:<login>` delivers into that user's INBOX.
    pub fn lmtp_port(&self) -> u16 {
        self.lmtp_port
    }

    /// The configured logins, in the order of [`Options::users`].
    pub fn users(&self) -> Vec<&str> {
        self.users.iter().map(|(u, _)| u.as_str()).collect()
    }

    /// PEM file of the CA made for this instance. The server certificate is signed by it and
    /// names `DNS:localhost` and `IP:127.0.0.1`.
    pub fn ca_cert(&self) -> &Path {
        &self.ca_cert
    }

    /// The temporary directory holding configuration, TLS files, logs and mail.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The server's private key and certificate (PEM), signed by [`Dovecot::ca_cert`].
    pub(crate) fn tls_key_and_cert(&self) -> (PathBuf, PathBuf) {
        let tls = self.root.join("tls");
        (tls.join("server.key"), tls.join("server.pem"))
    }

    /// The password of a configured user; empty for an unknown user.
    pub fn password(&self, user: &str) -> String {
        self.users
            .iter()
            .find(|(u, _)| u == user)
            .map(|(_, p)| p.clone())
            .unwrap_or_default()
    }

    /// A bearer token for SASL XOAUTH2 as `user`, valid for `valid_secs` seconds from now.
    ///
    /// It is a JWT the way identity providers issue them: header
    /// `{"alg":"HS256","typ":"JWT","kid":"siphon-test"}`, claims
    /// `{"iss":"siphon-testkit","sub":USER,"iat":NOW-30,"exp":NOW+valid_secs}`, each base64url
    /// without padding, signed with HMAC-SHA256 under this instance's key. The client sends it
    /// as `base64("user=" USER "\x01auth=Bearer " TOKEN "\x01\x01")`, and the server accepts it
    /// only with the same `user`. A negative `valid_secs` makes a token that expired that long
    /// ago, which the server refuses (`0` expires within the second).
    ///
    /// The login only has to be well-formed (see [`Options::users`]): a token for someone who
    /// is not a user is refused at login, not here. Fails when the server was started without
    /// [`Options::xoauth2`].
    pub fn mint_token(&self, user: &str, valid_secs: i64) -> Result<String> {
        let key = self
            .oauth2_key
            .as_deref()
            .ok_or_else(|| anyhow!("this dovecot was started without xoauth2"))?;
        ensure!(valid_login(user), "unsupported login name {user:?}");
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .context("the clock is before 1970")?
            .as_secs();
        let now = i64::try_from(now).context("the clock is out of range")?;
        let exp = now
            .checked_add(valid_secs)
            .context("valid_secs out of range")?;
        // Dated back a little: dovecot refuses a token "issued in future", and its clock (the
        // coarse `time()`) can still show the previous second when a fresh token arrives.
        // Never after `exp`, which dovecot would call conflicting times rather than expired.
        let iat = now.saturating_sub(30).min(exp);
        let header = format!(r#"{{"alg":"HS256","typ":"JWT","kid":"{OAUTH2_KEY_ID}"}}"#);
        let claims =
            format!(r#"{{"iss":"{OAUTH2_ISSUER}","sub":"{user}","iat":{iat},"exp":{exp}}}"#);
        let signed = format!("{}.{}", BASE64URL.encode(header), BASE64URL.encode(claims));
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
        let tag = ring::hmac::sign(&key, signed.as_bytes());
        Ok(format!("{signed}.{}", BASE64URL.encode(tag.as_ref())))
    }

    /// The server log so far (dovecot's log file, then what the master wrote to stderr).
    pub fn log_tail(&self) -> String {
        let mut out = tail_of(&self.log, 60);
        let err = tail_of(&self.stderr_log, 20);
        if !err.trim().is_empty() {
            out.push_str("--- stderr ---\n");
            out.push_str(&err);
        }
        out
    }

    /// Creates (and subscribes) a folder; `/` separates levels. Creating a folder that already
    /// exists, or INBOX, succeeds without doing anything.
    pub fn create_folder(&self, user: &str, folder: &str) -> Result<()> {
        self.check_user(user)?;
        if folder.eq_ignore_ascii_case("INBOX") {
            return Ok(());
        }
        let out = self.doveadm_output(&["mailbox", "create", "-s", "-u", user, folder], None)?;
        if out.status.success() || String::from_utf8_lossy(&out.stderr).contains("already exists") {
            return Ok(());
        }
        Err(command_error(
            &["mailbox", "create", "-s", "-u", user, folder],
            &out,
        ))
    }

    /// Delivers one message (no flags) with `doveadm save`. The folder must exist.
    pub fn append(&self, user: &str, folder: &str, raw: &[u8]) -> Result<()> {
        self.check_user(user)?;
        self.doveadm_with_input(&["save", "-u", user, "-m", folder], raw)
            .map(drop)
    }

    /// Bulk load: writes the messages straight into the folder's Maildir (owned by `mail`,
    /// unflagged, in `cur/` with `,S=` and `,W=` sizes in the names) and lets dovecot index
    /// them. They get ascending UIDs in iteration order, after any messages already there.
    /// Creates the folder when needed. Returns how many messages were added. The messages'
    /// INTERNALDATE is the time of the load (the files' mtime).
    ///
    /// Best loaded before clients watch the folder: an IMAP session that has it selected
    /// while the files move into `cur/` may pick up part of the batch early, and a directory
    /// scan racing the moves need not see a prefix of it, so the numbering could then differ
    /// from the iteration order.
    pub fn append_many(
        &self,
        user: &str,
        folder: &str,
        msgs: &mut dyn Iterator<Item = Vec<u8>>,
    ) -> Result<usize> {
        self.check_user(user)?;
        self.create_folder(user, folder)?;
        // Opening the mailbox syncs it (so mail already there keeps the lower UIDs) and
        // creates the Maildir directories.
        let before = self.status_field(user, folder, "messages")?;
        let dir = self.mailbox_path(user, folder, "mailbox")?;
        for sub in ["tmp", "cur", "new"] {
            ensure!(dir.join(sub).is_dir(), "{} is not a Maildir", dir.display());
        }

        // Dovecot numbers new files by the time in their name, then by the number after `M`,
        // then by name: one time for the batch and `M<index>` keeps the iteration order.
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let batch = BATCH.fetch_add(1, Ordering::Relaxed);
        let prefix = format!("{secs}.M{{}}P{}Q{batch}.siphon", std::process::id());
        // Everything is written to tmp/ first and then moved into cur/ in order, so dovecot
        // never sees a half-written message, and a failed load leaves nothing behind.
        let mut staged: Vec<(PathBuf, String)> = Vec::new();
        let written = self.stage(&dir.join("tmp"), &prefix, msgs, &mut staged);
        if let Err(e) = written {
            for (tmp, _) in &staged {
                let _ = fs::remove_file(tmp);
            }
            return Err(e);
        }
        let cur = dir.join("cur");
        for (tmp, name) in &staged {
            fs::rename(tmp, cur.join(name))
                .with_context(|| format!("moving {} into cur/", tmp.display()))?;
        }
        let count = staged.len();
        if count == 0 {
            return Ok(0);
        }
        self.doveadm(&["force-resync", "-u", user, mailbox_mask(folder)?])?;
        let after = self.status_field(user, folder, "messages")?;
        ensure!(
            after == before + count as u64,
            "after writing {count} messages into {} dovecot counts {after} messages, expected {}",
            dir.display(),
            before + count as u64
        );
        Ok(count)
    }

    /// Adds flags (space separated, e.g. `"\\Seen \\Flagged"`; keywords work too) to the
    /// messages of a UID set such as `"1:150"`.
    pub fn add_flags(&self, user: &str, folder: &str, uid_set: &str, flags: &str) -> Result<()> {
        self.check_user(user)?;
        self.doveadm(&[
            "flags", "add", "-u", user, flags, "mailbox", folder, "uid", uid_set,
        ])
        .map(drop)
    }

    /// Removes flags from the messages of a UID set.
    pub fn remove_flags(&self, user: &str, folder: &str, uid_set: &str, flags: &str) -> Result<()> {
        self.check_user(user)?;
        self.doveadm(&[
            "flags", "remove", "-u", user, flags, "mailbox", folder, "uid", uid_set,
        ])
        .map(drop)
    }

    /// Expunges the messages of a UID set.
    pub fn expunge(&self, user: &str, folder: &str, uid_set: &str) -> Result<()> {
        self.check_user(user)?;
        self.doveadm(&["expunge", "-u", user, "mailbox", folder, "uid", uid_set])
            .map(drop)
    }

    /// The UIDs in a folder, ascending.
    pub fn uids(&self, user: &str, folder: &str) -> Result<Vec<u32>> {
        Ok(self
            .fetch_field(user, folder, "uid")?
            .into_iter()
            .map(|(uid, _)| uid)
            .collect())
    }

    /// UID and flags of each message, ascending by UID, flags space separated as dovecot
    /// prints them (e.g. `"\\Flagged \\Seen"`, keywords included). `\Recent` is left out: it
    /// belongs to a session, not to the message.
    pub fn flags(&self, user: &str, folder: &str) -> Result<Vec<(u32, String)>> {
        Ok(self
            .fetch_field(user, folder, "flags")?
            .into_iter()
            .map(|(uid, flags)| {
                let kept: Vec<&str> = flags
                    .split_whitespace()
                    .filter(|f| !f.eq_ignore_ascii_case("\\Recent"))
                    .collect();
                (uid, kept.join(" "))
            })
            .collect())
    }

    /// UID and Message-ID header value (with its angle brackets; `""` when missing) of each
    /// message, ascending by UID.
    pub fn message_ids(&self, user: &str, folder: &str) -> Result<Vec<(u32, String)>> {
        self.fetch_field(user, folder, "hdr.message-id")
    }

    /// The folder's UIDVALIDITY.
    pub fn uidvalidity(&self, user: &str, folder: &str) -> Result<u32> {
        let v = self.status_field(user, folder, "uidvalidity")?;
        u32::try_from(v).context("UIDVALIDITY out of range")
    }

    /// Makes dovecot renumber the folder, as a server does after losing its UID database:
    /// the folder's `dovecot-uidlist` and index files are deleted and the folder resynced, so
    /// it gets a new UIDVALIDITY and its messages (all kept, flags too) new UIDs from 1 in
    /// Maildir order. Should the new value equal the old one, it is set to old + 1 with
    /// `doveadm mailbox update --uid-validity`. Returns the new UIDVALIDITY.
    ///
    /// A client that has the folder selected meanwhile is disconnected by dovecot on its next
    /// sync, the way a real server reacts.
    pub fn reset_uidvalidity(&self, user: &str, folder: &str) -> Result<u32> {
        let old = self.uidvalidity(user, folder)?;
        let control_dir = self.mailbox_path(user, folder, "control")?;
        let index_dir = self.mailbox_path(user, folder, "index")?;
        remove_if_exists(&control_dir.join("dovecot-uidlist"))?;
        for entry in fs::read_dir(&index_dir)? {
            let entry = entry?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with("dovecot.index") {
                remove_if_exists(&entry.path())?;
            }
        }
        self.doveadm(&["force-resync", "-u", user, mailbox_mask(folder)?])?;
        let mut new = self.uidvalidity(user, folder)?;
        if new == old {
            let wanted = old.checked_add(1).unwrap_or(1).to_string();
            self.doveadm(&[
                "mailbox",
                "update",
                "-u",
                user,
                "--uid-validity",
                &wanted,
                folder,
            ])?;
            new = self.uidvalidity(user, folder)?;
        }
        ensure!(
            new != old,
            "UIDVALIDITY of {user}/{folder} stayed {old} after the reset"
        );
        Ok(new)
    }

    /// Runs `doveadm -c <this instance's config> ARGS...` and returns its stdout; the error
    /// carries its stderr.
    pub fn doveadm(&self, args: &[&str]) -> Result<String> {
        let out = self.doveadm_output(args, None)?;
        if !out.status.success() {
            return Err(command_error(args, &out));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Total size in bytes of the user's message files (every folder's `cur/` and `new/`).
    pub fn maildir_bytes(&self, user: &str) -> Result<u64> {
        self.check_user(user)?;
        let maildir = self.root.join("home").join(user).join("Maildir");
        if !maildir.exists() {
            return Ok(0);
        }
        let mut folders = vec![maildir.clone()];
        for entry in fs::read_dir(&maildir)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with('.') && entry.path().is_dir() {
                folders.push(entry.path());
            }
        }
        let mut total = 0;
        for folder in folders {
            for sub in ["cur", "new"] {
                let d = folder.join(sub);
                if !d.is_dir() {
                    continue;
                }
                for entry in fs::read_dir(&d)? {
                    let meta = entry?.metadata()?;
                    if meta.is_file() {
                        total += meta.len();
                    }
                }
            }
        }
        Ok(total)
    }

    /// Stops the server: SIGTERM to every dovecot process (connections close, some clients
    /// get "* BYE Server shutting down." first), then SIGKILL to whatever is left after a few
    /// seconds. Idempotent.
    pub fn stop(&mut self) {
        let Some(mut server) = self.server.take() else {
            return;
        };
        if let Some(mut watchdog) = server.watchdog.take() {
            // Kill it before its stdin closes, or it would take the close for our death.
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
        stop_process_group(&mut server.master);
    }

    /// Stops the server and starts it again on the same ports with the same data.
    pub fn restart(&mut self) -> Result<()> {
        self.stop();
        let dovecot_bin = find_program("dovecot", &["/usr/sbin/dovecot"])?;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.spawn(&dovecot_bin) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    self.stop();
                    let in_use = self.run_log().contains("Address already in use");
                    if !in_use || Instant::now() > deadline {
                        return Err(e.context("restarting dovecot"));
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
        }
    }

    /// Writes each message to `tmp_dir` (owned by the mail user), named after `prefix` with
    /// `{}` replaced by its index, and records `(tmp path, final name)` in `staged`.
    fn stage(
        &self,
        tmp_dir: &Path,
        prefix: &str,
        msgs: &mut dyn Iterator<Item = Vec<u8>>,
        staged: &mut Vec<(PathBuf, String)>,
    ) -> Result<()> {
        for (i, raw) in msgs.enumerate() {
            let base = prefix.replacen("{}", &i.to_string(), 1);
            let tmp = tmp_dir.join(&base);
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)
                .with_context(|| format!("creating {}", tmp.display()))?;
            let size = raw.len();
            let vsize = size + bare_line_feeds(&raw);
            staged.push((tmp.clone(), format!("{base},S={size},W={vsize}:2,")));
            file.write_all(&raw)
                .with_context(|| format!("writing {}", tmp.display()))?;
            std::os::unix::fs::fchown(&file, Some(self.mail_uid), Some(self.mail_gid))
                .with_context(|| format!("chown of {}", tmp.display()))?;
        }
        Ok(())
    }

    /// What both logs got since the current (or last) run started.
    fn run_log(&self) -> String {
        let log = read_from(&self.log, self.log_marks.0);
        let stderr = read_from(&self.stderr_log, self.log_marks.1);
        let mut out = last_lines(&log, 40);
        if !stderr.trim().is_empty() {
            out.push_str("--- stderr ---\n");
            out.push_str(&last_lines(&stderr, 20));
        }
        out
    }

    fn check_user(&self, user: &str) -> Result<()> {
        ensure!(
            self.users.iter().any(|(u, _)| u == user),
            "{user:?} is not a user of this dovecot"
        );
        Ok(())
    }

    /// The authentication part of the configuration: mechanisms, passdbs and the userdb. The
    /// passdbs read their files (passwd-files, oauth2 settings and key) in `files`, where the
    /// oauth2 settings are written when XOAUTH2 is on.
    fn auth_config(&self, files: &Path) -> Result<String> {
        let r = self.root.display();
        let f = files.display();
        let passdbs = if self.oauth2_key.is_some() {
            // Local validation of JWTs: the key is looked up in the dictionary as
            // `<azp or "default">/<alg>/<kid or "default">`; `sub` must equal the login.
            let oauth2_conf = files.join("dovecot-oauth2.conf.ext");
            fs::write(
                &oauth2_conf,
                format!(
                    "introspection_mode = local\n\
                     local_validation_key_dict = fs:posix:prefix={f}/oauth2-keys/\n\
                     issuers = {OAUTH2_ISSUER}\n\
                     username_attribute = sub\n\
                     username_format = %u\n"
                ),
            )
            .context("writing dovecot-oauth2.conf.ext")?;
            // Read by the auth process, which runs as the `dovecot` user.
            fs::set_permissions(&oauth2_conf, fs::Permissions::from_mode(0o644))?;
            format!(
                r#"auth_mechanisms = plain login xoauth2
auth_verbose = yes
# Each mechanism has passdbs of its own: a password never counts as a token, nor a token as
# a password.
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {f}/passwd
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {conf}
  result_success = continue-ok
}}
# Only after a valid token (skip = unauthenticated): is the login a user?
passdb {{
  driver = passwd-file
  mechanisms = xoauth2
  args = username_format=%u {f}/oauth2-users
  skip = unauthenticated
  result_failure = return-fail
}}"#,
                conf = oauth2_conf.display()
            )
        } else {
            format!(
                r#"auth_mechanisms = plain login
auth_verbose = yes
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {f}/passwd
}}"#
            )
        };
        // A static userdb checks that a user exists through the passdbs; the oauth2 passdb cannot
        // answer such a lookup, so with XOAUTH2 on, doveadm (`append` …) would find no user.
        // Logins stay guarded by the passdbs either way.
        let all_users = if self.oauth2_key.is_some() {
            " allow_all_users=yes"
        } else {
            ""
        };
        Ok(format!(
            r#"{passdbs}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={r}/home/%u{all_users}
}}"#,
            uid = self.mail_uid,
            gid = self.mail_gid,
        ))
    }

    /// A configuration for a second dovecot, in `dir` and named `instance`, that serves only
    /// this one's authentication (same users, passwords and tokens) on `127.0.0.1:port`, for
    /// SASL clients such as [`crate::smtp::Smtp`]'s postfix. Being a process of its own, with
    /// copies of the passdb files in `dir`, it keeps checking logins while this server is
    /// stopped or after it is gone.
    pub(crate) fn auth_only_config(&self, dir: &Path, instance: &str, port: u16) -> Result<String> {
        let mut files = vec!["passwd"];
        if let Some(key) = &self.oauth2_key {
            files.push("oauth2-users");
            store_oauth2_key(dir, key)?;
        }
        for name in files {
            // Keeps the mode: readable by the auth process, which runs as `dovecot`.
            fs::copy(self.root.join(name), dir.join(name))
                .with_context(|| format!("copying {name}"))?;
        }
        let d = dir.display();
        let auth = self.auth_config(dir)?;
        Ok(format!(
            r#"# Written by siphon-testkit: the authentication of the test dovecot in
# {root}, alone.
base_dir = {d}/run
state_dir = {d}/state
instance_name = {instance}
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
protocols = none
listen = {HOST}
ssl = no
disable_plaintext_auth = no
# Refusals at once: tests of wrong passwords need not wait two seconds each, nor the growing
# penalty (up to 15 s) of an address that failed before, which anvil would track for 127.0.0.1
# (auth can't connect to a listener of mode 0, so it applies no penalty).
auth_failure_delay = 0
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
{auth}
service auth {{
  inet_listener sasl {{
    address = {HOST}
    port = {port}
  }}
}}
"#,
            root = self.root.display()
        ))
    }

    fn write_config(&self) -> Result<()> {
        let r = self.root.display();
        let instance = self
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "siphon-dovecot".into());
        let capability = if self.condstore {
            String::new()
        } else {
            format!("imap_capability = {CAPS_WITHOUT_CONDSTORE}\n")
        };
        let auth = self.auth_config(&self.root)?;
        let conf = format!(
            r#"# Written by siphon-testkit for one test run; removed with this directory.
base_dir = {r}/run
state_dir = {r}/state
instance_name = {instance}
log_path = {r}/dovecot.log
info_log_path = {r}/dovecot.log
protocols = imap lmtp
listen = {HOST}
shutdown_clients = yes
login_greeting = Siphon test dovecot {instance} ready.

ssl = yes
ssl_cert = <{r}/tls/server.pem
ssl_key = <{r}/tls/server.key

disable_plaintext_auth = no
{auth}
first_valid_uid = {uid}
first_valid_gid = {gid}

mail_location = maildir:~/Maildir
mail_fsync = never
mail_max_userip_connections = 1000
imap_idle_notify_interval = 1 secs
mailbox_idle_check_interval = 1 secs
{capability}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \Sent
    auto = subscribe
  }}
  mailbox Drafts {{
    special_use = \Drafts
    auto = subscribe
  }}
  mailbox Trash {{
    special_use = \Trash
    auto = subscribe
  }}
  mailbox Archive {{
    special_use = \Archive
    auto = subscribe
  }}
}}

service imap-login {{
  # One long-lived login process serves every connection: quick, and no cap of 100 logins.
  service_count = 0
  inet_listener imap {{
    address = {HOST}
    port = {imap}
  }}
  inet_listener imaps {{
    address = {HOST}
    port = {imaps}
    ssl = yes
  }}
}}

# Mail from crate::smtp's postfix: the recipient address is the login as it stands, `+` and
# all, and everything goes to the INBOX.
protocol lmtp {{
  recipient_delimiter =
  lmtp_save_to_detail_mailbox = no
  postmaster_address = postmaster@siphon.test
}}
service lmtp {{
  inet_listener lmtp {{
    address = {HOST}
    port = {lmtp}
  }}
}}
"#,
            uid = self.mail_uid,
            gid = self.mail_gid,
            imap = self.imap_port,
            imaps = self.imaps_port,
            lmtp = self.lmtp_port,
        );
        fs::write(&self.conf, conf).context("writing dovecot.conf")
    }

    /// Starts the master (and its watchdog) and waits until it serves both ports.
    fn spawn(&mut self, dovecot_bin: &Path) -> Result<()> {
        // Left behind when the master was killed; dovecot would refuse to start if the pid
        // in it happened to be alive.
        remove_if_exists(&self.root.join("run").join("master.pid"))?;
        let size = |p: &Path| fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        self.log_marks = (size(&self.log), size(&self.stderr_log));
        let stderr = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.stderr_log)?;
        let master = Command::new(dovecot_bin)
            .arg("-F")
            .arg("-c")
            .arg(&self.conf)
            .stdin(Stdio::null())
            .stdout(stderr.try_clone()?)
            .stderr(stderr)
            .process_group(0)
            .spawn()
            .with_context(|| format!("running {}", dovecot_bin.display()))?;
        let pid = master.id();
        self.server = Some(Server {
            master,
            watchdog: None,
        });
        let watchdog = spawn_watchdog("siphon-dovecot-watchdog", pid, &self.root)?;
        if let Some(server) = self.server.as_mut() {
            server.watchdog = Some(watchdog);
        }
        self.wait_ready()
    }

    fn wait_ready(&mut self) -> Result<()> {
        let instance = self
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let greeting = format!("Siphon test dovecot {instance} ready.");
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let exited: Option<ExitStatus> = match self.server.as_mut() {
                Some(s) => s.master.try_wait()?,
                None => bail!("dovecot is not running"),
            };
            if let Some(status) = exited {
                bail!(
                    "dovecot exited during start-up ({status}); log:\n{}",
                    self.run_log()
                );
            }
            if greets(self.imap_addr(), &greeting)
                && TcpStream::connect_timeout(&self.imaps_addr(), Duration::from_secs(1)).is_ok()
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "dovecot did not greet on {}:{} within {:?}; log:\n{}",
                    HOST,
                    self.imap_port,
                    START_TIMEOUT,
                    self.run_log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn doveadm_output(&self, args: &[&str], input: Option<&[u8]>) -> Result<Output> {
        let bin = find_program("doveadm", &["/usr/bin/doveadm"])?;
        let mut cmd = Command::new(bin);
        cmd.arg("-c").arg(&self.conf).args(args);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = cmd
            .spawn()
            .with_context(|| format!("running doveadm {}", args.join(" ")))?;
        let stdin = child.stdin.take();
        std::thread::scope(|scope| {
            let writer = scope.spawn(move || -> std::io::Result<()> {
                if let (Some(mut stdin), Some(data)) = (stdin, input) {
                    stdin.write_all(data)?;
                }
                Ok(())
            });
            let out = child.wait_with_output();
            let written = writer
                .join()
                .map_err(|_| anyhow!("the doveadm stdin writer panicked"))?;
            let out = out.with_context(|| format!("waiting for doveadm {}", args.join(" ")))?;
            if out.status.success() {
                written.with_context(|| format!("feeding doveadm {}", args.join(" ")))?;
            }
            Ok(out)
        })
    }

    fn doveadm_with_input(&self, args: &[&str], input: &[u8]) -> Result<String> {
        let out = self.doveadm_output(args, Some(input))?;
        if !out.status.success() {
            return Err(command_error(args, &out));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// One field of `doveadm fetch` for every message: `(uid, value)`, ascending by UID.
    fn fetch_field(&self, user: &str, folder: &str, field: &str) -> Result<Vec<(u32, String)>> {
        self.check_user(user)?;
        let fields = if field == "uid" {
            "uid".to_string()
        } else {
            format!("uid {field}")
        };
        let out = self.doveadm(&[
            "-f", "tab", "fetch", "-u", user, &fields, "mailbox", folder, "all",
        ])?;
        let mut rows: Vec<(u32, String)> = Vec::new();
        for (n, line) in out.lines().enumerate() {
            if n == 0 && line.starts_with("uid") {
                continue;
            }
            let (first, rest) = match line.split_once('\t') {
                Some((a, b)) => (a, b),
                None => (line, ""),
            };
            match first.trim().parse::<u32>() {
                Ok(uid) => rows.push((uid, rest.trim().to_string())),
                // A value that spans lines (a folded header): join it to its row.
                Err(_) => match rows.last_mut() {
                    Some((_, value)) if !line.trim().is_empty() => {
                        value.push(' ');
                        value.push_str(line.trim());
                    }
                    Some(_) => {}
                    None => bail!("unexpected doveadm fetch output: {out:?}"),
                },
            }
        }
        rows.sort_by_key(|(uid, _)| *uid);
        Ok(rows)
    }

    fn status_field(&self, user: &str, folder: &str, field: &str) -> Result<u64> {
        self.check_user(user)?;
        let mask = mailbox_mask(folder)?;
        let out = self.doveadm(&["-f", "tab", "mailbox", "status", "-u", user, field, mask])?;
        // A header line, then one row for the mailbox: `mailbox<TAB>value` (column order
        // as dovecot chooses, so look the field up by name).
        let mut lines = out.lines();
        let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
        let row: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
        let value = header
            .iter()
            .position(|h| h.trim() == field)
            .and_then(|i| row.get(i))
            .ok_or_else(|| anyhow!("no {field} for {user}/{folder} in {out:?}"))?;
        value
            .trim()
            .parse()
            .with_context(|| format!("parsing {field} of {user}/{folder} from {out:?}"))
    }

    fn mailbox_path(&self, user: &str, folder: &str, kind: &str) -> Result<PathBuf> {
        let out = self.doveadm(&["mailbox", "path", "-u", user, "-t", kind, folder])?;
        let path = out.trim();
        ensure!(!path.is_empty(), "doveadm gave no {kind} path for {folder}");
        Ok(PathBuf::from(path))
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Stops a server that leads a process group of its own: SIGTERM to the whole group, SIGKILL to
/// whatever is left after [`STOP_GRACE`], then reaps the leader.
pub(crate) fn stop_process_group(master: &mut Child) {
    let pid = Pid::from_child(master);
    if pid.as_raw_nonzero().get() > 1 {
        // The whole group at once: a SIGTERM to the master alone takes it a second or
        // more to shut down, and its children outlive it meanwhile.
        if kill_process_group(pid, Signal::TERM).is_ok() {
            let deadline = Instant::now() + STOP_GRACE;
            let mut polls = 0u32;
            while Instant::now() < deadline && group_alive(pid) {
                std::thread::sleep(Duration::from_millis(10));
                polls += 1;
                if polls.is_multiple_of(20) {
                    // A child forked just after the first signal never got it.
                    let _ = kill_process_group(pid, Signal::TERM);
                }
            }
        }
        // The master is not reaped yet, so its process group id can't have been reused.
        let _ = kill_process_group(pid, Signal::KILL);
    }
    let _ = master.wait();
}

/// Starts the watchdog of a server whose master (and process group) is `pid`. When the
/// watchdog's stdin closes before it is killed (the returned child was dropped, or the test
/// process died), it kills that group and removes `root`.
pub(crate) fn spawn_watchdog(name: &str, pid: u32, root: &Path) -> Result<Child> {
    Command::new("/bin/sh")
        .arg("-c")
        .arg(WATCHDOG_SCRIPT)
        .arg(name)
        .arg(pid.to_string())
        .arg(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .context("starting the watchdog shell")
}

/// `mailbox status` and `force-resync` take a mask, where `*` and `%` are wildcards.
fn mailbox_mask(folder: &str) -> Result<&str> {
    ensure!(
        !folder.contains(['*', '%']),
        "folder names with `*` or `%` are not supported: {folder:?}"
    );
    Ok(folder)
}

/// Uid and gid of the `mail` user, which dovecot runs mail processes as.
fn mail_user() -> Result<(u32, u32)> {
    system_user("mail")
}

/// Uid and primary gid of a system user, from `/etc/passwd`.
pub(crate) fn system_user(name: &str) -> Result<(u32, u32)> {
    let passwd = fs::read_to_string("/etc/passwd").context("reading /etc/passwd")?;
    for line in passwd.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.len() > 3 && fields[0] == name {
            let uid = fields[2]
                .parse()
                .with_context(|| format!("uid of {name}"))?;
            let gid = fields[3]
                .parse()
                .with_context(|| format!("gid of {name}"))?;
            return Ok((uid, gid));
        }
    }
    bail!("there is no `{name}` user in /etc/passwd")
}

/// The gid of a system group, from `/etc/group`.
pub(crate) fn system_group(name: &str) -> Result<u32> {
    let groups = fs::read_to_string("/etc/group").context("reading /etc/group")?;
    for line in groups.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.len() > 2 && fields[0] == name {
            return fields[2].parse().with_context(|| format!("gid of {name}"));
        }
    }
    bail!("there is no `{name}` group in /etc/group")
}

pub(crate) fn find_program(name: &str, known: &[&str]) -> Result<PathBuf> {
    for k in known {
        if Path::new(k).is_file() {
            return Ok(PathBuf::from(k));
        }
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let p = dir.join(name);
            if p.is_file() {
                return Ok(p);
            }
        }
    }
    bail!("`{name}` is not installed (scripts/setup installs it)")
}

/// Logins are limited to `[A-Za-z0-9._@+-]`: safe in the passwd-file, in command lines and in
/// the JSON of a token.
fn valid_login(login: &str) -> bool {
    !login.is_empty()
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._@+-".contains(c))
}

/// Makes the HS256 key that signs XOAUTH2 tokens and stores it, base64 encoded, where the
/// oauth2 passdb's key dictionary (`fs:posix:prefix=<root>/oauth2-keys/`) looks for the key of
/// a token without `azp`: `default/HS256/<kid>`. Returns the key.
fn write_oauth2_key(root: &Path) -> Result<Vec<u8>> {
    let mut key = vec![0u8; 32];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut key)
        .map_err(|_| anyhow!("no random bytes for the oauth2 key"))?;
    store_oauth2_key(root, &key)?;
    Ok(key)
}

/// Stores the key where [`write_oauth2_key`] does, under `root`.
fn store_oauth2_key(root: &Path, key: &[u8]) -> Result<()> {
    let keys = root.join("oauth2-keys");
    let dir = keys.join("default").join("HS256");
    fs::create_dir_all(&dir).context("creating the oauth2 key directory")?;
    // Read by the auth process, which runs as the `dovecot` user (like the passwd-file, this
    // is a throw-away secret of one test run).
    for d in [&keys, &keys.join("default"), &dir] {
        fs::set_permissions(d, fs::Permissions::from_mode(0o755))?;
    }
    let file = dir.join(OAUTH2_KEY_ID);
    // No line break: the whole file is the value.
    fs::write(&file, BASE64.encode(key)).context("writing the oauth2 key")?;
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644))?;
    Ok(())
}

/// `/tmp` keeps socket paths short and needs no chmod of parent directories.
pub(crate) fn temp_base() -> PathBuf {
    let tmp = Path::new("/tmp");
    if tmp.is_dir() {
        tmp.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

/// `N` different loopback ports that were free a moment ago (all held open until the last is
/// picked, so they differ).
pub(crate) fn free_ports<const N: usize>() -> Result<[u16; N]> {
    let mut held = Vec::with_capacity(N);
    let mut ports = [0; N];
    for port in &mut ports {
        let listener = TcpListener::bind((HOST, 0)).context("binding a free port")?;
        *port = listener.local_addr()?.port();
        held.push(listener);
    }
    Ok(ports)
}

/// Whether the cleartext port answers with this instance's greeting. Dovecot sends
/// "Waiting for authentication process" lines first while its auth process starts.
fn greets(addr: SocketAddr, greeting: &str) -> bool {
    let Ok(stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    if stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .is_err()
    {
        return false;
    }
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    for _ in 0..20 {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return false,
            Ok(_) if line.contains(greeting) => {
                let _ = (&stream).write_all(b"x LOGOUT\r\n");
                return true;
            }
            Ok(_) => {}
        }
    }
    false
}

/// Whether any process of this process group is still running (zombies don't count).
fn group_alive(pgid: Pid) -> bool {
    let pgid = pgid.as_raw_nonzero().get();
    let Ok(entries) = fs::read_dir("/proc") else {
        // No /proc: only the master can be checked.
        return !matches!(proc_stat(pgid), None | Some(('Z', _)));
    };
    entries.flatten().any(|entry| {
        entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
            .and_then(proc_stat)
            .is_some_and(|(state, pgrp)| pgrp == pgid && state != 'Z')
    })
}

/// State letter and process group of a process, from `/proc/PID/stat`.
fn proc_stat(pid: i32) -> Option<(char, i32)> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    let mut fields = after.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let _ppid = fields.next()?;
    let pgrp = fields.next()?.parse().ok()?;
    Some((state, pgrp))
}

/// Makes a CA and a server certificate for `localhost` / `127.0.0.1` signed by it, with
/// P-256 keys (quick to generate). Returns the CA's PEM path.
fn make_certs(dir: &Path) -> Result<PathBuf> {
    let openssl = find_program("openssl", &["/usr/bin/openssl"])?;
    let ca_key = dir.join("ca.key");
    let ca_pem = dir.join("ca.pem");
    let key = dir.join("server.key");
    let csr = dir.join("server.csr");
    let pem = dir.join("server.pem");
    let ext = dir.join("server.ext");
    let serial = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(1)
        % 1_000_000_000_000
        + 2;
    run(Command::new(&openssl)
        .args(["req", "-x509", "-newkey", "ec"])
        .args(["-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"])
        .arg("-keyout")
        .arg(&ca_key)
        .arg("-out")
        .arg(&ca_pem)
        .args(["-days", "3650", "-subj", "/CN=Siphon test CA"])
        .args(["-addext", "basicConstraints=critical,CA:TRUE"])
        .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]))?;
    run(Command::new(&openssl)
        .args(["req", "-new", "-newkey", "ec"])
        .args(["-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&csr)
        .args(["-subj", "/CN=localhost"]))?;
    fs::write(
        &ext,
        "subjectAltName = DNS:localhost, IP:127.0.0.1\n\
         basicConstraints = critical, CA:FALSE\n\
         keyUsage = critical, digitalSignature\n\
         extendedKeyUsage = serverAuth\n\
         subjectKeyIdentifier = hash\n\
         authorityKeyIdentifier = keyid, issuer\n",
    )?;
    run(Command::new(&openssl)
        .args(["x509", "-req", "-in"])
        .arg(&csr)
        .arg("-CA")
        .arg(&ca_pem)
        .arg("-CAkey")
        .arg(&ca_key)
        .args(["-set_serial", &serial.to_string(), "-days", "825"])
        .arg("-extfile")
        .arg(&ext)
        .arg("-out")
        .arg(&pem))?;
    // Anyone may read the CA certificate; the keys stay root's.
    fs::set_permissions(&ca_pem, fs::Permissions::from_mode(0o644))?;
    Ok(ca_pem)
}

fn run(cmd: &mut Command) -> Result<Output> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {cmd:?}"))?;
    ensure!(
        out.status.success(),
        "{cmd:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(out)
}

fn command_error(args: &[&str], out: &Output) -> anyhow::Error {
    anyhow!(
        "doveadm {} failed ({}): {}{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr).trim(),
        String::from_utf8_lossy(&out.stdout).trim()
    )
}

pub(crate) fn remove_if_exists(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("removing {}", path.display())),
    }
}

/// A file's text from byte `offset` on (empty when missing).
pub(crate) fn read_from(path: &Path, offset: u64) -> String {
    let Ok(mut file) = File::open(path) else {
        return String::new();
    };
    let mut bytes = Vec::new();
    if file.read_to_end(&mut bytes).is_err() {
        return String::new();
    }
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    String::from_utf8_lossy(&bytes[start..]).into_owned()
}

/// The last `lines` lines of a file, or a note that it can't be read.
fn tail_of(path: &Path, lines: usize) -> String {
    let Ok(mut file) = File::open(path) else {
        return String::new();
    };
    let mut bytes = Vec::new();
    if file.read_to_end(&mut bytes).is_err() {
        return format!("({} unreadable)\n", path.display());
    }
    last_lines(&String::from_utf8_lossy(&bytes), lines)
}

pub(crate) fn last_lines(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let start = all.len().saturating_sub(lines);
    let mut out = all[start..].join("\n");
    out.push('\n');
    out
}

/// Line feeds not preceded by a carriage return: what dovecot's virtual (CRLF) size adds.
fn bare_line_feeds(raw: &[u8]) -> usize {
    let mut n = 0;
    let mut prev = 0u8;
    for &b in raw {
        if b == b'\n' && prev != b'\r' {
            n += 1;
        }
        prev = b;
    }
    n
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::proxy::Proxy;
    use rustls::pki_types::{IpAddr as PkiIpAddr, ServerName};
    use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
    use std::sync::Arc;

    type Tls = StreamOwned<ClientConnection, TcpStream>;

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

    fn tls_wrap(dc: &Dovecot, tcp: TcpStream, name: ServerName<'static>) -> Tls {
        let conn = ClientConnection::new(tls_config(dc.ca_cert()), name).unwrap();
        StreamOwned::new(conn, tcp)
    }

    /// Just enough IMAP to check the server: one command at a time, no literals.
    struct Imap<S: Read + Write> {
        io: BufReader<S>,
        tag: u32,
    }

    impl<S: Read + Write> Imap<S> {
        fn new(stream: S) -> Self {
            Imap {
                io: BufReader::new(stream),
                tag: 0,
            }
        }

        fn line(&mut self) -> String {
            let mut line = String::new();
            let n = self.io.read_line(&mut line).unwrap();
            assert!(n > 0, "server closed the connection");
            line.trim_end().to_string()
        }

        /// The greeting (skipping dovecot's "Waiting for authentication" lines).
        fn greeting(&mut self) -> String {
            loop {
                let line = self.line();
                if !line.contains("Waiting for authentication") {
                    return line;
                }
            }
        }

        fn send(&mut self, command: &str) -> String {
            self.tag += 1;
            let tag = format!("t{}", self.tag);
            let w = self.io.get_mut();
            w.write_all(format!("{tag} {command}\r\n").as_bytes())
                .unwrap();
            w.flush().unwrap();
            tag
        }

        /// Runs a command; returns its untagged lines and the tagged status line.
        fn run(&mut self, command: &str) -> (Vec<String>, String) {
            let tag = self.send(command);
            let mut lines = Vec::new();
            loop {
                let line = self.line();
                if line.starts_with(&format!("{tag} ")) {
                    return (lines, line);
                }
                lines.push(line);
            }
        }

        fn ok(&mut self, command: &str) -> Vec<String> {
            let (mut lines, status) = self.run(command);
            assert!(
                status.split_whitespace().nth(1) == Some("OK"),
                "{command} failed: {status}"
            );
            lines.push(status);
            lines
        }
    }

    fn imaps(dc: &Dovecot) -> Imap<Tls> {
        let tcp = TcpStream::connect(dc.imaps_addr()).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let name = ServerName::try_from("localhost").unwrap();
        let mut imap = Imap::new(tls_wrap(dc, tcp, name));
        let greeting = imap.greeting();
        assert!(greeting.starts_with("* OK"), "{greeting}");
        imap
    }

    fn login(dc: &Dovecot, user: &str) -> Imap<Tls> {
        let mut imap = imaps(dc);
        imap.ok(&format!("LOGIN {user} {}", dc.password(user)));
        imap
    }

    /// AUTHENTICATE XOAUTH2 with the initial response on the command line (SASL-IR). On a
    /// refusal dovecot first sends a `+` challenge holding a JSON error, which the client
    /// answers with an empty line. Returns the tagged status line and that error, decoded.
    fn xoauth2(imap: &mut Imap<Tls>, user: &str, token: &str) -> (String, Option<String>) {
        let initial = BASE64.encode(format!("user={user}\x01auth=Bearer {token}\x01\x01"));
        let tag = imap.send(&format!("AUTHENTICATE XOAUTH2 {initial}"));
        let mut error = None;
        loop {
            let line = imap.line();
            if line.starts_with(&format!("{tag} ")) {
                return (line, error);
            }
            if let Some(data) = line.strip_prefix('+') {
                let json = BASE64.decode(data.trim()).unwrap();
                error = Some(String::from_utf8(json).unwrap());
                let w = imap.io.get_mut();
                w.write_all(b"\r\n").unwrap();
                w.flush().unwrap();
            }
        }
    }

    fn capabilities(lines: &[String]) -> Vec<String> {
        let mut caps = Vec::new();
        for line in lines {
            if let Some(start) = line.find("CAPABILITY ") {
                let rest = &line[start + "CAPABILITY ".len()..];
                let rest = rest.split(']').next().unwrap_or(rest);
                caps = rest.split_whitespace().map(str::to_string).collect();
            }
        }
        caps
    }

    fn message(n: usize) -> Vec<u8> {
        format!(
            "From: customer{n}@example.com\r\nTo: support@example.com\r\n\
             Subject: question {n}\r\nMessage-ID: <m{n}@example.com>\r\n\r\nhello {n}\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn dovecot_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Dovecot>();
        check::<Proxy>();
    }

    #[test]
    fn default_server_logs_in_over_tls_and_advertises_condstore() {
        let dc = Dovecot::start().unwrap();
        assert_eq!(dc.host(), "127.0.0.1");
        assert_ne!(dc.imap_port(), dc.imaps_port());
        assert_eq!(dc.password("billing"), "secret-billing");
        assert!(dc.ca_cert().is_file());
        assert!(dc.root().join("dovecot.conf").is_file());

        // Implicit TLS, certificate checked for the name and for the IP address.
        let mut imap = login(&dc, "support");
        let caps = capabilities(&imap.ok("CAPABILITY"));
        for cap in [
            "IMAP4rev1",
            "CONDSTORE",
            "QRESYNC",
            "IDLE",
            "UIDPLUS",
            "SPECIAL-USE",
            "ENABLE",
            "LITERAL+",
            "MOVE",
        ] {
            assert!(caps.iter().any(|c| c == cap), "{cap} missing from {caps:?}");
        }
        let list = imap.ok(r#"LIST "" "*" RETURN (SPECIAL-USE)"#);
        for (flag, name) in [
            ("\\Sent", "Sent"),
            ("\\Drafts", "Drafts"),
            ("\\Trash", "Trash"),
            ("\\Archive", "Archive"),
        ] {
            assert!(
                list.iter()
                    .any(|l| l.contains(flag) && l.ends_with(&format!("\"/\" {name}"))),
                "{name} {flag} missing from {list:?}"
            );
        }
        imap.ok("LOGOUT");

        let tcp = TcpStream::connect(dc.imaps_addr()).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let ip =
            ServerName::IpAddress(PkiIpAddr::from(std::net::IpAddr::from(Ipv4Addr::LOCALHOST)));
        let mut imap = Imap::new(tls_wrap(&dc, tcp, ip));
        imap.greeting();
        let (_, status) = imap.run("LOGIN support wrong-password");
        assert!(status.contains(" NO "), "{status}");
        imap.ok("LOGIN billing secret-billing");

        // Cleartext port: STARTTLS offered, then a TLS session on the same socket.
        let tcp = TcpStream::connect(dc.imap_addr()).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut plain = Imap::new(tcp);
        let greeting = plain.greeting();
        assert!(greeting.contains("STARTTLS"), "{greeting}");
        plain.ok("STARTTLS");
        assert!(plain.io.buffer().is_empty());
        let tcp = plain.io.into_inner();
        let name = ServerName::try_from("localhost").unwrap();
        let mut imap = Imap::new(tls_wrap(&dc, tcp, name));
        imap.tag = 10;
        imap.ok("LOGIN customer secret-customer");
        imap.ok("SELECT INBOX");
        imap.ok("LOGOUT");
    }

    #[test]
    fn condstore_off_hides_condstore_and_qresync() {
        let dc = Dovecot::start_with(Options {
            condstore: false,
            ..Options::default()
        })
        .unwrap();
        let mut imap = imaps(&dc);
        let before = capabilities(&imap.ok("CAPABILITY"));
        let mut after = capabilities(&imap.ok("LOGIN support secret-support"));
        after.extend(capabilities(&imap.ok("CAPABILITY")));
        for caps in [&before, &after] {
            assert!(!caps.is_empty());
            for absent in ["CONDSTORE", "QRESYNC"] {
                assert!(!caps.iter().any(|c| c == absent), "{absent} in {caps:?}");
            }
        }
        let caps = capabilities(&imap.ok("CAPABILITY"));
        for cap in [
            "IMAP4rev1",
            "IDLE",
            "UIDPLUS",
            "SPECIAL-USE",
            "ENABLE",
            "LITERAL+",
            "MOVE",
            "NAMESPACE",
            "ESEARCH",
        ] {
            assert!(caps.iter().any(|c| c == cap), "{cap} missing from {caps:?}");
        }
        let mut sorted = caps.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), caps.len(), "duplicates in {caps:?}");
        imap.ok("LOGOUT");
    }

    #[test]
    fn append_flags_expunge_and_idle() {
        let dc = Dovecot::start().unwrap();
        for n in 1..=3 {
            dc.append("support", "INBOX", &message(n)).unwrap();
        }
        assert_eq!(dc.uids("support", "INBOX").unwrap(), vec![1, 2, 3]);
        assert_eq!(
            dc.message_ids("support", "INBOX").unwrap(),
            vec![
                (1, "<m1@example.com>".to_string()),
                (2, "<m2@example.com>".to_string()),
                (3, "<m3@example.com>".to_string())
            ]
        );
        dc.append("support", "INBOX", b"Subject: no id\r\n\r\nx\r\n")
            .unwrap();
        assert_eq!(
            dc.message_ids("support", "INBOX").unwrap()[3],
            (4, String::new())
        );

        dc.add_flags("support", "INBOX", "1:2", "\\Seen \\Flagged")
            .unwrap();
        dc.add_flags("support", "INBOX", "3", "$Label1").unwrap();
        dc.remove_flags("support", "INBOX", "2", "\\Flagged")
            .unwrap();
        let flags = dc.flags("support", "INBOX").unwrap();
        assert_eq!(
            flags,
            vec![
                (1, "\\Flagged \\Seen".to_string()),
                (2, "\\Seen".to_string()),
                (3, "$Label1".to_string()),
                (4, String::new())
            ]
        );
        dc.expunge("support", "INBOX", "2:3").unwrap();
        assert_eq!(dc.uids("support", "INBOX").unwrap(), vec![1, 4]);

        // Folders, with levels, created idempotently; another user's mail is separate.
        dc.create_folder("support", "Billing/Refunds").unwrap();
        dc.create_folder("support", "Billing/Refunds").unwrap();
        dc.create_folder("support", "INBOX").unwrap();
        dc.append("support", "Billing/Refunds", &message(9))
            .unwrap();
        assert_eq!(dc.uids("support", "Billing/Refunds").unwrap(), vec![1]);
        assert!(dc.uids("billing", "INBOX").unwrap().is_empty());
        assert!(dc.append("support", "Nope", &message(1)).is_err());
        assert!(dc.uids("nobody", "INBOX").is_err());
        let err = dc.doveadm(&["mailbox", "status", "-u", "support", "messages", "Nope"]);
        assert!(format!("{:#}", err.unwrap_err()).contains("Nope"));
        assert!(dc.maildir_bytes("support").unwrap() > 0);
        assert_eq!(dc.maildir_bytes("billing").unwrap(), 0);

        // What an IMAP client sees agrees, and IDLE reports a new message quickly.
        let mut imap = login(&dc, "support");
        let list = imap.ok(r#"LIST "" "*""#);
        assert!(
            list.iter().any(|l| l.ends_with("Billing/Refunds")),
            "{list:?}"
        );
        let fetch = imap.ok("EXAMINE INBOX");
        assert!(fetch.iter().any(|l| l == "* 2 EXISTS"), "{fetch:?}");
        let fetch = imap.ok("UID FETCH 1:* (FLAGS)");
        assert!(
            fetch
                .iter()
                .any(|l| l.contains("UID 1") && l.contains("\\Flagged")),
            "{fetch:?}"
        );
        let tag = imap.send("IDLE");
        assert!(imap.line().starts_with("+ "));
        let started = Instant::now();
        dc.append("support", "INBOX", &message(5)).unwrap();
        loop {
            let line = imap.line();
            if line == "* 3 EXISTS" {
                break;
            }
        }
        assert!(started.elapsed() < Duration::from_secs(5));
        imap.io.get_mut().write_all(b"DONE\r\n").unwrap();
        loop {
            let line = imap.line();
            if line.starts_with(&tag) {
                assert!(line.contains("OK"), "{line}");
                break;
            }
        }
        imap.ok("LOGOUT");
    }

    #[test]
    fn append_many_numbers_in_iteration_order() {
        let dc = Dovecot::start().unwrap();
        dc.append("support", "Bulk", &message(0)).unwrap_err();
        dc.create_folder("support", "Bulk").unwrap();
        dc.append("support", "Bulk", &message(0)).unwrap();
        // Bare LF line ends on some, CRLF on others: sizes are checked over IMAP below.
        let mut msgs = (1..=2000).map(|n| {
            let m = message(n);
            if n % 2 == 0 {
                String::from_utf8(m)
                    .unwrap()
                    .replace("\r\n", "\n")
                    .into_bytes()
            } else {
                m
            }
        });
        let started = Instant::now();
        assert_eq!(dc.append_many("support", "Bulk", &mut msgs).unwrap(), 2000);
        eprintln!("append_many of 2000 messages: {:?}", started.elapsed());
        let ids = dc.message_ids("support", "Bulk").unwrap();
        assert_eq!(ids.len(), 2001);
        for (i, (uid, id)) in ids.iter().enumerate() {
            assert_eq!(*uid as usize, i + 1);
            assert_eq!(*id, format!("<m{i}@example.com>"));
        }
        let flags = dc.flags("support", "Bulk").unwrap();
        assert!(flags.iter().all(|(_, f)| f.is_empty()), "{:?}", &flags[..3]);

        // A second batch continues after the first; INBOX works too; empty is fine.
        let mut more = (2001..=2010).map(message);
        assert_eq!(dc.append_many("support", "Bulk", &mut more).unwrap(), 10);
        let uids = dc.uids("support", "Bulk").unwrap();
        assert_eq!(uids.len(), 2011);
        assert_eq!(uids.last(), Some(&2011));
        let mut inbox = (1..=5).map(message);
        assert_eq!(dc.append_many("billing", "INBOX", &mut inbox).unwrap(), 5);
        assert_eq!(dc.uids("billing", "INBOX").unwrap(), vec![1, 2, 3, 4, 5]);
        assert_eq!(
            dc.append_many("billing", "INBOX", &mut std::iter::empty())
                .unwrap(),
            0
        );

        // Ownership: dovecot's mail user can work with the files (flags rename them).
        dc.add_flags("support", "Bulk", "1:100", "\\Seen").unwrap();
        let seen = dc.flags("support", "Bulk").unwrap();
        assert_eq!(seen.iter().filter(|(_, f)| f == "\\Seen").count(), 100);

        let expected: u64 = (0..=2010)
            .map(|n| {
                let m = message(n);
                // doveadm save (message 0) stores LF line ends too, like dovecot's IMAP APPEND.
                if n == 0 || ((1..=2000).contains(&n) && n % 2 == 0) {
                    (m.len() - m.iter().filter(|&&b| b == b'\r').count()) as u64
                } else {
                    m.len() as u64
                }
            })
            .sum();
        assert_eq!(dc.maildir_bytes("support").unwrap(), expected);

        let mut imap = login(&dc, "support");
        let status = imap.ok("STATUS Bulk (MESSAGES UIDNEXT)");
        assert!(
            status[0].contains("MESSAGES 2011") && status[0].contains("UIDNEXT 2012"),
            "{status:?}"
        );
        imap.ok("EXAMINE Bulk");
        let sizes = imap.ok("UID FETCH 2:3 (RFC822.SIZE)");
        let crlf_len = message(1).len();
        let crlf_len2 = message(2).len();
        assert!(
            sizes.iter().any(|l| l.contains("UID 2 ")
                && l.contains(&format!("RFC822.SIZE {crlf_len})"))
                || l.contains(&format!("RFC822.SIZE {crlf_len} UID 2)"))),
            "{sizes:?}"
        );
        assert!(
            sizes
                .iter()
                .any(|l| l.contains("UID 3") && l.contains(&format!("RFC822.SIZE {crlf_len2}"))),
            "{sizes:?}"
        );
        let search = imap.ok("UID SEARCH HEADER Message-ID <m1500@example.com>");
        assert!(search[0].ends_with(" 1501"), "{search:?}");
        imap.ok("LOGOUT");
    }

    #[test]
    fn reset_uidvalidity_renumbers_and_keeps_messages() {
        let dc = Dovecot::start().unwrap();
        dc.create_folder("support", "Queue").unwrap();
        for n in 1..=4 {
            dc.append("support", "Queue", &message(n)).unwrap();
        }
        dc.add_flags("support", "Queue", "3", "\\Seen").unwrap();
        dc.expunge("support", "Queue", "1").unwrap();
        let old = dc.uidvalidity("support", "Queue").unwrap();
        let inbox_validity = dc.uidvalidity("support", "INBOX").unwrap();

        let new = dc.reset_uidvalidity("support", "Queue").unwrap();
        assert_ne!(new, old);
        assert_eq!(dc.uidvalidity("support", "Queue").unwrap(), new);
        assert_eq!(
            dc.message_ids("support", "Queue").unwrap(),
            vec![
                (1, "<m2@example.com>".to_string()),
                (2, "<m3@example.com>".to_string()),
                (3, "<m4@example.com>".to_string())
            ]
        );
        assert_eq!(dc.flags("support", "Queue").unwrap()[1].1, "\\Seen");
        assert_eq!(dc.uidvalidity("support", "INBOX").unwrap(), inbox_validity);

        // Twice in a row, and on INBOX, it still changes; new mail continues the numbering.
        let newer = dc.reset_uidvalidity("support", "Queue").unwrap();
        assert_ne!(newer, new);
        dc.append("support", "Queue", &message(5)).unwrap();
        assert_eq!(dc.uids("support", "Queue").unwrap(), vec![1, 2, 3, 4]);
        dc.append("support", "INBOX", &message(6)).unwrap();
        let inbox_new = dc.reset_uidvalidity("support", "INBOX").unwrap();
        assert_ne!(inbox_new, inbox_validity);
        assert_eq!(dc.uids("support", "INBOX").unwrap(), vec![1]);

        let mut imap = login(&dc, "support");
        let select = imap.ok("SELECT Queue");
        assert!(
            select
                .iter()
                .any(|l| l.contains(&format!("[UIDVALIDITY {newer}]"))),
            "{select:?}"
        );
        imap.ok("LOGOUT");
    }

    #[test]
    fn restart_keeps_ports_and_data() {
        let mut dc = Dovecot::start().unwrap();
        let (imap_port, imaps_port) = (dc.imap_port(), dc.imaps_port());
        dc.append("support", "INBOX", &message(1)).unwrap();
        let validity = dc.uidvalidity("support", "INBOX").unwrap();
        let mut session = login(&dc, "support");
        session.ok("SELECT INBOX");

        let started = Instant::now();
        dc.restart().unwrap();
        eprintln!("restart took {:?}", started.elapsed());
        assert_eq!((dc.imap_port(), dc.imaps_port()), (imap_port, imaps_port));
        // The old session was ended by the server, long before the read timeout: a BYE
        // when the imap process is quicker than the TLS-holding login process, then the
        // end of the stream (TLS may report a missing close_notify as an error).
        let waited = Instant::now();
        let mut rest = String::new();
        let ended = session.io.read_to_string(&mut rest);
        eprintln!("old session after restart: {ended:?} {rest:?}");
        assert!(waited.elapsed() < Duration::from_secs(10));
        assert!(rest.is_empty() || rest.starts_with("* BYE"), "{rest}");

        assert_eq!(dc.uids("support", "INBOX").unwrap(), vec![1]);
        assert_eq!(dc.uidvalidity("support", "INBOX").unwrap(), validity);
        let mut imap = login(&dc, "support");
        let select = imap.ok("SELECT INBOX");
        assert!(select.iter().any(|l| l == "* 1 EXISTS"), "{select:?}");
        imap.ok("LOGOUT");

        // stop is idempotent; a stopped server can be restarted.
        dc.stop();
        dc.stop();
        assert!(TcpStream::connect(dc.imap_addr()).is_err());
        dc.restart().unwrap();
        login(&dc, "billing").ok("LOGOUT");
    }

    #[test]
    fn drop_stops_everything_and_removes_the_directory() {
        let dc = Dovecot::start().unwrap();
        let root = dc.root().to_path_buf();
        let pid = dc.server.as_ref().unwrap().master.id();
        let addr = dc.imaps_addr();
        let started = Instant::now();
        drop(dc);
        eprintln!("stop took {:?}", started.elapsed());
        assert!(!root.exists());
        assert!(proc_stat(pid as i32).is_none());
        assert!(TcpStream::connect(addr).is_err());
    }

    #[test]
    fn watchdog_cleans_up_when_the_owner_vanishes() {
        let mut dc = Dovecot::start().unwrap();
        let root = dc.root().to_path_buf();
        let server = dc.server.take().unwrap();
        let pid = server.master.id();
        let Server {
            mut master,
            watchdog,
        } = server;
        // Closing the watchdog's stdin is what the owner's death looks like to it.
        let mut watchdog = watchdog.unwrap();
        drop(watchdog.stdin.take());
        watchdog.wait().unwrap();
        master.wait().unwrap();
        assert!(proc_stat(pid as i32).is_none());
        assert!(!root.exists());
        assert!(TcpStream::connect(dc.imaps_addr()).is_err());
    }

    #[test]
    fn instances_run_side_by_side_and_through_the_proxy() {
        let a = Dovecot::start().unwrap();
        let b = Dovecot::start_with(Options {
            users: vec![("solo".into(), "pw".into())],
            condstore: true,
            xoauth2: false,
        })
        .unwrap();
        assert_ne!(a.imaps_port(), b.imaps_port());
        assert_ne!(a.root(), b.root());
        a.append("support", "INBOX", &message(1)).unwrap();
        assert!(b.uids("solo", "INBOX").unwrap().is_empty());
        assert!(b.uids("support", "INBOX").is_err());

        // TLS through the proxy, then a cut in the middle of a session.
        let proxy = Proxy::start(b.imaps_addr()).unwrap();
        let tcp = TcpStream::connect(("127.0.0.1", proxy.port())).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let name = ServerName::try_from("localhost").unwrap();
        let mut imap = Imap::new(tls_wrap(&b, tcp, name));
        imap.greeting();
        imap.ok("LOGIN solo pw");
        imap.ok("SELECT INBOX");
        proxy.cut_now();
        imap.send("NOOP");
        let mut line = String::new();
        let read = imap.io.read_line(&mut line);
        assert!(matches!(read, Ok(0) | Err(_)), "{line}");

        // cut_after: the TLS session dies part-way through the greeting/login.
        proxy.cut_after(200);
        let tcp = TcpStream::connect(("127.0.0.1", proxy.port())).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let name = ServerName::try_from("localhost").unwrap();
        let mut imap = Imap::new(tls_wrap(&b, tcp, name));
        let mut line = String::new();
        assert!(matches!(imap.io.read_line(&mut line), Ok(0) | Err(_)));
        assert_eq!(proxy.connections(), 2);
    }

    #[test]
    fn xoauth2_takes_minted_tokens_and_passwords_still_work() {
        let dc = Dovecot::start_with(Options {
            xoauth2: true,
            ..Options::default()
        })
        .unwrap();
        let mut imap = imaps(&dc);
        let caps = capabilities(&imap.ok("CAPABILITY"));
        for cap in ["AUTH=PLAIN", "AUTH=LOGIN", "AUTH=XOAUTH2", "SASL-IR"] {
            assert!(caps.iter().any(|c| c == cap), "{cap} missing from {caps:?}");
        }
        let token = dc.mint_token("support", 300).unwrap();
        assert_eq!(token.split('.').count(), 3, "{token}");
        let (status, error) = xoauth2(&mut imap, "support", &token);
        assert!(
            status.contains(" OK "),
            "{status} {error:?}\n{}",
            dc.log_tail()
        );
        assert!(error.is_none(), "{error:?}");
        imap.ok("SELECT INBOX");
        imap.ok("LOGOUT");

        // The same token again, and passwords (LOGIN and AUTHENTICATE PLAIN) next to tokens.
        let mut imap = imaps(&dc);
        let (status, _) = xoauth2(&mut imap, "support", &token);
        assert!(status.contains(" OK "), "{status}");
        imap.ok("LOGOUT");
        login(&dc, "billing").ok("LOGOUT");
        let mut imap = imaps(&dc);
        let plain = BASE64.encode("\0customer\0secret-customer");
        imap.ok(&format!("AUTHENTICATE PLAIN {plain}"));
        imap.ok("LOGOUT");

        // Refused: expired, someone else's, unknown user, tampered, forged, from another issuer,
        // a password in the token field, garbage, and a token given as a password.
        let expired = dc.mint_token("support", -60).unwrap();
        let billing = dc.mint_token("billing", 300).unwrap();
        let nobody = dc.mint_token("nobody", 300).unwrap();
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let flipped = if signature.starts_with('A') { 'B' } else { 'A' };
        let tampered = format!("{signed}.{flipped}{}", &signature[1..]);
        let (header, rest) = token.split_once('.').unwrap();
        let (_, signature) = rest.split_once('.').unwrap();
        let claims =
            BASE64URL.encode(r#"{"iss":"siphon-testkit","sub":"support","exp":4000000000}"#);
        let forged = format!("{header}.{claims}.{signature}");
        // Signed with the right key, but not by the issuer dovecot trusts.
        let claims = BASE64URL.encode(r#"{"iss":"elsewhere","sub":"support","exp":4000000000}"#);
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, dc.oauth2_key.as_deref().unwrap());
        let tag = ring::hmac::sign(&key, format!("{header}.{claims}").as_bytes());
        let foreign = format!("{header}.{claims}.{}", BASE64URL.encode(tag.as_ref()));
        let cases = [
            ("support", expired.as_str(), "Token has expired"),
            ("support", billing.as_str(), "did not match"),
            ("nobody", nobody.as_str(), "unknown user"),
            ("support", tampered.as_str(), "Incorrect JWT signature"),
            ("support", forged.as_str(), "Incorrect JWT signature"),
            (
                "support",
                foreign.as_str(),
                "Issuer 'elsewhere' is not allowed",
            ),
            ("support", "secret-support", "Not a JWT token"),
            ("support", "not.a.token", "Object doesn't begin with '{'"),
        ];
        // Side by side: dovecot answers each refusal only after a delay of its own.
        std::thread::scope(|scope| {
            for (user, bad, why) in cases {
                let (dc, token) = (&dc, &token);
                scope.spawn(move || {
                    let mut imap = imaps(dc);
                    let started = Instant::now();
                    let (status, error) = xoauth2(&mut imap, user, bad);
                    eprintln!("{why}: {status} {error:?} after {:?}", started.elapsed());
                    assert!(status.contains(" NO "), "{user} {bad}: {status}");
                    assert!(error.unwrap_or_default().contains(r#""status":"401""#));
                    // The session still takes a good token after a refusal.
                    let (status, _) = xoauth2(&mut imap, "support", token);
                    assert!(status.contains(" OK "), "{status}");
                    imap.ok("LOGOUT");
                });
            }
            scope.spawn(|| {
                let mut imap = imaps(&dc);
                let (_, status) = imap.run(&format!("LOGIN support {token}"));
                assert!(status.contains(" NO "), "{status}");
                imap.ok("LOGIN support secret-support");
                imap.ok("LOGOUT");
            });
        });
        // Each refusal for its reason, from the right passdb: the oauth2 one saw everything
        // given through XOAUTH2 (and passed only the token for `nobody`, whom the passdb after
        // it doesn't know) but not the token given as a password; the passwd-file of passwords
        // saw only that one.
        let log = fs::read_to_string(dc.root().join("dovecot.log")).unwrap();
        for (_, _, why) in cases {
            assert!(log.contains(why), "{why}\n{log}");
        }
        assert_eq!(
            log.matches("oauth2 failed").count(),
            cases.len() - 1,
            "{log}"
        );
        let password_refusals: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("passwd-file(support,"))
            .collect();
        assert_eq!(password_refusals.len(), 1, "{log}");
        assert!(password_refusals[0].contains("Password mismatch"), "{log}");
    }

    #[test]
    fn xoauth2_is_off_by_default() {
        let dc = Dovecot::start().unwrap();
        let err = dc.mint_token("support", 300).unwrap_err();
        assert!(format!("{err:#}").contains("without xoauth2"), "{err:#}");
        let mut imap = imaps(&dc);
        let caps = capabilities(&imap.ok("CAPABILITY"));
        assert!(caps.iter().any(|c| c == "AUTH=PLAIN"), "{caps:?}");
        assert!(!caps.iter().any(|c| c == "AUTH=XOAUTH2"), "{caps:?}");
        let (status, _) = xoauth2(&mut imap, "support", "x.y.z");
        assert!(
            status.contains(" NO ") || status.contains(" BAD "),
            "{status}"
        );
        imap.ok("LOGIN support secret-support");
        imap.ok("LOGOUT");
        assert!(!dc.root().join("oauth2-keys").exists());
        let conf = fs::read_to_string(dc.root().join("dovecot.conf")).unwrap();
        assert!(!conf.contains("oauth2"), "{conf}");
    }

    /// 100,000 small messages through `append_many`: run by hand with
    /// `cargo test -p siphon-testkit --release -- --ignored --nocapture append_many_100k`.
    #[test]
    #[ignore]
    fn append_many_100k() {
        let dc = Dovecot::start().unwrap();
        let body = "x".repeat(800);
        let mut msgs = (0..100_000).map(|n| {
            format!(
                "From: c{n}@example.com\r\nTo: support@example.com\r\nSubject: load {n}\r\n\
                 Message-ID: <load{n}@example.com>\r\n\r\n{body}\r\n"
            )
            .into_bytes()
        });
        let started = Instant::now();
        assert_eq!(
            dc.append_many("support", "INBOX", &mut msgs).unwrap(),
            100_000
        );
        let took = started.elapsed();
        eprintln!(
            "append_many of 100,000 messages ({} bytes): {took:?}",
            dc.maildir_bytes("support").unwrap()
        );
        let uids = dc.uids("support", "INBOX").unwrap();
        assert_eq!(uids.len(), 100_000);
        assert_eq!(uids.last(), Some(&100_000));
        let ids = dc.message_ids("support", "INBOX").unwrap();
        assert_eq!(ids[54_321], (54_322, "<load54321@example.com>".to_string()));
    }
}
