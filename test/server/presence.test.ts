import { afterEach, describe, expect, it } from "vitest";
import { signIdentity } from "../../src/protocol/identity.js";
import { startServer } from "../../server/start-server.js";
import type { RunningServer } from "../../server/start-server.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { connectionsAre, observe } from "../helpers/server.js";
import { TestClient } from "../helpers/ws.js";

let server: RunningServer | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
});

async function rep(id: string): Promise<TestClient> {
  const client = await new TestClient(server!.url, {
    role: "rep",
    token: server!.org.users.find((u) => u.id === id)!.token,
  }).connect();
  clients.push(client);
  return client;
}

describe("presence when a rep's terminal goes away", () => {
  it("SPEC L2: a rep disconnected longer than the grace is set Offline and gets no offers", async () => {
    const clock = new ManualClock();
    server = await startServer({ port: 0, dataFile: null, clock });
    const sam = await observe(server);
    clients.push(sam);
    const alice = await rep("alice");
    await alice.request({ type: "presence", presence: "available" });
    await alice.close();
    await connectionsAre(server, 1);
    clock.advance(59_000);
    expect((await sam.synced()).users.get("alice")!.presence).toBe("available");
    clock.advance(1_000);
    expect((await sam.synced()).users.get("alice")!.presence).toBe("offline");
    const customer = await new TestClient(server.url, { role: "customer" }).connect();
    clients.push(customer);
    const { conversationId } = await customer.request({ type: "start", workstream: "live", text: "hello?" });
    // Offered to nobody: it stays Open in the queue.
    expect((await sam.synced()).conversations.get(conversationId as string)).toMatchObject({
      state: "open",
      offeredTo: null,
    });
  });

  it("a reconnect within the grace keeps the presence", async () => {
    const clock = new ManualClock();
    server = await startServer({ port: 0, dataFile: null, clock });
    const first = await rep("alice");
    await first.request({ type: "presence", presence: "available" });
    await first.close();
    await connectionsAre(server, 0);
    clock.advance(30_000);
    await rep("alice");
    clock.advance(120_000);
    const sam = await observe(server);
    clients.push(sam);
    expect(sam.users.get("alice")!.presence).toBe("available");
  });

  it("a retried start with the same clientId is the same conversation", async () => {
    server = await startServer({ port: 0, dataFile: null });
    const identity = signIdentity(server.org.secret, { id: "cust-1", name: "Dana Kim" });
    const customer = await new TestClient(server.url, { role: "customer", identity }).connect();
    clients.push(customer);
    const first = await customer.request({ type: "start", workstream: "live", text: "Hi", clientId: "start-1" });
    const again = await customer.request({ type: "start", workstream: "live", text: "Hi", clientId: "start-1" });
    expect(again.conversationId).toBe(first.conversationId);
    const sam = await observe(server);
    clients.push(sam);
    expect([...sam.conversations.keys()]).toEqual([first.conversationId]);
  });
});
