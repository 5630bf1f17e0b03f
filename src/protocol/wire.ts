// The zod-free part of protocol v1: constants, server frames and their decoding. Clients import this
// rather than messages.ts, so that starting the console does not load the validation schemas.
import type { Change, Snapshot } from "./views.js";

export const PROTOCOL_VERSION = 1;
/** Largest frame the server accepts, in bytes. */
export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_MESSAGE_LENGTH = 1000;
/** At most one typing frame per conversation and direction this often (the server drops the rest). */
export const TYPING_INTERVAL_MS = 2000;

/** WebSocket close codes the server uses (4000–4999 are the application's). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  tooBig: 1009,
  badHello: 4000,
  unauthorized: 4001,
  forbidden: 4003,
  helloTimeout: 4008,
  versionMismatch: 4009,
  replaced: 4010,
  slowConsumer: 4013,
} as const;

export interface Welcome {
  type: "welcome";
  v: number;
  /** Current event seq: resume from here after a reconnect. */
  seq: number;
  session: {
    role: "rep" | "supervisor" | "customer";
    userId: string | null;
    name: string | null;
    /** Customers: keep it to reconnect to the same conversation. */
    conversationToken?: string;
  };
  /** "snapshot": `snapshot` is the whole view; "resume": missed events follow as `event` frames. */
  mode: "snapshot" | "resume";
  snapshot: Snapshot | null;
  serverTime: number;
}

export interface Ack {
  type: "ack";
  reqId: string;
  result?: Record<string, unknown>;
}

export interface ErrorFrame {
  type: "error";
  reqId?: string;
  code: string;
  message: string;
}

export interface EventFrame {
  type: "event";
  seq: number;
  at: number;
  changes: Change[];
}

/** The other side is typing in a conversation (never what). Transient: no seq, never stored or replayed. */
export interface TypingFrame {
  type: "typing";
  conversationId: string;
  /** Who types: the customer (to staff), or a rep or supervisor (to the customer, with their name). */
  from: "customer" | "rep";
  name?: string;
}

export type ServerFrame = Welcome | Ack | ErrorFrame | EventFrame | TypingFrame;

/** Decode a server frame on the client. Servers are trusted for shape; this only checks the envelope. */
export function decodeServerFrame(raw: string): ServerFrame | null {
  try {
    const json = JSON.parse(raw) as { type?: unknown };
    if (
      json &&
      (json.type === "welcome" ||
        json.type === "ack" ||
        json.type === "error" ||
        json.type === "event" ||
        json.type === "typing")
    )
      return json as ServerFrame;
  } catch {
    // fall through
  }
  return null;
}
