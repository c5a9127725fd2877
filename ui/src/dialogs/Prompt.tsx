/** A one-field question (snooze until, assign to, tags, a search's name); Enter answers. */

import { useState } from "preact/hooks";
import { closeModal, type PromptSpec } from "./state";
import { Modal } from "./Modal";

export function Prompt({ spec }: { spec: PromptSpec }) {
  const [value, setValue] = useState(spec.value);
  const listId = `${spec.id}-options`;
  return (
    <Modal id={spec.id} label={spec.title} onClose={closeModal}>
      <form
        class="prompt"
        onSubmit={(e) => {
          e.preventDefault();
          closeModal();
          spec.submit(value);
        }}
      >
        <label class="prompt-title" for={`${spec.id}-input`}>
          {spec.title}
        </label>
        <input
          id={`${spec.id}-input`}
          class="prompt-input"
          value={value}
          placeholder={spec.placeholder}
          list={spec.suggestions?.length ? listId : undefined}
          autocomplete="off"
          spellcheck={false}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        {spec.suggestions?.length ? (
          <datalist id={listId}>
            {spec.suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        ) : null}
        {spec.hint && <p class="hint">{spec.hint}</p>}
        <div class="buttons">
          <button type="button" onClick={closeModal}>
            Cancel
          </button>
          <button type="submit" class="primary">
            OK
          </button>
        </div>
      </form>
    </Modal>
  );
}
