//! What the store keeps besides mail and sync state: the op log, this machine's clock node, the
//! person's read state, the journal of messages not yet threaded, and bulk reads for rebuilds.
//! Keys are listed in the keyspace block of [`super`].

use std::collections::HashSet;

use super::pack::{BlobRef, PackReader, RecordDecoder};
use super::{Error, Hash, MessageEntry, MessageRecord, Result, Store, decode};

/// A stored message as a rebuild needs it.
pub struct Row {
    pub hash: Hash,
    pub record: MessageRecord,
    /// Folder ids of its copies on the server.
    pub folders: Vec<u32>,
}

fn tagged(tag: u8, rest: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + rest.len());
    k.push(tag);
    k.extend_from_slice(rest);
    k
}

fn hash_of(key: &[u8]) -> Option<Hash> {
    key.get(1..17).and_then(|h| h.try_into().ok())
}

/// How far one read of a pack may reach to take the frames of the entries that follow.
const WINDOW_BYTES: u64 = 1 << 20;

/// One reader thread's view of a pack: the bytes of the last read, which may hold the frames of
/// several entries that lie one after another (bulk reads sort entries by their place in the
/// packs), so a rebuild reads the packs in large pieces instead of one read per message.
pub(super) struct Window<'e> {
    entries: &'e [(Hash, MessageEntry)],
    /// The entry being read, as an index into `entries`.
    at: usize,
    pack: u32,
    start: u64,
    bytes: Vec<u8>,
}

impl<'e> Window<'e> {
    fn new(entries: &'e [(Hash, MessageEntry)]) -> Window<'e> {
        Window {
            entries,
            at: 0,
            pack: 0,
            start: 0,
            bytes: Vec::new(),
        }
    }

    /// The compressed frame of `blob` (the entry at `self.at`), read together with the frames
    /// after it when they are close.
    fn frame(&mut self, store: &Store, blob: &BlobRef) -> std::io::Result<&[u8]> {
        let end = blob.offset + u64::from(blob.frame_len);
        let inside = self.pack == blob.pack
            && self.start <= blob.offset
            && end <= self.start + self.bytes.len() as u64;
        if !inside {
            let mut reach = end;
            for (_, next) in &self.entries[self.at + 1..] {
                let next_end = next.blob.offset + u64::from(next.blob.frame_len);
                if next.blob.pack != blob.pack
                    || next.blob.offset < reach
                    || next_end - blob.offset > WINDOW_BYTES
                {
                    break;
                }
                reach = next_end;
            }
            self.bytes =
                store
                    .reader
                    .window(blob.pack, blob.offset, (reach - blob.offset) as usize)?;
            self.pack = blob.pack;
            self.start = blob.offset;
        }
        let from = (blob.offset - self.start) as usize;
        Ok(&self.bytes[from..from + blob.frame_len as usize])
    }
}

impl Store {
    /// Every stored message with its record, read in parallel (a rebuild's first step).
    pub fn rows(&self) -> Result<Vec<Row>> {
        self.rows_with(Some)
    }

    /// Every stored message, turned into what the caller needs inside the reader threads, so
    /// the full records never pile up in memory (`None` skips a message).
    /// They come in the order they sit in the packs, which lets the readers take many entries
    /// in one read.
    pub fn rows_with<T: Send>(&self, f: impl Fn(Row) -> Option<T> + Sync) -> Result<Vec<T>> {
        let mut entries: Vec<(Hash, MessageEntry)> = Vec::new();
        for kv in self.db.scan_prefix(b"m") {
            let (k, v) = kv.map_err(|e| self.db_err(e))?;
            if let Some(h) = hash_of(&k) {
                entries.push((h, decode(&k, &v)?));
            }
        }
        entries.sort_unstable_by_key(|(_, e)| (e.blob.pack, e.blob.offset));
        self.rows_of(entries, &f)
    }

    /// The rows of some messages (unknown hashes are skipped).
    pub fn rows_for(&self, hashes: &[Hash]) -> Result<Vec<Row>> {
        let mut entries = Vec::with_capacity(hashes.len());
        for h in hashes {
            if let Some(e) = self.entry(h)? {
                entries.push((*h, e));
            }
        }
        self.rows_of(entries, &Some)
    }

    fn rows_of<T: Send>(
        &self,
        entries: Vec<(Hash, MessageEntry)>,
        f: &(impl Fn(Row) -> Option<T> + Sync),
    ) -> Result<Vec<T>> {
        self.in_parallel(entries, |dec, window, h, e| {
            let bytes = window
                .frame(self, &e.blob)
                .and_then(|frame| PackReader::record_in(dec, frame, &e.blob))
                .map_err(|e| self.pack_err(e))?;
            Ok(f(Row {
                hash: *h,
                record: decode(&super::msg_key(h), &bytes)?,
                folders: e.locations.iter().map(|l| l.0).collect(),
            }))
        })
    }

    /// Runs `f` over message entries on a few reader threads (each with its own decompression
    /// context and read window), keeping the entries' order.
    fn in_parallel<T: Send>(
        &self,
        entries: Vec<(Hash, MessageEntry)>,
        f: impl Fn(&mut RecordDecoder, &mut Window, &Hash, &MessageEntry) -> Result<Option<T>> + Sync,
    ) -> Result<Vec<T>> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8);
        let chunk = entries.len().div_ceil(threads).max(1);
        let f = &f;
        let results: Vec<Result<Vec<T>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = entries
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        let mut dec = RecordDecoder::new().map_err(|e| self.pack_err(e))?;
                        let mut window = Window::new(part);
                        let mut out = Vec::with_capacity(part.len());
                        for (i, (h, e)) in part.iter().enumerate() {
                            window.at = i;
                            out.extend(f(&mut dec, &mut window, h, e)?);
                        }
                        Ok(out)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(Error::Corrupt {
                            key: "messages".into(),
                            reason: "a reader thread panicked".into(),
                        })
                    })
                })
                .collect()
        });
        let mut out = Vec::with_capacity(entries.len());
        for r in results {
            out.extend(r?);
        }
        Ok(out)
    }

    /// Where the packs end now (pack number, committed offset): a point in the order messages
    /// were stored.
    pub fn stored_upto(&self) -> Result<(u32, u64)> {
        let pack = self
            .db
            .get(b"P")
            .map_err(|e| self.db_err(e))?
            .map(|v| super::read_u32(&v))
            .unwrap_or(1);
        Ok((pack, self.pack_end(pack)?))
    }

    fn pack_end(&self, pack: u32) -> Result<u64> {
        Ok(self
            .db
            .get(super::pack_key(pack))
            .map_err(|e| self.db_err(e))?
            .map(|v| super::read_u64(&v))
            .unwrap_or(0))
    }

    /// How far a follower (the tickets: key `t`; the search index: key `s`) has taken in the
    /// stored messages.
    fn taken_upto(&self, key: &[u8; 1]) -> Result<(u32, u64)> {
        Ok(match self.db.get(key).map_err(|e| self.db_err(e))? {
            Some(v) if v.len() == 12 => (super::read_u32(&v[..4]), super::read_u64(&v[4..])),
            _ => (1, 0),
        })
    }

    /// Messages stored since a follower's mark, in the order they were stored, and the point
    /// they run to (for [`Store::mark`]).
    fn since(&self, key: &[u8; 1]) -> Result<(Vec<Hash>, (u32, u64))> {
        let (from_pack, from) = self.taken_upto(key)?;
        let upto = self.stored_upto()?;
        let mut out = Vec::new();
        for pack in from_pack..=upto.0 {
            let start = if pack == from_pack { from } else { 0 };
            let end = if pack == upto.0 {
                upto.1
            } else {
                self.pack_end(pack)?
            };
            if start < end {
                out.extend(
                    self.reader
                        .hashes_between(pack, start, end)
                        .map_err(|e| self.pack_err(e))?,
                );
            }
        }
        Ok((out, upto))
    }

    fn mark(&self, key: &[u8; 1], upto: Option<(u32, u64)>) -> Result<()> {
        let mut batch = sled::Batch::default();
        match upto {
            Some((pack, offset)) => {
                let mut v = pack.to_be_bytes().to_vec();
                v.extend_from_slice(&offset.to_be_bytes());
                batch.insert(key, v);
            }
            None => batch.remove(key),
        }
        self.commit(batch)
    }

    /// Messages stored since the tickets were last brought up to date.
    pub fn unthreaded(&self) -> Result<(Vec<Hash>, (u32, u64))> {
        self.since(b"t")
    }

    /// Whether any message waits to be threaded.
    pub fn has_unthreaded(&self) -> Result<bool> {
        Ok(self.taken_upto(b"t")? != self.stored_upto()?)
    }

    /// Records that the tickets now hold every message stored up to `upto`.
    pub fn mark_threaded(&self, upto: (u32, u64)) -> Result<()> {
        self.mark(b"t", Some(upto))
    }

    /// Messages stored since the search index was last brought up to date.
    pub fn unsearchable(&self) -> Result<(Vec<Hash>, (u32, u64))> {
        self.since(b"s")
    }

    pub fn has_unsearchable(&self) -> Result<bool> {
        Ok(self.taken_upto(b"s")? != self.stored_upto()?)
    }

    /// Records how far the search index has taken (`None`: it starts over).
    pub fn mark_searchable(&self, upto: Option<(u32, u64)>) -> Result<()> {
        self.mark(b"s", upto)
    }

    /// Records and plain-text bodies of some messages, read in parallel, turned into what the
    /// caller needs inside the reader threads.
    /// The closure also gets where the message lives in the packs.
    pub fn texts_with<T: Send>(
        &self,
        hashes: &[Hash],
        f: impl Fn(Hash, &super::BlobRef, MessageRecord, String) -> Option<T> + Sync,
    ) -> Result<Vec<T>> {
        let mut entries = Vec::with_capacity(hashes.len());
        for h in hashes {
            if let Some(e) = self.entry(h)? {
                entries.push((*h, e));
            }
        }
        self.in_parallel(entries, |_, _, h, e| {
            let (rec, text) = self.reader.entry(&e.blob).map_err(|e| self.pack_err(e))?;
            Ok(f(*h, &e.blob, decode(&super::msg_key(h), &rec)?, text))
        })
    }

    /// Every stored message's hash, in key order.
    pub fn hashes(&self) -> Result<Vec<Hash>> {
        self.db
            .scan_prefix(b"m")
            .keys()
            .map(|k| {
                let k = k.map_err(|e| self.db_err(e))?;
                Ok(hash_of(&k).unwrap_or_default())
            })
            .collect()
    }

    /// This machine's clock node id, made once and kept.
    pub fn node_id(&self) -> Result<u64> {
        if let Some(v) = self.db.get(b"n").map_err(|e| self.db_err(e))? {
            return Ok(super::read_u64(&v));
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let seed = format!("{now}/{}/{}", std::process::id(), self.dir.display());
        let hash = blake3::hash(seed.as_bytes());
        let mut n = [0u8; 8];
        n.copy_from_slice(&hash.as_bytes()[..8]);
        let node = u64::from_be_bytes(n);
        let mut batch = sled::Batch::default();
        batch.insert(b"n", &node.to_be_bytes());
        self.commit(batch)?;
        Ok(node)
    }

    /// Appends ops to the log (durably). `key` orders them (HLC then id); values are opaque here.
    pub fn put_ops<'a>(&self, ops: impl IntoIterator<Item = (Vec<u8>, &'a [u8])>) -> Result<()> {
        let mut batch = sled::Batch::default();
        for (key, value) in ops {
            batch.insert(tagged(b'o', &key), value);
        }
        self.unready()?;
        self.commit(batch)
    }

    /// Every op in the log, in key order.
    pub fn op_values(&self) -> Result<Vec<sled::IVec>> {
        self.db
            .scan_prefix(b"o")
            .values()
            .map(|v| v.map_err(|e| self.db_err(e)))
            .collect()
    }

    /// The last op's value (the largest HLC), to restart the clock after it.
    pub fn last_op_value(&self) -> Result<Option<sled::IVec>> {
        self.db
            .scan_prefix(b"o")
            .values()
            .next_back()
            .transpose()
            .map_err(|e| self.db_err(e))
    }

    /// The messages the person using this machine has read.
    pub fn read_set(&self) -> Result<HashSet<Hash>> {
        self.db
            .scan_prefix(b"r")
            .keys()
            .map(|k| {
                let k = k.map_err(|e| self.db_err(e))?;
                Ok(hash_of(&k).unwrap_or_default())
            })
            .collect()
    }

    pub fn is_read(&self, hash: &Hash) -> Result<bool> {
        self.db
            .contains_key(tagged(b'r', hash))
            .map_err(|e| self.db_err(e))
    }

    /// Marks messages read (or unread) for the person using this machine.
    pub fn set_read(&self, hashes: &[Hash], read: bool) -> Result<()> {
        let mut batch = sled::Batch::default();
        for h in hashes {
            if read {
                batch.insert(tagged(b'r', h), &[][..]);
            } else {
                batch.remove(tagged(b'r', h));
            }
        }
        self.commit(batch)
    }
}
