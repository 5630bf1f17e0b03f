/*
 * cc-agent chat widget: browser TypeScript with no dependencies, bundled by esbuild (scripts/bundle.js,
 * server/widget-bundle.ts) into the one script the server serves at GET /widget.js.
 *
 *   <script src="https://chat.example.com/widget.js" defer></script>
 *
 * It talks only to the server it was loaded from (GET /widget/config, WebSocket /ws, protocol v1 as a
 * customer: docs/protocol.md) and never fetches anything else. Every text it shows, whoever wrote it (a
 * rep, the customer, the org file), goes into the page with textContent: nothing is ever parsed as HTML.
 *
 * Page API (window.CcAgentWidget):
 *   identify(identity | null)  sign the customer in with an identity your backend signed (P9), or out
 *   open(), close()            show or hide the chat panel
 * Settings before the script loads: window.ccAgentSettings = { identity, workstream }.
 * Script attributes: data-workstream="<id>" picks the workstream of chats the customer starts.
 */
import { MAX_MESSAGE_LENGTH, TYPING_INTERVAL_MS } from "../protocol/wire.js";
import { MAX_RATING_COMMENT_LENGTH } from "../protocol/vocabulary.js";
import type { TypingFrame } from "../protocol/wire.js";
import { buildElements, messageNode } from "./elements.js";
import { initials, transcript } from "./format.js";
import type { DisplayMessage } from "./format.js";
import { pageContext, widgetConfig } from "./config.js";
import { CLIENT, createConnection } from "./connection.js";
import { createConversations, hasEarlier } from "./conversations.js";
import { createEarlier } from "./earlier.js";
import { createInvitations } from "./invitations.js";
import { createRating } from "./rating.js";
import { createState } from "./state.js";
import { storageGet, storageSet } from "./storage.js";
import type { Entry, RequestError, RequestResult, SignedIdentity } from "./types.js";

const STATUS_REFRESH_MS = 20000;
const MAX_MESSAGE_CHARS = MAX_MESSAGE_LENGTH;

if (!window.CcAgentWidget) main();

function main(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  const base = script && script.src ? new URL(script.src).origin : location.origin;
  const wsUrl = base.replace(/^http/, "ws") + "/ws";
  const pageSettings = Object.assign({}, window.ccAgentSettings || {});
  const startedAt = Date.now();
  const tokenKey = "cc-agent:token:" + base;
  const visitKey = "cc-agent:visited:" + base;
  const dismissedKey = "cc-agent:dismissed:" + base;

  // "returning" audience: this browser has been on a page with this widget before.
  const returning = storageGet("localStorage", visitKey) !== null;
  if (!returning) storageSet("localStorage", visitKey, String(startedAt));

  // ---- state ---------------------------------------------------------------------------------------------

  const state = createState(
    (pageSettings.identity || null) as SignedIdentity | null,
    storageGet("sessionStorage", tokenKey),
  );

  const {
    host,
    launcher,
    unreadBadge,
    invitation,
    invitationText,
    panel,
    avatar,
    title,
    subtitle,
    statusLine,
    earlierButton,
    thread,
    typingLine,
    errorLine,
    input,
    sendButton,
    endButton,
    newButton,
    transcriptLink,
    confirmEnd,
    keepChatting,
    rating,
    scoreButtons,
    ratingComment,
    sendRatingButton,
    ratingThanks,
  } = buildElements(base, MAX_MESSAGE_CHARS, MAX_RATING_COMMENT_LENGTH, {
    openPanel: () => openPanel(),
    closePanel: () => closePanel(),
    acceptInvitation: () => acceptInvitation(),
    dismissInvitation: () => closeInvitation("dismissed"),
    askToEnd: (asking) => askToEnd(asking),
    endChat: () => endChat(),
    newChat: () => newChat(),
    prepareTranscript: () => prepareTranscript(),
    showEarlier: () => showEarlier(),
    submit: () => submit(),
    chooseScore: (score) => chooseScore(score),
    sendRating: () => sendRating(),
    skipRating: () => skipRating(),
  });
  // Tell the rep the customer is typing (never what): at most one frame per TYPING_INTERVAL_MS, only while a rep has
  // the chat.
  let typedAt = 0;
  input.addEventListener("input", () => {
    const entry = state.current ? state.conversations.get(state.current) : undefined;
    if (!entry || entry.view.state !== "active" || !state.ws || state.ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - typedAt < TYPING_INTERVAL_MS) return;
    typedAt = Date.now();
    state.ws.send(JSON.stringify({ type: "typing", conversationId: state.current }));
  });
  // Scrolled to the top of a long thread: the page before it is read (again, after a failure).
  thread.addEventListener("scroll", () => {
    if (thread.scrollTop < 40) showEarlier();
  });
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  function showTyping(frame: TypingFrame): void {
    if (frame.from !== "rep" || frame.conversationId !== state.current) return;
    typingLine.textContent = `${frame.name ?? "The agent"} is typing…`;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => (typingLine.textContent = ""), 2 * TYPING_INTERVAL_MS);
  }

  const { timeOnPageMs, pageUrl, contextVariables } = pageContext(startedAt);
  const { loadConfig, workstream, chosenWorkstream } = widgetConfig(
    state,
    base,
    () => (script && script.dataset.workstream) || pageSettings.workstream,
  );

  // ---- the connection, the conversations and their earlier messages ------------------------------------

  const { addMessage, applyChange, welcomed, currentEntry } = createConversations(state, showError);
  const { connect, reconnect, request, rememberToken } = createConnection(state, wsUrl, tokenKey, {
    welcomed,
    changes: (changes) => {
      for (const change of changes) applyChange(change);
    },
    typing: showTyping,
    updated: () => {
      render();
      refreshStatus();
    },
    render,
    showError,
  });
  const { loadEarlier, showEarlier, renderEarlier } = createEarlier({
    earlierButton,
    thread,
    request,
    addMessage,
    currentEntry,
    render,
    showError,
  });

  // ---- rating (CSAT) and proactive invitations (PC1-PC7) ---------------------------------------------------

  const { chooseScore, sendRating, skipRating, renderRating } = createRating(state, {
    elements: { rating, scoreButtons, ratingComment, sendRatingButton, ratingThanks, input },
    request,
    currentEntry,
    render,
    showError,
  });
  const { scheduleInvitations, cancelInvitations, closeInvitation, acceptInvitation } = createInvitations(state, {
    elements: { host, invitationText },
    returning,
    dismissedKey,
    workstream,
    pageUrl,
    timeOnPageMs,
    contextVariables,
    currentEntry,
    openPanel,
    startConversation,
    render,
    showError,
  });

  // ---- what the customer does --------------------------------------------------------------------------

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

  // ---- panel -------------------------------------------------------------------------------------------

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

  /** The thread as the customer sees it: the invitation's text, the messages, and what is still being sent. */
  function visibleMessages(entry: Entry | null): { message: DisplayMessage; pending: boolean }[] {
    const list: { message: DisplayMessage; pending: boolean }[] = [];
    if (state.invitationIntro && (!entry || entry.view.id === state.invitationIntro.conversationId)) {
      list.push({ message: { author: { role: "system" }, text: state.invitationIntro.text }, pending: false });
    }
    if (entry) for (const m of entry.messages) list.push({ message: m, pending: false });
    const currentId = entry ? entry.view.id : null;
    for (const o of state.outbox) {
      if (o.conversationId === currentId || o.conversationId === null)
        list.push({ message: { author: { role: "customer" }, text: o.text }, pending: true });
    }
    return list;
  }

  let transcriptUrl: string | null = null;

  /**
   * Point the link at a text file of the conversation as it is now, just before the browser follows it. A thread not
   * read whole yet is read first (every earlier page), then the link is followed again.
   */
  function prepareTranscript(): boolean {
    const entry = currentEntry();
    if (hasEarlier(entry)) {
      const readAll = (): Promise<void> =>
        loadEarlier(entry).then(() => (hasEarlier(entry) && !entry.earlier?.failed ? readAll() : undefined));
      void readAll().then(() => {
        if (!hasEarlier(entry)) transcriptLink.click();
      });
      return false;
    }
    const messages = visibleMessages(currentEntry())
      .filter((m) => !m.pending)
      .map((m) => m.message);
    const now = Date.now();
    const text = transcript(state.config ? state.config.org : "", messages, now);
    if (transcriptUrl) URL.revokeObjectURL(transcriptUrl);
    transcriptUrl = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    transcriptLink.href = transcriptUrl;
    const d = new Date(now);
    transcriptLink.download = `chat-transcript-${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}.txt`;
    return true;
  }

  function showError(message: string | null | undefined): void {
    state.error = message || null;
    errorLine.textContent = state.error || "";
    errorLine.hidden = !state.error;
  }

  function statusText(entry: Entry | null): string {
    if (state.reconnecting) return "Connection lost: reconnecting\u2026";
    const ws = chosenWorkstream();
    if (!entry) {
      if (state.configError) return state.configError;
      if (!ws) return state.config ? "Chat is not available right now." : "";
      // SPEC P2: a live chat outside operating hours says so; a persistent one still takes the message.
      if (!ws.open && ws.mode === "live") return ws.outsideHours;
      if (!ws.open) return "We are outside our opening hours. Leave your message: a rep will answer when we are open.";
      return ws.mode === "persistent"
        ? "Write to us: you can close this page and come back to your conversation."
        : "Write your question and a rep will be with you shortly.";
    }
    const view = entry.view;
    if (view.ended || view.state === "closed") return "The conversation has ended.";
    if (view.state === "active" && view.repName) return "You are chatting with " + view.repName + ".";
    if (view.mode === "live" && state.queue) {
      return (
        "You are number " + state.queue.position + " in the queue. Average wait: about " + state.queue.minutes + " min."
      );
    }
    if (view.mode === "persistent")
      return "Your conversation stays open: a rep will answer here, and you can come back to it later.";
    return "Waiting for a rep\u2026";
  }

  function renderLauncher(): void {
    launcher.hidden = state.panelOpen;
    launcher.setAttribute("aria-expanded", String(state.panelOpen));
    const unread = state.unread;
    unreadBadge.hidden = unread === 0;
    unreadBadge.textContent = unread > 9 ? "9+" : String(unread);
    launcher.setAttribute(
      "aria-label",
      unread === 0 ? "Chat with us" : `Chat with us (${unread} unread message${unread === 1 ? "" : "s"})`,
    );
  }

  function renderHeader(entry: Entry | null): void {
    const org = state.config ? state.config.org : "";
    const rep = entry && !entry.view.ended && entry.view.repName ? entry.view.repName : null;
    title.textContent = rep || org || "Chat";
    subtitle.textContent = rep ? org : "";
    subtitle.hidden = !rep || !org;
    avatar.textContent = initials(rep || org || "Chat");
    avatar.classList.toggle("rep", !!rep);
  }

  function render(): void {
    host.dataset.ready = state.config || state.configError ? "true" : "false";
    renderLauncher();
    panel.hidden = !state.panelOpen;
    invitation.hidden = !state.invitation;
    const entry = currentEntry();
    renderHeader(entry);
    statusLine.textContent = statusText(entry);

    const shown = visibleMessages(entry);
    const nodes = shown.map((m) => messageNode(m.message, m.pending));
    const atBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 40;
    thread.replaceChildren(...nodes);
    if (atBottom) thread.scrollTop = thread.scrollHeight;
    renderEarlier(entry);
    // A conversation holding fewer messages than it has reads one page as soon as it is shown.
    if (state.panelOpen && state.welcomed && hasEarlier(entry) && !entry.earlier) void loadEarlier(entry);

    const ended = !!entry && (entry.view.ended || entry.view.state === "closed");
    const ws = chosenWorkstream();
    const closedLive = !entry && !!ws && ws.mode === "live" && !ws.open;
    const canEnd = !!entry && !ended && entry.view.mode === "live";
    if (!canEnd) state.confirmingEnd = false;
    endButton.hidden = !canEnd || state.confirmingEnd;
    confirmEnd.hidden = !state.confirmingEnd;
    newButton.hidden = !ended;
    renderRating(entry, ended);
    transcriptLink.hidden = !shown.some((m) => !m.pending);
    input.disabled = closedLive || !!state.stopped;
    sendButton.disabled = input.disabled;
    errorLine.hidden = !state.error;
  }

  // ---- page API ----------------------------------------------------------------------------------------

  function identify(identity: SignedIdentity | null): void {
    state.identity = identity || null;
    state.invitationIntro = null;
    // Other credentials are another customer: start from a fresh connection.
    reconnect();
    render();
    if (state.identity || state.token) connect().catch((error: Error) => showError(error.message));
    scheduleInvitations();
  }

  window.CcAgentWidget = Object.freeze({
    version: CLIENT,
    identify,
    open: openPanel,
    close: closePanel,
  });

  function mount(): void {
    document.body.appendChild(host);
    render();
    loadConfig().then(() => {
      render();
      scheduleInvitations();
    });
    // A returning customer sees their conversation without having to ask for it (P5).
    if (state.identity || state.token) connect().catch(() => undefined);
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
}
