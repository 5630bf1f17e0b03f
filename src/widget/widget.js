/*
 * cc-agent chat widget: plain browser JavaScript, no dependencies, no build step.
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
(function () {
  "use strict";
  if (window.CcAgentWidget) return;

  /** SPEC PC4: an invitation the customer neither accepts nor dismisses closes after one minute. Fixed: no setting changes it. */
  const INVITATION_TIMEOUT_MS = 60000;
  const REQUEST_TIMEOUT_MS = 15000;
  const STATUS_REFRESH_MS = 20000;
  const MAX_MESSAGE_CHARS = 1000;
  const PROTOCOL_VERSION = 1;
  const CLIENT = "widget/1.0";

  const script = document.currentScript;
  const base = script && script.src ? new URL(script.src).origin : location.origin;
  const wsUrl = base.replace(/^http/, "ws") + "/ws";
  const pageSettings = Object.assign({}, window.ccAgentSettings || {});
  const startedAt = Date.now();
  const tokenKey = "cc-agent:token:" + base;
  const visitKey = "cc-agent:visited:" + base;
  const dismissedKey = "cc-agent:dismissed:" + base;

  // ---- storage (may be blocked: the widget still works, it just forgets) ---------------------------------

  function storageGet(store, key) {
    try {
      return window[store].getItem(key);
    } catch {
      return null;
    }
  }
  function storageSet(store, key, value) {
    try {
      if (value === null) window[store].removeItem(key);
      else window[store].setItem(key, value);
    } catch {
      // storage blocked
    }
  }

  // "returning" audience: this browser has been on a page with this widget before.
  const returning = storageGet("localStorage", visitKey) !== null;
  if (!returning) storageSet("localStorage", visitKey, String(startedAt));

  // ---- state ---------------------------------------------------------------------------------------------

  const state = {
    config: null,
    configError: null,
    identity: pageSettings.identity || null,
    /** A visitor's conversation token (scoped to one conversation), kept for this tab's session. */
    token: storageGet("sessionStorage", tokenKey),
    ws: null,
    generation: 0,
    welcomed: false,
    /** Welcomed at least once with the current credentials: a drop is then retried until it comes back. */
    session: false,
    reconnecting: false,
    /** The connection came in with a conversation token: it reaches that conversation only. */
    scoped: false,
    lastSeq: undefined,
    waiters: [],
    pending: new Map(),
    reqSeq: 0,
    clientSeq: 0,
    clientPrefix: Math.random().toString(36).slice(2, 10),
    reconnectDelay: 250,
    reconnectTimer: null,
    stopped: null,
    conversations: new Map(),
    current: null,
    outbox: [],
    queue: null,
    statusTimer: null,
    error: null,
    panelOpen: false,
    invitation: null,
    invitationShown: false,
    invitationIntro: null,
    ruleTimers: [],
    busy: false,
    /** A message that failed to send: sent again unchanged, it keeps its clientId, so it cannot arrive twice. */
    unsent: null,
  };

  // ---- DOM helpers: createElement and textContent only ---------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function button(className, text, label, onClick) {
    const node = el("button", className, text);
    node.type = "button";
    if (label) node.setAttribute("aria-label", label);
    node.addEventListener("click", onClick);
    return node;
  }

  const host = el("div");
  host.id = "cc-agent-widget";
  const root = host.attachShadow({ mode: "open" });
  const style = el("link");
  style.rel = "stylesheet";
  style.href = base + "/widget.css";
  root.appendChild(style);

  const launcher = button("launcher", "Chat with us", null, () => (state.panelOpen ? closePanel() : openPanel()));
  launcher.setAttribute("aria-expanded", "false");

  const invitation = el("div", "invitation");
  invitation.setAttribute("role", "dialog");
  invitation.setAttribute("aria-label", "Chat invitation");
  invitation.hidden = true;
  const invitationText = el("p", "invitation-text");
  const invitationActions = el("div", "invitation-actions");
  invitationActions.appendChild(button("primary", "Chat now", null, () => acceptInvitation()));
  invitationActions.appendChild(
    button("secondary", "No thanks", "Dismiss invitation", () => closeInvitation("dismissed")),
  );
  invitation.appendChild(invitationText);
  invitation.appendChild(invitationActions);

  const panel = el("section", "panel");
  panel.setAttribute("aria-label", "Chat");
  panel.hidden = true;
  const header = el("header", "header");
  const title = el("h2", "title", "Chat");
  header.appendChild(title);
  header.appendChild(button("icon", "\u2013", "Minimise chat", () => closePanel()));
  const statusLine = el("p", "status");
  statusLine.setAttribute("role", "status");
  const thread = el("ol", "thread");
  thread.setAttribute("role", "log");
  thread.setAttribute("aria-live", "polite");
  thread.setAttribute("aria-label", "Conversation");
  // "Alice is typing…" for a few seconds after the rep's typing frame (never stored).
  const typingLine = el("p", "typing");
  typingLine.setAttribute("aria-live", "polite");
  const errorLine = el("p", "error");
  errorLine.setAttribute("role", "alert");
  const form = el("form", "composer");
  const input = el("textarea", "input");
  input.rows = 2;
  input.maxLength = MAX_MESSAGE_CHARS;
  input.placeholder = "Type your message";
  input.setAttribute("aria-label", "Message");
  const sendButton = el("button", "primary", "Send");
  sendButton.type = "submit";
  form.appendChild(input);
  form.appendChild(sendButton);
  const actions = el("div", "actions");
  const endButton = button("secondary", "End chat", null, () => endChat());
  const newButton = button("secondary", "Start a new chat", null, () => newChat());
  actions.appendChild(endButton);
  actions.appendChild(newButton);
  panel.appendChild(header);
  panel.appendChild(statusLine);
  panel.appendChild(thread);
  panel.appendChild(typingLine);
  panel.appendChild(errorLine);
  panel.appendChild(form);
  panel.appendChild(actions);

  root.appendChild(invitation);
  root.appendChild(panel);
  root.appendChild(launcher);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  // Tell the rep the customer is typing (never what): at most one frame every 2 s, only while a rep has the chat.
  let typedAt = 0;
  input.addEventListener("input", () => {
    const entry = state.current ? state.conversations.get(state.current) : undefined;
    if (!entry || entry.view.state !== "active" || !state.ws || state.ws.readyState !== 1) return;
    if (Date.now() - typedAt < 2000) return;
    typedAt = Date.now();
    state.ws.send(JSON.stringify({ type: "typing", conversationId: state.current }));
  });
  let typingTimer = null;
  function showTyping(frame) {
    if (frame.from !== "rep" || frame.conversationId !== state.current) return;
    typingLine.textContent = (frame.name || "The agent") + " is typing…";
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => (typingLine.textContent = ""), 4000);
  }
  input.addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter adds a line break.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });

  // ---- time on page, page URL --------------------------------------------------------------------------

  function timeOnPageMs() {
    return Math.max(0, Date.now() - startedAt);
  }
  function pageUrl() {
    return location.href.split("#")[0].slice(0, 2048);
  }
  /** PC6: the context variables the rep sees with the conversation. */
  function contextVariables(extra) {
    return Object.assign(
      { pageUrl: pageUrl(), timeOnPageSeconds: String(Math.round(timeOnPageMs() / 1000)) },
      extra || {},
    );
  }

  // ---- config ------------------------------------------------------------------------------------------

  function loadConfig() {
    return fetch(base + "/widget/config", { credentials: "omit", cache: "no-store" })
      .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
      .then(({ ok, body }) => {
        if (!ok || !body || body.allowed === false) {
          state.configError = "Chat is not available on this site.";
          return;
        }
        state.config = body;
        state.configError = null;
        if (body.org) title.textContent = body.org;
      })
      .catch(() => {
        state.configError = "The chat service cannot be reached right now.";
      });
  }

  function workstream(id) {
    return state.config ? state.config.workstreams.find((w) => w.id === id) || null : null;
  }

  /** The workstream of a chat the customer starts: the page's choice, else persistent when signed in, else live. */
  function chosenWorkstream() {
    if (!state.config) return null;
    const wanted = (script && script.dataset.workstream) || pageSettings.workstream;
    if (wanted) return workstream(wanted);
    const list = state.config.workstreams;
    const persistent = list.find((w) => w.mode === "persistent");
    if (state.identity && persistent) return persistent;
    return list.find((w) => w.mode === "live") || null;
  }

  // ---- connection --------------------------------------------------------------------------------------

  function hello() {
    const frame = { type: "hello", v: PROTOCOL_VERSION, role: "customer", client: CLIENT };
    if (state.identity) frame.identity = state.identity;
    else if (state.token) frame.conversationToken = state.token;
    if (state.lastSeq !== undefined) frame.lastSeq = state.lastSeq;
    return frame;
  }

  /** Resolves once the server has welcomed us. */
  function connect() {
    if (state.welcomed) return Promise.resolve();
    if (state.stopped) return Promise.reject(new Error(state.stopped));
    const waiting = new Promise((resolve, reject) => state.waiters.push({ resolve, reject }));
    if (!state.ws) open();
    return waiting;
  }

  function open() {
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    const generation = ++state.generation;
    let ws;
    try {
      ws = new WebSocket(wsUrl);
    } catch {
      settleWaiters(new Error("The chat service cannot be reached right now."));
      return;
    }
    state.ws = ws;
    state.scoped = !state.identity && !!state.token;
    let opened = false;
    ws.addEventListener("open", () => {
      opened = true;
      ws.send(JSON.stringify(hello()));
    });
    ws.addEventListener("message", (event) => {
      if (generation !== state.generation || typeof event.data !== "string") return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      onFrame(frame);
    });
    ws.addEventListener("close", (event) => {
      if (generation !== state.generation) return;
      onClose(event.code, opened);
    });
  }

  /** Drop the connection now and come back with the current credentials (after identify, or for a new chat). */
  function reconnect() {
    state.generation++;
    if (state.ws) {
      try {
        state.ws.close(1000);
      } catch {
        // already closed
      }
    }
    state.ws = null;
    state.welcomed = false;
    state.session = false;
    state.reconnecting = false;
    state.lastSeq = undefined;
    state.stopped = null;
    failPending("The connection was reset. Please try again.");
    state.conversations.clear();
    state.current = null;
    state.queue = null;
  }

  function settleWaiters(error) {
    const waiters = state.waiters;
    state.waiters = [];
    for (const w of waiters) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }

  function failPending(message) {
    for (const [reqId, entry] of state.pending) {
      clearTimeout(entry.timer);
      entry.reject({ code: "connection/lost", message });
      state.pending.delete(reqId);
    }
  }

  function onClose(code, opened) {
    state.ws = null;
    const wasWelcomed = state.welcomed;
    state.welcomed = false;
    failPending("The connection dropped before the server answered. Please try again.");
    if (code === 4001 && state.scoped) {
      // The token does not verify any more (say, the server's data was reset): forget it, start afresh.
      rememberToken(null);
      state.session = false;
      state.lastSeq = undefined;
      state.conversations.clear();
      state.current = null;
      settleWaiters(new Error("Your earlier conversation is no longer available."));
      render();
      return;
    }
    if (code === 4001 || code === 4003 || code === 4009) {
      state.stopped =
        code === 4001
          ? "Your sign-in is no longer valid. Please reload the page."
          : "The chat cannot connect from this page.";
      showError(state.stopped);
      settleWaiters(new Error(state.stopped));
      return;
    }
    if (!opened && !wasWelcomed && !state.session) {
      // Refused before any frame (the server is down, or this page's origin is not allowed).
      settleWaiters(new Error("The chat service cannot be reached right now."));
      render();
      return;
    }
    // Dropped: come back with backoff (until it works) and resume from lastSeq.
    state.reconnecting = true;
    const delay = state.reconnectDelay * (0.75 + Math.random() * 0.5);
    state.reconnectDelay = Math.min(state.reconnectDelay * 2, 10000);
    state.reconnectTimer = setTimeout(open, delay);
    render();
  }

  function onFrame(frame) {
    if (frame.type === "welcome") {
      state.welcomed = true;
      state.session = true;
      state.reconnecting = false;
      state.reconnectDelay = 250;
      state.lastSeq = frame.seq;
      const session = frame.session || {};
      if (!state.identity && typeof session.conversationToken === "string") rememberToken(session.conversationToken);
      if (frame.mode === "snapshot" && frame.snapshot) {
        state.conversations.clear();
        for (const c of frame.snapshot.customerConversations || []) upsert(c);
        if (state.current && !state.conversations.has(state.current)) state.current = null;
      }
      if (!state.current) state.current = pickCurrent();
      settleWaiters(null);
      render();
      refreshStatus();
      return;
    }
    if (frame.type === "event") {
      if (typeof frame.seq === "number") state.lastSeq = Math.max(state.lastSeq || 0, frame.seq);
      for (const change of frame.changes || []) applyChange(change);
      render();
      refreshStatus();
      return;
    }
    if (frame.type === "typing") {
      showTyping(frame);
      return;
    }
    if (frame.type === "ack" || frame.type === "error") {
      const entry = frame.reqId ? state.pending.get(frame.reqId) : undefined;
      if (entry) {
        state.pending.delete(frame.reqId);
        clearTimeout(entry.timer);
        if (frame.type === "ack") entry.resolve(frame.result || {});
        else entry.reject({ code: frame.code, message: frame.message });
      } else if (frame.type === "error") {
        showError(frame.message);
      }
    }
  }

  function request(body) {
    return connect().then(
      () =>
        new Promise((resolve, reject) => {
          const reqId = "w" + ++state.reqSeq;
          const timer = setTimeout(() => {
            state.pending.delete(reqId);
            reject({ code: "request/timeout", message: "The server did not answer in time. Please try again." });
          }, REQUEST_TIMEOUT_MS);
          state.pending.set(reqId, { resolve, reject, timer });
          state.ws.send(JSON.stringify(Object.assign({ reqId }, body)));
        }),
    );
  }

  function rememberToken(token) {
    state.token = token;
    storageSet("sessionStorage", tokenKey, token);
  }

  // ---- conversations -----------------------------------------------------------------------------------

  function upsert(view) {
    const known = state.conversations.get(view.id);
    const entry = known || { view, messages: [] };
    entry.view = Object.assign({}, entry.view, view);
    delete entry.view.messages;
    state.conversations.set(view.id, entry);
    if (view.messages) for (const m of view.messages) addMessage(view.id, m);
  }

  function addMessage(conversationId, message) {
    const entry = state.conversations.get(conversationId);
    if (!entry || entry.messages.some((m) => m.id === message.id)) return;
    entry.messages.push(message);
    if (message.clientId) state.outbox = state.outbox.filter((o) => o.clientId !== message.clientId);
  }

  function applyChange(change) {
    if (change.kind === "customer_conversation") upsert(change.conversation);
    else if (change.kind === "message") addMessage(change.conversationId, change.message);
    else if (change.kind === "notice" && typeof change.text === "string") showError(change.text);
  }

  /** The conversation to show: the latest one still going, else the latest one. */
  function pickCurrent() {
    let best = null;
    for (const [id, entry] of state.conversations) {
      const last = entry.messages.length ? entry.messages[entry.messages.length - 1].at : 0;
      const rank = (entry.view.ended ? 0 : 1) * 1e15 + last;
      if (!best || rank >= best.rank) best = { id, rank };
    }
    return best ? best.id : null;
  }

  function currentEntry() {
    return state.current ? state.conversations.get(state.current) || null : null;
  }

  // ---- what the customer does --------------------------------------------------------------------------

  function nextClientId() {
    return state.clientPrefix + "-" + ++state.clientSeq;
  }

  function submit() {
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
    const restore = (error) => {
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
      request({ type: "send", conversationId: entry.view.id, text, clientId }).then(() => render(), restore);
      return;
    }
    const ws = chosenWorkstream();
    if (!ws) {
      restore({ message: state.configError || "Chat is not available right now." });
      return;
    }
    state.outbox.push({ clientId, text, conversationId: null });
    render();
    startConversation({ workstream: ws.id, text, clientId, context: contextVariables() }).then(() => render(), restore);
  }

  /** Start a conversation; a connection that came in with another conversation's token reconnects first. */
  function startConversation(body) {
    if (state.scoped) {
      rememberToken(null);
      reconnect();
    }
    state.busy = true;
    return request(Object.assign({ type: "start" }, body))
      .then((result) => {
        state.busy = false;
        state.current = result.conversationId;
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

  /** SPEC L12: the customer ends a live chat. */
  function endChat() {
    const entry = currentEntry();
    if (!entry || entry.view.mode !== "live" || entry.view.ended) return;
    request({ type: "end", conversationId: entry.view.id }).then(
      () => render(),
      (error) => showError(error.message),
    );
  }

  function newChat() {
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

  function refreshStatus() {
    clearTimeout(state.statusTimer);
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

  function openPanel() {
    state.panelOpen = true;
    if (state.invitation) closeInvitation("opened");
    render();
    input.focus();
    if (!state.config) loadConfig().then(render);
    // A returning customer (signed in, or with a conversation token) sees their conversation at once.
    if (state.identity || state.token) connect().catch((error) => showError(error.message));
  }

  function closePanel() {
    state.panelOpen = false;
    render();
  }

  function showError(message) {
    state.error = message || null;
    errorLine.textContent = state.error || "";
    errorLine.hidden = !state.error;
  }

  function authorLabel(message) {
    const author = message.author || {};
    if (author.role === "customer") return "You";
    if (author.role === "rep" || author.role === "supervisor") return author.name || "Agent";
    return "";
  }

  function messageNode(message, pending) {
    const role = message.author ? message.author.role : "customer";
    const item = el(
      "li",
      "message " +
        (role === "customer" ? "from-customer" : role === "system" ? "from-system" : "from-rep") +
        (pending ? " pending" : ""),
    );
    const label = authorLabel(message);
    if (label) item.appendChild(el("span", "author", label));
    item.appendChild(el("span", "text", message.text));
    if (typeof message.at === "number") {
      const time = el(
        "time",
        "time",
        new Date(message.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }),
      );
      time.dateTime = new Date(message.at).toISOString();
      item.appendChild(time);
    }
    if (pending) item.appendChild(el("span", "sending", "Sending\u2026"));
    return item;
  }

  function statusText(entry) {
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

  function render() {
    host.dataset.ready = state.config || state.configError ? "true" : "false";
    launcher.setAttribute("aria-expanded", String(state.panelOpen));
    panel.hidden = !state.panelOpen;
    invitation.hidden = !state.invitation;
    const entry = currentEntry();
    statusLine.textContent = statusText(entry);

    const nodes = [];
    if (state.invitationIntro && (!entry || entry.view.id === state.invitationIntro.conversationId)) {
      nodes.push(messageNode({ author: { role: "system" }, text: state.invitationIntro.text }, false));
    }
    if (entry) for (const m of entry.messages) nodes.push(messageNode(m, false));
    const currentId = entry ? entry.view.id : null;
    for (const o of state.outbox) {
      if (o.conversationId === currentId || o.conversationId === null)
        nodes.push(messageNode({ author: { role: "customer" }, text: o.text }, true));
    }
    const atBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 40;
    thread.replaceChildren(...nodes);
    if (atBottom) thread.scrollTop = thread.scrollHeight;

    const ended = !!entry && (entry.view.ended || entry.view.state === "closed");
    const ws = chosenWorkstream();
    const closedLive = !entry && !!ws && ws.mode === "live" && !ws.open;
    endButton.hidden = !entry || ended || entry.view.mode !== "live";
    newButton.hidden = !ended;
    input.disabled = closedLive || !!state.stopped;
    sendButton.disabled = input.disabled;
    errorLine.hidden = !state.error;
  }

  // ---- proactive invitations (PC1-PC7) -----------------------------------------------------------------

  function minutesOf(hhmm) {
    const parts = String(hhmm).split(":");
    return Number(parts[0]) * 60 + Number(parts[1]);
  }

  /** `*` matches anything; everything else literally; the whole page URL must match. */
  function urlMatches(pattern, url) {
    const regex =
      "^" +
      String(pattern)
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*") +
      "$";
    return new RegExp(regex).test(url);
  }

  /**
   * PC1, time frame: the rule's days and hours, in its own UTC offset. A frame across midnight (22:00–02:00) runs
   * from "from" on a listed day until midnight, then on the next morning until "to".
   */
  function inTimeFrame(rule, now) {
    const local = new Date(now + (rule.utcOffsetMinutes || 0) * 60000);
    const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
    const day = local.getUTCDay();
    const from = minutesOf(rule.from);
    const to = minutesOf(rule.to);
    if (from < to) return rule.days.indexOf(day) !== -1 && minute >= from && minute < to;
    if (minute >= from) return rule.days.indexOf(day) !== -1;
    return minute < to && rule.days.indexOf((day + 6) % 7) !== -1;
  }

  /** PC1, target audience. */
  function inAudience(rule) {
    if (rule.audience === "authenticated") return !!state.identity;
    if (rule.audience === "returning") return returning;
    return true;
  }

  /** A rule can invite now: audience, time frame, target location, and a workstream that can take the chat. */
  function ruleApplies(rule) {
    const ws = workstream(rule.workstream);
    if (!ws) return false;
    if (ws.mode === "persistent" && !state.identity) return false; // persistent chat needs a signed-in customer (P9)
    if (ws.mode === "live" && !ws.open) return false; // nobody to answer (P2)
    return inAudience(rule) && inTimeFrame(rule, Date.now()) && urlMatches(rule.urlPattern, pageUrl());
  }

  function dismissedRules() {
    return (storageGet("sessionStorage", dismissedKey) || "").split(",").filter(Boolean);
  }

  function hasOngoingConversation() {
    const entry = currentEntry();
    return !!entry && !entry.view.ended && entry.view.state !== "closed";
  }

  function cancelInvitations() {
    for (const timer of state.ruleTimers) clearTimeout(timer);
    state.ruleTimers = [];
  }

  /** PC1, customer journey: each rule fires once its time on page is reached. PC3: nothing when proactive is off. */
  function scheduleInvitations() {
    cancelInvitations();
    if (!state.config || !state.config.proactive || state.invitationShown) return;
    for (const rule of state.config.rules || []) {
      const wait = Math.max(0, rule.timeOnPageSeconds * 1000 - timeOnPageMs());
      state.ruleTimers.push(setTimeout(() => maybeInvite(rule), wait));
    }
  }

  function maybeInvite(rule) {
    if (state.invitation || state.invitationShown || state.panelOpen || hasOngoingConversation()) return;
    if (dismissedRules().indexOf(rule.id) !== -1 || !ruleApplies(rule)) return;
    showInvitation(rule);
  }

  /** PC4: the invitation shows, and closes itself after exactly one minute unless answered. */
  function showInvitation(rule) {
    state.invitationShown = true;
    cancelInvitations();
    invitationText.textContent = rule.message;
    const timer = setTimeout(() => closeInvitation("expired"), INVITATION_TIMEOUT_MS);
    state.invitation = { rule, timer, shownAt: Date.now() };
    render();
  }

  function closeInvitation(reason) {
    if (!state.invitation) return;
    clearTimeout(state.invitation.timer);
    const rule = state.invitation.rule;
    state.invitation = null;
    host.dataset.invitation = reason;
    if (reason === "dismissed") storageSet("sessionStorage", dismissedKey, dismissedRules().concat(rule.id).join(","));
    render();
    return rule;
  }

  /** PC5-PC7: accepting starts a conversation flagged proactive, with the page URL and time on page. */
  function acceptInvitation() {
    const invited = state.invitation;
    if (!invited) return;
    const context = contextVariables({ invitation: invited.rule.id });
    closeInvitation("accepted");
    state.invitationIntro = { text: invited.rule.message, conversationId: null };
    openPanel();
    startConversation({ workstream: invited.rule.workstream, proactive: true, context }).then(
      (result) => {
        state.invitationIntro.conversationId = result.conversationId;
        render();
      },
      (error) => {
        state.invitationIntro = null;
        showError(error.message);
        render();
      },
    );
  }

  // ---- page API ----------------------------------------------------------------------------------------

  function identify(identity) {
    state.identity = identity || null;
    state.invitationIntro = null;
    // Other credentials are another customer: start from a fresh connection.
    reconnect();
    render();
    if (state.identity || state.token) connect().catch((error) => showError(error.message));
    scheduleInvitations();
  }

  window.CcAgentWidget = Object.freeze({
    version: CLIENT,
    identify,
    open: openPanel,
    close: closePanel,
  });

  function mount() {
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
})();
