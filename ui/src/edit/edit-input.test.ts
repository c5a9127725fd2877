import { describe, expect, it } from "vitest";
import { buildEdit, editOf, editTargets, tagsEdit } from "./edit-input";

describe("edit input for bulk actions", () => {
  it("leaves every other field absent", () => {
    expect(buildEdit({ field: "status", value: "closed" })).toEqual({
      edit: {
        status: "closed",
        snooze: null,
        assign: null,
        tags_add: [],
        tags_remove: [],
        kind: null,
        priority: null,
        impact: null,
        note: null,
      },
    });
  });

  it("clears with an empty string or none", () => {
    expect(buildEdit({ field: "kind", value: "" })).toEqual({ edit: editOf({ kind: "" }) });
    expect(buildEdit({ field: "priority", value: "None" })).toEqual({ edit: editOf({ priority: "" }) });
    expect(buildEdit({ field: "assign", value: " " })).toEqual({ edit: editOf({ assign: "" }) });
    expect(buildEdit({ field: "snooze", value: "" })).toEqual({ edit: editOf({ snooze: "" }) });
  });

  it("checks the closed sets", () => {
    expect(buildEdit({ field: "kind", value: "Bug" })).toEqual({ edit: editOf({ kind: "bug" }) });
    expect(buildEdit({ field: "impact", value: "must-have" })).toEqual({ edit: editOf({ impact: "must-have" }) });
    expect(buildEdit({ field: "kind", value: "feat" })).toEqual({
      error: 'kind is one of bug, feature, question, other, not "feat"',
    });
  });

  it("assigns to me or an address", () => {
    expect(buildEdit({ field: "assign", value: "ME" })).toEqual({ edit: editOf({ assign: "me" }) });
    expect(buildEdit({ field: "assign", value: "tom@acme.io" })).toEqual({ edit: editOf({ assign: "tom@acme.io" }) });
    expect("error" in buildEdit({ field: "assign", value: "tom" })).toBe(true);
  });

  it("reads tags to add and remove", () => {
    expect(tagsEdit("login, billing -spam +vip login")).toEqual({
      edit: editOf({ tags_add: ["login", "billing", "vip"], tags_remove: ["spam"] }),
    });
    expect("error" in tagsEdit(" , - ")).toBe(true);
  });

  it("keeps notes as written but refuses empty ones", () => {
    expect(buildEdit({ field: "note", value: "Called them\nback" })).toEqual({ edit: editOf({ note: "Called them\nback" }) });
    expect("error" in buildEdit({ field: "note", value: "  " })).toBe(true);
  });

  it("targets the selection, else the open ticket, else the current row", () => {
    expect(editTargets(["a", "b"], "c", "d")).toEqual(["a", "b"]);
    expect(editTargets([], "c", "d")).toEqual(["c"]);
    expect(editTargets([], null, "d")).toEqual(["d"]);
    expect(editTargets([], null, null)).toEqual([]);
  });
});
