//! A real SMTP server on loopback, one per test, that delivers into a test [`Dovecot`].
//!
//! [`Smtp::start`] runs a private instance of Debian's postfix: `main.cf`, `master.cf`, queue,
//! TLS files and log live in a fresh temporary directory, and the only listener is
//! `127.0.0.1:<free port>`. The system postfix (its `/etc/postfix/main.cf`, queue and port 25)
//! plays no part. Postfix's `master` runs in the foreground (`-d`) in a process group of its
//! own, watched like the dovecot harness's, so [`Smtp::stop`], `Drop`, or the watchdog when the
//! test process dies end every process of the instance.
//!
//! It behaves like a submission server of the test domains:
//!
//! * Every client must authenticate (PLAIN or LOGIN, XOAUTH2 too when the dovecot takes it),
//!   even for mail to the test users, with the IMAP passwords; a wrong one gets `535`. AUTH is
//!   offered in cleartext (the engine allows plain SMTP on loopback) and after STARTTLS, with
//!   the dovecot's certificate, which [`Dovecot::ca_cert`] verifies.
//! * The domains of the dovecot's logins (`customer@client.test` → `client.test`) are virtual
//!   mailbox domains whose mailboxes are exactly those logins; their mail goes over LMTP
//!   ([`Dovecot::lmtp_port`]) into the user's INBOX. An unknown user gets `550` at `RCPT`.
//!   Logins without a domain can send but get no mail.
//! * Mail for other domains gets `554` (relay access denied) at `RCPT`, or is accepted and
//!   dropped with [`SmtpOptions::accept_other_domains`]: `master.cf` has no SMTP client.
//! * A message over [`SmtpOptions::message_size_limit`] gets `552`.
//!
//! SMTP AUTH is checked by a second, auth-only dovecot in the same process group, with the test
//! dovecot's passdbs, over dovecot's SASL protocol on a loopback port. Postfix's smtpd can't even
//! greet while its SASL server is unreachable (and its master then pauses the service for a
//! minute), so asking the test dovecot itself would take SMTP down with IMAP; this way either
//! can be stopped alone (or dropped first). Mail deferred while the dovecot is stopped goes out
//! again every second or two.

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream};
use std::os::unix::fs::{PermissionsExt, chown};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail, ensure};

use crate::dovecot::{
    Dovecot, HOST, START_TIMEOUT, find_program, free_ports, last_lines, read_from,
    remove_if_exists, spawn_watchdog, stop_process_group, system_group, system_user, temp_base,
};

const MASTER: &str = "/usr/lib/postfix/sbin/master";
const DOVECOT: &str = "/usr/sbin/dovecot";

/// What to start with besides the dovecot to deliver into.
#[derive(Debug, Clone)]
pub struct SmtpOptions {
    /// The largest message accepted, in bytes (postfix's `message_size_limit`, also announced
    /// as `SIZE` in the EHLO reply). A bigger one is refused with `552` after `DATA` (or at
    /// `MAIL FROM` when the client declares its `SIZE=`). Default: 10,240,000, postfix's own.
    pub message_size_limit: u64,
    /// `true`: authenticated mail for domains other than the dovecot's is accepted and thrown
    /// away, as if it had been relayed to the Internet. `false` (the default): refused at
    /// `RCPT` with `554 5.7.1 … Relay access denied`.
    pub accept_other_domains: bool,
}

impl Default for SmtpOptions {
    fn default() -> Self {
        SmtpOptions {
            message_size_limit: 10_240_000,
            accept_other_domains: false,
        }
    }
}

/// A running postfix. Dropping it stops the server and removes its temporary directory.
pub struct Smtp {
    root: PathBuf,
    conf_dir: PathBuf,
    log: PathBuf,
    stderr_log: PathBuf,
    /// Sizes of the three logs (postfix, stderr, auth) when the current run started.
    log_marks: (u64, u64, u64),
    port: u16,
    /// The auth-only dovecot's SASL port.
    auth_port: u16,
    domains: Vec<String>,
    server: Option<Server>,
    /// Last field: removed after `Drop::drop` has stopped the server.
    _dir: tempfile::TempDir,
}

/// The processes of one run of the server.
struct Server {
    /// Postfix's master, leader of the process group.
    master: Child,
    /// The auth-only dovecot's master, in the same group.
    auth: Option<Child>,
    /// Holds the write end of the watchdog's stdin; killed before that end is closed.
    watchdog: Option<Child>,
}

impl Smtp {
    /// Starts a server delivering into `dovecot`, with [`SmtpOptions::default`].
    pub fn start(dovecot: &Dovecot) -> Result<Smtp> {
        Self::start_with(dovecot, SmtpOptions::default())
    }

    /// Starts a server delivering into `dovecot` and waits until it greets. It keeps serving
    /// (and deferring mail) while the dovecot is stopped or after it is dropped.
    pub fn start_with(dovecot: &Dovecot, opts: SmtpOptions) -> Result<Smtp> {
        ensure!(
            rustix::process::geteuid().is_root(),
            "the SMTP harness runs as root: postfix's master starts its daemons as `postfix`"
        );
        let master_bin = find_program("master", &[MASTER])?;
        let dovecot_bin = find_program("dovecot", &[DOVECOT])?;
        find_program("postqueue", &["/usr/sbin/postqueue"])?;
        let (postfix_uid, _) = system_user("postfix")?;
        let postdrop_gid = system_group("postdrop")?;

        let dir = tempfile::Builder::new()
            .prefix("siphon-postfix-")
            .tempdir_in(temp_base())
            .context("creating the temporary directory")?;
        let root = dir.path().to_path_buf();
        let root_str = root.to_str().unwrap_or_default();
        ensure!(
            !root_str.is_empty()
                && root_str
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c)),
            "temporary directory {} has characters a main.cf can't hold",
            root.display()
        );
        // Postfix's daemons run as `postfix` and must reach the queue inside.
        fs::set_permissions(&root, fs::Permissions::from_mode(0o755))?;
        let conf_dir = root.join("conf");
        fs::create_dir(&conf_dir)?;
        for sub in ["auth", "auth/run", "auth/state"] {
            fs::create_dir(root.join(sub))?;
        }
        make_queue(&root, postfix_uid, postdrop_gid)?;

        // smtpd reads the key as root before it drops privileges.
        let tls = root.join("tls");
        fs::create_dir(&tls)?;
        fs::set_permissions(&tls, fs::Permissions::from_mode(0o700))?;
        let (key, cert) = dovecot.tls_key_and_cert();
        fs::copy(&key, tls.join("server.key")).context("copying the dovecot's TLS key")?;
        fs::copy(&cert, tls.join("server.pem")).context("copying the dovecot's certificate")?;

        // Postfix looks addresses up in lower case.
        let mailboxes: Vec<String> = dovecot
            .users()
            .iter()
            .filter(|u| u.contains('@'))
            .map(|u| u.to_ascii_lowercase())
            .collect();
        let mut domains: Vec<String> = mailboxes
            .iter()
            .filter_map(|m| m.rsplit_once('@').map(|(_, d)| d.to_string()))
            .collect();
        domains.sort();
        domains.dedup();
        let vmailbox: String = mailboxes.iter().map(|m| format!("{m} ok\n")).collect();
        write_aged(&conf_dir.join("vmailbox"), &vmailbox)?;

        let mut smtp = Smtp {
            log: root.join("postfix.log"),
            stderr_log: root.join("postfix.stderr"),
            log_marks: (0, 0, 0),
            conf_dir,
            root,
            port: 0,
            auth_port: 0,
            domains,
            server: None,
            _dir: dir,
        };

        // As with dovecot: the ports were free a moment ago, but another process may take one
        // before it is bound. Then try again with fresh ones.
        let mut last_err = None;
        for _ in 0..4 {
            [smtp.port, smtp.auth_port] = free_ports()?;
            smtp.write_main_cf(dovecot, &opts)?;
            smtp.write_master_cf()?;
            let auth_dir = smtp.root.join("auth");
            let auth_name = format!("{}-auth", smtp.instance());
            let auth_conf = dovecot.auth_only_config(&auth_dir, &auth_name, smtp.auth_port)?;
            write_aged(&auth_dir.join("dovecot.conf"), &auth_conf)?;
            match smtp.spawn(&master_bin, &dovecot_bin) {
                Ok(()) => return Ok(smtp),
                Err(e) => {
                    smtp.stop();
                    if !smtp.run_log().contains("Address already in use") {
                        return Err(e);
                    }
                    last_err = Some(e);
                }
            }
        }
        Err(last_err.unwrap_or_else(|| anyhow!("postfix did not start")))
    }

    /// Always `127.0.0.1`.
    pub fn host(&self) -> &str {
        HOST
    }

    /// The SMTP port: cleartext, with STARTTLS and AUTH.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:port`, handy for [`crate::proxy::Proxy::start`].
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, self.port))
    }

    /// The domains delivered into the dovecot, sorted.
    pub fn domains(&self) -> &[String] {
        &self.domains
    }

    /// The temporary directory holding configuration, queue and logs.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the server runs (it was started and not stopped since).
    pub fn is_running(&self) -> bool {
        self.server.is_some()
    }

    /// Stops the server (the port then refuses connections): SIGTERM to every process of the
    /// instance, SIGKILL to whatever is left after a few seconds. Queued mail stays for
    /// [`Smtp::start_again`]. Idempotent.
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
        if let Some(mut auth) = server.auth.take() {
            // Signalled with the group: only left to reap.
            let _ = auth.wait();
        }
    }

    /// Starts the server again on the same port with the same queue (stopping it first if it
    /// runs), and waits until it greets.
    pub fn start_again(&mut self) -> Result<()> {
        self.stop();
        let master_bin = find_program("master", &[MASTER])?;
        let dovecot_bin = find_program("dovecot", &[DOVECOT])?;
        // The old listening socket is gone with its processes; only an unrelated process
        // that took the port meanwhile would keep it busy.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.spawn(&master_bin, &dovecot_bin) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    self.stop();
                    let in_use = self.run_log().contains("Address already in use");
                    if !in_use || Instant::now() > deadline {
                        return Err(e.context("starting postfix again"));
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
        }
    }

    /// The server log so far: postfix's `maillog_file`, what the processes wrote to stderr,
    /// and the auth-only dovecot's log (why a login failed).
    pub fn log_tail(&self) -> String {
        self.logs((0, 0, 0), 60)
    }

    /// The queue as `postqueue -p` lists it ("Mail queue is empty" when empty). Works while
    /// the server is stopped too.
    pub fn queue(&self) -> Result<String> {
        let out = self.postqueue("-p")?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Whether no message waits in the queue (delivered or refused, nothing deferred).
    pub fn queue_is_empty(&self) -> Result<bool> {
        Ok(self.queue()?.contains("Mail queue is empty"))
    }

    /// Waits until a message with this Message-ID (angle brackets optional) is in the user's
    /// folder of `dovecot` and returns its UID. On timeout the error holds the queue and the
    /// postfix log, which say why the message is stuck (deferred, bounced, never sent).
    pub fn wait_delivered(
        &self,
        dovecot: &Dovecot,
        user: &str,
        folder: &str,
        message_id: &str,
        timeout: Duration,
    ) -> Result<u32> {
        let id = message_id
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>');
        let wanted = format!("<{id}>");
        let deadline = Instant::now() + timeout;
        loop {
            // The folder may not exist yet, and the dovecot may be restarting: keep trying.
            let found = dovecot.message_ids(user, folder);
            if let Some((uid, _)) = found.iter().flatten().find(|(_, mid)| *mid == wanted) {
                return Ok(*uid);
            }
            if Instant::now() > deadline {
                let queue = self.queue().unwrap_or_else(|e| format!("{e:#}"));
                let last = found.map(|ids| format!("{ids:?}"));
                bail!(
                    "{wanted} did not arrive in {user}/{folder} within {timeout:?} (folder: \
                     {last:?})\nqueue:\n{queue}\npostfix log:\n{}",
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn write_main_cf(&self, dovecot: &Dovecot, opts: &SmtpOptions) -> Result<()> {
        let r = self.root.display();
        let instance = self.instance();
        // Other domains: refused, or handed to the discard transport (see master.cf: there is
        // no SMTP client, so nothing could leave anyway).
        let elsewhere = if opts.accept_other_domains {
            ""
        } else {
            " reject_unauth_destination,"
        };
        let conf = format!(
            r#"# Written by siphon-testkit for one test run; removed with this directory.
compatibility_level = 3.6
queue_directory = {r}/queue
data_directory = {r}/data
mail_owner = postfix
setgid_group = postdrop
# No syslog: postlogd (in master.cf) writes everything here.
maillog_file = {r}/postfix.log
maillog_file_prefixes = {r}

myhostname = smtp.siphon.test
mydomain = siphon.test
myorigin = $myhostname
# No local delivery (nor aliases): the only final destination is the dovecot.
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
inet_interfaces = {HOST}
inet_protocols = ipv4
smtpd_banner = $myhostname ESMTP Siphon test postfix {instance}
# Quick answers: no reverse DNS of 127.0.0.1, no pause after an error reply, and a second
# (not a minute) before master tries again a daemon that failed at start-up, e.g. an smtpd that
# found the auth-only dovecot down.
smtpd_peername_lookup = no
smtpd_error_sleep_time = 0
service_throttle_time = 1s
biff = no
message_size_limit = {size}
mailbox_size_limit = 0
virtual_mailbox_limit = 0

virtual_mailbox_domains = {domains}
virtual_mailbox_maps = texthash:{r}/conf/vmailbox
virtual_transport = lmtp:inet:{HOST}:{lmtp}
default_transport = discard:accepted for elsewhere and dropped by the test server
# Mail deferred while the dovecot is down goes out again within seconds.
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s

smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:{HOST}:{auth_port}
smtpd_sasl_security_options = noanonymous
smtpd_sasl_tls_security_options = noanonymous
smtpd_tls_auth_only = no
# A submission server: nothing without AUTH, not even mail for the test users.
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = reject_unlisted_recipient,{elsewhere} permit

smtpd_tls_security_level = may
smtpd_tls_chain_files = {r}/tls/server.key, {r}/tls/server.pem
"#,
            size = opts.message_size_limit,
            domains = self.domains.join(", "),
            lmtp = dovecot.lmtp_port(),
            auth_port = self.auth_port,
        );
        write_aged(&self.conf_dir.join("main.cf"), &conf)
    }

    /// The services, all unchrooted: the one SMTP listener and what a message needs on its
    /// way to LMTP. There is deliberately no `smtp` client, nor `local` or `pickup`.
    fn write_master_cf(&self) -> Result<()> {
        let services = format!(
            "# service        type  private unpriv chroot wakeup maxproc command
{HOST}:{port} inet n - n - - smtpd
cleanup   unix  n - n -     0 cleanup
qmgr      unix  n - n 300   1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n -     - trivial-rewrite
bounce    unix  - - n -     0 bounce
defer     unix  - - n -     0 bounce
trace     unix  - - n -     0 bounce
verify    unix  - - n -     1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -     - proxymap
showq     unix  n - n -     - showq
error     unix  - - n -     - error
retry     unix  - - n -     - error
discard   unix  - - n -     - discard
lmtp      unix  - - n -     - lmtp
anvil     unix  - - n -     1 anvil
scache    unix  - - n -     1 scache
postlog   unix-dgram n - n - 1 postlogd
",
            port = self.port
        );
        write_aged(&self.conf_dir.join("master.cf"), &services)
    }

    /// Starts postfix's `master`, the auth-only dovecot and the watchdog, and waits until both
    /// serve.
    fn spawn(&mut self, master_bin: &Path, dovecot_bin: &Path) -> Result<()> {
        let size = |p: &Path| fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        self.log_marks = (
            size(&self.log),
            size(&self.stderr_log),
            size(&self.auth_log()),
        );
        // Left behind when the last run was killed; dovecot would refuse to start if the pid
        // in it happened to be alive.
        remove_if_exists(&self.root.join("auth/run/master.pid"))?;
        let stderr = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.stderr_log)?;
        // `-d`: stay in the foreground and in our process group. Without it master would
        // call setsid() and leave the group this harness signals.
        let master = Command::new(master_bin)
            .arg("-c")
            .arg(&self.conf_dir)
            .arg("-d")
            .stdin(Stdio::null())
            .stdout(stderr.try_clone()?)
            .stderr(stderr.try_clone()?)
            .process_group(0)
            .spawn()
            .with_context(|| format!("running {}", master_bin.display()))?;
        let pid = master.id();
        self.server = Some(Server {
            master,
            auth: None,
            watchdog: None,
        });
        let watchdog = spawn_watchdog("siphon-postfix-watchdog", pid, &self.root)?;
        let pgid = i32::try_from(pid).context("pid out of range")?;
        let auth = Command::new(dovecot_bin)
            .arg("-F")
            .arg("-c")
            .arg(self.root.join("auth/dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(stderr.try_clone()?)
            .stderr(stderr)
            .process_group(pgid)
            .spawn()
            .with_context(|| format!("running {}", dovecot_bin.display()));
        if let Some(server) = self.server.as_mut() {
            server.watchdog = Some(watchdog);
            server.auth = Some(auth?);
        }
        self.wait_ready()
    }

    fn wait_ready(&mut self) -> Result<()> {
        let banner = format!("Siphon test postfix {}", self.instance());
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let Some(server) = self.server.as_mut() else {
                bail!("postfix is not running");
            };
            let mut exited = server.master.try_wait()?;
            if let Some(auth) = server.auth.as_mut() {
                exited = exited.or(auth.try_wait()?);
            }
            if let Some(status) = exited {
                bail!(
                    "a server exited during start-up ({status}); log:\n{}",
                    self.run_log()
                );
            }
            // Auth first: an smtpd that finds no SASL server exits, and master then pauses the
            // service (for `service_throttle_time`). Dovecot's master listens for its auth
            // process, which it starts on demand.
            if probe(self.auth_port).is_some() && greets(self.port, &banner) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "postfix did not greet on {} within {START_TIMEOUT:?}; log:\n{}",
                    self.addr(),
                    self.run_log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn postqueue(&self, flag: &str) -> Result<std::process::Output> {
        let bin = find_program("postqueue", &["/usr/sbin/postqueue"])?;
        Command::new(bin)
            .arg("-c")
            .arg(&self.conf_dir)
            .arg(flag)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running postqueue {flag}"))
    }

    /// The temporary directory's name, which tells this instance's banner from others'.
    fn instance(&self) -> String {
        self.root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    fn auth_log(&self) -> PathBuf {
        self.root.join("auth/dovecot.log")
    }

    /// The last `lines` lines each log got after the offsets in `marks`.
    fn logs(&self, marks: (u64, u64, u64), lines: usize) -> String {
        let mut out = last_lines(&read_from(&self.log, marks.0), lines);
        for (title, path, mark) in [
            ("stderr", &self.stderr_log, marks.1),
            ("auth", &self.auth_log(), marks.2),
        ] {
            let text = read_from(path, mark);
            if !text.trim().is_empty() {
                out.push_str(&format!(
                    "--- {title} ---\n{}",
                    last_lines(&text, lines / 2)
                ));
            }
        }
        out
    }

    /// What the logs got since the current (or last) run started.
    fn run_log(&self) -> String {
        self.logs(self.log_marks, 40)
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Makes the queue and data directories with the owners and modes of Debian's
/// `postfix-files`. Doing it here rather than with `postfix check` (or `post-install
/// create-missing`) saves about two seconds of shell and `postconf` runs per start.
fn make_queue(root: &Path, postfix_uid: u32, postdrop_gid: u32) -> Result<()> {
    let queue = root.join("queue");
    fs::create_dir(&queue)?;
    fs::set_permissions(&queue, fs::Permissions::from_mode(0o755))?;
    let private = [
        "active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming", "private",
        "saved", "trace",
    ];
    // Client commands (postqueue, run setgid postdrop) reach the public sockets.
    let shared = [("maildrop", 0o730), ("public", 0o710)];
    let dirs = private.iter().map(|&name| (name, 0o700, None));
    for (name, mode, group) in
        dirs.chain(shared.map(|(name, mode)| (name, mode, Some(postdrop_gid))))
    {
        let d = queue.join(name);
        fs::create_dir(&d)?;
        fs::set_permissions(&d, fs::Permissions::from_mode(mode))?;
        chown(&d, Some(postfix_uid), group).with_context(|| format!("chown {}", d.display()))?;
    }
    // master.pid lives here, root's.
    fs::create_dir(queue.join("pid"))?;
    let data = root.join("data");
    fs::create_dir(&data)?;
    fs::set_permissions(&data, fs::Permissions::from_mode(0o700))?;
    chown(&data, Some(postfix_uid), None).context("chown of the data directory")?;
    Ok(())
}

/// Writes a configuration file dated a minute back. Postfix reads a file modified within the
/// last second or so again and again, 300 ms apart, until it is that old (in case an editor is
/// still writing it): with fresh files every start would take two seconds longer.
fn write_aged(path: &Path, contents: &str) -> Result<()> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    (&file)
        .write_all(contents.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    let past = SystemTime::now()
        .checked_sub(Duration::from_secs(60))
        .unwrap_or(UNIX_EPOCH);
    file.set_modified(past)
        .with_context(|| format!("dating back {}", path.display()))
}

/// A connection to a loopback port with a short read timeout, if it is accepted.
fn probe(port: u16) -> Option<TcpStream> {
    let addr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port));
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    Some(stream)
}

/// Whether the port answers with this instance's banner.
fn greets(port: u16, banner: &str) -> bool {
    let Some(stream) = probe(port) else {
        return false;
    };
    let mut line = String::new();
    let greeted = BufReader::new(&stream).read_line(&mut line).is_ok()
        && line.starts_with("220 ")
        && line.contains(banner);
    if greeted {
        let _ = (&stream).write_all(b"QUIT\r\n");
    }
    greeted
}
