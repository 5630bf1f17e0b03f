// What the server and the page say about the chat: GET /widget/config and the workstream a chat starts in, and the
// page's context (its URL, the time on it) that the rep sees and the invitation rules read.
import type { WidgetState } from "./state.js";
import type { WidgetConfig, WorkstreamConfig } from "./types.js";

/** The page's URL and the time spent on it since the widget loaded. */
export function pageContext(startedAt: number) {
  function timeOnPageMs(): number {
    return Math.max(0, Date.now() - startedAt);
  }
  function pageUrl(): string {
    return (location.href.split("#")[0] ?? "").slice(0, 2048);
  }
  /** PC6: the context variables the rep sees with the conversation. */
  function contextVariables(extra?: Record<string, string>): Record<string, string> {
    return Object.assign(
      { pageUrl: pageUrl(), timeOnPageSeconds: String(Math.round(timeOnPageMs() / 1000)) },
      extra || {},
    );
  }
  return { timeOnPageMs, pageUrl, contextVariables };
}

/** The org's widget settings, read from the server the widget was loaded from (`base`). */
export function widgetConfig(state: WidgetState, base: string, wantedWorkstream: () => string | undefined) {
  function loadConfig(): Promise<void> {
    return fetch(base + "/widget/config", { credentials: "omit", cache: "no-store" })
      .then((response) => response.json().then((body: WidgetConfig | null) => ({ ok: response.ok, body })))
      .then(({ ok, body }) => {
        if (!ok || !body || body.allowed === false) {
          state.configError = "Chat is not available on this site.";
          return;
        }
        state.config = body;
        state.configError = null;
      })
      .catch(() => {
        state.configError = "The chat service cannot be reached right now.";
      });
  }

  function workstream(id: string): WorkstreamConfig | null {
    return state.config ? state.config.workstreams.find((w) => w.id === id) || null : null;
  }

  /** The workstream of a chat the customer starts: the page's choice, else persistent when signed in, else live. */
  function chosenWorkstream(): WorkstreamConfig | null {
    if (!state.config) return null;
    const wanted = wantedWorkstream();
    if (wanted) return workstream(wanted);
    const list = state.config.workstreams;
    const persistent = list.find((w) => w.mode === "persistent");
    if (state.identity && persistent) return persistent;
    return list.find((w) => w.mode === "live") || null;
  }

  return { loadConfig, workstream, chosenWorkstream };
}
