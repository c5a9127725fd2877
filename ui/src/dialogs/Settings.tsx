/** The few personal preferences: closing to the tray, notifications; and the weekly export. */

import * as api from "../api/commands";
import type { Prefs } from "../api/bindings";
import { info, sidebar } from "../app/state";
import { showError } from "../app/toast";
import { closeModal } from "./state";
import { Modal } from "./Modal";
import { WeeklyExport } from "./WeeklyExport";

async function set(change: Partial<Prefs>): Promise<void> {
  const side = sidebar.value;
  if (!side) return;
  try {
    const prefs = await api.prefsSet({ ...side.prefs, ...change });
    if (sidebar.value) sidebar.value = { ...sidebar.value, prefs };
  } catch (error) {
    showError(error);
  }
}

export function Settings() {
  const prefs = sidebar.value?.prefs;
  const app = info.value;
  return (
    <Modal id="settings" label="Settings" onClose={closeModal}>
      <h2>Settings</h2>
      <label class="check">
        <input
          type="checkbox"
          id="pref-tray"
          checked={prefs?.close_to_tray ?? true}
          disabled={!prefs}
          onChange={(e) => void set({ close_to_tray: e.currentTarget.checked })}
        />
        Keep syncing in the tray when the window is closed
      </label>
      <label class="check">
        <input
          type="checkbox"
          id="pref-notifications"
          checked={prefs?.notifications ?? true}
          disabled={!prefs}
          onChange={(e) => void set({ notifications: e.currentTarget.checked })}
        />
        Notify me of new tickets and of new mail on tickets assigned to me
      </label>
      {prefs && prefs.images_from.length > 0 && (
        <p class="hint">Remote images always load from: {prefs.images_from.join(", ")}</p>
      )}
      <WeeklyExport />
      {app && (
        <p class="hint">
          {app.name} {app.version} · data in <code>{app.data_dir}</code>
        </p>
      )}
      <div class="buttons">
        <button type="button" onClick={closeModal}>
          Done
        </button>
      </div>
    </Modal>
  );
}
