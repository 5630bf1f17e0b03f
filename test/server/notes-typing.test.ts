// Over real WebSockets: a note never reaches the customer's socket (live, on resume from seq 0, in a snapshot), and
// typing frames are relayed at most once per conversation and direction every TYPING_INTERVAL_MS (issue 14).
import { describe, expect, it } from "vitest";
import { demoOrgFile } from "../../server/org-file.js";
import { DEFAULT_LIMITS } from "../../server/rate-limit.js";
import { TYPING_INTERVAL_MS } from "../../src/protocol/messages.js";
import type { ServerFrame, TypingFrame } from "../../src/protocol/messages.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { serverPerTest } from "../helpers/server.js";
import type { RawSocket } from "../helpers/server.js";
import { waitFor } from "../helpers/ws.js";

const fixture = serverPerTest();
const { start, connect, token } = fixture;

async function raw(hello: Record<string, unknown>): Promise<RawSocket> {
  // A resume names the log's epoch, which a visitor's hello tells.
  const epoch = hello.lastSeq === undefined ? undefined : await epochOfLog();
  return fixture.raw({ ...(epoch ? { epoch } : {}), ...hello });
}

async function epochOfLog(): Promise<string> {
  const socket = await fixture.raw({ role: "customer" });
  const welcome = socket.frames.find((f) => f.type === "welcome");
  return welcome?.type === "welcome" ? welcome.epoch : "";
}

async function acked(socket: RawSocket, frame: Record<string, unknown>): Promise<Record<string, unknown>> {
  const from = socket.frames.length;
  socket.sendJson(frame);
  const answer = await socket.waitForFrame(
    (f) => (f.type === "ack" || f.type === "error") && f.reqId === frame.reqId,
    from,
    `the answer to ${String(frame.reqId)}`,
  );
  if (answer.type !== "ack") throw new Error(`${String(frame.reqId)} refused: ${JSON.stringify(answer)}`);
  return answer.result ?? {};
}

const hasText = (text: string) => (f: ServerFrame) => JSON.stringify(f).includes(text);

/** Alice (a real client) has accepted a live chat a raw customer socket started. */
async function chat(clock?: ManualClock) {
  // Bursts of typing frames go past the rate limits' defaults: this org allows them, so the throttle alone acts.
  const org = demoOrgFile({ secret: "ab".repeat(32), tokens: {} });
  const generous = { burst: 10_000, perSecond: 10_000 };
  await start({
    org: { ...org, limits: { ...DEFAULT_LIMITS, connection: generous, customer: generous } },
    ...(clock ? { clock } : {}),
  });
  const alice = await connect({ role: "rep", token: token("alice") });
  const typing: TypingFrame[] = [];
  alice.client.on("typing", (f: TypingFrame) => typing.push(f));
  await alice.request({ type: "presence", presence: "available" });
  const customer = await raw({ role: "customer" });
  const started = await acked(customer, { type: "start", reqId: "s1", workstream: "live", text: "Parcel lost" });
  const conversationId = started.conversationId as string;
  const offer = await alice.waitForOffer(conversationId);
  await alice.request({ type: "accept", offerId: offer.id });
  await waitFor(() => alice.conversations.get(conversationId)?.state === "active", "active");
  return { alice, typing, customer, conversationId, conversationToken: started.conversationToken as string };
}

describe("notes over the wire", () => {
  it("a note reaches the rep, never the customer's socket: live, on resume from seq 0, nor in a snapshot", async () => {
    const { alice, customer, conversationId, conversationToken } = await chat();
    const NOTE = "Courier ref 88-1 — refund approved by Sam";
    const noted = await alice.request({ type: "note", conversationId, text: NOTE });
    expect(noted).toEqual({ conversationId, noteId: "n1" });
    await waitFor(
      () => alice.events.some((e) => e.changes.some((c) => c.kind === "note" && c.note.text === NOTE)),
      "the note change",
    );
    // Everything sent to the customer after the note has arrived once the rep's next message has.
    await alice.request({ type: "send", conversationId, text: "I have checked with the courier." });
    await customer.waitForFrame(hasText("checked with the courier"), 0, "the rep's message");
    expect(customer.frames.filter(hasText(NOTE))).toEqual([]);
    expect(customer.frames.filter((f) => f.type === "event" && f.changes.some((c) => c.kind === "note"))).toEqual([]);

    const resumed = await raw({ role: "customer", conversationToken, lastSeq: 0 });
    await resumed.waitForFrame(hasText("checked with the courier"), 0, "the replayed message");
    expect(resumed.frames[0]).toMatchObject({ type: "welcome", mode: "resume" });
    const fresh = await raw({ role: "customer", conversationToken });
    expect(fresh.frames[0]).toMatchObject({ type: "welcome", mode: "snapshot" });
    expect(JSON.stringify(fresh.frames[0])).toContain("checked with the courier");
    for (const socket of [resumed, fresh]) expect(socket.frames.filter(hasText("Courier ref"))).toEqual([]);
    // A reconnecting rep gets them back in the snapshot.
    const again = await raw({ role: "rep", token: token("alice") });
    expect(JSON.stringify(again.frames[0])).toContain(NOTE);
  });
});

describe("typing over the wire", () => {
  it("a burst of 50 typing frames is relayed once per direction; after the interval once more; never stored", async () => {
    const clock = new ManualClock();
    const { alice, typing, customer, conversationId, conversationToken } = await chat(clock);
    // Customer → rep. The customer's next message reaches Alice after every typing frame relayed before it.
    for (let i = 0; i < 50; i++) customer.sendJson({ type: "typing", conversationId });
    await acked(customer, { type: "send", reqId: "c1", conversationId, text: "after the burst" });
    await alice.waitForText(conversationId, "after the burst");
    expect(typing).toEqual([{ type: "typing", conversationId, from: "customer" }]);
    clock.advance(TYPING_INTERVAL_MS - 1);
    for (let i = 0; i < 50; i++) customer.sendJson({ type: "typing", conversationId });
    await acked(customer, { type: "send", reqId: "c2", conversationId, text: "still within the interval" });
    await alice.waitForText(conversationId, "still within the interval");
    expect(typing).toHaveLength(1);
    clock.advance(1);
    for (let i = 0; i < 50; i++) customer.sendJson({ type: "typing", conversationId });
    await acked(customer, { type: "send", reqId: "c3", conversationId, text: "a second later" });
    await alice.waitForText(conversationId, "a second later");
    expect(typing).toHaveLength(2);

    // Rep → customer, from a raw socket of Alice's (the client itself would not send a burst).
    const aliceRaw = await raw({ role: "rep", token: token("alice") });
    for (let i = 0; i < 50; i++) aliceRaw.sendJson({ type: "typing", conversationId });
    await acked(aliceRaw, { type: "send", reqId: "a1", conversationId, text: "Here is what I found" });
    await customer.waitForFrame(hasText("Here is what I found"), 0, "the rep's message");
    const toCustomer = customer.frames.filter((f) => f.type === "typing");
    expect(toCustomer).toEqual([{ type: "typing", conversationId, from: "rep", name: "Alice Moreau" }]);
    // A typing frame with a reqId is answered; one for a conversation the sender is not in is refused, not relayed.
    await acked(aliceRaw, { type: "typing", reqId: "t1", conversationId });
    aliceRaw.sendJson({ type: "typing", reqId: "t2", conversationId: "c999" });
    expect(await aliceRaw.waitForError("t2")).toMatchObject({ code: "conversation/not_found" });

    // Never stored: a customer resuming from seq 0 is replayed no typing frame.
    const resumed = await raw({ role: "customer", conversationToken, lastSeq: 0 });
    await resumed.waitForFrame(hasText("Here is what I found"), 0, "the replay");
    expect(resumed.frames.filter((f) => f.type === "typing")).toEqual([]);
  });
});
