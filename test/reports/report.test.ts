// The report on a scripted day: the real routing core (decide through the harness, a manual clock) produces the
// events; every figure expected below is worked out by hand from the script, its arithmetic in the comment.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CoreHarness, rep, supervisor, testOrg, testWorkstream } from "../helpers/core.js";
import { tempDir } from "../helpers/server.js";
import { createFold, createGroupedFold } from "../../server/reports/fold.js";
import { openLogReader } from "../../server/reports/read-log.js";
import { GROUP_BYS, computeReport, renderCsv, renderTable } from "../../server/reports/report.js";
import type { DomainEvent } from "../../server/core/model.js";
import type { StoredEvent } from "../../server/store/store.js";
import { openSqliteStore } from "../../server/store/sqlite-store.js";
import type { GroupBy, ReportRow } from "../../server/reports/report.js";

const DAY = (hh: number, mm: number, ss = 0) => Date.UTC(2026, 11, 4, hh, mm, ss);

/**
 * 09:00 alice and bob sign in (Available). The live workstream (queue general) has a 30 s service-level target;
 *   alice serves general only, bob general and billing.
 * A 09:10:00 arrives, offered to alice, accepted 09:10:20, her first reply 09:10:50; 09:15 she invites bob to a
 *   conference (he joins 09:15:10); 09:20 she ends it; bob wraps up "other" 09:20:30, alice "resolved" 09:21:00.
 * B 09:30:00 arrives angry, offered to bob, who lets it time out 09:30:30 (RONA); offered to alice, accepted 09:30:55,
 *   her reply 09:31:30; 09:35 she transfers it to the billing queue and wraps up "other" 09:36:00; bob comes back
 *   09:40:00, accepts 09:40:10, replies 09:41:00, ends 09:50:00, wraps up "resolved" 09:50:30.
 * 09:55 both go Away. C 10:00:00 arrives and the customer leaves at 10:00:40, unanswered.
 * 10:05 alice Available. D 10:10:00 arrives, accepted 10:10:05, reply 10:10:15, a happy customer 10:19, who ends it
 *   10:20:00; alice wraps up "resolved" 10:20:45.
 * Ratings (CSAT), each when the customer gave it, for the rep who had the conversation last and the queue it was in:
 *   A 5 at 09:22 (alice, general), B 2 at 09:50:40 (bob, billing), D 4 at 10:21 (alice, general). C's customer was
 *   never answered and cannot rate.
 * The period is 09:00–12:00.
 */
function scriptedDay() {
  const org = testOrg();
  org.workstreams[0] = testWorkstream({ id: "live", mode: "live", queueId: "general", serviceLevelSeconds: 30 });
  // Billing is bob's alone: B, sent there by alice, waits for him (no rep of billing is Available until 09:40).
  for (const user of org.users) if (user.id === "alice") user.queues = ["general"];
  const h = new CoreHarness(org);
  h.now = DAY(9, 0);
  const at = (hh: number, mm: number, ss = 0) => h.advance(DAY(hh, mm, ss) - h.now);
  const accept = (repId: string, conversationId: string) =>
    h.ok(rep(repId), { type: "accept", offerId: h.offerFor(repId, conversationId)! });
  const say = (repId: string, conversationId: string, text: string) =>
    h.ok(rep(repId), { type: "message", conversationId, text });
  const wrapUp = (repId: string, conversationId: string, reasonId: string) =>
    h.ok(rep(repId), { type: "wrapup", conversationId, reasonId });

  h.available("alice", "bob");
  at(9, 10);
  const a = h.start("live", "Hello, my order is late");
  at(9, 10, 20);
  accept("alice", a);
  at(9, 10, 50);
  say("alice", a, "Let me look");
  at(9, 15);
  h.ok(rep("alice"), { type: "conference", conversationId: a, repId: "bob" });
  at(9, 15, 10);
  accept("bob", a);
  at(9, 20);
  h.ok(rep("alice"), { type: "end", conversationId: a });
  at(9, 20, 30);
  wrapUp("bob", a, "other");
  at(9, 21);
  wrapUp("alice", a, "resolved");
  at(9, 22);
  h.ok(h.customerOf(a), { type: "customer.rate", conversationId: a, score: 5 });

  at(9, 30);
  const b = h.start("live", "This is terrible, I am angry");
  at(9, 30, 30); // bob's offer times out
  expect(h.presence("bob")).toBe("rona");
  at(9, 30, 55);
  accept("alice", b);
  at(9, 31, 30);
  say("alice", b, "I am sorry to hear that");
  at(9, 35);
  h.ok(rep("alice"), { type: "transfer", conversationId: b, target: { kind: "queue", id: "billing" } });
  at(9, 36);
  wrapUp("alice", b, "other");
  at(9, 40);
  h.available("bob");
  at(9, 40, 10);
  accept("bob", b);
  at(9, 41);
  say("bob", b, "Billing here");
  at(9, 50);
  h.ok(rep("bob"), { type: "end", conversationId: b });
  at(9, 50, 30);
  wrapUp("bob", b, "resolved");
  at(9, 50, 40);
  h.ok(h.customerOf(b), { type: "customer.rate", conversationId: b, score: 2, comment: "Too slow" });

  at(9, 55);
  h.ok(rep("alice"), { type: "presence", presence: "away" });
  h.ok(rep("bob"), { type: "presence", presence: "away" });
  at(10, 0);
  const c = h.start("live", "Hello?");
  at(10, 0, 40);
  h.ok(h.customerOf(c), { type: "customer.end", conversationId: c });
  expect(h.refused(h.customerOf(c), { type: "customer.rate", conversationId: c, score: 1 })).toBe(
    "rating/not_answered",
  );

  at(10, 5);
  h.available("alice");
  at(10, 10);
  const d = h.start("live", "Hi there");
  at(10, 10, 5);
  accept("alice", d);
  at(10, 10, 15);
  say("alice", d, "Hello!");
  at(10, 19);
  h.ok(h.customerOf(d), { type: "customer.message", conversationId: d, text: "Thanks, great help" });
  at(10, 20);
  h.ok(h.customerOf(d), { type: "customer.end", conversationId: d });
  at(10, 20, 45);
  wrapUp("alice", d, "resolved");
  at(10, 21);
  h.ok(h.customerOf(d), { type: "customer.rate", conversationId: d, score: 4, comment: "Great help" });
  return { log: h.log, org, state: h.state };
}

const day = scriptedDay();
const report = (by: GroupBy, from = DAY(9, 0), to = DAY(12, 0)) =>
  computeReport(day.log, { from, to, by, utcOffsetMinutes: 0, org: day.org }, to);
const row = (rows: ReportRow[], group: string) => rows.find((r) => r.group === group)!;

/** The log stored in a data file, and `read` given what `cc-agent report` reads of it (SQLite leaves out the rest). */
async function fromDataFile<T>(log: readonly unknown[], read: (events: () => Iterable<DomainEvent>) => T): Promise<T> {
  const temp = tempDir();
  try {
    const file = join(temp.dir, "data.db");
    const store = await openSqliteStore(file);
    store.append(log as StoredEvent[], { expectedSeq: 0 });
    await store.close();
    const reader = openLogReader(file);
    try {
      return read(() => reader.reportEvents());
    } finally {
      reader.close();
    }
  } finally {
    temp.remove();
  }
}

describe("report on a scripted day", () => {
  it("by queue: offered, answered, abandoned, ASA, first response, AHT, service level and the rest", () => {
    const { rows, total } = report("queue");
    expect(rows.map((r) => r.group)).toEqual(["billing", "general"]);
    expect(row(rows, "general")).toEqual({
      group: "general",
      name: "General",
      offered: 4, // A, B, C, D arrive in general
      answered: 3, // A, B (by alice), D
      abandoned: 1, // C: the customer left at 10:00:40, never answered
      asaSeconds: 26.7, // waits A 20 s, B 55 s, D 5 s: 80 / 3 = 26.67
      firstResponseSeconds: 51.7, // A 09:10:50−09:10:00 = 50, B 09:31:30−09:30:00 = 90, D 15: 155 / 3 = 51.67
      // A alice 09:10:20→09:20:00 active 580 + wrap-up 60 = 640; B alice 09:30:55→09:35:00 245 + 60 = 305;
      // D alice 10:10:05→10:20:00 595 + 45 = 640: 1585 / 3 = 528.33
      ahtSeconds: 528.3,
      handled: 3,
      serviceLevel: 50, // within 30 s: A (20), D (5) of answered 3 + abandoned 1: 2 / 4
      transfers: 1, // alice sent B to billing
      conferences: 1, // bob joined A
      ronas: 1, // bob let B time out
      wrapUps: { other: 2, resolved: 2 }, // A bob other, A alice resolved, B alice other, D alice resolved
      sentiment: { negative: 0, neutral: 2, positive: 1 }, // A neutral, C neutral, D positive (B closed in billing)
      csat: { average: 4.5, count: 2 }, // A 5, D 4: 9 / 2
      presenceSeconds: null,
      occupancy: null,
    });
    expect(row(rows, "billing")).toMatchObject({
      offered: 1, // B, transferred in at 09:35:00
      answered: 1,
      abandoned: 0,
      asaSeconds: 310, // 09:35:00 → 09:40:10
      firstResponseSeconds: 360, // 09:35:00 → 09:41:00
      ahtSeconds: 620, // bob 09:40:10→09:50:00 590 + 09:50:30 wrap-up 30
      serviceLevel: 0, // 310 s > 30 s
      transfers: 0,
      wrapUps: { resolved: 1 }, // bob's; alice's "other" belongs to general, where she handled it
      sentiment: { negative: 1, neutral: 0, positive: 0 }, // B
      csat: { average: 2, count: 1 }, // B, rated in billing where bob had it
    });
    expect(total).toMatchObject({
      offered: 5, // 4 + 1
      answered: 4,
      abandoned: 1,
      asaSeconds: 97.5, // (20 + 55 + 5 + 310) / 4 = 390 / 4
      firstResponseSeconds: 128.8, // (50 + 90 + 15 + 360) / 4 = 515 / 4 = 128.75
      ahtSeconds: 551.3, // (1585 + 620) / 4 = 2205 / 4 = 551.25
      serviceLevel: 40, // 2 within / (4 answered + 1 abandoned)
      wrapUps: { other: 2, resolved: 3 },
      csat: { average: 3.7, count: 3 }, // (5 + 2 + 4) / 3 = 3.67
    });
  });

  it("by rep: offers, answers, handle time, presence and occupancy", () => {
    const { rows } = report("rep");
    expect(rows.map((r) => r.group)).toEqual(["alice", "bob"]);
    expect(row(rows, "alice")).toEqual({
      group: "alice",
      name: "Alice Moreau",
      offered: 3, // A, B (after bob's RONA), D; a conference invitation is not an offer of work
      answered: 3,
      abandoned: null,
      asaSeconds: 26.7, // 80 / 3
      firstResponseSeconds: 51.7, // 155 / 3
      ahtSeconds: 528.3, // 1585 / 3
      handled: 3,
      serviceLevel: 66.7, // A and D within 30 s of her 3 answers
      transfers: 1,
      conferences: 1, // she invited bob
      ronas: 0,
      wrapUps: { resolved: 2, other: 1 },
      sentiment: { negative: 0, neutral: 1, positive: 1 }, // A, D closed as hers
      csat: { average: 4.5, count: 2 }, // A 5 (bob joined its conference, but it was hers), D 4
      // Available 09:00–09:55 (3300) + 10:05–12:00 (6900) = 10200; Away 09:55–10:05 = 600
      presenceSeconds: { available: 10200, busy: 0, dnd: 0, away: 600, offline: 0, rona: 0 },
      occupancy: 14.7, // holding A 640 + B 305 + D 640 = 1585 s of 10800 signed in
    });
    expect(row(rows, "bob")).toMatchObject({
      offered: 2, // B at 09:30 (timed out), B again at 09:40
      answered: 1,
      asaSeconds: 310,
      ahtSeconds: 620,
      ronas: 1,
      transfers: 0,
      wrapUps: { other: 1, resolved: 1 },
      csat: { average: 2, count: 1 }, // B: his when it ended, though alice answered it first
      // Available 09:00–09:30:30 (1830) + 09:40–09:55 (900) = 2730; RONA 09:30:30–09:40 = 570; Away 09:55–12:00 = 7500
      presenceSeconds: { available: 2730, busy: 0, dnd: 0, away: 7500, offline: 0, rona: 570 },
      occupancy: 8.7, // A's conference 09:15:10–09:20:30 (320) + B 09:40:10–09:50:30 (620) = 940 of 10800
    });
  });

  it("by hour: each figure in the hour its fact happened", () => {
    const { rows } = report("hour");
    expect(rows.map((r) => r.group)).toEqual(["2026-12-04 09:00", "2026-12-04 10:00"]);
    expect(row(rows, "2026-12-04 09:00")).toMatchObject({
      offered: 3, // A, B into general, B into billing
      answered: 3,
      abandoned: 0,
      asaSeconds: 128.3, // (20 + 55 + 310) / 3 = 385 / 3
      ahtSeconds: 521.7, // (640 + 305 + 620) / 3 = 1565 / 3
      serviceLevel: 33.3, // A only: 1 / 3
      csat: { average: 3.5, count: 2 }, // A 5 at 09:22, B 2 at 09:50:40: 7 / 2
    });
    expect(row(rows, "2026-12-04 10:00")).toMatchObject({
      offered: 2, // C, D
      answered: 1,
      abandoned: 1,
      asaSeconds: 5,
      firstResponseSeconds: 15,
      ahtSeconds: 640,
      serviceLevel: 50, // D within, C abandoned: 1 / 2
      csat: { average: 4, count: 1 }, // D
    });
  });

  it("counts only what happened within the period", () => {
    // 10:00–12:00: C and D only; alice's Away 09:55–10:05 counts from 10:00 (300 s).
    const { rows, total } = report("rep", DAY(10, 0), DAY(12, 0));
    expect(total).toMatchObject({
      offered: 1,
      answered: 1,
      handled: 1,
      ahtSeconds: 640,
      csat: { average: 4, count: 1 }, // D only: A and B were rated before 10:00
    });
    expect(row(rows, "alice").presenceSeconds).toMatchObject({ available: 6900, away: 300 });
    const byDay = report("day", DAY(10, 0), DAY(12, 0));
    expect(byDay.rows.map((r) => [r.group, r.offered, r.abandoned])).toEqual([["2026-12-04", 2, 1]]);
  });

  it("renders a table aligned by terminal cells, and CSV with a column per wrap-up reason", () => {
    const table = renderTable(report("queue"), (s) => [...s].length);
    const lines = table.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^queue\s+offered\s+answered\s+abandoned\s+ASA s/);
    expect(lines[2]).toMatch(/^Billing\s+1\s+1\s+0\s+310\s+360\s+620\s+0%/);
    expect(lines.at(-1)).toMatch(/^Total\s+5\s+4\s+1\s+97\.5\s+128\.8\s+551\.3\s+40%/);
    // The CSAT column: General 4.5, Billing 2, Total 3.7, right before the wrap-up reasons.
    expect(lines[0]).toMatch(/\s+CSAT\s+wrap-up$/);
    expect(lines[2]).toMatch(/\s2\s+resolved:1$/);
    expect(lines[3]).toMatch(/\s4\.5\s+other:2 resolved:2$/);
    expect(lines.at(-1)).toMatch(/\s3\.7\s+other:2 resolved:3$/);
    const csv = renderCsv(report("queue")).trimEnd().split("\n");
    expect(csv[0]).toContain("queue,name,offered,answered,abandoned,asa_s");
    expect(csv[0]).toMatch(/,wrapup_other,wrapup_resolved$/);
    expect(csv[0]).toContain(",csat_average,csat_count,");
    expect(csv[2]).toMatch(/^general,General,4,3,1,26\.7,51\.7,528\.3,3,50,1,1,1,0,2,1,4\.5,2,2,2$/);
  });

  it("one fold into several groupings (the live figures' queue and rep) gives what a fold per grouping gives", () => {
    const options = { from: DAY(9, 0), to: DAY(12, 0), utcOffsetMinutes: 0, org: day.org, bucketMs: 60_000 };
    const bys: GroupBy[] = ["queue", "rep", "hour"];
    const grouped = createGroupedFold(options, bys);
    const single = bys.map((by) => createFold({ ...options, by }));
    for (const event of day.log) {
      grouped.add(event);
      for (const fold of single) fold.add(event);
    }
    grouped.finish(DAY(12, 0));
    for (const fold of single) fold.finish(DAY(12, 0));
    bys.forEach((by, i) => {
      expect(grouped.groupings[i]!.groups.size, by).toBeGreaterThan(0);
      expect(grouped.groupings[i]!.groups, by).toEqual(single[i]!.groups);
      expect(grouped.groupings[i]!.total, by).toEqual(single[i]!.total);
    });
  });

  it("reads the same figures from a data file: SQLite hands over only what the fold reads", async () => {
    await fromDataFile(day.log, (events) => {
      for (const by of GROUP_BYS) {
        const options = { from: DAY(9, 0), to: DAY(12, 0), by, utcOffsetMinutes: 0, org: day.org };
        expect(computeReport(events(), options, DAY(12, 0))).toEqual(report(by));
      }
    });
  });
});

describe("report: a server's data file", () => {
  it("reads the org (names, targets) from the latest snapshot, which a server stores in pieces, or a reload after it", async () => {
    const temp = tempDir();
    try {
      const file = join(temp.dir, "data.db");
      const store = await openSqliteStore(file);
      store.append(day.log as StoredEvent[], { expectedSeq: 0 });
      await store.commit();
      await store.saveSnapshot({ seq: day.state.seq, state: day.state });
      let reader = openLogReader(file);
      try {
        expect(reader.org?.queues.map((q) => q.name)).toEqual(day.org.queues.map((q) => q.name));
        const options = { from: DAY(9, 0), to: DAY(12, 0), by: "queue" as const, utcOffsetMinutes: 0 };
        expect(computeReport(reader.reportEvents(), { ...options, org: reader.org! }, DAY(12, 0))).toEqual(
          report("queue"),
        );
      } finally {
        reader.close();
      }
      // An org file reloaded after the snapshot: its `configured` event is the org in force.
      const renamed = { ...day.org, queues: day.org.queues.map((q) => ({ ...q, name: `${q.name} desk` })) };
      const seq = day.state.seq + 1;
      store.append([{ type: "configured", seq, at: DAY(12, 0), org: renamed }], { expectedSeq: seq - 1 });
      await store.close();
      reader = openLogReader(file);
      expect(reader.org?.queues.map((q) => q.name)).toEqual(renamed.queues.map((q) => q.name));
      reader.close();
    } finally {
      temp.remove();
    }
  });
});

describe("report: consults", () => {
  it("a consult request is neither an offer of work nor, left unanswered, a RONA; the consultant holds nothing", async () => {
    const h = new CoreHarness();
    h.now = DAY(9, 0);
    h.available("alice", "bob");
    const c = h.start("live", "Hello, my order is late");
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", c)! });
    h.ok(rep("alice"), { type: "consult", conversationId: c, repId: "bob" });
    h.advance(31_000); // bob lets it time out
    h.ok(rep("alice"), { type: "consult", conversationId: c, repId: "bob" });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", c)! });
    h.advance(60_000);
    const to = h.now;
    const options = { from: DAY(9, 0), to, by: "rep" as const, utcOffsetMinutes: 0, org: testOrg() };
    const { rows } = computeReport(h.log, options, to);
    expect(row(rows, "bob")).toMatchObject({ offered: 0, answered: 0, ronas: 0, handled: 0, occupancy: 0 });
    expect(row(rows, "alice")).toMatchObject({ offered: 1, answered: 1, ronas: 0 });
    // From a data file, which leaves out the accepted offers: the same.
    expect(await fromDataFile(h.log, (events) => computeReport(events(), options, to).rows)).toEqual(rows);
  });
});

describe("report: a supervisor's transfer to a rep", () => {
  it("SV7: counts as the owner's transfer once the rep accepts it; one the rep rejects leaves the conversation, uncounted", async () => {
    const h = new CoreHarness();
    h.now = DAY(9, 0);
    h.available("alice");
    const c = h.start("live", "Hello, my order is late");
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", c)! });
    h.available("bob");
    h.ok(supervisor(), { type: "supervisor_transfer", conversationId: c, target: { kind: "rep", id: "bob" } });
    h.ok(rep("bob"), { type: "reject", offerId: h.offerFor("bob", c)! });
    h.advance(60_000);
    const options = { from: DAY(9, 0), to: h.now, by: "rep" as const, utcOffsetMinutes: 0, org: testOrg() };
    expect(row(computeReport(h.log, options, h.now).rows, "alice")).toMatchObject({ transfers: 0 });

    h.available("bob");
    h.ok(supervisor(), { type: "supervisor_transfer", conversationId: c, target: { kind: "rep", id: "bob" } });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", c)! });
    h.advance(60_000);
    const later = { ...options, to: h.now };
    const { rows } = computeReport(h.log, later, h.now);
    expect(row(rows, "alice")).toMatchObject({ transfers: 1 });
    expect(row(rows, "bob")).toMatchObject({ transfers: 0, answered: 0 });
    // From a data file, which hands over only what the fold reads: the same.
    expect(await fromDataFile(h.log, (events) => computeReport(events(), later, h.now).rows)).toEqual(rows);
  });
});
