// @vitest-environment happy-dom
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MessageBody, MessageLine, TicketPage } from "../api/bindings";
import { unfoldAll } from "../app/state";

function line(n: number): MessageLine {
  return {
    message_id: `m${n}@example.com`,
    date: `2026-11-2${n}T10:00:00Z`,
    from: n % 2 ? "Maya <maya@acme.example>" : "Ana <ana@customer.example>",
    to: ["support@acme.example"],
    subject: "Export fails",
    team: n % 2 === 1,
    automated: false,
    snippet: `Snippet of message ${n}`,
    attachments: [],
  };
}

function body(id: string): MessageBody {
  const document = `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><p>${id}</p>`;
  return { message_id: id, sender: "ana@customer.example", images_loaded: false, rendered: { document, remote_images: 0, html: false, attachments: [] } };
}

const invoke = vi.hoisted(() => vi.fn(async (_command: string, _args?: Record<string, unknown>): Promise<unknown> => null));
vi.mock("@tauri-apps/api/core", () => ({ invoke }));
invoke.mockImplementation(async (command, args) => {
  if (command === "message_body") return body(args?.messageId as string);
  throw { kind: "internal", message: `unexpected command ${command}` };
});

const { Conversation } = await import("./TicketView");

function page(count: number): TicketPage {
  const messages = Array.from({ length: count }, (_, i) => line(i));
  const first = messages[0]!.message_id;
  const last = messages[count - 1]!.message_id;
  return {
    detail: { ticket: {} as TicketPage["detail"]["ticket"], messages, notes: [], history: [], outgoing: [] },
    bodies: [...new Set([first, last])].map(body),
    others: [],
  };
}

const flush = () => act(async () => { await new Promise((r) => setTimeout(r, 0)); });
const open = (root: HTMLElement) => [...root.querySelectorAll(".message:not(.folded)")].map((m) => m.getAttribute("data-message-id"));
const folded = (root: HTMLElement) => [...root.querySelectorAll(".message.folded")].map((m) => m.getAttribute("data-message-id"));
const bodyCalls = () => invoke.mock.calls.filter(([c]) => c === "message_body").map(([, a]) => a?.messageId);

afterEach(() => {
  invoke.mockClear();
});

describe("a conversation", () => {
  it("opens with its first and latest messages and folds the ones between to a line", async () => {
    const root = document.createElement("div");
    await act(() => render(<Conversation page={page(5)} />, root));
    expect(open(root)).toEqual(["m0@example.com", "m4@example.com"]);
    expect(folded(root)).toEqual(["m1@example.com", "m2@example.com", "m3@example.com"]);
    expect(root.querySelector(".message.folded .fold-snippet")?.textContent).toBe("Snippet of message 1");
    // The open ones came with the page: no body was fetched.
    expect(bodyCalls()).toEqual([]);
    render(null, root);
  });

  it("unfolds one message on a click, fetching its body, and every message on `;`", async () => {
    const root = document.createElement("div");
    await act(() => render(<Conversation page={page(5)} />, root));
    await act(() => (root.querySelector('[data-message-id="m2@example.com"] .message-unfold') as HTMLButtonElement).click());
    await flush();
    expect(bodyCalls()).toEqual(["m2@example.com"]);
    expect(open(root)).toEqual(["m0@example.com", "m2@example.com", "m4@example.com"]);

    await act(() => {
      unfoldAll.value++;
    });
    await flush();
    expect(folded(root)).toEqual([]);
    expect(bodyCalls().sort()).toEqual(["m1@example.com", "m2@example.com", "m3@example.com"]);
    render(null, root);
  });

  it("keeps a message open when new mail makes it no longer the latest", async () => {
    const root = document.createElement("div");
    await act(() => render(<Conversation page={page(3)} />, root));
    expect(open(root)).toEqual(["m0@example.com", "m2@example.com"]);
    await act(() => render(<Conversation page={page(4)} />, root));
    expect(open(root)).toEqual(["m0@example.com", "m2@example.com", "m3@example.com"]);
    expect(folded(root)).toEqual(["m1@example.com"]);
    render(null, root);
  });

  it("shows a short thread whole", async () => {
    const root = document.createElement("div");
    await act(() => render(<Conversation page={page(2)} />, root));
    expect(open(root)).toEqual(["m0@example.com", "m1@example.com"]);
    expect(folded(root)).toEqual([]);
    render(null, root);
  });
});
