// Live figures on a scripted morning: the real routing core (decide through the harness, a manual clock) produces the
// events, fed to the live figures as the server feeds them; every figure expected below is worked out by hand from
// the script, its arithmetic in the comment.
import { describe, expect, it } from "vitest";
import { CoreHarness, rep, testOrg, testWorkstream } from "../helpers/core.js";
import { createLiveFigures, LIVE_MINUTES, waitingByQueue } from "../../server/reports/live.js";

const AT = (hh: number, mm: number, ss = 0) => Date.UTC(2026, 11, 4, hh, mm, ss);

/**
 * The server starts at 09:00:00; alice signs in (Available), the only rep. General's target is 30 s.
 * A 09:01:00 arrives, offered to alice, accepted 09:01:20 (waited 20 s).
 * 09:02:00 alice goes Busy; B 09:02:10 arrives and waits; 09:03:10 alice Available, B offered, accepted 09:03:20
 *   (waited 70 s); alice is at capacity (2).
 * C 09:03:30 arrives and waits; the customer leaves at 09:04:10, unanswered.
 * D 09:05:00 arrives and waits; 09:06:00 alice ends A, wraps it up 09:06:30, D is offered, accepted 09:06:40 (waited
 *   100 s).
 */
function scriptedMorning() {
  const org = testOrg();
  org.workstreams[0] = testWorkstream({ id: "live", mode: "live", queueId: "general", serviceLevelSeconds: 30 });
  const h = new CoreHarness(org);
  h.now = AT(9, 0);
  const live = createLiveFigures(AT(9, 0), org);
  let fed = 0;
  /** What the server does after each commit: fold the new events, note how many wait. */
  const feed = () => {
    for (; fed < h.log.length; fed++) live.add(h.log[fed]!);
    live.sampleWaiting(waitingByQueue(h.state), h.now);
  };
  const at = (hh: number, mm: number, ss = 0) => {
    h.advance(AT(hh, mm, ss) - h.now);
    feed();
  };
  const accept = (conversationId: string) => {
    const offerId = h.offerFor("alice", conversationId);
    expect(offerId, `an offer of ${conversationId} to alice`).toBeDefined();
    h.ok(rep("alice"), { type: "accept", offerId: offerId! });
    feed();
  };

  h.available("alice");
  feed();
  at(9, 1);
  const a = h.start("live", "Hello");
  feed();
  at(9, 1, 20);
  accept(a);
  at(9, 2);
  h.ok(rep("alice"), { type: "presence", presence: "busy" });
  feed();
  at(9, 2, 10);
  h.start("live", "Anyone?");
  feed();
  at(9, 3, 10);
  h.available("alice");
  feed();
  at(9, 3, 20);
  accept(Object.values(h.state.offers).find((o) => o.status === "pending")!.conversationId);
  at(9, 3, 30);
  const c = h.start("live", "Hello?");
  feed();
  at(9, 4, 10);
  h.ok(h.customerOf(c), { type: "customer.end", conversationId: c });
  feed();
  at(9, 5);
  const d = h.start("live", "Hi");
  feed();
  at(9, 6);
  h.ok(rep("alice"), { type: "end", conversationId: a });
  feed();
  at(9, 6, 30);
  h.ok(rep("alice"), { type: "wrapup", conversationId: a, reasonId: "resolved" });
  feed();
  at(9, 6, 40);
  accept(d);
  return { h, org, live, at };
}

/** The series' index of a minute: the last of the 60 is the running one. */
const minuteIndex = (now: number, hh: number, mm: number) =>
  LIVE_MINUTES - 1 - (Math.floor(now / 60_000) - Math.floor(AT(hh, mm) / 60_000));

describe("live figures on a scripted morning", () => {
  it("at 09:10: each queue's last hour, its minutes, and the reps' occupancy", () => {
    const { live, org, at } = scriptedMorning();
    at(9, 10);
    const now = AT(9, 10);
    const figures = live.figures(now, org);
    expect(figures.at).toBe(now);
    expect(figures.since).toBe(AT(8, 11)); // 60 minutes ending with the running 09:10
    const general = figures.queues.find((q) => q.queueId === "general")!;
    expect(general.answered).toBe(3); // A, B, D
    expect(general.abandoned).toBe(1); // C
    expect(general.serviceLevel).toBe(25); // within 30 s: A only, of answered 3 + abandoned 1: 1 / 4
    expect(general.asaSeconds).toBe(63.3); // (20 + 70 + 100) / 3 = 63.33

    // Arrivals of each minute; nothing known before the server started at 09:00.
    const arrivals: (number | null)[] = new Array(60).fill(null);
    for (let mm = 0; mm <= 10; mm++) arrivals[minuteIndex(now, 9, mm)] = 0;
    for (const mm of [1, 2, 3, 5]) arrivals[minuteIndex(now, 9, mm)] = 1; // A, B, C, D
    expect(general.arrivals).toEqual(arrivals);

    const levels = new Array(60).fill(null);
    levels[minuteIndex(now, 9, 1)] = 100; // A answered in 20 s
    levels[minuteIndex(now, 9, 3)] = 0; // B answered in 70 s
    levels[minuteIndex(now, 9, 4)] = 0; // C abandoned
    levels[minuteIndex(now, 9, 6)] = 0; // D answered in 100 s
    expect(general.serviceLevels).toEqual(levels);

    // Waiting at the end of each minute; nothing known before the server started at 09:00.
    const waiting: (number | null)[] = new Array(60).fill(null);
    for (let mm = 0; mm <= 10; mm++) waiting[minuteIndex(now, 9, mm)] = 0;
    waiting[minuteIndex(now, 9, 2)] = 1; // B
    waiting[minuteIndex(now, 9, 3)] = 1; // C (B was answered)
    waiting[minuteIndex(now, 9, 5)] = 1; // D
    expect(general.waiting).toEqual(waiting);

    const billing = figures.queues.find((q) => q.queueId === "billing")!;
    expect(billing).toMatchObject({ answered: 0, abandoned: 0, serviceLevel: null, asaSeconds: null });

    // alice signed in 09:00:00–09:10:00 = 600 s, holding a conversation from 09:01:20 on (A, then B too, then D) = 520 s.
    expect(figures.reps).toEqual([
      { repId: "alice", occupancy: 86.7 }, // 520 / 600
      { repId: "bob", occupancy: null }, // never signed in
      { repId: "carol", occupancy: null },
    ]);
  });

  it("at 10:05: what left the hour is no longer counted, and only the hour's buckets are held", () => {
    const { live, org, at } = scriptedMorning();
    at(10, 5);
    const figures = live.figures(AT(10, 5), org);
    expect(figures.since).toBe(AT(9, 6));
    const general = figures.queues.find((q) => q.queueId === "general")!;
    // Only D's answer (09:06:40) is within 09:06–10:05: A, B, C and the arrivals are older.
    expect(general).toMatchObject({ answered: 1, abandoned: 0, serviceLevel: 0, asaSeconds: 100 });
    expect(general.arrivals.every((n) => n === 0)).toBe(true);
    // alice held B and D the whole window: 59 minutes of 59.
    expect(figures.reps[0]).toEqual({ repId: "alice", occupancy: 100 });
    // general's one bucket (09:06: D answered, A's wrap-up), alice's time in 09:06–10:04 (the running 10:05 has
    // none yet), and the waiting samples of 09:06 and 10:05.
    expect(live.buckets).toBe(1 + 59 + 2);
  });
});
