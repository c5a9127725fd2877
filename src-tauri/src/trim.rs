//! Giving memory back: once the engine is idle, and as the web view paints.
//!
//! Engine work runs on tokio's blocking threads, and glibc gives each thread that allocates
//! under contention its own arena. What a search or a scrolled page allocated is freed when
//! the answer is sent, but the freed pages stay in those arenas, counted against the app, until
//! something asks for them back. A second after the last engine work (a command, or a
//! background pass that indexed new mail, sent the outbox or wrote the weekly export),
//! `malloc_trim` returns them to the system.
//!
//! The search index is read through memory maps, and every page a search touched stays mapped
//! into the app: after a few searches, tens of megabytes of the system's file cache counted as
//! the app's own. Ten seconds after the last engine work, the engine lets go of them
//! (`Engine::release_mapped_pages`); they stay cached, and the next search maps what it reads
//! again (minor page faults, no disk reads while the cache holds them).
//!
//! The web view's painting threads allocate their tiles (a megabyte or so each) with the same
//! malloc. glibc serves a block that large with its own mapping at first, but raises that
//! threshold each time one is freed; after that the tiles come from the threads' arenas, and a
//! scrolled list leaves those arenas holding every tile it ever painted. Fixing the threshold
//! (and the size above which an arena's free top is returned) keeps large blocks in their own
//! mappings, given back as soon as they are freed. The web view's processes inherit these from
//! the environment; this process sets them with `mallopt`, and keeps its engine threads to two
//! arenas, not eight per core, so fewer half-empty heaps hold its freed pages. A person's own `MALLOC_*` or
//! `GLIBC_TUNABLES` settings win. Elsewhere (another libc, another OS) none of this applies.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::state::Workspace;

/// Blocks this large or larger get their own mapping, returned when freed (glibc's initial
/// threshold, kept from growing).
const MMAP_THRESHOLD: usize = 128 * 1024;
/// An arena's free top beyond this is returned to the system.
const TRIM_THRESHOLD: usize = 512 * 1024;
/// Arenas of this process (not the web view's, whose painting threads need their own: shared,
/// they held more memory and painted slower). glibc's default is eight per core, and each
/// engine thread that ever met contention keeps its own, with its own free pages.
const ARENA_MAX: libc::c_int = 2;

/// How long the engine must have been idle before its freed memory is given back.
const IDLE: Duration = Duration::from_millis(1000);
/// How long the engine must have been idle before it lets go of the index pages it mapped
/// (longer: a person typing searches keeps them while they type).
const MAPS_IDLE: Duration = Duration::from_secs(10);

/// Bumped by every piece of engine work; a trim runs only if it has not moved while waiting.
static WORK: AtomicU64 = AtomicU64::new(0);

/// Notes that engine work on `ws` just finished: gives freed memory back once the engine has
/// been idle for a second, and the index's mapped pages after ten (later work pushes both
/// back).
pub fn after_work(ws: &Arc<Workspace>) {
    let seen = WORK.fetch_add(1, Ordering::Relaxed) + 1;
    let ws = Arc::downgrade(ws);
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(IDLE).await;
        if WORK.load(Ordering::Relaxed) != seen {
            return;
        }
        let _ = tauri::async_runtime::spawn_blocking(release).await;
        tokio::time::sleep(MAPS_IDLE.saturating_sub(IDLE)).await;
        if WORK.load(Ordering::Relaxed) == seen {
            let _ = tauri::async_runtime::spawn_blocking(move || release_maps(&ws)).await;
        }
    });
}

/// Has the workspace's engine let go of its mapped index pages, unless the workspace is gone
/// or the engine is busy (work that just started will come back here when it is done).
fn release_maps(ws: &Weak<Workspace>) {
    if let Some(ws) = ws.upgrade()
        && let Ok(engine) = ws.engine.try_lock()
    {
        engine.release_mapped_pages();
    }
}

/// Returns the allocator's free pages to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(
    unsafe_code,
    reason = "malloc_trim takes no pointers and only releases pages the allocator holds free"
)]
pub fn release() {
    // SAFETY: glibc's malloc_trim locks each arena itself and touches only free chunks.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release() {}

/// Fixes malloc's thresholds for this process and, through the environment, for the web view's
/// processes. Call it first in `main`, before any thread starts (it sets environment variables).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(
    unsafe_code,
    reason = "setting the environment is sound here: it runs first in main, on the only thread; \
              mallopt takes plain integers"
)]
pub fn tune_allocator() {
    let chosen = |name: &str| std::env::var_os(name).is_some();
    if chosen("GLIBC_TUNABLES") {
        return;
    }
    for (name, option, value) in [
        (
            "MALLOC_MMAP_THRESHOLD_",
            libc::M_MMAP_THRESHOLD,
            MMAP_THRESHOLD,
        ),
        (
            "MALLOC_TRIM_THRESHOLD_",
            libc::M_TRIM_THRESHOLD,
            TRIM_THRESHOLD,
        ),
    ] {
        if chosen(name) {
            continue;
        }
        // SAFETY: called at the start of `main`, while this is the only thread; mallopt only
        // changes the allocator's parameters.
        unsafe {
            std::env::set_var(name, value.to_string());
            libc::mallopt(
                option,
                libc::c_int::try_from(value).unwrap_or(libc::c_int::MAX),
            );
        }
    }
    if !chosen("MALLOC_ARENA_MAX") {
        // SAFETY: as above; this process only, so nothing is exported.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, ARENA_MAX);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune_allocator() {}
