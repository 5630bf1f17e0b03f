// The HTTP side of the chat widget (server/http-routes.ts): what is served and with which headers, the
// widget config without secrets, demo identities for the demo org only, the Origin check of WebSocket
// upgrades, and conversation tokens scoped to one conversation.
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { parseOrgFile } from "../../server/org-file.js";
import { signIdentity, verifyIdentity } from "../../src/protocol/identity.js";
import { refusal, serverPerTest } from "../helpers/server.js";
import { waitFor } from "../helpers/ws.js";

const SECRET = "widget-http-secret-0123456789abcdefghijk";

function org(widget: Record<string, unknown> = {}) {
  return parseOrgFile({
    name: "Fabrikam",
    secret: SECRET,
    queues: [
      { id: "general", name: "General" },
      { id: "billing", name: "Billing" },
    ],
    workstreams: [
      { id: "live", name: "Live chat", mode: "live", queue: "general" },
      { id: "persistent", name: "Persistent chat", mode: "persistent", queue: "billing" },
    ],
    users: [{ id: "alice", name: "Alice Moreau", queues: ["general", "billing"], token: "alice-http-token-00000001" }],
    wrapUpReasons: [{ id: "resolved", label: "Resolved" }],
    widget,
  });
}

const fixture = serverPerTest();
const { start, connect } = fixture;

/** Open /ws with these headers: "open", or the HTTP status the upgrade was refused with. */
function upgrade(headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(fixture.server.url, { headers });
    ws.on("open", () => {
      ws.close();
      resolve("open");
    });
    ws.on("unexpected-response", (_request, response) => {
      resolve(String(response.statusCode));
      response.resume();
    });
    ws.on("error", () => undefined);
  });
}

describe("widget files and the demo page", () => {
  it("are served with their types, nosniff, and a strict CSP on the page", async () => {
    const server = await start();
    const js = await fetch(`${server.httpUrl}/widget.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("x-content-type-options")).toBe("nosniff");
    const source = await js.text();
    // The widget's TypeScript bundled into one classic script, with the protocol's own constants in it.
    expect(source).toContain("window.CcAgentWidget");
    expect(source).toMatch(/PROTOCOL_VERSION = 1;/);
    expect(source).not.toMatch(/^\s*(import|export) /m);
    expect(source).not.toMatch(/innerHTML|insertAdjacentHTML|document\.write/);
    expect((await fetch(`${server.httpUrl}/widget.css`)).headers.get("content-type")).toBe("text/css; charset=utf-8");

    for (const path of ["/demo", "/demo/", "/demo/checkout", "/demo/checkout?cart=1"]) {
      const page = await fetch(`${server.httpUrl}${path}`);
      expect(page.status, path).toBe(200);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(page.headers.get("content-security-policy")).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      expect(page.headers.get("x-frame-options")).toBe("DENY");
    }
    const head = await fetch(`${server.httpUrl}/widget.js`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("serves nothing else: no other paths, no way out of the widget folder, no other methods", async () => {
    const server = await start();
    for (const path of [
      "/",
      "/widget.ts",
      "/demo/a/b",
      "/%2e%2e/package.json",
      "/widget.js/../../package.json",
      "/src/widget/widget.js",
      "/demo.html",
    ]) {
      const response = await fetch(`${server.httpUrl}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect((await fetch(`${server.httpUrl}/widget.js`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
  });
});

describe("GET /widget/config", () => {
  it("SPEC PC1, PC3: gives the workstreams and the proactive rules, and no secret or token", async () => {
    const rule = {
      id: "checkout",
      workstream: "live",
      audience: "returning",
      urlPattern: "*/checkout*",
      timeOnPageSeconds: 45,
      message: "Need a hand?",
    };
    const server = await start({ org: org({ proactive: true, rules: [rule] }) });
    const response = await fetch(`${server.httpUrl}/widget/config`);
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("alice-http-token");
    expect(JSON.parse(text)).toEqual({
      allowed: true,
      org: "Fabrikam",
      workstreams: [
        {
          id: "live",
          name: "Live chat",
          mode: "live",
          open: true,
          outsideHours: "We are closed right now. Please come back during our opening hours.",
        },
        {
          id: "persistent",
          name: "Persistent chat",
          mode: "persistent",
          open: true,
          outsideHours: "We are closed right now. Please come back during our opening hours.",
        },
      ],
      proactive: true,
      rules: [{ ...rule, days: [0, 1, 2, 3, 4, 5, 6], from: "00:00", to: "24:00", utcOffsetMinutes: 0 }],
      demo: false,
    });
  });

  it("SPEC PC2, PC3: answers pages of allowed origins (CORS), refuses others, and has no rules when proactive is off", async () => {
    const server = await start({
      org: org({
        allowedOrigins: ["https://shop.fabrikam.example"],
        proactive: false,
        rules: [{ id: "r", workstream: "live" }],
      }),
    });
    const allowed = await fetch(`${server.httpUrl}/widget/config`, {
      headers: { origin: "https://shop.fabrikam.example" },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://shop.fabrikam.example");
    expect(await allowed.json()).toMatchObject({ allowed: true, proactive: false, rules: [] });
    const other = await fetch(`${server.httpUrl}/widget/config`, { headers: { origin: "https://evil.example" } });
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({
      allowed: false,
      error: "This page's origin is not in the org file's widget.allowedOrigins.",
    });
  });
});

describe("GET /demo/identity (cc-agent demo only)", () => {
  const identityOf = async (query: string) => {
    const response = await fetch(`${fixture.server.httpUrl}/demo/identity?${query}`);
    expect(response.headers.get("cache-control")).toBe("no-store");
    return {
      status: response.status,
      body: (await response.json()) as {
        identity?: { id: string; name: string; expires: number; sig: string };
        error?: string;
      },
    };
  };

  it("SPEC P9: under cc-agent demo, signs a short-lived identity with an unguessable id, which only its holder can reuse", async () => {
    const server = await start({ demoIdentities: true });
    const first = (await identityOf(`name=${encodeURIComponent("Kenny  Smith ")}`)).body.identity!;
    expect(first).toMatchObject({ name: "Kenny Smith" });
    expect(first.id).toMatch(/^demo-[0-9a-f]{24}$/);
    expect(verifyIdentity(server.org.secret, first, Date.now())).toBe(true);
    expect(first.expires - Date.now()).toBeLessThanOrEqual(3600_000);
    // Asking for the same name, in any spelling, does not give Kenny Smith's id: it gives a new customer.
    for (const name of ["Kenny Smith", "KENNY  smith", "kenny smith"]) {
      const other = (await identityOf(`name=${encodeURIComponent(name)}`)).body.identity!;
      expect(other.id).toMatch(/^demo-[0-9a-f]{24}$/);
      expect(other.id).not.toBe(first.id);
    }
    // The browser that holds the id comes back as the same customer.
    const again = (await identityOf(`name=Kenny%20Smith&id=${first.id}`)).body.identity!;
    expect(again.id).toBe(first.id);
    expect(verifyIdentity(server.org.secret, again, Date.now())).toBe(true);
    // Only ids of the issued form: not someone's id from another system, nor a readable one.
    for (const id of ["cust-1042", "demo-kenny smith", `${first.id}0`, `DEMO-${first.id.slice(5)}`]) {
      expect(await identityOf(`name=Kenny&id=${encodeURIComponent(id)}`)).toEqual({
        status: 400,
        body: { error: "`id` must be an id this server issued: demo- and 24 hex digits." },
      });
    }
    expect((await identityOf("")).status).toBe(400);
    expect((await identityOf(`name=${"x".repeat(81)}`)).status).toBe(400);
  });

  const NOT_HERE =
    "Demo identities exist only under `cc-agent demo` (or --unsafe-demo-identities) with the built-in demo org. With --org, your web backend signs customer identities.";

  it("SPEC P9: a plain server, even with the built-in demo org, signs no identities", async () => {
    const server = await start();
    expect(await identityOf("name=Kenny")).toEqual({ status: 404, body: { error: NOT_HERE } });
    expect(await (await fetch(`${server.httpUrl}/widget/config`)).json()).toMatchObject({ demo: false });
  });

  it("SPEC P9: with --org it does not exist, whatever the options: the org's backend signs identities, never the server", async () => {
    await start({ org: org(), demoIdentities: true });
    expect(await identityOf("name=Kenny")).toEqual({ status: 404, body: { error: NOT_HERE } });
  });
});

describe("who may open /ws", () => {
  it("SPEC PC2: browsers from the server's own origin or an allowed origin; other origins get 403; Node clients (no Origin) stay allowed", async () => {
    const server = await start({
      org: org({ allowedOrigins: ["https://www.fabrikam.example"] }),
    });
    expect(await upgrade({})).toBe("open");
    expect(await upgrade({ origin: server.httpUrl })).toBe("open");
    expect(await upgrade({ origin: "https://www.fabrikam.example" })).toBe("open");
    expect(await upgrade({ origin: "https://WWW.Fabrikam.example:443" })).toBe("open");
    expect(await upgrade({ origin: "https://evil.example" })).toBe("403");
    expect(await upgrade({ origin: "http://www.fabrikam.example" })).toBe("403");
    expect(await upgrade({ origin: "null" })).toBe("403");
    // A page elsewhere that claims the server's host in another scheme or port is another origin.
    expect(await upgrade({ origin: `http://127.0.0.1:${server.port + 1}` })).toBe("403");
  });

  it("refuses org files whose allowed origins are not origins, or whose rules name unknown workstreams", () => {
    expect(() => org({ allowedOrigins: ["https://www.fabrikam.example/path"] })).toThrow(
      /an origin: scheme, host and port only/,
    );
    expect(() => org({ allowedOrigins: ["www.fabrikam.example"] })).toThrow(/an origin/);
    expect(() => org({ rules: [{ id: "r", workstream: "nope" }] })).toThrow(
      /widget rule "r" names unknown workstream "nope"/,
    );
  });
});

describe("conversation tokens are scoped to one conversation", () => {
  it("a token reaches its own conversation only: no other conversation of the same customer, and no new one", async () => {
    await start({ org: org() });
    const identity = signIdentity(SECRET, { id: "cust-9", name: "Kenny Smith" });
    const kenny = await connect({ role: "customer", identity });
    const persistent = await kenny.request({ type: "start", workstream: "persistent", text: "about my invoice" });
    const live = await kenny.request({ type: "start", workstream: "live", text: "quick question" });
    const persistentId = persistent.conversationId as string;
    const liveId = live.conversationId as string;

    // With the live chat's token, only the live chat: not the customer's persistent conversation.
    const scoped = await connect({ role: "customer", conversationToken: live.conversationToken as string });
    expect(scoped.welcome?.snapshot?.customerConversations.map((c) => c.id)).toEqual([liveId]);
    expect((await refusal(scoped, { type: "send", conversationId: persistentId, text: "hi" })).code).toBe(
      "conversation/not_found",
    );
    expect((await refusal(scoped, { type: "status", conversationId: persistentId })).code).toBe(
      "conversation/not_found",
    );
    expect((await refusal(scoped, { type: "start", workstream: "live", text: "a new one" })).code).toBe(
      "auth/forbidden",
    );
    await scoped.request({ type: "send", conversationId: liveId, text: "still here" });
    // Events about the other conversation do not reach it.
    await kenny.request({ type: "send", conversationId: persistentId, text: "one more thing" });
    await kenny.request({ type: "send", conversationId: liveId, text: "and here" });
    await scoped.waitForText(liveId, "and here");
    expect(scoped.customerConversations.has(persistentId)).toBe(false);
    expect(scoped.messages.has(persistentId)).toBe(false);

    // The signed identity still sees both.
    await waitFor(
      () => kenny.texts(persistentId).includes("one more thing") && kenny.texts(liveId).includes("still here"),
      "both conversations",
    );
    const again = await connect({ role: "customer", identity });
    expect(again.welcome?.snapshot?.customerConversations.map((c) => c.id).sort()).toEqual(
      [liveId, persistentId].sort(),
    );
  });
});
