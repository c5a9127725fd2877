//! The local store: sled for metadata, indexes and sync state; pack files for raw mail.
//!
//! # Keyspace
//!
//! One sled tree, so that one `apply_batch` covers everything a sync step changes and is atomic.
//! Keys start with a one-byte tag; integers in keys are big-endian so they sort numerically.
//! Values are postcard-encoded unless noted.
//!
//! ```text
//! "v"                                  schema version, u32 BE (SCHEMA_VERSION)
//! "P"                                  number of the pack being appended to, u32 BE
//! "p" pack:u32                         committed end offset of that pack, u64 BE
//! "c"                                  next folder id to hand out, u32 BE
//! "f" account 0x00 folder              FolderState (sync state of one folder)
//! "m" hash:[u8;16]                     MessageEntry { blob, locations }: where the message's pack
//!                                      entry is, and its copies as (folder_id, uid) pairs
//!                                      (hash = first 16 bytes of BLAKE3 of the raw bytes)
//! "i" id_hash:[u8;8] hash              () — Message-ID index; id_hash = first 8 bytes of BLAKE3 of
//!                                      the Message-ID (several messages may share an id)
//! "l" folder_id:u32 uid:u32            Location { hash, flags }
//! "b" hash                             () — messages the parser could not read (kept raw all the same)
//! "n"                                  this machine's HLC node id, u64 BE, made once
//! "o" wall_ms:u64 counter:u32 node:u64 id   an op (JSON, see `ticket::op`): the team's decisions
//! "r" hash                             () — read by the person using this machine (never synced)
//! "t"                                  pack:u32 offset:u64 — the tickets hold every message stored
//!                                      before this point of the packs (later ones are threaded
//!                                      next, found by reading the pack entries' headers)
//! "s"                                  pack:u32 offset:u64 — the same mark for the search index
//! "x" id                               an outgoing message's outbox record (JSON, see
//!                                      `send::outbox`); its bytes are in `outbox/ID.eml`
//! ```
//!
//! What is derived from mail and ops (tickets and their view lists) is not in sled but in one
//! file beside it (see `ticket::index`); `siphon reindex` rebuilds it. Everything here is either
//! the truth (mail, the op log, read state) or sync state.
//!
//! Crash-safe order: blobs are appended and fsynced first, then one sled batch commits the messages'
//! index entries, the locations, the pack's new end and the folder's sync state together. sled makes
//! a batch durable atomically, a little later (its own background flush, or [`Store::flush`] at the
//! end of a folder's pass); a crash before that loses only the batch, whose pack bytes are then
//! unreferenced and cut off at open, and whose messages the next sync fetches again.
//!
//! Raw RFC 822 bytes, the derived plain-text body and the [`MessageRecord`] live in `packs/` (see
//! [`pack`]); sled never holds message bodies or records. sled keeps several times its live bytes
//! on disk (measured: 75 MB for 10.6 MB of entries at 100k messages), so it holds three small entries
//! a message and nothing that could live in a pack.
//!
//! Messages are deduplicated by content hash: the same bytes in two folders (or two accounts) are
//! stored once, with a location each. A location that disappears from the server is removed; the
//! message itself is kept (the raw message is the truth, and a ticket may still show it).

mod local;
pub mod lock;
mod outbox;
pub mod pack;
pub mod record;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use local::Row;
pub use lock::{DirLock, LockError};
pub use pack::{Blob, BlobRef, PackReader};
pub use record::{Addr, Attachment, DateSource, Flags, FolderState, Location, MessageRecord};

use crate::mail::Parsed;

/// Bumped whenever the keyspace or a record changes shape.
pub const SCHEMA_VERSION: u32 = 1;
/// The metadata cache of a store opened for a burst of work (a sync, an export): bounded so
/// that a 100k-message store stays well inside the memory budget.
pub const SLED_CACHE_BYTES: u64 = 16 * 1024 * 1024;

pub type Hash = [u8; 16];

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error("store database error in {dir}: {source}")]
    Db {
        dir: PathBuf,
        #[source]
        source: sled::Error,
    },
    #[error("pack file error in {dir}: {source}")]
    Pack {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the store in {dir} has schema version {found}; this Siphon reads version {SCHEMA_VERSION}"
    )]
    Schema { dir: PathBuf, found: u32 },
    #[error("corrupt record under key {key:?}: {reason}")]
    Corrupt { key: String, reason: String },
    #[error("cannot write the ticket index {path}: {source}")]
    Index {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no message with Message-ID <{0}> in the store")]
    NoSuchMessage(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// A fetched message, hashed and (unless already stored) parsed, ready to be committed.
pub struct Prepared {
    pub uid: u32,
    pub flags: Flags,
    pub hash: Hash,
    /// `None` when the store already holds these bytes: only a location is added.
    pub content: Option<(Parsed, Vec<u8>)>,
}

/// A message's sled entry.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct MessageEntry {
    blob: BlobRef,
    /// (folder_id, uid) of each copy on the server.
    locations: Vec<(u32, u32)>,
}

/// Message entries touched by one batch, loaded once and written back once.
struct Edits<'a> {
    store: &'a Store,
    entries: HashMap<Hash, Option<MessageEntry>>,
}

impl<'a> Edits<'a> {
    fn new(store: &'a Store) -> Edits<'a> {
        Edits {
            store,
            entries: HashMap::new(),
        }
    }

    fn get(&mut self, hash: &Hash) -> Result<Option<&mut MessageEntry>> {
        if !self.entries.contains_key(hash) {
            let loaded = self.store.entry(hash)?;
            self.entries.insert(*hash, loaded);
        }
        Ok(self.entries.get_mut(hash).and_then(Option::as_mut))
    }

    fn exists(&mut self, hash: &Hash) -> Result<bool> {
        Ok(self.get(hash)?.is_some())
    }

    fn create(&mut self, hash: Hash, blob: BlobRef) {
        self.entries.insert(
            hash,
            Some(MessageEntry {
                blob,
                locations: Vec::new(),
            }),
        );
    }

    fn add_location(&mut self, hash: &Hash, folder_id: u32, uid: u32) -> Result<()> {
        if let Some(e) = self.get(hash)?
            && !e.locations.contains(&(folder_id, uid))
        {
            e.locations.push((folder_id, uid));
        }
        Ok(())
    }

    fn remove_location(&mut self, hash: &Hash, folder_id: u32, uid: u32) -> Result<()> {
        if let Some(e) = self.get(hash)? {
            e.locations.retain(|l| *l != (folder_id, uid));
        }
        Ok(())
    }

    fn write(self, batch: &mut sled::Batch) {
        for (hash, entry) in self.entries {
            if let Some(e) = entry {
                batch.insert(&msg_key(&hash), encode(&e));
            }
        }
    }
}

/// What one batch changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct IngestStats {
    pub new_messages: usize,
    pub new_locations: usize,
}

/// The open store. Cheap to share behind an `Arc`; writes are serialised internally.
pub struct Store {
    dir: PathBuf,
    db: sled::Db,
    packs: PathBuf,
    writer: Mutex<pack::PackWriter>,
    reader: PackReader,
    _lock: DirLock,
}

fn be32(n: u32) -> [u8; 4] {
    n.to_be_bytes()
}

fn folder_key(account: &str, folder: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(2 + account.len() + folder.len());
    k.push(b'f');
    k.extend_from_slice(account.as_bytes());
    k.push(0);
    k.extend_from_slice(folder.as_bytes());
    k
}

fn loc_key(folder_id: u32, uid: u32) -> [u8; 9] {
    let mut k = [0u8; 9];
    k[0] = b'l';
    k[1..5].copy_from_slice(&be32(folder_id));
    k[5..9].copy_from_slice(&be32(uid));
    k
}

fn msg_key(hash: &Hash) -> [u8; 17] {
    let mut k = [0u8; 17];
    k[0] = b'm';
    k[1..].copy_from_slice(hash);
    k
}

fn local_key(tag: u8, hash: &Hash) -> [u8; 17] {
    let mut k = msg_key(hash);
    k[0] = tag;
    k
}

fn bad_key(hash: &Hash) -> [u8; 17] {
    local_key(b'b', hash)
}

fn mid_prefix(message_id: &str) -> [u8; 9] {
    let mut k = [0u8; 9];
    k[0] = b'i';
    k[1..].copy_from_slice(&blake3::hash(message_id.as_bytes()).as_bytes()[..8]);
    k
}

fn mid_key(message_id: &str, hash: &Hash) -> [u8; 25] {
    let mut k = [0u8; 25];
    k[..9].copy_from_slice(&mid_prefix(message_id));
    k[9..].copy_from_slice(hash);
    k
}

fn pack_key(pack: u32) -> [u8; 5] {
    let mut k = [0u8; 5];
    k[0] = b'p';
    k[1..].copy_from_slice(&be32(pack));
    k
}

fn encode<T: serde::Serialize>(v: &T) -> Vec<u8> {
    // postcard cannot fail on these plain structs; an empty value would only surface as a decode error.
    postcard::to_stdvec(v).unwrap_or_default()
}

fn decode<T: serde::de::DeserializeOwned>(key: &[u8], bytes: &[u8]) -> Result<T> {
    postcard::from_bytes(bytes).map_err(|e| Error::Corrupt {
        key: String::from_utf8_lossy(key).into_owned(),
        reason: e.to_string(),
    })
}

fn read_u32(v: &[u8]) -> u32 {
    v.try_into().map(u32::from_be_bytes).unwrap_or(0)
}

fn read_u64(v: &[u8]) -> u64 {
    v.try_into().map(u64::from_be_bytes).unwrap_or(0)
}

/// The store's content hash of a raw message.
pub fn content_hash(raw: &[u8]) -> Hash {
    let full = blake3::hash(raw);
    let mut h = [0u8; 16];
    h.copy_from_slice(&full.as_bytes()[..16]);
    h
}

impl Store {
    /// Opens (creating if needed) the store in `dir`, taking ownership of the data dir for `owner`.
    pub fn open(dir: &Path, owner: &str) -> Result<Store> {
        Self::open_with_cache(dir, owner, SLED_CACHE_BYTES)
    }

    /// [`Store::open`] with a metadata cache of `cache_bytes` (a long-running app keeps less).
    pub fn open_with_cache(dir: &Path, owner: &str, cache_bytes: u64) -> Result<Store> {
        let lock = DirLock::acquire(dir, owner)?;
        let db_err = |source| Error::Db {
            dir: dir.to_path_buf(),
            source,
        };
        let db = sled::Config::new()
            .path(dir.join("meta"))
            .cache_capacity(cache_bytes)
            .open()
            .map_err(db_err)?;
        match db.get(b"v").map_err(db_err)? {
            Some(v) if read_u32(&v) != SCHEMA_VERSION => {
                return Err(Error::Schema {
                    dir: dir.to_path_buf(),
                    found: read_u32(&v),
                });
            }
            Some(_) => {}
            None => {
                db.insert(b"v", &be32(SCHEMA_VERSION)).map_err(db_err)?;
            }
        }
        let pack_no = db
            .get(b"P")
            .map_err(db_err)?
            .map(|v| read_u32(&v))
            .unwrap_or(1);
        let end = db
            .get(pack_key(pack_no))
            .map_err(db_err)?
            .map(|v| read_u64(&v))
            .unwrap_or(0);
        let packs = dir.join("packs");
        let writer =
            pack::PackWriter::open(&packs, pack_no, end).map_err(|source| Error::Pack {
                dir: packs.clone(),
                source,
            })?;
        Ok(Store {
            dir: dir.to_path_buf(),
            db,
            reader: PackReader::new(&packs),
            packs,
            writer: Mutex::new(writer),
            _lock: lock,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn db_err(&self, source: sled::Error) -> Error {
        Error::Db {
            dir: self.dir.clone(),
            source,
        }
    }

    fn pack_err(&self, source: std::io::Error) -> Error {
        Error::Pack {
            dir: self.packs.clone(),
            source,
        }
    }

    /// The sync state of a folder, if it was ever synced.
    pub fn folder(&self, account: &str, folder: &str) -> Result<Option<FolderState>> {
        let key = folder_key(account, folder);
        match self.db.get(&key).map_err(|e| self.db_err(e))? {
            Some(v) => Ok(Some(decode(&key, &v)?)),
            None => Ok(None),
        }
    }

    /// The sync state of a folder, creating (and committing) an empty one on first use.
    pub fn folder_or_create(&self, account: &str, folder: &str) -> Result<FolderState> {
        if let Some(f) = self.folder(account, folder)? {
            return Ok(f);
        }
        let state = FolderState {
            id: self.next_folder_id()?,
            account: account.to_string(),
            name: folder.to_string(),
            synced_uidnext: 1,
            ..FolderState::default()
        };
        self.save_folder(&state)?;
        Ok(state)
    }

    /// Hands out a folder id that no generation of any folder has used.
    pub fn next_folder_id(&self) -> Result<u32> {
        let v = self
            .db
            .update_and_fetch(b"c", |old| {
                let n = old.map(read_u32).unwrap_or(0) + 1;
                Some(be32(n).to_vec())
            })
            .map_err(|e| self.db_err(e))?;
        Ok(v.map(|v| read_u32(&v)).unwrap_or(1))
    }

    /// Every folder of every account, in key order.
    pub fn folders(&self) -> Result<Vec<FolderState>> {
        self.db
            .scan_prefix(b"f")
            .map(|kv| {
                let (k, v) = kv.map_err(|e| self.db_err(e))?;
                decode(&k, &v)
            })
            .collect()
    }

    /// Commits a folder's sync state on its own (durably).
    pub fn save_folder(&self, state: &FolderState) -> Result<()> {
        let mut batch = sled::Batch::default();
        batch.insert(folder_key(&state.account, &state.name), encode(state));
        self.commit(batch)
    }

    /// Forgets an account's folders and locations (its messages stay until nothing points at them).
    pub fn remove_account(&self, account: &str) -> Result<()> {
        for f in self.folders()?.into_iter().filter(|f| f.account == account) {
            let mut batch = sled::Batch::default();
            let mut edits = Edits::new(self);
            for generation in std::iter::once(f.id).chain(f.retired) {
                for (uid, loc) in self.locations_in(generation)? {
                    batch.remove(&loc_key(generation, uid));
                    edits.remove_location(&loc.hash, generation, uid)?;
                }
            }
            edits.write(&mut batch);
            batch.remove(folder_key(&f.account, &f.name));
            self.commit(batch)?;
        }
        Ok(())
    }

    /// The file that says the tickets and the search index hold everything stored, for
    /// readers that answer without opening the store (see `engine::search`). Whatever adds
    /// messages or ops removes it first; whoever brings the followers up to date writes it.
    pub fn ready_path(dir: &Path) -> PathBuf {
        dir.join("ready")
    }

    /// Removes the ready file (before a change the followers have not taken yet).
    pub fn unready(&self) -> Result<()> {
        match std::fs::remove_file(Self::ready_path(&self.dir)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.pack_err(e)),
            _ => Ok(()),
        }
    }

    /// Makes every committed batch durable now.
    pub fn flush(&self) -> Result<()> {
        self.db.flush().map_err(|e| self.db_err(e))?;
        Ok(())
    }

    fn commit(&self, batch: sled::Batch) -> Result<()> {
        self.db.apply_batch(batch).map_err(|e| self.db_err(e))?;
        self.db.flush().map_err(|e| self.db_err(e))?;
        Ok(())
    }

    /// Whether these exact bytes are already stored.
    pub fn has_message(&self, hash: &Hash) -> Result<bool> {
        self.db
            .contains_key(msg_key(hash))
            .map_err(|e| self.db_err(e))
    }

    /// Commits a batch of fetched messages into `folder`, together with the folder's new state.
    ///
    /// Blobs first (one fsync), then one atomic sled batch, then a flush: see the module docs.
    pub fn ingest(&self, folder: &FolderState, items: Vec<Prepared>) -> Result<IngestStats> {
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| self.pack_err(std::io::Error::other("pack writer poisoned")))?;
        let mut batch = sled::Batch::default();
        let mut stats = IngestStats::default();
        let mut state = folder.clone();
        let mut edits = Edits::new(self);
        let start_pack = writer.position().0;
        for item in items {
            let lkey = loc_key(folder.id, item.uid);
            let location_is_new = !self.db.contains_key(lkey).map_err(|e| self.db_err(e))?;
            if let Some((parsed, raw)) = item.content
                && !edits.exists(&item.hash)?
            {
                let record = encode(&parsed.record);
                let blob = writer
                    .append(&item.hash, &record, &raw, &parsed.text)
                    .map_err(|e| self.pack_err(e))?;
                batch.insert(&mid_key(&parsed.record.message_id, &item.hash), &[][..]);
                if parsed.record.unparsed {
                    batch.insert(&bad_key(&item.hash), &[][..]);
                }
                edits.create(item.hash, blob);
                stats.new_messages += 1;
            }
            edits.add_location(&item.hash, folder.id, item.uid)?;
            let loc = Location {
                hash: item.hash,
                flags: item.flags,
            };
            batch.insert(&lkey, encode(&loc));
            if location_is_new {
                state.messages += 1;
                stats.new_locations += 1;
            }
            state.synced_uidnext = state.synced_uidnext.max(item.uid + 1);
        }
        writer.sync().map_err(|e| self.pack_err(e))?;
        let (pack_no, end) = writer.position();
        if pack_no != start_pack {
            // The previous pack was completed (and fsynced) when the writer rolled over.
            for p in start_pack..pack_no {
                let len = std::fs::metadata(pack::pack_path(&self.packs, p))
                    .map_err(|e| self.pack_err(e))?
                    .len();
                batch.insert(&pack_key(p), &len.to_be_bytes());
            }
        }
        edits.write(&mut batch);
        if stats.new_messages > 0 {
            self.unready()?;
        }
        batch.insert(b"P", &be32(pack_no));
        batch.insert(&pack_key(pack_no), &end.to_be_bytes());
        batch.insert(folder_key(&state.account, &state.name), encode(&state));
        // No flush here: the pack is already durable, so sled may persist this batch whenever.
        self.db.apply_batch(batch).map_err(|e| self.db_err(e))?;
        Ok(stats)
    }

    /// Adds locations for messages already in the store (UIDVALIDITY re-map), with the new state.
    pub fn add_locations(&self, state: &FolderState, locs: &[(u32, Location)]) -> Result<()> {
        let mut batch = sled::Batch::default();
        let mut edits = Edits::new(self);
        let mut state = state.clone();
        for (uid, loc) in locs {
            let lkey = loc_key(state.id, *uid);
            if !self.db.contains_key(lkey).map_err(|e| self.db_err(e))? {
                state.messages += 1;
            }
            batch.insert(&lkey, encode(loc));
            edits.add_location(&loc.hash, state.id, *uid)?;
        }
        edits.write(&mut batch);
        batch.insert(folder_key(&state.account, &state.name), encode(&state));
        self.commit(batch)
    }

    /// Applies flag changes seen on the server, with the folder's new state.
    pub fn set_flags(&self, state: &FolderState, changes: &[(u32, Flags)]) -> Result<usize> {
        let mut batch = sled::Batch::default();
        let mut changed = 0;
        for (uid, flags) in changes {
            let key = loc_key(state.id, *uid);
            let Some(v) = self.db.get(key).map_err(|e| self.db_err(e))? else {
                continue;
            };
            let mut loc: Location = decode(&key, &v)?;
            if &loc.flags != flags {
                loc.flags = flags.clone();
                batch.insert(&key, encode(&loc));
                changed += 1;
            }
        }
        batch.insert(folder_key(&state.account, &state.name), encode(state));
        self.commit(batch)?;
        Ok(changed)
    }

    /// Removes locations the server expunged, with the folder's new state.
    pub fn remove_locations(&self, state: &FolderState, uids: &[u32]) -> Result<usize> {
        let mut batch = sled::Batch::default();
        let mut edits = Edits::new(self);
        let mut state = state.clone();
        let mut removed = 0;
        for &uid in uids {
            let key = loc_key(state.id, uid);
            if let Some(v) = self.db.get(key).map_err(|e| self.db_err(e))? {
                let loc: Location = decode(&key, &v)?;
                batch.remove(&key);
                edits.remove_location(&loc.hash, state.id, uid)?;
                removed += 1;
            }
        }
        edits.write(&mut batch);
        state.messages = state.messages.saturating_sub(removed as u32);
        batch.insert(folder_key(&state.account, &state.name), encode(&state));
        self.commit(batch)?;
        Ok(removed)
    }

    /// Drops every location of a retired folder generation (end of a UIDVALIDITY re-map).
    pub fn drop_generation(&self, state: &FolderState, old_id: u32) -> Result<()> {
        let mut batch = sled::Batch::default();
        let mut edits = Edits::new(self);
        for (uid, loc) in self.locations_in(old_id)? {
            batch.remove(&loc_key(old_id, uid));
            edits.remove_location(&loc.hash, old_id, uid)?;
        }
        edits.write(&mut batch);
        batch.insert(folder_key(&state.account, &state.name), encode(state));
        self.commit(batch)
    }

    /// All locations of one folder generation, by UID.
    pub fn locations_in(&self, folder_id: u32) -> Result<Vec<(u32, Location)>> {
        let mut prefix = vec![b'l'];
        prefix.extend_from_slice(&be32(folder_id));
        self.db
            .scan_prefix(prefix)
            .map(|kv| {
                let (k, v) = kv.map_err(|e| self.db_err(e))?;
                let uid = read_u32(&k[5..9]);
                Ok((uid, decode(&k, &v)?))
            })
            .collect()
    }

    /// The UIDs stored for one folder generation, ascending.
    pub fn uids(&self, folder_id: u32) -> Result<Vec<u32>> {
        let mut prefix = vec![b'l'];
        prefix.extend_from_slice(&be32(folder_id));
        self.db
            .scan_prefix(prefix)
            .keys()
            .map(|k| k.map(|k| read_u32(&k[5..9])).map_err(|e| self.db_err(e)))
            .collect()
    }

    fn entry(&self, hash: &Hash) -> Result<Option<MessageEntry>> {
        let key = msg_key(hash);
        match self.db.get(key).map_err(|e| self.db_err(e))? {
            Some(v) => Ok(Some(decode(&key, &v)?)),
            None => Ok(None),
        }
    }

    fn blob_ref(&self, hash: &Hash) -> Result<Option<BlobRef>> {
        Ok(self.entry(hash)?.map(|e| e.blob))
    }

    fn record_at(&self, hash: &Hash, blob: &BlobRef) -> Result<MessageRecord> {
        let bytes = self.reader.record(blob).map_err(|e| self.pack_err(e))?;
        decode(&msg_key(hash), &bytes)
    }

    /// A message's record, read from its pack entry.
    pub fn message(&self, hash: &Hash) -> Result<Option<MessageRecord>> {
        match self.blob_ref(hash)? {
            Some(blob) => Ok(Some(self.record_at(hash, &blob)?)),
            None => Ok(None),
        }
    }

    /// Hashes of the messages carrying this Message-ID (without angle brackets).
    pub fn find_message_id(&self, message_id: &str) -> Result<Vec<Hash>> {
        let prefix = mid_prefix(message_id);
        let mut out = Vec::new();
        for k in self.db.scan_prefix(prefix).keys() {
            let k = k.map_err(|e| self.db_err(e))?;
            let mut h = [0u8; 16];
            h.copy_from_slice(&k[9..25]);
            // The index key is a hash of the id: confirm against the record.
            if self
                .message(&h)?
                .is_some_and(|r| r.message_id == message_id)
            {
                out.push(h);
            }
        }
        Ok(out)
    }

    /// Where a message is on the server: (folder state, uid) for each copy.
    pub fn locations_of(&self, hash: &Hash) -> Result<Vec<(FolderState, u32)>> {
        let Some(entry) = self.entry(hash)? else {
            return Ok(Vec::new());
        };
        let folders: HashMap<u32, FolderState> =
            self.folders()?.into_iter().map(|f| (f.id, f)).collect();
        Ok(entry
            .locations
            .iter()
            .filter_map(|(fid, uid)| folders.get(fid).map(|f| (f.clone(), *uid)))
            .collect())
    }

    /// Reads a message's raw bytes and text body from its pack.
    pub fn blob(&self, hash: &Hash) -> Result<Blob> {
        let blob = self
            .blob_ref(hash)?
            .ok_or_else(|| Error::NoSuchMessage(format!("hash {hash:02x?}")))?;
        self.reader.blob(&blob).map_err(|e| self.pack_err(e))
    }

    /// Messages the parser could not read, with their records.
    pub fn unparsed(&self) -> Result<Vec<(Hash, MessageRecord)>> {
        let mut out = Vec::new();
        for k in self.db.scan_prefix(b"b").keys() {
            let k = k.map_err(|e| self.db_err(e))?;
            let mut h = [0u8; 16];
            h.copy_from_slice(&k[1..17]);
            if let Some(r) = self.message(&h)? {
                out.push((h, r));
            }
        }
        Ok(out)
    }

    /// Every stored message, in hash order.
    pub fn messages(&self) -> impl Iterator<Item = Result<(Hash, MessageRecord)>> + '_ {
        self.db.scan_prefix(b"m").map(move |kv| {
            let (k, v) = kv.map_err(|e| self.db_err(e))?;
            let mut h = [0u8; 16];
            h.copy_from_slice(&k[1..17]);
            let entry: MessageEntry = decode(&k, &v)?;
            Ok((h, self.record_at(&h, &entry.blob)?))
        })
    }
}

#[cfg(test)]
mod tests;
