//! Where a password (or OAuth token) comes from: a `password_cmd`, or the OS keyring.
//!
//! The keyring is the platform's own store (macOS Keychain, Windows Credential Manager, the Secret
//! Service on Linux) through `keyring-core`; there is deliberately no fallback to an in-memory store,
//! which would silently forget the password. Entries are named per data dir, so tests, the demo
//! workspace and a real workspace never collide.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "account \"{account}\": password_cmd `{cmd}` failed ({status}): {stderr}; fix the command with: siphon account set {account} --password-cmd CMD"
    )]
    Command {
        account: String,
        cmd: String,
        status: String,
        stderr: String,
    },
    #[error(
        "account \"{account}\": no password in the OS keyring; store one with: siphon account set {account} --password-stdin"
    )]
    NoPassword { account: String },
    #[error("the OS keyring is not available ({0}); use --password-cmd instead")]
    NoKeyring(String),
    #[error("account \"{account}\": the OS keyring failed: {message}")]
    Keyring { account: String, message: String },
}

/// A password or token, wiped from the struct's memory when dropped.
pub struct Secret(String);

impl Secret {
    pub fn new(s: String) -> Secret {
        Secret(s)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Safe zeroing: overwrite the bytes through a String we own, then let it go.
        let len = self.0.len();
        self.0.clear();
        self.0.extend(std::iter::repeat_n('\0', len));
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Where one account's secret lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    Command(String),
    /// Keyring entry: (service, user).
    Keyring {
        service: String,
        user: String,
    },
}

impl Credential {
    /// The credential of `account` in the workspace at `data_dir`.
    pub fn for_account(data_dir: &Path, account: &str, password_cmd: Option<&str>) -> Credential {
        match password_cmd {
            Some(cmd) => Credential::Command(cmd.to_string()),
            None => Credential::Keyring {
                service: format!("Siphon IMAP ({})", data_dir.display()),
                user: account.to_string(),
            },
        }
    }

    /// The credential replies are sent with: the SMTP settings' own command or keyring entry,
    /// else the account's IMAP credential (most providers use one password for both).
    pub fn for_smtp(data_dir: &Path, account: &super::Account) -> Credential {
        match &account.smtp {
            Some(super::SmtpSettings {
                password_cmd: Some(cmd),
                ..
            }) => Credential::Command(cmd.clone()),
            Some(s) if s.own_password => Credential::Keyring {
                service: format!("Siphon SMTP ({})", data_dir.display()),
                user: account.name.clone(),
            },
            _ => Credential::for_account(
                data_dir,
                &account.name,
                account.imap.password_cmd.as_deref(),
            ),
        }
    }

    /// Fetches the secret. Blocking (it may run a command or talk to D-Bus).
    pub fn fetch(&self, account: &str) -> Result<Secret, Error> {
        match self {
            Credential::Command(cmd) => run_password_cmd(account, cmd),
            Credential::Keyring { service, user } => {
                init_keyring()?;
                let entry =
                    keyring_core::Entry::new(service, user).map_err(|e| keyring_err(account, e))?;
                match entry.get_password() {
                    Ok(p) => Ok(Secret::new(p)),
                    Err(keyring_core::Error::NoEntry) => Err(Error::NoPassword {
                        account: account.to_string(),
                    }),
                    Err(e) => Err(keyring_err(account, e)),
                }
            }
        }
    }

    /// Stores a secret in the OS keyring (only for keyring credentials).
    pub fn store(&self, account: &str, secret: &str) -> Result<(), Error> {
        if let Credential::Keyring { service, user } = self {
            init_keyring()?;
            let entry =
                keyring_core::Entry::new(service, user).map_err(|e| keyring_err(account, e))?;
            entry
                .set_password(secret)
                .map_err(|e| keyring_err(account, e))?;
        }
        Ok(())
    }

    /// Removes a keyring entry; a missing one is fine.
    pub fn forget(&self, account: &str) -> Result<(), Error> {
        if let Credential::Keyring { service, user } = self {
            init_keyring()?;
            let entry =
                keyring_core::Entry::new(service, user).map_err(|e| keyring_err(account, e))?;
            match entry.delete_credential() {
                Ok(()) | Err(keyring_core::Error::NoEntry) => {}
                Err(e) => return Err(keyring_err(account, e)),
            }
        }
        Ok(())
    }
}

fn keyring_err(account: &str, e: keyring_core::Error) -> Error {
    Error::Keyring {
        account: account.to_string(),
        message: e.to_string(),
    }
}

fn run_password_cmd(account: &str, cmd: &str) -> Result<Secret, Error> {
    let mut command = if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", cmd]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", cmd]);
        c
    };
    let out = command
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| Error::Command {
            account: account.to_string(),
            cmd: cmd.to_string(),
            status: "could not start".to_string(),
            stderr: e.to_string(),
        })?;
    if !out.status.success() {
        return Err(Error::Command {
            account: account.to_string(),
            cmd: cmd.to_string(),
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    let text = String::from_utf8_lossy(&out.stdout);
    // Only the trailing newline a command prints is not part of the password.
    let secret = text.strip_suffix('\n').unwrap_or(&text);
    let secret = secret.strip_suffix('\r').unwrap_or(secret);
    Ok(Secret::new(secret.to_string()))
}

/// Installs the platform's credential store as keyring-core's default, once per process.
fn init_keyring() -> Result<(), Error> {
    static INIT: OnceLock<Result<(), String>> = OnceLock::new();
    INIT.get_or_init(|| {
        let store = platform_store()?;
        keyring_core::set_default_store(store);
        Ok(())
    })
    .clone()
    .map_err(Error::NoKeyring)
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<std::sync::Arc<keyring_core::CredentialStore>, String> {
    zbus_secret_service_keyring_store::Store::new()
        .map(|s| s as std::sync::Arc<keyring_core::CredentialStore>)
        .map_err(|e| format!("Secret Service: {e}"))
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<std::sync::Arc<keyring_core::CredentialStore>, String> {
    apple_native_keyring_store::keychain::Store::new()
        .map(|s| s as std::sync::Arc<keyring_core::CredentialStore>)
        .map_err(|e| format!("Keychain: {e}"))
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<std::sync::Arc<keyring_core::CredentialStore>, String> {
    windows_native_keyring_store::Store::new()
        .map(|s| s as std::sync::Arc<keyring_core::CredentialStore>)
        .map_err(|e| format!("Credential Manager: {e}"))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> Result<std::sync::Arc<keyring_core::CredentialStore>, String> {
    Err("no supported credential store on this platform".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_cmd_output_loses_only_the_trailing_newline() {
        let c = Credential::Command("printf ' pa ss\\n'".into());
        assert_eq!(c.fetch("a").unwrap().expose(), " pa ss");
    }

    #[test]
    fn failing_password_cmd_names_the_account_and_the_fix() {
        let c = Credential::Command("echo nope >&2; exit 3".into());
        let e = c.fetch("billing").unwrap_err().to_string();
        assert!(e.contains("account \"billing\""), "{e}");
        assert!(e.contains("nope"), "{e}");
        assert!(e.contains("siphon account set billing"), "{e}");
    }

    #[test]
    fn keyring_entries_are_named_per_data_dir() {
        let a = Credential::for_account(Path::new("/a"), "support", None);
        let b = Credential::for_account(Path::new("/b"), "support", None);
        assert_ne!(a, b);
    }
}
