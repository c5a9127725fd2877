/** The app's events (src-tauri/src/api.rs `events`), each with its payload type. */

import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { EVENTS, type AccountSync, type Changed, type ExportProgress, type OutboxChanged } from "./bindings";

export type { UnlistenFn };

export const onSync = (handler: (sync: AccountSync) => void): Promise<UnlistenFn> =>
  listen<AccountSync>(EVENTS.sync, (e) => handler(e.payload));

export const onChanged = (handler: (changed: Changed) => void): Promise<UnlistenFn> =>
  listen<Changed>(EVENTS.changed, (e) => handler(e.payload));

/** A ticket to open (a siphon:// link, a notification, the tray). */
export const onOpenTicket = (handler: (id: string) => void): Promise<UnlistenFn> =>
  listen<string>(EVENTS.openTicket, (e) => handler(e.payload));


/** Outgoing messages changed state in the background (sent, failed, held …). */
export const onOutbox = (handler: (changed: OutboxChanged) => void): Promise<UnlistenFn> =>
  listen<OutboxChanged>(EVENTS.outbox, (e) => handler(e.payload));

/** Rows written by a running report export. */
export const onExportProgress = (handler: (progress: ExportProgress) => void): Promise<UnlistenFn> =>
  listen<ExportProgress>(EVENTS.exportProgress, (e) => handler(e.payload));
