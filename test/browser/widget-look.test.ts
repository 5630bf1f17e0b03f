// The widget as customers of Intercom, Crisp or Chatwoot expect it, in headless Chromium against a real server
// and a scripted rep: a launcher with an icon and an unread count that makes way for the panel, the rep's name
// and initials in the header, 24-hour times, a confirmation before ending (and the customer reading that they
// ended it), and a transcript to keep.
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { W, openChat, say, seeMessage, threadTexts, widgetReady } from "./browser.js";
import { Harness, widgetOrg } from "./harness.js";

const h = new Harness();
beforeAll(() => h.launch(), 60_000);
afterEach(() => h.cleanup());
afterAll(() => h.close());

/** A visitor on the demo page chatting with Alice, who has answered once. */
async function chatWithAlice(): Promise<{ page: Page; send(text: string): Promise<unknown>; conversationId: string }> {
  const server = await h.start({ org: widgetOrg() });
  const alice = await h.rep("alice");
  const { page } = await h.page();
  await page.goto(`${server.httpUrl}/demo`);
  await widgetReady(page);
  await openChat(page);
  await say(page, "Hi, where is my parcel?");
  const offer = await alice.waitForOffer();
  await alice.request({ type: "accept", offerId: offer.id });
  const conversationId = offer.conversationId;
  const send = (text: string) => alice.request({ type: "send", conversationId, text });
  await send("Hello, Alice here.");
  await seeMessage(page, "Hello, Alice here.");
  return { page, send, conversationId };
}

const launcher = (page: Page) => page.locator(`${W} .launcher`);
const badge = (page: Page) => page.locator(`${W} .launcher .unread`);

describe("the widget's look", { timeout: 60_000 }, () => {
  it("the launcher has an icon, counts the rep's messages that came while the panel was closed, and hides while it is open", async () => {
    const { page, send } = await chatWithAlice();
    // Open: the launcher makes way for the panel.
    expect(await launcher(page).isHidden()).toBe(true);

    await page.getByRole("button", { name: "Minimise chat" }).click();
    await launcher(page).waitFor({ state: "visible" });
    expect(await page.locator(`${W} .launcher svg`).count()).toBe(1);
    expect(await badge(page).isHidden()).toBe(true);

    await send("Your parcel is in the depot.");
    await badge(page).getByText("1", { exact: true }).waitFor();
    await send("It leaves tomorrow morning.");
    await badge(page).getByText("2", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Chat with us (2 unread messages)" }).waitFor();

    await page.getByRole("button", { name: "Chat with us" }).click();
    await seeMessage(page, "It leaves tomorrow morning.");
    expect(await launcher(page).isHidden()).toBe(true);
    await page.getByRole("button", { name: "Minimise chat" }).click();
    await launcher(page).waitFor({ state: "visible" });
    // Read: the count is gone.
    expect(await badge(page).isHidden()).toBe(true);
    expect(await launcher(page).getAttribute("aria-label")).toBe("Chat with us");
  });

  it("the header shows the rep's name and initials under the org, and every time is 24-hour HH:MM", async () => {
    const { page } = await chatWithAlice();
    await page.locator(`${W} .header .title`).getByText("Alice Moreau", { exact: true }).waitFor();
    expect(await page.locator(`${W} .header .subtitle`).textContent()).toBe("Fabrikam");
    expect(await page.locator(`${W} .header .avatar`).textContent()).toBe("AM");

    // Each shown time against its machine-readable instant, in the browser's own time zone.
    const times = await page.locator(`${W} .thread time`).evaluateAll((nodes) =>
      nodes.map((n) => {
        const node = n as unknown as { textContent: string | null; getAttribute(name: string): string | null };
        const at = new Date(node.getAttribute("datetime") ?? "");
        const hhmm = `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
        return { shown: node.textContent, hhmm };
      }),
    );
    expect(times.length).toBeGreaterThanOrEqual(2);
    for (const t of times) expect(t.shown).toBe(t.hhmm);
  });

  it("End chat asks first: Keep chatting changes nothing; End conversation ends it and the customer reads that they ended it", async () => {
    const { page, send } = await chatWithAlice();
    await page.getByRole("button", { name: "End chat" }).click();
    const confirm = page.getByRole("alertdialog", { name: "End this chat?" });
    await confirm.waitFor();
    expect(await page.getByRole("button", { name: "End chat" }).isHidden()).toBe(true);
    await page.getByRole("button", { name: "Keep chatting" }).click();
    await confirm.waitFor({ state: "hidden" });
    // Asked again, Escape keeps chatting too: the question has the focus.
    await page.getByRole("button", { name: "End chat" }).click();
    await confirm.waitFor();
    await page.keyboard.press("Escape");
    await confirm.waitFor({ state: "hidden" });
    // Still going: the rep's next message arrives, and End chat is back.
    await send("Anything else?");
    await seeMessage(page, "Anything else?");
    await page.getByRole("button", { name: "End chat" }).waitFor();

    await page.getByRole("button", { name: "End chat" }).click();
    await page.getByRole("button", { name: "End conversation" }).click();
    await seeMessage(page, "You ended the chat.");
    await page.getByRole("button", { name: "Start a new chat" }).waitFor();
    expect(await threadTexts(page)).not.toContain("Customer ended the conversation");
  });

  it("Download transcript gives a text file of the conversation, with dates, times and who wrote what", async () => {
    const { page, send } = await chatWithAlice();
    await send("Line one\nLine two");
    await seeMessage(page, "Line one\nLine two");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download transcript" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^chat-transcript-\d{4}-\d\d-\d\d\.txt$/);
    const text = readFileSync((await download.path())!, "utf8");
    const stamp = String.raw`\[\d{4}-\d\d-\d\d \d\d:\d\d\]`;
    expect(text.split("\n")[0]).toBe("Chat with Fabrikam");
    expect(text).toMatch(new RegExp(`^${stamp} You: Hi, where is my parcel\\?$`, "m"));
    expect(text).toMatch(new RegExp(`^${stamp} Alice Moreau: Hello, Alice here\\.$`, "m"));
    // A message's further lines stay under its first.
    expect(text).toMatch(new RegExp(`^${stamp} Alice Moreau: Line one\\n {33}Line two$`, "m"));
  });
});
