//! The saved form of the ticket index, read without decoding it: fixed-size records searched in
//! place, posting lists and tickets read from the file only when asked for.
//!
//! Body layout (after the head), little-endian: a header of five counts (tickets, members,
//! blocks, lists, key bytes) and the entry bytes; then `at` (per ticket, in full-id order: its
//! 16-byte full id, start and length of its row inside its block), `members` (per message, in
//! hash order: the 16-byte hash and the ticket's row number), `block_ends` (end of each
//! compressed block of rows), the list directory (per list, in key order: key offset and length
//! in the keys, entries offset and length), the keys; all of that is read at once. Then the
//! entries of every list (24 bytes each, sorted) and the blocks of rows: [`BLOCK`] tickets,
//! postcard-encoded back to back, each block compressed on its own. Those two are read from the
//! file when a list or a ticket is needed.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::sync::{Arc, Mutex, OnceLock};

use super::{Entry, Wakes};
use crate::store::pack::read_exact_at;
use crate::store::{Error, Result};
use crate::ticket::build::{Shown, Ticket};

/// Tickets per compressed block of rows.
pub const BLOCK: usize = 64;
const ID: usize = 16;
const AT: usize = ID + 8;
const MEMBER: usize = 20;
const DIR: usize = 16;
const HEADER: usize = 5 * 4 + 8;
/// Decompressed blocks kept for reuse (about 25 KB each at a 100,000-message store): the pages
/// being scrolled and the tickets being opened, not the whole index once a list was read end to
/// end.
const BLOCKS_KEPT: usize = 96;

/// The blocks read lately, and the decompression context they share.
struct Blocks {
    kept: HashMap<usize, (Arc<[u8]>, u64)>,
    clock: u64,
    zstd: Option<zstd::bulk::Decompressor<'static>>,
}

impl Blocks {
    fn new() -> Blocks {
        Blocks {
            kept: HashMap::new(),
            clock: 0,
            zstd: None,
        }
    }

    fn get(&mut self, b: usize) -> Option<Arc<[u8]>> {
        self.clock += 1;
        let now = self.clock;
        self.kept.get_mut(&b).map(|(bytes, used)| {
            *used = now;
            bytes.clone()
        })
    }

    fn keep(&mut self, b: usize, bytes: Arc<[u8]>) {
        if self.kept.len() >= BLOCKS_KEPT
            && let Some(oldest) = self
                .kept
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| *k)
        {
            self.kept.remove(&oldest);
        }
        self.kept.insert(b, (bytes, self.clock));
    }

    fn decompress(&mut self, z: &[u8]) -> Option<Vec<u8>> {
        if self.zstd.is_none() {
            self.zstd = zstd::bulk::Decompressor::new().ok();
        }
        let d = self.zstd.as_mut()?;
        let capacity = zstd::zstd_safe::get_frame_content_size(z).ok().flatten()?;
        d.decompress(z, usize::try_from(capacity).ok()?.min(1 << 28))
            .ok()
    }
}

fn corrupt(reason: impl ToString) -> Error {
    Error::Corrupt {
        key: "ticket index".into(),
        reason: reason.to_string(),
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut x = [0u8; 4];
    x.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(x)
}

pub struct Frozen {
    file: File,
    /// Where the entries start in the file; the blocks follow them.
    entries_at: u64,
    blocks_at: u64,
    n: usize,
    members: usize,
    lists: usize,
    /// at, members, block ends, directory, keys.
    head: Vec<u8>,
    at_: usize,
    members_: usize,
    ends_: usize,
    dir_: usize,
    keys_: usize,
    entries: Vec<OnceLock<Vec<u8>>>,
    blocks: Mutex<Blocks>,
    block_count: usize,
    pub wakes: Wakes,
}

impl Frozen {
    /// Encodes tickets (in full-id order) and their lists as a body, with the wake times.
    pub fn encode(
        tickets: &BTreeMap<String, Ticket>,
        lists: &HashMap<Vec<u8>, Vec<Entry>>,
    ) -> Result<(Vec<u8>, Wakes)> {
        let mut at = Vec::with_capacity(tickets.len() * AT);
        let mut members: Vec<([u8; 16], u32)> = Vec::new();
        let mut ends: Vec<u32> = Vec::new();
        let mut packed = Vec::new();
        let mut block = Vec::new();
        let mut wakes = Wakes::new();
        let seal = |block: &mut Vec<u8>, packed: &mut Vec<u8>, ends: &mut Vec<u32>| -> Result<()> {
            let z = zstd::bulk::compress(block, 1).map_err(corrupt)?;
            packed.extend_from_slice(&z);
            ends.push(u32::try_from(packed.len()).map_err(corrupt)?);
            block.clear();
            Ok(())
        };
        for (i, (fid, t)) in tickets.iter().enumerate() {
            if fid.len() != ID {
                return Err(corrupt(format!("ticket id {fid} is not {ID} bytes")));
            }
            let row = postcard::to_stdvec(t).map_err(|e| Error::Corrupt {
                key: format!("ticket {fid}"),
                reason: e.to_string(),
            })?;
            at.extend_from_slice(fid.as_bytes());
            at.extend_from_slice(&(block.len() as u32).to_le_bytes());
            at.extend_from_slice(&(row.len() as u32).to_le_bytes());
            members.extend(t.hashes.iter().map(|h| (*h, i as u32)));
            block.extend_from_slice(&row);
            if (i + 1) % BLOCK == 0 {
                seal(&mut block, &mut packed, &mut ends)?;
            }
            if t.status == Shown::Snoozed
                && let Some(until) = t.snoozed_until
            {
                wakes.push((until, fid.clone()));
            }
        }
        if !block.is_empty() {
            seal(&mut block, &mut packed, &mut ends)?;
        }
        members.sort_unstable();
        let mut keyed: Vec<(&Vec<u8>, &Vec<Entry>)> =
            lists.iter().filter(|(_, v)| !v.is_empty()).collect();
        keyed.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let (mut dir, mut keys, mut entries) = (Vec::new(), Vec::new(), Vec::new());
        for (k, v) in &keyed {
            for x in [keys.len(), k.len(), entries.len(), v.len() * 24] {
                dir.extend_from_slice(&u32::try_from(x).map_err(corrupt)?.to_le_bytes());
            }
            keys.extend_from_slice(k);
            entries.extend_from_slice(v.as_flattened());
        }
        let mut out = Vec::with_capacity(
            HEADER
                + at.len()
                + members.len() * MEMBER
                + dir.len()
                + keys.len()
                + entries.len()
                + packed.len(),
        );
        for x in [
            tickets.len(),
            members.len(),
            ends.len(),
            keyed.len(),
            keys.len(),
        ] {
            out.extend_from_slice(&u32::try_from(x).map_err(corrupt)?.to_le_bytes());
        }
        out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
        out.extend_from_slice(&at);
        for (h, row) in &members {
            out.extend_from_slice(h);
            out.extend_from_slice(&row.to_le_bytes());
        }
        for e in &ends {
            out.extend_from_slice(&e.to_le_bytes());
        }
        out.extend_from_slice(&dir);
        out.extend_from_slice(&keys);
        out.extend_from_slice(&entries);
        out.extend_from_slice(&packed);
        Ok((out, wakes))
    }

    /// Reads the body starting at `start` in `file` (its fixed part now, the rest on demand).
    /// None when it does not hold together.
    pub fn open(file: File, start: u64, wakes: Wakes) -> Option<Frozen> {
        let size = file.metadata().ok()?.len();
        let mut header = [0u8; HEADER];
        read_exact_at(&file, &mut header, start).ok()?;
        let count = |i: usize| u32_at(&header, i * 4) as usize;
        let (n, members, blocks, lists, key_bytes) =
            (count(0), count(1), count(2), count(3), count(4));
        let mut e = [0u8; 8];
        e.copy_from_slice(&header[20..28]);
        let entry_bytes = u64::from_le_bytes(e);
        if blocks != n.div_ceil(BLOCK) {
            return None;
        }
        let at_ = 0;
        let members_ = at_ + n * AT;
        let ends_ = members_ + members * MEMBER;
        let dir_ = ends_ + blocks * 4;
        let keys_ = dir_ + lists * DIR;
        let head_len = keys_ + key_bytes;
        let entries_at = start + HEADER as u64 + head_len as u64;
        let blocks_at = entries_at + entry_bytes;
        if blocks_at > size {
            return None;
        }
        let mut head = vec![0u8; head_len];
        read_exact_at(&file, &mut head, start + HEADER as u64).ok()?;
        let f = Frozen {
            file,
            entries_at,
            blocks_at,
            n,
            members,
            lists,
            head,
            at_,
            members_,
            ends_,
            dir_,
            keys_,
            entries: (0..lists).map(|_| OnceLock::new()).collect(),
            blocks: Mutex::new(Blocks::new()),
            block_count: blocks,
            wakes,
        };
        // The last block must end where the file does.
        let last = blocks.checked_sub(1).map_or(0, |b| f.block_end(b));
        (f.blocks_at + last == size).then_some(f)
    }

    pub fn len(&self) -> usize {
        self.n
    }

    /// The full id of row `i`.
    pub fn fid(&self, i: usize) -> &str {
        let at = self.at_ + i * AT;
        std::str::from_utf8(&self.head[at..at + ID]).unwrap_or("")
    }

    fn block_end(&self, b: usize) -> u64 {
        u64::from(u32_at(&self.head, self.ends_ + b * 4))
    }

    /// The decompressed block of rows `b` (empty if it cannot be read).
    fn block(&self, b: usize) -> Arc<[u8]> {
        let mut blocks = self
            .blocks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(bytes) = blocks.get(b) {
            return bytes;
        }
        let bytes: Arc<[u8]> = if b < self.block_count {
            let from = b.checked_sub(1).map_or(0, |p| self.block_end(p));
            let to = self.block_end(b);
            let mut z = vec![0u8; to.saturating_sub(from) as usize];
            read_exact_at(&self.file, &mut z, self.blocks_at + from)
                .ok()
                .and_then(|_| blocks.decompress(&z))
                .unwrap_or_default()
                .into()
        } else {
            Arc::from(Vec::new())
        };
        blocks.keep(b, bytes.clone());
        bytes
    }

    pub fn row(&self, i: usize) -> Result<Ticket> {
        let at = self.at_ + i * AT;
        let start = u32_at(&self.head, at + ID) as usize;
        let len = u32_at(&self.head, at + ID + 4) as usize;
        let block = self.block(i / BLOCK);
        let bytes = block.get(start..start + len).unwrap_or_default();
        postcard::from_bytes(bytes).map_err(|e| Error::Corrupt {
            key: format!("ticket {}", self.fid(i)),
            reason: e.to_string(),
        })
    }

    /// Where a full id is or would be, in row order.
    pub fn position(&self, fid: &str) -> usize {
        partition(self.n, |i| self.fid(i) < fid)
    }

    /// The row of a full id.
    pub fn find(&self, fid: &str) -> Option<usize> {
        self.find_bytes(fid.as_bytes())
    }

    /// The row of a full id given as its 16 bytes (as a list entry holds it).
    pub fn find_bytes(&self, fid: &[u8]) -> Option<usize> {
        let id = |i: usize| &self.head[self.at_ + i * AT..self.at_ + i * AT + ID];
        let i = partition(self.n, |i| id(i) < fid);
        (i < self.n && id(i) == fid).then_some(i)
    }

    /// Message `i` in hash order: its hash and its ticket's row.
    pub fn member(&self, i: usize) -> (&[u8], usize) {
        let at = self.members_ + i * MEMBER;
        (
            &self.head[at..at + 16],
            u32_at(&self.head, at + 16) as usize,
        )
    }

    pub fn members(&self) -> impl Iterator<Item = (&[u8], usize)> {
        (0..self.members).map(|i| self.member(i))
    }

    /// The row of the ticket holding a message.
    pub fn holder(&self, hash: &[u8; 16]) -> Option<usize> {
        let i = partition(self.members, |i| self.member(i).0 < &hash[..]);
        (i < self.members && self.member(i).0 == hash).then(|| self.member(i).1)
    }

    fn key(&self, l: usize) -> &[u8] {
        let d = self.dir_ + l * DIR;
        let off = u32_at(&self.head, d) as usize;
        let len = u32_at(&self.head, d + 4) as usize;
        &self.head[self.keys_ + off..self.keys_ + off + len]
    }

    /// List `l`'s entries (empty if they cannot be read).
    fn entries(&self, l: usize) -> &[u8] {
        self.entries[l].get_or_init(|| {
            let d = self.dir_ + l * DIR;
            let off = u64::from(u32_at(&self.head, d + 8));
            let len = u32_at(&self.head, d + 12) as usize;
            let mut v = vec![0u8; len];
            match read_exact_at(&self.file, &mut v, self.entries_at + off) {
                Ok(()) => v,
                Err(_) => Vec::new(),
            }
        })
    }

    pub fn list(&self, key: &[u8]) -> Option<&[u8]> {
        let l = partition(self.lists, |l| self.key(l) < key);
        (l < self.lists && self.key(l) == key).then(|| self.entries(l))
    }

    /// The keys of the lists under `prefix`, each with its length in entries, read from the
    /// directory alone (no list is read).
    pub fn lengths_under(&self, prefix: &[u8]) -> Vec<(&[u8], usize)> {
        self.lists_in(prefix)
            .map(|l| {
                (
                    self.key(l),
                    u32_at(&self.head, self.dir_ + l * DIR + 12) as usize / 24,
                )
            })
            .collect()
    }

    /// The lists (by number) whose key starts with `prefix`.
    fn lists_in<'a>(&'a self, prefix: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
        let from = partition(self.lists, |l| self.key(l) < prefix);
        (from..self.lists).take_while(move |l| self.key(*l).starts_with(prefix))
    }
}

/// The first index in `0..n` for which `before` is false (`before` is true, then false).
fn partition(n: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}
