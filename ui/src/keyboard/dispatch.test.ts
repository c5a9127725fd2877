import { describe, expect, it } from "vitest";
import { activatable, dispatch, initialDispatch, KIND_PREFIX_MS, takesText, type DispatchState, type KeyInput } from "./dispatch";

function key(k: string, time = 0, extra: Partial<KeyInput> = {}): KeyInput {
  return { key: k, ctrl: false, meta: false, alt: false, shift: k !== k.toLowerCase(), typing: false, time, ...extra };
}

/** Runs keys in order; returns the actions and what each applied to. */
function run(keys: KeyInput[], targetsAt: (i: number) => string[] = () => ["t0"]) {
  let state: DispatchState = initialDispatch;
  return keys.map((k, i) => {
    const out = dispatch(state, k, targetsAt(i));
    state = out.state;
    return [out.action, out.targets];
  });
}

describe("keyboard dispatcher", () => {
  it("answers with r, Shift R, n and undoes with z, but never while typing", () => {
    expect(run([key("r"), key("R"), key("n"), key("z")]).map((r) => r[0])).toEqual(["reply", "reply-all", "note", "undo-send"]);
    for (const k of ["r", "R", "n", "z", "t", "T"]) {
      expect(run([key(k, 0, { typing: true })])[0]![0]).toBeNull();
    }
  });

  it("forwards with f and starts a new conversation with c, but never while typing", () => {
    expect(run([key("f"), key("c")]).map((r) => r[0])).toEqual(["forward", "compose-new"]);
    for (const k of ["f", "c"]) {
      expect(run([key(k, 0, { typing: true })])[0]![0]).toBeNull();
    }
    // Within the k prefix, f is still the kind "feature", not a forward.
    expect(run([key("k", 0), key("f", 100)]).map((r) => r[0])).toEqual(["move-up", "kind-feature"]);
    expect(run([key("k", 0), key("f", KIND_PREFIX_MS + 1)]).map((r) => r[0])).toEqual(["move-up", "forward"]);
  });

  it("opens the reports with g, but never while typing", () => {
    expect(run([key("g")])[0]![0]).toBe("reports");
    expect(run([key("g", 0, { typing: true })])[0]![0]).toBeNull();
  });

  it("sends on Ctrl/Cmd-Enter and picks a template on Ctrl/Cmd-Shift-T, typing or not", () => {
    for (const typing of [false, true]) {
      expect(run([key("Enter", 0, { ctrl: true, typing })])[0]![0]).toBe("send");
      expect(run([key("Enter", 0, { meta: true, typing })])[0]![0]).toBe("send");
      expect(run([key("T", 0, { ctrl: true, shift: true, typing })])[0]![0]).toBe("template-pick");
      expect(run([key("t", 0, { meta: true, shift: true, typing })])[0]![0]).toBe("template-pick");
    }
    // Ctrl-T alone (no Shift), Shift-T alone, and Alt chords do nothing.
    expect(run([key("t", 0, { ctrl: true })])[0]![0]).toBeNull();
    expect(run([key("T")])[0]![0]).toBeNull();
    expect(run([key("Enter", 0, { ctrl: true, alt: true })])[0]![0]).toBeNull();
    // Plain Enter while typing is a new line, not "open".
    expect(run([key("Enter", 0, { typing: true })])[0]![0]).toBeNull();
  });

  it("maps single keys", () => {
    expect(run([key("j"), key("e"), key("x"), key("J"), key("K"), key("/"), key("?"), key("Enter"), key(";")]).map((r) => r[0])).toEqual([
      "move-down",
      "close",
      "select",
      "extend-down",
      "extend-up",
      "search",
      "shortcuts",
      "open",
      "unfold-all",
    ]);
    expect(run([key("3")])[0]![0]).toBe("view-3");
    expect(run([key("y")])[0]![0]).toBeNull();
  });

  it("moves up on k at once and sets the kind of the ticket current before it on k b", () => {
    // Before the k the current ticket is A; the k moves to B.
    const targets = ["A", "B"];
    expect(run([key("k", 0), key("b", 300)], (i) => [targets[i]!])).toEqual([
      ["move-up", null],
      ["kind-bug", ["A"]],
    ]);
  });

  it("knows all four kinds", () => {
    for (const [k, action] of [
      ["b", "kind-bug"],
      ["f", "kind-feature"],
      ["q", "kind-question"],
      ["o", "kind-other"],
    ]) {
      expect(run([key("k", 0), key(k!, 100)])[1]![0]).toBe(action);
    }
  });

  it("lets the prefix expire", () => {
    expect(run([key("k", 0), key("b", KIND_PREFIX_MS + 1)])[1]![0]).toBeNull();
    // o alone is nothing (not "open": Gmail hands type "k o" to open the ticket above).
    expect(run([key("k", 0), key("o", KIND_PREFIX_MS + 1)])[1]![0]).toBeNull();
  });

  it("re-arms on a second k with the targets before that k", () => {
    expect(run([key("k", 0), key("k", 100), key("q", 200)], (i) => [`T${i}`])).toEqual([
      ["move-up", null],
      ["move-up", null],
      ["kind-question", ["T1"]],
    ]);
  });

  it("cancels the prefix on any other key", () => {
    expect(run([key("k", 0), key("j", 100), key("b", 200)]).map((r) => r[0])).toEqual(["move-up", "move-down", null]);
  });

  it("does not let Shift K arm the prefix, and keeps it through a lone Shift", () => {
    expect(run([key("K", 0), key("b", 10)]).map((r) => r[0])).toEqual(["extend-up", null]);
    expect(run([key("k", 0), key("Shift", 10), key("f", 20)]).map((r) => r[0])).toEqual([
      "move-up",
      null,
      "kind-feature",
    ]);
  });

  it("never fires while typing, except Escape and the palette", () => {
    const typing = { typing: true };
    expect(run([key("j", 0, typing), key("e", 0, typing), key("k", 0, typing), key("b", 0, typing)]).map((r) => r[0])).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(run([key("Escape", 0, typing)])[0]![0]).toBe("back");
    expect(run([key("k", 0, { ...typing, ctrl: true })])[0]![0]).toBe("palette");
    expect(run([key("k", 0, { ...typing, meta: true })])[0]![0]).toBe("palette");
    expect(run([key("K", 0, { ...typing, meta: true, shift: true })])[0]![0]).toBe("palette");
  });

  it("lets Enter activate a focused button or link instead of opening a ticket", () => {
    expect(run([key("Enter", 0, { onControl: true })])[0]![0]).toBeNull();
    expect(run([key("j", 0, { onControl: true })])[0]![0]).toBe("move-down");
  });

  it("leaves other modified keys to the browser", () => {
    expect(run([key("c", 0, { ctrl: true })])[0]![0]).toBeNull();
    expect(run([key("j", 0, { alt: true })])[0]![0]).toBeNull();
  });

  it("tells which elements take text", () => {
    const el = (tag: string, attrs: Record<string, string> = {}, editable = false) =>
      ({
        tagName: tag,
        getAttribute: (n: string) => attrs[n] ?? null,
        isContentEditable: editable,
      }) as unknown as Element;
    expect(takesText(el("input"))).toBe(true);
    expect(takesText(el("INPUT", { type: "search" }))).toBe(true);
    expect(takesText(el("INPUT", { type: "checkbox" }))).toBe(false);
    expect(takesText(el("TEXTAREA"))).toBe(true);
    expect(takesText(el("SELECT"))).toBe(true);
    expect(takesText(el("DIV", {}, true))).toBe(true);
    expect(takesText(el("DIV", { contenteditable: "plaintext-only" }))).toBe(true);
    expect(takesText(el("BUTTON"))).toBe(false);
    expect(takesText(null)).toBe(false);
    expect(activatable(el("BUTTON"))).toBe(true);
    expect(activatable(el("A", { href: "#" }))).toBe(true);
    expect(activatable(el("A"))).toBe(false);
    expect(activatable(el("INPUT", { type: "checkbox" }))).toBe(true);
    expect(activatable(el("DIV"))).toBe(false);
  });
});
