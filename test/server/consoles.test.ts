// Several consoles for one rep, over a real ws server: each hears how many are open (the `consoles` frame),
// all see the same sessions, and presence changes only when the rep changes it or the last console leaves —
// by quitting (presence with ifLastConsole) or by vanishing (after the disconnect grace).
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../helpers/manual-clock.js";
import { connectionsAre, serverPerTest } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const { start, connect, token } = serverPerTest();
/** Sam's monitor, reading presence as a supervisor sees it. */
let observer: TestClient | undefined;
afterEach(() => {
  observer = undefined;
});

const open = (id: string, role: "rep" | "supervisor" = "rep") => connect({ role, token: token(id) });

async function presence(id: string): Promise<string> {
  observer ??= await open("sam", "supervisor");
  return (await observer.synced()).users.get(id)!.presence;
}
const lastCount = (client: TestClient) => client.consoles[client.consoles.length - 1];

describe("two consoles for one rep", () => {
  it("each console hears how many of the rep's consoles are open, as they come and go", async () => {
    await start();
    const first = await open("alice");
    await waitFor(() => lastCount(first) === 1, "the first console to hear it is alone");
    const second = await open("alice");
    await waitFor(() => lastCount(first) === 2 && lastCount(second) === 2, "both consoles to hear there are two");
    // Another rep's console is not one of Alice's.
    const bob = await open("bob");
    await waitFor(() => lastCount(bob) === 1, "Bob's console to hear it is alone");
    expect(lastCount(first)).toBe(2);
    await second.close();
    await waitFor(() => lastCount(first) === 1, "the first console to hear the second one left");
    expect(first.consoles).toEqual([1, 2, 1]);
  });

  it("both consoles show the same sessions: an offer accepted in one is active in the other, with its messages", async () => {
    await start();
    const first = await open("alice");
    const second = await open("alice");
    await first.request({ type: "presence", presence: "available" });
    const customer = await connect({ role: "customer" });
    const { conversationId } = (await customer.request({ type: "start", workstream: "live", text: "Hello" })) as {
      conversationId: string;
    };
    const offer = await first.waitForOffer(conversationId);
    await second.waitForOffer(conversationId);
    await second.request({ type: "accept", offerId: offer.id });
    await waitFor(() => first.conversations.get(conversationId)?.state === "active", "active in the first console");
    await first.request({ type: "send", conversationId, text: "Hi, Alice here" });
    await second.waitForText(conversationId, "Hi, Alice here");
    expect(second.texts(conversationId)).toEqual(first.texts(conversationId));
  });

  it("quitting one of two consoles keeps the rep Available; quitting the last sets them Offline", async () => {
    await start();
    const first = await open("alice");
    const second = await open("alice");
    await first.request({ type: "presence", presence: "available" });

    const kept = await second.request({ type: "presence", presence: "offline", ifLastConsole: true });
    expect(kept).toEqual({ kept: true, consoles: 2 });
    await second.close();
    await waitFor(() => lastCount(first) === 1, "the first console to hear it is the last");
    expect(await presence("alice")).toBe("available");
    expect(first.users.get("alice")?.presence).toBe("available");

    // Still Available: the remaining console gets the next offer.
    const customer = await connect({ role: "customer" });
    const { conversationId } = (await customer.request({ type: "start", workstream: "live", text: "Hi" })) as {
      conversationId: string;
    };
    await first.waitForOffer(conversationId);

    await first.request({ type: "presence", presence: "offline", ifLastConsole: true });
    expect(await presence("alice")).toBe("offline");
  });

  it("a rep's own presence change in one console is what every console shows", async () => {
    await start();
    const first = await open("alice");
    const second = await open("alice");
    await first.request({ type: "presence", presence: "busy" });
    await waitFor(() => second.users.get("alice")?.presence === "busy", "the second console to show Busy");
  });

  it("a console that vanishes while another is open changes nothing; the last one gone is Offline after the grace", async () => {
    const clock = new ManualClock();
    const server = await start({ clock });
    const first = await open("alice");
    const second = await open("alice");
    await first.request({ type: "presence", presence: "available" });
    second.client.dropConnection();
    await waitFor(() => lastCount(first) === 1, "the first console to hear the second one is gone");
    clock.advance(120_000);
    expect(await presence("alice")).toBe("available");

    first.client.dropConnection();
    // Sam's monitor is still connected.
    await connectionsAre(server, 1);
    clock.advance(59_000);
    expect(await presence("alice")).toBe("available");
    clock.advance(1_000);
    expect(await presence("alice")).toBe("offline");
  });

  it("a supervisor's monitor is not a console: their console gone, they are Offline after the grace", async () => {
    const clock = new ManualClock();
    const server = await start({ clock });
    const monitor = await open("sam", "supervisor");
    const samConsole = await open("sam");
    await samConsole.request({ type: "presence", presence: "available" });
    await waitFor(() => lastCount(samConsole) === 1, "the console to hear it is Sam's only one");
    expect(monitor.consoles).toEqual([]);
    samConsole.client.dropConnection();
    await connectionsAre(server, 1);
    clock.advance(60_000);
    expect(await presence("sam")).toBe("offline");
  });
});
