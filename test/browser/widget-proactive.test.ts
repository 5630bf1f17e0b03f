// Proactive chat (PC1–PC7) in headless Chromium. The page's clock is Playwright's (page.clock): installed
// before the page loads and paused, so time on page and the invitation's minute move only when the test
// says. The product's minute is a constant of the widget; nothing in the org file or the page changes it.
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signIdentity } from "../../src/protocol/identity.js";
import { W, identify, invitation, openChat, originsOf, seeMessage, seeStatus, widgetReady } from "./browser.js";
import { Harness, TEST_SECRET, widgetOrg } from "./harness.js";
import { healthz, monitorSnapshot } from "../helpers/server.js";

const WEDNESDAY_10_UTC = Date.parse("2026-03-04T10:00:00Z");
const SUNDAY_10_UTC = Date.parse("2026-03-01T10:00:00Z");

const RULES = [
  {
    id: "checkout",
    workstream: "live",
    audience: "all",
    days: [1, 2, 3, 4, 5],
    from: "09:00",
    to: "17:00",
    utcOffsetMinutes: 60,
    urlPattern: "*/demo/checkout*",
    timeOnPageSeconds: 20,
    message: "Need a hand with your order?",
    // Not a setting: the org file has no way to change the invitation's minute (PC4), this is dropped.
    timeoutSeconds: 5,
  },
  {
    id: "members",
    workstream: "persistent",
    audience: "authenticated",
    urlPattern: "*/demo/account",
    timeOnPageSeconds: 10,
    message: "Questions about your account?",
  },
  {
    id: "welcome-back",
    workstream: "live",
    audience: "returning",
    urlPattern: "*/demo/products",
    timeOnPageSeconds: 5,
    message: "Welcome back! Found what you need?",
  },
];

function proactiveOrg(proactive = true) {
  return widgetOrg({ widget: { proactive, rules: RULES } });
}

const h = new Harness();
beforeAll(() => h.launch(), 60_000);
afterEach(() => h.cleanup());
afterAll(() => h.close());

/** A fresh browser whose clock starts paused at `time`, on `path` of the server. */
async function visit(path: string, time = WEDNESDAY_10_UTC) {
  const opened = await h.page();
  await opened.page.clock.install({ time });
  await opened.page.clock.pauseAt(time + 1000);
  await opened.page.goto(`${h.server.httpUrl}${path}`);
  await widgetReady(opened.page);
  return opened;
}

async function invitationShown(page: Page): Promise<boolean> {
  return invitation(page).isVisible();
}

/**
 * Advance the page's clock by `ms` and check that no invitation shows meanwhile. An invitation stays up
 * for a whole minute once shown, so looking every 30 s cannot miss one.
 */
async function staysUninvited(page: Page, ms: number): Promise<void> {
  for (let done = 0; done < ms; done += 30_000) {
    await page.clock.runFor(Math.min(30_000, ms - done));
    expect(await invitationShown(page)).toBe(false);
  }
}

describe("proactive invitations", { timeout: 60_000 }, () => {
  it("SPEC PC1, PC4: the invitation appears once the rule's time on page is reached, and closes itself after exactly one minute", async () => {
    const server = await h.start({ org: proactiveOrg() });
    const { page, watch } = await visit("/demo/checkout?cart=42");
    await page.clock.runFor(19_999);
    expect(await invitationShown(page)).toBe(false);
    await page.clock.runFor(1);
    expect(await invitationShown(page)).toBe(true);
    await invitation(page).getByText("Need a hand with your order?", { exact: true }).waitFor();
    // The rule's attempted "timeoutSeconds: 5" changed nothing: the minute is fixed.
    await page.clock.runFor(59_999);
    expect(await invitationShown(page)).toBe(true);
    await page.clock.runFor(1);
    expect(await invitationShown(page)).toBe(false);
    expect(await page.locator(W).getAttribute("data-invitation")).toBe("expired");
    // It does not come back on this page, and nothing was started.
    await staysUninvited(page, 10 * 60_000);
    expect((await healthz(server)).conversations).toBe(0);
    expect(originsOf(watch.requests)).toEqual(new Set([server.httpUrl]));
    expect(watch.errors).toEqual([]);
  });

  it("SPEC PC4: a dismissed invitation closes at once and starts nothing", async () => {
    const server = await h.start({ org: proactiveOrg() });
    const { page } = await visit("/demo/checkout");
    await page.clock.runFor(20_000);
    await invitation(page).waitFor();
    await page.getByRole("button", { name: "Dismiss invitation" }).click();
    expect(await invitationShown(page)).toBe(false);
    expect(await page.locator(W).getAttribute("data-invitation")).toBe("dismissed");
    expect(await page.getByRole("region", { name: "Chat" }).isHidden()).toBe(true);
    // Dismissed for this browser session: a reload does not invite again.
    await page.reload();
    await widgetReady(page);
    await staysUninvited(page, 5 * 60_000);
    expect((await healthz(server)).conversations).toBe(0);
  });

  it("SPEC PC5, PC6, PC7: an accepted invitation reaches the rep flagged proactive, with the page URL and time on page", async () => {
    const server = await h.start({ org: proactiveOrg() });
    const alice = await h.rep("alice");
    const { page } = await visit("/demo/checkout?cart=42");
    await page.clock.runFor(20_000);
    await page.getByRole("button", { name: "Chat now" }).click();
    expect(await invitationShown(page)).toBe(false);
    // The chat opens with the invitation's text, and the rep is notified (PC5).
    await seeMessage(page, "Need a hand with your order?");
    const offer = await alice.waitForOffer();
    expect(offer.proactive).toBe(true); // PC7
    const conversationId = offer.conversationId;
    await alice.request({ type: "accept", offerId: offer.id });
    const view = alice.conversations.get(conversationId)!;
    expect(view.proactive).toBe(true); // PC7: the session carries the marker too
    // PC6: context variables, as the rep sees them in the conversation details.
    expect(view.context).toEqual({
      pageUrl: `${server.httpUrl}/demo/checkout?cart=42`,
      timeOnPageSeconds: "20",
      invitation: "checkout",
    });
    await seeStatus(page, "You are chatting with Alice Moreau.");
    await alice.request({ type: "send", conversationId, text: "Hello! Which item is it about?" });
    await seeMessage(page, "Hello! Which item is it about?");
  });

  it("SPEC PC1: target location and the returning-visitor audience decide which rule invites", async () => {
    await h.start({ org: proactiveOrg() });
    // First visit to /demo/products: the checkout rule's URL does not match, and this visitor is not returning.
    const { page } = await visit("/demo/products");
    await staysUninvited(page, 5 * 60_000);
    // The same browser comes back: now it is a returning visitor, and "welcome-back" invites after 5 s.
    await page.reload();
    await widgetReady(page);
    await page.clock.runFor(4_999);
    expect(await invitationShown(page)).toBe(false);
    await page.clock.runFor(1);
    await invitation(page).getByText("Welcome back! Found what you need?", { exact: true }).waitFor();
  });

  it("SPEC PC1: outside the rule's time frame (days and hours) there is no invitation", async () => {
    await h.start({ org: proactiveOrg() });
    const sunday = await visit("/demo/checkout", SUNDAY_10_UTC);
    await staysUninvited(sunday.page, 5 * 60_000);
    // Wednesday 17:30 in the rule's UTC+1 (16:30 UTC): after "to".
    const evening = await visit("/demo/checkout", Date.parse("2026-03-04T16:30:00Z"));
    await staysUninvited(evening.page, 5 * 60_000);
  });

  it("SPEC PC1: a time frame across midnight (22:00–02:00) invites late in the evening and after midnight, not in the daytime", async () => {
    // given one rule for the night that starts on Wednesday, 22:00 to 02:00 UTC
    const message = "Up late? We are here.";
    const night = {
      id: "night",
      workstream: "live",
      days: [3],
      from: "22:00",
      to: "02:00",
      urlPattern: "*/demo/checkout*",
      timeOnPageSeconds: 5,
      message,
    };
    await h.start({ org: widgetOrg({ widget: { proactive: true, rules: [night] } }) });

    // when / then: Wednesday 23:00 and Thursday 01:30 (still Wednesday's night) invite after the 5 s on the page
    for (const time of ["2026-03-04T23:00:00Z", "2026-03-05T01:30:00Z"]) {
      const { page } = await visit("/demo/checkout", Date.parse(time));
      await page.clock.runFor(5_000);
      await invitation(page).getByText(message, { exact: true }).waitFor();
    }
    // and Thursday 10:00 (daytime) and Thursday 23:00 (Thursday's night is not in the rule) do not
    for (const time of ["2026-03-05T10:00:00Z", "2026-03-05T23:00:00Z"]) {
      const { page } = await visit("/demo/checkout", Date.parse(time));
      await staysUninvited(page, 60_000);
    }
  });

  it("SPEC PC1, P9: an authenticated-audience rule invites only a signed-in customer, into their persistent chat", async () => {
    const server = await h.start({ org: proactiveOrg() });
    const alice = await h.rep("alice");
    const { page } = await visit("/demo/account");
    await staysUninvited(page, 60_000);
    // The site signs the customer in: the rule applies, and its 10 s on the page are long past.
    await identify(page, signIdentity(TEST_SECRET, { id: "cust-7", name: "Ada Lovelace" }));
    await page.clock.runFor(0);
    await invitation(page).getByText("Questions about your account?", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Chat now" }).click();
    const offer = await alice.waitForOffer();
    expect(offer).toMatchObject({ proactive: true, customerName: "Ada Lovelace", queueName: "Billing" });
    expect((await monitorSnapshot(server)).conversations.find((c) => c.id === offer.conversationId)?.mode).toBe(
      "persistent",
    );
  });

  it("SPEC PC3: with proactive chat switched off for the widget, no rule invites", async () => {
    const server = await h.start({ org: proactiveOrg(false) });
    const config = (await (await fetch(`${server.httpUrl}/widget/config`)).json()) as {
      proactive: boolean;
      rules: unknown[];
    };
    expect(config).toMatchObject({ proactive: false, rules: [] });
    const { page } = await visit("/demo/checkout");
    await staysUninvited(page, 5 * 60_000);
    // The chat itself still works.
    await openChat(page);
    await seeStatus(page, "Write your question and a rep will be with you shortly.");
  });

  it("SPEC PC1: the built-in demo org invites on /demo/checkout after 20 seconds", async () => {
    await h.start();
    const { page } = await visit("/demo/checkout");
    await page.clock.runFor(20_000);
    await invitation(page).getByText("Need a hand with your order? We are here to help.", { exact: true }).waitFor();
  });
});
