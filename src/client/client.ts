// The WebSocket client every cc-agent program uses: hello, requests answered by ack or error, events
// with their seq, and reconnection with backoff that resumes from the last seq seen.
import { EventEmitter } from "node:events";
import { WebSocket } from "ws";
import { PROTOCOL_VERSION, TYPING_INTERVAL_MS, decodeServerFrame } from "../protocol/wire.js";
import type { ClientRequest, EventFrame, Hello, ServerFrame, Welcome } from "../protocol/messages.js";

type WithoutEnvelope<T> = T extends unknown ? Omit<T, "type" | "v" | "lastSeq" | "epoch"> : never;
export type HelloFields = WithoutEnvelope<Hello>;

export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "RequestError";
  }
}

export type ConnectionState = "connecting" | "online" | "reconnecting" | "closed";

export interface ClientOptions {
  url: string;
  hello: HelloFields;
  /** Reconnect after a drop (default true). */
  reconnect?: boolean;
  /** Give up a request after this long without an answer (default 15 s). */
  requestTimeoutMs?: number;
  /** The clock typing frames are spaced by (tests pass a manual one). */
  now?: () => number;
}

type Omitted<T> = T extends unknown ? Omit<T, "reqId"> : never;
export type RequestBody = Omitted<ClientRequest>;

interface Pending {
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Outgoing {
  frame: string;
  reqId: string;
  /** Creation order: refused requests go out again in this order. */
  order: number;
}

/**
 * Events: "welcome" (Welcome), "event" (EventFrame), "typing" (TypingFrame), "state" (ConnectionState), "consoles"
 * (number: how many consoles of this user are open, this one included), "fatal" (Error: the server refused us; no
 * reconnect), "rate-limited" ({reqId, retryAfterMs}: a request refused for a rate limit, which the client sends again
 * by itself).
 */
export class CcClient extends EventEmitter {
  private ws: WebSocket | null = null;
  private pending = new Map<string, Pending>();
  private nextReq = 1;
  private attempt = 0;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Requests made while offline, or refused by a rate limit, wait here (in creation order) for their turn. */
  private outbox: Outgoing[] = [];
  /** Requests sent on the current connection and not yet answered. */
  private inFlight = new Map<string, Outgoing>();
  /** After a `protocol/rate_limited`: nothing goes out before this time, then one request at a time. */
  private limited = false;
  private resumeAt = 0;
  private pumpTimer: NodeJS.Timeout | null = null;
  lastSeq: number | undefined;
  /** The server history `lastSeq` belongs to: sent with it, so that a server with another history sends a snapshot. */
  epoch: string | undefined;
  state: ConnectionState = "connecting";
  session: Welcome["session"] | null = null;
  /** How many consoles of this user are open, this one included (rep connections; 1 until the server says). */
  consoles = 1;
  /** A visitor's conversation token (from welcome or the start ack): a reconnect goes back to that conversation. */
  private conversationToken: string | undefined;
  /** When this client last said it was typing, per conversation. */
  private readonly typedAt = new Map<string, number>();

  constructor(private readonly options: ClientOptions) {
    super();
  }

  /** Connect and resolve with the first welcome (or reject when the server refuses the hello). */
  connect(): Promise<Welcome> {
    return new Promise((resolve, reject) => {
      const onWelcome = (welcome: Welcome) => {
        this.off("fatal", onFatal);
        resolve(welcome);
      };
      const onFatal = (error: Error) => {
        this.off("welcome", onWelcome);
        reject(error);
      };
      this.once("welcome", onWelcome);
      this.once("fatal", onFatal);
      this.open();
    });
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit("state", state);
  }

  private open(): void {
    const ws = new WebSocket(this.options.url);
    this.ws = ws;
    let welcomed = false;
    let refusal: Error | null = null;
    let lastError: Error | null = null;
    ws.on("open", () => {
      const base = this.options.hello;
      // Without it a reconnecting visitor would be a new visitor, cut off from their conversation.
      const token =
        base.role === "customer" && !base.identity && this.conversationToken
          ? { conversationToken: this.conversationToken }
          : {};
      const hello = {
        type: "hello",
        v: PROTOCOL_VERSION,
        ...base,
        ...token,
        ...(this.lastSeq !== undefined ? { lastSeq: this.lastSeq } : {}),
        ...(this.lastSeq !== undefined && this.epoch !== undefined ? { epoch: this.epoch } : {}),
      };
      ws.send(JSON.stringify(hello));
    });
    ws.on("message", (data) => {
      const frame = decodeServerFrame(data.toString());
      if (!frame) return;
      if (frame.type === "welcome") {
        welcomed = true;
        this.attempt = 0;
        this.session = frame.session;
        if (frame.session.conversationToken) this.conversationToken = frame.session.conversationToken;
        // A resume's seq is ours only once its replay has ended (its last frame carries it): a cut during the
        // replay must resume from the last event we got, not skip the rest (docs/protocol.md).
        if (frame.mode === "snapshot") this.lastSeq = frame.seq;
        this.epoch = frame.epoch;
        this.setState("online");
        this.emit("welcome", frame);
        this.pump();
        return;
      }
      // A refused hello ends the client; a socket refused for a rate limit (4029) reconnects with backoff instead.
      if (frame.type === "error" && !frame.reqId && frame.code !== "protocol/rate_limited") {
        if (!welcomed) refusal = new RequestError(frame.code, frame.message);
        // Said just before a close that signs us out (docs/protocol.md, "hello"): the reason of that close.
        else lastError = new RequestError(frame.code, frame.message);
      }
      this.onFrame(frame);
    });
    ws.on("error", () => {
      // "close" follows; errors are handled there.
    });
    ws.on("close", (code) => {
      this.ws = null;
      // Requests in flight on a dropped connection get no answer: they time out, as before a reconnect.
      this.inFlight.clear();
      if (this.stopped) return this.setState("closed");
      // 4000–4099 and 4001/4003/4009 mean the server refused us: retrying would not help.
      if (code === 4000 || code === 4001 || code === 4003 || code === 4009 || refusal) {
        refusal ??= lastError;
        this.stopped = true;
        this.setState("closed");
        this.failAll(refusal ?? new RequestError("connection/refused", `The server refused the connection (${code}).`));
        this.emit(
          "fatal",
          refusal ?? new RequestError("connection/refused", `The server refused the connection (${code}).`),
        );
        return;
      }
      if (this.options.reconnect === false) {
        this.stopped = true;
        this.setState("closed");
        this.failAll(new RequestError("connection/closed", "The connection closed."));
        this.emit("fatal", new RequestError("connection/closed", "The connection closed."));
        return;
      }
      this.setState("reconnecting");
      const delay = Math.min(10_000, 250 * 2 ** this.attempt) * (0.75 + 0.5 * Math.random());
      this.attempt++;
      this.retryTimer = setTimeout(() => this.open(), delay);
    });
  }

  private onFrame(frame: ServerFrame): void {
    if (frame.type === "event") {
      if (this.lastSeq === undefined || frame.seq >= this.lastSeq) this.lastSeq = frame.seq;
      this.emit("event", frame satisfies EventFrame);
      return;
    }
    if (frame.type === "consoles") {
      this.consoles = frame.count;
      this.emit("consoles", frame.count);
      return;
    }
    if (frame.type === "typing") {
      this.emit("typing", frame);
      return;
    }
    if (frame.type === "ack" || (frame.type === "error" && frame.reqId)) {
      const sent = this.inFlight.get(frame.reqId!);
      this.inFlight.delete(frame.reqId!);
      if (frame.type === "error" && frame.code === "protocol/rate_limited" && sent) {
        this.retryLater(sent, frame.retryAfterMs);
        return;
      }
      const pending = this.pending.get(frame.reqId!);
      if (!pending) {
        this.pump();
        return;
      }
      this.pending.delete(frame.reqId!);
      clearTimeout(pending.timer);
      if (frame.type === "ack" && typeof frame.result?.conversationToken === "string")
        this.conversationToken = frame.result.conversationToken;
      if (frame.type === "ack") pending.resolve(frame.result ?? {});
      else pending.reject(new RequestError(frame.code, frame.message));
      this.pump();
      return;
    }
    if (frame.type === "error") this.emit("server-error", new RequestError(frame.code, frame.message));
  }

  /**
   * A request refused by a rate limit goes back in the outbox, in its original order, and nothing more is sent until
   * the server's `retryAfterMs` has passed and every request in flight is answered (docs/protocol.md, "Rate limits").
   */
  private retryLater(item: Outgoing, retryAfterMs: number | undefined): void {
    const index = this.outbox.findIndex((o) => o.order > item.order);
    this.outbox.splice(index === -1 ? this.outbox.length : index, 0, item);
    this.limited = true;
    this.resumeAt = Math.max(this.resumeAt, Date.now() + Math.max(0, retryAfterMs ?? 1000));
    this.emit("rate-limited", { reqId: item.reqId, retryAfterMs: retryAfterMs ?? 1000 });
    // The server is answering: waiting for our turn is not a request going unanswered.
    for (const waiting of this.outbox) this.pending.get(waiting.reqId)?.timer.refresh();
    this.pump();
  }

  /** Send what waits in the outbox: all of it normally; after a rate limit, one at a time once allowed. */
  private pump(): void {
    const ws = this.ws;
    if (!ws || this.state !== "online" || ws.readyState !== WebSocket.OPEN) return;
    if (!this.limited) {
      for (const item of this.outbox.splice(0)) this.transmit(ws, item);
      return;
    }
    if (this.inFlight.size > 0) return;
    const wait = this.resumeAt - Date.now();
    if (wait > 0) {
      if (!this.pumpTimer)
        this.pumpTimer = setTimeout(() => {
          this.pumpTimer = null;
          this.pump();
        }, wait);
      return;
    }
    const next = this.outbox.shift();
    if (next) this.transmit(ws, next);
    else this.limited = false;
  }

  private transmit(ws: WebSocket, item: Outgoing): void {
    this.inFlight.set(item.reqId, item);
    ws.send(item.frame);
  }

  private failAll(error: Error): void {
    for (const [, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
    this.outbox = [];
    this.inFlight.clear();
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = null;
  }

  /** Send a request; resolves with the ack's result, rejects with a RequestError. Queued while offline. */
  request(body: RequestBody): Promise<Record<string, unknown>> {
    if (this.stopped) return Promise.reject(new RequestError("connection/closed", "The client is closed."));
    const order = this.nextReq++;
    const reqId = `r${order}`;
    const frame = JSON.stringify({ ...body, reqId });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(reqId);
        reject(new RequestError("request/timeout", `No answer to ${body.type} in time.`));
      }, this.options.requestTimeoutMs ?? 15_000);
      timer.unref();
      this.pending.set(reqId, { resolve, reject, timer });
      this.outbox.push({ frame, reqId, order });
      this.pump();
    });
  }

  /**
   * Say "I am typing" in a conversation: at most one frame every TYPING_INTERVAL_MS per conversation, and only while
   * online (a typing frame is worth nothing later). No answer comes back. Returns whether a frame went out.
   */
  typing(conversationId: string): boolean {
    const now = (this.options.now ?? Date.now)();
    const last = this.typedAt.get(conversationId);
    if (last !== undefined && now - last < TYPING_INTERVAL_MS) return false;
    if (!this.ws || this.state !== "online" || this.ws.readyState !== WebSocket.OPEN) return false;
    this.typedAt.set(conversationId, now);
    this.ws.send(JSON.stringify({ type: "typing", conversationId }));
    return true;
  }

  /** Drop the connection as a network failure would (tests of resume). */
  dropConnection(): void {
    this.ws?.terminate();
  }

  close(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.failAll(new RequestError("connection/closed", "The client is closed."));
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) {
      this.setState("closed");
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      ws.once("close", () => resolve());
      ws.close(1000);
    });
  }
}
