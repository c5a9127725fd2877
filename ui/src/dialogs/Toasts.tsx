/** #toast: the live region for errors and confirmations. Click one to dismiss it. */

import { toasts } from "../app/state";
import { dismiss } from "../app/toast";

export function Toasts() {
  return (
    <div id="toast" role="status" aria-live="polite">
      {toasts.value.map((t) => (
        <div
          key={t.id}
          class={t.error ? "toast error" : "toast"}
          data-kind={t.error?.kind}
          onClick={() => dismiss(t.id)}
        >
          {t.text}
        </div>
      ))}
    </div>
  );
}
