// A view goes once per run of frames built from the same state: a request's events are fanned out after all of them
// are applied, and a resume's replay is projected with the current state, so each conversation's and user's view
// in them is the same; a client is given it in the first frame that shows it and not again (docs/protocol.md,
// "Views are current, not historical"). Over a real WebSocket on port 0.
import { describe, expect, it } from "vitest";
import type { EventFrame } from "../../src/protocol/messages.js";
import { committedSeq, eventsAbout, serverPerTest } from "../helpers/server.js";
import { waitFor } from "../helpers/ws.js";

const { start, connect, staff } = serverPerTest();

/** How many times the frames show conversation `id` whole, and user `userId`. */
function viewsIn(frames: readonly EventFrame[], id: string, userId: string): { conversation: number; user: number } {
  const changes = frames.flatMap((f) => f.changes);
  return {
    conversation: changes.filter((c) => c.kind === "conversation" && c.conversation.id === id).length,
    user: changes.filter((c) => c.kind === "user" && c.user.id === userId).length,
  };
}

describe("views given once per run of frames", () => {
  it("an accept's events (offer accepted, assigned) give the rep the conversation and their load once", async () => {
    await start();
    const alice = await staff("alice");
    await alice.request({ type: "presence", presence: "available" });
    const customer = await connect({ role: "customer" });
    const { conversationId } = (await customer.request({ type: "start", workstream: "live", text: "Hi there" })) as {
      conversationId: string;
    };
    const offer = await alice.waitForOffer(conversationId);
    const before = alice.events.length;

    await alice.request({ type: "accept", offerId: offer.id });
    const frames = alice.events.slice(before);

    // The accept made two events about the conversation and Alice's load…
    const sam = await staff("sam");
    const made = (await eventsAbout(sam, conversationId)).filter((e) => e.seq > frames[0]!.seq - 1).map((e) => e.type);
    expect(made).toEqual(expect.arrayContaining(["offer_accepted", "assigned"]));
    // …and Alice was given each view once, already as it stands after both.
    expect(viewsIn(frames, conversationId, "alice")).toEqual({ conversation: 1, user: 1 });
    expect(alice.conversations.get(conversationId)).toMatchObject({ state: "active", ownerId: "alice" });
    expect(alice.users.get("alice")).toMatchObject({ presence: "available", conversations: 1 });
    expect(frames.flatMap((f) => f.changes)).toContainEqual({
      kind: "offer_ended",
      offerId: offer.id,
      conversationId,
      status: "accepted",
    });
  });

  it("a resume's replay gives a supervisor a conversation's whole lifecycle as one view and every message", async () => {
    const server = await start();
    const sam = await staff("sam", { reconnect: true });
    const alice = await staff("alice");
    await alice.request({ type: "presence", presence: "available" });
    const seqBefore = await committedSeq(server);
    await waitFor(() => (sam.events.at(-1)?.seq ?? 0) >= seqBefore, "Sam to hear of Alice");
    const framesBefore = sam.events.length;

    sam.client.dropConnection();
    const customer = await connect({ role: "customer" });
    const { conversationId } = (await customer.request({ type: "start", workstream: "live", text: "first" })) as {
      conversationId: string;
    };
    const offer = await alice.waitForOffer(conversationId);
    await alice.request({ type: "accept", offerId: offer.id });
    await alice.request({ type: "send", conversationId, text: "answer" });
    await customer.request({ type: "send", conversationId, text: "second" });
    const missed = (await committedSeq(server)) - seqBefore;

    await waitFor(() => sam.welcomes.length === 2, "Sam to reconnect", 10_000);
    expect(sam.welcomes[1]!.mode).toBe("resume");
    await sam.waitForText(conversationId, "second");
    const replayed = sam.events.slice(framesBefore);

    // Created, queued, offered, accepted, assigned, messages: the conversation came whole once, the rest as messages.
    expect(missed).toBeGreaterThanOrEqual(7);
    expect(viewsIn(replayed, conversationId, "alice")).toEqual({ conversation: 1, user: 1 });
    expect(sam.texts(conversationId)).toEqual(["first", "answer", "second"]);
    expect(sam.conversations.get(conversationId)).toMatchObject({ state: "active", ownerId: "alice" });
    expect(sam.users.get("alice")).toMatchObject({ conversations: 1 });
  });
});
