//! Append-only, compressed pack files for raw mail.
//!
//! One pack file holds many messages, each a self-describing entry, so a pack can be scanned and the
//! store rebuilt from packs alone:
//!
//! ```text
//! entry := "SPK1" | u32 frame_len | u32 raw_len | u32 text_len | [u8; 16] content_hash | zstd frame
//! frame := zstd(raw ++ text)      -- text is the derived plain-text body; compressed together with
//!                                    the raw bytes it usually costs almost nothing
//! ```
//!
//! All integers are little-endian. Writers append a whole batch, then `fsync` once. The end offset
//! that the store has committed (in sled, in the same batch as the records that point into the pack)
//! is the truth: bytes past it are the remains of a batch that crashed before its commit and are cut
//! off when the pack is opened.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Packs roll over at this size so no single file grows without bound.
const PACK_LIMIT: u64 = 256 * 1024 * 1024;
const MAGIC: &[u8; 4] = b"SPK1";
const HEADER_LEN: usize = 4 + 4 + 4 + 4 + 16;
/// zstd level 3: within a few percent of level 9's ratio on mail, several times faster.
const LEVEL: i32 = 3;

/// Where one message's bytes live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BlobRef {
    pub pack: u32,
    pub offset: u64,
    pub frame_len: u32,
    pub raw_len: u32,
    pub text_len: u32,
}

/// A message's stored bytes, decompressed.
pub struct Blob {
    pub raw: Vec<u8>,
    pub text: String,
}

/// The appending side: the current pack file, open for writing.
pub struct PackWriter {
    dir: PathBuf,
    pack: u32,
    file: File,
    end: u64,
    dirty: bool,
}

pub fn pack_path(dir: &Path, pack: u32) -> PathBuf {
    dir.join(format!("pack-{pack:06}.spk"))
}

impl PackWriter {
    /// Opens pack `pack`, cutting it back to `committed_end` (the part of it the store knows about).
    pub fn open(dir: &Path, pack: u32, committed_end: u64) -> io::Result<PackWriter> {
        fs::create_dir_all(dir)?;
        let path = pack_path(dir, pack);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)?;
        let len = file.metadata()?.len();
        if len < committed_end {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "pack {} is {len} bytes but the store committed {committed_end}: the file was truncated outside Siphon",
                    path.display()
                ),
            ));
        }
        if len > committed_end {
            // Remains of a batch that never committed: nothing points at them.
            file.set_len(committed_end)?;
            file.sync_all()?;
        }
        Ok(PackWriter {
            dir: dir.to_path_buf(),
            pack,
            file,
            end: committed_end,
            dirty: false,
        })
    }

    /// The pack being written and its end offset (what the store commits after `sync`).
    pub fn position(&self) -> (u32, u64) {
        (self.pack, self.end)
    }

    /// Compresses and appends one message. Not durable until [`PackWriter::sync`].
    pub fn append(&mut self, hash: &[u8; 16], raw: &[u8], text: &str) -> io::Result<BlobRef> {
        if self.end >= PACK_LIMIT {
            self.roll()?;
        }
        let mut joined = Vec::with_capacity(raw.len() + text.len());
        joined.extend_from_slice(raw);
        joined.extend_from_slice(text.as_bytes());
        let frame = zstd::bulk::compress(&joined, LEVEL)?;
        let mut entry = Vec::with_capacity(HEADER_LEN + frame.len());
        entry.extend_from_slice(MAGIC);
        entry.extend_from_slice(&len32(frame.len())?.to_le_bytes());
        entry.extend_from_slice(&len32(raw.len())?.to_le_bytes());
        entry.extend_from_slice(&len32(text.len())?.to_le_bytes());
        entry.extend_from_slice(hash);
        entry.extend_from_slice(&frame);
        self.file.seek(SeekFrom::Start(self.end))?;
        self.file.write_all(&entry)?;
        let blob = BlobRef {
            pack: self.pack,
            offset: self.end + HEADER_LEN as u64,
            frame_len: len32(frame.len())?,
            raw_len: len32(raw.len())?,
            text_len: len32(text.len())?,
        };
        self.end += entry.len() as u64;
        self.dirty = true;
        Ok(blob)
    }

    /// Makes everything appended so far durable: one fsync per batch.
    pub fn sync(&mut self) -> io::Result<()> {
        if self.dirty {
            self.file.sync_data()?;
            self.dirty = false;
        }
        Ok(())
    }

    fn roll(&mut self) -> io::Result<()> {
        self.sync()?;
        let next = self.pack + 1;
        *self = PackWriter::open(&self.dir, next, 0)?;
        // Make the new file's directory entry durable before anything points into it.
        File::open(&self.dir)?.sync_all()?;
        Ok(())
    }
}

fn len32(n: usize) -> io::Result<u32> {
    u32::try_from(n).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "message over 4 GiB"))
}

/// Reads one message back.
pub fn read(dir: &Path, blob: &BlobRef) -> io::Result<Blob> {
    let mut file = File::open(pack_path(dir, blob.pack))?;
    file.seek(SeekFrom::Start(blob.offset))?;
    let mut frame = vec![0u8; blob.frame_len as usize];
    file.read_exact(&mut frame)?;
    let total = blob.raw_len as usize + blob.text_len as usize;
    let mut joined = zstd::bulk::decompress(&frame, total)?;
    if joined.len() != total {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "pack entry decompressed to the wrong size",
        ));
    }
    let text = String::from_utf8_lossy(&joined[blob.raw_len as usize..]).into_owned();
    joined.truncate(blob.raw_len as usize);
    Ok(Blob { raw: joined, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_sync_read_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = PackWriter::open(dir.path(), 1, 0).unwrap();
        let a = w
            .append(&[1; 16], b"Subject: a\r\n\r\nbody a", "body a")
            .unwrap();
        let b = w.append(&[2; 16], b"Subject: b\r\n\r\n", "").unwrap();
        w.sync().unwrap();
        let got = read(dir.path(), &a).unwrap();
        assert_eq!(got.raw, b"Subject: a\r\n\r\nbody a");
        assert_eq!(got.text, "body a");
        assert_eq!(read(dir.path(), &b).unwrap().raw, b"Subject: b\r\n\r\n");
    }

    #[test]
    fn uncommitted_tail_is_cut_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = PackWriter::open(dir.path(), 1, 0).unwrap();
        w.append(&[1; 16], b"committed", "").unwrap();
        w.sync().unwrap();
        let (_, committed) = w.position();
        w.append(&[2; 16], b"crashed before commit", "").unwrap();
        w.sync().unwrap();
        drop(w);
        let w = PackWriter::open(dir.path(), 1, committed).unwrap();
        assert_eq!(w.position(), (1, committed));
        assert_eq!(
            std::fs::metadata(pack_path(dir.path(), 1)).unwrap().len(),
            committed
        );
    }

    #[test]
    fn a_pack_shorter_than_committed_is_an_error_not_a_loss() {
        let dir = tempfile::tempdir().unwrap();
        let err = PackWriter::open(dir.path(), 1, 100).err().unwrap();
        assert!(err.to_string().contains("truncated outside Siphon"));
    }
}
