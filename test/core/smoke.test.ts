import { describe, expect, it } from "vitest";
import { CoreHarness, rep } from "../helpers/core.js";

describe("routing core smoke", () => {
  it("routes a live chat through offer, accept, messages, end and wrap-up (SPEC L12)", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live");
    const offerId = h.offerFor("alice", id);
    expect(offerId).toBeDefined();
    h.ok(rep("alice"), { type: "accept", offerId: offerId! });
    expect(h.conversation(id).state).toBe("active");
    h.ok(rep("alice"), { type: "message", conversationId: id, text: "Hi there" });
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "thanks" });
    h.ok(rep("alice"), { type: "end", conversationId: id });
    expect(h.conversation(id).state).toBe("wrapup");
    expect(h.used("alice")).toBe(1);
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" });
    expect(h.conversation(id).state).toBe("closed");
    expect(h.used("alice")).toBe(0);
  });
});
