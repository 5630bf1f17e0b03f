// The server's fold for `why` over a real (in-memory) log with a snapshot in it: a conversation newer than
// the snapshot is folded from it, an older one from the start of the log, and both answers are the ones a fold of
// the whole log gives (SPEC L10).
import { describe, expect, it } from "vitest";
import { evolve, initialState } from "../../server/core/evolve.js";
import type { State } from "../../server/core/model.js";
import type { Org } from "../../server/core/org.js";
import { WhyFold } from "../../server/core/why.js";
import { openMemoryStore } from "../../server/store/memory-store.js";
import type { EventStore } from "../../server/store/store.js";
import { whyFromLog } from "../../server/why-answer.js";
import type { WhyAnswer } from "../../src/protocol/why.js";
import { CoreHarness, rep, testOrg } from "../helpers/core.js";

/** The answer a fold of the harness's whole log gives, from the start. */
function wholeLog(h: CoreHarness, org: Org, id: string): WhyAnswer {
  const state = initialState(org);
  const fold = new WhyFold(id);
  for (const event of h.log) {
    fold.see(state, event);
    evolve(state, event);
  }
  return fold.answer(state, h.now)!;
}

/** c1 offered to alice, rejected, offered to bob; a snapshot; then c2 arrives. */
async function logWithSnapshot(org: Org): Promise<{ h: CoreHarness; store: EventStore<State> }> {
  const h = new CoreHarness(org);
  const store = await openMemoryStore<State>();
  h.available("alice");
  h.advance(1000);
  h.available("bob");
  const first = h.start("live", "first");
  h.ok(rep("alice"), { type: "reject", offerId: h.offerFor("alice", first)! });
  store.append(h.log, { expectedSeq: 0 });
  await store.saveSnapshot({ seq: h.state.seq, state: h.state });
  const written = h.log.length;
  h.advance(1000);
  h.start("live", "second");
  store.append(h.log.slice(written), { expectedSeq: h.log[written - 1]!.seq });
  await store.commit();
  return { h, store };
}

describe("why from the log", () => {
  it("SPEC L10: answers as a fold of the whole log does, from the snapshot for a newer conversation and from the start for an older one", async () => {
    const org = testOrg();
    const { h, store } = await logWithSnapshot(org);
    const ask = (id: string, from: Org) =>
      whyFromLog(
        store,
        from,
        id,
        () => h.now,
        () => false,
      );

    expect(await ask("c1", org)).toEqual(wholeLog(h, org, "c1"));
    expect(await ask("c2", org)).toEqual(wholeLog(h, org, "c2"));

    // The org given is the log's start: only the older conversation, folded from there, is explained with it.
    const renamed = testOrg({
      users: org.users.map((u) => (u.id === "carol" ? { ...u, name: "Carol from the org file" } : u)),
    });
    const carolIn = (answer: WhyAnswer | null) => answer!.decisions[0]!.reps.find((r) => r.repId === "carol")!.name;
    expect(carolIn(await ask("c1", renamed))).toBe("Carol from the org file");
    expect(carolIn(await ask("c2", renamed))).toBe("Carol Tanaka");
  });

  it("is null for a conversation the log does not hold", async () => {
    const org = testOrg();
    const { h, store } = await logWithSnapshot(org);
    expect(
      await whyFromLog(
        store,
        org,
        "c9",
        () => h.now,
        () => false,
      ),
    ).toBeNull();
  });
});
