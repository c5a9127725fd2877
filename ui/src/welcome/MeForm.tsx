/** "Who are you": the person whose name goes on their changes (me_set). */

import { useState } from "preact/hooks";
import * as api from "../api/commands";
import type { AppInfo } from "../api/bindings";
import { showError } from "../app/toast";

export function MeForm({ onSaved, compact }: { onSaved: (info: AppInfo) => void; compact?: boolean }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  return (
    <form
      id="me-form"
      class={compact ? "me-form compact" : "me-form"}
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        try {
          await api.meSet(name.trim(), email.trim());
          // Fresh, in case a mailbox was added meanwhile (the answer of me_set predates it).
          onSaved(await api.appInfo());
        } catch (error) {
          showError(error);
        } finally {
          setBusy(false);
        }
      }}
    >
      <label>
        <span>Your name</span>
        <input id="me-name" value={name} autocomplete="name" required onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        <span>Your email</span>
        <input
          id="me-email"
          type="email"
          value={email}
          autocomplete="email"
          required
          placeholder="you@company.com"
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
      </label>
      <button type="submit" id="me-save" class="primary" disabled={busy}>
        {busy ? "Saving…" : "Save"}
      </button>
    </form>
  );
}
