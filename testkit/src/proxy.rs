//! A loopback TCP forwarder that can break connections on purpose.
//!
//! [`Proxy::start`] listens on `127.0.0.1:0` and forwards every accepted connection to a
//! target (typically a [`crate::dovecot::Dovecot`] port). Tests then make the network
//! misbehave: cut each new connection after it has delivered a number of bytes to the client
//! ([`Proxy::cut_after`]), drop every live connection at once ([`Proxy::cut_now`]), or play a
//! server that is down by accepting and closing at once ([`Proxy::refuse`]). TLS passes
//! through untouched, so a client checks the real server's certificate.
//!
//! Plain `std::net` with two threads per connection; dropping the proxy stops it and cuts
//! whatever is still connected.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result};

/// How long the proxy waits to reach its target before closing the client's connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A running proxy. Dropping it stops accepting and cuts every connection.
pub struct Proxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

struct Shared {
    target: SocketAddr,
    stop: AtomicBool,
    refuse: AtomicBool,
    /// Byte budget (server to client) for connections accepted from now on.
    cut_after: Mutex<Option<u64>>,
    accepted: AtomicUsize,
    /// Bumped by every `cut_now`, so a connection still being set up learns it was cut.
    cut_epoch: AtomicU64,
    live: Mutex<Vec<Arc<Conn>>>,
}

/// Both sockets of one forwarded connection.
struct Conn {
    client: TcpStream,
    server: TcpStream,
    closed: AtomicBool,
}

impl Conn {
    /// Shuts both sockets down in both directions: each side reads end-of-stream and its
    /// writes fail, with no protocol goodbye. Idempotent.
    fn cut(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let _ = self.client.shutdown(Shutdown::Both);
        let _ = self.server.shutdown(Shutdown::Both);
    }
}

impl Proxy {
    /// Starts forwarding `127.0.0.1:<port>` to `target`.
    pub fn start(target: SocketAddr) -> Result<Proxy> {
        let listener =
            TcpListener::bind(("127.0.0.1", 0)).context("binding the proxy to 127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            target,
            stop: AtomicBool::new(false),
            refuse: AtomicBool::new(false),
            cut_after: Mutex::new(None),
            accepted: AtomicUsize::new(0),
            cut_epoch: AtomicU64::new(0),
            live: Mutex::new(Vec::new()),
        });
        let acceptor = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("proxy-accept-{}", addr.port()))
                .spawn(move || accept_loop(listener, shared))
                .context("starting the proxy's accept thread")?
        };
        Ok(Proxy {
            addr,
            shared,
            acceptor: Some(acceptor),
        })
    }

    /// The port the proxy listens on (host 127.0.0.1).
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `127.0.0.1:port()`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every connection accepted from now on is cut once it has forwarded `bytes` bytes from
    /// the server to the client (exactly that many reach the client). `0` cuts right after
    /// the accept, before anything is forwarded. Connections already open keep their budget.
    pub fn cut_after(&self, bytes: u64) {
        *lock(&self.shared.cut_after) = Some(bytes);
    }

    /// New connections are no longer cut.
    pub fn no_cut(&self) {
        *lock(&self.shared.cut_after) = None;
    }

    /// Cuts every live connection now.
    pub fn cut_now(&self) {
        self.shared.cut_epoch.fetch_add(1, Ordering::SeqCst);
        let live = std::mem::take(&mut *lock(&self.shared.live));
        for conn in live {
            conn.cut();
        }
    }

    /// How many connections were accepted so far, refused ones included.
    pub fn connections(&self) -> usize {
        self.shared.accepted.load(Ordering::SeqCst)
    }

    /// While `true`, new connections are accepted and closed at once, without reaching the
    /// target: the server looks down. Live connections are not touched.
    pub fn refuse(&self, yes: bool) {
        self.shared.refuse.store(yes, Ordering::SeqCst);
    }

    /// How many forwarded connections are open now.
    pub fn live_connections(&self) -> usize {
        let mut live = lock(&self.shared.live);
        live.retain(|c| !c.closed.load(Ordering::SeqCst));
        live.len()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept thread, which then sees `stop`.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        self.cut_now();
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for incoming in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let client = match incoming {
            Ok(c) => c,
            Err(_) => {
                // Out of descriptors or the like: don't spin.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        shared.accepted.fetch_add(1, Ordering::SeqCst);
        if shared.refuse.load(Ordering::SeqCst) {
            let _ = client.shutdown(Shutdown::Both);
            continue;
        }
        let budget = *lock(&shared.cut_after);
        let epoch = shared.cut_epoch.load(Ordering::SeqCst);
        let session_shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("proxy-conn".into())
            .spawn(move || session(client, session_shared, budget, epoch));
        // Could not start a thread: the client's socket went with the closure, closed.
        drop(spawned);
    }
}

/// Connects to the target and forwards until either side ends or the connection is cut.
fn session(client: TcpStream, shared: Arc<Shared>, budget: Option<u64>, epoch: u64) {
    if budget == Some(0) {
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let Ok(server) = TcpStream::connect_timeout(&shared.target, CONNECT_TIMEOUT) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (Ok(client_read), Ok(server_write)) = (client.try_clone(), server.try_clone()) else {
        let _ = client.shutdown(Shutdown::Both);
        let _ = server.shutdown(Shutdown::Both);
        return;
    };
    let conn = Arc::new(Conn {
        client,
        server,
        closed: AtomicBool::new(false),
    });
    {
        let mut live = lock(&shared.live);
        live.retain(|c| !c.closed.load(Ordering::SeqCst));
        live.push(Arc::clone(&conn));
    }
    // A `cut_now` between the accept and the line above did not see this connection.
    if shared.cut_epoch.load(Ordering::SeqCst) != epoch || shared.stop.load(Ordering::SeqCst) {
        conn.cut();
        return;
    }

    let upstream = {
        let conn = Arc::clone(&conn);
        std::thread::Builder::new()
            .name("proxy-up".into())
            .spawn(move || {
                pump(client_read, server_write, None);
                conn.cut();
            })
    };
    if upstream.is_err() {
        conn.cut();
        return;
    }
    let (Ok(server_read), Ok(client_write)) = (conn.server.try_clone(), conn.client.try_clone())
    else {
        conn.cut();
        return;
    };
    pump(server_read, client_write, budget);
    conn.cut();
    if let Ok(handle) = upstream {
        let _ = handle.join();
    }
}

/// Copies `from` to `to` until end of stream, an error, or `budget` bytes.
fn pump(mut from: TcpStream, mut to: TcpStream, budget: Option<u64>) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut sent: u64 = 0;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let allowed = match budget {
            Some(limit) => {
                let left = limit.saturating_sub(sent);
                n.min(usize::try_from(left).unwrap_or(usize::MAX))
            }
            None => n,
        };
        if to.write_all(&buf[..allowed]).is_err() {
            return;
        }
        sent += allowed as u64;
        if budget.is_some_and(|limit| sent >= limit) {
            return;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::BufRead;
    use std::time::Instant;

    /// A target that sends `greeting` to each client, then echoes what it receives.
    fn target(greeting: Vec<u8>) -> SocketAddr {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let greeting = greeting.clone();
                std::thread::spawn(move || {
                    if stream.write_all(&greeting).is_err() {
                        return;
                    }
                    let mut buf = [0u8; 4096];
                    loop {
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => {
                                if stream.write_all(&buf[..n]).is_err() {
                                    return;
                                }
                            }
                        }
                    }
                });
            }
        });
        addr
    }

    fn connect(proxy: &Proxy) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", proxy.port())).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    }

    /// Reads until end of stream (or a reset), returning what arrived.
    fn read_to_end(s: &mut TcpStream) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf) {
                Ok(0) => return out,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    panic!("timed out after {} bytes", out.len())
                }
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                    panic!("timed out after {} bytes", out.len())
                }
                Err(_) => return out,
            }
        }
    }

    fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !cond() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn forwards_both_ways() {
        let proxy = Proxy::start(target(b"hello\n".to_vec())).unwrap();
        let mut s = connect(&proxy);
        let mut reader = std::io::BufReader::new(s.try_clone().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert_eq!(line, "hello\n");
        s.write_all(b"ping\n").unwrap();
        line.clear();
        reader.read_line(&mut line).unwrap();
        assert_eq!(line, "ping\n");
        // Large transfers pass intact.
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut writer = s.try_clone().unwrap();
        let sent = big.clone();
        let w = std::thread::spawn(move || writer.write_all(&sent).unwrap());
        let mut got = vec![0u8; big.len()];
        reader.read_exact(&mut got).unwrap();
        w.join().unwrap();
        assert_eq!(got, big);
        assert_eq!(proxy.connections(), 1);
        assert_eq!(proxy.live_connections(), 1);
        drop(s);
        drop(reader);
        wait_until("the connection to end", || proxy.live_connections() == 0);
    }

    #[test]
    fn cut_after_delivers_exactly_the_budget() {
        let greeting: Vec<u8> = (0..10_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let proxy = Proxy::start(target(greeting.clone())).unwrap();
        proxy.cut_after(1234);
        for _ in 0..3 {
            let mut s = connect(&proxy);
            let got = read_to_end(&mut s);
            assert_eq!(got, greeting[..1234]);
            // Writes fail sooner or later once cut.
            let mut failed = false;
            for _ in 0..50 {
                if s.write_all(b"more\n").is_err() {
                    failed = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            assert!(failed, "writing to a cut connection kept working");
        }
        proxy.cut_after(0);
        let mut s = connect(&proxy);
        assert!(read_to_end(&mut s).is_empty());
        proxy.no_cut();
        let mut s = connect(&proxy);
        let mut got = vec![0u8; greeting.len()];
        s.read_exact(&mut got).unwrap();
        assert_eq!(got, greeting);
        assert_eq!(proxy.connections(), 5);
    }

    #[test]
    fn cut_after_spares_open_connections() {
        let proxy = Proxy::start(target(b"hi\n".to_vec())).unwrap();
        let mut old = connect(&proxy);
        let mut buf = [0u8; 3];
        old.read_exact(&mut buf).unwrap();
        proxy.cut_after(1);
        old.write_all(b"still here\n").unwrap();
        let mut echo = [0u8; 11];
        old.read_exact(&mut echo).unwrap();
        assert_eq!(&echo, b"still here\n");
        let mut new = connect(&proxy);
        assert_eq!(read_to_end(&mut new), b"h");
    }

    #[test]
    fn cut_now_drops_every_live_connection() {
        let proxy = Proxy::start(target(b"hi\n".to_vec())).unwrap();
        let mut conns: Vec<TcpStream> = (0..3).map(|_| connect(&proxy)).collect();
        for c in &mut conns {
            let mut buf = [0u8; 3];
            c.read_exact(&mut buf).unwrap();
        }
        assert_eq!(proxy.live_connections(), 3);
        proxy.cut_now();
        for c in &mut conns {
            assert!(read_to_end(c).is_empty());
        }
        assert_eq!(proxy.live_connections(), 0);
        // New connections work as before.
        let mut c = connect(&proxy);
        let mut buf = [0u8; 3];
        c.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"hi\n");
        assert_eq!(proxy.connections(), 4);
    }

    #[test]
    fn refuse_accepts_and_closes() {
        let proxy = Proxy::start(target(b"hi\n".to_vec())).unwrap();
        proxy.refuse(true);
        for _ in 0..2 {
            let mut c = connect(&proxy);
            assert!(read_to_end(&mut c).is_empty());
        }
        assert_eq!(proxy.connections(), 2);
        proxy.refuse(false);
        let mut c = connect(&proxy);
        let mut buf = [0u8; 3];
        c.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"hi\n");
        assert_eq!(proxy.connections(), 3);
    }

    #[test]
    fn target_down_closes_the_client() {
        // A port nobody listens on: bind, note, release.
        let addr = TcpListener::bind(("127.0.0.1", 0))
            .unwrap()
            .local_addr()
            .unwrap();
        let proxy = Proxy::start(addr).unwrap();
        let mut c = connect(&proxy);
        assert!(read_to_end(&mut c).is_empty());
        assert_eq!(proxy.connections(), 1);
    }

    #[test]
    fn drop_cuts_connections() {
        let proxy = Proxy::start(target(b"hi\n".to_vec())).unwrap();
        let port = proxy.port();
        let mut c = connect(&proxy);
        let mut buf = [0u8; 3];
        c.read_exact(&mut buf).unwrap();
        drop(proxy);
        assert!(read_to_end(&mut c).is_empty());
        assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    }
}
