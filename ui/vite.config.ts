import { defineConfig } from "vite";

// The desktop shell loads the built files from ui/dist (see src-tauri/tauri.conf.json).
// `npm run dev` serves the same page on a fixed port for working on the UI in a browser.
// JSX is Preact's, compiled by Vite's own esbuild: no framework plugin.
export default defineConfig({
  clearScreen: false,
  esbuild: {
    jsx: "automatic",
    jsxImportSource: "preact",
  },
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari15",
  },
});
