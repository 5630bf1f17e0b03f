// A new org applied to a running state (docs/org-file.md, "Reloading"): what it dropped becomes admin commands, and its
// `configured` event is an `org` change for every rep and supervisor, with the users they see.
import { describe, expect, it } from "vitest";
import { audienceOf } from "../../server/core/audience.js";
import { changesFor } from "../../server/core/changes.js";
import { droppedBy } from "../../server/core/decide/admin.js";
import { CoreHarness, rep, supervisor, system, testOrg } from "../helpers/core.js";

describe("a new org applied to a running state", () => {
  it("SPEC L4: configure deletes what the new org no longer lists, aborting its conversations, and names it", () => {
    const core = new CoreHarness();
    const base = testOrg();
    const org = testOrg({
      queues: base.queues.filter((q) => q.id !== "billing"),
      workstreams: base.workstreams.map((w) => (w.queueId === "billing" ? { ...w, queueId: "general" } : w)),
      users: base.users
        .filter((u) => u.id !== "bob")
        .map((u) => ({ ...u, queues: u.queues.filter((q) => q !== "billing") })),
    });
    core.available("alice");
    const id = core.start("persistent", "Is my invoice ready?", { id: "ann", name: "Ann Lee" });
    core.ok({ role: "rep", id: "alice" }, { type: "accept", offerId: core.offerFor("alice", id)! });
    expect(droppedBy(core.state, org)).toEqual([
      { kind: "queue", id: "billing" },
      { kind: "user", id: "bob" },
    ]);
    expect(core.ok(system, { type: "configure", org })).toEqual({ removed: ["queue billing", "user bob"] });
    expect(core.conversation(id).aborted).toBe("queue Billing was deleted");
    expect(core.events("queue_deleted")).toHaveLength(1);
    expect(core.events("user_deleted")).toHaveLength(1);
    expect(core.log.at(-1)?.type).toBe("configured");
    expect(droppedBy(core.state, org)).toEqual([]);
    expect(core.ok(system, { type: "configure", org })).toEqual({});
  });

  it("SPEC SV2: the configured event reaches every rep and supervisor as an org change, with the users each may see; customers get nothing", () => {
    const core = new CoreHarness();
    const base = testOrg();
    core.ok(system, {
      type: "configure",
      org: testOrg({
        supervisor: { ...base.supervisor, forceClose: false },
        users: base.users.map((u) => (u.id === "alice" ? { ...u, capacity: 4 } : u)),
      }),
    });
    const event = core.events("configured").at(-1)!;

    const audience = audienceOf(core.state, event);
    expect([...audience.users].sort()).toEqual(["alice", "bob", "carol", "sam"]);
    expect(audience.supervisors).toBe(true);

    const alice = changesFor(core.state, event, { role: "rep", id: "alice" }, new Set());
    expect(alice.map((c) => c.kind)).toEqual(["org", "user"]);
    expect(alice[0]).toMatchObject({ kind: "org", org: { supervisor: { forceClose: false } } });
    expect(alice[1]).toMatchObject({ kind: "user", user: { id: "alice", capacity: 4 } });

    const sam = changesFor(core.state, event, { role: "supervisor", id: "sam" }, new Set());
    expect(sam.map((c) => (c.kind === "user" ? c.user.id : c.kind))).toEqual(["org", "alice", "bob", "carol", "sam"]);

    expect(changesFor(core.state, event, { role: "customer", key: "visitor:1" }, new Set())).toEqual([]);
  });

  it("a removed rep's later changes (their aborted conversation force-closed) reach no supervisor: the team view let them go", () => {
    const core = new CoreHarness();
    core.available("bob");
    const id = core.start("live", "Hello");
    core.ok(rep("bob"), { type: "accept", offerId: core.offerFor("bob", id)! });
    const base = testOrg();
    core.ok(system, { type: "configure", org: testOrg({ users: base.users.filter((u) => u.id !== "bob") }) });
    core.ok(supervisor(), { type: "force_close", conversationId: id });
    const closed = core.events("closed").at(-1)!;
    const sam = changesFor(core.state, closed, { role: "supervisor", id: "sam" }, new Set([id]));
    expect(sam.filter((c) => c.kind === "user").map((c) => (c.kind === "user" ? c.user.id : ""))).not.toContain("bob");
  });
});
