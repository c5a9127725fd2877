/**
 * Address lists as people type them ("jo@client.test, sam@client.test", or pasted as
 * "Jo <jo@client.test>; sam@client.test") split into one address each, and what stops a
 * forward or a new conversation before it reaches the engine. The shell takes the addresses
 * already split; the engine checks them again by the same rule (an `@`, no spaces).
 */

import { unfilled } from "./placeholders";

/** Each address once (case aside), in order: commas, semicolons, new lines or spaces part
 * them, quoted names are dropped, and only the part in angle brackets counts when there is one. */
export function parseAddresses(typed: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const piece of typed.replace(/"[^"]*"/g, " ").split(/[,;\n]/)) {
    const bracketed = [...piece.matchAll(/<([^<>]*)>/g)].map((m) => m[1]!.trim());
    const words = bracketed.length > 0 ? bracketed : piece.split(/\s+/);
    for (const word of words) {
      const a = word.trim().replace(/^mailto:/i, "");
      if (!a || seen.has(a.toLowerCase())) continue;
      seen.add(a.toLowerCase());
      out.push(a);
    }
  }
  return out;
}

/** Whether the engine takes it as an address: something on each side of one `@`, no spaces. */
export function looksLikeAddress(a: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(a);
}

/** Why a list of addresses cannot go out, or null. */
function addressProblem(field: string, addresses: string[], required: boolean): string | null {
  if (required && addresses.length === 0) return `Who is it to? Type an address in ${field}.`;
  const bad = addresses.filter((a) => !looksLikeAddress(a));
  if (bad.length === 1) return `“${bad[0]}” in ${field} is not an email address.`;
  if (bad.length > 1) return `${bad.map((b) => `“${b}”`).join(", ")} in ${field} are not email addresses.`;
  return null;
}

function textProblem(text: string, required: boolean): string | null {
  const left = unfilled(text);
  if (left.length > 0) return `Fill in ${left.map((n) => `{{${n}}}`).join(", ")} before sending.`;
  if (required && !text.trim()) return "Write something first.";
  return null;
}

/** A forward needs someone to go to; its note may be empty. */
export function forwardProblem(to: string, text: string): string | null {
  return addressProblem("To", parseAddresses(to), true) ?? textProblem(text, false);
}

export interface NewFields {
  account: string;
  to: string;
  cc: string;
  subject: string;
  text: string;
}

/** A new conversation needs an account to send from, someone in To, a subject and words. */
export function newProblem(d: NewFields): string | null {
  if (!d.account) return "Choose the account it is sent from.";
  return (
    addressProblem("To", parseAddresses(d.to), true) ??
    addressProblem("Cc", parseAddresses(d.cc), false) ??
    (d.subject.trim() ? null : "Give it a subject.") ??
    textProblem(d.text, true)
  );
}
