import { describe, expect, it } from "vitest";
import { signIdentity } from "../../src/protocol/identity.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { connectionsAre, observe, serverPerTest } from "../helpers/server.js";

const { start, connect, token, track } = serverPerTest();

const rep = (id: string) => connect({ role: "rep", token: token(id) });

describe("presence when a rep's terminal goes away", () => {
  it("SPEC L2: a rep disconnected longer than the grace is set Offline and gets no offers", async () => {
    const clock = new ManualClock();
    const server = await start({ clock });
    const sam = track(await observe(server));
    const alice = await rep("alice");
    await alice.request({ type: "presence", presence: "available" });
    await alice.close();
    await connectionsAre(server, 1);
    clock.advance(59_000);
    expect((await sam.synced()).users.get("alice")!.presence).toBe("available");
    clock.advance(1_000);
    expect((await sam.synced()).users.get("alice")!.presence).toBe("offline");
    const customer = await connect({ role: "customer" });
    const { conversationId } = await customer.request({ type: "start", workstream: "live", text: "hello?" });
    // Offered to nobody: it stays Open in the queue.
    expect((await sam.synced()).conversations.get(conversationId as string)).toMatchObject({
      state: "open",
      offeredTo: null,
    });
  });

  it("a reconnect within the grace keeps the presence", async () => {
    const clock = new ManualClock();
    const server = await start({ clock });
    const first = await rep("alice");
    await first.request({ type: "presence", presence: "available" });
    await first.close();
    await connectionsAre(server, 0);
    clock.advance(30_000);
    await rep("alice");
    clock.advance(120_000);
    const sam = track(await observe(server));
    expect(sam.users.get("alice")!.presence).toBe("available");
  });

  it("a retried start with the same clientId is the same conversation", async () => {
    const server = await start();
    const identity = signIdentity(server.org.secret, { id: "cust-1", name: "Dana Kim" });
    const customer = await connect({ role: "customer", identity });
    const first = await customer.request({ type: "start", workstream: "live", text: "Hi", clientId: "start-1" });
    const again = await customer.request({ type: "start", workstream: "live", text: "Hi", clientId: "start-1" });
    expect(again.conversationId).toBe(first.conversationId);
    const sam = track(await observe(server));
    expect([...sam.conversations.keys()]).toEqual([first.conversationId]);
  });
});
