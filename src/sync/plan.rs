//! The sync planner: remote folder state × local folder state × server capabilities → what to do.
//!
//! Pure: no I/O, tested as a table below. The run step ([`super::run`]) carries the plan out.
//!
//! The rules (RFC 3501 UIDs, RFC 7162 CONDSTORE/QRESYNC):
//! - A folder never synced, or synced under another UIDVALIDITY, is (re)mapped: every UID is new.
//!   A UIDVALIDITY change keeps the messages and re-matches them by Message-ID and size, then by
//!   content hash, so nothing is fetched twice, lost or duplicated.
//! - New mail is every UID from the first one not yet synced up to what SELECT announced.
//! - Flag changes: with CONDSTORE and a known HIGHESTMODSEQ, only what changed since; without, every
//!   flag of every synced message (which also reveals expunges).
//! - Expunges: with QRESYNC, VANISHED (EARLIER) on the same fetch; otherwise, a count check after the
//!   new mail is in, falling back to a UID SEARCH diff only when the counts disagree.

use crate::imap::{Caps, Selected};
use crate::store::FolderState;

/// How flag changes are found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagScan {
    Skip,
    /// `UID FETCH 1:N (FLAGS) (CHANGEDSINCE m)`.
    ChangedSince(u64),
    /// `UID FETCH 1:N (FLAGS)`.
    All,
}

/// How expunges are found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpungeScan {
    /// Reported by the CHANGEDSINCE fetch's `VANISHED` modifier (QRESYNC).
    Vanished,
    /// UIDs missing from a full flag scan.
    FromFlagScan,
    /// Compare EXISTS with the local count; on a mismatch, diff `UID SEARCH ALL`.
    CountCheck,
}

/// One folder's sync steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// UIDVALIDITY changed (or a re-map was interrupted): re-match everything first.
    pub remap: bool,
    /// Fetch the UIDs in this inclusive range.
    pub fetch: Option<(u32, u32)>,
    pub flags: FlagScan,
    pub expunges: ExpungeScan,
    /// HIGHESTMODSEQ to record once every step has succeeded.
    pub record_modseq: Option<u64>,
}

impl Plan {
    /// True when the folder is already current: the no-op resync.
    pub fn is_noop(&self) -> bool {
        !self.remap && self.fetch.is_none() && self.flags == FlagScan::Skip
    }
}

/// Whether a folder whose STATUS (or SELECT) reads `remote` needs no pass at all: nothing new, and
/// CONDSTORE vouches that no flag changed and the count rules out expunges. Without CONDSTORE the
/// answer is always no, since flag changes are invisible to STATUS.
pub fn unchanged(remote: &Selected, local: &FolderState, caps: Caps) -> bool {
    caps.condstore
        && local.highestmodseq.is_some()
        && remote.highestmodseq == local.highestmodseq
        && local.uidvalidity == Some(remote.uidvalidity)
        && local.retired.is_none()
        && local.synced_uidnext >= remote.uidnext
        && local.messages == remote.exists
}

pub fn plan(remote: &Selected, local: &FolderState, caps: Caps) -> Plan {
    let record_modseq = if caps.condstore {
        remote.highestmodseq
    } else {
        None
    };
    let remapping =
        local.retired.is_some() || matches!(local.uidvalidity, Some(v) if v != remote.uidvalidity);
    if remapping {
        return Plan {
            remap: true,
            fetch: None,
            flags: FlagScan::Skip,
            expunges: ExpungeScan::CountCheck,
            record_modseq,
        };
    }
    let last_announced = remote.uidnext.saturating_sub(1);
    let from = local.synced_uidnext.max(1);
    let fetch = (remote.exists > 0 && from <= last_announced).then_some((from, last_announced));
    let has_synced = local.synced_uidnext > 1 && local.messages > 0;
    let (flags, expunges) = if !has_synced {
        (FlagScan::Skip, ExpungeScan::CountCheck)
    } else {
        match (caps.condstore, local.highestmodseq, remote.highestmodseq) {
            (true, Some(l), Some(r)) if l == r => (FlagScan::Skip, ExpungeScan::CountCheck),
            (true, Some(l), Some(_)) if caps.qresync => {
                (FlagScan::ChangedSince(l), ExpungeScan::Vanished)
            }
            (true, Some(l), Some(_)) => (FlagScan::ChangedSince(l), ExpungeScan::CountCheck),
            _ => (FlagScan::All, ExpungeScan::FromFlagScan),
        }
    };
    Plan {
        remap: false,
        fetch,
        flags,
        expunges,
        record_modseq,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Caps = Caps {
        condstore: false,
        qresync: false,
        idle: true,
        special_use: true,
    };
    const COND: Caps = Caps {
        condstore: true,
        qresync: false,
        ..NONE
    };
    const QRES: Caps = Caps {
        condstore: true,
        qresync: true,
        ..NONE
    };

    fn remote(uidvalidity: u32, uidnext: u32, exists: u32, modseq: Option<u64>) -> Selected {
        Selected {
            uidvalidity,
            uidnext,
            exists,
            highestmodseq: modseq,
        }
    }

    fn local(
        uidvalidity: Option<u32>,
        synced: u32,
        messages: u32,
        modseq: Option<u64>,
    ) -> FolderState {
        FolderState {
            id: 1,
            uidvalidity,
            synced_uidnext: synced,
            messages,
            highestmodseq: modseq,
            ..FolderState::default()
        }
    }

    #[test]
    fn truth_table() {
        use ExpungeScan::*;
        use FlagScan::*;
        // (name, remote, local, caps, remap, fetch, flags, expunges, record)
        let cases = [
            (
                "first sync",
                remote(7, 11, 10, Some(50)),
                local(None, 1, 0, None),
                QRES,
                false,
                Some((1, 10)),
                Skip,
                CountCheck,
                Some(50),
            ),
            (
                "first sync of an empty folder",
                remote(7, 1, 0, Some(1)),
                local(None, 1, 0, None),
                QRES,
                false,
                None,
                Skip,
                CountCheck,
                Some(1),
            ),
            (
                "no-op with QRESYNC",
                remote(7, 11, 10, Some(50)),
                local(Some(7), 11, 10, Some(50)),
                QRES,
                false,
                None,
                Skip,
                CountCheck,
                Some(50),
            ),
            (
                "new mail only",
                remote(7, 13, 12, Some(52)),
                local(Some(7), 11, 10, Some(50)),
                QRES,
                false,
                Some((11, 12)),
                ChangedSince(50),
                Vanished,
                Some(52),
            ),
            (
                "flags changed, CONDSTORE only",
                remote(7, 11, 10, Some(60)),
                local(Some(7), 11, 10, Some(50)),
                COND,
                false,
                None,
                ChangedSince(50),
                CountCheck,
                Some(60),
            ),
            (
                "no CONDSTORE: scan every flag",
                remote(7, 11, 10, None),
                local(Some(7), 11, 10, None),
                NONE,
                false,
                None,
                All,
                FromFlagScan,
                None,
            ),
            (
                "interrupted first sync resumes",
                remote(7, 101, 100, Some(90)),
                local(Some(7), 41, 40, None),
                QRES,
                false,
                Some((41, 100)),
                All,
                FromFlagScan,
                Some(90),
            ),
            (
                "UIDVALIDITY changed",
                remote(8, 11, 10, Some(5)),
                local(Some(7), 11, 10, Some(50)),
                QRES,
                true,
                None,
                Skip,
                CountCheck,
                Some(5),
            ),
            (
                "everything expunged",
                remote(7, 11, 0, Some(70)),
                local(Some(7), 11, 10, Some(50)),
                QRES,
                false,
                None,
                ChangedSince(50),
                Vanished,
                Some(70),
            ),
            (
                "server lost its modseq",
                remote(7, 11, 10, None),
                local(Some(7), 11, 10, Some(50)),
                COND,
                false,
                None,
                All,
                FromFlagScan,
                None,
            ),
        ];
        for (name, r, l, caps, remap, fetch, flags, expunges, record) in cases {
            let p = plan(&r, &l, caps);
            assert_eq!(
                p,
                Plan {
                    remap,
                    fetch,
                    flags,
                    expunges,
                    record_modseq: record
                },
                "case: {name}"
            );
        }
    }

    #[test]
    fn an_interrupted_remap_continues() {
        let mut l = local(Some(8), 1, 3, None);
        l.retired = Some(1);
        assert!(plan(&remote(8, 11, 10, Some(5)), &l, QRES).remap);
    }

    #[test]
    fn unchanged_needs_condstore_and_equal_state() {
        let l = local(Some(7), 11, 10, Some(50));
        assert!(unchanged(&remote(7, 11, 10, Some(50)), &l, QRES));
        assert!(unchanged(&remote(7, 11, 10, Some(50)), &l, COND));
        assert!(
            !unchanged(&remote(7, 11, 10, None), &l, NONE),
            "flags are invisible without CONDSTORE"
        );
        assert!(
            !unchanged(&remote(7, 12, 11, Some(51)), &l, QRES),
            "new mail"
        );
        assert!(
            !unchanged(&remote(7, 11, 10, Some(51)), &l, QRES),
            "a flag changed"
        );
        assert!(
            !unchanged(&remote(8, 11, 10, Some(50)), &l, QRES),
            "UIDVALIDITY changed"
        );
        assert!(
            !unchanged(&remote(7, 11, 9, Some(50)), &l, QRES),
            "an expunge"
        );
        assert!(
            !unchanged(&remote(7, 11, 10, Some(50)), &local(None, 1, 0, None), QRES),
            "never synced"
        );
    }

    #[test]
    fn noop_is_recognised() {
        let p = plan(
            &remote(7, 11, 10, Some(50)),
            &local(Some(7), 11, 10, Some(50)),
            QRES,
        );
        assert!(p.is_noop());
        let p = plan(
            &remote(7, 11, 10, None),
            &local(Some(7), 11, 10, None),
            NONE,
        );
        assert!(
            !p.is_noop(),
            "without CONDSTORE flags must always be scanned"
        );
    }
}
