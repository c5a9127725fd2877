//! `siphon account …`

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use siphon::account::{Account, AuthMech, ImapSettings, Security};
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
    #[arg(long)]
    password_stdin: bool,
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
        account.imap.security = match v {
            SecurityArg::Tls => Security::Tls,
            SecurityArg::Starttls => Security::Starttls,
            SecurityArg::Plain => Security::Plain,
        };
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
            };
            apply(&mut account, &opts);
            // Say what is wrong with the settings before asking for a password.
            account.validate()?;
            let password = if opts.password_stdin {
                Some(read_password_stdin()?)
            } else {
                None
            };
            engine.account_add(account, password.as_deref())?;
            println!("Added account \"{name}\". Run: siphon sync");
        }
        AccountCommand::Set { name, opts } => {
            let mut account = engine.config()?.get(&name)?.clone();
            apply(&mut account, &opts);
            account.validate()?;
            let password = if opts.password_stdin {
                Some(read_password_stdin()?)
            } else {
                None
            };
            engine.account_update(account, password.as_deref())?;
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
