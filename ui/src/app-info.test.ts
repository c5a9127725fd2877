import { describe, expect, it } from "vitest";
import { describeError, formatTitle } from "./app-info";

describe("formatTitle", () => {
  it("joins the name and the version", () => {
    expect(formatTitle({ name: "Siphon", version: "0.1.0" })).toBe("Siphon 0.1.0");
  });

  it("leaves out a missing version and trims stray spaces", () => {
    expect(formatTitle({ name: " Siphon ", version: "  " })).toBe("Siphon");
  });

  it("falls back to the product name when the name is empty", () => {
    expect(formatTitle({ name: "", version: "1.2.3" })).toBe("Siphon 1.2.3");
  });
});

describe("describeError", () => {
  it("reads the command error shape", () => {
    expect(describeError({ kind: "internal", message: "it broke" })).toBe("it broke (internal)");
  });

  it("handles plain errors and strings", () => {
    expect(describeError(new Error("no bridge"))).toBe("no bridge");
    expect(describeError("command app_info not found")).toBe("command app_info not found");
  });
});
