// CSAT on the routing core: the customer rates their own ended conversation once, within a day of its end; the
// rating is an event of the log, its comment sanitised, and staff see the comment masked like other customer text.
import { describe, expect, it } from "vitest";
import { staffEvent } from "../../server/core/event-masking.js";
import type { DomainEvent } from "../../server/core/model.js";
import { changesFor } from "../../server/core/changes.js";
import { conversationView } from "../../server/core/conversation-views.js";
import { snapshot } from "../../server/core/snapshot.js";
import { RATING_WINDOW_MS } from "../../src/protocol/vocabulary.js";
import { CoreHarness, customer, rep } from "../helpers/core.js";

const rate = (conversationId: string, score: number, comment?: string) =>
  comment === undefined
    ? { type: "customer.rate" as const, conversationId, score }
    : { type: "customer.rate" as const, conversationId, score, comment };

/** A live chat alice answered; returns its id. */
function answered(h: CoreHarness, text = "Where is my parcel?"): string {
  h.available("alice");
  const id = h.start("live", text);
  h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! });
  return id;
}

describe("CSAT: rating an ended conversation", () => {
  it("the customer rates a live chat they ended, once; the event says where it was and whose it was", () => {
    const h = new CoreHarness();
    const id = answered(h);
    h.ok(h.customerOf(id), { type: "customer.end", conversationId: id });
    expect(h.conversation(id).state).toBe("wrapup");

    h.ok(h.customerOf(id), rate(id, 4, "  Quick and friendly  "));
    const [given] = h.events("rating_given");
    expect(given).toMatchObject({
      type: "rating_given",
      conversationId: id,
      score: 4,
      comment: "Quick and friendly",
      queueId: "general",
      workstreamId: "live",
      repId: "alice",
      at: h.now,
    });
    expect(h.conversation(id).rating).toEqual({ score: 4, comment: "Quick and friendly", at: h.now });

    // Once: a second rating, even a different one, is refused and changes nothing.
    expect(h.refused(h.customerOf(id), rate(id, 1))).toBe("rating/already_given");
    expect(h.events("rating_given")).toHaveLength(1);
    expect(h.conversation(id).rating?.score).toBe(4);
  });

  it("a live chat the rep ended, and a persistent one the rep ended, can be rated; the comment is optional", () => {
    const h = new CoreHarness();
    const live = answered(h);
    h.ok(rep("alice"), { type: "end", conversationId: live });
    h.ok(rep("alice"), { type: "wrapup", conversationId: live, reasonId: "resolved" });
    expect(h.conversation(live).state).toBe("closed");
    h.ok(h.customerOf(live), rate(live, 5));
    expect(h.conversation(live).rating).toEqual({ score: 5, at: h.now });

    const persistent = h.start("persistent", "My invoice is wrong", { id: "c-7", name: "Melissa Grant" });
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", persistent)! });
    // Parked in Waiting it is not over: nothing to rate yet.
    h.ok(rep("alice"), { type: "close", conversationId: persistent });
    expect(h.conversation(persistent).state).toBe("waiting");
    expect(h.refused(customer("auth:c-7"), rate(persistent, 3))).toBe("rating/not_ended");
    h.ok(customer("auth:c-7"), { type: "customer.message", conversationId: persistent, text: "Any news?" });
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", persistent)! });
    h.ok(rep("alice"), { type: "end", conversationId: persistent });
    h.ok(customer("auth:c-7"), rate(persistent, 2, "Took a while"));
    expect(h.conversation(persistent).rating).toMatchObject({ score: 2, comment: "Took a while" });
  });

  it("refused for an open or active conversation, for someone else's, and for one nobody answered", () => {
    const h = new CoreHarness();
    const waiting = h.start("live", "Anyone there?");
    expect(h.conversation(waiting).state).toBe("open");
    expect(h.refused(h.customerOf(waiting), rate(waiting, 5))).toBe("rating/not_ended");

    const id = answered(h);
    expect(h.conversation(id).state).toBe("active");
    expect(h.refused(h.customerOf(id), rate(id, 5))).toBe("rating/not_ended");

    h.ok(rep("alice"), { type: "end", conversationId: id });
    // Another customer gets the answer they get for a conversation that does not exist.
    expect(h.refused(customer("visitor-session:someone-else"), rate(id, 1))).toBe("conversation/not_found");
    // A conversation token reaches its own conversation only.
    const scoped = { role: "customer" as const, key: h.conversation(id).customer.key, conversationId: waiting };
    expect(h.refused(scoped, rate(id, 1))).toBe("conversation/not_found");
    // Staff cannot rate for the customer.
    expect(h.run(rep("alice"), rate(id, 5))).toMatchObject({ ok: false, error: { code: "auth/forbidden" } });

    // The customer gave up in the queue: no rep's work to rate.
    h.ok(h.customerOf(waiting), { type: "customer.end", conversationId: waiting });
    expect(h.conversation(waiting).state).toBe("closed");
    expect(h.refused(h.customerOf(waiting), rate(waiting, 1))).toBe("rating/not_answered");
    expect(h.events("rating_given")).toEqual([]);
  });

  it("refused out of range, for a fraction, for a comment over 500 characters, and a day after the end", () => {
    const h = new CoreHarness();
    const id = answered(h);
    h.ok(h.customerOf(id), { type: "customer.end", conversationId: id });
    const me = h.customerOf(id);
    for (const score of [0, 6, -1, 3.5, Number.NaN])
      expect(h.refused(me, rate(id, score)), String(score)).toBe("rating/invalid");
    expect(h.refused(me, rate(id, 4, "é".repeat(501)))).toBe("rating/invalid");
    expect(h.events("rating_given")).toEqual([]);

    // 500 characters (not UTF-16 units) is the limit: 500 emoji fit.
    const late = answered(h, "Second question");
    h.ok(h.customerOf(late), { type: "customer.end", conversationId: late });
    h.ok(h.customerOf(late), rate(late, 3, "👍".repeat(500)));

    // The day after: too late.
    h.advance(RATING_WINDOW_MS + 1);
    expect(h.refused(me, rate(id, 4))).toBe("rating/expired");
  });

  it("the comment is stored sanitised: escape sequences and controls never reach a terminal", () => {
    const h = new CoreHarness();
    const id = answered(h);
    h.ok(h.customerOf(id), { type: "customer.end", conversationId: id });
    h.ok(h.customerOf(id), rate(id, 1, "\u001b]0;owned\u0007Bad\u001b[2J\u202e service\r\n"));
    expect(h.conversation(id).rating?.comment).toBe("Bad service");
    // Only escapes and blanks: no comment at all.
    const other = answered(h, "Again");
    h.ok(h.customerOf(other), { type: "customer.end", conversationId: other });
    h.ok(h.customerOf(other), rate(other, 2, " \u001b[2J \n"));
    expect(h.conversation(other).rating).toEqual({ score: 2, at: h.now });
  });
});

describe("CSAT: what each side sees", () => {
  it("the customer's view says until when they may rate; staff see the rating with the comment masked", () => {
    const h = new CoreHarness(); // masking on
    const id = answered(h);
    const key = h.conversation(id).customer.key;
    h.ok(h.customerOf(id), { type: "customer.end", conversationId: id });
    const endedAt = h.now;
    const mine = () => snapshot(h.state, { role: "customer", key }).customerConversations.find((c) => c.id === id)!;
    expect(mine()).toMatchObject({ ended: true, rateUntil: endedAt + RATING_WINDOW_MS });

    h.advance(60_000);
    h.ok(h.customerOf(id), rate(id, 4, "Call me on +447966197542, card 4111 1111 1111 1111"));
    const given = h.events("rating_given")[0]!;

    // The customer: rated, nothing more to ask; their own words as they wrote them.
    expect(mine().rateUntil).toBeUndefined();
    expect(mine().rating).toEqual({
      score: 4,
      comment: "Call me on +447966197542, card 4111 1111 1111 1111",
      at: h.now,
    });
    const customerChanges = changesFor(h.state, given, { role: "customer", key }, new Set([id]));
    expect(customerChanges).toEqual([
      { kind: "customer_conversation", conversation: expect.objectContaining({ rating: mine().rating }) },
    ]);

    // Staff: the same rating, the comment masked (L6), in the conversation change the event means for them.
    const masked = "Call me on *********7542, card ************1111";
    expect(conversationView(h.state, h.conversation(id), false).rating).toEqual({
      score: 4,
      comment: masked,
      at: h.now,
    });
    const staffChanges = changesFor(h.state, given, { role: "supervisor", id: "sam" }, new Set([id]));
    expect(staffChanges).toContainEqual({
      kind: "conversation",
      conversation: expect.objectContaining({ rating: { score: 4, comment: masked, at: h.now } }),
    });
    // The event stream (`cc-agent events`) masks it too, and leaves the log's event as it was.
    expect(staffEvent(given, true)).toMatchObject({ type: "rating_given", score: 4, comment: masked });
    expect((given as Extract<DomainEvent, { type: "rating_given" }>).comment).toContain("+447966197542");

    // With masking off, staff read it as written.
    h.state.org.masking = false;
    expect(conversationView(h.state, h.conversation(id), false).rating?.comment).toContain("+447966197542");
  });
});
