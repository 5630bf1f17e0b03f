// Over real WebSockets: a consult (the request, the consultant joining and writing, their leaving) and a supervisor's
// whisper reach the rep and never the customer's socket: not live, not on resume from seq 0, not in a snapshot.
import { describe, expect, it } from "vitest";
import { demoOrgFile } from "../../server/org-file.js";
import type { ServerFrame } from "../../src/protocol/messages.js";
import { serverPerTest } from "../helpers/server.js";
import { waitFor } from "../helpers/ws.js";
import { ManualClock } from "../helpers/manual-clock.js";

const { start, staff, token, raw } = serverPerTest();

const hasText = (text: string) => (f: ServerFrame) => JSON.stringify(f).includes(text);
const CONSULT_LINE = "Offer the courier claim form, reference CL-7";
const WHISPER = "Goodwill credit approved, go ahead";

/** Alice (Available) accepts a visitor's live chat; Bob is Busy (a consult costs no capacity). */
async function aliceHandlesAChat(clock?: ManualClock) {
  await start({ org: demoOrgFile({ secret: "ab".repeat(32), tokens: {} }), ...(clock ? { clock } : {}) });
  const alice = await staff("alice");
  const bob = await staff("bob");
  await alice.request({ type: "presence", presence: "available" });
  await bob.request({ type: "presence", presence: "busy" });
  const customer = await raw({ role: "customer" });
  customer.sendJson({ type: "start", reqId: "s1", workstream: "live", text: "Parcel lost" });
  const started = await customer.waitForFrame((f) => f.type === "ack" && f.reqId === "s1", 0, "start ack");
  const { conversationId, conversationToken } = (started as { result: Record<string, string> }).result as {
    conversationId: string;
    conversationToken: string;
  };
  await alice.request({ type: "accept", offerId: (await alice.waitForOffer(conversationId)).id });
  return { alice, bob, customer, conversationId, conversationToken };
}

describe("consult and whisper over the wire", () => {
  it("the customer's socket never hears of a consult or a whisper: live, on resume from seq 0, nor in a snapshot", async () => {
    const { alice, bob, customer, conversationId, conversationToken } = await aliceHandlesAChat();
    const sam = await staff("sam");

    // Consult: Bob (Busy) is asked, accepts, sees the thread and writes to Alice; Alice's capacity alone is used.
    const asked = await alice.request({ type: "consult", conversationId, repId: "bob" });
    const offer = await bob.waitForOffer(conversationId);
    expect(offer).toMatchObject({ id: asked.offerId, kind: "consult", byName: "Alice Moreau" });
    await bob.request({ type: "accept", offerId: offer.id });
    await waitFor(() => bob.conversations.get(conversationId)?.consultants.includes("bob") === true, "Bob consults");
    expect(bob.messages.get(conversationId)?.map((m) => m.text)).toContain("Parcel lost");
    await waitFor(() => bob.users.get("bob")?.used === 0 && bob.users.get("bob")?.presence === "busy", "no capacity");
    // Nor is the customer told that a consultant types: the server refuses it.
    await expect(bob.request({ type: "typing", conversationId })).rejects.toMatchObject({
      code: "conversation/not_found",
    });
    await bob.request({ type: "note", conversationId, text: CONSULT_LINE });
    await waitFor(
      () =>
        alice.events.some((e) =>
          e.changes.some((c) => c.kind === "note" && c.note.kind === "consult" && c.note.text === CONSULT_LINE),
        ),
      "Alice gets the consult line",
    );
    await bob.request({ type: "end_consult", conversationId });
    await waitFor(() => bob.notices.some((n) => n.code === "consult_ended"), "Bob is told he left");

    // Whisper: Sam monitors and whispers to Alice.
    await sam.request({ type: "monitor", conversationId });
    await sam.request({ type: "whisper", conversationId, text: WHISPER });
    await waitFor(
      () =>
        alice.events.some((e) =>
          e.changes.some((c) => c.kind === "note" && c.note.kind === "whisper" && c.note.text === WHISPER),
        ),
      "Alice gets the whisper",
    );

    // Everything sent to the customer before Alice's next message has arrived once that message has.
    await alice.request({ type: "send", conversationId, text: "I have a claim form for you." });
    await customer.waitForFrame(hasText("claim form for you"), 0, "the rep's message");
    const leaks = (frames: readonly ServerFrame[]) =>
      frames.filter(
        (f) =>
          hasText(CONSULT_LINE)(f) ||
          hasText(WHISPER)(f) ||
          hasText("consult")(f) ||
          hasText("whisper")(f) ||
          hasText("Bob")(f) ||
          hasText("Sam")(f) ||
          (f.type === "event" && f.changes.some((c) => c.kind === "note")),
      );
    expect(customer.frames.length).toBeGreaterThan(1);
    expect(customer.frames.filter((f) => f.type === "typing")).toEqual([]);
    expect(leaks(customer.frames)).toEqual([]);

    // A customer resuming from seq 0 is replayed the conversation without any of it; a fresh snapshot neither.
    const welcome = customer.frames[0] as Extract<ServerFrame, { type: "welcome" }>;
    const resumed = await raw({ role: "customer", conversationToken, lastSeq: 0, epoch: welcome.epoch });
    await resumed.waitForFrame(hasText("claim form for you"), 0, "the replayed message");
    expect(resumed.frames[0]).toMatchObject({ type: "welcome", mode: "resume" });
    const fresh = await raw({ role: "customer", conversationToken });
    expect(fresh.frames[0]).toMatchObject({ type: "welcome", mode: "snapshot" });
    expect(JSON.stringify(fresh.frames[0])).toContain("claim form for you");
    expect(leaks(resumed.frames)).toEqual([]);
    expect(leaks(fresh.frames)).toEqual([]);

    // Staff get both back: Alice's snapshot holds the consult line and the whisper, each with its kind.
    const again = await raw({ role: "rep", token: token("alice") });
    const snap = (again.frames[0] as Extract<ServerFrame, { type: "welcome" }>).snapshot!;
    const notes = snap.conversations.find((c) => c.id === conversationId)!.notes!;
    expect(notes.map((n) => [n.kind, n.author.id, n.text])).toEqual([
      ["consult", "bob", CONSULT_LINE],
      ["whisper", "sam", WHISPER],
    ]);
  });

  it("the rep who asked is told when a consult is declined, or a conference invitation is not answered in time", async () => {
    const clock = new ManualClock();
    const { alice, bob, conversationId: id } = await aliceHandlesAChat(clock);

    await alice.request({ type: "consult", conversationId: id, repId: "bob" });
    await bob.request({ type: "reject", offerId: (await bob.waitForOffer(id)).id });
    const declined = await waitFor(() => alice.notices.find((n) => n.code === "consult_declined"), "Alice told");
    expect(declined.text).toBe("Bob Okafor declined your consult request on Visitor 1.");
    expect(bob.notices.some((n) => n.code === "consult_declined")).toBe(false);

    await bob.request({ type: "presence", presence: "available" });
    await alice.request({ type: "conference", conversationId: id, repId: "bob" });
    await bob.waitForOffer(id);
    clock.advance(31_000);
    const unanswered = await waitFor(() => alice.notices.find((n) => n.code === "conference_declined"), "told");
    expect(unanswered.text).toBe("Bob Okafor did not answer your conference request on Visitor 1 in time.");
  });
});
