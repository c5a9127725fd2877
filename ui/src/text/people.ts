/** How people are named in the UI: me by my name, teammates by their address's local part. */

import type { Person } from "../api/bindings";

/** "maya.lopez@x.io" → "Maya Lopez"; a bare word is capitalised; an empty one stays empty. */
export function nameFromAddress(address: string): string {
  const local = address.trim().split("@")[0] ?? "";
  return local
    .split(/[._+-]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");
}

/** The name to show for an address: mine from my settings, anyone else's from the address. */
export function personName(address: string, me: Person | null | undefined): string {
  if (me && address.trim().toLowerCase() === me.email.trim().toLowerCase()) {
    return me.name.trim() || nameFromAddress(me.email);
  }
  return nameFromAddress(address) || address;
}

/** A From line's display name: `Ana Costa <ana@x.io>` → "Ana Costa"; a bare address stays. */
export function senderName(from: string): string {
  const m = /^\s*"?([^"<]*?)"?\s*<[^>]*>\s*$/.exec(from);
  return m?.[1] || from.trim();
}
