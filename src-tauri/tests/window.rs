//! End to end: the built app in a real window on a virtual display, driven through WebDriver
//! (`siphon_testkit::desktop`: Xvfb, tauri-driver, WebKitWebDriver). scripts/setup installs
//! all three; a missing one fails these tests rather than skipping them.
//!
//! Screenshots go to `target/e2e-screenshots/`, or to `$SIPHON_SCREENSHOTS` when it is set.
//! With `SIPHON_E2E_USE_DISPLAY=1` the window opens on `$DISPLAY` instead of a private Xvfb.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use siphon_testkit::desktop::{self, Display, Driver, app_session};
use siphon_testkit::webdriver::{Session, json, key};

/// The app as cargo built it for this test.
const APP: &str = env!("CARGO_BIN_EXE_siphon-app");
/// How long the UI may take to show something after the window opened.
const UI_WAIT: Duration = Duration::from_secs(20);
/// A screenshot of a rendered window is tens of kilobytes; a blank one is far smaller.
const MIN_SCREENSHOT_BYTES: u64 = 5 * 1024;

fn screenshot_path(name: &str) -> PathBuf {
    desktop::screenshot_path(Path::new(env!("CARGO_TARGET_TMPDIR")), name)
        .expect("a folder for screenshots")
}

/// The app on a fresh display with a fresh data directory. Dropped in reverse order (the
/// session closes the app, then the driver and the display go), on a panic too.
struct Desktop {
    session: Session,
    driver: Driver,
    _display: Display,
    _data: tempfile::TempDir,
}

impl Desktop {
    fn open() -> Desktop {
        let data = tempfile::tempdir().expect("a data directory");
        let started = Instant::now();
        let display = Display::start().expect("a virtual display");
        let driver = Driver::start_with_env(&display, [("SIPHON_DATA_DIR", data.path())])
            .expect("tauri-driver");
        let driver_ready = started.elapsed();
        let data_arg = data.path().to_str().expect("a UTF-8 temporary path");
        let session = app_session(&driver, Path::new(APP), &["--data-dir", data_arg])
            .expect("a WebDriver session on the app");
        eprintln!(
            "window: Xvfb and tauri-driver up in {driver_ready:?}, the app's session in {:?} more",
            started.elapsed() - driver_ready
        );
        Desktop {
            session,
            driver,
            _display: display,
            _data: data,
        }
    }

    /// Closes the app and stops the driver, then checks that nothing it started is left.
    fn close(mut self) {
        self.session.delete().expect("deleting the session");
        self.driver.stop();
        let leftovers = self.driver.leftovers();
        assert!(
            leftovers.is_empty(),
            "processes outlived the driver: {leftovers:#?}"
        );
    }
}

#[test]
fn the_window_shows_the_app_name_and_version() {
    let desktop = Desktop::open();
    let s = &desktop.session;
    // The page says "Siphon" until the `app_info` command has answered.
    let expected = format!("Siphon {}", siphon::VERSION);
    s.wait_for_text("#title", UI_WAIT, |t| t == expected)
        .unwrap();
    assert!(s.find("#title").unwrap().is_displayed().unwrap());
    assert_eq!(s.title().unwrap(), expected);

    let png = screenshot_path("smoke.png");
    s.screenshot(&png).unwrap();
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        bytes.len() as u64 > MIN_SCREENSHOT_BYTES,
        "{} is only {} bytes: a blank window?",
        png.display(),
        bytes.len()
    );
    desktop.close();
}

/// The WebDriver client itself, on elements a script adds to the app's page.
#[test]
fn the_webdriver_client_types_clicks_and_runs_scripts() {
    let desktop = Desktop::open();
    let s = &desktop.session;
    s.wait_for("#title", UI_WAIT).unwrap();
    s.execute(
        r#"
        const input = document.createElement("input");
        input.id = "probe";
        input.setAttribute("data-kind", "probe");
        const button = document.createElement("button");
        button.id = "probe-button";
        button.textContent = "Probe";
        button.onclick = () => { button.textContent = "Clicked"; };
        window.probeKeys = [];
        input.addEventListener("keydown", (e) => {
            window.probeKeys.push((e.ctrlKey ? "ctrl+" : "") + e.key);
        });
        document.body.append(input, button);
        "#,
        &[],
    )
    .unwrap();

    let input = s.find("#probe").unwrap();
    assert_eq!(input.attr("data-kind").unwrap().as_deref(), Some("probe"));
    assert_eq!(input.attr("nonexistent").unwrap(), None);
    input.send_keys("hello").unwrap();
    s.keys(" world").unwrap();
    assert_eq!(input.property("value").unwrap(), json!("hello world"));
    s.key_chord(&[key::CONTROL, "k"]).unwrap();
    s.keys(key::ENTER).unwrap();
    let typed = s
        .execute("return window.probeKeys.slice(-2);", &[])
        .unwrap();
    assert_eq!(typed, json!(["ctrl+k", "Enter"]));

    let button = s.find("#probe-button").unwrap();
    button.click().unwrap();
    assert_eq!(button.text().unwrap(), "Clicked");
    assert_eq!(s.find_all("#probe, #probe-button").unwrap().len(), 2);

    let sum = s
        .execute_async(
            "const [a, b, done] = arguments; setTimeout(() => done(a + b), 10);",
            &[json!(2), json!(3)],
        )
        .unwrap();
    assert_eq!(sum, json!(5));
    let tag = s
        .execute("return arguments[0].tagName;", &[input.as_arg()])
        .unwrap();
    assert_eq!(tag, json!("INPUT"));
    assert!(s.source().unwrap().contains("probe-button"));

    let missing = s
        .wait_for("#no-such-thing", Duration::from_millis(300))
        .err()
        .expect("a selector that matches nothing fails");
    let message = format!("{missing:#}");
    assert!(message.contains("#no-such-thing"), "{message}");
    assert!(message.contains("<body"), "no page source in {message}");
    desktop.close();
}
