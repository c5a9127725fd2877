import { describe, expect, it } from "vitest";
import { nameFromAddress, senderName } from "./people";

describe("people's names", () => {
  it("takes a From line's display name, or keeps a bare address", () => {
    expect(senderName("Ana Costa <ana@customer.example>")).toBe("Ana Costa");
    expect(senderName('"Lefèvre, Mathieu" <m.lefevre@cabinet-roussel.example>')).toBe("Lefèvre, Mathieu");
    expect(senderName("<ana@customer.example>")).toBe("<ana@customer.example>");
    expect(senderName(" ana@customer.example ")).toBe("ana@customer.example");
  });

  it("makes a name from an address's local part", () => {
    expect(nameFromAddress("maya.lopez@x.io")).toBe("Maya Lopez");
    expect(nameFromAddress("")).toBe("");
  });
});
