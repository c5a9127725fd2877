import { describe, expect, it } from "vitest";
import type { Item } from "../api/bindings";
import { errorTitle, secondsLeft, stateLabel, undoText } from "./countdown";
import { insertAt, sendable, unfilled } from "./placeholders";

describe("unfilled (the engine's rule)", () => {
  it("finds each placeholder once, in order", () => {
    expect(unfilled("Hi {{customer.first_name}}, I am {{ agent.first_name }}. {{customer.first_name}}")).toEqual([
      "customer.first_name",
      "agent.first_name",
    ]);
  });
  it("takes the innermost braces and the later opening", () => {
    expect(unfilled("{{{x}}}")).toEqual(["x"]);
    expect(unfilled("{{ a {{b}}")).toEqual(["b"]);
  });
  it("counts unknown and empty names too", () => {
    expect(unfilled("{{nope}} and {{}}")).toEqual(["nope", ""]);
  });
  it("ignores braces a line apart and lone braces", () => {
    expect(unfilled("{{a\n}} and { b } and {{ unclosed")).toEqual([]);
  });
  it("makes a draft sendable only with text and no placeholder", () => {
    expect(sendable("")).toBe(false);
    expect(sendable("  \n")).toBe(false);
    expect(sendable("Hi {{customer.first_name}}")).toBe(false);
    expect(sendable("Hi Marie")).toBe(true);
  });
});

describe("insertAt", () => {
  it("replaces a blank draft", () => {
    expect(insertAt("  ", "Body", 1)).toBe("Body");
  });
  it("puts the text at the caret with blank lines around", () => {
    expect(insertAt("Hello\nBye", "Body", 5)).toBe("Hello\n\nBody\n\nBye");
    expect(insertAt("Hello", "Body", null)).toBe("Hello\n\nBody");
  });
});

const item = (over: Partial<Item>): Item => ({
  id: "o1",
  ticket: "t1",
  parent: null,
  account: "support",
  purpose: "reply",
  from: "support@acme.test",
  to: ["marie@client.test"],
  subject: "Re: x",
  message_id: "m@acme.test",
  state: "queued",
  attempts: 0,
  last_error: null,
  error_kind: null,
  created: 100,
  due: 110,
  sent_at: null,
  copied: false,
  undo: null,
  ...over,
});

describe("countdown", () => {
  it("counts whole seconds down to zero", () => {
    expect(secondsLeft(110, 100_000)).toBe(10);
    expect(secondsLeft(110, 100_200)).toBe(10);
    expect(secondsLeft(110, 109_001)).toBe(1);
    expect(secondsLeft(110, 110_000)).toBe(0);
    expect(secondsLeft(110, 120_000)).toBe(0);
    expect(undoText(110, 101_000)).toBe("Sending in 9 s");
    expect(undoText(110, 111_000)).toBe("Sending…");
  });
  it("labels states, and a queued one past its window as sending", () => {
    expect(stateLabel(item({}), 105_000)).toBe("sending in 5 s");
    expect(stateLabel(item({}), 115_000)).toBe("sending…");
    expect(stateLabel(item({ state: "sent" }), 0)).toBe("sent");
    expect(stateLabel(item({ state: "held" }), 0)).toBe("held: maybe sent");
  });
  it("names the errors plainly", () => {
    expect(errorTitle("auth")).toBe("Authentication failed");
    expect(errorTitle("recipient")).toBe("Recipient refused");
    expect(errorTitle("too_large")).toBe("Message too large");
    expect(errorTitle("weird")).toBe("Failed (weird)");
  });
});
