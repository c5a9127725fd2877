import { defineConfig } from "vite";

// The desktop shell loads the built files from ui/dist (see src-tauri/tauri.conf.json).
// `npm run dev` serves the same page on a fixed port for working on the UI in a browser.
export default defineConfig({
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
  },
});
