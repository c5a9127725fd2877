/**
 * What a click on a link inside a message does. Nothing navigates inside the app: a web or mail
 * link is offered to the system browser after the person saw the real target; anything else
 * (file:, javascript:, data:, custom schemes, links within the message) is refused with a reason.
 */

export type LinkDecision = { open: true; url: string } | { open: false; message: string };

const ALLOWED = ["http:", "https:", "mailto:"];

export function linkDecision(href: string | null | undefined): LinkDecision {
  const raw = (href ?? "").trim();
  if (!raw) return { open: false, message: "This link has no address." };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { open: false, message: `Siphon opens only web and mail links, not “${raw}”.` };
  }
  if (!ALLOWED.includes(url.protocol)) {
    if (url.protocol === "about:") return { open: false, message: "This link points inside the message itself." };
    return { open: false, message: `Siphon opens only web and mail links, not “${raw}”.` };
  }
  return { open: true, url: url.protocol === "mailto:" ? raw : url.href };
}

/** The question the confirm dialog asks. */
export function linkQuestion(url: string): string {
  return url.toLowerCase().startsWith("mailto:")
    ? `Write to ${url.slice(7).split("?")[0]} in your mail app?`
    : `Open ${url} in your browser?`;
}
