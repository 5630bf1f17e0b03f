// A long thread's earlier messages: the widget holds the latest ones, and reads the pages before them (one at a time)
// when the customer scrolls up, asks for them, or saves the transcript.
import type { MessageView } from "../protocol/views.js";
import { hasEarlier } from "./conversations.js";
import type { Entry, RequestResult } from "./types.js";

/** Messages per page of a long thread's earlier messages. */
const EARLIER_PAGE = 100;

export interface EarlierDeps {
  earlierButton: HTMLButtonElement;
  thread: HTMLElement;
  request(body: Record<string, unknown>): Promise<RequestResult>;
  addMessage(conversationId: string, message: MessageView): void;
  currentEntry(): Entry | null;
  render(): void;
  showError(message: string): void;
}

export function createEarlier(deps: EarlierDeps) {
  const { earlierButton, thread } = deps;
  const earlierInFlight = new WeakMap<Entry, Promise<void>>();

  /** Read the page before the oldest message held; the thread stays on the message the customer was reading. */
  function loadEarlier(entry: Entry): Promise<void> {
    // A page on its way is the one to wait for: never a second request, never a loop that does not wait.
    const inFlight = earlierInFlight.get(entry);
    if (inFlight) return inFlight;
    const more = entry.earlier ? entry.earlier.more : true;
    entry.earlier = { loading: true, more, failed: false };
    const before = entry.messages[0]?.id;
    renderEarlier(entry);
    const page = deps
      .request({
        type: "messages",
        conversationId: entry.view.id,
        limit: EARLIER_PAGE,
        ...(before ? { before } : {}),
      })
      .then(
        (result) => {
          const fromBottom = thread.scrollHeight - thread.scrollTop;
          for (const m of (result.messages as MessageView[] | undefined) || []) deps.addMessage(entry.view.id, m);
          entry.earlier = { loading: false, more: result.more === true, failed: false };
          deps.render();
          thread.scrollTop = thread.scrollHeight - fromBottom;
        },
        (error: { message?: string }) => {
          entry.earlier = { loading: false, more, failed: true };
          deps.showError(`Earlier messages could not be loaded: ${error.message || "please try again"}.`);
          deps.render();
        },
      );
    earlierInFlight.set(entry, page);
    return page.finally(() => earlierInFlight.delete(entry));
  }

  function showEarlier(): void {
    const entry = deps.currentEntry();
    if (hasEarlier(entry)) void loadEarlier(entry);
  }

  function renderEarlier(entry: Entry | null): void {
    earlierButton.hidden = !hasEarlier(entry);
    const loading = !!entry?.earlier?.loading;
    earlierButton.textContent = loading ? "Loading earlier messages\u2026" : "Show earlier messages";
    earlierButton.setAttribute("aria-busy", String(loading));
  }

  return { loadEarlier, showEarlier, renderEarlier };
}
