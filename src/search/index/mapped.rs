//! The index's files as tantivy maps them, and a way to let go of their pages.
//!
//! tantivy reads its files through memory maps. Every page a search touched stays mapped into
//! the process afterwards, so a long-lived app that has run a few searches counts tens of
//! megabytes of index pages as its own, though they are the system's file cache, clean and
//! shared. [`release`] tells the kernel the process no longer needs the pages of the maps
//! tantivy's `MmapDirectory` holds (`MADV_DONTNEED`). The pages stay in the file cache: the
//! next search that reads them maps them again with a minor page fault, and reads the same
//! bytes.

use tantivy::directory::{Directory, MmapDirectory};

/// Lets go of the pages of every file `dir` has mapped, and says how many bytes of maps that
/// covered. Each map is held open while it is advised, so none can be unmapped (and its
/// addresses reused) meanwhile.
pub fn release(dir: &MmapDirectory) -> usize {
    let mut covered = 0;
    for path in dir.get_cache_info().mmapped {
        // The directory hands out the map it already has for the file (a file deleted since
        // fails here, and is skipped).
        let Ok(handle) = dir.get_file_handle(&path) else {
            continue;
        };
        let len = handle.len();
        if len == 0 {
            continue;
        }
        // For a mapped file this is the map itself, not a copy.
        if let Ok(bytes) = handle.read_bytes(0..len) {
            covered += release_pages(bytes.as_slice());
        }
    }
    covered
}

/// Advises the kernel that the mapped pages under `bytes` are not needed; returns the bytes
/// of the pages covered (0 when nothing was done).
#[cfg(target_os = "linux")]
#[allow(
    unsafe_code,
    reason = "madvise on a read-only shared file map the caller holds open: the pages are \
              dropped from this process and read again from the file on the next access"
)]
fn release_pages(bytes: &[u8]) -> usize {
    // SAFETY: sysconf has no preconditions.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
    let start = bytes.as_ptr() as usize;
    // A map starts on a page boundary; anything else is not one of tantivy's maps (a copy on
    // the heap, say), and advising it would throw its contents away.
    if page == 0 || !start.is_multiple_of(page) {
        return 0;
    }
    // SAFETY: [start, start + len) lies within one file map that `bytes` keeps alive, mapped
    // shared and read-only by tantivy's MmapDirectory. MADV_DONTNEED only drops this process's
    // references to the pages; any later read maps the file's unchanged bytes again.
    let done =
        unsafe { libc::madvise(start as *mut libc::c_void, bytes.len(), libc::MADV_DONTNEED) };
    if done == 0 {
        bytes.len().div_ceil(page) * page
    } else {
        0
    }
}

#[cfg(not(target_os = "linux"))]
fn release_pages(_bytes: &[u8]) -> usize {
    0
}

/// The bytes of the files under `dir` that are mapped into this process and resident, from
/// `/proc/self/smaps` (Linux; `None` elsewhere or when it cannot be read).
#[cfg(test)]
pub fn resident_under(dir: &std::path::Path) -> Option<usize> {
    let smaps = std::fs::read_to_string("/proc/self/smaps").ok()?;
    let dir = dir.canonicalize().ok()?;
    let mut inside = false;
    let mut total = 0;
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        let first = fields.next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            inside = fields
                .nth(4)
                .is_some_and(|path| std::path::Path::new(path).starts_with(&dir));
        } else if inside && first == "Rss:" {
            total += fields.next().and_then(|kb| kb.parse::<usize>().ok())? * 1024;
        }
    }
    Some(total)
}
