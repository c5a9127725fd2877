/** The Reports view's state: whether it is open, the period, the report, and an export's progress. */

import { signal } from "@preact/signals";
import type { CommandError, ExportDone, ReportView } from "../api/bindings";
import type { Days, PeriodChoice } from "./period";

export const reportsOpen = signal(false);
export const choice = signal<PeriodChoice>("last-4-weeks");
export const custom = signal<Days>({ from: "", to: "" });
export const report = signal<ReportView | null>(null);
export const loading = signal(false);
export const reportError = signal<CommandError | null>(null);

export type ExportFormat = "xlsx" | "csv" | "json";
export const exportFormat = signal<ExportFormat>("xlsx");
export const exportPath = signal("");
export const exporting = signal<{ done: number; total: number } | null>(null);
export const exported = signal<ExportDone | null>(null);
export const exportError = signal<CommandError | null>(null);
