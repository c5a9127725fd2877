/**
 * The `{{…}}` placeholders left in a text, found by the engine's rule
 * (`siphon::send::template::unfilled`): the innermost two of a run of braces open one, the
 * next `}}` closes it, a later `{{` inside wins, and braces a line apart are text. The
 * composer refuses to send while any remains, as the engine does.
 */

/** Every placeholder name left in `text`, each once, in order (known variables or not). */
export function unfilled(text: string): string[] {
  const out: string[] = [];
  let search = 0;
  for (;;) {
    const rel = text.indexOf("{{", search);
    if (rel < 0) break;
    let open = rel;
    while (text.startsWith("{", open + 2)) open += 1;
    const innerStart = open + 2;
    const close = text.indexOf("}}", innerStart);
    if (close < 0) break;
    const inner = text.slice(innerStart, close);
    const nested = inner.lastIndexOf("{{");
    if (nested >= 0) {
      search = innerStart + nested;
      continue;
    }
    if (/[\r\n]/.test(inner)) {
      search = innerStart;
      continue;
    }
    const name = inner.trim();
    if (!out.includes(name)) out.push(name);
    search = close + 2;
  }
  return out;
}

/** Whether a draft can be sent: some text, and no placeholder left. */
export function sendable(text: string): boolean {
  return text.trim() !== "" && unfilled(text).length === 0;
}

/** `text` with `insert` put at `at` (a caret position), or in place of a blank draft. */
export function insertAt(text: string, insert: string, at: number | null): string {
  if (!text.trim()) return insert;
  const pos = at === null ? text.length : Math.max(0, Math.min(at, text.length));
  const before = text.slice(0, pos);
  const after = text.slice(pos);
  const sepBefore = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  const sepAfter = after === "" || after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
  return before + sepBefore + insert + sepAfter + after;
}
