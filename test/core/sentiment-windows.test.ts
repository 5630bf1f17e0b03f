// A conversation keeps its customer's latest sentiment steps (SPEC S9). There are only 399 such windows, so records
// share one frozen array per window instead of holding one each; a snapshot read back shares them too.
import { describe, expect, it } from "vitest";
import { upgradeState } from "../../server/core/evolve.js";
import type { State } from "../../server/core/model.js";
import { CoreHarness } from "../helpers/core.js";

describe("recent sentiment steps", () => {
  it("SPEC S9: conversations whose customers wrote in the same tone share one frozen window, and each follows its own", () => {
    const h = new CoreHarness();
    const say = (id: string, text: string) =>
      h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text });
    const [a, b] = [h.start("live", "Hello"), h.start("live", "Hello")];
    for (const id of [a, b]) say(id, "This is terrible, I am furious and angry, worst service ever!");
    const windowA = h.conversation(a).recentSentiments!;
    expect(windowA).toBe(h.conversation(b).recentSentiments);
    expect(Object.isFrozen(windowA)).toBe(true);
    expect(h.conversation(a).sentiment).toBe(h.conversation(b).sentiment);

    say(b, "thanks, great help, wonderful");
    expect(h.conversation(a).recentSentiments).toEqual(windowA);
    expect(h.conversation(b).recentSentiments).not.toEqual(windowA);

    const restored = upgradeState(JSON.parse(JSON.stringify(h.state)) as State);
    expect(restored.conversations[a]!.recentSentiments).toBe(windowA);
  });
});
