// The command channel (server/command-channel.ts) over the writer: a submitted command's outcome comes back only
// once its events are committed and published on the bus, and outcomes come back in the order submitted.
import { describe, expect, it } from "vitest";
import { InProcessBus } from "../../server/bus.js";
import { InProcessCommandChannel } from "../../server/command-channel.js";
import type { CommandOutcome } from "../../server/command-channel.js";
import { silentLogger } from "../../server/logger.js";
import { openMemoryStore } from "../../server/store/memory-store.js";
import type { State } from "../../server/core/model.js";
import { Writer } from "../../server/writer/writer.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { rep, testOrg } from "../helpers/core.js";
import { waitFor } from "../helpers/ws.js";

async function setUp() {
  const store = await openMemoryStore<State>();
  const bus = new InProcessBus(store, 0);
  const writer = await Writer.open({ org: testOrg(), store, bus, clock: new ManualClock(), logger: silentLogger });
  const heard: string[] = [];
  bus.subscribe(await store.lastSeq(), (events) => {
    for (const e of events) heard.push(`published ${e.type}`);
  });
  return { store, writer, heard, channel: new InProcessCommandChannel(writer) };
}

describe("command channel, in process", () => {
  it("hands back a command's outcome after its events are committed and published", async () => {
    const { store, heard, channel } = await setUp();
    const before = await store.lastSeq();
    let outcome: CommandOutcome | null = null;
    channel.submit(rep("alice"), { type: "presence", presence: "available" }, (o) => {
      heard.push("outcome");
      outcome = o;
    });
    expect(outcome).toBeNull();
    await waitFor(() => outcome !== null);
    expect(outcome).toMatchObject({ ok: true });
    expect(heard).toEqual(["published presence_changed", "outcome"]);
    expect(await store.lastSeq()).toBe(before + 1);
  });

  it("hands back outcomes in the order submitted, a refusal behind the command before it", async () => {
    const { channel, heard } = await setUp();
    const outcomes: string[] = [];
    channel.submit(rep("alice"), { type: "presence", presence: "available" }, (o) =>
      outcomes.push(o.ok ? "presence ok" : o.error.code),
    );
    channel.submit(rep("alice"), { type: "accept", offerId: "no-such-offer" }, (o) =>
      outcomes.push(o.ok ? "accept ok" : o.error.code),
    );
    await channel.settle();
    expect(outcomes).toEqual(["presence ok", "offer/not_found"]);
    expect(heard).toEqual(["published presence_changed"]);
  });
});
