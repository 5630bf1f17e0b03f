// A resume shows exactly what a snapshot would: the replay of missed events is filtered per viewer like the
// snapshot (no Closed conversation, and for customers none a rep ended, P8), and a customer's resume is capped in
// depth (further back: a snapshot). Over a real WebSocket on port 0.
import { describe, expect, it } from "vitest";
import { demoOrgFile } from "../../server/org-file.js";
import { DEFAULT_LIMITS } from "../../server/rate-limit.js";
import { signIdentity } from "../../src/protocol/identity.js";
import type { EventFrame, ServerFrame, Welcome } from "../../src/protocol/messages.js";
import { committedSeq, serverPerTest } from "../helpers/server.js";
import type { RawSocket } from "../helpers/server.js";
import type { TestClient } from "../helpers/ws.js";
import { waitFor } from "../helpers/ws.js";

const { start, connect, token, raw } = serverPerTest();

/** The welcome a raw socket that said `hello` was sent. */
const welcomeOf = (socket: RawSocket) => socket.frames.find((f) => f.type === "welcome") as Welcome;

/** The welcome a plain hello gets (a visitor's changes nothing). */
async function rawWelcome(hello: Record<string, unknown>): Promise<Welcome> {
  return welcomeOf(await raw(hello));
}

/**
 * Say hello (with `lastSeq`, in this log's epoch), and return everything the server sent up to the answer of a
 * later request.
 */
async function helloAndReplay(hello: Record<string, unknown>): Promise<{ welcome: Welcome; frames: ServerFrame[] }> {
  const epoch = (await rawWelcome({ role: "customer" })).epoch;
  const socket = await raw({ epoch, ...hello });
  const welcome = welcomeOf(socket);
  // Frames come in order: once this request is answered, every replayed event is in.
  const probe = hello.role === "customer" ? { type: "status", conversationId: "none" } : { type: "targets" };
  socket.sendJson({ ...probe, reqId: "probe" });
  await socket.waitForFrame((f) => (f.type === "ack" || f.type === "error") && f.reqId === "probe", 0, "the probe");
  return { welcome, frames: socket.frames };
}

/** Every message text a client was sent, in a snapshot or in events. */
function textsIn(frames: ServerFrame[]): string[] {
  const texts: string[] = [];
  for (const frame of frames) {
    if (frame.type === "welcome")
      for (const c of [...(frame.snapshot?.conversations ?? []), ...(frame.snapshot?.customerConversations ?? [])])
        for (const m of c.messages ?? []) texts.push(m.text);
    if (frame.type !== "event") continue;
    for (const change of frame.changes) {
      if (change.kind === "message") texts.push(change.message.text);
      if (change.kind === "conversation" || change.kind === "customer_conversation")
        for (const m of change.conversation.messages ?? []) texts.push(m.text);
    }
  }
  return texts;
}

/** Alice, Available, takes the customer's conversation, writes, ends it and submits the wrap-up. */
async function servedAndEnded(
  alice: TestClient,
  customer: TestClient,
  workstream: string,
  text: string,
): Promise<{ conversationId: string; conversationToken: string }> {
  await alice.request({ type: "presence", presence: "available" });
  const started = await customer.request({ type: "start", workstream, text });
  const conversationId = started.conversationId as string;
  const offer = await alice.waitForOffer(conversationId);
  await alice.request({ type: "accept", offerId: offer.id });
  await alice.request({ type: "send", conversationId, text: "Noted, your account 55-0192 is fixed." });
  await alice.request({ type: "end", conversationId });
  await alice.request({ type: "wrapup", conversationId, reasonId: "resolved" });
  expect(alice.conversations.get(conversationId)?.state).toBe("closed");
  return { conversationId, conversationToken: started.conversationToken as string };
}

describe("a customer's resume", () => {
  it("SPEC P8: from seq 0 it shows no more than a snapshot: an ended conversation's history does not come back", async () => {
    const server = await start();
    const identity = signIdentity(server.org.secret, { id: "cust-9", name: "Kenny Smith" });
    const kenny = await connect({ role: "customer", identity });
    await servedAndEnded(
      await connect({ role: "rep", token: token("alice") }),
      kenny,
      "persistent",
      "My invoice 2291 has my old address",
    );

    const fresh = await helloAndReplay({ role: "customer", identity });
    expect(fresh.welcome.mode).toBe("snapshot");
    expect(fresh.welcome.snapshot?.customerConversations).toEqual([]);

    const resumed = await helloAndReplay({ role: "customer", identity, lastSeq: 0 });
    // What a snapshot shows, and nothing else: the replay would have touched the hidden conversation.
    expect(resumed.welcome.mode).toBe("snapshot");
    expect(resumed.welcome.snapshot?.customerConversations).toEqual(fresh.welcome.snapshot?.customerConversations);
    expect(textsIn(resumed.frames)).toEqual([]);
    expect(JSON.stringify(resumed.frames)).not.toContain("2291");
  });

  it("a visitor coming back with their token to a Closed chat gets the snapshot; to an open one, the missed messages", async () => {
    const server = await start();
    const visitor = await connect({ role: "customer" });
    const alice = await connect({ role: "rep", token: token("alice") });
    const closed = await servedAndEnded(alice, visitor, "live", "Where is parcel 7781?");
    const closedToken = (
      await helloAndReplay({ role: "customer", conversationToken: closed.conversationToken, lastSeq: 0 })
    ).frames;
    expect(closedToken.find((f) => f.type === "welcome")).toMatchObject({ mode: "snapshot", snapshotReason: "closed" });
    expect(textsIn(closedToken)).toEqual([]);

    // An ordinary resume is still a resume: a chat going on, a message missed.
    const other = await connect({ role: "customer" });
    const bob = await connect({ role: "rep", token: token("bob") });
    await bob.request({ type: "presence", presence: "available" });
    const started = await other.request({ type: "start", workstream: "live", text: "Hello?" });
    const conversationId = started.conversationId as string;
    // Alice or Bob: whoever routing offers it to takes it.
    const rep = await waitFor(() => [alice, bob].find((r) => r.pendingOffer(conversationId)), "an offer");
    await rep.request({ type: "accept", offerId: rep.pendingOffer(conversationId)!.id });
    const lastSeq = await committedSeq(server);
    await rep.request({ type: "send", conversationId, text: "Hi, I am on it." });
    const back = await helloAndReplay({
      role: "customer",
      conversationToken: started.conversationToken as string,
      lastSeq,
    });
    expect(back.welcome.mode).toBe("resume");
    expect(textsIn(back.frames)).toContain("Hi, I am on it.");
  });

  it("goes back at most limits.customerResumeEvents events; further back, a snapshot", async () => {
    const org = demoOrgFile({ secret: "ab".repeat(32), tokens: {} });
    const server = await start({ org: { ...org, limits: { ...DEFAULT_LIMITS, customerResumeEvents: 5 } } });
    const visitor = await connect({ role: "customer" });
    const bob = await connect({ role: "rep", token: token("bob") });
    await bob.request({ type: "presence", presence: "available" });
    const started = await visitor.request({ type: "start", workstream: "live", text: "Hello?" });
    const conversationId = started.conversationId as string;
    const conversationToken = started.conversationToken as string;
    await bob.request({ type: "accept", offerId: (await bob.waitForOffer(conversationId)).id });
    const lastSeq = await committedSeq(server);

    await bob.request({ type: "send", conversationId, text: "one" });
    expect((await committedSeq(server)) - lastSeq).toBeLessThanOrEqual(5);
    const near = await helloAndReplay({ role: "customer", conversationToken, lastSeq });
    expect(near.welcome.mode).toBe("resume");
    // A resume sends what was missed, never the whole thread.
    expect(textsIn(near.frames)).toEqual(["one"]);

    for (const text of ["two", "three", "four", "five", "six"])
      await bob.request({ type: "send", conversationId, text });
    expect((await committedSeq(server)) - lastSeq).toBeGreaterThan(5);
    const far = await helloAndReplay({ role: "customer", conversationToken, lastSeq });
    expect(far.welcome.mode).toBe("snapshot");
    // The snapshot carries the latest messages; the conversation counts them all.
    expect(textsIn(far.frames)).toEqual(["four", "five", "six"]);
    expect(far.welcome.snapshot!.customerConversations[0]!.messageCount).toBe(7);
    // Staff resume as far back as before (up to 20,000 events).
    const staff = await helloAndReplay({ role: "rep", token: token("bob"), lastSeq });
    expect(staff.welcome.mode).toBe("resume");
  });
});

describe("a supervisor's resume", () => {
  it("replays no history of a conversation the snapshot leaves out (Closed), only that it closed", async () => {
    await start();
    const visitor = await connect({ role: "customer" });
    const closedId = (
      await servedAndEnded(
        await connect({ role: "rep", token: token("alice") }),
        visitor,
        "live",
        "Card 4111 1111 1111 1111 was charged twice",
      )
    ).conversationId;
    const resumed = await helloAndReplay({ role: "supervisor", token: token("sam"), lastSeq: 0 });
    expect(resumed.welcome.mode).toBe("resume");
    expect(textsIn(resumed.frames)).toEqual([]);
    const last = resumed.frames
      .filter((f): f is EventFrame => f.type === "event")
      .flatMap((f) => f.changes)
      .filter((c) => c.kind === "conversation" && c.conversation.id === closedId)
      .at(-1);
    expect(last).toMatchObject({ kind: "conversation", conversation: { id: closedId, state: "closed" } });
  });
});
