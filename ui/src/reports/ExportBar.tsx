/** The export of the shown period: a format, a typed (or chosen) path, progress, and the result. */

import { chooseExportPath, runExport, setFormat } from "./run";
import { exportError, exportFormat, exportPath, exported, exporting, type ExportFormat } from "./state";

export function ExportBar() {
  const p = exporting.value;
  const done = exported.value;
  return (
    <form
      class="export-bar"
      id="report-export"
      onSubmit={(e) => {
        e.preventDefault();
        void runExport();
      }}
    >
      <h3>Export</h3>
      <div class="path-row">
        <select
          id="export-format"
          aria-label="Format"
          value={exportFormat.value}
          onChange={(e) => setFormat((e.currentTarget as HTMLSelectElement).value as ExportFormat)}
        >
          <option value="xlsx">Excel (.xlsx)</option>
          <option value="csv">CSV</option>
          <option value="json">JSON</option>
        </select>
        <input
          id="export-path"
          aria-label="Export to"
          value={exportPath.value}
          spellcheck={false}
          onInput={(e) => (exportPath.value = (e.currentTarget as HTMLInputElement).value)}
        />
        <button type="button" id="export-choose" onClick={() => void chooseExportPath()} disabled={!!p}>
          Choose…
        </button>
        <button type="submit" id="export-run" class="primary" disabled={!!p || !exportPath.value.trim()}>
          {p ? "Exporting…" : "Export"}
        </button>
      </div>
      {p && (
        <progress id="export-progress" max={Math.max(1, p.total)} value={p.done}>
          {p.done} / {p.total}
        </progress>
      )}
      {done && (
        <p id="export-result" class="ok" role="status">
          Wrote {done.tickets} {done.tickets === 1 ? "ticket" : "tickets"} to {done.path} in {done.seconds.toFixed(1)} s.
        </p>
      )}
      {exportError.value && (
        <p class="error" role="alert">
          {exportError.value.message}
        </p>
      )}
    </form>
  );
}
