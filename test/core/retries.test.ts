// What a client that retries is answered (docs/protocol.md): a retried accept, a retried clientId with another text;
// and who closed a chat the customer ended.
import { describe, expect, it } from "vitest";
import { CoreHarness, rep } from "../helpers/core.js";

describe("retried requests", () => {
  it("SPEC L2: a retried accept (the ack was lost) is answered offer/not_pending, another rep's offer not_found", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live");
    const offerId = h.offerFor("alice", id)!;
    h.ok(rep("alice"), { type: "accept", offerId });
    expect(h.refused(rep("alice"), { type: "accept", offerId })).toBe("offer/not_pending");
    expect(h.refused(rep("alice"), { type: "reject", offerId })).toBe("offer/not_pending");
    // Pending for bob: for alice it does not exist; ids the server never issued do not exist either.
    h.available("bob");
    const other = h.start("live");
    const bobs = h.offerFor("bob", other)!;
    expect(h.refused(rep("alice"), { type: "accept", offerId: bobs })).toBe("offer/not_found");
    for (const unknown of ["o99", "o0", "o01", "o1x", "__proto__"])
      expect(h.refused(rep("alice"), { type: "accept", offerId: unknown }), unknown).toBe("offer/not_found");
  });

  it("a retried clientId with another text is a duplicate: the first text is kept", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live");
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! });
    const customer = h.customerOf(id);
    const first = h.ok(customer, { type: "customer.message", conversationId: id, text: "first", clientId: "k-1" });
    const again = h.ok(customer, { type: "customer.message", conversationId: id, text: "second", clientId: "k-1" });
    expect(again).toEqual({ conversationId: id, messageId: first.messageId, duplicate: true });
    const staff = h.ok(rep("alice"), { type: "message", conversationId: id, text: "one", clientId: "a-1" });
    expect(h.ok(rep("alice"), { type: "message", conversationId: id, text: "two", clientId: "a-1" })).toEqual({
      conversationId: id,
      messageId: staff.messageId,
      duplicate: true,
    });
    expect(
      h
        .conversation(id)
        .messages.filter((m) => m.clientId)
        .map((m) => m.text),
    ).toEqual(["first", "one"]);
  });
});

describe("closedBy", () => {
  it("SPEC L12: a chat the customer ended is closed by the customer, also after the rep's wrap-up", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live");
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! });
    h.ok(h.customerOf(id), { type: "customer.end", conversationId: id });
    expect(h.conversation(id).state).toBe("wrapup");
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" });
    expect(h.conversation(id)).toMatchObject({ state: "closed", closedBy: "customer", customerEnded: true });
  });

  it("SPEC L12: a chat the rep ended is closed by that rep", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live");
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! });
    h.ok(rep("alice"), { type: "end", conversationId: id });
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" });
    expect(h.conversation(id)).toMatchObject({ state: "closed", closedBy: "alice" });
  });
});
