//! IMAP: connecting (TLS, STARTTLS, loopback-only plain), logging in (password or XOAUTH2),
//! capabilities, and a raw command runner.
//!
//! async-imap parses the protocol; Siphon reads the responses of its own commands itself
//! ([`Connection::command`]) instead of using the library's helpers for sync, because the library
//! forwards every untagged response it does not expect (VANISHED, FETCH of another client's flag
//! change) into a bounded channel that drops them when full. Reading them here means no VANISHED or
//! flag update is ever lost, however many arrive at once (RFC 7162 §3.2.10, RFC 3501 §7).

mod tls;

use std::fmt;
use std::time::Duration;

use async_imap::imap_proto::{self, Response, Status};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::account::{Account, AuthMech, Secret, Security};

/// How long one network step may take before the connection is given up.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "account \"{account}\": cannot reach {addr} ({message}); check --imap-host/--imap-port and the network"
    )]
    Unreachable {
        account: String,
        addr: String,
        message: String,
    },
    #[error(
        "account \"{account}\": the certificate of {addr} is not trusted ({message}); if the server uses its own CA, pass --ca-cert FILE"
    )]
    Certificate {
        account: String,
        addr: String,
        message: String,
    },
    #[error("account \"{account}\": TLS with {addr} failed: {message}")]
    Tls {
        account: String,
        addr: String,
        message: String,
    },
    #[error(
        "account \"{account}\": the server refused the login of \"{user}\" ({message}); check the password with: siphon account set {account} --password-stdin (or --password-cmd)"
    )]
    Auth {
        account: String,
        user: String,
        message: String,
    },
    #[error("account \"{account}\": the server does not offer {what}")]
    Unsupported { account: String, what: String },
    #[error(
        "account \"{account}\": the connection was lost ({message}); the next sync resumes where this one stopped"
    )]
    Lost { account: String, message: String },
    #[error("account \"{account}\": the server answered {command} with: {message}")]
    Refused {
        account: String,
        command: String,
        message: String,
    },
    #[error("account \"{account}\": no answer from the server within {secs} s during {what}")]
    Timeout {
        account: String,
        what: String,
        secs: u64,
    },
}

impl Error {
    /// Errors after which retrying later may succeed (network), as opposed to configuration errors.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::Unreachable { .. } | Error::Lost { .. } | Error::Timeout { .. }
        )
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The byte stream under a session: TLS or, on loopback only, plain TCP.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug> Io for T {}

pub type Session = async_imap::Session<Box<dyn Io>>;

/// What the server can do, as far as sync cares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Caps {
    pub condstore: bool,
    pub qresync: bool,
    pub idle: bool,
    pub special_use: bool,
}

/// A folder's state as SELECT reports it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Selected {
    pub uidvalidity: u32,
    pub uidnext: u32,
    pub exists: u32,
    pub highestmodseq: Option<u64>,
}

/// A logged-in connection to one account's server.
pub struct Connection {
    pub session: Session,
    pub caps: Caps,
    account: String,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("account", &self.account)
            .field("caps", &self.caps)
            .finish()
    }
}

fn lost(account: &str, e: impl fmt::Display) -> Error {
    Error::Lost {
        account: account.to_string(),
        message: e.to_string(),
    }
}

/// The first words of a command, for messages (never the arguments of LOGIN).
fn verb(cmd: &str) -> &str {
    let mut ends = cmd.match_indices(' ').map(|(i, _)| i);
    match (ends.next(), ends.next()) {
        (Some(_), Some(second)) => &cmd[..second],
        _ => cmd,
    }
}

/// Quotes a string for an IMAP command (RFC 3501 quoted string).
pub fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            q.push('\\');
        }
        q.push(c);
    }
    q.push('"');
    q
}

/// SASL XOAUTH2: the bearer token in the first response; a second challenge carries the server's
/// error (a JSON status), which the client must answer with an empty response to get the final NO.
struct XOAuth2<'a> {
    user: &'a str,
    token: &'a str,
    answered: std::sync::atomic::AtomicBool,
}

impl async_imap::Authenticator for &XOAuth2<'_> {
    type Response = String;
    fn process(&mut self, _challenge: &[u8]) -> String {
        if self
            .answered
            .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            return String::new();
        }
        format!("user={}\x01auth=Bearer {}\x01\x01", self.user, self.token)
    }
}

impl Connection {
    /// Connects and logs in. `secret` is the password, or the OAuth token for XOAUTH2.
    pub async fn open(account: &Account, secret: &Secret) -> Result<Connection> {
        let name = account.name.as_str();
        let s = &account.imap;
        let addr = format!("{}:{}", s.host, s.port);
        if s.security == Security::Plain && !crate::account::is_loopback(&s.host) {
            return Err(Error::Unsupported {
                account: name.to_string(),
                what: "plain IMAP beyond loopback (use tls or starttls)".to_string(),
            });
        }
        let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(&addr))
            .await
            .map_err(|_| Error::Unreachable {
                account: name.to_string(),
                addr: addr.clone(),
                message: format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()),
            })?
            .map_err(|e| Error::Unreachable {
                account: name.to_string(),
                addr: addr.clone(),
                message: e.to_string(),
            })?;
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn Io> = match s.security {
            Security::Tls => Box::new(tls::wrap(name, &addr, s, tcp).await?),
            Security::Plain => Box::new(tcp),
            Security::Starttls => {
                let mut client = async_imap::Client::new(tcp);
                greeting(name, &mut client).await?;
                step(
                    name,
                    "STARTTLS",
                    client.run_command_and_check_ok("STARTTLS", None),
                )
                .await?
                .map_err(|e| Error::Unsupported {
                    account: name.to_string(),
                    what: format!("STARTTLS ({e})"),
                })?;
                Box::new(tls::wrap(name, &addr, s, client.into_inner()).await?)
            }
        };
        let mut client = async_imap::Client::new(stream);
        if s.security != Security::Starttls {
            greeting(name, &mut client).await?;
        }
        let auth_err = |e: async_imap::error::Error| match e {
            async_imap::error::Error::No(m) | async_imap::error::Error::Bad(m) => Error::Auth {
                account: name.to_string(),
                user: s.user.clone(),
                message: m.trim().to_string(),
            },
            other => lost(name, other),
        };
        let session = match s.auth {
            AuthMech::Password => step(name, "LOGIN", client.login(&s.user, secret.expose()))
                .await?
                .map_err(|(e, _)| auth_err(e))?,
            AuthMech::Xoauth2 => {
                let auth = XOAuth2 {
                    user: &s.user,
                    token: secret.expose(),
                    answered: std::sync::atomic::AtomicBool::new(false),
                };
                step(name, "AUTHENTICATE", client.authenticate("XOAUTH2", &auth))
                    .await?
                    .map_err(|(e, _)| auth_err(e))?
            }
        };
        let mut conn = Connection {
            session,
            caps: Caps::default(),
            account: name.to_string(),
        };
        conn.caps = conn.capabilities().await?;
        if conn.caps.qresync {
            // QRESYNC must be enabled before SELECT for VANISHED to be available (RFC 7162 §3.2.3).
            conn.command("ENABLE QRESYNC", |_| {}).await?;
        }
        Ok(conn)
    }

    /// Reassembles a connection from a session that was lent out (to IDLE).
    pub fn from_parts(session: Session, caps: Caps, account: &str) -> Connection {
        Connection {
            session,
            caps,
            account: account.to_string(),
        }
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    async fn capabilities(&mut self) -> Result<Caps> {
        let mut caps = Caps::default();
        self.command("CAPABILITY", |r| {
            if let Response::Capabilities(list) = r {
                for c in list {
                    if let imap_proto::Capability::Atom(a) = c {
                        match a.to_ascii_uppercase().as_str() {
                            "CONDSTORE" => caps.condstore = true,
                            "QRESYNC" => caps.qresync = true,
                            "IDLE" => caps.idle = true,
                            "SPECIAL-USE" => caps.special_use = true,
                            _ => {}
                        }
                    }
                }
            }
        })
        .await?;
        // QRESYNC implies CONDSTORE (RFC 7162 §3.2).
        caps.condstore |= caps.qresync;
        Ok(caps)
    }

    /// Runs one command and hands every untagged response to `on`, until the command completes.
    pub async fn command(&mut self, cmd: &str, mut on: impl FnMut(&Response<'_>)) -> Result<()> {
        let tag = self.start(cmd).await?;
        while self.read_one(&tag, cmd, &mut on).await?.is_some() {}
        Ok(())
    }

    /// Sends a command; its responses are then read with [`Connection::read_one`].
    pub async fn start(&mut self, cmd: &str) -> Result<imap_proto::RequestId> {
        let account = self.account.clone();
        step(&account, verb(cmd), self.session.run_command(cmd))
            .await?
            .map_err(|e| lost(&account, e))
    }

    /// Reads the next response of command `tag`: `Some(f(untagged))`, or `None` once the command
    /// completed with OK. NO, BAD and BYE are errors.
    pub async fn read_one<T>(
        &mut self,
        tag: &imap_proto::RequestId,
        cmd: &str,
        f: impl FnOnce(&Response<'_>) -> T,
    ) -> Result<Option<T>> {
        let account = self.account.clone();
        let resp = step(&account, verb(cmd), self.session.read_response())
            .await?
            .map_err(|e| lost(&account, e))?
            .ok_or_else(|| lost(&account, "the server closed the connection"))?;
        match resp.parsed() {
            Response::Done {
                tag: t,
                status,
                outcome,
            } if t == tag => match status {
                Status::Ok => Ok(None),
                _ => Err(Error::Refused {
                    account,
                    command: verb(cmd).to_string(),
                    message: outcome
                        .information
                        .as_deref()
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                }),
            },
            Response::Data {
                status: Status::Bye,
                outcome,
            } => Err(lost(
                &account,
                format!("BYE {}", outcome.information.as_deref().unwrap_or("")),
            )),
            other => Ok(Some(f(other))),
        }
    }

    /// Selects a folder (with CONDSTORE when offered) and reports its state.
    pub async fn select(&mut self, folder: &str) -> Result<Selected> {
        let cmd = if self.caps.condstore {
            format!("SELECT {} (CONDSTORE)", quote(folder))
        } else {
            format!("SELECT {}", quote(folder))
        };
        let mut sel = Selected::default();
        self.command(&cmd, |r| match r {
            Response::MailboxData(imap_proto::MailboxDatum::Exists(n)) => sel.exists = *n,
            Response::Data {
                outcome:
                    imap_proto::Outcome {
                        code: Some(code), ..
                    },
                ..
            } => match code {
                imap_proto::ResponseCode::UidValidity(v) => sel.uidvalidity = *v,
                imap_proto::ResponseCode::UidNext(v) => sel.uidnext = *v,
                imap_proto::ResponseCode::HighestModSeq(v) => sel.highestmodseq = Some(*v),
                _ => {}
            },
            _ => {}
        })
        .await?;
        if sel.uidnext == 0 {
            // Some servers omit UIDNEXT when the folder is empty; 1 is then the next UID.
            sel.uidnext = 1;
        }
        Ok(sel)
    }

    /// A folder's state without selecting it (RFC 3501 §6.3.10, HIGHESTMODSEQ from RFC 7162).
    pub async fn status(&mut self, folder: &str) -> Result<Selected> {
        let items = if self.caps.condstore {
            "(MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)"
        } else {
            "(MESSAGES UIDNEXT UIDVALIDITY)"
        };
        let mut sel = Selected::default();
        self.command(&format!("STATUS {} {items}", quote(folder)), |r| {
            if let Response::MailboxData(imap_proto::MailboxDatum::Status { status, .. }) = r {
                for a in status {
                    match a {
                        imap_proto::StatusAttribute::Messages(n) => sel.exists = *n,
                        imap_proto::StatusAttribute::UidNext(n) => sel.uidnext = *n,
                        imap_proto::StatusAttribute::UidValidity(n) => sel.uidvalidity = *n,
                        imap_proto::StatusAttribute::HighestModSeq(n) => {
                            sel.highestmodseq = Some(*n)
                        }
                        _ => {}
                    }
                }
            }
        })
        .await?;
        if sel.uidnext == 0 {
            sel.uidnext = 1;
        }
        Ok(sel)
    }

    /// Lists folders with their special-use attributes.
    pub async fn list(&mut self) -> Result<Vec<(String, Vec<String>)>> {
        let mut out = Vec::new();
        self.command("LIST \"\" \"*\"", |r| {
            if let Response::MailboxData(imap_proto::MailboxDatum::List(
                imap_proto::MailboxListData {
                    name_attributes,
                    name,
                    ..
                },
            )) = r
            {
                let attrs = name_attributes
                    .iter()
                    .map(|a| match a {
                        imap_proto::NameAttribute::Extension(s) => s.to_string(),
                        other => format!("{other:?}"),
                    })
                    .collect();
                out.push((name.to_string(), attrs));
            }
        })
        .await?;
        Ok(out)
    }

    /// Logs out politely; errors are irrelevant at this point.
    pub async fn logout(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.session.logout()).await;
    }
}

async fn greeting(account: &str, client: &mut async_imap::Client<impl Io>) -> Result<()> {
    let greeting = step(account, "greeting", client.read_response())
        .await?
        .map_err(|e| lost(account, e))?;
    match greeting {
        Some(_) => Ok(()),
        None => Err(lost(account, "closed before the greeting")),
    }
}

/// Runs one network step under [`STEP_TIMEOUT`].
async fn step<F: std::future::Future>(account: &str, what: &str, f: F) -> Result<F::Output> {
    tokio::time::timeout(STEP_TIMEOUT, f)
        .await
        .map_err(|_| Error::Timeout {
            account: account.to_string(),
            what: what.to_string(),
            secs: STEP_TIMEOUT.as_secs(),
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoting_escapes_quotes_and_backslashes() {
        assert_eq!(super::quote("INBOX"), "\"INBOX\"");
        assert_eq!(super::quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
