// A long thread lives in the event log, not in the server's memory: a conversation view carries its latest messages
// and their count, the rest is read a page at a time (`messages`), and a resume sends what was missed, never the
// whole thread (docs/protocol.md, "Reading a thread" and "Sequence numbers and resume").
import { beforeEach, describe, expect, it } from "vitest";
import { demoOrgFile } from "../../server/org-file.js";
import type { OrgFile } from "../../server/org-file.js";
import type { ServerFrame, Welcome } from "../../src/protocol/messages.js";
import { RECENT_MESSAGES } from "../../src/protocol/wire.js";
import { committedSeq, serverPerTest } from "../helpers/server.js";
import type { TestClient } from "../helpers/ws.js";
import { waitFor } from "../helpers/ws.js";

const THREAD = 10_000;

const fixture = serverPerTest();
const { start, connect, token, raw } = fixture;

/** The demo org, with room for one customer to write ten thousand messages in a few seconds. */
function roomyOrg(): OrgFile {
  const org = demoOrgFile({ secret: "s".repeat(32), tokens: {} });
  const bucket = { burst: 1_000_000, perSecond: 1_000_000 };
  return { ...org, limits: { ...org.limits, connection: bucket, customer: bucket } };
}

beforeEach(async () => {
  await start({ dataFile: fixture.dataFile(), org: roomyOrg() });
});

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

    const socket = await raw({ role: "rep", token: token("alice") });
    const welcome = socket.frames.find((f) => f.type === "welcome") as Welcome;
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

    const socket = await raw({ role: "rep", token: token("alice") });
    const welcome = socket.frames.find((f) => f.type === "welcome") as Welcome;
    const lastSeq = await committedSeq(fixture.server);
    await socket.close();

    for (const n of [THREAD + 1, THREAD + 2, THREAD + 3])
      await customer.request({ type: "send", conversationId, text: `line ${n}`, clientId: `k${n}` });

    const again = await raw({ role: "rep", token: token("alice"), lastSeq, epoch: welcome.epoch });
    const resumed = again.frames.find((f) => f.type === "welcome") as Welcome;
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
