//! Append-only, compressed pack files for raw mail.
//!
//! One pack file holds many messages, each a self-describing entry, so a pack can be scanned and the
//! store rebuilt from packs alone:
//!
//! ```text
//! entry := "SPK1" | u32 frame_len | u32 record_len | u32 raw_len | u32 text_len
//!          | [u8; 16] content_hash | frame
//! frame := zstd(record ++ raw ++ text)
//! ```
//!
//! `record` is the postcard-encoded [`MessageRecord`](super::MessageRecord) and `text` the derived
//! plain-text body. Both mostly repeat the raw bytes, so compressed together with them they cost
//! little; the record comes first so that reading it decompresses only the frame's first block.
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
const HEADER_LEN: usize = 4 + 4 + 4 + 4 + 4 + 16;
/// zstd level 3: within a few percent of level 9's ratio on mail, several times faster.
const LEVEL: i32 = 3;

/// Where one message's bytes live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BlobRef {
    pub pack: u32,
    pub offset: u64,
    pub frame_len: u32,
    pub record_len: u32,
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
    pub fn append(
        &mut self,
        hash: &[u8; 16],
        record: &[u8],
        raw: &[u8],
        text: &str,
    ) -> io::Result<BlobRef> {
        if self.end >= PACK_LIMIT {
            self.roll()?;
        }
        let mut joined = Vec::with_capacity(record.len() + raw.len() + text.len());
        joined.extend_from_slice(record);
        joined.extend_from_slice(raw);
        joined.extend_from_slice(text.as_bytes());
        let frame = zstd::bulk::compress(&joined, LEVEL)?;
        let mut entry = Vec::with_capacity(HEADER_LEN + frame.len());
        entry.extend_from_slice(MAGIC);
        entry.extend_from_slice(&len32(frame.len())?.to_le_bytes());
        entry.extend_from_slice(&len32(record.len())?.to_le_bytes());
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
            record_len: len32(record.len())?,
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

/// A reusable decompression context: creating one per message costs more than decoding it.
pub struct RecordDecoder {
    dctx: zstd::stream::raw::Decoder<'static>,
}

impl RecordDecoder {
    pub fn new() -> io::Result<RecordDecoder> {
        Ok(RecordDecoder {
            dctx: zstd::stream::raw::Decoder::new()?,
        })
    }
}

/// Reads pack entries; keeps one open handle per pack so bulk reads (a rebuild) do not reopen files.
pub struct PackReader {
    dir: PathBuf,
    files: std::sync::Mutex<std::collections::HashMap<u32, std::sync::Arc<File>>>,
}

impl PackReader {
    pub fn new(dir: &Path) -> PackReader {
        PackReader {
            dir: dir.to_path_buf(),
            files: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// The content hashes of the entries in one pack between two offsets (entry boundaries), in
    /// order: what was appended since a point.
    pub fn hashes_between(&self, pack: u32, from: u64, to: u64) -> io::Result<Vec<[u8; 16]>> {
        let file = self.file(pack)?;
        let mut out = Vec::new();
        let mut at = from;
        let mut header = [0u8; HEADER_LEN];
        while at < to {
            read_exact_at(&file, &mut header, at)?;
            if &header[..4] != MAGIC {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("pack {pack}: no entry at offset {at}"),
                ));
            }
            let frame_len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
            let mut hash = [0u8; 16];
            hash.copy_from_slice(&header[20..36]);
            out.push(hash);
            at += HEADER_LEN as u64 + u64::from(frame_len);
        }
        Ok(out)
    }

    /// The encoded record, decompressed with a context kept across calls: for bulk reads.
    pub fn record_with(&self, dec: &mut RecordDecoder, blob: &BlobRef) -> io::Result<Vec<u8>> {
        let frame = self.frame(blob)?;
        Self::record_in(dec, &frame, blob)
    }

    /// Reads `len` bytes of a pack from `offset`: the frames of several entries that lie one
    /// after another, in one read.
    pub fn window(&self, pack: u32, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let file = self.file(pack)?;
        let mut buf = vec![0u8; len];
        read_exact_at(&file, &mut buf, offset)?;
        Ok(buf)
    }

    /// The encoded record of an entry whose compressed frame is `frame`.
    pub fn record_in(dec: &mut RecordDecoder, frame: &[u8], blob: &BlobRef) -> io::Result<Vec<u8>> {
        use zstd::stream::raw::Operation;
        dec.dctx.reinit()?;
        let mut out = vec![0u8; blob.record_len as usize];
        let (mut read, mut written) = (0, 0);
        while written < out.len() {
            let st = dec
                .dctx
                .run_on_buffers(&frame[read..], &mut out[written..])?;
            if st.bytes_read == 0 && st.bytes_written == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            read += st.bytes_read;
            written += st.bytes_written;
        }
        Ok(out)
    }

    fn file(&self, pack: u32) -> io::Result<std::sync::Arc<File>> {
        let mut files = self
            .files
            .lock()
            .map_err(|_| io::Error::other("pack reader poisoned"))?;
        Ok(match files.get(&pack) {
            Some(f) => f.clone(),
            None => {
                let f = std::sync::Arc::new(File::open(pack_path(&self.dir, pack))?);
                files.insert(pack, f.clone());
                f
            }
        })
    }

    fn frame(&self, blob: &BlobRef) -> io::Result<Vec<u8>> {
        let file = self.file(blob.pack)?;
        let mut frame = vec![0u8; blob.frame_len as usize];
        read_exact_at(&file, &mut frame, blob.offset)?;
        Ok(frame)
    }

    /// The encoded record only: decompresses no further than it needs.
    pub fn record(&self, blob: &BlobRef) -> io::Result<Vec<u8>> {
        let frame = self.frame(blob)?;
        let mut decoder = zstd::stream::read::Decoder::with_buffer(&frame[..])?;
        let mut record = vec![0u8; blob.record_len as usize];
        decoder.read_exact(&mut record)?;
        Ok(record)
    }

    /// The whole entry decompressed: record, raw message and text, back to back.
    fn joined(&self, blob: &BlobRef) -> io::Result<Vec<u8>> {
        let frame = self.frame(blob)?;
        let len = blob.record_len as usize + blob.raw_len as usize + blob.text_len as usize;
        let joined = zstd::bulk::decompress(&frame, len)?;
        if joined.len() != len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "pack entry decompressed to the wrong size",
            ));
        }
        Ok(joined)
    }

    /// The encoded record and the text body, from one decompression.
    pub fn entry(&self, blob: &BlobRef) -> io::Result<(Vec<u8>, String)> {
        let joined = self.joined(blob)?;
        let (rec, raw) = (blob.record_len as usize, blob.raw_len as usize);
        Ok((
            joined[..rec].to_vec(),
            String::from_utf8_lossy(&joined[rec + raw..]).into_owned(),
        ))
    }

    /// The raw message and its text body.
    pub fn blob(&self, blob: &BlobRef) -> io::Result<Blob> {
        let joined = self.joined(blob)?;
        let (rec, raw) = (blob.record_len as usize, blob.raw_len as usize);
        Ok(Blob {
            raw: joined[rec..rec + raw].to_vec(),
            text: String::from_utf8_lossy(&joined[rec + raw..]).into_owned(),
        })
    }
}

#[cfg(unix)]
pub(crate) fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
pub(crate) fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_read(file, buf, offset)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_sync_read_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = PackWriter::open(dir.path(), 1, 0).unwrap();
        let a = w
            .append(&[1; 16], b"rec-a", b"Subject: a\r\n\r\nbody a", "body a")
            .unwrap();
        let b = w.append(&[2; 16], b"", b"Subject: b\r\n\r\n", "").unwrap();
        w.sync().unwrap();
        let r = PackReader::new(dir.path());
        let got = r.blob(&a).unwrap();
        assert_eq!(got.raw, b"Subject: a\r\n\r\nbody a");
        assert_eq!(got.text, "body a");
        assert_eq!(r.record(&a).unwrap(), b"rec-a");
        assert_eq!(r.blob(&b).unwrap().raw, b"Subject: b\r\n\r\n");
        assert_eq!(r.record(&b).unwrap(), b"");
        let (_, end) = w.position();
        assert_eq!(r.hashes_between(1, 0, end).unwrap(), vec![[1; 16], [2; 16]]);
        assert_eq!(
            r.hashes_between(1, b.offset - HEADER_LEN as u64, end)
                .unwrap(),
            vec![[2; 16]]
        );
        let mut dec = RecordDecoder::new().unwrap();
        assert_eq!(r.record_with(&mut dec, &a).unwrap(), b"rec-a");
        assert_eq!(r.record_with(&mut dec, &b).unwrap(), b"");
        assert_eq!(r.record_with(&mut dec, &a).unwrap(), b"rec-a");
    }

    #[test]
    fn uncommitted_tail_is_cut_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = PackWriter::open(dir.path(), 1, 0).unwrap();
        w.append(&[1; 16], b"", b"committed", "").unwrap();
        w.sync().unwrap();
        let (_, committed) = w.position();
        w.append(&[2; 16], b"", b"crashed before commit", "")
            .unwrap();
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
