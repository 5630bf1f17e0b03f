// Over a real socket: ids that are also JavaScript property names are unknown ids like any other, and a command that
// fails part-way leaves the server's memory as its log has it.
import Database from "better-sqlite3";
import { beforeEach, describe, expect, it } from "vitest";
import { committedSeq, refusal, serverPerTest } from "../helpers/server.js";
import { waitFor } from "../helpers/ws.js";

const fixture = serverPerTest();
const { start, connect, token } = fixture;

beforeEach(async () => {
  await start();
});

describe("ids that are JavaScript property names, over the wire", () => {
  it("a customer's status, send and end on constructor or __proto__ are answered not found, and the server stays up", async () => {
    const visitor = await connect({ role: "customer" });
    await visitor.request({ type: "start", workstream: "live", text: "Hello" });
    for (const id of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      for (const body of [
        { type: "status", conversationId: id },
        { type: "send", conversationId: id, text: "Hi" },
        { type: "end", conversationId: id },
      ] as const) {
        expect(await refusal(visitor, body), `${body.type} ${id}`).toEqual({
          code: "conversation/not_found",
          message: `There is no conversation ${id}.`,
        });
      }
    }
    expect((await visitor.request({ type: "status", conversationId: "c1" })).state).toBe("open");
  });

  it("a rep's transfer to queue __proto__ and a supervisor's assign to it are refused with queue/not_found", async () => {
    const alice = await connect({ role: "rep", token: token("alice") });
    await alice.request({ type: "presence", presence: "available" });
    const visitor = await connect({ role: "customer" });
    const id = (await visitor.request({ type: "start", workstream: "live", text: "Hello" })).conversationId as string;
    await alice.request({ type: "accept", offerId: (await alice.waitForOffer(id)).id });
    const before = await committedSeq(fixture.server);
    expect(
      (await refusal(alice, { type: "transfer", conversationId: id, target: { kind: "queue", id: "__proto__" } })).code,
    ).toBe("queue/not_found");
    expect(await committedSeq(fixture.server)).toBe(before);
    expect(alice.conversations.get(id)).toMatchObject({ state: "active", ownerId: "alice", wrapUpBy: [] });

    const other = await connect({ role: "customer" });
    await alice.request({ type: "presence", presence: "away" });
    const open = (await other.request({ type: "start", workstream: "live", text: "Hi" })).conversationId as string;
    const sam = await connect({ role: "supervisor", token: token("sam") });
    const beforeAssign = await committedSeq(fixture.server);
    expect(
      (await refusal(sam, { type: "assign", conversationId: open, target: { kind: "queue", id: "__proto__" } })).code,
    ).toBe("queue/not_found");
    expect(await committedSeq(fixture.server)).toBe(beforeAssign);
    expect(sam.conversations.get(open)).toMatchObject({ state: "open", queueId: "general" });
  });

  it("a command that fails after some of its events leaves memory as the log has it (rebuilt from the log)", async () => {
    // A conversation offered to Alice whose workstream no org lists, written into the data file before a start (no
    // command can make one: removing a workstream closes its conversations). Force close withdraws the offer (an
    // event), then finds no workstream.
    const data = fixture.dataFile();
    await fixture.server.close();
    await start({ dataFile: data });
    const first = await connect({ role: "rep", token: token("alice") });
    await first.request({ type: "presence", presence: "available" });
    const visitor = await connect({ role: "customer" });
    const id = (await visitor.request({ type: "start", workstream: "live", text: "Hello" })).conversationId as string;
    const offer = await first.waitForOffer(id);
    await Promise.all([first, visitor].map((c) => c.close()));
    await fixture.server.close();
    const db = new Database(data);
    // Without its snapshot, the start replays the events, the rewritten one too.
    db.prepare("DELETE FROM snapshots").run();
    const rewritten = db
      .prepare("UPDATE events SET body = replace(body, ?, ?) WHERE type = 'conversation_created'")
      .run('"workstreamId":"live"', '"workstreamId":"gone"');
    db.close();
    expect(rewritten.changes).toBe(1);
    await start({ dataFile: data });

    const alice = await connect({ role: "rep", token: token("alice") });
    expect(alice.offers.get(offer.id)?.status).toBe("pending");
    const sam = await connect({ role: "supervisor", token: token("sam") });
    expect(sam.conversations.get(id)).toMatchObject({ workstreamId: "gone", offeredTo: { repId: "alice" } });
    const before = await committedSeq(fixture.server);
    expect((await refusal(sam, { type: "force_close", conversationId: id })).code).toBe("server/internal");
    // Memory is what the log holds: nothing of the failed command written or sent, and the offer it withdrew before
    // failing still Alice's (a new monitor is sent it so; memory kept as the command left it would show no offer).
    expect(await committedSeq(fixture.server)).toBe(before);
    expect(alice.offers.get(offer.id)?.status).toBe("pending");
    const fresh = await connect({ role: "supervisor", token: token("sam") });
    expect(fresh.conversations.get(id)).toMatchObject({
      state: "open",
      workstreamId: "gone",
      offeredTo: { repId: "alice" },
    });
    // And the server carries on: the next chat is started and seen.
    const next = await connect({ role: "customer" });
    const other = (await next.request({ type: "start", workstream: "live", text: "Hi" })).conversationId as string;
    await waitFor(() => fresh.conversations.get(other)?.state === "open", "the next chat to reach the monitor");
  });
});
