//! How the system web view paints, chosen before it starts.
//!
//! WebKitGTK paints with Skia on the GPU whenever it finds OpenGL. On a machine without a GPU
//! (a virtual machine, a remote desktop, a CI runner) that OpenGL is Mesa's software
//! emulation: the same pixels drawn through an emulated GPU, slower than Skia's own CPU path,
//! with the emulated textures kept in the web process's memory. There, the CPU path is chosen.
//! A person who sets `WEBKIT_SKIA_ENABLE_CPU_RENDERING` themselves keeps their choice.

use std::ffi::OsStr;
use std::path::Path;

/// WebKitGTK's switch to Skia's CPU painting.
pub const CPU_PAINTING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

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

/// Picks CPU painting when the machine has no GPU and the person has not chosen. Call it first
/// in `main`, before any thread starts (it sets an environment variable the web process
/// inherits).
#[allow(
    unsafe_code,
    reason = "setting the environment is sound here: it runs first in main, on the only thread"
)]
pub fn choose() {
    if !cfg!(target_os = "linux") || std::env::var_os(CPU_PAINTING).is_some() {
        return;
    }
    let software = std::env::var_os("LIBGL_ALWAYS_SOFTWARE");
    if software_gl_only(software.as_deref(), Path::new("/dev/dri")) {
        // SAFETY: called at the start of `main`, while this is the only thread.
        unsafe { std::env::set_var(CPU_PAINTING, "1") };
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
