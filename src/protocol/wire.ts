// The zod-free part of protocol v1: constants, server frames and their decoding. Clients import this
// rather than messages.ts, so that starting the console does not load the validation schemas.
import type { Change, Snapshot, SystemMessageCode } from "./views.js";

export const PROTOCOL_VERSION = 1;
/** Largest frame the server accepts, in bytes. */
export const MAX_FRAME_BYTES = 64 * 1024;

/** The most events one `events` request is answered with. */
export const MAX_EVENTS_PAGE = 1000;

/**
 * A conversation view sent whole (a snapshot, first sight) carries its latest messages, at most this many; the rest
 * of the thread stays in the server's store and is read with the `messages` request.
 */
export const RECENT_MESSAGES = 3;

/** The most messages one `messages` request answers, and how many it answers when it names no `limit`. */
export const MAX_MESSAGES_PAGE = 200;
export const MESSAGES_PAGE = 100;
export { MAX_MESSAGE_LENGTH } from "./vocabulary.js";
/** At most one typing frame per conversation and direction this often (the server drops the rest). */
export const TYPING_INTERVAL_MS = 2000;

/** The system messages after which a conversation is over for its customer (the customer's clients stop there). */
export const ENDING_MESSAGE_CODES: ReadonlySet<SystemMessageCode> = new Set<SystemMessageCode>([
  "ended",
  "customer_ended",
  "force_closed",
  "waiting_expired",
]);

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
  rateLimited: 4029,
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
  /**
   * The id of the server's event history. A `seq` means something only with its epoch: send both to resume. A new
   * epoch (another data file, a restored backup) means the seqs you hold belong to another history.
   */
  epoch: string;
  /** "snapshot": `snapshot` is the whole view; "resume": missed events follow as `event` frames. */
  mode: "snapshot" | "resume";
  /** Why a resume the hello asked for (it sent `lastSeq`) got a snapshot instead; absent otherwise. */
  snapshotReason?: SnapshotReason;
  snapshot: Snapshot | null;
  serverTime: number;
}

/**
 * "epoch": the `lastSeq` belongs to another history (or the hello sent no epoch); "ahead": it is beyond the server's
 * seq; "too_far_back": more events were missed than a resume replays; "missing_events": the server no longer has
 * every event after it; "closed": a customer's missed events touch a conversation their snapshot leaves out.
 */
export type SnapshotReason = "epoch" | "ahead" | "too_far_back" | "missing_events" | "closed";

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
  /** `protocol/rate_limited`: wait this many milliseconds, then send the refused request again. */
  retryAfterMs?: number;
}

export interface EventFrame {
  type: "event";
  seq: number;
  at: number;
  changes: Change[];
}

/**
 * How many consoles (connections with role "rep") the user of this console has open, this one included. Sent to
 * each of them right after the welcome and whenever the number changes: a console says when another is open.
 */
export interface Consoles {
  type: "consoles";
  count: number;
}

/** The other side is typing in a conversation (never what). Transient: no seq, never stored or replayed. */
export interface TypingFrame {
  type: "typing";
  conversationId: string;
  /** Who types: the customer (to staff), or a rep or supervisor (to the customer, with their name). */
  from: "customer" | "rep";
  name?: string;
}

export type ServerFrame = Welcome | Ack | ErrorFrame | EventFrame | Consoles | TypingFrame;

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
        json.type === "consoles" ||
        json.type === "typing")
    )
      return json as ServerFrame;
  } catch {
    // fall through
  }
  return null;
}
