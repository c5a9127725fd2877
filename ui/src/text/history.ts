/** A ticket's op history as sentences: "Maya closed this · 2 h ago". */

import type { HistoryLine, Person } from "../api/bindings";
import { personName } from "./people";
import { ago } from "./time";

export function historySentence(line: HistoryLine, me: Person | null | undefined, now: number = Date.now()): string {
  const when = ago(line.at, now);
  const who = personName(line.actor, me);
  return when ? `${who} ${line.what} · ${when}` : `${who} ${line.what}`;
}
