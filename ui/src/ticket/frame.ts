/**
 * A message's sanitised document in a sandboxed frame: `allow-same-origin` only, so no script
 * runs in it, no form submits, nothing pops up or navigates the app, and this page may still
 * read its layout to size the frame and find its links.
 *
 * Links: a click listener on the frame's document is installed (engines that run a parent's
 * listeners there use it), but WebKit — the engine of the desktop app — runs no event listener
 * at all in a document whose scripts are disabled. So every link also gets a transparent button
 * laid over it in this page (a "hotspot", recomputed whenever the document's size changes); the
 * links themselves leave the tab order. Either way a click never navigates: it asks first
 * (#link-confirm) and then hands the real address to the system browser.
 */

import { showError } from "../app/toast";
import { openModal } from "../dialogs/state";
import { forwardKey } from "../keyboard/bind";
import { linkDecision } from "./link";

/** Never more than this: the one flag that lets the parent measure the document. */
export const SANDBOX = "allow-same-origin";

export function makeFrame(doc: string, title: string, onLoaded: (frame: HTMLIFrameElement) => void): HTMLIFrameElement {
  const frame = document.createElement("iframe");
  // The sandbox is set before the document, so it applies from the first load.
  frame.setAttribute("sandbox", SANDBOX);
  frame.className = "message-body";
  frame.title = title;
  frame.tabIndex = -1;
  frame.setAttribute("referrerpolicy", "no-referrer");
  frame.addEventListener("load", () => onLoaded(frame));
  frame.srcdoc = doc;
  return frame;
}

function contentHeight(d: Document): number {
  const html = d.documentElement;
  const body = d.body;
  return Math.ceil(Math.max(html?.getBoundingClientRect().height ?? 0, body?.scrollHeight ?? 0, 24));
}

/** What a click on a link with this `href` does. */
function follow(d: Document, raw: string, resolved: string): void {
  if (raw.startsWith("#")) {
    d.getElementById(decodeURIComponent(raw.slice(1)))?.scrollIntoView({ block: "start" });
    return;
  }
  const decision = linkDecision(resolved || raw);
  if (decision.open) openModal({ type: "link", url: decision.url });
  else showError({ kind: "usage", message: decision.message });
}

/** Transparent buttons over the document's links, in the frame's coordinates. */
function layHotspots(d: Document, layer: HTMLElement): void {
  const out = document.createDocumentFragment();
  for (const a of d.querySelectorAll<HTMLAnchorElement>("a[href]")) {
    a.setAttribute("tabindex", "-1");
    const raw = a.getAttribute("href") ?? "";
    const resolved = a.href;
    const label = (a.textContent ?? "").trim() || raw;
    let first = true;
    for (const r of a.getClientRects()) {
      if (r.width < 1 || r.height < 1) continue;
      const b = document.createElement("button");
      b.type = "button";
      b.className = "hotspot";
      b.style.cssText = `left:${r.left}px;top:${r.top}px;width:${r.width}px;height:${r.height}px`;
      b.title = resolved || raw;
      b.setAttribute("aria-label", `Link: ${label}`);
      // A link broken over lines is one stop for Tab.
      if (!first) b.tabIndex = -1;
      b.addEventListener("click", (e) => {
        e.preventDefault();
        follow(d, raw, resolved);
      });
      out.append(b);
      first = false;
    }
  }
  layer.replaceChildren(out);
}

type Closest = { closest?: (s: string) => Element | null };

/** Sizes the frame to its document and takes over its links. Returns the undo. */
export function wireFrame(frame: HTMLIFrameElement, layer: HTMLElement): () => void {
  const d = frame.contentDocument;
  if (!d) return () => {};
  // The observer's first report repeats the size just measured: only a change lays the
  // frame and its hotspots out again.
  let laid = "";
  const update = () => {
    const height = contentHeight(d);
    const size = `${height}x${d.documentElement?.clientWidth ?? 0}`;
    if (size === laid) return;
    laid = size;
    frame.style.height = `${height}px`;
    layHotspots(d, layer);
  };
  const linkOf = (e: Event): Element | null => (e.target as Closest | null)?.closest?.("a[href], area[href]") ?? null;
  const click = (e: MouseEvent) => {
    const a = linkOf(e);
    if (!a) return;
    // Always: a link in a message never navigates anything by itself.
    e.preventDefault();
    e.stopPropagation();
    follow(d, a.getAttribute("href") ?? "", (a as HTMLAnchorElement).href ?? "");
  };
  const aux = (e: MouseEvent) => {
    if (linkOf(e)) e.preventDefault();
  };
  d.addEventListener("click", click, true);
  d.addEventListener("auxclick", aux, true);
  d.addEventListener("keydown", forwardKey);
  // Folded quotes opening, images arriving, the window's width: the document's size changes.
  let ro: ResizeObserver | null = null;
  try {
    ro = new ResizeObserver(update);
    ro.observe(d.documentElement);
  } catch {
    ro = null;
  }
  update();
  return () => {
    d.removeEventListener("click", click, true);
    d.removeEventListener("auxclick", aux, true);
    d.removeEventListener("keydown", forwardKey);
    ro?.disconnect();
    layer.replaceChildren();
  };
}

/**
 * Clicking into a message's text moves focus into its frame, where the app's keys can't hear
 * (no listener runs there). Unless the person is selecting text to copy, focus comes back.
 */
export function installFrameFocusGuard(home: () => HTMLElement | null): () => void {
  let timer: ReturnType<typeof setInterval> | undefined;
  const onBlur = () => {
    clearInterval(timer);
    let idle = 0;
    timer = setInterval(() => {
      const active = document.activeElement;
      if (!(active instanceof HTMLIFrameElement) || !active.classList.contains("message-body")) {
        clearInterval(timer);
        return;
      }
      const selection = active.contentWindow?.getSelection();
      idle = !selection || selection.isCollapsed ? idle + 1 : 0;
      if (idle >= 2) {
        clearInterval(timer);
        home()?.focus({ preventScroll: true });
      }
    }, 300);
  };
  window.addEventListener("blur", onBlur);
  return () => {
    clearInterval(timer);
    window.removeEventListener("blur", onBlur);
  };
}
