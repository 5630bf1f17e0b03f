// What a staff member is sent whole at sign-in (snapshot.ts, from the index in visibility.ts): a rep's conversations
// and their latest Closed ones, a supervisor's every one not Closed — whatever history the server holds. The property
// test checks the index against a scan after every step of random sequences; these are the cases it rarely reaches.
import { describe, expect, it } from "vitest";
import { snapshot } from "../../server/core/snapshot.js";
import { RECENTLY_CLOSED_IN_SNAPSHOT } from "../../server/core/visibility.js";
import { CoreHarness, rep } from "../helpers/core.js";
import { accept } from "./p-helpers.js";

/** `repId`, the only rep Available, takes a live chat and closes it (end, then wrap-up); returns its id. */
function handledBy(h: CoreHarness, repId: string): string {
  const id = h.start("live");
  accept(h, repId, id);
  h.ok(rep(repId), { type: "end", conversationId: id });
  h.ok(rep(repId), { type: "wrapup", conversationId: id, reasonId: "resolved" });
  h.advance(1_000);
  return id;
}

const sent = (h: CoreHarness, viewer: Parameters<typeof snapshot>[1]) =>
  snapshot(h.state, viewer).conversations.map((c) => `${c.id} ${c.state}`);

describe("a staff member's snapshot", () => {
  it("carries a rep's open work and their latest Closed conversations, in the order they were created, however many they closed", () => {
    const h = new CoreHarness();
    h.available("alice");
    // Seen once before alice's history grows, so that the index then follows every event.
    expect(sent(h, { role: "rep", id: "alice" })).toEqual([]);
    const closed = Array.from({ length: RECENTLY_CLOSED_IN_SNAPSHOT + 15 }, () => handledBy(h, "alice"));
    h.ok(rep("alice"), { type: "presence", presence: "offline" });
    h.available("bob");
    const bobs = handledBy(h, "bob");
    h.ok(rep("bob"), { type: "presence", presence: "offline" });
    h.available("alice");
    const active = h.start("live");
    accept(h, "alice", active);

    const latest = closed.slice(-RECENTLY_CLOSED_IN_SNAPSHOT).map((id) => `${id} closed`);
    expect(sent(h, { role: "rep", id: "alice" })).toEqual([...latest, `${active} active`]);
    expect(sent(h, { role: "rep", id: "bob" })).toEqual([`${bobs} closed`]);
    expect(sent(h, { role: "supervisor", id: "sam" })).toEqual([`${active} active`]);

    // A state seen for the first time (a replica loaded from a snapshot, say) builds the index from its records.
    const fresh = new CoreHarness();
    fresh.state = structuredClone(h.state);
    expect(sent(fresh, { role: "rep", id: "alice" })).toEqual([...latest, `${active} active`]);
  });
});
