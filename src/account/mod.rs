//! Accounts: the TOML config file and where each account's password comes from.
//!
//! The config lives in the platform config dir (`~/.config/siphon/config.toml` on Linux), or in the
//! data dir when one is given with `--data-dir` / `SIPHON_DATA_DIR`, so separate workspaces (tests,
//! the demo) never share accounts. Passwords are never written to the config or the store: they live
//! in the OS keyring, or come from `password_cmd`.

pub mod credential;

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use credential::{Credential, Secret};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read the config {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the config {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("cannot write the config {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("there is already an account named \"{0}\"")]
    Exists(String),
    #[error("no account named \"{0}\" (see: siphon account list)")]
    Missing(String),
    #[error("account \"{account}\": {message}")]
    Invalid { account: String, message: String },
    #[error(transparent)]
    Credential(#[from] credential::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

/// How the IMAP connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (port 993).
    #[default]
    Tls,
    /// Cleartext, then STARTTLS before login (port 143).
    Starttls,
    /// No encryption at all: only allowed when the host is loopback.
    Plain,
}

impl Security {
    pub fn default_port(self) -> u16 {
        match self {
            Security::Tls => 993,
            Security::Starttls | Security::Plain => 143,
        }
    }
}

/// How Siphon logs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AuthMech {
    #[default]
    Password,
    /// OAuth 2 bearer token (Gmail, Microsoft 365), printed by `password_cmd`.
    Xoauth2,
}

/// One IMAP server connection's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImapSettings {
    pub host: String,
    pub port: u16,
    #[serde(default)]
    pub security: Security,
    pub user: String,
    /// An extra CA certificate (PEM) to trust, for self-hosted servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_cert: Option<PathBuf>,
    #[serde(default)]
    pub auth: AuthMech,
    /// A shell command printing the password or token; when absent, the OS keyring holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_cmd: Option<String>,
}

/// How replies leave: the account's SMTP server. Absent fields fall back to the IMAP
/// settings (the same user and credential), which is what most providers want.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    #[serde(default)]
    pub security: Security,
    /// Login name; `None` uses the IMAP user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// A command printing the SMTP password. With neither this nor `own_password`, the IMAP
    /// credential is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_cmd: Option<String>,
    /// The SMTP password has a keyring entry of its own (set with `--smtp-password-stdin`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub own_password: bool,
    /// Whether the server files a copy of what it sends in the Sent folder itself (Gmail does);
    /// `None`: decided from the IMAP host. When it does not, Siphon appends the copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saves_sent: Option<bool>,
}

impl SmtpSettings {
    /// Ports by security: 465 for TLS from the first byte (RFC 8314), 587 for submission with
    /// STARTTLS, and 25 for cleartext on loopback.
    pub fn default_port(security: Security) -> u16 {
        match security {
            Security::Tls => 465,
            Security::Starttls => 587,
            Security::Plain => 25,
        }
    }
}

/// One mailbox the team works from (support@, billing@ …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub display_name: String,
    pub email: String,
    /// Other addresses the team receives at on this account.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Folders to sync; empty means INBOX plus the Sent folder (found by SPECIAL-USE, else by name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub folders: Vec<String>,
    pub imap: ImapSettings,
    /// Where replies go out; without it the account can receive but not answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp: Option<SmtpSettings>,
}

impl Account {
    /// Checks what a config file could get wrong.
    pub fn validate(&self) -> Result<()> {
        let bad = |message: String| Error::Invalid {
            account: self.name.clone(),
            message,
        };
        if self.name.trim().is_empty() || self.name.contains(['\0', '/']) {
            return Err(bad("the name must be non-empty, without '/'".into()));
        }
        if !self.email.contains('@') {
            return Err(bad(format!("\"{}\" is not an email address", self.email)));
        }
        if self.imap.host.trim().is_empty() {
            return Err(bad("no IMAP host".into()));
        }
        if self.imap.security == Security::Plain && !is_loopback(&self.imap.host) {
            return Err(bad(format!(
                "unencrypted IMAP is only allowed to this machine (loopback), not to {}; use --imap-security tls or starttls",
                self.imap.host
            )));
        }
        if let Some(smtp) = &self.smtp {
            if smtp.host.trim().is_empty() {
                return Err(bad("no SMTP host".into()));
            }
            if smtp.security == Security::Plain && !is_loopback(&smtp.host) {
                return Err(bad(format!(
                    "unencrypted SMTP is only allowed to this machine (loopback), not to {}; use --smtp-security tls or starttls",
                    smtp.host
                )));
            }
        }
        if self.imap.auth == AuthMech::Xoauth2 && self.imap.password_cmd.is_none() {
            return Err(bad(
                "XOAUTH2 needs --password-cmd printing a fresh access token".into(),
            ));
        }
        Ok(())
    }

    /// Every address the team receives at on this account, lower-cased.
    pub fn addresses(&self) -> Vec<String> {
        std::iter::once(&self.email)
            .chain(&self.aliases)
            .map(|a| a.to_ascii_lowercase())
            .collect()
    }
}

/// Whether a host name or address is this machine.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_matches(['[', ']']);
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

/// The person using Siphon on this machine: the actor of their ops.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub email: String,
    /// Added below every reply this person writes (after a "-- " line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// How sending behaves on this machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendConfig {
    /// Seconds a reply waits in the outbox before it leaves, for "undo".
    #[serde(default = "default_undo_secs")]
    pub undo_seconds: u32,
}

fn default_undo_secs() -> u32 {
    10
}

impl Default for SendConfig {
    fn default() -> Self {
        SendConfig {
            undo_seconds: default_undo_secs(),
        }
    }
}

/// How tickets are made from mail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketConfig {
    /// At the first sync, conversations quiet for longer than this arrive closed.
    #[serde(default = "default_cutoff_days")]
    pub first_sync_cutoff_days: u32,
}

fn default_cutoff_days() -> u32 {
    90
}

impl Default for TicketConfig {
    fn default() -> Self {
        TicketConfig {
            first_sync_cutoff_days: default_cutoff_days(),
        }
    }
}

/// Reports: the zone days and weeks are counted in, and the business hours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportConfig {
    /// An IANA time zone ("Europe/Paris").
    pub time_zone: String,
    /// Business days ("mon" … "sun").
    pub business_days: Vec<String>,
    /// Local hour the business day starts (0–23).
    pub business_start: u32,
    /// Local hour the business day ends (1–24).
    pub business_end: u32,
    /// The weekly export (`[report.schedule]`); absent, it is off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<crate::report::schedule::Schedule>,
}

impl ReportConfig {
    fn is_default(&self) -> bool {
        *self == ReportConfig::default()
    }
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            time_zone: "UTC".into(),
            business_days: ["mon", "tue", "wed", "thu", "fri"]
                .map(String::from)
                .to_vec(),
            business_start: 9,
            business_end: 17,
            schedule: None,
        }
    }
}

/// The whole config file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub me: Option<Me>,
    #[serde(default)]
    pub tickets: TicketConfig,
    #[serde(default)]
    pub send: SendConfig,
    #[serde(default, skip_serializing_if = "ReportConfig::is_default")]
    pub report: ReportConfig,
    #[serde(default, rename = "account")]
    pub accounts: Vec<Account>,
}

impl Config {
    /// Reads the config; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(Error::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let config: Config = toml::from_str(&text).map_err(|e| Error::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        for a in &config.accounts {
            a.validate().map_err(|e| Error::Parse {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        }
        Ok(config)
    }

    /// Writes the config atomically (temp file, fsync, rename).
    pub fn save(&self, path: &Path) -> Result<()> {
        let write = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        let text = toml::to_string_pretty(self).map_err(|e| Error::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other(e),
        })?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(write)?;
        }
        let tmp = path.with_extension("toml.tmp");
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp).map_err(write)?;
            f.write_all(b"# Siphon accounts. Passwords are not here: they are in the OS keyring or come from password_cmd.\n\n")
                .map_err(write)?;
            f.write_all(text.as_bytes()).map_err(write)?;
            f.sync_all().map_err(write)?;
        }
        std::fs::rename(&tmp, path).map_err(write)
    }

    pub fn get(&self, name: &str) -> Result<&Account> {
        self.accounts
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| Error::Missing(name.to_string()))
    }

    pub fn get_mut(&mut self, name: &str) -> Result<&mut Account> {
        self.accounts
            .iter_mut()
            .find(|a| a.name == name)
            .ok_or_else(|| Error::Missing(name.to_string()))
    }

    pub fn add(&mut self, account: Account) -> Result<()> {
        account.validate()?;
        if self.accounts.iter().any(|a| a.name == account.name) {
            return Err(Error::Exists(account.name));
        }
        self.accounts.push(account);
        Ok(())
    }

    pub fn remove(&mut self, name: &str) -> Result<Account> {
        let i = self
            .accounts
            .iter()
            .position(|a| a.name == name)
            .ok_or_else(|| Error::Missing(name.to_string()))?;
        Ok(self.accounts.remove(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(host: &str, security: Security) -> Account {
        Account {
            name: "support".into(),
            display_name: String::new(),
            email: "support@acme.example".into(),
            aliases: vec!["help@acme.example".into()],
            folders: vec![],
            imap: ImapSettings {
                host: host.into(),
                port: 993,
                security,
                user: "support".into(),
                ca_cert: None,
                auth: AuthMech::Password,
                password_cmd: Some("echo x".into()),
            },
            smtp: None,
        }
    }

    #[test]
    fn plain_imap_only_on_loopback() {
        assert!(account("127.0.0.1", Security::Plain).validate().is_ok());
        assert!(account("localhost", Security::Plain).validate().is_ok());
        assert!(account("[::1]", Security::Plain).validate().is_ok());
        let err = account("mail.acme.example", Security::Plain)
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("only allowed to this machine"));
        assert!(
            account("mail.acme.example", Security::Tls)
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn config_round_trips_without_passwords() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let mut c = Config::default();
        c.add(account("imap.acme.example", Security::Tls)).unwrap();
        assert!(c.add(account("x", Security::Tls)).is_err());
        c.save(&path).unwrap();
        assert_eq!(Config::load(&path).unwrap(), c);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("password ="), "{text}");
    }

    #[test]
    fn a_broken_config_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[[account]]\nname = 3\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("config.toml is not valid"), "{err}");
    }
}
