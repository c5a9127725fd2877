/**
 * One typed function per command of the desktop shell (src-tauri/src/commands.rs). Arguments
 * are named as Tauri expects them (camelCase of the Rust names); every failure rejects with a
 * CommandError `{ kind, message }`.
 */

import { invoke } from "@tauri-apps/api/core";
import type {
  AccountInput,
  AppInfo,
  ExportDone,
  EditInput,
  Filled,
  ForwardRequest,
  Item,
  ListInfo,
  ListSource,
  MessageBody,
  NewRequest,
  PeriodInput,
  Prefs,
  ReplyRequest,
  ReportView,
  ScheduleStatus,
  ScheduleText,
  Row,
  Sidebar,
  Template,
  TicketPage,
} from "./bindings";
import { toCommandError } from "./error";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toCommandError(error);
  }
}

export const appInfo = () => call<AppInfo>("app_info");
export const openDemo = () => call<AppInfo>("open_demo");
export const meSet = (name: string, email: string) => call<AppInfo>("me_set", { name, email });
export const accountTest = (input: AccountInput) => call<string[]>("account_test", { input });
export const accountAdd = (input: AccountInput) => call<AppInfo>("account_add", { input });
export const sidebar = () => call<Sidebar>("sidebar");
export const listOpen = (source: ListSource, first = 0) => call<ListInfo>("list_open", { source, first });
export const listRows = (list: number, start: number, count: number) =>
  call<Row[]>("list_rows", { list, start, count });
export const ticketOpen = (id: string) => call<TicketPage>("ticket_open", { id });
export const messageBody = (messageId: string, loadImages: boolean) =>
  call<MessageBody>("message_body", { messageId, loadImages });
export const imagesAlways = (sender: string) => call<Prefs>("images_always", { sender });
export const ticketsEdit = (ids: string[], edit: EditInput) => call<Row[]>("tickets_edit", { ids, edit });
export const prefsSet = (prefs: Prefs) => call<Prefs>("prefs_set", { prefs });
export const attachmentSave = (messageId: string, index: number, path: string) =>
  call<string>("attachment_save", { messageId, index, path });
export const attachmentOpen = (messageId: string, index: number, confirmed: boolean) =>
  call<null>("attachment_open", { messageId, index, confirmed });
export const chooseSavePath = (name: string) => call<string | null>("choose_save_path", { name });
export const defaultSavePath = (name: string) => call<string>("default_save_path", { name });
export const openLink = (url: string) => call<null>("open_link", { url });
export const takePendingOpens = () => call<string[]>("take_pending_opens");
export const reply = (request: ReplyRequest) => call<Item>("reply", { request });
export const forward = (request: ForwardRequest) => call<Item>("forward", { request });
export const composeNew = (request: NewRequest) => call<Item>("compose_new", { request });
export const note = (ticket: string, text: string) => call<null>("note", { ticket, text });
export const outboxList = () => call<Item[]>("outbox_list");
export const outboxCancel = (id: string) => call<Item>("outbox_cancel", { id });
export const outboxRetry = (id: string) => call<Item>("outbox_retry", { id });
export const templatesList = () => call<Template[]>("templates_list");
export const templateFill = (ticket: string, name: string) => call<Filled>("template_fill", { ticket, name });
export const templateSave = (template: Template) => call<Template[]>("template_save", { template });
export const templateRemove = (name: string) => call<Template[]>("template_remove", { name });
export const report = (period: PeriodInput) => call<ReportView>("report", { period });
export const reportExport = (period: PeriodInput, format: string, path: string) =>
  call<ExportDone>("report_export", { period, format, path });
export const exportScheduleGet = () => call<ScheduleStatus>("export_schedule_get");
export const exportScheduleSet = (schedule: ScheduleText | null) =>
  call<ScheduleStatus>("export_schedule_set", { schedule });
