/** Opening the Reports view, loading a period's report, and exporting it. */

import * as api from "../api/commands";
import { onExportProgress } from "../api/events";
import { toCommandError } from "../api/error";
import { exportName, periodInput, periodOf, type Days } from "./period";
import {
  choice,
  custom,
  exportError,
  exportFormat,
  exportPath,
  exported,
  exporting,
  loading,
  report,
  reportError,
  reportsOpen,
} from "./state";

let asked = 0;

export function currentDays(): Days {
  return periodOf(choice.value, new Date(), custom.value);
}

/** A default path for the current period and format (the Downloads folder, else home). */
async function suggestPath(): Promise<void> {
  const name = exportName(currentDays(), exportFormat.value);
  try {
    exportPath.value = await api.defaultSavePath(name);
  } catch {
    exportPath.value = `~/${name}`;
  }
}

export async function loadReport(): Promise<void> {
  const mine = ++asked;
  loading.value = true;
  reportError.value = null;
  try {
    const r = await api.report(periodInput(currentDays()));
    if (mine === asked) report.value = r;
  } catch (error) {
    if (mine === asked) {
      report.value = null;
      reportError.value = toCommandError(error);
    }
  } finally {
    if (mine === asked) loading.value = false;
  }
  void suggestPath();
}

export function openReports(): void {
  reportsOpen.value = true;
  exported.value = null;
  exportError.value = null;
  void loadReport();
}

export function closeReports(): void {
  reportsOpen.value = false;
}

export function setFormat(f: "xlsx" | "csv" | "json"): void {
  exportFormat.value = f;
  exportPath.value = exportPath.value.replace(/\.(xlsx|csv|json)$/, `.${f}`) || exportName(currentDays(), f);
}

export async function chooseExportPath(): Promise<void> {
  const name = exportPath.value.split(/[\\/]/).pop() || exportName(currentDays(), exportFormat.value);
  try {
    const chosen = await api.chooseSavePath(name);
    if (chosen) exportPath.value = chosen;
  } catch (error) {
    exportError.value = toCommandError(error);
  }
}

export async function runExport(): Promise<void> {
  if (exporting.value) return;
  exported.value = null;
  exportError.value = null;
  exporting.value = { done: 0, total: 0 };
  const stop = await onExportProgress((p) => {
    if (exporting.value) exporting.value = p;
  });
  try {
    exported.value = await api.reportExport(periodInput(currentDays()), exportFormat.value, exportPath.value);
  } catch (error) {
    exportError.value = toCommandError(error);
  } finally {
    stop();
    exporting.value = null;
  }
}
