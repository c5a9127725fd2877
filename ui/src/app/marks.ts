/**
 * Signals for the end-to-end tests and the benchmark: `data-ready` on <html> once the first
 * list has painted, and performance marks at the moments a person would notice.
 */

let listPainted = false;

/** Called after the browser painted a list's first rows (or its emptiness). */
export function markListPainted(isQuery: boolean): void {
  if (!listPainted) {
    listPainted = true;
    performance.mark("siphon:list-painted");
    document.documentElement.dataset.ready = "1";
  }
  if (isQuery) performance.mark("siphon:results-shown");
}

/** The ticket's page (detail and message bodies) arrived from the shell; painting follows. */
export function markTicketData(): void {
  performance.mark("siphon:ticket-data");
}

/** The ticket view with its page is in the document (its frames start loading). */
export function markTicketRendered(): void {
  performance.mark("siphon:ticket-rendered");
}

/** Every message's frame of the open ticket has loaded and been sized. */
export function markTicketFrames(): void {
  performance.mark("siphon:ticket-frames");
}

export function markTicketShown(): void {
  performance.mark("siphon:ticket-shown");
}

/** The first-run screen is up: nothing to wait for (no list). */
export function markWelcomeReady(): void {
  document.documentElement.dataset.ready = "1";
}
