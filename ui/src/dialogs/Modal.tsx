/**
 * A modal dialog: takes focus when it opens (the first field or button, or `[data-autofocus]`),
 * keeps Tab inside itself, closes on Escape or a click outside, and gives focus back to where
 * it was.
 */

import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)];
}

interface Props {
  id: string;
  label: string;
  onClose: () => void;
  wide?: boolean;
  children: ComponentChildren;
}

export function Modal({ id, label, onClose, wide, children }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  // Layout effect: focus moves in the same task as the dialog appears, before any next key.
  useLayoutEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const root = ref.current;
    if (root) {
      const first = root.querySelector<HTMLElement>("[data-autofocus]") ?? focusables(root)[0] ?? root;
      first.focus();
      if (first instanceof HTMLInputElement) first.select();
    }
    return () => {
      if (before && before.isConnected && before !== document.body) before.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key !== "Tab" || !ref.current) return;
    const all = focusables(ref.current);
    if (all.length === 0) {
      e.preventDefault();
      return;
    }
    const first = all[0]!;
    const last = all[all.length - 1]!;
    const active = document.activeElement;
    if (e.shiftKey && (active === first || !ref.current.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !ref.current.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div
      class="overlay"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        id={id}
        ref={ref}
        class={wide ? "modal wide" : "modal"}
        role="dialog"
        aria-modal="true"
        aria-label={label}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        {children}
      </div>
    </div>
  );
}
