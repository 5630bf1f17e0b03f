// The connection to the server (WebSocket /ws, protocol v1 as a customer): hello and resume, requests with their acks,
// timeouts and rate-limit holds, and coming back after a drop. The rest of the widget asks request(body) and hears of
// welcomes, events and typing through the hooks, so that nothing else handles the socket.
import { CloseCode, PROTOCOL_VERSION } from "../protocol/wire.js";
import type { Change, CustomerConversationView } from "../protocol/views.js";
import type { ServerFrame, TypingFrame, Welcome } from "../protocol/wire.js";
import type { WidgetState } from "./state.js";
import { storageSet } from "./storage.js";
import type { Pending, RequestResult } from "./types.js";

export const CLIENT = "widget/1.0";
const REQUEST_TIMEOUT_MS = 15000;

/** What the connection tells the rest of the widget. */
export interface ConnectionHooks {
  /** Welcomed, with a snapshot's conversations (they replace those held) or none (a resume): one to show is picked. */
  welcomed(snapshot: CustomerConversationView[] | null): void;
  changes(changes: Change[]): void;
  typing(frame: TypingFrame): void;
  /** The state changed: render, and read the queue status again. */
  updated(): void;
  render(): void;
  showError(message: string): void;
}

export function createConnection(state: WidgetState, wsUrl: string, tokenKey: string, hooks: ConnectionHooks) {
  function hello(): Record<string, unknown> {
    const frame: Record<string, unknown> = { type: "hello", v: PROTOCOL_VERSION, role: "customer", client: CLIENT };
    if (state.identity) frame.identity = state.identity;
    else if (state.token) frame.conversationToken = state.token;
    if (state.lastSeq !== undefined) frame.lastSeq = state.lastSeq;
    if (state.lastSeq !== undefined && state.epoch) frame.epoch = state.epoch;
    return frame;
  }

  /** Resolves once the server has welcomed us. */
  function connect(): Promise<void> {
    if (state.welcomed) return Promise.resolve();
    if (state.stopped) return Promise.reject(new Error(state.stopped));
    const waiting = new Promise<void>((resolve, reject) => state.waiters.push({ resolve, reject }));
    if (!state.ws) open();
    return waiting;
  }

  function open(): void {
    if (state.reconnectTimer) clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    const generation = ++state.generation;
    let ws: WebSocket;
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
      let frame: ServerFrame;
      try {
        frame = JSON.parse(event.data) as ServerFrame;
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
  function reconnect(): void {
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

  function settleWaiters(error: Error | null): void {
    const waiters = state.waiters;
    state.waiters = [];
    for (const w of waiters) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }

  function failPending(message: string): void {
    state.held = [];
    if (state.heldTimer) clearTimeout(state.heldTimer);
    state.heldTimer = null;
    for (const [reqId, entry] of state.pending) {
      clearTimeout(entry.timer);
      entry.reject({ code: "connection/lost", message });
      state.pending.delete(reqId);
    }
  }

  function onClose(code: number, opened: boolean): void {
    state.ws = null;
    const wasWelcomed = state.welcomed;
    state.welcomed = false;
    failPending("The connection dropped before the server answered. Please try again.");
    if (code === CloseCode.unauthorized && state.scoped) {
      // The token does not verify any more (say, the server's data was reset): forget it, start afresh.
      rememberToken(null);
      state.session = false;
      state.lastSeq = undefined;
      state.conversations.clear();
      state.current = null;
      settleWaiters(new Error("Your earlier conversation is no longer available."));
      hooks.render();
      return;
    }
    if (code === CloseCode.unauthorized || code === CloseCode.forbidden || code === CloseCode.versionMismatch) {
      state.stopped =
        code === CloseCode.unauthorized
          ? "Your sign-in is no longer valid. Please reload the page."
          : "The chat cannot connect from this page.";
      hooks.showError(state.stopped);
      settleWaiters(new Error(state.stopped));
      return;
    }
    if (!opened && !wasWelcomed && !state.session) {
      // Refused before any frame (the server is down, or this page's origin is not allowed).
      settleWaiters(new Error("The chat service cannot be reached right now."));
      hooks.render();
      return;
    }
    // Dropped: come back with backoff (until it works) and resume from lastSeq.
    state.reconnecting = true;
    const delay = state.reconnectDelay * (0.75 + Math.random() * 0.5);
    state.reconnectDelay = Math.min(state.reconnectDelay * 2, 10000);
    state.reconnectTimer = setTimeout(open, delay);
    hooks.render();
  }

  function onFrame(frame: ServerFrame): void {
    if (frame.type === "welcome") onWelcome(frame);
    else if (frame.type === "event") {
      if (typeof frame.seq === "number") state.lastSeq = Math.max(state.lastSeq || 0, frame.seq);
      hooks.changes(frame.changes || []);
      hooks.updated();
    } else if (frame.type === "typing") hooks.typing(frame);
    else if (frame.type === "ack" || frame.type === "error") {
      const entry = frame.reqId ? state.pending.get(frame.reqId) : undefined;
      if (entry && frame.type === "error" && frame.code === "protocol/rate_limited") {
        hold(entry, frame.retryAfterMs ?? 1000);
      } else if (entry && frame.reqId) {
        state.pending.delete(frame.reqId);
        clearTimeout(entry.timer);
        if (frame.type === "ack") entry.resolve(frame.result || {});
        else entry.reject({ code: frame.code, message: frame.message });
      } else if (frame.type === "error") {
        hooks.showError(frame.message);
      }
    }
  }

  function onWelcome(frame: Welcome): void {
    state.welcomed = true;
    state.session = true;
    state.reconnecting = false;
    state.reconnectDelay = 250;
    // A resume's seq is ours only once its replay has ended (its last event frame carries it), so that a cut during
    // the replay resumes from the last event received.
    if (frame.mode === "snapshot") state.lastSeq = frame.seq;
    state.epoch = frame.epoch;
    const session: Partial<Welcome["session"]> = frame.session || {};
    if (!state.identity && typeof session.conversationToken === "string") rememberToken(session.conversationToken);
    hooks.welcomed(frame.mode === "snapshot" && frame.snapshot ? frame.snapshot.customerConversations || [] : null);
    settleWaiters(null);
    hooks.updated();
  }

  function request(body: Record<string, unknown>): Promise<RequestResult> {
    return connect().then(
      () =>
        new Promise<RequestResult>((resolve, reject) => {
          const reqId = "w" + ++state.reqSeq;
          const arm = (): ReturnType<typeof setTimeout> =>
            setTimeout(() => {
              state.pending.delete(reqId);
              reject({ code: "request/timeout", message: "The server did not answer in time. Please try again." });
            }, REQUEST_TIMEOUT_MS);
          const entry: Pending = {
            resolve,
            reject,
            timer: arm(),
            arm,
            n: state.reqSeq,
            frame: JSON.stringify(Object.assign({ reqId }, body)),
          };
          state.pending.set(reqId, entry);
          if (!state.ws) {
            clearTimeout(entry.timer);
            state.pending.delete(reqId);
            reject({ code: "connection/lost", message: "The connection dropped. Please try again." });
            return;
          }
          // While refused requests wait for their turn, later ones wait behind them.
          if (state.held.length > 0) state.held.push(entry);
          else state.ws.send(entry.frame);
        }),
    );
  }

  /** Over the server's rate limit: send it again, in order, when the server says (docs/protocol.md, "Rate limits"). */
  function hold(entry: Pending, retryAfterMs: number): void {
    clearTimeout(entry.timer);
    entry.timer = entry.arm();
    const at = state.held.findIndex((h) => h.n > entry.n);
    state.held.splice(at === -1 ? state.held.length : at, 0, entry);
    if (state.heldTimer) clearTimeout(state.heldTimer);
    state.heldTimer = setTimeout(() => {
      state.heldTimer = null;
      const held = state.held.splice(0);
      if (state.ws && state.welcomed) for (const h of held) state.ws.send(h.frame);
    }, retryAfterMs);
  }

  /**
   * A frame that needs no answer and is worth nothing later (typing): sent now if the server has welcomed us, else
   * dropped. Returns whether it was sent.
   */
  function tell(body: Record<string, unknown>): boolean {
    if (!state.ws || !state.welcomed || state.ws.readyState !== WebSocket.OPEN) return false;
    state.ws.send(JSON.stringify(body));
    return true;
  }

  /** The visitor's conversation token, kept for this tab's session (sessionStorage) while it is in use. */
  function rememberToken(token: string | null): void {
    state.token = token;
    storageSet("sessionStorage", tokenKey, token);
  }

  return { connect, reconnect, request, tell, rememberToken };
}
