// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import type { ActionId } from "./actions";
import { installKeys } from "./bind";

describe("keys on the document", () => {
  const ran: Array<[ActionId, string[] | null]> = [];
  let modal = false;
  const uninstall = installKeys({
    targets: () => ["cur"],
    modalOpen: () => modal,
    run: (a, t) => ran.push([a, t]),
  });

  afterEach(() => {
    ran.length = 0;
    modal = false;
    document.body.replaceChildren();
  });

  function press(key: string, target: Element = document.body, extra: KeyboardEventInit = {}) {
    const e = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...extra });
    target.dispatchEvent(e);
    return e;
  }

  it("runs shortcuts from the page and prevents the browser's default", () => {
    const e = press("j");
    expect(ran).toEqual([["move-down", null]]);
    expect(e.defaultPrevented).toBe(true);
  });

  it("ignores single keys typed into a field but not Escape or Ctrl K", () => {
    const input = document.createElement("input");
    document.body.append(input);
    input.focus();
    const typed = press("e", input);
    expect(typed.defaultPrevented).toBe(false);
    press("Escape", input);
    press("k", input, { ctrlKey: true });
    expect(ran.map((r) => r[0])).toEqual(["back", "palette"]);
  });

  it("leaves Enter to a focused button", () => {
    const button = document.createElement("button");
    document.body.append(button);
    button.focus();
    expect(press("Enter", button).defaultPrevented).toBe(false);
    expect(ran).toEqual([]);
  });

  it("leaves keys to an open dialog, except the palette toggle", () => {
    modal = true;
    press("e");
    press("k", document.body, { metaKey: true });
    expect(ran.map((r) => r[0])).toEqual(["palette"]);
  });

  it("can be removed", () => {
    uninstall();
    press("j");
    expect(ran).toEqual([]);
  });
});
