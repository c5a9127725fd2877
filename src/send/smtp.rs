//! One SMTP transaction with lettre's connection, step by step (RFC 5321 §3.3), so the outbox
//! can make "sending" durable between the last RCPT and DATA.
//!
//! Every step runs under a timeout. Failures are sorted by what they mean for the message:
//! - **transient**: the server did not take it and may later (4xx, network down, timeout
//!   before DATA) — retry with backoff;
//! - **permanent**: it will not take it as it is (auth refused, recipient refused, too large,
//!   5xx) — stop and say why;
//! - **uncertain**: the connection broke after the message was handed over and before the
//!   server's answer — it may have been taken; never resent on its own.

use std::path::PathBuf;
use std::time::Duration;

use lettre::Address;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::ClientId;

use crate::account::{Secret, Security};

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long one command may wait for its answer.
const STEP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the server may take to answer the message's final dot: it may scan it first.
const DATA_TIMEOUT: Duration = Duration::from_secs(180);

/// Where and how to send.
#[derive(Clone, Debug)]
pub struct Server {
    pub account: String,
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub ca_cert: Option<PathBuf>,
    pub user: String,
    /// The secret is an OAuth 2 bearer token (SASL XOAUTH2), as for the account's IMAP.
    pub xoauth2: bool,
}

/// What went wrong, and what it means for the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Not taken; try again later.
    Transient { kind: &'static str, message: String },
    /// Not taken, and it will not be as it is.
    Permanent { kind: &'static str, message: String },
    /// Maybe taken.
    Uncertain { message: String },
}

impl Failure {
    pub fn message(&self) -> &str {
        match self {
            Failure::Transient { message, .. }
            | Failure::Permanent { message, .. }
            | Failure::Uncertain { message } => message,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Failure::Transient { kind, .. } | Failure::Permanent { kind, .. } => kind,
            Failure::Uncertain { .. } => "uncertain",
        }
    }
}

fn classify(what: &str, server: &Server, e: &lettre::transport::smtp::Error) -> Failure {
    let message = format!("{what} on {}:{}: {e}", server.host, server.port);
    if e.is_permanent() {
        Failure::Permanent {
            kind: "refused",
            message,
        }
    } else if e.is_timeout() {
        Failure::Transient {
            kind: "timeout",
            message,
        }
    } else if e.is_transient() {
        Failure::Transient {
            kind: "deferred",
            message,
        }
    } else if e.is_tls() {
        Failure::Permanent {
            kind: "tls",
            message: format!(
                "{message}; if the server uses its own CA, give the account --ca-cert FILE"
            ),
        }
    } else {
        Failure::Transient {
            kind: "network",
            message,
        }
    }
}

async fn timed<T>(
    server: &Server,
    what: &str,
    limit: Duration,
    f: impl std::future::Future<Output = Result<T, lettre::transport::smtp::Error>>,
) -> Result<T, Failure> {
    match tokio::time::timeout(limit, f).await {
        Err(_) => Err(Failure::Transient {
            kind: "timeout",
            message: format!(
                "{what} on {}:{}: no answer within {} s",
                server.host,
                server.port,
                limit.as_secs()
            ),
        }),
        Ok(Err(e)) => Err(classify(what, server, &e)),
        Ok(Ok(v)) => Ok(v),
    }
}

fn tls_parameters(server: &Server) -> Result<TlsParameters, Failure> {
    let bad = |message: String| Failure::Permanent {
        kind: "tls",
        message,
    };
    let mut b = TlsParameters::builder(server.host.trim_matches(['[', ']']).to_string());
    if let Some(path) = &server.ca_cert {
        let pem = std::fs::read(path)
            .map_err(|e| bad(format!("cannot read the CA file {}: {e}", path.display())))?;
        let cert = Certificate::from_pem(&pem)
            .map_err(|e| bad(format!("{} is not a PEM certificate: {e}", path.display())))?;
        b = b.add_root_certificate(cert);
    }
    b.build_rustls()
        .map_err(|e| bad(format!("TLS set-up for {}: {e}", server.host)))
}

fn address(a: &str) -> Result<Address, Failure> {
    a.trim().parse().map_err(|_| Failure::Permanent {
        kind: "recipient",
        message: format!("\"{a}\" is not an address mail can be sent to"),
    })
}

/// Sends `raw` from `from` to `to`. `before_data` runs after every recipient was accepted and
/// before DATA: it makes the outbox's "sending" durable, and the transaction stops if it fails.
pub async fn send(
    server: &Server,
    secret: Option<&Secret>,
    from: &str,
    to: &[String],
    raw: &[u8],
    before_data: impl FnOnce() -> Result<(), String>,
) -> Result<(), Failure> {
    let hello = ClientId::Domain(
        from.rsplit_once('@')
            .map(|(_, d)| d.to_string())
            .unwrap_or_else(|| "localhost".into()),
    );
    let implicit = match server.security {
        Security::Tls => Some(tls_parameters(server)?),
        _ => None,
    };
    let mut conn = timed(
        server,
        "connecting",
        CONNECT_TIMEOUT,
        AsyncSmtpConnection::connect_tokio1(
            (server.host.as_str(), server.port),
            Some(CONNECT_TIMEOUT),
            &hello,
            implicit,
            None,
        ),
    )
    .await?;
    let r = transaction(
        server,
        &mut conn,
        &hello,
        secret,
        from,
        to,
        raw,
        before_data,
    )
    .await;
    if r.is_ok() {
        let _ = tokio::time::timeout(Duration::from_secs(2), conn.quit()).await;
    } else {
        let _ = tokio::time::timeout(Duration::from_secs(2), conn.abort()).await;
    }
    r
}

#[allow(clippy::too_many_arguments)]
async fn transaction(
    server: &Server,
    conn: &mut AsyncSmtpConnection,
    hello: &ClientId,
    secret: Option<&Secret>,
    from: &str,
    to: &[String],
    raw: &[u8],
    before_data: impl FnOnce() -> Result<(), String>,
) -> Result<(), Failure> {
    if server.security == Security::Starttls {
        if !conn.can_starttls() {
            return Err(Failure::Permanent {
                kind: "tls",
                message: format!(
                    "{}:{} does not offer STARTTLS; use --smtp-security tls",
                    server.host, server.port
                ),
            });
        }
        let params = tls_parameters(server)?;
        timed(
            server,
            "STARTTLS",
            STEP_TIMEOUT,
            conn.starttls(params, hello),
        )
        .await?;
    }
    if let Some(secret) = secret {
        let creds = Credentials::new(server.user.clone(), secret.expose().to_string());
        let mechanisms: &[Mechanism] = if server.xoauth2 {
            &[Mechanism::Xoauth2]
        } else {
            &[Mechanism::Plain, Mechanism::Login]
        };
        let login = conn.auth(mechanisms, &creds);
        match tokio::time::timeout(STEP_TIMEOUT, login).await {
            Err(_) => {
                return Err(Failure::Transient {
                    kind: "timeout",
                    message: format!("login on {}: no answer", server.host),
                });
            }
            Ok(Err(e)) if e.is_permanent() => {
                return Err(Failure::Permanent {
                    kind: "auth",
                    message: format!(
                        "the SMTP server {} refused the login of {} ({e}); check the password with: siphon account set {} --smtp-password-stdin",
                        server.host, server.user, server.account
                    ),
                });
            }
            Ok(Err(e)) if e.is_client() => {
                // No mechanism in common, or no AUTH offered at all.
                return Err(Failure::Permanent {
                    kind: "auth",
                    message: format!("cannot log in to {}: {e}", server.host),
                });
            }
            Ok(r) => {
                r.map_err(|e| classify("login", server, &e))?;
            }
        }
    }
    let sender = address(from)?;
    timed(
        server,
        "MAIL FROM",
        STEP_TIMEOUT,
        conn.command(Mail::new(Some(sender), vec![])),
    )
    .await?;
    for rcpt in to {
        let addr = address(rcpt)?;
        match timed(
            server,
            "RCPT TO",
            STEP_TIMEOUT,
            conn.command(Rcpt::new(addr, vec![])),
        )
        .await
        {
            Err(Failure::Permanent { message, .. }) => {
                return Err(Failure::Permanent {
                    kind: "recipient",
                    message: format!("the server refused the recipient {rcpt}: {message}"),
                });
            }
            other => {
                other?;
            }
        }
    }
    before_data().map_err(|message| Failure::Transient {
        kind: "outbox",
        message,
    })?;
    timed(server, "DATA", STEP_TIMEOUT, conn.command(Data)).await?;
    // From here the message is being handed over: a broken connection or a silence before the
    // server's answer leaves it uncertain.
    match tokio::time::timeout(DATA_TIMEOUT, conn.message(raw)).await {
        Err(_) => Err(Failure::Uncertain {
            message: format!(
                "{} did not answer within {} s after the message was sent",
                server.host,
                DATA_TIMEOUT.as_secs()
            ),
        }),
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => match e.status() {
            Some(code) if e.is_permanent() && code.to_string() == "552" => {
                Err(Failure::Permanent {
                    kind: "too_large",
                    message: format!(
                        "the message is too large for {} ({e}); remove an attachment",
                        server.host
                    ),
                })
            }
            Some(_) => Err(classify("sending the message", server, &e)),
            None => Err(Failure::Uncertain {
                message: format!(
                    "the connection to {} broke while the message was sent: {e}",
                    server.host
                ),
            }),
        },
    }
}
