// Home's Today figures over the wire: counted by the server, so that a rep's second console and a console opened
// after a restart show what the first one did.
import { describe, expect, it } from "vitest";
import { refusal, serverPerTest } from "../helpers/server.js";
import { waitFor } from "../helpers/ws.js";

const fixture = serverPerTest();
const { start, connect, staff, dataFile } = fixture;
const HOUR = 3_600_000;

describe("today's figures (Home)", () => {
  it("S7: a rep's accept and end are counted by the server: her second console and one after a restart read them", async () => {
    const file = dataFile();
    await start({ dataFile: file });
    const since = Date.now() - HOUR;
    const alice = await staff("alice");
    await alice.request({ type: "presence", presence: "available" });
    const customer = await connect({ role: "customer" });
    const started = await customer.request({ type: "start", workstream: "live", text: "Hello", clientId: "k1" });
    const conversationId = started.conversationId as string;
    const offer = await alice.waitForOffer(conversationId);
    await alice.request({ type: "accept", offerId: offer.id });
    await alice.request({ type: "end", conversationId });
    await alice.request({ type: "wrapup", conversationId, reasonId: "resolved" });
    await waitFor(() => alice.conversations.get(conversationId)?.state === "closed", "closed");

    const second = await staff("alice");
    expect((await second.request({ type: "today", since })).today).toEqual({
      since,
      accepted: 1,
      ended: 1,
      transferred: 0,
    });
    // Nothing before `since` counts: from now on, none yet.
    const later = Date.now() + 1;
    expect((await second.request({ type: "today", since: later })).today).toMatchObject({ accepted: 0, ended: 0 });
    // Bob did nothing.
    const bob = await staff("bob");
    expect((await bob.request({ type: "today", since })).today).toMatchObject({ accepted: 0, ended: 0 });

    await fixture.server.close();
    await start({ dataFile: file });
    const afterRestart = await staff("alice");
    expect((await afterRestart.request({ type: "today", since })).today).toEqual({
      since,
      accepted: 1,
      ended: 1,
      transferred: 0,
    });
  });

  it("S7: a customer cannot ask for a rep's figures, and a rep's request needs a time", async () => {
    await start();
    const customer = await connect({ role: "customer" });
    expect((await refusal(customer, { type: "today", since: 0 } as never)).code).toBe("auth/forbidden");
    const alice = await staff("alice");
    expect((await refusal(alice, { type: "today" } as never)).code).toBe("protocol/invalid");
  });
});
