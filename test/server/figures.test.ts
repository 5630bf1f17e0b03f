// The live figures over a real ws server: a supervisor's `figures` request is answered with what the server folded
// from its events (docs/reports.md, "Live figures"), and with `since` each rep's figures of the day; a rep cannot ask. The figures themselves are worked out in
// test/reports/live.test.ts; this checks what goes over the wire.
import { describe, expect, it } from "vitest";
import type { Figures } from "../../src/protocol/views.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { refusal, serverPerTest } from "../helpers/server.js";
import type { TestClient } from "../helpers/ws.js";

const { start, connect, token } = serverPerTest();

function open(id: string | null, role: "rep" | "supervisor" | "customer"): Promise<TestClient> {
  const hello = role === "customer" ? { role } : { role, token: id ? token(id) : "" };
  return connect(hello);
}

describe("live figures over the wire", () => {
  it("a supervisor asks and gets each queue's last hour and minutes, and the reps' occupancy; a rep may not ask", async () => {
    // 12:00:00 on the minute: the series' last minute is the one everything below happens in.
    const clock = new ManualClock(Date.UTC(2026, 11, 4, 12, 0, 0));
    await start({ clock });
    const alice = await open("alice", "rep");
    await alice.request({ type: "presence", presence: "available" });
    const first = await open(null, "customer");
    const { conversationId } = (await first.request({ type: "start", workstream: "live", text: "Hello" })) as {
      conversationId: string;
    };
    const offer = await alice.waitForOffer(conversationId);
    clock.advance(12_000);
    await alice.request({ type: "accept", offerId: offer.id });
    // Alice is not offered the second (she goes Busy first): its customer leaves after 20 s.
    await alice.request({ type: "presence", presence: "busy" });
    const second = await open(null, "customer");
    const started = (await second.request({ type: "start", workstream: "live", text: "Hi?" })) as {
      conversationId: string;
    };
    clock.advance(20_000);
    await second.request({ type: "end", conversationId: started.conversationId });
    clock.advance(8_000);

    const sam = await open("sam", "supervisor");
    const { figures } = (await sam.request({ type: "figures" })) as { figures: Figures };
    expect(figures.at).toBe(Date.UTC(2026, 11, 4, 12, 0, 40));
    expect(figures.since).toBe(Date.UTC(2026, 11, 4, 11, 1, 0));
    const general = figures.queues.find((q) => q.queueId === "general")!;
    expect(general).toMatchObject({
      answered: 1,
      abandoned: 1,
      serviceLevel: 50, // answered in 12 s, within the default 60 s; of answered 1 + abandoned 1
      asaSeconds: 12,
    });
    expect(general.arrivals.at(-1)).toBe(2);
    expect(general.arrivals.slice(0, -1).every((n) => n === null)).toBe(true); // before the server started
    expect(general.waiting.at(-1)).toBe(0);
    expect(general.waiting.slice(0, -1).every((n) => n === null)).toBe(true); // before the server started
    expect(general.serviceLevels.at(-1)).toBe(50);
    // Alice signed in 12:00:00–12:00:40, holding the first conversation from 12:00:12: 28 / 40.
    expect(figures.reps.find((r) => r.repId === "alice")).toEqual({ repId: "alice", occupancy: 70 });

    // With `since` (the supervisor's midnight), each rep's figures of the day as well: Alice accepted one.
    const midnight = Date.UTC(2026, 11, 4);
    const withToday = (await sam.request({ type: "figures", since: midnight })) as { figures: Figures };
    expect(withToday.figures.reps.find((r) => r.repId === "alice")).toEqual({
      repId: "alice",
      occupancy: 70,
      today: { since: midnight, accepted: 1, ended: 0, transferred: 0 },
    });
    expect(withToday.figures.reps.find((r) => r.repId === "bob")?.today).toEqual({
      since: midnight,
      accepted: 0,
      ended: 0,
      transferred: 0,
    });

    expect((await refusal(alice, { type: "figures" })).code).toBe("auth/forbidden");
  });
});
