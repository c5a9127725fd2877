//! The built desktop app in a real window, driven through WebDriver.
//!
//! The chain, all real: [`Display`] starts `Xvfb`, a virtual X server; [`Driver`] starts
//! `tauri-driver` (from crates.io; scripts/setup installs it), which starts Debian's
//! `WebKitWebDriver`; [`app_session`] asks for a session, and WebKitWebDriver launches the app
//! binary with the arguments given, connecting to its WebKitGTK webview through the inspector
//! server that `TAURI_WEBVIEW_AUTOMATION` turns on. The session is a
//! [`crate::webdriver::Session`].
//!
//! The app inherits the driver's environment, so [`Driver::start_with_env`] is how a test
//! hands it variables. Every driver gets its own `HOME` and `XDG_RUNTIME_DIR` in a temporary
//! directory and its own D-Bus session bus (`dbus-run-session`): without one, GLib autolaunches
//! a bus daemon (and the AT-SPI bus after it) that detaches and outlives the test, and
//! single-instance apps would find each other across tests. Rendering is Mesa's software
//! renderer; `APP_ENV` below says what not to set.
//!
//! Each of Xvfb and the driver runs in a process group of its own, which everything it starts
//! (WebKitWebDriver, the app, WebKit's web and network processes, the bus) inherits; dropping
//! it kills the whole group. A watchdog shell per group does the same when the test process
//! dies without dropping it (killed by a time-out, say). A missing tool is an error that says
//! how to install it: these tests fail rather than skip.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use rustix::process::{Pid, Signal, kill_process_group};
use serde_json::json;

use crate::webdriver::{self, Session};

/// How long Xvfb, or the driver, may take to come up.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a process group has between SIGTERM and SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(3);
/// Tries of the driver on new ports, should another process take one meanwhile.
const DRIVER_TRIES: usize = 3;
/// The screen of the virtual display: a common laptop size, deep enough for true colour.
const SCREEN: &str = "1280x800x24";
/// Between two checks of something starting or stopping.
const POLL: Duration = Duration::from_millis(50);

/// Variables every driver (and so the app) gets: X11 even where the developer's desktop is
/// Wayland, Mesa's software renderer (there is no GPU), no GTK accessibility bridge.
/// `WEBKIT_DISABLE_COMPOSITING_MODE=1` and `WEBKIT_DISABLE_DMABUF_RENDERER=1`, the usual advice
/// for WebKitGTK without a GPU, are left out on purpose: with either, WebKitGTK 2.50 never
/// answers Take Screenshot.
const APP_ENV: &[(&str, &str)] = &[
    ("GDK_BACKEND", "x11"),
    ("LIBGL_ALWAYS_SOFTWARE", "1"),
    ("NO_AT_BRIDGE", "1"),
];
/// Variables of the developer's desktop session that must not leak into the app's.
const DESKTOP_ENV: &[&str] = &[
    "WAYLAND_DISPLAY",
    "DBUS_SESSION_BUS_ADDRESS",
    "XAUTHORITY",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
    "XDG_STATE_HOME",
    "XDG_SESSION_TYPE",
];

/// Run inside the driver's D-Bus session: starts an unlocked Secret Service (gnome-keyring, as a
/// desktop session has) for the passwords the app keeps, then becomes the command in "$@".
const KEYRING_THEN_EXEC: &str = r#"if command -v gnome-keyring-daemon >/dev/null 2>&1; then
  printf 'siphon-e2e' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
fi
exec "$@""#;

/// `$1`: a process group id, `$2`: its temporary directory. When stdin closes (the test
/// process is gone), kills the group and removes the directory.
const WATCHDOG_SCRIPT: &str = r#"trap '' INT HUP
read -r _ignored
kill -TERM -"$1" 2>/dev/null
i=0
while kill -0 -"$1" 2>/dev/null && [ "$i" -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL -"$1" 2>/dev/null
rm -rf "$2"
"#;

/// An X display for the app's window: a private Xvfb, or with `SIPHON_E2E_USE_DISPLAY=1` the
/// `DISPLAY` of the environment (to watch a test on a real desktop).
pub struct Display {
    name: String,
    xvfb: Option<Group>,
    /// Xvfb's log; the directory goes after the server.
    log: Option<PathBuf>,
    _dir: Option<tempfile::TempDir>,
}

impl Display {
    /// Starts `Xvfb -screen 0 1280x800x24 -nolisten tcp` on a free display number and waits
    /// until its socket exists.
    pub fn start() -> Result<Display> {
        if std::env::var_os("SIPHON_E2E_USE_DISPLAY").is_some_and(|v| v == "1")
            && let Some(name) = std::env::var("DISPLAY").ok().filter(|d| !d.is_empty())
        {
            return Ok(Display {
                name,
                xvfb: None,
                log: None,
                _dir: None,
            });
        }
        let xvfb = find_program("Xvfb", "/usr/bin/Xvfb", "the Debian package xvfb")?;
        let dir = tempfile::Builder::new()
            .prefix("siphon-xvfb-")
            .tempdir()
            .context("creating a temporary directory")?;
        let log = dir.path().join("xvfb.log");
        // `-displayfd 1`: Xvfb picks the first free display number itself, taking its lock
        // file atomically (no race with other tests), and prints the number on stdout.
        let mut child = Command::new(&xvfb)
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                SCREEN,
                "-nolisten",
                "tcp",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(File::create(&log).context("creating xvfb.log")?)
            .process_group(0)
            .spawn()
            .with_context(|| format!("running {}", xvfb.display()))?;
        let stdout = child.stdout.take();
        let group = Group::new(child, dir.path())?;
        let number = stdout
            .ok_or_else(|| anyhow!("Xvfb's stdout is not piped"))
            .and_then(read_display_number)
            .with_context(|| format!("Xvfb did not start; its log:\n{}", tail(&log, 20)))?;
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        let deadline = Instant::now() + START_TIMEOUT;
        while !socket.exists() {
            if Instant::now() > deadline {
                bail!(
                    "Xvfb :{number} has no socket {} after {START_TIMEOUT:?}; its log:\n{}",
                    socket.display(),
                    tail(&log, 20)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(Display {
            name: format!(":{number}"),
            xvfb: Some(group),
            log: Some(log),
            _dir: Some(dir),
        })
    }

    /// The value for `DISPLAY`, like `:3`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The end of Xvfb's log (empty for a display of the environment).
    pub fn log_tail(&self) -> String {
        self.log.as_deref().map(|l| tail(l, 20)).unwrap_or_default()
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(xvfb) = self.xvfb.as_mut() {
            xvfb.stop();
        }
    }
}

/// A running `tauri-driver` (with WebKitWebDriver behind it) on free loopback ports.
pub struct Driver {
    addr: SocketAddr,
    group: Group,
    /// Holds `home/` (the app's `HOME`), `run/` (its `XDG_RUNTIME_DIR`) and `driver.log`.
    root: PathBuf,
    log: PathBuf,
    /// Removes `root` on drop, unless a test panicked: then it stays for a look.
    dir: Option<tempfile::TempDir>,
}

impl Driver {
    /// Starts a driver for apps on this display.
    pub fn start(display: &Display) -> Result<Driver> {
        Self::start_with_env(display, std::iter::empty::<(&str, &str)>())
    }

    /// Starts a driver whose apps get these environment variables besides the usual ones
    /// (`SIPHON_DATA_DIR`, say).
    pub fn start_with_env<I, K, V>(display: &Display, env: I) -> Result<Driver>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let tauri_driver = find_tauri_driver()?;
        let native = find_program(
            "WebKitWebDriver",
            "/usr/bin/WebKitWebDriver",
            "the Debian package webkit2gtk-driver",
        )?;
        let bus = find_program(
            "dbus-run-session",
            "/usr/bin/dbus-run-session",
            "the Debian package dbus",
        )?;
        let dir = tempfile::Builder::new()
            .prefix("siphon-e2e-")
            .tempdir()
            .context("creating a temporary directory")?;
        let home = dir.path().join("home");
        let runtime = dir.path().join("run");
        fs::create_dir_all(&home)?;
        fs::create_dir_all(&runtime)?;
        // The XDG base directory spec wants the runtime directory private.
        fs::set_permissions(&runtime, fs::Permissions::from_mode(0o700))?;
        let log = dir.path().join("driver.log");
        let env: Vec<_> = env
            .into_iter()
            .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
            .collect();

        let mut failures = Vec::new();
        for _ in 0..DRIVER_TRIES {
            let (port, native_port) = free_ports()?;
            let mut cmd = Command::new(&bus);
            cmd.arg("--")
                .args(["sh", "-c", KEYRING_THEN_EXEC, "tauri-driver"])
                .arg(&tauri_driver)
                .args(["--port", &port.to_string()])
                .args(["--native-port", &native_port.to_string()])
                .arg("--native-driver")
                .arg(&native)
                .current_dir(dir.path())
                .env("DISPLAY", display.name())
                .env("HOME", &home)
                .env("XDG_RUNTIME_DIR", &runtime)
                .envs(APP_ENV.iter().copied());
            for name in DESKTOP_ENV {
                cmd.env_remove(name);
            }
            cmd.envs(env.iter().map(|(k, v)| (k, v)));
            let out = File::options().create(true).append(true).open(&log)?;
            let child = cmd
                .stdin(Stdio::null())
                .stdout(out.try_clone()?)
                .stderr(out)
                .process_group(0)
                .spawn()
                .with_context(|| format!("running {}", tauri_driver.display()))?;
            let mut group = Group::new(child, dir.path())?;
            let addr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port));
            let native_addr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, native_port));
            match wait_ready(&mut group, addr, native_addr) {
                Ok(()) => {
                    return Ok(Driver {
                        addr,
                        group,
                        root: dir.path().to_owned(),
                        log,
                        dir: Some(dir),
                    });
                }
                Err(e) => {
                    group.stop();
                    failures.push(format!("{e:#}"));
                }
            }
        }
        bail!(
            "tauri-driver did not start ({}); its log:\n{}",
            failures.join("; "),
            tail(&log, 30)
        )
    }

    /// Where the driver takes WebDriver commands.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The private directory of this driver: `home/` is the app's `HOME`.
    pub fn dir(&self) -> &Path {
        &self.root
    }

    /// The end of what tauri-driver, WebKitWebDriver and the app wrote to stdout and stderr.
    pub fn log_tail(&self) -> String {
        tail(&self.log, 30)
    }

    /// Kills tauri-driver and everything it started (idempotent; also done on drop).
    pub fn stop(&mut self) {
        self.group.stop();
    }

    /// Live processes that run with this driver's `HOME` (everything it started inherits it),
    /// as `pid command line`: after [`Driver::stop`], whatever escaped the process group.
    pub fn leftovers(&self) -> Vec<String> {
        let mut needle = b"HOME=".to_vec();
        needle.extend(self.dir().join("home").as_os_str().as_encoded_bytes());
        needle.push(0);
        live_pids()
            .filter(|&pid| pid != std::process::id() as i32)
            .filter(|pid| {
                fs::read(format!("/proc/{pid}/environ"))
                    .is_ok_and(|env| env.windows(needle.len()).any(|w| w == needle.as_slice()))
            })
            .map(|pid| {
                let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
                format!("{pid} {}", cmdline.trim_end())
            })
            .collect()
    }

    /// Waits until no process this driver started runs `app`. Ending a session asks the app
    /// to close but does not wait for it; a second launch before it is gone would find the
    /// first still holding the single-instance name and hand its arguments to a dying app.
    pub fn wait_until_gone(&self, app: &Path, timeout: Duration) -> Result<()> {
        let app = app.to_string_lossy().into_owned();
        let running = || {
            self.leftovers()
                .into_iter()
                .filter(|line| {
                    line.split_once(' ')
                        .is_some_and(|(_, cmd)| cmd.starts_with(&app))
                })
                .collect::<Vec<_>>()
        };
        let deadline = Instant::now() + timeout;
        loop {
            let left = running();
            if left.is_empty() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!("{app} still runs after {timeout:?}: {left:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.group.stop();
        if std::thread::panicking()
            && let Some(dir) = self.dir.take()
        {
            let kept = dir.keep();
            eprintln!(
                "desktop: kept the driver's directory for a look: {} (driver.log has the app's \
                 output)",
                kept.display()
            );
        }
    }
}

/// Launches the app binary with these arguments and opens a WebDriver session on its window.
/// The session's drop closes the app.
pub fn app_session(driver: &Driver, app: &Path, args: &[&str]) -> Result<Session> {
    if !app.is_file() {
        bail!("the app binary {} does not exist", app.display());
    }
    // tauri-driver turns `tauri:options` into WebKitWebDriver's `webkitgtk:browserOptions`
    // (`binary` and `args`); the session then reports the browser as "wry".
    let capabilities = json!({
        "capabilities": {
            "alwaysMatch": {
                "tauri:options": { "application": app, "args": args }
            }
        }
    });
    Session::new(driver.addr(), &capabilities).with_context(|| {
        format!(
            "launching {} through tauri-driver; the driver's log:\n{}",
            app.display(),
            driver.log_tail()
        )
    })
}

/// A child in a process group of its own (which its descendants inherit), with a watchdog
/// that kills the group should the test process die first.
struct Group {
    leader: Child,
    watchdog: Option<Child>,
    stopped: bool,
}

impl Group {
    fn new(leader: Child, dir: &Path) -> Result<Group> {
        let mut group = Group {
            leader,
            watchdog: None,
            stopped: false,
        };
        let watchdog = Command::new("/bin/sh")
            .arg("-c")
            .arg(WATCHDOG_SCRIPT)
            .arg("siphon-desktop-watchdog")
            .arg(group.leader.id().to_string())
            .arg(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn();
        match watchdog {
            Ok(w) => group.watchdog = Some(w),
            Err(e) => {
                group.stop();
                return Err(e).context("starting the watchdog shell");
            }
        }
        Ok(group)
    }

    /// Whether the leader is still running.
    fn leader_running(&mut self) -> bool {
        matches!(self.leader.try_wait(), Ok(None))
    }

    /// SIGTERM to the group, SIGKILL to what is left after a grace period; idempotent.
    fn stop(&mut self) {
        if std::mem::replace(&mut self.stopped, true) {
            return;
        }
        if let Some(mut watchdog) = self.watchdog.take() {
            // Killed before its stdin closes, or it would take the close for our death.
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
        let pid = Pid::from_child(&self.leader);
        if pid.as_raw_nonzero().get() > 1 {
            if kill_process_group(pid, Signal::TERM).is_ok() {
                let deadline = Instant::now() + STOP_GRACE;
                while Instant::now() < deadline && group_alive(pid) {
                    // A process forked just after the signal never got it.
                    let _ = kill_process_group(pid, Signal::TERM);
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
            // The leader is not reaped yet, so its group id can't have been reused.
            let _ = kill_process_group(pid, Signal::KILL);
        }
        let _ = self.leader.wait();
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Waits until WebKitWebDriver listens and then until tauri-driver passes on a Status command
/// to it (asked earlier, tauri-driver logs a failed connection with a backtrace).
fn wait_ready(group: &mut Group, addr: SocketAddr, native: SocketAddr) -> Result<()> {
    let deadline = Instant::now() + START_TIMEOUT;
    let mut native_up = false;
    loop {
        native_up = native_up || TcpStream::connect_timeout(&native, POLL).is_ok();
        if native_up && webdriver::ready(addr) {
            return Ok(());
        }
        if !group.leader_running() {
            bail!("it exited");
        }
        if Instant::now() > deadline {
            bail!("{addr} did not answer within {START_TIMEOUT:?}");
        }
        std::thread::sleep(POLL);
    }
}

/// The display number Xvfb prints for `-displayfd`; its stdout is drained afterwards, so a
/// later write can't block it or kill it with SIGPIPE.
fn read_display_number(stdout: impl Read + Send + 'static) -> Result<u32> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = tx.send(reader.read_line(&mut line).map(|_| line));
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    let line = rx
        .recv_timeout(START_TIMEOUT)
        .map_err(|_| anyhow!("no display number within {START_TIMEOUT:?}"))?
        .context("reading Xvfb's display number")?;
    line.trim()
        .parse()
        .map_err(|_| anyhow!("Xvfb printed {line:?} instead of a display number"))
}

/// tauri-driver from `PATH` or from cargo's bin directory, which is not always on `PATH`.
fn find_tauri_driver() -> Result<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    let mut candidates = search_path("tauri-driver");
    candidates.extend(cargo_home.map(|c| c.join("bin").join("tauri-driver")));
    candidates.into_iter().find(|p| p.is_file()).ok_or_else(|| {
        anyhow!(
            "`tauri-driver` is not installed (not on PATH nor in ~/.cargo/bin): run scripts/setup, \
             which runs `cargo install tauri-driver --locked`"
        )
    })
}

fn find_program(name: &str, known: &str, package: &str) -> Result<PathBuf> {
    std::iter::once(PathBuf::from(known))
        .chain(search_path(name))
        .find(|p| p.is_file())
        .ok_or_else(|| anyhow!("`{name}` is not installed: scripts/setup installs {package}"))
}

fn search_path(name: &str) -> Vec<PathBuf> {
    std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .collect()
        })
        .unwrap_or_default()
}

/// Two distinct free loopback ports (free when asked; the driver retries should one be taken).
fn free_ports() -> Result<(u16, u16)> {
    let a = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding a free port")?;
    let b = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding a free port")?;
    Ok((a.local_addr()?.port(), b.local_addr()?.port()))
}

/// Whether any process of this group is still running (zombies don't count).
fn group_alive(pgid: Pid) -> bool {
    let pgid = pgid.as_raw_nonzero().get();
    live_pids().any(|pid| proc_stat(pid).is_some_and(|(_, pgrp)| pgrp == pgid))
}

/// The processes that are not zombies, from /proc.
fn live_pids() -> impl Iterator<Item = i32> {
    fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| proc_stat(pid).is_some_and(|(state, _)| state != 'Z'))
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

/// The last lines of a log file.
fn tail(path: &Path, lines: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Where an end-to-end test's screenshot `name` goes: `$SIPHON_SCREENSHOTS` when set (the
/// repository's docs/screenshots when they are refreshed), else `e2e-screenshots/` in the target
/// directory, given as the test's `CARGO_TARGET_TMPDIR` (`<target>/tmp`). The folder is made.
pub fn screenshot_path(target_tmp: &Path, name: &str) -> Result<PathBuf> {
    let dir = match std::env::var_os("SIPHON_SCREENSHOTS") {
        Some(dir) => PathBuf::from(dir),
        None => target_tmp
            .parent()
            .context("the target directory")?
            .join("e2e-screenshots"),
    };
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir.join(name))
}
