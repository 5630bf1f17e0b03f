// Presence reasons (Busy · Lunch) and a supervisor setting a rep's presence, on the routing core: SPEC L2 (only
// Available reps get offers; RONA until set Available by hand), S2 (presence), SV2 (a supervisor action is enabled
// by its own setting and refused when off).
import { describe, expect, it } from "vitest";
import type { Org } from "../../server/core/org.js";
import { changesFor } from "../../server/core/changes.js";
import { orgView } from "../../server/core/org-views.js";
import { snapshot } from "../../server/core/snapshot.js";
import type { Change } from "../../src/protocol/views.js";
import type { PresenceReasons } from "../../src/protocol/vocabulary.js";
import { CoreHarness, rep, supervisor, testOrg } from "../helpers/core.js";
import { eventsOf, refusal, repChanges } from "./p-helpers.js";

const REASONS: PresenceReasons = {
  busy: [
    { id: "lunch", label: "Lunch" },
    { id: "training", label: "Training" },
  ],
  away: [{ id: "meeting", label: "Meeting" }],
};

function reasonsOrg(setPresence: boolean): Org {
  const org = testOrg({ presenceReasons: REASONS });
  return { ...org, supervisor: { ...org.supervisor, setPresence } };
}

const supervisorChanges = (h: CoreHarness, events: Parameters<typeof repChanges>[2]): Change[] =>
  events.flatMap((e) => changesFor(h.state, e, { role: "supervisor", id: "sam" }, new Set()));

describe("presence reasons", () => {
  it("SPEC S2: a rep sets Busy with the org's reason Lunch; it is stored with the presence and its since-time", () => {
    // given alice Available at t0
    const h = new CoreHarness(reasonsOrg(false));
    h.available("alice");
    const t0 = h.now;

    // when, ten minutes later, she sets Busy · Lunch
    h.now += 10 * 60_000;
    const events = eventsOf(h, rep("alice"), { type: "presence", presence: "busy", reasonId: "lunch" });

    // then the event carries the reason, and what she and a supervisor see says Busy · Lunch since now
    expect(events).toContainEqual(
      expect.objectContaining({ type: "presence_changed", presence: "busy", reasonId: "lunch" }),
    );
    const me = snapshot(h.state, { role: "rep", id: "alice" }).me!;
    expect(me).toMatchObject({ presence: "busy", presenceReason: { id: "lunch", label: "Lunch" } });
    expect(me.presenceSince).toBe(t0 + 10 * 60_000);
    const seen = supervisorChanges(h, events).find((c) => c.kind === "user" && c.user.id === "alice");
    expect(seen).toMatchObject({ user: { presenceReason: { label: "Lunch" }, presenceSince: t0 + 10 * 60_000 } });

    // when she picks the same presence and reason again later, the time in it does not restart
    h.now += 5 * 60_000;
    expect(eventsOf(h, rep("alice"), { type: "presence", presence: "busy", reasonId: "lunch" })).toEqual([]);
    expect(h.state.users.alice!.presenceSince).toBe(t0 + 10 * 60_000);

    // when she changes only the reason (Training), the time restarts; Available then clears the reason
    eventsOf(h, rep("alice"), { type: "presence", presence: "busy", reasonId: "training" });
    expect(snapshot(h.state, { role: "rep", id: "alice" }).me).toMatchObject({
      presenceReason: { label: "Training" },
      presenceSince: t0 + 15 * 60_000,
    });
    h.available("alice");
    expect(snapshot(h.state, { role: "rep", id: "alice" }).me!.presenceReason).toBeUndefined();
  });

  it("SPEC L2: a rep who goes Busy · Lunch with an offer pending has it withdrawn and offered on; she keeps Busy · Lunch, not RONA", () => {
    // given alice offered a chat and bob Available behind her
    const h = new CoreHarness(reasonsOrg(false));
    h.available("alice");
    const id = h.start("live", "hello?");
    h.available("bob");
    expect(h.offerFor("alice", id)).toBeDefined();

    // when she sets Busy · Lunch before answering
    const events = eventsOf(h, rep("alice"), { type: "presence", presence: "busy", reasonId: "lunch" });

    // then her offer is withdrawn and bob is offered the chat
    expect(events).toContainEqual(
      expect.objectContaining({ type: "offer_ended", repId: "alice", status: "withdrawn" }),
    );
    expect(h.offerFor("alice")).toBeUndefined();
    expect(h.offerFor("bob", id)).toBeDefined();

    // and long after the offer would have timed out she is still Busy · Lunch
    h.advance(10 * 60_000);
    h.ok({ role: "system" }, { type: "tick" });
    expect(h.state.users["alice"]).toMatchObject({ presence: "busy", presenceReasonId: "lunch" });
  });

  it("SPEC L2: a reason is one the org lists for that presence; anything else is refused and changes nothing", () => {
    // given alice Available
    const h = new CoreHarness(reasonsOrg(false));
    h.available("alice");

    // when she gives Away's reason with Busy, an unknown reason, or a reason with Available
    const wrong = refusal(h, rep("alice"), { type: "presence", presence: "busy", reasonId: "meeting" });
    const unknown = refusal(h, rep("alice"), { type: "presence", presence: "away", reasonId: "gym" });
    const none = refusal(h, rep("alice"), { type: "presence", presence: "available", reasonId: "lunch" });

    // then each is refused with the org's list, and she is still Available
    expect(wrong).toEqual({
      code: "presence/unknown_reason",
      message: '"meeting" is not a reason for busy; the organisation lists Lunch, Training.',
    });
    expect(unknown.code).toBe("presence/unknown_reason");
    expect(none).toEqual({
      code: "presence/unknown_reason",
      message: "The organisation lists no reasons for available.",
    });
    expect(h.presence("alice")).toBe("available");
  });

  it("the org's reasons reach staff in the org view, not customers", () => {
    const h = new CoreHarness(reasonsOrg(false));
    expect(orgView(h.state).presenceReasons).toEqual(REASONS);
    expect(orgView(h.state, false).presenceReasons).toBeUndefined();
    expect(orgView(h.state).supervisor.setPresence).toBe(false);
  });
});

describe("a supervisor sets a rep's presence", () => {
  it("SPEC SV2: with the org's setPresence off, a supervisor's set_presence is refused and the rep keeps hers", () => {
    // given an org that does not allow it, and alice Busy · Lunch
    const h = new CoreHarness(reasonsOrg(false));
    h.ok(rep("alice"), { type: "presence", presence: "busy", reasonId: "lunch" });

    // when sam sets her Offline
    const refused = refusal(h, supervisor(), { type: "set_presence", userId: "alice", presence: "offline" });

    // then it is refused with the setting's words, and she is still Busy · Lunch
    expect(refused).toEqual({
      code: "supervisor/set_presence_disabled",
      message: "Setting a rep's presence is turned off for this organisation.",
    });
    expect(h.state.users.alice).toMatchObject({ presence: "busy", presenceReasonId: "lunch" });
  });

  it("SPEC SV2: a rep cannot set another rep's presence: set_presence is for supervisors", () => {
    const h = new CoreHarness(reasonsOrg(true));
    h.available("alice");
    expect(h.refused(rep("bob"), { type: "set_presence", userId: "alice", presence: "offline" })).toBe(
      "auth/forbidden",
    );
    expect(h.presence("alice")).toBe("available");
  });

  it("SPEC SV2: with it on, a supervisor signs out a rep who left: Offline, her routing offer goes to another rep", () => {
    // given alice offered a chat and bob Available behind her
    const h = new CoreHarness(reasonsOrg(true));
    h.available("alice");
    const id = h.start("live", "hello?");
    h.available("bob");
    expect(h.offerFor("alice", id)).toBeDefined();

    // when sam sets alice Offline
    const events = eventsOf(h, supervisor(), { type: "set_presence", userId: "alice", presence: "offline" });

    // then she is Offline, the event names sam, her offer is withdrawn and bob is offered the chat
    expect(events[0]).toMatchObject({ type: "presence_changed", userId: "alice", presence: "offline", by: "sam" });
    expect(h.presence("alice")).toBe("offline");
    expect(h.offerFor("alice")).toBeUndefined();
    expect(h.offerFor("bob", id)).toBeDefined();

    // and alice (on any console she still has open) is told who did it
    const notices = repChanges(h, "alice", events).filter((c) => c.kind === "notice");
    expect(notices.map((n) => n.kind === "notice" && n.text)).toEqual([
      "Sam Rivera set your presence to Offline.",
      "The offer was withdrawn.",
    ]);
    // nobody else gets that notice
    expect(repChanges(h, "bob", events).filter((c) => c.kind === "notice" && c.code === "presence_set")).toEqual([]);
  });

  it("SPEC L2: a rep left in RONA is made Available again by a supervisor, is offered work again and is told", () => {
    // given alice, who let an offer time out (RONA), and a chat waiting
    const h = new CoreHarness(reasonsOrg(true));
    h.available("alice");
    h.start("live", "first");
    h.advance(30_000);
    expect(h.presence("alice")).toBe("rona");
    const next = h.start("live", "second");
    expect(h.offerFor("alice")).toBeUndefined();

    // when sam sets her Available
    const events = eventsOf(h, supervisor(), { type: "set_presence", userId: "alice", presence: "available" });

    // then she is Available, the waiting chat is offered to her, and she is told who did it
    expect(h.presence("alice")).toBe("available");
    expect(h.offerFor("alice", next)).toBeDefined();
    expect(repChanges(h, "alice", events).filter((c) => c.kind === "notice")).toContainEqual({
      kind: "notice",
      code: "presence_set",
      text: "Sam Rivera set your presence to Available.",
    });
    // and the supervisor's view of her says Available with the time it changed
    const user = supervisorChanges(h, events).find((c) => c.kind === "user" && c.user.id === "alice");
    expect(user).toMatchObject({ user: { presence: "available", presenceSince: h.now } });
  });

  it("SPEC SV2: a supervisor may give a reason too (Away · Meeting); the notice names it; RONA stays the system's", () => {
    const h = new CoreHarness(reasonsOrg(true));
    h.available("bob");
    const events = eventsOf(h, supervisor(), {
      type: "set_presence",
      userId: "bob",
      presence: "away",
      reasonId: "meeting",
    });
    expect(repChanges(h, "bob", events).find((c) => c.kind === "notice")).toEqual({
      kind: "notice",
      code: "presence_set",
      text: "Sam Rivera set your presence to Away · Meeting.",
    });
    expect(h.refused(supervisor(), { type: "set_presence", userId: "bob", presence: "rona" })).toBe("presence/invalid");
    expect(h.refused(supervisor(), { type: "set_presence", userId: "nobody", presence: "offline" })).toBe(
      "rep/not_found",
    );
  });
});
