// The fold's parked conversations: those parked in Waiting with the same queue, last owner and sentiment share one
// entry, and each still counts where it was once it moves on.
import { describe, expect, it } from "vitest";
import { CoreHarness, rep } from "../helpers/core.js";
import { accept, signedIn } from "../core/p-helpers.js";
import { createFold } from "../../server/reports/fold.js";

describe("the fold's parked conversations", () => {
  it("a conversation that comes back from Waiting counts for its new rep, the others parked with it for theirs", () => {
    const h = new CoreHarness();
    const from = h.now;
    h.available("alice");
    const x = h.start("persistent", "My invoice is wrong", { id: "c-1" });
    accept(h, "alice", x);
    const y = h.start("persistent", "My invoice is late", { id: "c-2" });
    accept(h, "alice", y);
    h.ok(rep("alice"), { type: "close", conversationId: x });
    h.ok(rep("alice"), { type: "close", conversationId: y });
    const parkedAt = h.log.length;

    // x comes back and bob takes it, ends it and wraps it up; y waits until its time in Waiting runs out
    h.ok(rep("alice"), { type: "presence", presence: "away" });
    h.available("bob");
    h.ok(signedIn("c-1"), {
      type: "customer.start",
      workstreamId: "persistent",
      identity: { id: "c-1" },
      text: "Back",
    });
    accept(h, "bob", x);
    h.ok(rep("bob"), { type: "end", conversationId: x });
    h.ok(rep("bob"), { type: "wrapup", conversationId: x, reasonId: "resolved" });
    expect(h.conversation(x).state).toBe("closed");
    h.ok({ role: "supervisor", id: "sam" }, { type: "force_close", conversationId: y });
    expect(h.conversation(y).state).toBe("closed");

    const fold = createFold({
      from,
      to: h.now + 60_000,
      by: "rep",
      utcOffsetMinutes: 0,
      org: h.state.org,
      bucketMs: 60_000,
    });
    h.log.slice(0, parkedAt).forEach((event) => fold.add(event));
    expect(fold.tracked).toBe(2);
    h.log.slice(parkedAt).forEach((event) => fold.add(event));
    fold.finish(h.now);
    expect(fold.tracked).toBe(0);
    // Each closed conversation counts its sentiment for the rep who had it last: x for bob, y for alice.
    // Groups are keyed by bucket and rep.
    const sentiments = (repId: string) =>
      [...fold.groups]
        .filter(([key]) => key.endsWith(`:${repId}`))
        .reduce((n, [, acc]) => n + acc.sentiment.negative + acc.sentiment.neutral + acc.sentiment.positive, 0);
    expect(sentiments("bob")).toBe(1);
    expect(sentiments("alice")).toBe(1);
  });
});
