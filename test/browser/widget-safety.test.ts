// Safe by default, in headless Chromium: every text is rendered as text, the pages that may use the chat
// come from the org file, and the widget talks to nothing but the server it was loaded from.
import type { WebSocketRoute } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { W, invitation, openChat, originsOf, say, seeMessage, seeStatus, threadTexts, widgetReady } from "./browser.js";
import { Harness, waitFor, widgetOrg } from "./harness.js";
import { healthz } from "../helpers/server.js";

const XSS = "<img src=x onerror=alert(1)>";

const h = new Harness();
beforeAll(() => h.launch(), 60_000);
afterEach(() => h.cleanup());
afterAll(() => h.close());

/** Elements that would only be in the widget if some text had been parsed as HTML. */
async function injectedElements(page: import("playwright-core").Page): Promise<number> {
  return page.evaluate(() => {
    const host = (
      globalThis as unknown as {
        document: {
          getElementById(id: string): { shadowRoot: { querySelectorAll(s: string): { length: number } } | null } | null;
        };
      }
    ).document.getElementById("cc-agent-widget");
    // The launcher's own icon is the one svg the widget draws.
    return (
      host?.shadowRoot?.querySelectorAll("img, script, iframe, b, svg:not(.launcher > .launcher-icon), object")
        .length ?? -1
    );
  });
}

describe("text is text", { timeout: 60_000 }, () => {
  it("rep text <img src=x onerror=alert(1)> is shown as text, and so are the rep's name, the org's texts and the customer's own words", async () => {
    // Another site, with no Content-Security-Policy of its own to hide a mistake, embeds the widget.
    const shop = await h.hostSite();
    await h.start({
      org: widgetOrg({
        name: `Fabrikam ${XSS}`,
        users: [
          { id: "alice", name: `Alice ${XSS}`, queues: ["general", "billing"], token: "alice-widget-token-000001" },
        ],
        workstreams: [
          { id: "live", name: "Live chat", mode: "live", queue: "general", texts: { ended: `Bye! ${XSS}` } },
          { id: "persistent", name: "Persistent chat", mode: "persistent", queue: "billing" },
        ],
        widget: {
          allowedOrigins: [shop],
          proactive: true,
          rules: [{ id: "hello", workstream: "live", timeOnPageSeconds: 0, message: `Hi ${XSS}` }],
        },
      }),
    });

    const alice = await h.rep("alice");
    const { page, watch } = await h.page();
    // Between the page and the server, a test hook: forward everything, and let the test add a frame.
    let socket: WebSocketRoute | null = null;
    await page.routeWebSocket(/\/ws$/, (route) => {
      socket = route;
      route.connectToServer();
    });
    await page.goto(shop);
    await widgetReady(page);
    await invitation(page).getByText(`Hi ${XSS}`, { exact: true }).waitFor();
    await page.getByRole("button", { name: "Chat now" }).click();
    await page.locator(`${W} .title`).getByText(`Fabrikam ${XSS}`, { exact: true }).waitFor();

    const offer = await alice.waitForOffer();
    const conversationId = offer.conversationId;
    await alice.request({ type: "accept", offerId: offer.id });
    await seeStatus(page, `You are chatting with Alice ${XSS}.`);
    await say(page, XSS);
    await alice.waitForText(conversationId, XSS);
    await seeMessage(page, XSS);

    // L8 keeps < and > out of reps' messages on the server, so the widget must hold even when a frame
    // carries them anyway: the test hands the page a rep message with exactly that text.
    await waitFor(() => socket, "the page's WebSocket");
    socket!.send(
      JSON.stringify({
        type: "event",
        seq: 1_000_000,
        at: Date.now(),
        changes: [
          {
            kind: "message",
            conversationId,
            message: {
              id: "m-injected",
              at: Date.now(),
              author: { role: "rep", id: "alice", name: `Alice ${XSS}` },
              text: XSS,
            },
          },
        ],
      }),
    );
    await page.locator(`${W} .from-rep .text`).getByText(XSS, { exact: true }).waitFor();
    await alice.request({ type: "end", conversationId });
    await seeMessage(page, `Bye! ${XSS}`);

    const texts = await threadTexts(page);
    expect(texts).toEqual([`Hi ${XSS}`, XSS, XSS, `Bye! ${XSS}`]);
    expect(await page.locator(`${W} .from-rep .author`).first().textContent()).toBe(`Alice ${XSS}`);
    expect(await injectedElements(page)).toBe(0);
    expect(watch.dialogs).toEqual([]);
    expect(watch.errors).toEqual([]);
    // The page talked to its own site and to the chat server, nothing else.
    expect(originsOf(watch.requests)).toEqual(new Set([shop, h.server.httpUrl]));
  });
});

describe("allowed origins", { timeout: 60_000 }, () => {
  it("SPEC PC2: a page whose origin is not in the org file gets no chat, and its WebSocket upgrade is refused", async () => {
    await h.start({
      org: widgetOrg({
        widget: {
          allowedOrigins: ["https://www.fabrikam.example"],
          proactive: true,
          rules: [{ id: "all", workstream: "live", timeOnPageSeconds: 0 }],
        },
      }),
    });
    const alice = await h.rep("alice");
    const elsewhere = await h.hostSite();
    const { page, watch } = await h.page();
    await page.goto(elsewhere);
    await widgetReady(page);
    await openChat(page);
    await seeStatus(page, "Chat is not available on this site.");
    // No invitation either: proactive chat works only where the widget may run.
    expect(await invitation(page).isHidden()).toBe(true);
    // Even a page that opens the socket itself is refused at the upgrade (no open, no frame).
    const outcome = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const Ws = (
            globalThis as unknown as {
              WebSocket: new (u: string) => { onopen: () => void; onclose: (e: { code: number }) => void };
            }
          ).WebSocket;
          const ws = new Ws(url);
          ws.onopen = () => resolve("open");
          ws.onclose = (event) => resolve(`closed ${event.code}`);
        }),
      h.server.url,
    );
    expect(outcome).toBe("closed 1006");
    expect(alice.pendingOffer()).toBeUndefined();
    expect((await healthz(h.server)).conversations).toBe(0);
    expect(watch.dialogs).toEqual([]);
  });

  it("the demo page allows only its own server: scripts, styles and connections ('self')", async () => {
    const server = await h.start();
    const { page } = await h.page();
    const response = await page.goto(`${server.httpUrl}/demo`);
    const headers = response!.headers();
    expect(headers["content-security-policy"]).toContain("script-src 'self'");
    expect(headers["content-security-policy"]).toContain("connect-src 'self'");
    expect(headers["content-security-policy"]).toContain("default-src 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    await widgetReady(page);
    await openChat(page);
    await say(page, "hello");
    await seeMessage(page, "hello");
  });
});
