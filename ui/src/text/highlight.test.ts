import { describe, expect, it } from "vitest";
import { highlightSegments, toStringRanges } from "./highlight";

/** The byte range of `needle` in `text`, as the Rust side would compute it. */
function byteRange(text: string, needle: string): [number, number] {
  const enc = new TextEncoder();
  const i = text.indexOf(needle);
  const start = enc.encode(text.slice(0, i)).length;
  return [start, start + enc.encode(needle).length];
}

const hits = (text: string, ranges: Array<[number, number]>) =>
  highlightSegments(text, ranges)
    .filter((s) => s.hit)
    .map((s) => s.text);

describe("highlights from UTF-8 byte ranges", () => {
  it("maps ASCII ranges one to one", () => {
    expect(highlightSegments("cannot log in", [[7, 10]])).toEqual([
      { text: "cannot ", hit: false },
      { text: "log", hit: true },
      { text: " in", hit: false },
    ]);
  });

  it("counts accented letters as two bytes", () => {
    const text = "Le café est fermé depuis hier";
    expect(hits(text, [byteRange(text, "fermé"), byteRange(text, "hier")])).toEqual(["fermé", "hier"]);
  });

  it("counts emoji as four bytes and two UTF-16 units", () => {
    const text = "🔥🔥 login 😀 broken again";
    expect(hits(text, [byteRange(text, "login"), byteRange(text, "broken")])).toEqual(["login", "broken"]);
    expect(hits(text, [byteRange(text, "😀")])).toEqual(["😀"]);
  });

  it("handles CJK (three bytes each)", () => {
    const text = "請求書の支払いができません";
    expect(hits(text, [byteRange(text, "支払い")])).toEqual(["支払い"]);
  });

  it("never splits a character when a range falls inside one", () => {
    const text = "aé😀b";
    // "é" is bytes 1..3, "😀" 3..7: a range 2..4 widens to cover both.
    expect(hits(text, [[2, 4]])).toEqual(["é😀"]);
  });

  it("sorts, merges and clamps ranges", () => {
    const text = "hello world";
    expect(toStringRanges(text, [[6, 11], [0, 3], [2, 5], [8, 400]])).toEqual([
      [0, 5],
      [6, 11],
    ]);
    expect(toStringRanges(text, [[5, 5]])).toEqual([]);
  });

  it("gives the whole text unhighlighted without ranges", () => {
    expect(highlightSegments("plain", [])).toEqual([{ text: "plain", hit: false }]);
    expect(highlightSegments("", [])).toEqual([{ text: "", hit: false }]);
  });
});
