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
 *
 * This file is the entry: it reads the page's settings, builds the elements and wires the parts together:
 *   state.ts          the state the parts share
 *   storage.ts        localStorage and sessionStorage, which may be blocked
 *   config.ts         GET /widget/config, the workstream a chat starts in, the page's URL and time on it
 *   connection.ts     the WebSocket: hello and resume, requests and acks, rate-limit holds, reconnect
 *   conversations.ts  the conversations and their messages as the widget holds them
 *   earlier.ts        reading a long thread's earlier messages, a page at a time
 *   actions.ts        what the customer does: send, start, end, a new chat, open and close; the queue status
 *   rating.ts         rating an ended conversation (CSAT)
 *   invitations.ts    proactive invitations (PC1-PC7)
 *   view.ts           render(): launcher, header, status, thread, buttons, errors, typing; the transcript file
 *   elements.ts, dom.ts, format.ts, rules.ts, types.ts: the DOM built once, texts, rule matching, types
 */
import { MAX_MESSAGE_LENGTH, TYPING_INTERVAL_MS } from "../protocol/wire.js";
import { MAX_RATING_COMMENT_LENGTH } from "../protocol/vocabulary.js";
import { createActions } from "./actions.js";
import { buildElements } from "./elements.js";
import { pageContext, widgetConfig } from "./config.js";
import { CLIENT, createConnection } from "./connection.js";
import { createConversations } from "./conversations.js";
import { createEarlier } from "./earlier.js";
import { createInvitations } from "./invitations.js";
import { createRating } from "./rating.js";
import { createState } from "./state.js";
import { storageGet, storageSet } from "./storage.js";
import { createView } from "./view.js";
import type { SignedIdentity } from "./types.js";

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

  const elements = buildElements(base, MAX_MESSAGE_LENGTH, MAX_RATING_COMMENT_LENGTH, {
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
  const { host, invitationText, launcher, earlierButton, thread, input, keepChatting } = elements;
  const { rating, scoreButtons, ratingComment, sendRatingButton, ratingThanks } = elements;
  // Tell the rep the customer is typing (never what): at most one frame per TYPING_INTERVAL_MS, only while a rep has
  // the chat.
  let typedAt = 0;
  input.addEventListener("input", () => {
    const entry = state.current ? state.conversations.get(state.current) : undefined;
    if (!entry || entry.view.state !== "active") return;
    if (Date.now() - typedAt < TYPING_INTERVAL_MS) return;
    if (tell({ type: "typing", conversationId: state.current })) typedAt = Date.now();
  });
  // Scrolled to the top of a long thread: the page before it is read (again, after a failure).
  thread.addEventListener("scroll", () => {
    if (thread.scrollTop < 40) showEarlier();
  });
  const { timeOnPageMs, pageUrl, contextVariables } = pageContext(startedAt);
  const { loadConfig, workstream, chosenWorkstream } = widgetConfig(
    state,
    base,
    () => (script && script.dataset.workstream) || pageSettings.workstream,
  );

  // ---- rendering -----------------------------------------------------------------------------------------

  const { render, showError, showTyping, prepareTranscript } = createView(state, {
    elements,
    chosenWorkstream,
    currentEntry: () => currentEntry(),
    loadEarlier: (entry) => loadEarlier(entry),
    renderEarlier: (entry) => renderEarlier(entry),
    renderRating: (entry, ended) => renderRating(entry, ended),
  });

  // ---- the connection, the conversations and their earlier messages ------------------------------------

  const { addMessage, applyChange, welcomed, currentEntry } = createConversations(state, showError);
  const { connect, reconnect, request, tell, rememberToken } = createConnection(state, wsUrl, tokenKey, {
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

  // ---- what the customer does ------------------------------------------------------------------------------

  const { submit, startConversation, askToEnd, endChat, newChat, refreshStatus, openPanel, closePanel } = createActions(
    state,
    {
      elements: { input, keepChatting, launcher },
      connect,
      reconnect,
      request,
      rememberToken,
      currentEntry,
      loadConfig,
      chosenWorkstream,
      contextVariables,
      cancelInvitations: () => cancelInvitations(),
      closeInvitation: (reason) => closeInvitation(reason),
      render,
      showError,
    },
  );

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
