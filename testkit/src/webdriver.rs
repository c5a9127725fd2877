//! A small, blocking W3C WebDriver client (<https://www.w3.org/TR/webdriver2/>).
//!
//! Enough of the protocol to drive the desktop app through `tauri-driver` (see
//! [`crate::desktop`]): sessions, finding elements by CSS selector (with polling, since the UI
//! renders asynchronously), clicks, typing, keyboard chords through the Actions API, scripts,
//! screenshots. Each command is one HTTP/1.1 request on a fresh `std::net::TcpStream`; the
//! response body is read by `Content-Length`, chunked encoding or to the end of the stream.
//! No HTTP client crate, no async runtime.
//!
//! Errors are `anyhow` errors that carry the command and the remote end's `error` and
//! `message` (WebDriver §6.6); a selector that never matched names the selector and quotes the
//! start of the page source.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
// Scripts take and return JSON; re-exported so tests need no dependency of their own.
pub use serde_json::{Value, json};

/// The key of an element reference in JSON (WebDriver §12.1, "web element identifier").
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long `find` waits for a selector to match unless the session was told otherwise.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(10);
/// How long one command may take; a new session starts the app, so it gets longer.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
const NEW_SESSION_TIMEOUT: Duration = Duration::from_secs(120);
/// Between two tries of a condition that doesn't hold yet.
const POLL: Duration = Duration::from_millis(100);
/// How many characters of page source an error quotes.
const SOURCE_SNIPPET: usize = 1500;

/// Special keys, as the code points WebDriver assigns them (§17.4.2, "keyboard actions").
pub mod key {
    pub const BACKSPACE: &str = "\u{E003}";
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const SHIFT: &str = "\u{E008}";
    pub const CONTROL: &str = "\u{E009}";
    pub const ALT: &str = "\u{E00A}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const SPACE: &str = "\u{E00D}";
    pub const PAGE_UP: &str = "\u{E00E}";
    pub const PAGE_DOWN: &str = "\u{E00F}";
    pub const END: &str = "\u{E010}";
    pub const HOME: &str = "\u{E011}";
    pub const LEFT: &str = "\u{E012}";
    pub const UP: &str = "\u{E013}";
    pub const RIGHT: &str = "\u{E014}";
    pub const DOWN: &str = "\u{E015}";
    pub const DELETE: &str = "\u{E017}";
    pub const META: &str = "\u{E03D}";
}

/// A WebDriver session. Dropping it deletes the session (which closes the app).
pub struct Session {
    addr: SocketAddr,
    id: String,
    wait: Duration,
    deleted: bool,
}

/// An element of the page, found by a selector (which errors quote).
pub struct Element<'s> {
    session: &'s Session,
    id: String,
    selector: String,
}

impl Session {
    /// Starts a session on the remote end at `addr` with these capabilities: the whole body of
    /// the New Session command, e.g. `{"capabilities": {"alwaysMatch": {...}}}`.
    pub fn new(addr: SocketAddr, capabilities: &Value) -> Result<Session> {
        let value = command(
            addr,
            "POST",
            "/session",
            Some(capabilities),
            NEW_SESSION_TIMEOUT,
        )
        .context("starting a WebDriver session")?;
        let id = value["sessionId"]
            .as_str()
            .ok_or_else(|| anyhow!("the new session has no sessionId: {value}"))?
            .to_owned();
        Ok(Session {
            addr,
            id,
            wait: DEFAULT_WAIT,
            deleted: false,
        })
    }

    /// The session id the remote end gave.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Sets how long [`Session::find`] waits for a selector to match.
    pub fn set_wait(&mut self, wait: Duration) {
        self.wait = wait;
    }

    /// Ends the session. Idempotent; also done on drop.
    pub fn delete(&mut self) -> Result<()> {
        if self.deleted {
            return Ok(());
        }
        self.deleted = true;
        let path = format!("/session/{}", self.id);
        command(self.addr, "DELETE", &path, None, COMMAND_TIMEOUT).map(drop)
    }

    /// The first element matching a CSS selector, waiting up to the session's wait time.
    pub fn find(&self, css: &str) -> Result<Element<'_>> {
        self.wait_for(css, self.wait)
    }

    /// The first element matching a CSS selector, waiting up to `timeout` for one to appear.
    pub fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element<'_>> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.try_find(css)? {
                Some(element) => return Ok(element),
                None if Instant::now() >= deadline => {
                    bail!(
                        "no element matches {css:?} after {timeout:?}; the page:\n{}",
                        self.source_snippet()
                    )
                }
                None => std::thread::sleep(POLL),
            }
        }
    }

    /// Waits until the text of the element matching `css` satisfies `want`, and returns it.
    /// The element is looked up afresh each time, so a UI that re-renders it is fine.
    pub fn wait_for_text(
        &self,
        css: &str,
        timeout: Duration,
        mut want: impl FnMut(&str) -> bool,
    ) -> Result<String> {
        let deadline = Instant::now() + timeout;
        let mut last = None;
        loop {
            // A stale element (the UI replaced it between find and read) counts as no text.
            if let Some(text) = self.try_find(css)?.and_then(|e| e.text().ok()) {
                if want(&text) {
                    return Ok(text);
                }
                last = Some(text);
            }
            if Instant::now() >= deadline {
                let seen = match last {
                    Some(text) => format!("its text was {text:?}"),
                    None => "nothing matched".to_owned(),
                };
                bail!(
                    "{css:?} never showed the text waited for within {timeout:?} ({seen}); \
                     the page:\n{}",
                    self.source_snippet()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Every element matching a CSS selector right now (maybe none).
    pub fn find_all(&self, css: &str) -> Result<Vec<Element<'_>>> {
        let found = self.post("elements", &locator(css))?;
        let list = found
            .as_array()
            .ok_or_else(|| anyhow!("Find Elements returned no list: {found}"))?;
        list.iter()
            .map(|e| self.element(e, css))
            .collect::<Result<_>>()
    }

    /// Whether a CSS selector matches anything right now.
    pub fn exists(&self, css: &str) -> Result<bool> {
        Ok(self.try_find(css)?.is_some())
    }

    /// Types text into whatever has the focus, key by key, through the Actions API. Special
    /// keys from [`key`] may be mixed in (`"hello\u{E007}"` ends with Enter).
    pub fn keys(&self, text: &str) -> Result<()> {
        let mut actions = Vec::new();
        for c in text.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        self.perform_keys(actions)
    }

    /// Presses keys together and lets go in reverse order: `key_chord(&[key::CONTROL, "k"])`.
    pub fn key_chord(&self, keys: &[&str]) -> Result<()> {
        for k in keys {
            ensure!(k.chars().count() == 1, "{k:?} is not a single key");
        }
        let down = keys.iter().map(|k| json!({"type": "keyDown", "value": k}));
        let up = keys
            .iter()
            .rev()
            .map(|k| json!({"type": "keyUp", "value": k}));
        self.perform_keys(down.chain(up).collect())
    }

    /// Runs a script synchronously in the page; `args` are its `arguments`. Returns what it
    /// returns (elements come back as `{"element-6066-…": id}` objects).
    pub fn execute(&self, script: &str, args: &[Value]) -> Result<Value> {
        self.post("execute/sync", &json!({"script": script, "args": args}))
            .with_context(|| format!("running the script {}", abbreviate(script, 200)))
    }

    /// Runs a script that finishes by calling its last argument (the callback) with the result.
    pub fn execute_async(&self, script: &str, args: &[Value]) -> Result<Value> {
        self.post("execute/async", &json!({"script": script, "args": args}))
            .with_context(|| format!("running the async script {}", abbreviate(script, 200)))
    }

    /// Saves a screenshot of the window as PNG, creating the parent directories.
    pub fn screenshot(&self, path: &Path) -> Result<()> {
        // WebKitGTK hands out the last frame it painted, which may predate the latest DOM
        // change: let two animation frames pass first (or a second, in a hidden window).
        let _ = self.execute_async(
            "const done = arguments[0]; setTimeout(done, 1000);
             requestAnimationFrame(() => requestAnimationFrame(() => done()));",
            &[],
        );
        // Without compositing (no GPU), WebKit answers a screenshot after the next paint, and a
        // page at rest never paints again: keep one invisible pixel changing for a second.
        let _ = self.execute(
            "const dot = document.createElement('div');
             dot.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;opacity:0;pointer-events:none';
             document.documentElement.append(dot);
             let n = 0;
             const step = () => {
               dot.style.opacity = n % 2 ? '0' : '0.004';
               if (++n < 60) requestAnimationFrame(step); else dot.remove();
             };
             requestAnimationFrame(step);",
            &[],
        );
        let value = self.get("screenshot")?;
        let encoded = value
            .as_str()
            .ok_or_else(|| anyhow!("Take Screenshot returned no string"))?;
        let png = BASE64
            .decode(encoded)
            .context("decoding the screenshot's base64")?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(path, png).with_context(|| format!("writing {}", path.display()))
    }

    /// Polls `cond` until it holds; fails after `timeout` with the start of the page source.
    pub fn wait_until(
        &self,
        timeout: Duration,
        mut cond: impl FnMut(&Session) -> bool,
    ) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            if cond(self) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!(
                    "the condition did not hold within {timeout:?}; the page:\n{}",
                    self.source_snippet()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// The document's title.
    pub fn title(&self) -> Result<String> {
        string(self.get("title")?, "Get Title")
    }

    /// The page's HTML as the browser serializes it now.
    pub fn source(&self) -> Result<String> {
        string(self.get("source")?, "Get Page Source")
    }

    /// The first element matching a CSS selector right now, `None` when nothing does.
    pub fn try_find(&self, css: &str) -> Result<Option<Element<'_>>> {
        let path = format!("/session/{}/element", self.id);
        match command(
            self.addr,
            "POST",
            &path,
            Some(&locator(css)),
            COMMAND_TIMEOUT,
        ) {
            Ok(value) => self.element(&value, css).map(Some),
            Err(e) if is_error(&e, "no such element") => Ok(None),
            Err(e) => Err(e.context(format!("finding {css:?}"))),
        }
    }

    fn element(&self, value: &Value, css: &str) -> Result<Element<'_>> {
        let id = value[ELEMENT_KEY]
            .as_str()
            .ok_or_else(|| anyhow!("not an element reference: {value}"))?;
        Ok(Element {
            session: self,
            id: id.to_owned(),
            selector: css.to_owned(),
        })
    }

    fn perform_keys(&self, actions: Vec<Value>) -> Result<()> {
        let body = json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]});
        self.post("actions", &body)?;
        // Releases whatever is still pressed, so a failed chord can't leak into the next one.
        let path = format!("/session/{}/actions", self.id);
        command(self.addr, "DELETE", &path, None, COMMAND_TIMEOUT).map(drop)
    }

    /// The start of the page's `<body>` (the `<head>` rarely tells why a test failed).
    fn source_snippet(&self) -> String {
        match self.source() {
            Ok(source) => {
                let body = source
                    .find("<body")
                    .map_or(source.as_str(), |at| &source[at..]);
                abbreviate(body, SOURCE_SNIPPET)
            }
            Err(e) => format!("(the page source is not available: {e:#})"),
        }
    }

    fn get(&self, command_path: &str) -> Result<Value> {
        let path = format!("/session/{}/{command_path}", self.id);
        command(self.addr, "GET", &path, None, COMMAND_TIMEOUT)
    }

    fn post(&self, command_path: &str, body: &Value) -> Result<Value> {
        let path = format!("/session/{}/{command_path}", self.id);
        command(self.addr, "POST", &path, Some(body), COMMAND_TIMEOUT)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Err(e) = self.delete() {
            eprintln!("webdriver: deleting session {}: {e:#}", self.id);
        }
    }
}

impl Element<'_> {
    /// Clicks the element's centre (scrolling it into view first).
    pub fn click(&self) -> Result<()> {
        self.post("click", &json!({})).map(drop)
    }

    /// Focuses the element and types text into it; special keys from [`key`] may be mixed in.
    pub fn send_keys(&self, text: &str) -> Result<()> {
        self.post("value", &json!({"text": text})).map(drop)
    }

    /// Empties an input or textarea.
    pub fn clear(&self) -> Result<()> {
        self.post("clear", &json!({})).map(drop)
    }

    /// The rendered text, as a person sees it.
    pub fn text(&self) -> Result<String> {
        string(self.get("text")?, "Get Element Text")
    }

    /// An attribute's value, `None` when the element doesn't have it.
    pub fn attr(&self, name: &str) -> Result<Option<String>> {
        match self.get(&format!("attribute/{name}"))? {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            other => Ok(Some(other.to_string())),
        }
    }

    /// A DOM property (`value` of an input, `checked`, …).
    pub fn property(&self, name: &str) -> Result<Value> {
        self.get(&format!("property/{name}"))
    }

    /// Whether the element is visible on the page.
    pub fn is_displayed(&self) -> Result<bool> {
        let value = self.get("displayed")?;
        value
            .as_bool()
            .ok_or_else(|| anyhow!("Is Element Displayed returned {value}"))
    }

    /// The element as a script argument for [`Session::execute`].
    pub fn as_arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    /// The selector it was found by.
    pub fn selector(&self) -> &str {
        &self.selector
    }

    fn get(&self, command_path: &str) -> Result<Value> {
        let path = format!("element/{}/{command_path}", self.id);
        self.session
            .get(&path)
            .with_context(|| format!("on the element {:?}", self.selector))
    }

    fn post(&self, command_path: &str, body: &Value) -> Result<Value> {
        let path = format!("element/{}/{command_path}", self.id);
        self.session
            .post(&path, body)
            .with_context(|| format!("on the element {:?}", self.selector))
    }
}

/// Whether the remote end is up: its Status command answers (WebDriver §8.3).
pub fn ready(addr: SocketAddr) -> bool {
    command(addr, "GET", "/status", None, Duration::from_secs(5)).is_ok()
}

/// A remote end's error (WebDriver §6.6): its `error` code and `message`.
#[derive(Debug)]
pub struct RemoteError {
    pub status: u16,
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for RemoteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (HTTP {}): {}", self.error, self.status, self.message)
    }
}

impl std::error::Error for RemoteError {}

/// Whether an error is the remote end's error with this code.
pub fn is_error(e: &anyhow::Error, code: &str) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<RemoteError>()
            .is_some_and(|r| r.error == code)
    })
}

/// Sends one command and returns the `value` of a successful response.
fn command(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&Value>,
    timeout: Duration,
) -> Result<Value> {
    let (status, bytes) = http(addr, method, path, body, timeout)
        .with_context(|| format!("{method} {path} to the WebDriver server at {addr}"))?;
    let mut json: Value = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{method} {path}: HTTP {status} with a body that is not JSON: {}",
            abbreviate(&String::from_utf8_lossy(&bytes), 500)
        )
    })?;
    let value = json["value"].take();
    if status == 200 && value.get("error").is_none() {
        return Ok(value);
    }
    let remote = RemoteError {
        status,
        error: value["error"]
            .as_str()
            .unwrap_or("unknown error")
            .to_owned(),
        message: value["message"].as_str().unwrap_or_default().to_owned(),
    };
    Err(anyhow::Error::new(remote).context(format!("{method} {path}")))
}

/// One HTTP/1.1 exchange on a new connection: the status code and the body.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&Value>,
    timeout: Duration,
) -> Result<(u16, Vec<u8>)> {
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let body = body.map(serde_json::to_vec).transpose()?;
    // tauri-driver needs the Host header: it forwards to the same host on the native port.
    // No `Connection: close`: tauri-driver passes headers on, WebKitWebDriver then closes its
    // side, and tauri-driver's connection pool sends the next command into the closed
    // connection ("Connection reset by peer"). Dropping the stream after the response ends
    // the exchange just as well.
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n");
    if let Some(body) = &body {
        let _ = write!(
            head,
            "Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n",
            body.len()
        );
    }
    head.push_str("\r\n");
    let mut writer = &stream;
    writer.write_all(head.as_bytes())?;
    if let Some(body) = &body {
        writer.write_all(body)?;
    }
    writer.flush()?;
    read_response(BufReader::new(&stream))
}

/// Reads a response: status line, headers, then the body by `Transfer-Encoding: chunked`,
/// `Content-Length` or to the end of the stream (RFC 9112 §6.3).
fn read_response(mut reader: impl BufRead) -> Result<(u16, Vec<u8>)> {
    let status_line = read_line(&mut reader)?;
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| anyhow!("not an HTTP status line: {status_line:?}"))?;
    let mut length = None;
    let mut chunked = false;
    loop {
        let line = read_line(&mut reader)?;
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<usize>().context("Content-Length")?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.to_ascii_lowercase().contains("chunked");
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let size_line = read_line(&mut reader)?;
            let size = size_line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size, 16)
                .with_context(|| format!("bad chunk size {size_line:?}"))?;
            if size == 0 {
                break;
            }
            let start = body.len();
            body.resize(start + size, 0);
            reader.read_exact(&mut body[start..])?;
            read_line(&mut reader)?;
        }
    } else if let Some(length) = length {
        body.resize(length, 0);
        reader.read_exact(&mut body)?;
    } else {
        reader.read_to_end(&mut body)?;
    }
    Ok((status, body))
}

/// One line without its CRLF; an error at the end of the stream.
fn read_line(reader: &mut impl BufRead) -> Result<String> {
    let mut line = String::new();
    ensure!(
        reader.read_line(&mut line)? > 0,
        "the connection closed mid-response"
    );
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn locator(css: &str) -> Value {
    json!({"using": "css selector", "value": css})
}

fn string(value: Value, what: &str) -> Result<String> {
    match value {
        Value::String(s) => Ok(s),
        other => bail!("{what} returned {other} instead of a string"),
    }
}

/// The first `max` characters, marked when cut.
fn abbreviate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}… ({} more bytes)", &text[..cut], text.len() - cut),
        None => text.to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn reads_a_content_length_body() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{\"value\":1}\nextra";
        let (status, body) = read_response(&raw[..]).unwrap();
        assert_eq!(status, 200);
        assert_eq!(body, b"{\"value\":1}\n");
    }

    #[test]
    fn reads_a_chunked_body() {
        let raw = b"HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n\
                    4;ext=1\r\n{\"va\r\n8\r\nlue\":2}\n\r\n0\r\n\r\n";
        let (status, body) = read_response(&raw[..]).unwrap();
        assert_eq!(status, 404);
        assert_eq!(body, b"{\"value\":2}\n");
    }

    #[test]
    fn reads_to_the_end_without_a_length() {
        let raw = b"HTTP/1.0 500 Internal Server Error\r\n\r\n{}";
        assert_eq!(read_response(&raw[..]).unwrap(), (500, b"{}".to_vec()));
    }

    #[test]
    fn a_truncated_response_is_an_error() {
        assert!(read_response(&b"HTTP/1.1 200 OK\r\nContent-Le"[..]).is_err());
        assert!(read_response(&b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}"[..]).is_err());
    }

    #[test]
    fn abbreviates_on_character_boundaries() {
        assert_eq!(abbreviate("héllo", 10), "héllo");
        assert_eq!(abbreviate("héllo", 2), "hé… (3 more bytes)");
    }
}
