//! End to end: the built app in a real window (Xvfb, tauri-driver, WebKitWebDriver), against a
//! real dovecot on loopback, used as a person would: add the account through the first-run
//! form, see tickets arrive, work them from the keyboard, search, and watch new mail appear
//! while the window is open. Answering: a reply from a template, undone, then sent through a
//! real postfix into the customer's mailbox; a forward to a colleague's mailbox; a new
//! conversation written in its dialog, closed, taken up again and sent. Then hostile mail: opening it must make no request to a listener
//! its payloads aim at, and call no command, unless images were allowed for that sender.
//!
//! Screenshots of each step go to `target/e2e-screenshots/`, or `$SIPHON_SCREENSHOTS`
//! (`docs/screenshots/` when they are refreshed for the repository).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use siphon_testkit::desktop::{self, Display, Driver, app_session};
use siphon_testkit::dovecot::{Dovecot, Options};
use siphon_testkit::smtp::Smtp;
use siphon_testkit::webdriver::{Session, key};

const APP: &str = env!("CARGO_BIN_EXE_siphon-app");
/// Sync, threading and the first paint, on a busy 2-core machine.
const WAIT: Duration = Duration::from_secs(40);

fn shot(s: &Session, name: &str) {
    let path = desktop::screenshot_path(Path::new(env!("CARGO_TARGET_TMPDIR")), name).unwrap();
    s.screenshot(&path).unwrap();
}

fn mail(id: &str, from: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "Message-ID: <{id}>\r\nDate: Mon, 23 Nov 2026 09:{:02}:00 +0000\r\nFrom: {from}\r\nTo: support@acme.example\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        id.len() % 60
    )
    .into_bytes()
}

fn html_mail(id: &str, from: &str, subject: &str, html: &str) -> Vec<u8> {
    format!(
        "Message-ID: <{id}>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nFrom: {from}\r\nTo: support@acme.example\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n"
    )
    .into_bytes()
}

/// The app on its own display and driver; `data` is its workspace, `calls` its command log.
struct App {
    session: Session,
    driver: Driver,
    _display: Display,
    data: tempfile::TempDir,
    calls: PathBuf,
}

impl App {
    fn open(data: tempfile::TempDir) -> App {
        Self::open_with(data, &[])
    }

    /// The app with extra arguments after `--data-dir DIR`.
    fn open_with(data: tempfile::TempDir, args: &[&str]) -> App {
        let calls = data.path().join("calls.log");
        let display = Display::start().expect("a virtual display");
        let driver = Driver::start_with_env(
            &display,
            [
                ("SIPHON_DATA_DIR", data.path().as_os_str()),
                ("SIPHON_CALL_LOG", calls.as_os_str()),
            ],
        )
        .expect("tauri-driver");
        let dir = data.path().to_str().expect("a UTF-8 path").to_owned();
        let mut all = vec!["--data-dir", dir.as_str()];
        all.extend_from_slice(args);
        let session = app_session(&driver, Path::new(APP), &all).expect("the app's window");
        App {
            session,
            driver,
            _display: display,
            data,
            calls,
        }
    }

    fn calls(&self) -> String {
        std::fs::read_to_string(&self.calls).unwrap_or_default()
    }

    /// Waits until the list shows exactly `n` rows in all (its total).
    fn wait_total(&self, n: usize) {
        let s = &self.session;
        let got = s.wait_for_text("#list-total", WAIT, |t| {
            t.split_whitespace()
                .next()
                .and_then(|x| x.replace(',', "").parse::<usize>().ok())
                == Some(n)
        });
        assert!(
            got.is_ok(),
            "the list never showed {n} tickets: {:?}\n--- form fields: {:?}\n--- commands called:\n{}\n--- app log:\n{}",
            got.err(),
            self.session.execute(
                "return [...document.querySelectorAll('input')].map(i => i.id + '=' + i.value + (i.validity.valid ? '' : ' (invalid)'));",
                &[]
            ),
            self.calls(),
            self.driver.log_tail()
        );
    }

    /// Opens the ticket whose row mentions `text`, with a click as a person would; scrolls
    /// the list down until the row is rendered (only the visible rows are). A row whose page
    /// is still on its way is empty for a moment: the search is tried again until `WAIT`.
    fn open_row(&self, text: &str) {
        let deadline = std::time::Instant::now() + WAIT;
        while !self.try_open_row(text) {
            assert!(
                std::time::Instant::now() < deadline,
                "no row mentions {text:?}: {:?}",
                self.row_subjects()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn try_open_row(&self, text: &str) -> bool {
        let found = self.session.execute_async(
            "const [text, done] = arguments; const list = document.querySelector('#ticket-list'); list.scrollTop = 0; \
             const step = () => { const row = [...list.querySelectorAll('.row')].find(r => r.textContent.includes(text)); \
               if (row) { row.scrollIntoView({block: 'nearest'}); row.click(); done(true); return; } \
               if (list.scrollTop + list.clientHeight >= list.scrollHeight) { done(false); return; } \
               list.scrollTop += list.clientHeight / 2; setTimeout(step, 150); }; \
             setTimeout(step, 50);",
            &[serde_json::json!(text)],
        );
        found.ok() == Some(serde_json::json!(true))
    }

    /// Waits until the element `css` holds text (its DOM text, seen or not) that `ok` accepts;
    /// on a time-out, says what the app did.
    fn wait_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        let read = || {
            self.session
                .execute(
                    "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
                    &[serde_json::json!(css)],
                )
                .ok()
                .and_then(|v| v.as_str().map(String::from))
        };
        let waited = self
            .session
            .wait_until(WAIT, |_| read().is_some_and(|t| ok(&t)));
        match waited {
            Ok(()) => read().unwrap_or_default(),
            Err(e) => panic!(
                "{e:#}\n--- {css} now: {:?}\n--- commands called:\n{}\n--- app log:\n{}",
                read(),
                self.calls(),
                self.driver.log_tail()
            ),
        }
    }

    fn row_subjects(&self) -> Vec<String> {
        let v = self
            .session
            .execute(
                "return [...document.querySelectorAll('#ticket-list .row')].map(r => r.textContent);",
                &[],
            )
            .unwrap();
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[test]
fn a_person_adds_the_account_works_tickets_by_keyboard_and_sees_new_mail_arrive() {
    let d = Dovecot::start().expect("dovecot");
    let seeded = [
        (
            "e2e-1@customer.example",
            "Ana Costa <ana@customer.example>",
            "Export crashes with ERR_SYNC_TIMEOUT",
            "Every export since 4.2 crashes after a minute.",
        ),
        (
            "e2e-2@client.example",
            "Ben Okafor <ben@client.example>",
            "Refund for a double charge",
            "We were charged twice in November, please refund one.",
        ),
        (
            "e2e-3@shop.example",
            "Chloé Martin <chloe@shop.example>",
            "Mode sombre ?",
            "Bonjour, avez-vous prévu un mode sombre ?",
        ),
        (
            "e2e-4@toko.example",
            "Budi Santoso <budi@toko.example>",
            "Tidak bisa login",
            "Saya tidak bisa login setelah reset kata sandi.",
        ),
    ];
    for (id, from, subject, body) in seeded {
        d.append("support", "INBOX", &mail(id, from, subject, body))
            .unwrap();
    }
    let app = App::open(tempfile::tempdir().unwrap());
    let s = &app.session;

    // First run: the account form, tested, then saved; then who I am.
    s.wait_for("#welcome", WAIT).unwrap();
    shot(s, "01-first-run.png");
    let fill = |css: &str, text: &str| {
        let e = s.find(css).unwrap();
        e.clear().unwrap();
        e.send_keys(text).unwrap();
    };
    fill("#acct-name", "support");
    fill("#acct-email", "support@acme.example");
    fill("#acct-host", "127.0.0.1");
    fill("#acct-port", &d.imap_port().to_string());
    s.execute(
        "const e = document.querySelector('#acct-security'); e.value = 'plain'; e.dispatchEvent(new Event('change', {bubbles: true})); e.dispatchEvent(new Event('input', {bubbles: true}));",
        &[],
    )
    .unwrap();
    fill("#acct-user", "support");
    fill("#acct-password", "wrong password");
    s.find("#acct-test").unwrap().click().unwrap();
    // A wrong password is said plainly, and nothing is saved.
    s.wait_for_text("#acct-test-result", WAIT, |t| {
        t.to_lowercase().contains("password")
            || t.to_lowercase().contains("auth")
            || t.to_lowercase().contains("login")
    })
    .unwrap();
    fill("#acct-password", &d.password("support"));
    s.find("#acct-test").unwrap().click().unwrap();
    s.wait_for_text("#acct-test-result", WAIT, |t| t.contains("Connected"))
        .unwrap();
    shot(s, "02-account-tested.png");
    s.find("#acct-save").unwrap().click().unwrap();
    s.wait_for("#me-name", WAIT).unwrap();
    fill("#me-name", "Maya Chen");
    fill("#me-email", "maya@acme.example");
    s.find("#me-save").unwrap().click().unwrap();

    // Tickets appear as the first sync lands.
    app.wait_total(4);
    s.wait_for("#ticket-list .row", WAIT).unwrap();
    shot(s, "03-inbox.png");
    let config = std::fs::read_to_string(app.data.path().join("config.toml")).unwrap();
    assert!(
        !config.contains(&d.password("support")),
        "the password stays out of the config"
    );

    // Keyboard: open the top ticket, make it a bug, close it.
    s.execute(
        "document.activeElement && document.activeElement.blur()",
        &[],
    )
    .unwrap();
    s.keys("j").unwrap();
    s.keys("k").unwrap();
    s.keys(key::ENTER).unwrap();
    let view = s.wait_for("#ticket-view[data-id]", WAIT).unwrap();
    let id = view.attr("data-id").unwrap().unwrap();
    s.wait_for(".message iframe.message-body", WAIT).unwrap();
    shot(s, "04-ticket.png");
    s.keys("k").unwrap();
    s.keys("b").unwrap();
    s.wait_for_text("#ticket-kind", WAIT, |t| t.to_lowercase().contains("bug"))
        .unwrap();
    s.keys("e").unwrap();
    s.wait_for_text("#ticket-status", WAIT, |t| {
        t.to_lowercase().contains("closed")
    })
    .unwrap();
    s.wait_for_text("#history", WAIT, |t| t.contains("closed this"))
        .unwrap();
    shot(s, "05-closed-as-bug.png");
    let calls = app.calls();
    assert!(
        calls.contains(&format!("tickets_edit [\"{id}\"]")),
        "{calls}"
    );

    // Search: instant results in the query language.
    s.keys(key::ESCAPE).unwrap();
    s.keys("/").unwrap();
    s.keys("refund").unwrap();
    app.wait_total(1);
    s.wait_for_text("#ticket-list .row", WAIT, |t| {
        t.contains("Refund for a double charge")
    })
    .unwrap();
    shot(s, "06-search.png");
    s.keys(key::ESCAPE).unwrap();
    // Closing took one ticket out of the Open view.
    app.wait_total(3);

    // New mail while the window is open: pushed by IDLE, shown without a reload.
    d.append(
        "support",
        "INBOX",
        &mail(
            "e2e-5@new.example",
            "Dana Lee <dana@new.example>",
            "Webhook retries flood our endpoint",
            "Since yesterday each webhook is sent five times.",
        ),
    )
    .unwrap();
    app.wait_total(4);
    assert!(
        app.row_subjects()
            .iter()
            .any(|r| r.contains("Webhook retries")),
        "{:?}",
        app.row_subjects()
    );
    shot(s, "07-new-mail-arrived.png");
}

/// Counts connections to a loopback port: where every hostile payload points.
struct Listener {
    port: u16,
    hits: Arc<AtomicUsize>,
}

impl Listener {
    fn start() -> Listener {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        std::thread::spawn(move || {
            for conn in l.incoming().flatten() {
                counted.fetch_add(1, Ordering::SeqCst);
                let mut conn = conn;
                let mut buf = [0u8; 2048];
                let _ = conn.set_read_timeout(Some(Duration::from_millis(200)));
                let _ = conn.read(&mut buf);
                use std::io::Write;
                let _ = conn.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
            }
        });
        Listener { port, hits }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// Every trick in one place, aimed at the listener and at the app's own commands.
fn hostile_payloads(port: u16) -> Vec<(&'static str, String)> {
    let u = format!("http://127.0.0.1:{port}");
    let call = "window.__TAURI_INTERNALS__&&window.__TAURI_INTERNALS__.invoke('tickets_edit',{ids:['all'],edit:{tags_add:['pwned']}})";
    vec![
        ("script", format!("<p>Hi</p><script>{call};fetch('{u}/script')</script>")),
        ("onerror", format!("<img src=x onerror=\"{call};new Image().src='{u}/onerror'\">")),
        ("javascript link", format!("<a id=js href=\"javascript:{call}\">click me</a>")),
        ("svg", format!("<svg onload=\"{call}\"><image href=\"{u}/svg.png\"/><script>fetch('{u}/svg')</script></svg>")),
        ("mathml", format!("<math><mtext><table><mglyph><style><img src={u}/math onerror=\"{call}\"></style></mglyph></table></mtext></math>")),
        ("meta refresh", format!("<meta http-equiv=\"refresh\" content=\"0;url={u}/refresh\"><p>wait</p>")),
        ("css url", format!("<div style=\"background:url({u}/css.png)\">styled</div><style>body{{background:url({u}/style.png)}}</style>")),
        ("srcset", format!("<img srcset=\"{u}/a.png 1x, {u}/b.png 2x\" alt=pic>")),
        ("form", format!("<form action=\"{u}/form\" method=post><input name=q value=x><button id=go>Send</button></form><script>document.forms[0].submit()</script>")),
        ("iframe", format!("<iframe src=\"{u}/frame\"></iframe><object data=\"{u}/obj\"></object><embed src=\"{u}/embed\">")),
        ("link stylesheet", format!("<link rel=stylesheet href=\"{u}/sheet.css\"><base href=\"{u}/\">")),
        ("ipc fetch", "<img src=\"http://ipc.localhost/tickets_edit\"><img src=\"ipc://localhost/tickets_edit\"><script>fetch('http://ipc.localhost/tickets_edit',{method:'POST',body:'{}'})</script>".to_string()),
        ("remote image", format!("<p>Our newsletter</p><img src=\"{u}/pixel.gif\" alt=\"tracking pixel\">")),
    ]
}

#[test]
fn hostile_mail_reaches_nothing_and_calls_nothing_until_images_are_allowed() {
    let d = Dovecot::start().expect("dovecot");
    let listener = Listener::start();
    let payloads = hostile_payloads(listener.port);
    for (i, (name, html)) in payloads.iter().enumerate() {
        let from = if *name == "remote image" {
            "News <news@letters.example>".to_string()
        } else {
            format!("Mallory {i} <mallory{i}@evil.example>")
        };
        d.append(
            "support",
            "INBOX",
            &html_mail(
                &format!("hostile-{i}@evil.example"),
                &from,
                &format!("Hostile {i}: {name}"),
                html,
            ),
        )
        .unwrap();
    }
    // A configured workspace (the first-run form is the other test's): the password from a command.
    let data = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("config.toml"),
        format!(
            "[me]\nname = \"Maya Chen\"\nemail = \"maya@acme.example\"\n\n[[account]]\nname = \"support\"\nemail = \"support@acme.example\"\n\n[account.imap]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"plain\"\nuser = \"support\"\npassword_cmd = \"printf %s '{}'\"\n",
            d.imap_port(),
            d.password("support")
        ),
    )
    .unwrap();
    let app = App::open(data);
    let s = &app.session;
    app.wait_total(payloads.len());

    // Open every hostile message, and click what can be clicked inside it.
    for (i, (name, _)) in payloads.iter().enumerate() {
        let subject = format!("Hostile {i}: {name}");
        app.open_row(&subject);
        app.wait_text("#ticket-view .ticket-subject", |t| t.contains(&subject));
        s.wait_for(".message iframe.message-body", WAIT).unwrap();
        // Clicks inside the message: links and buttons, as a person might.
        s.execute(
            "for (const f of document.querySelectorAll('iframe.message-body')) { const doc = f.contentDocument; if (!doc) continue; for (const el of doc.querySelectorAll('a, button, input')) { el.click(); } }",
            &[],
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(700));
        if s.exists("#link-confirm").unwrap() {
            // The real target is shown first; declining opens nothing.
            s.keys(key::ESCAPE).unwrap();
        }
        if i == 0 {
            shot(s, "08-hostile-script.png");
        }
    }
    std::thread::sleep(Duration::from_secs(2));
    let calls = app.calls();
    assert_eq!(
        listener.hits(),
        0,
        "a hostile payload reached the listener; calls:\n{calls}"
    );
    assert!(
        !calls.contains("pwned"),
        "a hostile payload called a command:\n{calls}"
    );
    assert!(
        !calls.contains("open_link"),
        "a link opened without the person's yes:\n{calls}"
    );
    assert!(
        !calls.contains("tickets_edit"),
        "nothing here changes a ticket:\n{calls}"
    );
    let ok = [
        "app_info",
        "sidebar",
        "list_open",
        "ticket_open",
        "message_body",
        "take_pending_opens",
        "default_save_path",
    ];
    for line in calls.lines() {
        let name = line.split_whitespace().next().unwrap_or_default();
        assert!(
            ok.contains(&name),
            "unexpected command call {line:?} in:\n{calls}"
        );
    }

    // The newsletter's images stay blocked until the person allows them for that sender.
    let subject = "Hostile 12: remote image";
    app.open_row(subject);
    app.wait_text("#ticket-view .ticket-subject", |t| t.contains(subject));
    s.wait_for("#images-bar", WAIT).unwrap();
    shot(s, "09-images-blocked.png");
    assert_eq!(listener.hits(), 0);
    s.find("#images-always").unwrap().click().unwrap();
    let loaded = s.wait_until(WAIT, |_| listener.hits() > 0);
    assert!(
        loaded.is_ok(),
        "allowed images never loaded; calls:\n{}",
        app.calls()
    );
    assert!(app.calls().contains("images_always news@letters.example"));
}

#[test]
fn the_demo_opens_without_an_account_and_a_siphon_link_opens_its_ticket() {
    let data = tempfile::tempdir().unwrap();
    let app = App::open_with(data, &["--demo"]);
    let s = &app.session;
    app.wait_text("#list-total", |t| t.trim() != "0" && !t.trim().is_empty());
    s.wait_for("#demo-banner", WAIT).unwrap();
    s.wait_for("#ticket-list .row[data-id]", WAIT).unwrap();
    shot(s, "10-demo.png");
    // The command palette lists every action with its shortcut; ? shows the sheet.
    s.key_chord(&[key::CONTROL, "k"]).unwrap();
    s.wait_for("#palette .palette-item", WAIT).unwrap();
    shot(s, "11-palette.png");
    s.keys(key::ESCAPE).unwrap();
    s.keys("?").unwrap();
    s.wait_for("#shortcuts", WAIT).unwrap();
    shot(s, "12-shortcuts.png");
    s.keys(key::ESCAPE).unwrap();
    reports_chart_the_demo_and_export_it(&app);
    // The French export-error conversation (an Outlook HTML mail with quoted history).
    s.keys("/").unwrap();
    s.keys("classeur").unwrap();
    app.wait_text("#ticket-list .row[data-id]", |t| t.contains("E-4107"));
    let id = s
        .find("#ticket-list .row[data-id]")
        .unwrap()
        .attr("data-id")
        .unwrap()
        .unwrap();
    let App {
        mut session,
        driver,
        _display,
        data,
        calls,
    } = app;
    session.delete().unwrap();
    driver
        .wait_until_gone(Path::new(APP), WAIT)
        .expect("the first app closes");

    // A siphon://ticket/ID link at launch opens that ticket.
    let dir = data.path().to_str().unwrap().to_owned();
    let link = format!("siphon://ticket/{id}");
    let session = app_session(
        &driver,
        Path::new(APP),
        &["--data-dir", &dir, "--demo", &link],
    )
    .expect("the app's window");
    let app = App {
        session,
        driver,
        _display,
        data,
        calls,
    };
    app.wait_text("#ticket-view[data-id] .ticket-subject", |t| {
        t.contains("E-4107")
    });
    let shown = app
        .session
        .find("#ticket-view[data-id]")
        .unwrap()
        .attr("data-id")
        .unwrap();
    assert_eq!(shown.as_deref(), Some(id.as_str()));
    app.session
        .wait_for(".message iframe.message-body", WAIT)
        .unwrap();
    // Three messages: the first and the latest open, the reply between folded to a line.
    let folded = app.session.find_all(".message.folded").unwrap();
    assert_eq!(folded.len(), 1);
    let line = folded[0].property("textContent").unwrap();
    assert!(
        line.as_str().is_some_and(|t| t.contains("de Brindle")),
        "{line:?}"
    );
    assert_eq!(app.session.find_all(".message iframe").unwrap().len(), 2);
    shot(&app.session, "13-demo-link-opened.png");
    // `;` shows every message.
    app.session.keys(";").unwrap();
    app.session
        .wait_until(WAIT, |s| {
            s.find_all(".message iframe.message-body")
                .is_ok_and(|f| f.len() == 3)
                && s.exists(".message.folded").is_ok_and(|f| !f)
        })
        .expect("every message shown after ;");
}

/// Reports from the keyboard (g): the last 90 days hold all the demo's mail (dated relative to
/// its import), so the charts have bars and the agent table rows; then an XLSX export to a
/// typed path, with its result.
fn reports_chart_the_demo_and_export_it(app: &App) {
    let s = &app.session;
    s.keys("g").unwrap();
    let before = app.wait_text("#reports .period-label", |t| !t.is_empty());
    s.execute(
        "const e = document.querySelector('#report-period'); e.value = 'last-90-days'; \
         e.dispatchEvent(new Event('change', { bubbles: true }));",
        &[],
    )
    .unwrap();
    app.wait_text("#reports .period-label", |t| t != before);
    s.wait_for("#reports svg .bar", WAIT).unwrap();
    assert!(!s.find_all("#chart-created svg .bar").unwrap().is_empty());
    s.wait_for("#report-agents tbody tr", WAIT).unwrap();
    assert!(!s.find_all("#report-agents tbody tr").unwrap().is_empty());
    shot(s, "21-reports.png");

    let out = app.data.path().join("demo-report.xlsx");
    let field = s.find("#export-path").unwrap();
    field.clear().unwrap();
    field.send_keys(out.to_str().unwrap()).unwrap();
    s.find("#export-run").unwrap().click().unwrap();
    let said = app.wait_text("#export-result", |t| t.contains("Wrote"));
    assert!(said.contains("demo-report.xlsx"), "{said}");
    assert!(std::fs::metadata(&out).unwrap().len() > 0);
    shot(s, "22-report-export.png");
    s.find("#reports-close").unwrap().click().unwrap();
    s.wait_for("#ticket-list .row[data-id]", WAIT).unwrap();
}

#[test]
fn a_person_replies_with_a_template_undoes_it_then_sends_it_to_the_customer() {
    const SUPPORT: &str = "support@acme.test";
    const MARIE: &str = "marie@client.test";
    const JO: &str = "jo@client.test";
    let users = [SUPPORT, MARIE, JO]
        .iter()
        .map(|u| (u.to_string(), format!("pw-{u}")))
        .collect();
    let d = Dovecot::start_with(Options {
        users,
        ..Options::default()
    })
    .expect("dovecot");
    let smtp = Smtp::start(&d).expect("postfix");
    d.append(
        SUPPORT,
        "INBOX",
        b"Message-ID: <export-fails@client.test>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n\
          From: Marie Dupont <marie@client.test>\r\nTo: support@acme.test\r\n\
          Subject: Export to Excel fails\r\nMIME-Version: 1.0\r\n\
          Content-Type: text/plain; charset=utf-8\r\n\r\n\
          Hello,\r\nsince 4.2 the export to Excel fails with an error.\r\n",
    )
    .unwrap();
    // A configured workspace: IMAP and SMTP on loopback, a short undo window.
    let data = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("config.toml"),
        format!(
            "[me]\nname = \"Maya Chen\"\nemail = \"maya@acme.test\"\n\n[send]\nundo_seconds = 3\n\n\
             [[account]]\nname = \"support\"\ndisplay_name = \"Acme\"\nemail = \"{SUPPORT}\"\n\n\
             [account.imap]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"plain\"\nuser = \"{SUPPORT}\"\n\
             password_cmd = \"printf %s '{}'\"\n\n\
             [account.smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"plain\"\n",
            d.imap_port(),
            d.password(SUPPORT),
            smtp.port()
        ),
    )
    .unwrap();
    let app = App::open(data);
    let s = &app.session;
    app.wait_total(1);
    app.open_row("Export to Excel fails");
    s.wait_for(".message iframe.message-body", WAIT).unwrap();
    s.execute("document.getElementById('ticket-view').focus()", &[])
        .unwrap();

    // r opens the composer; the chord opens the template picker even while typing.
    s.keys("r").unwrap();
    s.wait_for("#composer[data-mode=reply] #composer-input", WAIT)
        .unwrap();
    s.key_chord(&[key::CONTROL, key::SHIFT, "t"]).unwrap();
    s.wait_for("#template-picker .template-item", WAIT).unwrap();
    // The query goes to the picker's own field, which took the focus.
    s.wait_until(WAIT, |s| {
        s.execute(
            "return document.activeElement && document.activeElement.id",
            &[],
        )
        .ok()
            == Some(serde_json::json!("template-query"))
    })
    .unwrap();
    s.keys("bugack").unwrap();
    app.wait_text("#template-list .template-item.active", |t| {
        t.contains("Bug acknowledged")
    });
    shot(s, "14-template-picker.png");
    s.keys(key::ENTER).unwrap();
    let draft = || -> String {
        s.execute(
            "const e = document.querySelector('#composer-input'); return e ? e.value : null;",
            &[],
        )
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
    };
    let wait_draft = |what: &str| {
        if let Err(e) = s.wait_until(WAIT, |_| draft().contains("Marie")) {
            panic!(
                "{what}: {e:#}\n--- draft: {:?}\n--- toasts: {:?}\n--- commands called:\n{}\n--- app log:\n{}",
                draft(),
                s.execute("return document.getElementById('toast').textContent", &[]),
                app.calls(),
                app.driver.log_tail()
            );
        }
    };
    wait_draft("the template never filled the composer");
    assert!(!draft().contains("{{"), "{}", draft());
    assert!(!s.exists("#composer-send[disabled]").unwrap());
    shot(s, "15-composer-template.png");

    // Send, then undo within the window: the draft comes back and nothing leaves.
    s.key_chord(&[key::CONTROL, key::ENTER]).unwrap();
    s.wait_for("#undo-bar #undo-send", WAIT).unwrap();
    s.keys("z").unwrap();
    wait_draft("undo never brought the draft back");
    assert!(!s.exists("#undo-bar").unwrap());
    assert!(app.calls().contains("outbox_cancel"), "{}", app.calls());
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(
        d.message_ids(MARIE, "INBOX").unwrap_or_default(),
        Vec::<(u32, String)>::new(),
        "an undone reply was delivered"
    );
    assert!(!s.exists("#ticket-outgoing .outgoing-item").unwrap());

    // Send again: the ticket shows it waiting, then sent.
    s.key_chord(&[key::CONTROL, key::ENTER]).unwrap();
    // The countdown starts at the configured window (3 s), not the default 10 s.
    s.wait_for_text("#undo-bar #undo-text", WAIT, |t| {
        t.strip_prefix("Sending in ")
            .and_then(|r| r.trim_end_matches(" s").parse::<u32>().ok())
            .is_some_and(|n| n <= 3)
    })
    .unwrap();
    s.wait_for("#ticket-outgoing .outgoing-item[data-state=queued]", WAIT)
        .unwrap();
    shot(s, "16-undo-bar.png");
    let sent = s
        .wait_for("#ticket-outgoing .outgoing-item[data-state=sent]", WAIT)
        .unwrap();
    let message_id = sent.attr("data-message-id").unwrap().unwrap();
    app.wait_text("#ticket-kind", |t| t.to_lowercase().contains("bug"));
    shot(s, "17-reply-sent.png");
    smtp.wait_delivered(&d, MARIE, "INBOX", &message_id, WAIT)
        .unwrap();
    let delivered = d.message_ids(MARIE, "INBOX").unwrap();
    assert_eq!(
        delivered
            .iter()
            .filter(|(_, m)| *m == format!("<{message_id}>"))
            .count(),
        1,
        "{delivered:?}"
    );
    assert_eq!(delivered.len(), 1, "{delivered:?}");

    // The outbox lists it too.
    s.find("#outbox-open").unwrap().click().unwrap();
    // (Once its copy is synced back from Sent, the ticket shows the real message instead.)
    s.wait_for("#outbox #outbox-list, #outbox #outbox-empty", WAIT)
        .unwrap();
    shot(s, "18-outbox.png");
    s.keys(key::ESCAPE).unwrap();

    forward_to_a_colleague(&app, &d, &smtp, JO);
    start_a_new_conversation(&app, &d, &smtp, MARIE);
}

/// The id of the focused element.
fn focused(s: &Session) -> Option<String> {
    s.execute(
        "return document.activeElement && document.activeElement.id",
        &[],
    )
    .ok()
    .and_then(|v| v.as_str().map(String::from))
}

/// Waits until the element `id` has the focus; on a time-out, says which has it.
fn wait_focus(app: &App, id: &str) {
    let s = &app.session;
    if let Err(e) = s.wait_until(WAIT, |s| focused(s).as_deref() == Some(id)) {
        panic!(
            "#{id} never took the focus: {e:#}\n--- focus on: {:?}\n--- commands called:\n{}",
            focused(s),
            app.calls()
        );
    }
}

/// The Message-ID of the message just sent to `to`, from its undo bar (while it can be undone).
fn undo_bar_message_id(app: &App, to: &str) -> String {
    app.wait_text("#undo-bar", |t| t.contains(to));
    app.session
        .execute(
            "const e = document.getElementById('undo-bar'); return e && e.dataset.messageId;",
            &[],
        )
        .unwrap()
        .as_str()
        .expect("the undo bar names its message")
        .to_owned()
}

/// f on the open ticket: the composer in forward mode starts in To; nobody in it is refused in
/// the composer itself; the forward leaves after the undo window with the message attached.
fn forward_to_a_colleague(app: &App, d: &Dovecot, smtp: &Smtp, jo: &str) {
    let s = &app.session;
    s.execute("document.getElementById('ticket-view').focus()", &[])
        .unwrap();
    s.keys("f").unwrap();
    s.wait_for("#composer[data-mode=forward] #composer-to", WAIT)
        .unwrap();
    wait_focus(app, "composer-to");
    // Letters typed into To stay letters (no shortcut fires), and a send without anyone in To
    // is refused where the person looks.
    s.key_chord(&[key::CONTROL, key::ENTER]).unwrap();
    app.wait_text("#composer-error", |t| t.contains("Who is it to?"));
    s.keys(jo).unwrap();
    s.wait_until(WAIT, |s| !s.exists("#composer-error").unwrap_or(true))
        .unwrap();
    s.find("#composer-input").unwrap().click().unwrap();
    s.keys("Jo, could you look at this export error?").unwrap();
    let to = s.find("#composer-to").unwrap().property("value").unwrap();
    assert_eq!(to, serde_json::json!(jo));
    shot(s, "19-forward.png");
    s.key_chord(&[key::CONTROL, key::ENTER]).unwrap();
    let message_id = undo_bar_message_id(app, jo);
    let uid = smtp
        .wait_delivered(d, jo, "INBOX", &message_id, WAIT)
        .unwrap();
    let text = d
        .doveadm(&[
            "fetch",
            "-u",
            jo,
            "text",
            "mailbox",
            "INBOX",
            "uid",
            &uid.to_string(),
        ])
        .unwrap();
    assert!(
        text.contains("Subject: Fwd: Export to Excel fails"),
        "{text}"
    );
    assert!(text.contains("message/rfc822"), "{text}");
    assert!(text.contains("export-fails@client.test"), "{text}");
    assert!(
        text.contains("could you look at this export error?"),
        "{text}"
    );
    assert!(app.calls().contains("forward "), "{}", app.calls());
}

/// c: the new-conversation dialog. Escape keeps the draft; c again takes it up; Ctrl-Enter
/// sends it from the account's address.
fn start_a_new_conversation(app: &App, d: &Dovecot, smtp: &Smtp, to: &str) {
    let s = &app.session;
    s.execute("document.getElementById('ticket-view').focus()", &[])
        .unwrap();
    s.keys("c").unwrap();
    s.wait_for("#new-conversation #new-from", WAIT).unwrap();
    wait_focus(app, "new-to");
    s.keys(to).unwrap();
    s.find("#new-subject").unwrap().click().unwrap();
    s.keys("Your export fix is in 4.2.1").unwrap();
    s.find("#new-body").unwrap().click().unwrap();
    s.keys("Hello Marie,").unwrap();
    s.keys(key::ENTER).unwrap();
    s.keys("the fix for the export is out in 4.2.1.").unwrap();
    // Enter in a field is a new line or nothing; only Ctrl-Enter sends.
    s.find("#new-subject").unwrap().click().unwrap();
    s.keys(key::ENTER).unwrap();
    assert!(s.exists("#new-conversation").unwrap());
    // Escape closes the dialog and keeps what was written.
    s.keys(key::ESCAPE).unwrap();
    s.wait_until(WAIT, |s| !s.exists("#new-conversation").unwrap_or(true))
        .unwrap();
    s.execute("document.getElementById('ticket-view').focus()", &[])
        .unwrap();
    s.keys("c").unwrap();
    s.wait_for("#new-conversation #new-to", WAIT).unwrap();
    let kept = s.find("#new-subject").unwrap().property("value").unwrap();
    assert_eq!(kept, serde_json::json!("Your export fix is in 4.2.1"));
    let from = s.find("#new-from").unwrap().property("value").unwrap();
    assert_eq!(from, serde_json::json!("support"));
    shot(s, "20-new-conversation.png");
    s.key_chord(&[key::CONTROL, key::ENTER]).unwrap();
    s.wait_until(WAIT, |s| !s.exists("#new-conversation").unwrap_or(true))
        .unwrap();
    let message_id = undo_bar_message_id(app, to);
    smtp.wait_delivered(d, to, "INBOX", &message_id, WAIT)
        .unwrap();
    assert!(
        app.calls().contains("compose_new support"),
        "{}",
        app.calls()
    );
}
