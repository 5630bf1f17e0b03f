// The WebSocket client every cc-agent program uses: hello, requests answered by ack or error, events
// with their seq, and reconnection with backoff that resumes from the last seq seen.
import { EventEmitter } from "node:events";
import { WebSocket } from "ws";
import { PROTOCOL_VERSION, TYPING_INTERVAL_MS, decodeServerFrame } from "../protocol/wire.js";
import type { ClientRequest, EventFrame, Hello, ServerFrame, Welcome } from "../protocol/messages.js";

type WithoutEnvelope<T> = T extends unknown ? Omit<T, "type" | "v" | "lastSeq"> : never;
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

/**
 * Events: "welcome" (Welcome), "event" (EventFrame), "typing" (TypingFrame), "state" (ConnectionState), "fatal"
 * (Error: the server refused us; no reconnect).
 */
export class CcClient extends EventEmitter {
  private ws: WebSocket | null = null;
  private pending = new Map<string, Pending>();
  private nextReq = 1;
  private attempt = 0;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Requests made while offline wait here and go out once back online. */
  private outbox: { frame: string; reqId: string }[] = [];
  lastSeq: number | undefined;
  state: ConnectionState = "connecting";
  session: Welcome["session"] | null = null;
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
        this.lastSeq = frame.seq;
        this.setState("online");
        this.emit("welcome", frame);
        for (const item of this.outbox.splice(0)) ws.send(item.frame);
        return;
      }
      if (!welcomed && frame.type === "error" && !frame.reqId) refusal = new RequestError(frame.code, frame.message);
      this.onFrame(frame);
    });
    ws.on("error", () => {
      // "close" follows; errors are handled there.
    });
    ws.on("close", (code) => {
      this.ws = null;
      if (this.stopped) return this.setState("closed");
      // 4000–4099 and 4001/4003/4009 mean the server refused us: retrying would not help.
      if (code === 4000 || code === 4001 || code === 4003 || code === 4009 || refusal) {
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
    if (frame.type === "typing") {
      this.emit("typing", frame);
      return;
    }
    if (frame.type === "ack" || (frame.type === "error" && frame.reqId)) {
      const pending = this.pending.get(frame.reqId!);
      if (!pending) return;
      this.pending.delete(frame.reqId!);
      clearTimeout(pending.timer);
      if (frame.type === "ack" && typeof frame.result?.conversationToken === "string")
        this.conversationToken = frame.result.conversationToken;
      if (frame.type === "ack") pending.resolve(frame.result ?? {});
      else pending.reject(new RequestError(frame.code, frame.message));
      return;
    }
    if (frame.type === "error") this.emit("server-error", new RequestError(frame.code, frame.message));
  }

  private failAll(error: Error): void {
    for (const [, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
    this.outbox = [];
  }

  /** Send a request; resolves with the ack's result, rejects with a RequestError. Queued while offline. */
  request(body: RequestBody): Promise<Record<string, unknown>> {
    if (this.stopped) return Promise.reject(new RequestError("connection/closed", "The client is closed."));
    const reqId = `r${this.nextReq++}`;
    const frame = JSON.stringify({ ...body, reqId });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(reqId);
        reject(new RequestError("request/timeout", `No answer to ${body.type} in time.`));
      }, this.options.requestTimeoutMs ?? 15_000);
      timer.unref();
      this.pending.set(reqId, { resolve, reject, timer });
      if (this.ws && this.state === "online" && this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
      else this.outbox.push({ frame, reqId });
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
