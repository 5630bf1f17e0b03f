// A long thread lives in the event log, not in the server's memory: a conversation view carries its latest messages
// and their count, the rest is read a page at a time (`messages`), and a resume sends what was missed, never the
// whole thread (docs/protocol.md, "Reading a thread" and "Sequence numbers and resume").
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { startServer } from "../../server/start-server.js";
import type { RunningServer } from "../../server/start-server.js";
import { demoOrgFile } from "../../server/org-file.js";
import type { OrgFile } from "../../server/org-file.js";
import { PROTOCOL_VERSION } from "../../src/protocol/messages.js";
import type { ServerFrame, Welcome } from "../../src/protocol/messages.js";
import { RECENT_MESSAGES } from "../../src/protocol/wire.js";
import { RawSocket, committedSeq, tempDir } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const THREAD = 10_000;

let tmp: ReturnType<typeof tempDir>;
let server: RunningServer | null = null;
const clients: TestClient[] = [];
const sockets: RawSocket[] = [];

/** The demo org, with room for one customer to write ten thousand messages in a few seconds. */
function roomyOrg(): OrgFile {
  const org = demoOrgFile({ secret: "s".repeat(32), tokens: {} });
  const bucket = { burst: 1_000_000, perSecond: 1_000_000 };
  return { ...org, limits: { ...org.limits, connection: bucket, customer: bucket } };
}

beforeEach(async () => {
  tmp = tempDir();
  server = await startServer({ port: 0, dataFile: join(tmp.dir, "cc.db"), org: roomyOrg() });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await server?.close();
  server = null;
  tmp.remove();
});

async function connect(hello: ConstructorParameters<typeof TestClient>[1]): Promise<TestClient> {
  const client = await new TestClient(server!.url, hello).connect();
  clients.push(client);
  return client;
}

function token(id: string): string {
  return server!.org.users.find((u) => u.id === id)!.token;
}

/** A live chat of `count` customer messages ("line 1" … ), accepted by Alice, who was sent every one live. */
async function longChat(count: number): Promise<{ alice: TestClient; customer: TestClient; conversationId: string }> {
  const alice = await connect({ role: "rep", token: token("alice") });
  await alice.request({ type: "presence", presence: "available" });
  const customer = await connect({ role: "customer" });
  const started = await customer.request({ type: "start", workstream: "live", text: "line 1", clientId: "k1" });
  const conversationId = started.conversationId as string;
  await alice.request({ type: "accept", offerId: (await alice.waitForOffer(conversationId)).id });
  for (let from = 2; from <= count; from += 1000) {
    const sends: Promise<unknown>[] = [];
    for (let n = from; n < Math.min(from + 1000, count + 1); n++)
      sends.push(customer.request({ type: "send", conversationId, text: `line ${n}`, clientId: `k${n}` }));
    await Promise.all(sends);
  }
  await waitFor(() => alice.messages.get(conversationId)?.length === count, `Alice holding ${count} messages`, 30_000);
  return { alice, customer, conversationId };
}

const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);

describe("a thread of 10,000 messages", () => {
  it("SPEC S1: opened in a second console, it comes with its latest messages and count; every page reads back the whole thread, in order, once", async () => {
    const { conversationId } = await longChat(THREAD);

    const socket = await RawSocket.open(server!.url);
    sockets.push(socket);
    socket.sendJson({ type: "hello", v: PROTOCOL_VERSION, role: "rep", token: token("alice") });
    const welcome = (await socket.waitForFrame((f) => f.type === "welcome", 0, "welcome")) as Welcome;
    const view = welcome.snapshot!.conversations.find((c) => c.id === conversationId)!;
    expect(view.messageCount).toBe(THREAD);
    expect(view.messages!.map((m) => m.text)).toEqual(lines(THREAD - RECENT_MESSAGES + 1, THREAD));
    // What went over the wire: the welcome, not the thread (10,000 messages would be ~1 MB).
    expect(JSON.stringify(welcome).length).toBeLessThan(20_000);

    const second = await connect({ role: "rep", token: token("alice") });
    const first = (await second.request({ type: "messages", conversationId })) as {
      messages: { text: string }[];
      more: boolean;
    };
    expect(first.messages.map((m) => m.text)).toEqual(lines(THREAD - 99, THREAD));
    expect(first.more).toBe(true);
    const thread = await second.thread(conversationId);
    expect(thread.map((m) => m.text)).toEqual(lines(1, THREAD));
    expect(new Set(thread.map((m) => m.id)).size).toBe(THREAD);
  }, 60_000);

  it("SPEC S1: resumed after a disconnect, it gets the messages it missed and nothing else; the whole thread is still there", async () => {
    const { customer, conversationId } = await longChat(THREAD);

    const socket = await RawSocket.open(server!.url);
    sockets.push(socket);
    socket.sendJson({ type: "hello", v: PROTOCOL_VERSION, role: "rep", token: token("alice") });
    const welcome = (await socket.waitForFrame((f) => f.type === "welcome", 0, "welcome")) as Welcome;
    const lastSeq = await committedSeq(server!);
    await socket.close();

    for (const n of [THREAD + 1, THREAD + 2, THREAD + 3])
      await customer.request({ type: "send", conversationId, text: `line ${n}`, clientId: `k${n}` });

    const again = await RawSocket.open(server!.url);
    sockets.push(again);
    again.sendJson({
      type: "hello",
      v: PROTOCOL_VERSION,
      role: "rep",
      token: token("alice"),
      lastSeq,
      epoch: welcome.epoch,
    });
    const resumed = (await again.waitForFrame((f) => f.type === "welcome", 0, "welcome")) as Welcome;
    expect(resumed.mode).toBe("resume");
    // Frames come in order: once this request is answered, every replayed event is in.
    again.sendJson({ type: "targets", reqId: "probe" });
    await again.waitForFrame((f) => f.type === "ack" && f.reqId === "probe", 0, "the probe");
    const replayed = again.frames.flatMap((f: ServerFrame) => (f.type === "event" ? f.changes : []));
    const texts = replayed.flatMap((c) => (c.kind === "message" ? [c.message.text] : []));
    expect(texts).toEqual(lines(THREAD + 1, THREAD + 3));
    for (const change of replayed)
      if (change.kind === "conversation") expect(change.conversation.messages).toBeUndefined();
    expect(JSON.stringify(again.frames).length).toBeLessThan(20_000);

    const reader = await connect({ role: "rep", token: token("alice") });
    expect((await reader.thread(conversationId)).map((m) => m.text)).toEqual(lines(1, THREAD + 3));
  }, 60_000);
});

describe("who may read a thread", () => {
  it("SPEC S1 P8: its customer and its rep may; another rep and another customer are told it does not exist", async () => {
    const { alice, customer, conversationId } = await longChat(12);
    expect((await customer.thread(conversationId, 5)).map((m) => m.text)).toEqual(lines(1, 12));
    expect((await alice.thread(conversationId, 5)).map((m) => m.text)).toEqual(lines(1, 12));
    const bob = await connect({ role: "rep", token: token("bob") });
    expect(await bob.refused({ type: "messages", conversationId })).toBe("conversation/not_found");
    const stranger = await connect({ role: "customer" });
    expect(await stranger.refused({ type: "messages", conversationId })).toBe("conversation/not_found");
    expect(await alice.refused({ type: "messages", conversationId, before: "not-a-message" })).toBe("protocol/invalid");
  });
});
