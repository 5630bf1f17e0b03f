// What the customer does in the panel: open and close it, send a message (or start a chat with it), end a chat, start a
// new one; and the queue status a live chat waiting for a rep shows. Each asks the server through the connection.
import { MAX_MESSAGE_LENGTH } from "../protocol/wire.js";
import type { Elements } from "./elements.js";
import type { WidgetState } from "./state.js";
import type { Entry, RequestError, RequestResult, WorkstreamConfig } from "./types.js";

const STATUS_REFRESH_MS = 20000;
const MAX_MESSAGE_CHARS = MAX_MESSAGE_LENGTH;

export interface ActionDeps {
  elements: Pick<Elements, "input" | "keepChatting" | "launcher">;
  connect(): Promise<void>;
  reconnect(): void;
  request(body: Record<string, unknown>): Promise<RequestResult>;
  rememberToken(token: string | null): void;
  currentEntry(): Entry | null;
  loadConfig(): Promise<void>;
  chosenWorkstream(): WorkstreamConfig | null;
  contextVariables(extra?: Record<string, string>): Record<string, string>;
  cancelInvitations(): void;
  closeInvitation(reason: "opened"): void;
  render(): void;
  showError(message: string | null | undefined): void;
}

export function createActions(state: WidgetState, deps: ActionDeps) {
  const { input, keepChatting, launcher } = deps.elements;
  const { connect, reconnect, request, rememberToken, currentEntry, loadConfig, chosenWorkstream } = deps;
  const { contextVariables, cancelInvitations, closeInvitation, render, showError } = deps;

  function nextClientId(): string {
    return state.clientPrefix + "-" + ++state.clientSeq;
  }

  function submit(): void {
    const text = input.value;
    if (text.trim().length === 0 || state.busy) return;
    if ([...text].length > MAX_MESSAGE_CHARS) {
      showError("A message can be at most " + MAX_MESSAGE_CHARS + " characters.");
      return;
    }
    const entry = currentEntry();
    const clientId = state.unsent && state.unsent.text === text ? state.unsent.clientId : nextClientId();
    state.unsent = null;
    input.value = "";
    showError(null);
    const restore = (error: RequestError | null): void => {
      state.outbox = state.outbox.filter((o) => o.clientId !== clientId);
      state.unsent = { text, clientId };
      // Nothing is lost: the text goes back into the composer.
      if (input.value.length === 0) input.value = text;
      showError(error && error.message ? error.message : "Your message was not sent.");
      render();
    };
    if (entry && !entry.view.ended && entry.view.state !== "closed") {
      state.outbox.push({ clientId, text, conversationId: entry.view.id });
      render();
      request({ type: "send", conversationId: entry.view.id, text, clientId }).then(
        () => render(),
        (error: RequestError) => restore(error),
      );
      return;
    }
    const ws = chosenWorkstream();
    if (!ws) {
      restore({ message: state.configError || "Chat is not available right now." });
      return;
    }
    state.outbox.push({ clientId, text, conversationId: null });
    render();
    startConversation({ workstream: ws.id, text, clientId, context: contextVariables() }).then(
      () => render(),
      (error: RequestError) => restore(error),
    );
  }

  /** Start a conversation; a connection that came in with another conversation's token reconnects first. */
  function startConversation(body: Record<string, unknown>): Promise<RequestResult> {
    if (state.scoped) {
      rememberToken(null);
      reconnect();
    }
    state.busy = true;
    return request(Object.assign({ type: "start" }, body))
      .then((result) => {
        state.busy = false;
        if (typeof result.conversationId === "string") state.current = result.conversationId;
        if (!state.identity && typeof result.conversationToken === "string") rememberToken(result.conversationToken);
        cancelInvitations();
        render();
        refreshStatus();
        return result;
      })
      .catch((error) => {
        state.busy = false;
        throw error;
      });
  }

  function askToEnd(asking: boolean): void {
    state.confirmingEnd = asking;
    render();
    // The question takes the focus on its safe answer; answered, the focus goes back to the composer.
    if (asking) keepChatting.focus();
    else input.focus();
  }

  /** SPEC L12: the customer ends a live chat (once they confirmed). */
  function endChat(): void {
    state.confirmingEnd = false;
    render();
    const entry = currentEntry();
    if (!entry || entry.view.mode !== "live" || entry.view.ended) return;
    request({ type: "end", conversationId: entry.view.id }).then(
      () => render(),
      (error: RequestError) => showError(error.message),
    );
  }

  function newChat(): void {
    if (!state.identity) {
      rememberToken(null);
      reconnect();
    } else {
      state.current = null;
    }
    showError(null);
    render();
    input.focus();
  }

  function refreshStatus(): void {
    if (state.statusTimer) clearTimeout(state.statusTimer);
    state.statusTimer = null;
    const entry = currentEntry();
    // SPEC P4: queue position and average wait for a live chat waiting in its queue; never for persistent chat.
    if (!entry || entry.view.mode !== "live" || entry.view.state !== "open" || !state.welcomed) {
      if (state.queue) {
        state.queue = null;
        render();
      }
      return;
    }
    const id = entry.view.id;
    request({ type: "status", conversationId: id }).then(
      (result) => {
        state.queue =
          state.current === id && typeof result.queuePosition === "number"
            ? { position: result.queuePosition, minutes: result.averageWaitMinutes }
            : null;
        render();
        if (state.queue) state.statusTimer = setTimeout(refreshStatus, STATUS_REFRESH_MS);
      },
      () => undefined,
    );
  }

  function openPanel(): void {
    state.panelOpen = true;
    state.unread = 0;
    if (state.invitation) closeInvitation("opened");
    render();
    input.focus();
    if (!state.config) loadConfig().then(render);
    // A returning customer (signed in, or with a conversation token) sees their conversation at once.
    if (state.identity || state.token) connect().catch((error: Error) => showError(error.message));
  }

  function closePanel(): void {
    state.panelOpen = false;
    render();
    launcher.focus();
  }

  return { submit, startConversation, askToEnd, endChat, newChat, refreshStatus, openPanel, closePanel };
}
