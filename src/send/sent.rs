//! The team's copy of what was sent: appended to the account's Sent folder over IMAP, so
//! teammates' machines (and this one, at the next sync) see the reply in the ticket.

use crate::account::Account;
use crate::imap::{self, Connection, quote};

/// Whether the server files its own copy of what it sends (Gmail does, and a second copy
/// would show the reply twice): the account's setting, else decided from the IMAP host.
pub fn server_saves_sent(account: &Account) -> bool {
    if let Some(v) = account.smtp.as_ref().and_then(|s| s.saves_sent) {
        return v;
    }
    let host = account.imap.host.to_ascii_lowercase();
    host.ends_with("gmail.com") || host.ends_with("googlemail.com")
}

/// The account's Sent folder: the configured folder that is one, else the one the server
/// marks or names so; created as "Sent" when there is none.
pub async fn sent_folder(conn: &mut Connection, account: &Account) -> imap::Result<String> {
    if let Some(f) = account
        .folders
        .iter()
        .find(|f| !f.eq_ignore_ascii_case("INBOX") && crate::sync::is_sent_folder(account, f))
    {
        return Ok(f.clone());
    }
    let listed = conn.list().await?;
    if let Some(name) = crate::sync::sent_folder_in(&listed) {
        return Ok(name);
    }
    conn.command(&format!("CREATE {}", quote("Sent")), |_| {})
        .await?;
    Ok("Sent".to_string())
}

/// Appends a sent message, marked read.
pub async fn append(conn: &mut Connection, folder: &str, raw: &[u8]) -> imap::Result<()> {
    let account = conn.account().to_string();
    let r = tokio::time::timeout(
        imap::STEP_TIMEOUT,
        conn.session.append(folder, Some("(\\Seen)"), None, raw),
    )
    .await;
    match r {
        Err(_) => Err(imap::Error::Timeout {
            account,
            what: "APPEND".into(),
            secs: imap::STEP_TIMEOUT.as_secs(),
        }),
        Ok(Err(e)) => Err(imap::Error::Refused {
            account,
            command: "APPEND".into(),
            message: e.to_string(),
        }),
        Ok(Ok(())) => Ok(()),
    }
}

/// Whether a folder holds a message with this Message-ID (RFC 3501 §6.4.4 SEARCH HEADER).
pub async fn holds(conn: &mut Connection, folder: &str, message_id: &str) -> imap::Result<bool> {
    conn.select(folder).await?;
    let mut found = false;
    let cmd = format!(
        "UID SEARCH HEADER Message-ID {}",
        quote(&format!("<{message_id}>"))
    );
    conn.command(&cmd, |r| {
        if let async_imap::imap_proto::Response::MailboxData(
            async_imap::imap_proto::MailboxDatum::Search(uids),
        ) = r
        {
            found |= !uids.is_empty();
        }
    })
    .await?;
    Ok(found)
}
