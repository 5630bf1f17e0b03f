// Headless Chromium for the widget's browser tests: Debian's `chromium` package driven by playwright-core
// (never a browser download). A missing /usr/bin/chromium fails the tests with a clear message: it does
// not skip them.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** The flags this machine needs (docs in .library: no sandbox as root, no background networking). */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser tests need Debian's Chromium at ${CHROMIUM_PATH}, and it is not there. ` +
        "Install it with `apt-get update && apt-get install -y chromium` (.ci/run does this first).",
    );
  }
  // playwright-core gives every launch a fresh temporary --user-data-dir of its own (and removes it on close).
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** What a page did that a test should know about: script errors, dialogs (alert), and every request it made. */
export interface PageWatch {
  errors: string[];
  dialogs: string[];
  requests: string[];
}

export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const watch: PageWatch = { errors: [], dialogs: [], requests: [] };
  page.on("pageerror", (error) => watch.errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") watch.errors.push(message.text());
  });
  page.on("dialog", (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("request", (request: Request) => watch.requests.push(request.url()));
  page.on("websocket", (ws) => watch.requests.push(ws.url()));
  page.setDefaultTimeout(15_000);
  return { context, page, watch };
}

/** Every origin the page sent a request to (http(s) and ws(s)). */
export function originsOf(urls: readonly string[]): Set<string> {
  return new Set(urls.filter((u) => /^(https?|wss?):/.test(u)).map((u) => new URL(u).origin.replace(/^ws/, "http")));
}

// ---- the widget, as a customer sees it -------------------------------------------------------------------

/** Locators pierce the widget's open shadow root. */
export const W = "#cc-agent-widget";

/** The widget has loaded its config (or failed to), so rules are scheduled and the status line is final. */
export async function widgetReady(page: Page): Promise<void> {
  await page.locator(`${W}[data-ready=true]`).waitFor({ state: "attached" });
}

export async function openChat(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Chat with us" }).click();
  await page.getByRole("textbox", { name: "Message" }).waitFor();
}

/** Type a message and press Enter (L7), as a customer does. */
export async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await box.press("Enter");
}

/** Wait until a message with exactly this text is in the thread (delivered, not "Sending…"). */
export async function seeMessage(page: Page, text: string): Promise<void> {
  await page.locator(`${W} .thread .message:not(.pending) .text`).getByText(text, { exact: true }).first().waitFor();
}

export async function seeStatus(page: Page, text: string): Promise<void> {
  await page.locator(`${W} .status`).getByText(text, { exact: true }).waitFor();
}

export function invitation(page: Page) {
  return page.getByRole("dialog", { name: "Chat invitation" });
}

/** Every text in the thread, in order: what the customer reads. */
export async function threadTexts(page: Page): Promise<string[]> {
  return page.locator(`${W} .thread .text`).allTextContents();
}

/** What the page's own code does with an identity its backend signed: hand it to the widget. */
export async function identify(page: Page, identity: unknown): Promise<void> {
  await page.evaluate((signed) => {
    (globalThis as unknown as { CcAgentWidget: { identify(identity: unknown): void } }).CcAgentWidget.identify(signed);
  }, identity);
}

/** The page's sessionStorage, as an object. */
export async function sessionStorageOf(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const storage = (
      globalThis as unknown as {
        sessionStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null };
      }
    ).sessionStorage;
    const out: Record<string, string> = {};
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key !== null) out[key] = storage.getItem(key) ?? "";
    }
    return out;
  });
}
