// SPEC L2 (only Available reps get offers; RONA) and S2 (presence follows capacity when the org says
// so) on the routing core, with the selection policy's stable tie-break.
import { describe, expect, it } from "vitest";
import type { Presence } from "../../server/core/model.js";
import { CoreHarness, rep, testOrg, testWorkstream } from "../helpers/core.js";
import { accept, eventsOf, repChanges } from "./p-helpers.js";

const OFFER_TIMEOUT = 30_000;

/** alice and bob in the general queue only (capacity 2); carol stays Offline unless a test says otherwise. */
const manualPresenceOrg = () => testOrg({ autoBusyAtCapacity: false });

describe("SPEC L2: only an Available rep receives offers", () => {
  for (const presence of ["busy", "dnd", "away", "offline"] as const satisfies readonly Presence[]) {
    it(`SPEC L2: a rep who is ${presence} gets no offer; an Available rep does`, () => {
      // given alice in <presence> and bob Available, both free and in the queue
      const h = new CoreHarness();
      h.available("alice");
      h.ok(rep("alice"), { type: "presence", presence });
      h.available("bob");

      // when a live chat arrives
      const id = h.start("live", "hi");

      // then only bob is offered it
      expect(h.offerFor("alice")).toBeUndefined();
      expect(h.offerFor("bob", id)).toBeDefined();
    });
  }

  it("SPEC L2: with no Available rep the conversation waits in the queue and is offered the moment a rep becomes Available", () => {
    // given alice Busy, bob Away, carol Offline
    const h = new CoreHarness();
    h.ok(rep("alice"), { type: "presence", presence: "busy" });
    h.ok(rep("bob"), { type: "presence", presence: "away" });

    // when a live chat arrives
    const id = h.start("live", "hi");

    // then it waits, Open, in the queue, offered to nobody
    expect(h.conversation(id).state).toBe("open");
    expect([...h.state.queues.general!.open]).toEqual([id]);
    expect(h.events("offered")).toHaveLength(0);

    // when time passes, nothing changes
    h.advance(5 * 60_000);
    expect(h.events("offered")).toHaveLength(0);

    // when bob sets himself Available
    h.available("bob");

    // then he is offered it in the same step
    expect(h.offerFor("bob", id)).toBeDefined();
  });

  it("SPEC L2: a waiting conversation is offered the moment a rep's capacity frees", () => {
    // given alice Available with her 2 units full (the org does not switch her to Busy), and nobody else Available
    const h = new CoreHarness(manualPresenceOrg());
    h.available("alice");
    const first = h.start("live", "one");
    accept(h, "alice", first);
    accept(h, "alice", h.start("live", "two"));
    expect(h.used("alice")).toBe(2);
    expect(h.presence("alice")).toBe("available");

    // when a third chat arrives
    const third = h.start("live", "three");
    // then it waits: she has no free capacity
    expect(h.offerFor("alice")).toBeUndefined();
    expect(h.conversation(third).state).toBe("open");

    // when she ends one and submits the wrap-up reason
    h.ok(rep("alice"), { type: "end", conversationId: first });
    // then the wrap-up still holds the unit
    expect(h.offerFor("alice")).toBeUndefined();
    h.ok(rep("alice"), { type: "wrapup", conversationId: first, reasonId: "resolved" });

    // then the waiting chat is offered to her at once
    expect(h.offerFor("alice", third)).toBeDefined();
  });

  it("SPEC L2: a pending offer counts against capacity; rejecting it frees the unit for the next waiting chat", () => {
    // given alice with capacity 1 and nobody else Available
    const h = new CoreHarness(
      testOrg({ users: [{ id: "alice", name: "Alice Moreau", role: "rep", capacity: 1, queues: ["general"] }] }),
    );
    h.available("alice");
    const first = h.start("live", "one");
    const second = h.start("live", "two");
    expect(h.offerFor("alice", first)).toBeDefined();
    expect(h.offerFor("alice", second)).toBeUndefined();

    // when she rejects the first offer
    h.ok(rep("alice"), { type: "reject", offerId: h.offerFor("alice", first)! });

    // then the second chat is offered to her
    expect(h.offerFor("alice", second)).toBeDefined();
  });

  it("SPEC L2: a rep going Away, Offline or Busy-DND loses their pending offer to the next Available rep", () => {
    // given a chat offered to alice, bob also Available
    const h = new CoreHarness();
    h.available("alice");
    h.available("bob");
    const id = h.start("live", "hi");
    expect(h.offerFor("alice", id)).toBeDefined();

    // when alice goes Away
    h.ok(rep("alice"), { type: "presence", presence: "away" });

    // then her offer is withdrawn and bob gets it
    expect(h.offerFor("alice")).toBeUndefined();
    expect(h.offerFor("bob", id)).toBeDefined();
  });

  it("SPEC L2: a rep who rejects an offer stays Available and the offer passes to the next rep", () => {
    // given a chat offered to alice, bob also Available
    const h = new CoreHarness();
    h.available("alice");
    h.available("bob");
    const id = h.start("live", "hi");

    // when alice rejects it
    h.ok(rep("alice"), { type: "reject", offerId: h.offerFor("alice", id)! });

    // then bob is offered it, and alice is still Available (rejecting is not RONA)
    expect(h.offerFor("bob", id)).toBeDefined();
    expect(h.presence("alice")).toBe("available");

    // when carol comes and bob rejects it too
    h.available("carol");
    h.ok(rep("bob"), { type: "reject", offerId: h.offerFor("bob", id)! });

    // then it is not bounced back to alice while carol, who never declined it, is free: carol gets it
    expect(h.offerFor("alice", id)).toBeUndefined();
    expect(h.offerFor("carol", id)).toBeDefined();
  });

  it("SPEC L2: once every free rep of its queue declined a chat, the declines are forgotten and it is offered again", () => {
    // given: alice and bob both rejected the chat; nobody else is Available
    const h = new CoreHarness();
    h.available("alice", "bob");
    const id = h.start("live", "hi");
    h.ok(rep("alice"), { type: "reject", offerId: h.offerFor("alice", id)! });
    h.ok(rep("bob"), { type: "reject", offerId: h.offerFor("bob", id)! });

    // then: it does not wait while both are Available with room: routing starts over, longest idle first (alice)
    expect(h.events("declines_forgotten")).toHaveLength(1);
    expect(h.conversation(id).declinedBy).toEqual([]);
    expect(h.offerFor("alice", id)).toBeDefined();

    // and a rep is offered other work before a chat they declined
    const next = h.start("live", "next");
    h.ok(rep("alice"), { type: "reject", offerId: h.offerFor("alice", id)! });
    expect(h.offerFor("bob", id)).toBeDefined();
    expect(h.offerFor("alice", next)).toBeDefined();
  });

  it("SPEC L2: a rep who lets an offer time out goes to RONA and the next rep is offered it", () => {
    // given a chat offered to alice (30 s offer timeout), bob also Available
    const h = new CoreHarness();
    h.available("alice");
    h.advance(1000);
    h.available("bob");
    const id = h.start("live", "hi");
    expect(h.offerFor("alice", id)).toBeDefined();
    expect(h.deadline()).toBe(h.now + OFFER_TIMEOUT);

    // when 29 seconds pass, nothing happens
    h.advance(OFFER_TIMEOUT - 1000);
    expect(h.offerFor("alice", id)).toBeDefined();

    // when the offer times out
    h.advance(1000);

    // then alice is RONA, her offer ended as timed out, and bob is offered the chat
    expect(h.presence("alice")).toBe("rona");
    expect(h.events("offer_ended").at(-1)).toMatchObject({ repId: "alice", conversationId: id, status: "timed_out" });
    expect(h.offerFor("bob", id)).toBeDefined();
    expect(h.used("alice")).toBe(0);
  });

  it("SPEC L2: a RONA rep is told, gets no further offers, and must set Available again by hand", () => {
    // given alice, who let an offer time out, and nobody else Available
    const h = new CoreHarness();
    h.available("alice");
    h.start("live", "first");
    h.now += OFFER_TIMEOUT;
    const tick = eventsOf(h, { role: "system" }, { type: "tick" });

    // then she is RONA and told how to get out of it
    expect(h.presence("alice")).toBe("rona");
    const notices = repChanges(h, "alice", tick).filter((c) => c.kind === "notice");
    expect(notices).toContainEqual(expect.objectContaining({ kind: "notice", code: "rona" }));

    // when new chats arrive and an hour passes
    const next = h.start("live", "second");
    h.advance(60 * 60_000);

    // then she is still RONA and offered nothing: RONA does not wear off by itself
    expect(h.presence("alice")).toBe("rona");
    expect(h.offerFor("alice")).toBeUndefined();

    // when she tries to set RONA herself, it is refused; RONA is the system's
    expect(h.refused(rep("alice"), { type: "presence", presence: "rona" })).toBe("presence/invalid");

    // when she sets herself Available by hand
    h.available("alice");

    // then offers reach her again
    expect(h.presence("alice")).toBe("available");
    expect(h.offerFor("alice", next)).toBeDefined();
  });

  it("SPEC L2: a conversation waiting behind one that only its former rep could take is still offered to a free rep", () => {
    // given alice (capacity 2) transferred a live chat back to the queue and is wrapping it up (1 unit),
    // and nobody else is Available: that chat cannot go back to her
    const h = new CoreHarness(manualPresenceOrg());
    h.available("alice");
    const transferred = h.start("live", "one");
    accept(h, "alice", transferred);
    h.ok(rep("alice"), { type: "transfer", conversationId: transferred, target: { kind: "queue", id: "general" } });
    expect(h.conversation(transferred).state).toBe("open");
    expect(h.used("alice")).toBe(1);

    // when a new live chat arrives behind it
    const fresh = h.start("live", "two");

    // then alice, who has a free unit, is offered the new chat
    expect(h.offerFor("alice", fresh)).toBeDefined();
    expect(h.offerFor("alice", transferred)).toBeUndefined();
  });

  it("SPEC L2: a rep with no free unit is still offered a chat of a workstream that costs nothing, even behind a waiting one", () => {
    // given a live workstream costing 1 unit and one costing 0 on the same queue, and alice's 2 units full
    const h = new CoreHarness(
      testOrg({
        autoBusyAtCapacity: false,
        workstreams: [
          testWorkstream({ id: "live", mode: "live", queueId: "general" }),
          testWorkstream({ id: "free", mode: "live", queueId: "general", capacityCost: 0 }),
        ],
      }),
    );
    h.available("alice");
    accept(h, "alice", h.start("live", "one"));
    accept(h, "alice", h.start("live", "two"));
    const waiting = h.start("live", "three");
    expect(h.offerFor("alice", waiting)).toBeUndefined();

    // when a chat of the cost-free workstream arrives behind the waiting one
    const free = h.start("free", "quick question");

    // then alice is offered it
    expect(h.offerFor("alice", free)).toBeDefined();
  });
});

describe("SPEC L2: stable tie-break between eligible reps", () => {
  it("SPEC L2: the rep idle the longest is offered first", () => {
    // given carol Available first, then bob a second later, then alice
    const h = new CoreHarness();
    h.available("carol");
    h.advance(1000);
    h.available("bob");
    h.advance(1000);
    h.available("alice");

    // when three live chats arrive one after the other and each is accepted
    const offeredTo: string[] = [];
    for (const text of ["one", "two", "three"]) {
      const id = h.start("live", text);
      const to = Object.values(h.state.offers).find((o) => o.conversationId === id)!.repId;
      offeredTo.push(to);
      accept(h, to, id);
    }

    // then they go to carol, bob and alice in the order they became idle
    expect(offeredTo).toEqual(["carol", "bob", "alice"]);
  });

  it("SPEC L2: finishing work makes a rep idle again from that moment", () => {
    // given alice and bob (capacity 1 each) who each handled a chat; bob finished a second before alice
    const h = new CoreHarness(
      testOrg({
        autoBusyAtCapacity: false,
        users: [
          { id: "alice", name: "Alice Moreau", role: "rep", capacity: 1, queues: ["general"] },
          { id: "bob", name: "Bob Okafor", role: "rep", capacity: 1, queues: ["general"] },
        ],
      }),
    );
    h.available("alice", "bob");
    const a = h.start("live", "one");
    accept(h, "alice", a);
    const b = h.start("live", "two");
    accept(h, "bob", b);
    h.advance(1000);
    h.ok(rep("bob"), { type: "end", conversationId: b });
    h.ok(rep("bob"), { type: "wrapup", conversationId: b, reasonId: "resolved" });
    h.advance(1000);
    h.ok(rep("alice"), { type: "end", conversationId: a });
    h.ok(rep("alice"), { type: "wrapup", conversationId: a, reasonId: "resolved" });

    // when the next chat arrives
    const next = h.start("live", "three");

    // then bob, idle the longest, gets it, although alice's id is smaller
    expect(h.offerFor("bob", next)).toBeDefined();
    expect(h.offerFor("alice")).toBeUndefined();
  });

  it("SPEC L2: on equal idle time the smallest rep id wins, whatever the order of users in the org", () => {
    // given an org listing its reps in reverse order, all made Available at the same instant
    const org = testOrg();
    const h = new CoreHarness(testOrg({ users: [...org.users].reverse() }));
    h.available("carol", "bob", "alice");

    // when a live chat arrives
    const id = h.start("live", "hi");

    // then alice (smallest id) is offered it
    expect(h.offerFor("alice", id)).toBeDefined();
  });
});

describe("SPEC S2: presence follows capacity when the admin says so", () => {
  it("SPEC S2: a rep whose capacity fills is set Busy automatically, and gets no more offers", () => {
    // given the org sets Busy at full capacity, alice (capacity 2) and bob Available
    const h = new CoreHarness();
    h.available("alice");
    h.advance(1000);
    h.available("bob");

    // when alice accepts one chat, she is still Available
    accept(h, "alice", h.start("live", "one"));
    expect(h.presence("alice")).toBe("available");
    h.ok(rep("bob"), { type: "presence", presence: "busy" });

    // when she accepts a second, filling her capacity
    const second = h.start("live", "two");
    const events = eventsOf(h, rep("alice"), { type: "accept", offerId: h.offerFor("alice", second)! });

    // then the session start sets her Busy, marked as automatic
    expect(h.presence("alice")).toBe("busy");
    expect(h.state.users.alice!.autoBusy).toBe(true);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "presence_changed",
        userId: "alice",
        presence: "busy",
        auto: true,
        reason: "capacity",
      }),
    );
  });

  it("SPEC S2: a rep set Busy by capacity is Available again as soon as capacity frees, and gets the waiting chat", () => {
    // given alice auto-Busy at full capacity, nobody else Available, and a chat waiting
    const h = new CoreHarness();
    h.available("alice");
    const first = h.start("live", "one");
    accept(h, "alice", first);
    accept(h, "alice", h.start("live", "two"));
    expect(h.presence("alice")).toBe("busy");
    const waiting = h.start("live", "three");
    expect(h.offerFor("alice")).toBeUndefined();

    // when she ends one; the wrap-up still holds the unit
    h.ok(rep("alice"), { type: "end", conversationId: first });
    expect(h.presence("alice")).toBe("busy");

    // when she submits the wrap-up reason
    h.ok(rep("alice"), { type: "wrapup", conversationId: first, reasonId: "resolved" });

    // then she is Available again, and the waiting chat is offered to her
    expect(h.presence("alice")).toBe("available");
    expect(h.offerFor("alice", waiting)).toBeDefined();
  });

  it("SPEC S2: closing a persistent chat to Waiting frees capacity and lifts the automatic Busy", () => {
    // given alice auto-Busy with two persistent chats
    const h = new CoreHarness();
    h.available("alice");
    const one = h.start("persistent", "one", { id: "c-1" });
    accept(h, "alice", one);
    accept(h, "alice", h.start("persistent", "two", { id: "c-2" }));
    expect(h.presence("alice")).toBe("busy");

    // when she closes one to Waiting
    h.ok(rep("alice"), { type: "close", conversationId: one });

    // then she is Available again
    expect(h.used("alice")).toBe(1);
    expect(h.presence("alice")).toBe("available");
  });

  it("SPEC S2: a Busy the rep chose herself is not lifted when capacity frees", () => {
    // given alice auto-Busy at full capacity who then chooses Busy herself
    const h = new CoreHarness();
    h.available("alice");
    const first = h.start("live", "one");
    accept(h, "alice", first);
    accept(h, "alice", h.start("live", "two"));
    h.ok(rep("alice"), { type: "presence", presence: "busy" });
    expect(h.state.users.alice!.autoBusy).toBe(false);

    // when capacity frees
    h.ok(rep("alice"), { type: "end", conversationId: first });
    h.ok(rep("alice"), { type: "wrapup", conversationId: first, reasonId: "resolved" });

    // then she stays Busy and gets no offers
    expect(h.presence("alice")).toBe("busy");
    h.start("live", "three");
    expect(h.offerFor("alice")).toBeUndefined();
  });

  it("SPEC S2: when the org does not ask for it, presence does not change with capacity", () => {
    // given the org leaves presence alone
    const h = new CoreHarness(manualPresenceOrg());
    h.available("alice");

    // when alice fills her capacity
    accept(h, "alice", h.start("live", "one"));
    accept(h, "alice", h.start("live", "two"));

    // then she stays Available (offers still stop: she has no free capacity)
    expect(h.presence("alice")).toBe("available");
    expect(
      h.events("presence_changed").filter((e) => e.type === "presence_changed" && e.reason === "capacity"),
    ).toHaveLength(0);
  });

  it("SPEC S2: a pending offer does not count towards the automatic Busy; accepting it does", () => {
    // given alice (capacity 2) handling one chat and offered a second
    const h = new CoreHarness();
    h.available("alice");
    accept(h, "alice", h.start("live", "one"));
    const second = h.start("live", "two");
    expect(h.used("alice")).toBe(2);

    // then while the offer is pending she is still Available
    expect(h.presence("alice")).toBe("available");

    // when she accepts it
    accept(h, "alice", second);

    // then she is Busy
    expect(h.presence("alice")).toBe("busy");
  });
});
