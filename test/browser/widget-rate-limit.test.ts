// The widget under the server's rate limit, in headless Chromium: a customer who sends faster than their bucket
// allows loses nothing; the widget waits as the server says and sends again, in order, each message once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openChat, say, seeMessage, widgetReady } from "./browser.js";
import { Harness, waitFor, widgetOrg } from "./harness.js";
import { storedThread } from "../helpers/server.js";

const h = new Harness();
beforeAll(() => h.launch(), 60_000);
afterEach(() => h.cleanup());
afterAll(() => h.close());

describe("rate limits", { timeout: 60_000 }, () => {
  it("messages typed faster than the customer's bucket all arrive, once each, in order", async () => {
    const org = widgetOrg({ limits: { customer: { burst: 3, perSecond: 5 } } });
    const server = await h.start({ org });
    const alice = await h.rep("alice");
    const { page } = await h.page();
    await page.goto(`${server.httpUrl}/demo`);
    await widgetReady(page);
    await openChat(page);
    await say(page, "first");
    await seeMessage(page, "first");
    const offer = await alice.waitForOffer();
    await alice.request({ type: "accept", offerId: offer.id });

    // Nine more lines as fast as the keyboard goes: more than the bucket holds.
    const lines = Array.from({ length: 9 }, (_, i) => `line ${i + 1}`);
    for (const line of lines) await say(page, line);
    for (const line of lines) await seeMessage(page, line);
    await alice.waitForText(offer.conversationId, "line 9");

    const stored = (await storedThread(server, offer.conversationId)).filter((m) => m.author.role === "customer");
    expect(stored.map((m) => m.text)).toEqual(["first", ...lines]);
    await waitFor(() => alice.texts(offer.conversationId).length === 10, "Alice to hold ten messages");
    expect(alice.texts(offer.conversationId)).toEqual(["first", ...lines]);
  });
});
