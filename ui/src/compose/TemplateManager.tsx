/**
 * #templates: the team's templates. Pick one to edit, or start a new one; the engine checks
 * the variables and says which it does not know.
 */

import { useEffect, useState } from "preact/hooks";
import * as api from "../api/commands";
import { toCommandError } from "../api/error";
import type { Kind, Status, Template } from "../api/bindings";
import { showInfo } from "../app/toast";
import { closeModal } from "../dialogs/state";
import { Modal } from "../dialogs/Modal";
import { templates } from "./state";

const blank: Template = { name: "", subject: null, body: "", set_status: null, set_kind: null, tags: [] };
const VARIABLES = "{{customer.first_name}} {{customer.name}} {{customer.email}} {{agent.first_name}} {{agent.name}} {{account.name}} {{ticket.id}} {{ticket.subject}} {{agent.email}}";

export function TemplateManager() {
  const all = templates.value ?? [];
  const [editing, setEditing] = useState<Template>(all[0] ?? blank);
  const [original, setOriginal] = useState<string | null>(all[0]?.name ?? null);
  const [tags, setTags] = useState((all[0]?.tags ?? []).join(", "));
  const [error, setError] = useState<string | null>(null);
  const choose = (t: Template | null) => {
    setEditing(t ?? blank);
    setOriginal(t?.name ?? null);
    setTags((t?.tags ?? []).join(", "));
    setError(null);
  };
  const save = async () => {
    const t: Template = {
      ...editing,
      subject: editing.subject?.trim() ? editing.subject : null,
      tags: tags.split(",").map((x) => x.trim()).filter(Boolean),
    };
    try {
      templates.value = await api.templateSave(t);
      // A rename saves under the new name; the old one goes.
      if (original && original.trim().toLowerCase() !== t.name.trim().toLowerCase()) {
        templates.value = await api.templateRemove(original);
      }
      setOriginal(t.name.trim());
      setError(null);
      showInfo(`Template “${t.name.trim()}” saved`);
    } catch (e) {
      setError(toCommandError(e).message);
    }
  };
  const remove = async () => {
    if (!original) return choose(null);
    try {
      templates.value = await api.templateRemove(original);
      showInfo(`Template “${original}” removed`);
      choose(templates.value[0] ?? null);
    } catch (e) {
      setError(toCommandError(e).message);
    }
  };
  // The list arrives after the dialog opens: show its first template then.
  const first = all[0];
  useEffect(() => {
    if (first && original === null && editing === blank) choose(first);
  }, [first?.name]);
  const set = (change: Partial<Template>) => setEditing({ ...editing, ...change });
  return (
    <Modal id="templates" label="Templates" onClose={closeModal} wide>
      <h2>Templates</h2>
      <div class="template-manager">
        <ul class="template-names" aria-label="Templates">
          {all.map((t) => (
            <li key={t.name}>
              <button type="button" class={t.name === original ? "active" : ""} data-name={t.name} onClick={() => choose(t)}>
                {t.name}
              </button>
            </li>
          ))}
          <li>
            <button type="button" id="template-new" class={original === null ? "active" : ""} onClick={() => choose(null)}>
              + New template
            </button>
          </li>
        </ul>
        <form
          class="template-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label>
            <span>Name</span>
            <input id="template-name" value={editing.name} onInput={(e) => set({ name: e.currentTarget.value })} />
          </label>
          <label>
            <span>Subject (new messages only; empty keeps “Re: …”)</span>
            <input id="template-subject" value={editing.subject ?? ""} onInput={(e) => set({ subject: e.currentTarget.value })} />
          </label>
          <label>
            <span>Body</span>
            <textarea id="template-body" rows={8} value={editing.body} onInput={(e) => set({ body: e.currentTarget.value })} />
          </label>
          <p class="hint">Variables: {VARIABLES}</p>
          <div class="template-effects-form">
            <label>
              <span>Sets status</span>
              <select id="template-status" value={editing.set_status ?? ""} onChange={(e) => set({ set_status: (e.currentTarget.value || null) as Status | null })}>
                <option value="">—</option>
                <option value="open">open</option>
                <option value="pending">pending</option>
                <option value="closed">closed</option>
              </select>
            </label>
            <label>
              <span>Sets kind</span>
              <select id="template-kind" value={editing.set_kind ?? ""} onChange={(e) => set({ set_kind: (e.currentTarget.value || null) as Kind | null })}>
                <option value="">—</option>
                <option value="bug">bug</option>
                <option value="feature">feature</option>
                <option value="question">question</option>
                <option value="other">other</option>
              </select>
            </label>
            <label>
              <span>Adds tags</span>
              <input id="template-tags" value={tags} placeholder="export, v4" onInput={(e) => setTags(e.currentTarget.value)} />
            </label>
          </div>
          {error && (
            <p id="template-error" class="form-error" role="alert">
              {error}
            </p>
          )}
          <div class="buttons">
            <button type="button" id="template-delete" class="ghost danger" onClick={() => void remove()}>
              {original ? "Delete" : "Discard"}
            </button>
            <button type="button" onClick={closeModal}>
              Close
            </button>
            <button type="submit" id="template-save" class="primary">
              Save
            </button>
          </div>
        </form>
      </div>
    </Modal>
  );
}
