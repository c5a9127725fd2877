/** Ctrl/Cmd-K: every action by name, fuzzy-filtered; Enter runs the highlighted one. */

import { useMemo, useState } from "preact/hooks";
import { runAction } from "../app/run";
import { sidebar } from "../app/state";
import { closeModal } from "../dialogs/state";
import { Modal } from "../dialogs/Modal";
import { ACTIONS, viewAction, type Action } from "../keyboard/actions";
import { fuzzyFilter } from "./fuzzy";

/** The fixed actions and one per view (with its number key). */
export function allActions(): Action[] {
  const views = (sidebar.value?.counts.views ?? []).map((v, i) => viewAction(i + 1, v.title));
  return [...ACTIONS.filter((a) => a.id !== "palette"), ...views];
}

export function Palette() {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const actions = useMemo(allActions, [sidebar.value]);
  const shown = useMemo(() => fuzzyFilter(actions, query, (a) => a.title), [actions, query]);
  const at = Math.min(active, Math.max(0, shown.length - 1));

  const run = (a: Action | undefined) => {
    if (!a) return;
    closeModal();
    // After the palette gave focus back, so prompts and focus moves land where they should.
    setTimeout(() => runAction(a.id, null), 0);
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
      run(shown[at]);
    }
  };

  return (
    <Modal id="palette" label="Command palette" onClose={closeModal} wide>
      <input
        id="palette-input"
        placeholder="Type a command…"
        value={query}
        autocomplete="off"
        spellcheck={false}
        role="combobox"
        aria-controls="palette-list"
        aria-expanded="true"
        aria-activedescendant={shown[at] ? `palette-${shown[at].id}` : undefined}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul id="palette-list" role="listbox">
        {shown.map((a, i) => (
          <li
            key={a.id}
            id={`palette-${a.id}`}
            class={i === at ? "palette-item active" : "palette-item"}
            data-action={a.id}
            role="option"
            aria-selected={i === at}
            onMouseMove={() => i !== at && setActive(i)}
            onClick={() => run(a)}
          >
            <span class="palette-title">{a.title}</span>
            {a.keys && <kbd>{a.keys}</kbd>}
          </li>
        ))}
        {shown.length === 0 && <li class="palette-empty">No command matches “{query}”</li>}
      </ul>
    </Modal>
  );
}
