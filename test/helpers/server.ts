// Helpers shared by the server tests: temp dirs, refusals with their message, raw sockets for frames a
// well-behaved client never sends, what conversations a client was told about, and a supervisor observing it all.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocket } from "ws";
import type { RawData } from "ws";
import { RequestError } from "../../src/client/client.js";
import type { RequestBody } from "../../src/client/client.js";
import { PROTOCOL_VERSION } from "../../src/protocol/messages.js";
import type { EventFrame, ServerFrame, Welcome } from "../../src/protocol/messages.js";
import type { Change, MessageView } from "../../src/protocol/views.js";
import { startServer } from "../../server/start-server.js";
import type { RunningServer, ServerOptions } from "../../server/start-server.js";
import { afterEach } from "vitest";
import { TestClient, waitFor } from "./ws.js";

/** A server a test starts, and the clients it connects to it: closed after each test (serverPerTest). */
export interface ServerPerTest {
  /** Start this test's server: port 0, nothing written to disk unless `options` say otherwise. */
  start(options?: ServerOptions): Promise<RunningServer>;
  /** The server this test started. */
  readonly server: RunningServer;
  /** A client that says hello (and is closed after the test). */
  connect(hello: ConstructorParameters<typeof TestClient>[1], options?: { reconnect?: boolean }): Promise<TestClient>;
  /** A rep's or supervisor's client, signed in with their token. */
  staff(id: string, options?: { reconnect?: boolean }): Promise<TestClient>;
  /** A user's token in the running org. */
  token(id: string): string;
  /**
   * A raw socket to the server (closed after the test). Given a hello's fields, it has sent
   * `{ type: "hello", v: PROTOCOL_VERSION, ...hello }` and been sent its welcome; without, it has said nothing.
   */
  raw(hello?: Record<string, unknown>): Promise<RawSocket>;
  /** A client or raw socket made elsewhere, closed after the test like the others. */
  track<T extends { close(): Promise<void> }>(closable: T): T;
  /** A data file in a fresh temp dir, removed after the test once its server is closed. */
  dataFile(): string;
}

/** Call at the top of a test file: every test starts its own server, and what it started is closed after it. */
export function serverPerTest(): ServerPerTest {
  let running: RunningServer | null = null;
  const opened: { close(): Promise<void> }[] = [];
  const dirs: { remove(): void }[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((c) => c.close()));
    await running?.close();
    running = null;
    for (const dir of dirs.splice(0)) dir.remove();
  });
  const fixture: ServerPerTest = {
    async start(options = {}) {
      running = await startServer({ port: 0, dataFile: null, ...options });
      return running;
    },
    get server() {
      if (!running) throw new Error("no server started in this test");
      return running;
    },
    async connect(hello, options = {}) {
      const client = fixture.track(new TestClient(fixture.server.url, hello, options));
      return client.connect();
    },
    staff(id, options) {
      const user = fixture.server.org.users.find((u) => u.id === id);
      if (!user) throw new Error(`no user ${id} in the org`);
      return fixture.connect({ role: user.role, token: user.token }, options);
    },
    token(id) {
      const user = fixture.server.org.users.find((u) => u.id === id);
      if (!user) throw new Error(`no user ${id} in the org`);
      return user.token;
    },
    async raw(hello) {
      const socket = fixture.track(await RawSocket.open(fixture.server.url));
      if (!hello) return socket;
      socket.sendJson({ type: "hello", v: PROTOCOL_VERSION, ...hello });
      await socket.waitForFrame((f) => f.type === "welcome", 0, "the welcome");
      return socket;
    },
    track(closable) {
      opened.push(closable);
      return closable;
    },
    dataFile() {
      const dir = tempDir();
      dirs.push(dir);
      return join(dir.dir, "cc.db");
    },
  };
  return fixture;
}

/** A fresh temp dir and its cleanup. */
export function tempDir(prefix = "cc-agent-test-"): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The error code and human message a request was refused with (fails if it succeeded). */
export async function refusal(client: TestClient, body: RequestBody): Promise<{ code: string; message: string }> {
  try {
    await client.request(body);
  } catch (error) {
    if (error instanceof RequestError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error(`expected ${body.type} to be refused`);
}

/** Every conversation id a change mentions. */
export function conversationIdsOf(change: Change): string[] {
  switch (change.kind) {
    case "conversation":
    case "customer_conversation":
      return [change.conversation.id];
    case "message":
    case "note":
    case "offer_ended":
    case "gone":
      return [change.conversationId];
    case "offer":
      return [change.offer.conversationId];
    case "notice":
      return change.conversationId ? [change.conversationId] : [];
    case "user":
    case "org":
      return [];
  }
}

/** Every conversation id a client heard of, in its welcome snapshots and its events. */
export function conversationsHeardOf(client: TestClient): Set<string> {
  const ids = new Set<string>();
  for (const welcome of client.welcomes) {
    for (const c of welcome.snapshot?.conversations ?? []) ids.add(c.id);
    for (const c of welcome.snapshot?.customerConversations ?? []) ids.add(c.id);
    for (const o of welcome.snapshot?.offers ?? []) ids.add(o.conversationId);
  }
  for (const frame of client.events)
    for (const change of frame.changes) for (const id of conversationIdsOf(change)) ids.add(id);
  return ids;
}

/** How many times each message id reached a client in event frames (alone, or inside a whole conversation). */
export function messageDeliveries(frames: readonly EventFrame[]): {
  single: Map<string, number>;
  inWhole: Map<string, number>;
} {
  const single = new Map<string, number>();
  const inWhole = new Map<string, number>();
  const bump = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1);
  for (const frame of frames) {
    for (const change of frame.changes) {
      if (change.kind === "message") bump(single, change.message.id);
      if ((change.kind === "conversation" || change.kind === "customer_conversation") && change.conversation.messages) {
        for (const m of change.conversation.messages) bump(inWhole, m.id);
      }
    }
  }
  return { single, inWhole };
}

/** A bare WebSocket that records every frame and how it closed: for frames CcClient would never send. */
export class RawSocket {
  readonly frames: ServerFrame[] = [];
  closed: { code: number; reason: string } | null = null;
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: RawData) => this.frames.push(JSON.parse(data.toString()) as ServerFrame));
    ws.on("close", (code, reason) => (this.closed = { code, reason: reason.toString() }));
    ws.on("error", () => {
      // "close" follows.
    });
  }

  static async open(url: string): Promise<RawSocket> {
    const ws = new WebSocket(url);
    const socket = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return socket;
  }

  send(data: string | Buffer): void {
    this.ws.send(data);
  }

  sendJson(frame: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The next frame matching `check` that arrived after `from` frames. */
  waitForFrame(check: (frame: ServerFrame) => boolean, from = 0, what = "a frame"): Promise<ServerFrame> {
    return waitFor(() => this.frames.slice(from).find(check), what);
  }

  /** The error frame answering `reqId` (or the next error without one, when reqId is undefined). */
  waitForError(reqId: string | undefined, from = 0): Promise<Extract<ServerFrame, { type: "error" }>> {
    return waitFor(
      () =>
        this.frames
          .slice(from)
          .find((f): f is Extract<ServerFrame, { type: "error" }> => f.type === "error" && f.reqId === reqId),
      `an error${reqId ? ` for ${reqId}` : ""}`,
    );
  }

  waitForClose(): Promise<{ code: number; reason: string }> {
    return waitFor(() => this.closed, "the socket to close");
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once("close", () => resolve());
      this.ws.terminate();
    });
  }
}

/**
 * A supervisor watching the whole contact centre: server tests read the state from what it is sent (users and
 * their presence, every conversation with its thread as staff see it), never from the server's memory. Call
 * `synced()` before reading what an earlier command or timer changed.
 */
export async function observe(server: RunningServer, supervisorId?: string): Promise<TestClient> {
  const supervisor = server.org.users.find((u) => u.role === "supervisor" && (!supervisorId || u.id === supervisorId));
  if (!supervisor) throw new Error("the org has no supervisor to observe with");
  return new TestClient(server.url, { role: "supervisor", token: supervisor.token }).connect();
}

/** What `GET /healthz` says: status, seq, conversations, connections, … */
export async function healthz(server: RunningServer): Promise<Record<string, unknown>> {
  return (await (await fetch(`${server.httpUrl}/healthz`)).json()) as Record<string, unknown>;
}

/** Resolve once the server says, on /healthz, that it holds `count` connections. */
export async function connectionsAre(server: RunningServer, count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await healthz(server)).connections !== count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} connections`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The server's last committed seq, as /healthz says it. */
export async function committedSeq(server: RunningServer): Promise<number> {
  return (await healthz(server)).seq as number;
}

/** The committed events about one conversation, in order, read by a supervisor with `events` (the first page). */
export async function eventsAbout(
  supervisor: TestClient,
  conversationId: string,
): Promise<{ seq: number; type: string; [key: string]: unknown }[]> {
  const { events } = (await supervisor.request({ type: "events", fromSeq: 1 })) as {
    events: { seq: number; type: string; conversationId?: string; [key: string]: unknown }[];
  };
  return events.filter((e) => e.conversationId === conversationId);
}

/** What a supervisor connecting now is sent: the org, users, and every conversation not Closed, with its last messages. */
export async function monitorSnapshot(server: RunningServer): Promise<NonNullable<Welcome["snapshot"]>> {
  const client = await observe(server);
  try {
    return client.welcome!.snapshot!;
  } finally {
    await client.close();
  }
}

/** A conversation's whole stored thread, oldest first, as a supervisor reads it page by page (`messages`). */
export async function storedThread(server: RunningServer, conversationId: string): Promise<MessageView[]> {
  const client = await observe(server);
  try {
    return await client.thread(conversationId);
  } finally {
    await client.close();
  }
}
