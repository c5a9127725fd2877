/** Saving an attachment to a typed (or chosen) path, and the warning before opening a program. */

import { useState } from "preact/hooks";
import * as api from "../api/commands";
import { showError, showInfo } from "../app/toast";
import { toCommandError } from "../api/error";
import { closeModal, openModal } from "./state";
import { Modal } from "./Modal";

export function SaveDialog(props: { messageId: string; index: number; name: string; path: string }) {
  const [path, setPath] = useState(props.path);
  const [busy, setBusy] = useState(false);
  const browse = async () => {
    try {
      const chosen = await api.chooseSavePath(props.name);
      if (chosen) setPath(chosen);
      // Back to the field, so Enter saves.
      document.getElementById("save-path")?.focus();
    } catch (error) {
      showError(error);
    }
  };
  return (
    <Modal id="save-dialog" label={`Save ${props.name}`} onClose={closeModal}>
      <form
        class="prompt"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            const saved = await api.attachmentSave(props.messageId, props.index, path);
            closeModal();
            showInfo(`Saved to ${saved}`);
          } catch (error) {
            showError(error);
          } finally {
            setBusy(false);
          }
        }}
      >
        <label class="prompt-title" for="save-path">
          Save “{props.name}” to
        </label>
        <div class="path-row">
          <input
            id="save-path"
            value={path}
            data-autofocus
            spellcheck={false}
            onInput={(e) => setPath(e.currentTarget.value)}
          />
          <button type="button" id="save-browse" onClick={browse}>
            Browse…
          </button>
        </div>
        <div class="buttons">
          <button type="button" onClick={closeModal}>
            Cancel
          </button>
          <button type="submit" id="save-confirm" class="primary" disabled={busy || !path.trim()}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function ExecConfirm(props: { messageId: string; index: number; name: string; message: string }) {
  const open = async () => {
    closeModal();
    try {
      await api.attachmentOpen(props.messageId, props.index, true);
    } catch (error) {
      showError(error);
    }
  };
  return (
    <Modal id="exec-confirm" label="Open a program?" onClose={closeModal}>
      <div class="warning">
        <h3>Open “{props.name}”?</h3>
        <p>{props.message}</p>
        <p>Only open it if you expected this file from this sender.</p>
      </div>
      <div class="buttons">
        <button type="button" id="exec-cancel" onClick={closeModal}>
          Don’t open
        </button>
        <button type="button" id="exec-open" class="danger" onClick={open}>
          Open anyway
        </button>
      </div>
    </Modal>
  );
}

/** Open an attachment; a program is opened only after the warning. */
export async function openAttachment(messageId: string, index: number, name: string): Promise<void> {
  try {
    await api.attachmentOpen(messageId, index, false);
  } catch (error) {
    const e = toCommandError(error);
    if (e.kind === "executable") {
      openModal({ type: "exec", messageId, index, name, message: e.message });
    } else {
      showError(error);
    }
  }
}

export async function startSave(messageId: string, index: number, name: string): Promise<void> {
  let path = name;
  try {
    path = await api.defaultSavePath(name);
  } catch (error) {
    showError(error);
  }
  openModal({ type: "save", messageId, index, name, path });
}
