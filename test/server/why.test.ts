// `why` over the wire: the server folds its log (snapshots taken meanwhile) through the routing core, and a
// supervisor may ask only while the org lets supervisors monitor (SPEC L2, L10, SV8). Which fold starts where is
// tested in why-answer.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import { startServer } from "../../server/start-server.js";
import type { RunningServer, ServerOptions } from "../../server/start-server.js";
import type { WhyAnswer } from "../../src/protocol/why.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { refusal } from "../helpers/server.js";
import { TestClient } from "../helpers/ws.js";

const servers: RunningServer[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const server of servers.splice(0)) await server.close();
});

async function start(options: ServerOptions = {}): Promise<RunningServer> {
  const server = await startServer({ port: 0, dataFile: null, ...options });
  servers.push(server);
  return server;
}

async function signIn(server: RunningServer, id: string): Promise<TestClient> {
  const user = server.org.users.find((u) => u.id === id)!;
  const client = await new TestClient(server.url, { role: user.role, token: user.token }).connect();
  clients.push(client);
  return client;
}

async function startChat(server: RunningServer, text: string): Promise<string> {
  const customer = await new TestClient(server.url, { role: "customer" }).connect();
  clients.push(customer);
  return (await customer.request({ type: "start", workstream: "live", text })).conversationId as string;
}

async function why(supervisor: TestClient, conversationId: string): Promise<WhyAnswer> {
  return (await supervisor.request({ type: "why", conversationId })) as unknown as WhyAnswer;
}

describe("why over the wire", () => {
  it("SPEC L10: explains each decision of a conversation as routing took it, with snapshots taken meanwhile", async () => {
    // given a server that snapshots every few events, alice Available a second before bob
    const clock = new ManualClock();
    const server = await start({ clock, snapshotEvery: 3 });
    const alice = await signIn(server, "alice");
    await alice.request({ type: "presence", presence: "available" });
    clock.advance(1_000);
    const bob = await signIn(server, "bob");
    await bob.request({ type: "presence", presence: "available" });
    const sam = await signIn(server, "sam");

    // when a first chat goes to alice, who rejects it, and then to bob; and snapshots are taken after it
    const first = await startChat(server, "First");
    await alice.request({ type: "reject", offerId: (await alice.waitForOffer(first)).id });
    await bob.waitForOffer(first);
    const second = await startChat(server, "Second");
    const secondTo = await Promise.race([
      alice.waitForOffer(second).then(() => "alice"),
      bob.waitForOffer(second).then(() => "bob"),
    ]);

    // then the first shows both decisions
    const older = await why(sam, first);
    expect(older.decisions.map((d) => [d.chosen?.repId, d.chosen?.by])).toEqual([
      ["alice", "longest_idle"],
      ["bob", "longest_idle"],
    ]);
    expect(older.decisions[1]!.reps.find((r) => r.repId === "alice")!.passedOver).toBe("declined");
    // and the second names the rep it was offered to
    const newer = await why(sam, second);
    expect(newer.decisions).toHaveLength(1);
    expect(newer.decisions[0]!.chosen?.repId).toBe(secondTo);
    expect(newer.decisions[0]!.reps.map((r) => r.repId).sort()).toEqual(["alice", "bob", "carol", "sam"]);
  });

  it("SPEC SV8: refused when the org turned monitoring off, for an unknown conversation, and for a rep", async () => {
    const base = await start();
    const org = { ...base.org, supervisor: { ...base.org.supervisor, monitor: false } };
    const server = await start({ org });
    const conversationId = await startChat(server, "Hello");
    const sam = await signIn(server, "sam");

    expect(await refusal(sam, { type: "why", conversationId })).toEqual({
      code: "supervisor/monitor_disabled",
      message: "Monitoring is turned off for this organisation.",
    });
    const open = await signIn(base, "sam");
    expect((await refusal(open, { type: "why", conversationId: "c999" })).code).toBe("conversation/not_found");
    const alice = await signIn(base, "alice");
    expect((await refusal(alice, { type: "why", conversationId: "c1" })).code).toBe("auth/forbidden");
  });
});
