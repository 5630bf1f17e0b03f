// Reading a thread's earlier messages a page at a time (`messages`): the server sends a conversation with its
// latest few only, and `messageCount` says how many it has. Shared by the console and the monitor.
import type { MessageView, NoteView } from "../../protocol/views.js";
import type { RequestClient } from "../effects.js";
import type { EarlierAction } from "./reducer.js";
import { earlierCount, hasEarlier } from "./selectors.js";
import type { Session } from "./state.js";

/** Messages per page: a screenful and more, so that one page fills the thread on focus. */
export const EARLIER_PAGE = 100;

/** Whether a session should ask for its next page now: earlier messages exist, none is on its way. */
export function wantsEarlier(session: Session | undefined): session is Session {
  return session !== undefined && hasEarlier(session) && !session.earlier?.loading;
}

/**
 * Ask for the page of messages just before the oldest one held (the latest of all when none is held) and merge it.
 * A refusal is kept in the session (the thread's top says it) and handed to `failed` for the status line.
 */
export async function loadEarlier(
  session: Session,
  client: RequestClient,
  dispatch: (action: EarlierAction) => void,
  failed: (text: string) => void,
): Promise<void> {
  const conversationId = session.id;
  const before = session.messages[0]?.id;
  dispatch({ type: "earlier-loading", conversationId });
  try {
    const result = await client.request({
      type: "messages",
      conversationId,
      ...(before ? { before } : {}),
      limit: EARLIER_PAGE,
    });
    dispatch({
      type: "earlier-page",
      conversationId,
      messages: (result.messages as MessageView[] | undefined) ?? [],
      more: result.more === true,
      ...(Array.isArray(result.notes) ? { notes: result.notes as NoteView[] } : {}),
    });
  } catch (error) {
    const text = `Earlier messages could not be loaded: ${(error as Error).message}. Scroll up to try again.`;
    dispatch({ type: "earlier-failed", conversationId, error: text });
    failed(text);
  }
}

/**
 * The dim line at the top of a thread while earlier messages exist and are not held; `load` says how to read them
 * where scrolling does not (the monitor's preview).
 */
export function earlierLine(session: Session, load = "scroll up to load"): string | null {
  if (!hasEarlier(session)) return null;
  const count = earlierCount(session);
  const what = count > 0 ? `${count} earlier message${count === 1 ? "" : "s"}` : "earlier messages";
  const how = session.earlier?.loading
    ? "loading…"
    : session.earlier?.error
      ? "could not load: scroll up to try again"
      : load;
  return `↑ ${what} · ${how}`;
}

/** The most a thread scrolls up: its oldest line at the bottom of the screen. */
export function threadTop(session: Session): number {
  return Math.max(0, session.messages.length + session.notes.length + (session.lines?.length ?? 0) - 1);
}

/** Whether the top of the thread is on screen (or nearly): time to read the page before it. */
export function nearThreadTop(session: Session, scroll: number, rows: number): boolean {
  const entries = session.messages.length + session.notes.length + (session.lines?.length ?? 0);
  return entries - scroll <= rows;
}
