//! The built app in a window on the bench's virtual display: a fresh tauri-driver (with its own
//! `HOME`, D-Bus session and process group) for every launch, so that every start is a new
//! process and nothing of the last one is left holding the workspace.
//!
//! A cold start is timed from just before the WebDriver session is asked for (which launches
//! the app) until the page says it is ready: `data-ready="1"` on `<html>`, set once the first
//! ticket list has painted (or the first-run screen is up). The page is asked every 10 ms.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use siphon_testkit::desktop::{Display, Driver, app_session};
use siphon_testkit::webdriver::Session;

/// How long a launch may take until the page is ready.
const READY_WAIT: Duration = Duration::from_secs(120);
/// Between two questions to the page while it starts.
const READY_POLL: Duration = Duration::from_millis(10);

/// What the page reports while it starts: whether it is ready, and the marks and navigation
/// timings it has (milliseconds since the navigation started).
const READY_PROBE: &str = r##"
const list = performance.getEntriesByName("siphon:list-painted")[0];
const nav = performance.getEntriesByType("navigation")[0];
return {
  ready: document.documentElement.dataset.ready === "1",
  list_painted_ms: list ? list.startTime : null,
  dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
  time_origin_ms: performance.timeOrigin,
  welcome: !!document.getElementById("welcome"),
  list: !!document.getElementById("ticket-list"),
};
"##;

/// What the app should show once it is ready.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Screen {
    /// The first-run screen, on an empty data dir.
    Welcome,
    /// The ticket list of a workspace.
    List,
}

/// The app in a window. The session goes first (closing the app), then the driver.
pub struct Window {
    pub session: Session,
    pub driver: Driver,
}

impl Window {
    /// The driver's `HOME`, which the app and WebKit's processes inherit.
    pub fn home(&self) -> PathBuf {
        self.driver.dir().join("home")
    }

    /// Closes the app and stops the driver; says what outlived it.
    pub fn close(mut self) -> Vec<String> {
        let _ = self.session.delete();
        self.driver.stop();
        self.driver.leftovers()
    }
}

/// How long one launch took to be ready.
pub struct Started {
    /// From asking for the session until the session existed (the app launched, its page
    /// connected to WebKitWebDriver).
    pub session: Duration,
    /// From asking for the session until the page said it was ready.
    pub ready: Duration,
    /// From asking for the session until the page's navigation started (the page's
    /// `performance.timeOrigin` against the wall clock at the launch): the app's own start
    /// before the page, apart from the page's.
    pub navigation: Option<Duration>,
    /// `siphon:list-painted`, in ms since the navigation started (None on the first-run screen).
    pub list_painted_ms: Option<f64>,
    pub dom_content_loaded_ms: Option<f64>,
}

impl Started {
    pub fn json(&self) -> Value {
        json!({
            "session_s": crate::common::secs(self.session),
            "ready_s": crate::common::secs(self.ready),
            "navigation_s": self.navigation.map(crate::common::secs),
            "list_painted_ms": self.list_painted_ms.map(crate::report::round2),
            "dom_content_loaded_ms": self.dom_content_loaded_ms.map(crate::report::round2),
        })
    }
}

/// Launches `app` on `data` and waits until it shows `screen`.
pub fn launch(
    display: &Display,
    app: &Path,
    data: &Path,
    screen: Screen,
) -> Result<(Window, Started)> {
    let driver = Driver::start_with_env(display, [("SIPHON_DATA_DIR", data)])
        .context("starting tauri-driver")?;
    let data_arg = data
        .to_str()
        .with_context(|| format!("{} is not UTF-8", data.display()))?;
    let start = Instant::now();
    let launched = SystemTime::now();
    let session = app_session(&driver, app, &["--data-dir", data_arg])?;
    let session_at = start.elapsed();
    let window = Window { session, driver };
    let probe = loop {
        // Until the page has loaded a script may fail; that is "not ready yet".
        if let Ok(probe) = window.session.execute(READY_PROBE, &[])
            && probe["ready"] == json!(true)
        {
            break probe;
        }
        if start.elapsed() > READY_WAIT {
            bail!(
                "the app was not ready {READY_WAIT:?} after its launch; the driver's log:\n{}",
                window.driver.log_tail()
            );
        }
        std::thread::sleep(READY_POLL);
    };
    let ready = start.elapsed();
    let shows = match (
        probe["welcome"] == json!(true),
        probe["list"] == json!(true),
    ) {
        (true, _) => Screen::Welcome,
        (false, true) => Screen::List,
        (false, false) => bail!("the app is ready but shows neither #welcome nor #ticket-list"),
    };
    if shows != screen {
        bail!(
            "the app shows {shows:?} where {screen:?} was expected (data dir {})",
            data.display()
        );
    }
    let started = Started {
        session: session_at,
        ready,
        list_painted_ms: probe["list_painted_ms"].as_f64(),
        navigation: probe["time_origin_ms"].as_f64().and_then(|origin| {
            let launched = launched.duration_since(UNIX_EPOCH).ok()?.as_secs_f64() * 1e3;
            Some(Duration::from_secs_f64((origin - launched).max(0.0) / 1e3))
        }),
        dom_content_loaded_ms: probe["dom_content_loaded_ms"].as_f64(),
    };
    Ok((window, started))
}

/// Lets the page settle: no timers of ours, two animation frames, then `pause`.
pub fn settle(session: &Session, pause: Duration) {
    let _ = session.execute_async(
        "const done = arguments[arguments.length - 1];
         requestAnimationFrame(() => requestAnimationFrame(() => done(null)));",
        &[],
    );
    std::thread::sleep(pause);
}
