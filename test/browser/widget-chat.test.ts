// The customer chat widget in headless Chromium (Debian's chromium, driven by playwright-core): the demo
// page, a scripted rep, live and persistent chat, coming back, operating hours.
import type { WebSocketRoute } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signIdentity, verifyConversationToken } from "../../src/protocol/identity.js";
import type { TypingFrame } from "../../src/protocol/messages.js";
import { ManualClock } from "../helpers/manual-clock.js";
import {
  W,
  identify,
  invitation,
  openChat,
  originsOf,
  say,
  seeMessage,
  seeStatus,
  sessionStorageOf,
  threadTexts,
  widgetReady,
} from "./browser.js";
import { Harness, TEST_SECRET, waitFor, widgetOrg } from "./harness.js";
import { monitorSnapshot } from "../helpers/server.js";

const h = new Harness();
beforeAll(() => h.launch(), 60_000);
afterEach(() => h.cleanup());
afterAll(() => h.close());

describe("a chat from the demo page", { timeout: 60_000 }, () => {
  it("SPEC P4, L12, L3: a visitor waits with queue position and wait, a scripted rep answers live, the customer ends the chat", async () => {
    const server = await h.start();
    const { page, watch } = await h.page();
    const response = await page.goto(`${server.httpUrl}/demo`);
    expect(response?.headers()["content-security-policy"]).toContain("connect-src 'self'");
    await widgetReady(page);
    await openChat(page);
    await seeStatus(page, "Write your question and a rep will be with you shortly.");

    // No rep is Available yet: the customer waits and is told where they stand (P4).
    await say(page, "Hello, my parcel is late");
    await seeMessage(page, "Hello, my parcel is late");
    await seeMessage(page, "You are number 1 in the queue.");
    await seeMessage(page, "The average wait is about 2 min.");
    await seeStatus(page, "You are number 1 in the queue. Average wait: about 2 min.");

    const alice = await h.rep("alice");
    const offer = await alice.waitForOffer();
    expect(offer.customerName).toBe("Visitor 1");
    expect(offer.proactive).toBe(false);
    expect(offer.preview.map((m) => m.text)).toContain("Hello, my parcel is late");
    const conversationId = offer.conversationId;
    await alice.request({ type: "accept", offerId: offer.id });
    await seeStatus(page, "You are chatting with Alice Moreau.");

    await alice.request({ type: "send", conversationId, text: "Hi! I am looking into it.\nOne moment please." });
    await seeMessage(page, "Hi! I am looking into it.\nOne moment please.");
    await page.locator(`${W} .from-rep .author`).getByText("Alice Moreau").waitFor();
    // Typing in the widget tells the rep that the customer is typing, never what.
    const typing: TypingFrame[] = [];
    alice.client.on("typing", (frame: TypingFrame) => typing.push(frame));
    await say(page, "Thank you");
    await alice.waitForText(conversationId, "Thank you");
    await waitFor(() => typing.length > 0, "a typing frame at the rep");
    expect(typing[0]).toEqual({ type: "typing", conversationId, from: "customer" });
    // The widget reports where the chat started from (PC6 context variables, for every chat).
    expect(alice.conversations.get(conversationId)?.context.pageUrl).toBe(`${server.httpUrl}/demo`);

    // L12: the customer ends the live chat (and confirms); the rep sees it and wraps up.
    await page.getByRole("button", { name: "End chat" }).click();
    await page.getByRole("button", { name: "End conversation" }).click();
    await waitFor(
      () => alice.notices.find((n) => n.code === "customer_ended" && n.conversationId === conversationId),
      "the rep's customer-ended notice",
    );
    await waitFor(() => alice.conversations.get(conversationId)?.state === "wrapup", "the rep in wrap-up");
    expect(alice.conversations.get(conversationId)?.customerEnded).toBe(true);
    await seeStatus(page, "The conversation has ended.");
    await seeMessage(page, "You ended the chat.");
    await page.getByRole("button", { name: "Start a new chat" }).waitFor();
    expect(await page.getByRole("button", { name: "End chat" }).isHidden()).toBe(true);
    await alice.request({ type: "wrapup", conversationId, reasonId: "resolved" });
    await waitFor(() => alice.conversations.get(conversationId)?.state === "closed", "closed");

    // Nothing left the server the page came from, and the page had no script errors.
    expect(originsOf(watch.requests)).toEqual(new Set([server.httpUrl]));
    expect(watch.errors).toEqual([]);
  });

  it("SPEC P5, L12: a visitor who reloads the page comes back to the same live chat and its history, through a token scoped to it", async () => {
    const server = await h.start();
    const alice = await h.rep("alice");
    const { page } = await h.page();
    await page.goto(`${server.httpUrl}/demo`);
    await widgetReady(page);
    await openChat(page);
    await say(page, "Is my order shipped?");
    const offer = await alice.waitForOffer();
    await alice.request({ type: "accept", offerId: offer.id });
    await alice.request({ type: "send", conversationId: offer.conversationId, text: "Yes, it left yesterday." });
    await seeMessage(page, "Yes, it left yesterday.");

    // The tab keeps one thing: the conversation's token, which reaches that conversation only.
    const stored = await sessionStorageOf(page);
    const token = stored[`cc-agent:token:${server.httpUrl}`];
    expect(token).toBeDefined();
    expect(verifyConversationToken(server.org.secret, token!)?.conversationId).toBe(offer.conversationId);

    await page.reload();
    await widgetReady(page);
    await openChat(page);
    await seeMessage(page, "Yes, it left yesterday.");
    expect(await threadTexts(page)).toEqual(["Is my order shipped?", "Yes, it left yesterday."]);
    await seeStatus(page, "You are chatting with Alice Moreau.");
    await say(page, "Great, thanks!");
    await alice.waitForText(offer.conversationId, "Great, thanks!");

    // Ending it and starting anew: a new conversation, not the old one's token.
    await page.getByRole("button", { name: "End chat" }).click();
    await page.getByRole("button", { name: "End conversation" }).click();
    await page.getByRole("button", { name: "Start a new chat" }).click();
    await say(page, "One more question");
    const second = await alice.waitForOffer();
    expect(second.conversationId).not.toBe(offer.conversationId);
    await seeMessage(page, "One more question");
    expect(await threadTexts(page)).not.toContain("Yes, it left yesterday.");
  });

  it("a dropped connection comes back by itself and resumes: what the rep wrote meanwhile arrives, nothing twice", async () => {
    const server = await h.start();
    const alice = await h.rep("alice");
    const { page } = await h.page();
    // Between the page and the server: forward everything and record what the page sends. The test cuts the
    // first link, and lets the second one through to the server only when it says so.
    const links: { page: WebSocketRoute; toServer: WebSocketRoute | null; sent: string[]; connect(): void }[] = [];
    await page.routeWebSocket(/\/ws$/, (route) => {
      const link = {
        page: route,
        toServer: null as WebSocketRoute | null,
        sent: [] as string[],
        connect() {
          link.toServer = route.connectToServer();
          for (const message of link.sent) link.toServer.send(message);
        },
      };
      links.push(link);
      route.onMessage((message) => {
        link.sent.push(String(message));
        link.toServer?.send(message);
      });
      if (links.length === 1) link.connect();
    });
    await page.goto(`${server.httpUrl}/demo`);
    await widgetReady(page);
    await openChat(page);
    await say(page, "Hello");
    const offer = await alice.waitForOffer();
    await alice.request({ type: "accept", offerId: offer.id });
    await seeStatus(page, "You are chatting with Alice Moreau.");

    // The network drops the link; the widget notices and tries again by itself, but gets through only later.
    await links[0]!.page.close({ code: 1001, reason: "gone" });
    await waitFor(() => links[1]?.sent.length === 1, "the widget to reconnect and say hello");
    await seeStatus(page, "Connection lost: reconnecting\u2026");
    // Meanwhile the rep writes; then the link is back.
    await alice.request({ type: "send", conversationId: offer.conversationId, text: "Are you still there?" });
    links[1]!.connect();
    await seeMessage(page, "Are you still there?");
    await seeStatus(page, "You are chatting with Alice Moreau.");
    expect(links.length).toBe(2);
    // It came back as the same visitor (the conversation's token), resuming from the last seq it had, of the
    // server's epoch.
    const hello = JSON.parse(links[1]!.sent[0]!) as {
      type: string;
      conversationToken?: string;
      lastSeq?: number;
      epoch?: string;
    };
    expect(hello.type).toBe("hello");
    expect(hello.conversationToken).toMatch(/\./);
    expect(hello.lastSeq).toBeGreaterThan(0);
    expect(hello.epoch).toBe(alice.welcome!.epoch);
    expect(await threadTexts(page)).toEqual(["Hello", "Are you still there?"]);
    await say(page, "Yes, sorry!");
    await alice.waitForText(offer.conversationId, "Yes, sorry!");
  });

  it("SPEC P5, P9, P3: a returning signed-in customer sees their persistent conversation's history and carries on", async () => {
    // `cc-agent demo`: the demo page's sign-in gets identities from the server.
    const server = await h.start({ demoIdentities: true });
    const alice = await h.rep("alice");

    // First visit: sign in on the demo page (a demo identity the server signs for the demo org only).
    const first = await h.page();
    await first.page.goto(`${server.httpUrl}/demo`);
    await widgetReady(first.page);
    await first.page.getByLabel("Name").fill("Kenny Smith");
    await first.page.getByRole("button", { name: "Sign in" }).click();
    await first.page.getByText("Signed in as Kenny Smith.", { exact: false }).waitFor();
    await openChat(first.page);
    await seeStatus(first.page, "Write to us: you can close this page and come back to your conversation.");
    await say(first.page, "My invoice 2291 shows the wrong address");
    const offer = await alice.waitForOffer();
    const conversationId = offer.conversationId;
    expect(offer.customerName).toBe("Kenny Smith");
    expect(offer.queueName).toBe("Billing");
    await alice.request({ type: "accept", offerId: offer.id });
    await alice.request({
      type: "send",
      conversationId,
      text: "I have corrected it; the new invoice follows by e-mail.",
    });
    await seeMessage(first.page, "I have corrected it; the new invoice follows by e-mail.");
    // P3: a persistent chat cannot be ended by the customer; P4: no queue messages for persistent chat.
    expect(await first.page.getByRole("button", { name: "End chat" }).isHidden()).toBe(true);
    expect((await threadTexts(first.page)).some((t) => t.includes("in the queue"))).toBe(false);
    // The rep parks it in Waiting (P6); the customer signs out and closes the page.
    await alice.request({ type: "close", conversationId });
    await first.page.getByRole("button", { name: "Sign out" }).click();
    await first.page.close();

    // Later, the same browser: signing in again with the same name brings the whole history back.
    const back = { page: await first.context.newPage() };
    await back.page.goto(`${server.httpUrl}/demo/billing`);
    await widgetReady(back.page);
    await back.page.getByLabel("Name").fill("Kenny Smith");
    await back.page.getByRole("button", { name: "Sign in" }).click();
    await openChat(back.page);
    await seeMessage(back.page, "I have corrected it; the new invoice follows by e-mail.");
    expect(await threadTexts(back.page)).toEqual([
      "My invoice 2291 shows the wrong address",
      "I have corrected it; the new invoice follows by e-mail.",
    ]);
    await say(back.page, "Got it, thank you!");
    // Same conversation: it comes back from Waiting to Alice (affinity), with the new message.
    const returned = await alice.waitForOffer(conversationId);
    await alice.request({ type: "accept", offerId: returned.id });
    await alice.waitForText(conversationId, "Got it, thank you!");
    await seeStatus(back.page, "You are chatting with Alice Moreau.");

    // P9: the history follows the signed identity only. Someone else, in another browser, who signs in with the
    // same name (in any spelling) is another customer and sees none of it.
    const other = await h.page();
    await other.page.goto(`${server.httpUrl}/demo`);
    await widgetReady(other.page);
    await other.page.getByLabel("Name").fill("KENNY  smith");
    await other.page.getByRole("button", { name: "Sign in" }).click();
    await other.page.getByText("Signed in as KENNY smith.", { exact: false }).waitFor();
    await openChat(other.page);
    await seeStatus(other.page, "Write to us: you can close this page and come back to your conversation.");
    expect(await threadTexts(other.page)).toEqual([]);
  });

  it("SPEC P9: an identity the org did not sign is refused, and the widget says so", async () => {
    const server = await h.start();
    const { page } = await h.page();
    await page.goto(`${server.httpUrl}/demo`);
    await widgetReady(page);
    const forged = signIdentity("not-the-org-secret-0123456789abcdefghij", { id: "cust-1", name: "Mallory" });
    await identify(page, forged);
    await openChat(page);
    await page.locator(`${W} .error`).getByText("Your sign-in is no longer valid. Please reload the page.").waitFor();
    expect(await page.getByRole("textbox", { name: "Message" }).isDisabled()).toBe(true);
  });
});

describe("operating hours", { timeout: 60_000 }, () => {
  it("SPEC P2: outside the hours the live chat says so; a persistent chat still takes the message, and a rep gets it when the hours open", async () => {
    const hours = { days: [1, 2, 3, 4, 5], open: "09:00", close: "17:00", utcOffsetMinutes: 0 };
    const org = widgetOrg({
      workstreams: [
        {
          id: "live",
          name: "Live chat",
          mode: "live",
          queue: "general",
          operatingHours: hours,
          texts: { outsideHours: "Our live chat is open Monday to Friday, 9:00 to 17:00 UTC." },
        },
        { id: "persistent", name: "Persistent chat", mode: "persistent", queue: "billing", operatingHours: hours },
      ],
    });
    const clock = new ManualClock(Date.parse("2026-03-01T12:00:00Z")); // a Sunday
    const server = await h.start({ org, clock });
    const alice = await h.rep("alice");
    const { page } = await h.page();
    await page.goto(`${server.httpUrl}/demo`);
    await widgetReady(page);
    await openChat(page);
    // A visitor's live chat: closed, and the widget says so instead of taking a message nobody will answer.
    await seeStatus(page, "Our live chat is open Monday to Friday, 9:00 to 17:00 UTC.");
    expect(await page.getByRole("textbox", { name: "Message" }).isDisabled()).toBe(true);

    // With --org the server signs no demo identities: the demo page's sign-in says so.
    await page.getByLabel("Name").fill("Kenny Smith");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Demo identities exist only under `cc-agent demo`", { exact: false }).waitFor();

    // The site's backend signs the identity with the org secret; the page hands it to the widget.
    const identity = signIdentity(TEST_SECRET, { id: "cust-1042", name: "Kenny Smith", account: "Fabrikam Ltd" });
    await identify(page, identity);
    await seeStatus(page, "We are outside our opening hours. Leave your message: a rep will answer when we are open.");
    await say(page, "Please call me back about my contract");
    await seeMessage(page, "Please call me back about my contract");
    const conversation = (await monitorSnapshot(server)).conversations[0]!;
    expect(conversation.state).toBe("open");
    expect(alice.pendingOffer()).toBeUndefined();
    expect((await threadTexts(page)).some((t) => t.includes("in the queue"))).toBe(false);

    // Monday 09:00: the hours open, Alice gets the message and answers; the customer sees it live.
    clock.advance(21 * 3600_000);
    const offer = await alice.waitForOffer(conversation.id);
    expect(offer.preview.map((m) => m.text)).toContain("Please call me back about my contract");
    await alice.request({ type: "accept", offerId: offer.id });
    await alice.request({
      type: "send",
      conversationId: conversation.id,
      text: "Good morning, I will call you at 10.",
    });
    await seeMessage(page, "Good morning, I will call you at 10.");
    expect(await invitation(page).isHidden()).toBe(true);
  });
});
