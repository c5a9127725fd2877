import { describe, expect, it } from "vitest";
import { forwardProblem, looksLikeAddress, newProblem, parseAddresses } from "./addresses";

describe("parseAddresses", () => {
  it("splits on commas, semicolons, new lines and spaces", () => {
    expect(parseAddresses("jo@client.test, sam@client.test;lee@client.test\nkim@client.test  ana@client.test")).toEqual([
      "jo@client.test",
      "sam@client.test",
      "lee@client.test",
      "kim@client.test",
      "ana@client.test",
    ]);
  });
  it("takes the address out of a pasted name <address>", () => {
    expect(parseAddresses("Jo Martin <jo@client.test>, \"Sam, Billing\" <sam@client.test>")).toEqual(["jo@client.test", "sam@client.test"]);
  });
  it("keeps each address once, the first spelling", () => {
    expect(parseAddresses("Jo@Client.test jo@client.test, mailto:jo@client.test")).toEqual(["Jo@Client.test"]);
  });
  it("gives nothing for blank input and trailing separators", () => {
    expect(parseAddresses("")).toEqual([]);
    expect(parseAddresses(" ,; \n")).toEqual([]);
    expect(parseAddresses("jo@client.test, ")).toEqual(["jo@client.test"]);
  });
  it("keeps what is not an address, for the check to name", () => {
    expect(parseAddresses("jo, sam@client.test")).toEqual(["jo", "sam@client.test"]);
  });
});

describe("looksLikeAddress (the engine's rule)", () => {
  it("wants one @ with something on each side", () => {
    expect(looksLikeAddress("jo@client.test")).toBe(true);
    expect(looksLikeAddress("jo")).toBe(false);
    expect(looksLikeAddress("@client.test")).toBe(false);
    expect(looksLikeAddress("jo@")).toBe(false);
    expect(looksLikeAddress("jo@a@b")).toBe(false);
  });
});

describe("forwardProblem", () => {
  it("needs an address, and only real ones", () => {
    expect(forwardProblem("  ", "")).toBe("Who is it to? Type an address in To.");
    expect(forwardProblem("jo", "")).toBe("“jo” in To is not an email address.");
    expect(forwardProblem("jo, sam", "")).toBe("“jo”, “sam” in To are not email addresses.");
  });
  it("takes an empty note but no placeholder", () => {
    expect(forwardProblem("jo@client.test", "")).toBeNull();
    expect(forwardProblem("jo@client.test", "Hi {{customer.first_name}}")).toBe("Fill in {{customer.first_name}} before sending.");
  });
});

describe("newProblem", () => {
  const ok = { account: "support", to: "sam@client.test", cc: "", subject: "Your renewal", text: "Hi Sam" };
  it("passes a complete draft", () => {
    expect(newProblem(ok)).toBeNull();
    expect(newProblem({ ...ok, cc: "lee@client.test" })).toBeNull();
  });
  it("says the first thing missing", () => {
    expect(newProblem({ ...ok, account: "" })).toBe("Choose the account it is sent from.");
    expect(newProblem({ ...ok, to: "" })).toBe("Who is it to? Type an address in To.");
    expect(newProblem({ ...ok, cc: "lee" })).toBe("“lee” in Cc is not an email address.");
    expect(newProblem({ ...ok, subject: "  " })).toBe("Give it a subject.");
    expect(newProblem({ ...ok, text: "\n" })).toBe("Write something first.");
  });
});
