//! How the system web view keeps memory, set once its window exists.
//!
//! WebKitGTK's default cache model is a web browser's: decoded resources and responses are kept
//! in memory in case a page comes back to them. The app is one page that never navigates; what
//! it loads comes from the app itself and every message's document is made fresh when it is
//! shown. The document-viewer model turns those caches off, which is what WebKitGTK
//! recommends for an app showing local content.

use tauri::{Manager, Runtime};

/// Applies the app's cache model to the main window's web view (Linux only; elsewhere the
/// platform's web view decides).
pub fn tune<R: Runtime>(app: &tauri::App<R>) {
    #[cfg(target_os = "linux")]
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.with_webview(|webview| {
            use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
            if let Some(context) = webview.inner().context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}
