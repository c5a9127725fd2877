//! How the system web view paints, chosen before it starts.
//!
//! WebKitGTK paints with Skia on the GPU whenever it finds OpenGL, and composites the page's
//! layers with OpenGL too. On a machine without a GPU (a virtual machine, a remote desktop, a
//! CI runner) that OpenGL is Mesa's software emulation (llvmpipe): the same pixels drawn
//! through an emulated GPU, slower than Skia's own CPU path, with the emulated textures kept in
//! the web process's memory. There, the app paints on the CPU and turns compositing off, so the
//! page is painted straight into the window's buffer. While the 25,000-row list scrolled, a
//! profile of the web process put 47% of its time in llvmpipe's two threads compositing; without
//! it the typical scrolled frame went from 30 to 19 ms and the empty window's memory from 300 to
//! 244 MB. A person who sets either variable themselves keeps their choice.

use std::ffi::OsStr;
use std::path::Path;

/// WebKitGTK's switch to Skia's CPU painting.
pub const CPU_PAINTING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";
/// WebKitGTK's switch that turns accelerated compositing off.
pub const NO_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Whether OpenGL here can only be software: Mesa was told so (`LIBGL_ALWAYS_SOFTWARE`), or
/// there is no GPU render node in `dri` (`/dev/dri/renderD*`).
pub fn software_gl_only(libgl_always_software: Option<&OsStr>, dri: &Path) -> bool {
    let forced = libgl_always_software.is_some_and(|v| !v.is_empty() && v != "0");
    let render_node = std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    });
    forced || !render_node
}

/// Picks CPU painting without compositing when the machine has no GPU, each unless the person
/// has chosen. Call it first in `main`, before any thread starts (it sets environment variables
/// the web process inherits).
#[allow(
    unsafe_code,
    reason = "setting the environment is sound here: it runs first in main, on the only thread"
)]
pub fn choose() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let software = std::env::var_os("LIBGL_ALWAYS_SOFTWARE");
    if !software_gl_only(software.as_deref(), Path::new("/dev/dri")) {
        return;
    }
    for name in [CPU_PAINTING, NO_COMPOSITING] {
        if std::env::var_os(name).is_none() {
            // SAFETY: called at the start of `main`, while this is the only thread.
            unsafe { std::env::set_var(name, "1") };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn software_only_without_a_render_node_or_when_mesa_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let dri = dir.path();
        assert!(software_gl_only(None, &dri.join("missing")));
        assert!(software_gl_only(None, dri), "an empty /dev/dri");
        std::fs::write(dri.join("card0"), b"").unwrap();
        assert!(
            software_gl_only(None, dri),
            "a display card but no render node"
        );
        std::fs::write(dri.join("renderD128"), b"").unwrap();
        assert!(!software_gl_only(None, dri));
        assert!(!software_gl_only(Some(OsStr::new("0")), dri));
        assert!(!software_gl_only(Some(OsStr::new("")), dri));
        assert!(software_gl_only(Some(OsStr::new("1")), dri));
    }
}
