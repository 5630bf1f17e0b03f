// A log is replayed from its start until its first snapshot. The org file may have dropped a rep its first events
// name since (SPEC L4): the log's own first org, recorded when it began, is where the replay starts, and the later
// `configured` event removes the rep in order. Before, a restart after kill -9 (no snapshot) failed with
// "evolve: unknown user", and `why` on a conversation of that rep did for good.
import { describe, expect, it } from "vitest";
import { InProcessBus } from "../../server/bus.js";
import type { Actor, State } from "../../server/core/model.js";
import type { Org } from "../../server/core/org.js";
import { silentLogger } from "../../server/logger.js";
import { openMemoryStore } from "../../server/store/memory-store.js";
import { whyFromLog } from "../../server/why-answer.js";
import { Writer } from "../../server/writer/writer.js";
import { rep, testOrg } from "../helpers/core.js";
import { ManualClock } from "../helpers/manual-clock.js";

describe("the org a log began with", () => {
  it("SPEC L4: a restart without a snapshot after a rep left the org file recovers, aborts their conversation and explains it", async () => {
    const store = await openMemoryStore<State>();
    const clock = new ManualClock();
    const open = (org: Org) =>
      Writer.open({ org, store, bus: new InProcessBus(store, 0), clock, logger: silentLogger });
    const ok = (writer: Writer, actor: Actor, command: Parameters<Writer["execute"]>[1]) => {
      const outcome = writer.execute(actor, command);
      if (!outcome.ok) throw new Error(outcome.error.message);
      return outcome.result ?? {};
    };

    const first = await open(testOrg());
    ok(first, rep("alice"), { type: "presence", presence: "available" });
    const started = ok(
      first,
      { role: "customer", key: "visitor-session:1" },
      {
        type: "customer.start",
        workstreamId: "live",
        identity: {},
        text: "Hello",
      },
    );
    const conversationId = started.conversationId as string;
    const offer = Object.values(first.state.offers).find((o) => o.conversationId === conversationId)!;
    ok(first, rep("alice"), { type: "accept", offerId: offer.id });
    await first.settle();
    // Stopped without a snapshot (kill -9): the next start replays the log from its beginning.
    expect(await store.loadSnapshot()).toBeUndefined();

    const withoutAlice = testOrg({ users: testOrg().users.filter((u) => u.id !== "alice") });
    const second = await open(withoutAlice);
    expect(second.state.users.alice?.deleted).toBe(true);
    expect(second.state.conversations[conversationId]?.aborted).toContain("removed");

    const why = await whyFromLog(
      store,
      withoutAlice,
      conversationId,
      () => clock.now(),
      () => false,
    );
    expect(why?.decisions.map((d) => d.chosen?.repId ?? null)).toContain("alice");
    await second.close();
  });
});
