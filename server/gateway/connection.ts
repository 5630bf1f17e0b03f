// A client's connection as the gateway holds it, and the small helpers its handling shares.
import { createHash } from "node:crypto";
import type { WebSocket } from "ws";
import type { Actor } from "../core/model.js";
import type { HistoryAnswer } from "../core/history.js";
import { givenViews } from "../core/changes.js";
import type { GivenViews, Seen } from "../core/changes.js";
import type { Viewer } from "../core/viewer.js";
import type { Admittance } from "../rate-limit.js";
import type { StoredEvent } from "../store/store.js";
import type { ErrorFrame, Hello, ServerFrame } from "../../src/protocol/messages.js";

/** An answer owed to a client: sent once it is known and every answer before it was sent. */
export interface Answer {
  frame: ServerFrame | null;
  /** A read, taken from the replica when its turn comes (so it sees what the requests before it did). */
  read: (() => ServerFrame) | null;
}

export interface Connection {
  ws: WebSocket;
  id: number;
  role: "rep" | "supervisor" | "customer" | null;
  viewer: Viewer | null;
  actor: Actor | null;
  userId: string | null;
  /** Conversations this client has been sent in full. */
  seen: SeenConversations;
  alive: boolean;
  /** Closes the connection if no hello comes in time; dropped once one has. */
  helloTimer: NodeJS.Timeout | null;
  /** A customer's signed identity from their hello, for the conversations they start. */
  signedIdentity: Extract<Hello, { role: "customer" }>["identity"];
  /** Its rate limits (server/rate-limit.ts). */
  admittance: Admittance;
  /** A `why` is being answered: it folds the log, so one at a time per connection. */
  whyUnderWay: boolean;
  /** The last event fanned out to its audience that this connection was among (the gateway's count of them). */
  fannedOut: number;
  /** The hash of the token a rep or supervisor signed in with: a reloaded org that replaces it signs them out. */
  tokenHash: Buffer | null;
  /** Sent its welcome: until then it is sent no events, and its frames wait (`held`). */
  welcomed: boolean;
  /** Frames that came while its welcome was being read from the store, handled in order once it is sent. */
  held: string[] | null;
  /** Answers owed, in the order of the requests. */
  answers: Answer[];
}

export function tokenHash(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

/** Every event of an iteration, in an array. */
export async function collect(events: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

export function errorFrame(reqId: string | undefined, code: string, message: string): ErrorFrame {
  return reqId ? { type: "error", reqId, code, message } : { type: "error", code, message };
}

/** A read answered by the core: its value as the ack's result, or its refusal. */
export function answerFrame<T>(
  reqId: string,
  answer: HistoryAnswer<T>,
  result: (value: T) => Record<string, unknown>,
): ServerFrame {
  return answer.ok
    ? { type: "ack", reqId, result: result(answer.value) }
    : errorFrame(reqId, answer.error.code, answer.error.message);
}

/**
 * The connections of each user or customer: a list of exactly their number (almost always one), replaced when one
 * comes or goes. A Set per customer would cost each connected customer ~300 bytes more.
 */
export type ConnectionIndex = Map<string, readonly Connection[]>;

export function index(map: ConnectionIndex, key: string, connection: Connection): void {
  const list = map.get(key);
  if (!list) map.set(key, [connection]);
  else if (!list.includes(connection)) map.set(key, [...list, connection]);
}

/** The connection leaves the key's list; the list leaves the map with its last connection. */
export function unindex(map: ConnectionIndex, key: string, connection: Connection): void {
  const list = map.get(key);
  if (!list?.includes(connection)) return;
  if (list.length === 1) map.delete(key);
  else
    map.set(
      key,
      list.filter((c) => c !== connection),
    );
}

/** A text frame's bytes as a string (ws hands over one Buffer, fragments, or an ArrayBuffer). */
export function textOf(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.from(data).toString("utf8");
}

/**
 * The conversations a client has been sent in full. A customer's connection holds one, kept as its id: a Set for it
 * would cost each connected customer ~150 bytes of hash table. From the second on they are a Set.
 */
export class SeenConversations implements Seen {
  #one: string | undefined;
  #many: Set<string> | undefined;

  has(id: string): boolean {
    return this.#many === undefined ? this.#one === id : this.#many.has(id);
  }

  add(id: string): void {
    if (this.#many !== undefined) this.#many.add(id);
    else if (this.#one === undefined) this.#one = id;
    else if (this.#one !== id) {
      this.#many = new Set([this.#one, id]);
      this.#one = undefined;
    }
  }

  delete(id: string): void {
    if (this.#many !== undefined) this.#many.delete(id);
    else if (this.#one === id) this.#one = undefined;
  }
}

/**
 * The views each connection was given in the batch of events being fanned out (core/changes.ts GivenViews): every
 * view of a batch is built from the state after all of it, so a connection is given each one once per batch.
 */
export class BatchViews implements GivenViews {
  readonly #given = new Map<Connection, GivenViews>();
  #connection: Connection | null = null;

  /** The views given to `connection` (for the changesFor call that follows: nothing is held between calls). */
  to(connection: Connection): this {
    this.#connection = connection;
    return this;
  }

  again(kind: "conversation" | "user", id: string): boolean {
    const connection = this.#connection;
    if (connection === null) return false;
    let given = this.#given.get(connection);
    if (given === undefined) {
      given = givenViews();
      this.#given.set(connection, given);
    }
    return given.again(kind, id);
  }

  /** The batch is fanned out: the next one starts with nothing given. */
  end(): void {
    this.#given.clear();
    this.#connection = null;
  }
}
