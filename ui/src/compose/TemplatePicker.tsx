/** #template-picker: the team's templates by name, fuzzy-filtered; Enter inserts one filled in. */

import { useMemo, useState } from "preact/hooks";
import { closeModal } from "../dialogs/state";
import { Modal } from "../dialogs/Modal";
import { fuzzyFilter } from "../palette/fuzzy";
import { insertTemplate, openTemplates } from "./run";
import { templates } from "./state";

export function TemplatePicker() {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const all = templates.value;
  const shown = useMemo(() => fuzzyFilter(all ?? [], query, (t) => t.name), [all, query]);
  const at = Math.min(active, Math.max(0, shown.length - 1));
  const pick = (name: string | undefined) => {
    if (name) void insertTemplate(name);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown" || (e.ctrlKey && e.key === "n")) {
      e.preventDefault();
      setActive((at + 1) % Math.max(1, shown.length));
    } else if (e.key === "ArrowUp" || (e.ctrlKey && e.key === "p")) {
      e.preventDefault();
      setActive((at - 1 + shown.length) % Math.max(1, shown.length));
    } else if (e.key === "Enter") {
      e.preventDefault();
      pick(shown[at]?.name);
    }
  };
  return (
    <Modal id="template-picker" label="Insert a template" onClose={closeModal} wide>
      <input
        id="template-query"
        placeholder="Type a template's name…"
        value={query}
        autocomplete="off"
        spellcheck={false}
        role="combobox"
        aria-controls="template-list"
        aria-expanded="true"
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul id="template-list" class="picker-list" role="listbox">
        {shown.map((t, i) => (
          <li
            key={t.name}
            class={i === at ? "palette-item template-item active" : "palette-item template-item"}
            data-name={t.name}
            role="option"
            aria-selected={i === at}
            onMouseMove={() => i !== at && setActive(i)}
            onClick={() => pick(t.name)}
          >
            <span class="palette-title">{t.name}</span>
            <span class="template-preview muted">{t.body.split("\n").find((l) => l.trim() && !/^(hi|hello|bonjour|halo)\b/i.test(l.trim())) ?? ""}</span>
            {(t.set_kind || t.set_status) && (
              <span class="template-effects">
                {t.set_kind && <span class={`badge kind ${t.set_kind}`}>{t.set_kind}</span>}
                {t.set_status && <span class={`badge status ${t.set_status}`}>{t.set_status}</span>}
              </span>
            )}
          </li>
        ))}
        {all === null && <li class="palette-empty">Loading…</li>}
        {all !== null && shown.length === 0 && <li class="palette-empty">No template matches “{query}”</li>}
      </ul>
      <p class="hint">
        Enter inserts it filled in for this ticket; what has no value stays as <code>{"{{name}}"}</code> for you to fill in.{" "}
        <button type="button" class="link-button" id="templates-manage" onClick={openTemplates}>
          Manage templates
        </button>
      </p>
    </Modal>
  );
}
