// Rate limits over a real WebSocket: a flood is refused with `protocol/rate_limited` and when to retry, and not
// stored; the limits come from the org file; sockets without hello are capped per address; and the bundled client
// backs off and sends again, so that a burst larger than the bucket is delivered whole, once, in order.
import { describe, expect, it } from "vitest";
import { demoOrgFile } from "../../server/org-file.js";
import type { OrgFile } from "../../server/org-file.js";
import { DEFAULT_LIMITS } from "../../server/rate-limit.js";
import type { Limits } from "../../server/rate-limit.js";
import { signIdentity } from "../../src/protocol/identity.js";
import { CloseCode, PROTOCOL_VERSION } from "../../src/protocol/messages.js";
import type { Ack, ErrorFrame, ServerFrame } from "../../src/protocol/messages.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { observe, serverPerTest } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const fixture = serverPerTest();
const { start, connect, token, raw, track } = fixture;

function orgWith(limits: Partial<Limits>): OrgFile {
  const org = demoOrgFile({ secret: "ab".repeat(32), tokens: {} });
  return { ...org, limits: { ...DEFAULT_LIMITS, ...limits } };
}

const answered = (frames: ServerFrame[], reqId: string) =>
  frames.find((f) => (f.type === "ack" || f.type === "error") && f.reqId === reqId);

function isRateLimited(frame: ServerFrame | undefined): frame is ErrorFrame {
  return frame?.type === "error" && frame.code === "protocol/rate_limited";
}

/** A conversation's thread as the server holds it: what a supervisor connecting now is sent. */
async function thread(conversationId: string) {
  const supervisor = track(await observe(fixture.server));
  return supervisor.thread(conversationId);
}

async function storedMessages(conversationId: string): Promise<string[]> {
  return (await thread(conversationId)).filter((m) => m.author.role === "customer").map((m) => m.text);
}

describe("a flood", () => {
  it("one visitor's 2,000 messages at once: the customer bucket's burst is stored, the rest refused with when to retry", async () => {
    const clock = new ManualClock(Date.parse("2026-03-04T10:00:00Z"));
    await start({ clock });
    const visitor = await raw({ role: "customer" });
    visitor.sendJson({ type: "start", reqId: "s", workstream: "live", text: "m0" });
    const ack = await visitor.waitForFrame((f) => f.type === "ack" && f.reqId === "s", 0, "the start ack");
    const conversationId = (ack as Ack).result!.conversationId as string;
    const from = visitor.frames.length;
    const FLOOD = 2000;
    for (let i = 1; i <= FLOOD; i++)
      visitor.sendJson({ type: "send", reqId: `m${i}`, conversationId, text: `m${i}`, clientId: `c${i}` });
    await waitFor(() => answered(visitor.frames, `m${FLOOD}`), "the last answer", 15_000);
    const answers = visitor.frames.slice(from);
    // Exactly one answer per request.
    expect(answers.filter((f) => f.type === "ack" || f.type === "error")).toHaveLength(FLOOD);
    // The clock does not move: the customer's bucket (40 by default, the start took one) is all that gets through,
    // in order, and everything after the first refusal is refused.
    const burst = DEFAULT_LIMITS.customer.burst;
    for (let i = 1; i < burst; i++) expect(answered(answers, `m${i}`)?.type, `m${i}`).toBe("ack");
    for (let i = burst; i <= FLOOD; i++) expect(isRateLimited(answered(answers, `m${i}`)), `m${i}`).toBe(true);
    const refusal = answered(answers, `m${burst}`) as ErrorFrame;
    expect(refusal).toEqual({
      type: "error",
      reqId: `m${burst}`,
      code: "protocol/rate_limited",
      message: "Too many requests: retry in 200 ms.",
      retryAfterMs: 200, // one token at 5 a second
    });
    expect(await storedMessages(conversationId)).toEqual(Array.from({ length: burst }, (_, i) => `m${i}`));
    expect(visitor.closed).toBeNull();

    // Before the wait is over, still refused (with what is left of it); after it, accepted again.
    clock.advance(150);
    visitor.sendJson({ type: "send", reqId: "early", conversationId, text: "early", clientId: "early" });
    expect(await visitor.waitForError("early")).toMatchObject({ code: "protocol/rate_limited", retryAfterMs: 50 });
    clock.advance(50);
    visitor.sendJson({ type: "send", reqId: "late", conversationId, text: "late", clientId: "late" });
    await visitor.waitForFrame((f) => f.type === "ack" && f.reqId === "late", 0, "the ack after waiting");
    expect((await storedMessages(conversationId)).at(-1)).toBe("late");
  });

  it("an identified customer's bucket is shared by all their connections; a rep's connection has its own", async () => {
    const clock = new ManualClock(Date.parse("2026-03-04T10:00:00Z"));
    await start({
      clock,
      org: orgWith({ customer: { burst: 3, perSecond: 1 }, connection: { burst: 5, perSecond: 1 } }),
    });
    const identity = signIdentity(fixture.server.org.secret, { id: "cust-7", name: "Kenny Smith" });
    const first = await raw({ role: "customer", identity });
    const second = await raw({ role: "customer", identity });
    for (const [socket, reqId] of [
      [first, "a"],
      [second, "b"],
      [first, "c"],
      [second, "d"],
    ] as const)
      socket.sendJson({ type: "status", reqId, conversationId: "nope" });
    expect(await first.waitForError("a")).toMatchObject({ code: "conversation/not_found" });
    expect(await second.waitForError("b")).toMatchObject({ code: "conversation/not_found" });
    expect(await first.waitForError("c")).toMatchObject({ code: "conversation/not_found" });
    expect(await second.waitForError("d")).toMatchObject({ code: "protocol/rate_limited", retryAfterMs: 1000 });

    // A rep: the hello took one of five tokens; four requests pass, the fifth is refused.
    const rep = await raw({ role: "rep", token: token("alice") });
    for (let i = 1; i <= 5; i++) rep.sendJson({ type: "targets", reqId: `t${i}` });
    await waitFor(() => answered(rep.frames, "t5"), "the fifth answer");
    expect([1, 2, 3, 4].map((i) => answered(rep.frames, `t${i}`)?.type)).toEqual(["ack", "ack", "ack", "ack"]);
    expect(isRateLimited(answered(rep.frames, "t5"))).toBe(true);
  });

  it("frames of any kind count: garbage and binary frames are refused once the bucket is empty", async () => {
    const clock = new ManualClock(Date.parse("2026-03-04T10:00:00Z"));
    await start({ clock, org: orgWith({ connection: { burst: 3, perSecond: 1 } }) });
    const socket = await raw();
    socket.send("{not json");
    socket.send(Buffer.from("binary"));
    socket.sendJson({ type: "presence", reqId: "p1", presence: "available" });
    socket.sendJson({ type: "presence", reqId: "p2", presence: "available" });
    expect(await socket.waitForError("p1")).toMatchObject({ code: "protocol/not_ready" });
    expect(await socket.waitForError("p2")).toMatchObject({ code: "protocol/rate_limited", retryAfterMs: 1000 });
    // Even a hello waits its turn.
    socket.sendJson({ type: "hello", v: PROTOCOL_VERSION, role: "rep", token: token("alice") });
    expect(await socket.waitForError(undefined, 3)).toMatchObject({ code: "protocol/rate_limited" });
    clock.advance(1000);
    socket.sendJson({ type: "hello", v: PROTOCOL_VERSION, role: "rep", token: token("alice") });
    await socket.waitForFrame((f) => f.type === "welcome", 0, "welcome");
  });
});

describe("sockets without hello", () => {
  it("are capped per remote address: one over the cap is told to retry and closed with 4029; the client comes back", async () => {
    await start({ org: orgWith({ unauthenticatedPerAddress: 3 }) });
    const silent = [await raw(), await raw(), await raw()];
    const refused = await raw();
    expect(await refused.waitForError(undefined)).toEqual({
      type: "error",
      code: "protocol/rate_limited",
      message: "Too many connections from your address are waiting to sign in. Retry later.",
      retryAfterMs: 1000,
    });
    expect((await refused.waitForClose()).code).toBe(CloseCode.rateLimited);

    // One says hello: it no longer counts, and a new socket is let in.
    silent[0]!.sendJson({ type: "hello", v: PROTOCOL_VERSION, role: "rep", token: token("alice") });
    await silent[0]!.waitForFrame((f) => f.type === "welcome", 0, "welcome");
    const admitted = await raw();
    admitted.sendJson({ type: "hello", v: PROTOCOL_VERSION, role: "customer" });
    await admitted.waitForFrame((f) => f.type === "welcome", 0, "welcome");

    // The cap is full again (two silent ones and this one): the bundled client is refused, does not give up, and
    // gets in by itself once a silent socket goes away.
    const third = await raw();
    const bob = track(new TestClient(fixture.server.url, { role: "rep", token: token("bob") }, { reconnect: true }));
    const states: string[] = [];
    bob.client.on("state", (state: string) => states.push(state));
    const connected = bob.connect();
    await waitFor(() => states.includes("reconnecting"), "the client to be refused and retry");
    await Promise.all([silent[1]!.close(), silent[2]!.close(), third.close()]);
    await connected;
    expect(bob.welcome?.session.userId).toBe("bob");
  });
});

describe("the bundled client", () => {
  it("a burst three times the bucket, through the real client: every message delivered exactly once, in order", async () => {
    await start({
      org: orgWith({ customer: { burst: 20, perSecond: 200 }, connection: { burst: 20, perSecond: 200 } }),
    });
    const alice = await connect({ role: "rep", token: token("alice") });
    await alice.request({ type: "presence", presence: "available" });
    const customer = await connect({ role: "customer" });
    const started = await customer.request({ type: "start", workstream: "live", text: "hello" });
    const conversationId = started.conversationId as string;
    const offer = await alice.waitForOffer(conversationId);
    await alice.request({ type: "accept", offerId: offer.id });

    let refusals = 0;
    customer.client.on("rate-limited", () => refusals++);
    alice.client.on("rate-limited", () => refusals++);
    // A paste split into 60 messages, sent at once by the customer; and the rep answers 60 at once too.
    const N = 60;
    const texts = Array.from({ length: N }, (_, i) => `line ${i + 1}`);
    const replies = Array.from({ length: N }, (_, i) => `reply ${i + 1}`);
    const acks = await Promise.all([
      ...texts.map((text, i) => customer.request({ type: "send", conversationId, text, clientId: `k${i}` })),
      ...replies.map((text, i) => alice.request({ type: "send", conversationId, text, clientId: `a${i}` })),
    ]);
    expect(acks.every((a) => typeof a.messageId === "string" && a.duplicate === undefined)).toBe(true);
    expect(refusals).toBeGreaterThan(0);

    const stored = await thread(conversationId);
    expect(stored.filter((m) => m.author.role === "customer").map((m) => m.text)).toEqual(["hello", ...texts]);
    expect(stored.filter((m) => m.author.role === "rep").map((m) => m.text)).toEqual(replies);
    // What each side saw: every message once, in order.
    await alice.waitForText(conversationId, `line ${N}`);
    await customer.waitForText(conversationId, `reply ${N}`);
    expect(alice.texts(conversationId).filter((t) => t.startsWith("line "))).toEqual(texts);
    expect(customer.texts(conversationId).filter((t) => t.startsWith("reply "))).toEqual(replies);
    expect(customer.texts(conversationId).filter((t) => t.startsWith("line "))).toEqual(texts);
  });

  it("the default limits leave a rep's and a customer's ordinary bursts alone", async () => {
    await start();
    const alice = await connect({ role: "rep", token: token("alice") });
    await alice.request({ type: "presence", presence: "available" });
    const customer = await connect({ role: "customer" });
    let refusals = 0;
    customer.client.on("rate-limited", () => refusals++);
    alice.client.on("rate-limited", () => refusals++);
    const started = await customer.request({ type: "start", workstream: "live", text: "hello" });
    const conversationId = started.conversationId as string;
    const offer = await alice.waitForOffer(conversationId);
    await alice.request({ type: "accept", offerId: offer.id });
    // Ten quick lines from the customer, a rep's console starting up and answering ten lines in a row.
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => customer.request({ type: "send", conversationId, text: `q${i}` })),
      alice.request({ type: "targets" }),
      alice.request({ type: "open_items" }),
      ...Array.from({ length: 10 }, (_, i) => alice.request({ type: "send", conversationId, text: `a${i}` })),
    ]);
    expect(refusals).toBe(0);
  });
});
