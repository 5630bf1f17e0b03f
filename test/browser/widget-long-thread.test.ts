// A long thread in the widget (issue 12, items 4–5): after a reload the server sends the conversation with its
// latest messages and their count; the widget reads the earlier ones a page at a time (one page on open, more at the
// top of the thread or with "Show earlier messages"), and the transcript reads the rest first.
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { W, openChat, say, seeMessage, threadTexts, widgetReady } from "./browser.js";
import { Harness, widgetOrg } from "./harness.js";

const h = new Harness();
beforeAll(() => h.launch(), 60_000);
afterEach(() => h.cleanup());
afterAll(() => h.close());

/** The rep writes "reply 1" … "reply N" quickly: the org lets a rep's connection send that fast. */
const ORG = widgetOrg({ limits: { connection: { burst: 1000, perSecond: 1000 } } });
const REPLIES = 240;

/** A customer's chat with Alice of 1 + REPLIES messages, and the page reloaded: the widget shows the latest few. */
async function longChatReloaded() {
  const server = await h.start({ org: ORG });
  const alice = await h.rep("alice");
  const { page } = await h.page();
  await page.goto(`${server.httpUrl}/demo`);
  await widgetReady(page);
  await openChat(page);
  await say(page, "Tell me everything");
  const offer = await alice.waitForOffer();
  await alice.request({ type: "accept", offerId: offer.id });
  for (let n = 1; n <= REPLIES; n++)
    await alice.request({ type: "send", conversationId: offer.conversationId, text: `reply ${n}` });
  await seeMessage(page, `reply ${REPLIES}`);
  await page.reload();
  await widgetReady(page);
  await openChat(page);
  await seeMessage(page, `reply ${REPLIES}`);
  return page;
}

/** The little of the DOM these tests read (the project compiles without the DOM's types). */
interface Box {
  top: number;
}
interface Thread {
  scrollTop: number;
  clientHeight: number;
  getBoundingClientRect(): Box;
  querySelectorAll(selector: string): Iterable<{ textContent: string | null; getBoundingClientRect(): Box }>;
}

const replyNumbers = (texts: string[]) => texts.filter((t) => t.startsWith("reply ")).map((t) => Number(t.slice(6)));

describe("a long thread after a reload", { timeout: 90_000 }, () => {
  it("SPEC P5: the latest messages at once, one earlier page on open, the rest on scrolling up and with the button", async () => {
    const page = await longChatReloaded();
    // One page read on open: the latest 100 and the 3 the reload brought, in order, no gap.
    await page.locator(`${W} .thread .text`).getByText("reply 138", { exact: true }).waitFor();
    const opened = replyNumbers(await threadTexts(page));
    expect(opened[0]).toBe(138);
    expect(opened).toEqual(Array.from({ length: REPLIES - 137 }, (_, i) => 138 + i));
    const button = page.getByRole("button", { name: "Show earlier messages" });
    await button.waitFor();

    // Scrolled to the top: the page before is read, and the message read stays in view.
    await page.locator(`${W} .thread`).evaluate((thread) => ((thread as unknown as Thread).scrollTop = 0));
    await page.locator(`${W} .thread .text`).getByText("reply 38", { exact: true }).waitFor();
    await expect
      .poll(() =>
        page.locator(`${W} .thread`).evaluate((element) => {
          const thread = element as unknown as Thread;
          const item = [...thread.querySelectorAll(".text")].find((t) => t.textContent === "reply 138")!;
          const top = item.getBoundingClientRect().top - thread.getBoundingClientRect().top;
          return top >= 0 && top < thread.clientHeight;
        }),
      )
      .toBe(true);

    // The last page from the keyboard: the button, focused and pressed.
    await button.focus();
    await page.keyboard.press("Enter");
    await page.locator(`${W} .thread .text`).getByText("Tell me everything", { exact: true }).waitFor();
    await button.waitFor({ state: "hidden" });
    const texts = await threadTexts(page);
    expect(texts[0]).toBe("Tell me everything");
    expect(replyNumbers(texts)).toEqual(Array.from({ length: REPLIES }, (_, i) => i + 1));
  });

  it("Download transcript after a reload holds the whole thread", async () => {
    const page = await longChatReloaded();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download transcript" }).click(),
    ]);
    const text = readFileSync((await download.path())!, "utf8");
    expect(text).toMatch(/ You: Tell me everything$/m);
    for (const n of [1, 2, 100, 139, REPLIES]) expect(text).toMatch(new RegExp(` Alice Moreau: reply ${n}$`, "m"));
    expect(text.match(/ Alice Moreau: reply \d+$/gm)).toHaveLength(REPLIES);
  });
});
