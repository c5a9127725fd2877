//! TLS for IMAP with rustls: the Mozilla roots plus, optionally, one extra CA file.

use std::sync::Arc;

use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore, pki_types::ServerName};

use super::Error;
use crate::account::ImapSettings;

fn config(account: &str, s: &ImapSettings) -> Result<ClientConfig, Error> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &s.ca_cert {
        let bad = |message: String| Error::Tls {
            account: account.to_string(),
            addr: format!("{}:{}", s.host, s.port),
            message,
        };
        let pem = std::fs::read(path)
            .map_err(|e| bad(format!("cannot read --ca-cert {}: {e}", path.display())))?;
        let mut added = 0;
        for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
            let cert = cert.map_err(|e| bad(format!("{} is not PEM: {e}", path.display())))?;
            roots.add(cert).map_err(|e| {
                bad(format!(
                    "{} holds an unusable certificate: {e}",
                    path.display()
                ))
            })?;
            added += 1;
        }
        if added == 0 {
            return Err(bad(format!("{} holds no PEM certificate", path.display())));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls {
            account: account.to_string(),
            addr: s.host.clone(),
            message: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

pub(super) async fn wrap(
    account: &str,
    addr: &str,
    s: &ImapSettings,
    tcp: TcpStream,
) -> Result<TlsStream<TcpStream>, Error> {
    let connector = TlsConnector::from(Arc::new(config(account, s)?));
    let name = ServerName::try_from(s.host.trim_matches(['[', ']']).to_string()).map_err(|e| {
        Error::Tls {
            account: account.to_string(),
            addr: addr.to_string(),
            message: format!("bad host name: {e}"),
        }
    })?;
    let handshake = connector.connect(name, tcp);
    match tokio::time::timeout(super::STEP_TIMEOUT, handshake).await {
        Err(_) => Err(Error::Timeout {
            account: account.to_string(),
            what: "TLS handshake".to_string(),
            secs: super::STEP_TIMEOUT.as_secs(),
        }),
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(e)) => {
            let cert_problem = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                .is_some_and(|r| matches!(r, rustls::Error::InvalidCertificate(_)));
            if cert_problem {
                Err(Error::Certificate {
                    account: account.to_string(),
                    addr: addr.to_string(),
                    message: e.to_string(),
                })
            } else {
                Err(Error::Tls {
                    account: account.to_string(),
                    addr: addr.to_string(),
                    message: e.to_string(),
                })
            }
        }
    }
}
