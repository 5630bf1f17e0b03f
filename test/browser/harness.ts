// A real server on port 0, headless Chromium, scripted reps (TestClient): one harness per test file.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { parseOrgFile } from "../../server/org-file.js";
import type { OrgFile } from "../../server/org-file.js";
import { startServer } from "../../server/start-server.js";
import type { RunningServer, ServerOptions } from "../../server/start-server.js";
import { TestClient, waitFor } from "../helpers/ws.js";
import { launchChromium, newPage } from "./browser.js";
import type { PageWatch } from "./browser.js";

export const TEST_SECRET = "widget-test-secret-0123456789abcdefghijkl";

/** A small org for the browser tests: a live and a persistent workstream, rep Alice. Pass changes on top. */
export function widgetOrg(changes: Record<string, unknown> = {}): OrgFile {
  return parseOrgFile({
    name: "Fabrikam",
    secret: TEST_SECRET,
    queues: [
      { id: "general", name: "General" },
      { id: "billing", name: "Billing" },
    ],
    workstreams: [
      { id: "live", name: "Live chat", mode: "live", queue: "general" },
      { id: "persistent", name: "Persistent chat", mode: "persistent", queue: "billing" },
    ],
    users: [
      { id: "alice", name: "Alice Moreau", queues: ["general", "billing"], token: "alice-widget-token-000001" },
      // Tests read what the server holds through a supervisor's view.
      { id: "sam", name: "Sam Rivera", role: "supervisor", queues: [], token: "sam-widget-token-0000001" },
    ],
    wrapUpReasons: [{ id: "resolved", label: "Resolved" }],
    ...changes,
  });
}

export class Harness {
  browser!: Browser;
  server!: RunningServer;
  private readonly contexts: BrowserContext[] = [];
  private readonly clients: TestClient[] = [];
  private readonly hosts: Server[] = [];

  private launchError: Error | null = null;

  /** Launch once per file. A missing Chromium fails every test with the reason (it never skips them). */
  async launch(): Promise<void> {
    try {
      this.browser = await launchChromium();
    } catch (error) {
      this.launchError = error as Error;
    }
  }

  async start(options: ServerOptions = {}): Promise<RunningServer> {
    this.server = await startServer({ port: 0, dataFile: null, ...options });
    return this.server;
  }

  async page(): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
    if (this.launchError) throw this.launchError;
    const opened = await newPage(this.browser);
    this.contexts.push(opened.context);
    return opened;
  }

  /** A scripted rep, signed in and (by default) Available. */
  async rep(id = "alice", available = true): Promise<TestClient> {
    const user = this.server.org.users.find((u) => u.id === id);
    if (!user) throw new Error(`no user ${id}`);
    const client = await new TestClient(this.server.url, { role: "rep", token: user.token }).connect();
    this.clients.push(client);
    if (available) await client.request({ type: "presence", presence: "available" });
    return client;
  }

  /** A scripted supervisor (Sam): what the server holds, read over the wire. */
  async supervisor(id = "sam"): Promise<TestClient> {
    const user = this.server.org.users.find((u) => u.id === id);
    if (!user) throw new Error(`no user ${id}`);
    const client = await new TestClient(this.server.url, { role: "supervisor", token: user.token }).connect();
    this.clients.push(client);
    return client;
  }

  /**
   * Another web site (another origin: another port) whose page embeds the widget from the server. It may
   * start before the server (whose org file lists its origin): the page names the server when it is served.
   */
  async hostSite(html: (widgetSrc: string) => string = shopPage): Promise<string> {
    const host = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(html(`${this.server.httpUrl}/widget.js`));
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    this.hosts.push(host);
    return `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  }

  /** Close what this test opened; the browser stays for the next test. */
  async cleanup(): Promise<void> {
    await Promise.all(this.contexts.splice(0).map((c) => c.close()));
    await Promise.all(this.clients.splice(0).map((c) => c.close()));
    await Promise.all(
      this.hosts.splice(0).map(
        (h) =>
          new Promise<void>((resolve) => {
            h.closeAllConnections();
            h.close(() => resolve());
          }),
      ),
    );
    await this.server?.close();
  }

  async close(): Promise<void> {
    await this.browser?.close();
  }
}

/** A plain page of another site that embeds the widget with one script tag, and nothing else (no CSP). */
export function shopPage(widgetSrc: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Another shop</title></head>
<body><h1>Another shop</h1><p>Embeds the chat.</p><script src="${widgetSrc}" defer></script></body></html>`;
}

export { waitFor };
