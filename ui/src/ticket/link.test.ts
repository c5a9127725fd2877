import { describe, expect, it } from "vitest";
import { linkDecision, linkQuestion } from "./link";

describe("link clicks in messages", () => {
  it("offers web and mail links", () => {
    expect(linkDecision("https://example.com/reset?token=1")).toEqual({
      open: true,
      url: "https://example.com/reset?token=1",
    });
    expect(linkDecision("HTTP://Example.com")).toEqual({ open: true, url: "http://example.com/" });
    expect(linkDecision("mailto:help@acme.io?subject=Hi")).toEqual({ open: true, url: "mailto:help@acme.io?subject=Hi" });
  });

  it("refuses everything else with a reason", () => {
    for (const href of ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi", "siphon://ticket/x", "ftp://x.org/f"]) {
      const d = linkDecision(href);
      expect(d.open, href).toBe(false);
      if (!d.open) expect(d.message).toContain("only web and mail links");
    }
    expect(linkDecision("about:srcdoc#part2")).toEqual({ open: false, message: "This link points inside the message itself." });
    expect(linkDecision("")).toEqual({ open: false, message: "This link has no address." });
    expect(linkDecision("not a url").open).toBe(false);
  });

  it("asks with the real target", () => {
    expect(linkQuestion("https://evil.example/login")).toBe("Open https://evil.example/login in your browser?");
    expect(linkQuestion("mailto:a@b.c?subject=x")).toBe("Write to a@b.c in your mail app?");
  });
});
