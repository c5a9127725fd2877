//! `siphon account …`

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use siphon::account::{Account, AuthMech, ImapSettings, Security, SmtpSettings};
use siphon::engine::Engine;

#[derive(Subcommand, Debug)]
pub enum AccountCommand {
    /// Add an account.
    Add {
        name: String,
        #[command(flatten)]
        opts: AccountOpts,
    },
    /// Change an account.
    Set {
        name: String,
        #[command(flatten)]
        opts: AccountOpts,
    },
    /// List accounts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove an account, its stored password and its sync state.
    Remove { name: String },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SecurityArg {
    Tls,
    Starttls,
    Plain,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum AuthArg {
    Password,
    Xoauth2,
}

#[derive(Args, Debug)]
pub struct AccountOpts {
    /// The address customers write to.
    #[arg(long)]
    email: Option<String>,
    /// Name shown for this mailbox.
    #[arg(long)]
    display_name: Option<String>,
    #[arg(long)]
    imap_host: Option<String>,
    #[arg(long)]
    imap_port: Option<u16>,
    #[arg(long, value_enum)]
    imap_security: Option<SecurityArg>,
    /// Login name (default: the email address).
    #[arg(long)]
    imap_user: Option<String>,
    /// Extra CA certificate (PEM) to trust, for self-hosted servers.
    #[arg(long)]
    ca_cert: Option<PathBuf>,
    #[arg(long, value_enum)]
    auth: Option<AuthArg>,
    /// Another address the team receives at on this account (repeatable).
    #[arg(long = "alias")]
    aliases: Vec<String>,
    /// A folder to sync (repeatable; default INBOX and the Sent folder).
    #[arg(long = "folder")]
    folders: Vec<String>,
    /// Shell command printing the password or OAuth token.
    #[arg(long, conflicts_with = "password_stdin")]
    password_cmd: Option<String>,
    /// Read the password from standard input and keep it in the OS keyring.
    #[arg(long, conflicts_with = "smtp_password_stdin")]
    password_stdin: bool,
    /// The SMTP server replies leave through.
    #[arg(long)]
    smtp_host: Option<String>,
    /// Default by security: 465 (tls), 587 (starttls), 25 (plain).
    #[arg(long)]
    smtp_port: Option<u16>,
    /// tls, starttls, or plain (plain only to this machine).
    #[arg(long, value_enum)]
    smtp_security: Option<SecurityArg>,
    /// SMTP login name (default: the IMAP user).
    #[arg(long)]
    smtp_user: Option<String>,
    /// Shell command printing the SMTP password (default: the IMAP credential).
    #[arg(long, conflicts_with = "smtp_password_stdin")]
    smtp_password_cmd: Option<String>,
    /// Read the SMTP password from standard input and keep it in the OS keyring.
    #[arg(long)]
    smtp_password_stdin: bool,
    /// Whether the server files sent mail in the Sent folder itself (default: yes for Gmail).
    #[arg(long)]
    smtp_saves_sent: Option<bool>,
}

fn security_of(v: SecurityArg) -> Security {
    match v {
        SecurityArg::Tls => Security::Tls,
        SecurityArg::Starttls => Security::Starttls,
        SecurityArg::Plain => Security::Plain,
    }
}

/// Applies the `--smtp-*` options; the first `--smtp-host` creates the settings.
fn apply_smtp(account: &mut Account, opts: &AccountOpts) -> Result<()> {
    let touched = opts.smtp_host.is_some()
        || opts.smtp_port.is_some()
        || opts.smtp_security.is_some()
        || opts.smtp_user.is_some()
        || opts.smtp_password_cmd.is_some()
        || opts.smtp_password_stdin
        || opts.smtp_saves_sent.is_some();
    if !touched {
        return Ok(());
    }
    let smtp = match (&mut account.smtp, &opts.smtp_host) {
        (Some(s), _) => s,
        (None, Some(host)) => account.smtp.insert(SmtpSettings {
            host: host.clone(),
            port: SmtpSettings::default_port(Security::Tls),
            security: Security::Tls,
            user: None,
            password_cmd: None,
            own_password: false,
            saves_sent: None,
        }),
        (None, None) => bail!("the account has no SMTP server yet; give --smtp-host HOST"),
    };
    if let Some(h) = &opts.smtp_host {
        smtp.host = h.clone();
    }
    if let Some(v) = opts.smtp_security {
        let before = smtp.security;
        smtp.security = security_of(v);
        if opts.smtp_port.is_none() && smtp.port == SmtpSettings::default_port(before) {
            smtp.port = SmtpSettings::default_port(smtp.security);
        }
    }
    if let Some(p) = opts.smtp_port {
        smtp.port = p;
    }
    if let Some(u) = &opts.smtp_user {
        smtp.user = Some(u.clone());
    }
    if let Some(c) = &opts.smtp_password_cmd {
        smtp.password_cmd = Some(c.clone());
        smtp.own_password = false;
    }
    if opts.smtp_password_stdin {
        smtp.password_cmd = None;
        smtp.own_password = true;
    }
    if let Some(v) = opts.smtp_saves_sent {
        smtp.saves_sent = Some(v);
    }
    Ok(())
}

fn read_password_stdin() -> Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    let s = s.strip_suffix('\n').unwrap_or(&s);
    let s = s.strip_suffix('\r').unwrap_or(s);
    if s.is_empty() {
        bail!("--password-stdin read an empty password");
    }
    Ok(s.to_string())
}

fn apply(account: &mut Account, opts: &AccountOpts) {
    if let Some(v) = &opts.email {
        account.email = v.clone();
    }
    if let Some(v) = &opts.display_name {
        account.display_name = v.clone();
    }
    if let Some(v) = &opts.imap_host {
        account.imap.host = v.clone();
    }
    if let Some(v) = opts.imap_security {
        let before = account.imap.security;
        account.imap.security = security_of(v);
        if opts.imap_port.is_none() && account.imap.port == before.default_port() {
            account.imap.port = account.imap.security.default_port();
        }
    }
    if let Some(v) = opts.imap_port {
        account.imap.port = v;
    }
    if let Some(v) = &opts.imap_user {
        account.imap.user = v.clone();
    }
    if let Some(v) = &opts.ca_cert {
        account.imap.ca_cert = Some(std::path::absolute(v).unwrap_or_else(|_| v.clone()));
    }
    if let Some(v) = opts.auth {
        account.imap.auth = match v {
            AuthArg::Password => AuthMech::Password,
            AuthArg::Xoauth2 => AuthMech::Xoauth2,
        };
    }
    if !opts.aliases.is_empty() {
        account.aliases = opts.aliases.clone();
    }
    if !opts.folders.is_empty() {
        account.folders = opts.folders.clone();
    }
    if let Some(v) = &opts.password_cmd {
        account.imap.password_cmd = Some(v.clone());
    }
    if opts.password_stdin {
        // The keyring takes over from any command.
        account.imap.password_cmd = None;
    }
}

pub fn run(engine: &mut Engine, cmd: AccountCommand) -> Result<ExitCode> {
    match cmd {
        AccountCommand::Add { name, opts } => {
            let (Some(email), Some(host)) = (&opts.email, &opts.imap_host) else {
                bail!("account add needs --email and --imap-host");
            };
            if opts.password_cmd.is_none() && !opts.password_stdin {
                bail!("account add needs --password-cmd CMD or --password-stdin");
            }
            let mut account = Account {
                name: name.clone(),
                display_name: String::new(),
                email: email.clone(),
                aliases: Vec::new(),
                folders: Vec::new(),
                imap: ImapSettings {
                    host: host.clone(),
                    port: Security::Tls.default_port(),
                    security: Security::Tls,
                    user: email.clone(),
                    ca_cert: None,
                    auth: AuthMech::Password,
                    password_cmd: None,
                },
                smtp: None,
            };
            apply(&mut account, &opts);
            apply_smtp(&mut account, &opts)?;
            // Say what is wrong with the settings before asking for a password.
            account.validate()?;
            let password = if opts.password_stdin {
                Some(read_password_stdin()?)
            } else {
                None
            };
            engine.account_add(account.clone(), password.as_deref())?;
            if opts.smtp_password_stdin {
                engine.smtp_password_set(&account, &read_password_stdin()?)?;
            }
            println!("Added account \"{name}\". Run: siphon sync");
        }
        AccountCommand::Set { name, opts } => {
            let mut account = engine.config()?.get(&name)?.clone();
            apply(&mut account, &opts);
            apply_smtp(&mut account, &opts)?;
            account.validate()?;
            let password = if opts.password_stdin {
                Some(read_password_stdin()?)
            } else {
                None
            };
            let smtp_password = if opts.smtp_password_stdin {
                Some(read_password_stdin()?)
            } else {
                None
            };
            engine.account_update(account.clone(), password.as_deref())?;
            if let Some(p) = smtp_password {
                engine.smtp_password_set(&account, &p)?;
            }
            println!("Updated account \"{name}\".");
        }
        AccountCommand::List { json } => {
            let config = engine.config()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&config.accounts)?);
            } else if config.accounts.is_empty() {
                println!(
                    "No accounts. Add one with: siphon account add NAME --email ADDR --imap-host HOST …"
                );
            } else {
                for a in &config.accounts {
                    let secret = if a.imap.password_cmd.is_some() {
                        "password_cmd"
                    } else {
                        "OS keyring"
                    };
                    println!(
                        "{:<16} {:<32} {}:{} ({:?}, {secret})",
                        a.name, a.email, a.imap.host, a.imap.port, a.imap.security
                    );
                    match &a.smtp {
                        Some(s) => println!(
                            "{:<16} {:<32} sends through {}:{} ({:?})",
                            "", "", s.host, s.port, s.security
                        ),
                        None => println!("{:<16} {:<32} no SMTP: cannot reply yet", "", ""),
                    }
                }
            }
        }
        AccountCommand::Remove { name } => {
            engine.account_remove(&name)?;
            println!("Removed account \"{name}\".");
        }
    }
    Ok(ExitCode::SUCCESS)
}
