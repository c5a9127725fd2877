//! Staying current: IDLE on INBOX (RFC 2177), a poll for the other folders, reconnects with backoff.

use std::sync::Arc;
use std::time::Duration;

use async_imap::extensions::idle::IdleResponse;
use tokio::sync::watch;

use super::{Progress, run, sync_account};
use crate::account::{Account, Secret};
use crate::imap::Connection;
use crate::store::Store;

/// RFC 2177 asks clients to re-issue IDLE at least every 29 minutes.
const IDLE_RENEW: Duration = Duration::from_secs(25 * 60);
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// The delay before reconnect attempt `n` (0-based): 1 s, 2 s, 4 s … up to a minute.
pub fn backoff(n: u32) -> Duration {
    Duration::from_secs(1u64 << n.min(6)).min(MAX_BACKOFF)
}

/// Watches one account until `stop` turns true. Errors are reported through `progress` and
/// `on_error`, then retried; only `stop` ends the watch.
pub async fn watch_account(
    store: Arc<Store>,
    account: Account,
    secret: Arc<Secret>,
    poll: Duration,
    progress: Progress,
    mut stop: watch::Receiver<bool>,
    on_error: impl Fn(String) + Send + Sync + 'static,
) {
    let mut failures = 0u32;
    while !*stop.borrow() {
        match watch_once(&store, &account, &secret, poll, &progress, &mut stop).await {
            Ok(()) => return,
            Err(e) => {
                progress.send(super::Event::AccountFailed {
                    account: account.name.clone(),
                    kind: e.kind(),
                    error: e.to_string(),
                });
                on_error(e.to_string());
                let wait = backoff(failures);
                failures = failures.saturating_add(1);
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop.changed() => return,
                }
            }
        }
    }
}

/// One connected session: full pass, then IDLE (or poll) until stopped or the connection fails.
async fn watch_once(
    store: &Arc<Store>,
    account: &Account,
    secret: &Arc<Secret>,
    poll: Duration,
    progress: &Progress,
    stop: &mut watch::Receiver<bool>,
) -> super::Result<()> {
    for r in sync_account(store, account, secret.clone(), progress).await? {
        if let Err((_, e)) = r {
            return Err(e);
        }
    }
    let mut conn = Connection::open(account, secret).await?;
    let mut last_poll = tokio::time::Instant::now();
    loop {
        run::sync_folder(&mut conn, store, &account.name, "INBOX", progress).await?;
        if last_poll.elapsed() >= poll {
            for r in sync_account(store, account, secret.clone(), progress).await? {
                if let Err((_, e)) = r {
                    return Err(e);
                }
            }
            last_poll = tokio::time::Instant::now();
        }
        let wait = poll.saturating_sub(last_poll.elapsed()).min(IDLE_RENEW);
        if !conn.caps.idle {
            tokio::select! {
                _ = tokio::time::sleep(wait.min(Duration::from_secs(30))) => continue,
                _ = stop.changed() => return Ok(()),
            }
        }
        let Connection { session, caps, .. } = conn;
        let mut idle = session.idle();
        idle.init().await.map_err(|e| lost(account, e))?;
        let (wait_fut, interrupt) = idle.wait_with_timeout(wait.max(Duration::from_secs(1)));
        let stopped = tokio::select! {
            r = wait_fut => {
                match r.map_err(|e| lost(account, e))? {
                    IdleResponse::NewData(_) | IdleResponse::Timeout | IdleResponse::ManualInterrupt => false,
                }
            }
            _ = stop.changed() => true,
        };
        drop(interrupt);
        if stopped {
            // Leaving without DONE is harmless: the server ends the session when the socket closes.
            return Ok(());
        }
        let session = idle.done().await.map_err(|e| lost(account, e))?;
        // Untagged responses that arrived during IDLE went to the library's channel; their content
        // is re-read by the next pass, so drain them to keep the channel from filling.
        while session.unsolicited_responses.try_recv().is_ok() {}
        conn = Connection::from_parts(session, caps, &account.name);
    }
}

fn lost(account: &Account, e: impl std::fmt::Display) -> super::Error {
    super::Error::Imap(crate::imap::Error::Lost {
        account: account.name.clone(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        let secs: Vec<u64> = (0..9).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(secs, vec![1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }
}
