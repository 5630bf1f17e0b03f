// HTTP routes besides /healthz: the customer chat widget and its demo page, and the check of which web
// pages may open the WebSocket.
//
//   GET /widget.js, /widget.css   the embeddable widget (src/widget/widget.ts bundled: server/widget-bundle.ts)
//   GET /widget/config            what the widget needs: workstreams (open now or not), proactive rules (PC1, PC3)
//   GET /demo, /demo/<page>       a demo page that embeds the widget (any one-segment path, to try URL patterns)
//   GET /demo.js, /demo.css       the demo page's own script and style
//   GET /demo/identity?name=…     DEMO ONLY, UNSAFE: a signed customer identity (P9) for whoever asks, served only
//                                 under `cc-agent demo` (or `cc-agent server --unsafe-demo-identities`) with the
//                                 built-in demo org. Its id has a random part: `&id=` brings back an id it issued
//                                 earlier, which only its holder knows. With --org, your web backend signs identities.
//
// Every response carries `X-Content-Type-Options: nosniff`; the demo page a Content-Security-Policy that
// allows scripts, styles and connections to this server only. Browsers may open /ws only from the
// server's own origin or from an origin listed in the org file's `widget.allowedOrigins`.
import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Clock } from "./clock.js";
import { isOpenAt } from "./core/org.js";
import { DEFAULT_TEXTS } from "./core/org.js";
import type { Logger } from "./logger.js";
import type { OrgFile } from "./org-file.js";
import { randomBytes } from "node:crypto";
import { signIdentity } from "../src/protocol/identity.js";
import { bundleWidgetFromSources } from "./widget-bundle.js";

/** The widget's files: src/widget/ next to server/ in the sources, dist/src/widget/ (copied by the build) from dist/server/
 * and from the bundled CLI in dist/bundle/ (scripts/bundle.js keeps its chunks one directory below dist/). */
const WIDGET_DIR = new URL("../src/widget/", import.meta.url);

const STATIC: Record<string, { file: string; type: string }> = {
  "/widget.js": { file: "widget.js", type: "text/javascript; charset=utf-8" },
  "/widget.css": { file: "widget.css", type: "text/css; charset=utf-8" },
  "/demo.js": { file: "demo.js", type: "text/javascript; charset=utf-8" },
  "/demo.css": { file: "demo.css", type: "text/css; charset=utf-8" },
};

/** The demo page, at /demo and at /demo/<one segment> (not /demo/identity). */
const DEMO_PAGE = /^\/demo(?:\/[A-Za-z0-9_-]{1,64})?\/?$/;

/** How long a demo identity is valid. */
const DEMO_IDENTITY_MS = 60 * 60_000;

/** A demo customer id: `demo-` and 96 random bits, so that no one can ask for someone else's history by name. */
const DEMO_ID = /^demo-[0-9a-f]{24}$/;

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export interface HttpRoutesOptions {
  org: OrgFile;
  /** Serve /demo/identity (unsafe: signed identities for anyone): `cc-agent demo` with the built-in demo org only. */
  demo: boolean;
  clock: Clock;
  logger: Logger;
}

export interface HttpRoutes {
  /** Answers the request and returns true, or returns false for a path it does not serve. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** May a WebSocket upgrade with this `Origin` header (undefined: not a browser) reach /ws? */
  originAllowed(origin: string | undefined, host: string | undefined): boolean;
  /** For `new WebSocketServer({ verifyClient })`: refuses browsers from other origins with 403. */
  verifyClient: (
    info: { origin: string; req: IncomingMessage },
    callback: (ok: boolean, code?: number, message?: string) => void,
  ) => void;
}

/** `https://Example.com:443/` → `https://example.com`; null when it is not an http(s) origin. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.origin;
  } catch {
    return null;
  }
}

export function createHttpRoutes(options: HttpRoutesOptions): HttpRoutes {
  const { org, clock, logger } = options;
  const allowed = new Set(org.widget.allowedOrigins.map(normalizeOrigin).filter((o): o is string => o !== null));
  const cache = new Map<string, Buffer>();

  function file(name: string): Buffer | null {
    let body = cache.get(name);
    if (!body) {
      try {
        // From the sources there is no widget.js next to widget.ts: bundle it (the build writes it to dist/).
        const fromSources = name === "widget.js" && existsSync(new URL("widget.ts", WIDGET_DIR));
        body = fromSources ? bundleWidgetFromSources(WIDGET_DIR) : readFileSync(new URL(name, WIDGET_DIR));
      } catch (error) {
        logger.error({ file: name, err: (error as Error).message }, "widget file missing (was the build run?)");
        return null;
      }
      cache.set(name, body);
    }
    return body;
  }

  function originAllowed(origin: string | undefined, host: string | undefined): boolean {
    // Node clients (the console, the CLI customer, scripts) send no Origin: they are not a web page.
    if (origin === undefined) return true;
    const normalized = normalizeOrigin(origin);
    if (normalized === null) return false;
    if (allowed.has(normalized)) return true;
    // The server's own pages (the demo page) are always allowed.
    return host !== undefined && new URL(normalized).host === host.toLowerCase();
  }

  function send(
    response: ServerResponse,
    status: number,
    headers: OutgoingHttpHeaders,
    body: string | Buffer,
    head: boolean,
  ): void {
    response.writeHead(status, { "x-content-type-options": "nosniff", "referrer-policy": "no-referrer", ...headers });
    response.end(head ? undefined : body);
  }

  function json(
    response: ServerResponse,
    status: number,
    value: unknown,
    head: boolean,
    extra: OutgoingHttpHeaders = {},
  ): void {
    send(
      response,
      status,
      { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...extra },
      JSON.stringify(value),
      head,
    );
  }

  /** What the widget needs, without secrets: workstreams and whether they are open now, and the proactive rules. */
  function widgetConfig(): Record<string, unknown> {
    const now = clock.now();
    return {
      allowed: true,
      org: org.name,
      workstreams: org.workstreams.map((w) => ({
        id: w.id,
        name: w.name,
        mode: w.mode,
        open: isOpenAt(w.operatingHours, now),
        outsideHours: (w.texts as { outsideHours?: string }).outsideHours ?? DEFAULT_TEXTS.outsideHours,
      })),
      // PC3: proactive chat is switched on per widget; when it is off, the widget gets no rules at all.
      proactive: org.widget.proactive,
      rules: org.widget.proactive
        ? org.widget.rules.map((r) => ({
            id: r.id,
            workstream: r.workstream,
            audience: r.audience,
            days: r.days,
            from: r.from,
            to: r.to,
            utcOffsetMinutes: r.utcOffsetMinutes,
            urlPattern: r.urlPattern,
            timeOnPageSeconds: r.timeOnPageSeconds,
            message: r.message,
          }))
        : [],
      demo: options.demo,
    };
  }

  function demoIdentity(url: URL): { status: number; body: unknown } {
    const name = (url.searchParams.get("name") ?? "").replace(/\s+/g, " ").trim();
    if (name.length === 0 || name.length > 80)
      return { status: 400, body: { error: "Give a name of 1 to 80 characters: /demo/identity?name=Kenny%20Smith" } };
    const email = url.searchParams.get("email")?.trim();
    // A new customer gets a fresh id; the demo page keeps it and sends it back (`id`) to be the same customer again,
    // so their persistent conversation follows them (P5, P9) in that browser, and in no one else's.
    const asked = url.searchParams.get("id");
    if (asked !== null && !DEMO_ID.test(asked))
      return { status: 400, body: { error: "`id` must be an id this server issued: demo- and 24 hex digits." } };
    const fields = {
      id: asked ?? `demo-${randomBytes(12).toString("hex")}`,
      name,
      expires: clock.now() + DEMO_IDENTITY_MS,
      ...(email ? { email: email.slice(0, 200) } : {}),
    };
    return { status: 200, body: { identity: signIdentity(org.secret, fields), demo: true } };
  }

  return {
    originAllowed,
    verifyClient(info, callback) {
      if (originAllowed(info.req.headers.origin, info.req.headers.host)) {
        callback(true);
        return;
      }
      logger.warn({ origin: String(info.req.headers.origin).slice(0, 200) }, "websocket refused: origin not allowed");
      callback(false, 403, "Origin not allowed");
    },
    handle(request, response) {
      const method = request.method ?? "GET";
      const head = method === "HEAD";
      if (method !== "GET" && !head) return false;
      let url: URL;
      try {
        url = new URL(request.url ?? "/", "http://localhost");
      } catch {
        return false;
      }
      const path = url.pathname;

      const asset = STATIC[path];
      if (asset) {
        const body = file(asset.file);
        if (!body) return false;
        // The widget is loaded by pages of other (allowed) origins: let them.
        send(
          response,
          200,
          { "content-type": asset.type, "cache-control": "no-cache", "cross-origin-resource-policy": "cross-origin" },
          body,
          head,
        );
        return true;
      }

      if (path === "/favicon.ico") {
        send(response, 204, { "cache-control": "max-age=86400" }, "", head);
        return true;
      }

      if (path === "/widget/config") {
        const origin = request.headers.origin;
        const cors: OutgoingHttpHeaders = { vary: "Origin" };
        if (origin !== undefined) cors["access-control-allow-origin"] = normalizeOrigin(origin) ?? "null";
        if (!originAllowed(origin, request.headers.host)) {
          json(
            response,
            403,
            { allowed: false, error: "This page's origin is not in the org file's widget.allowedOrigins." },
            head,
            cors,
          );
          return true;
        }
        json(response, 200, widgetConfig(), head, cors);
        return true;
      }

      if (path === "/demo/identity") {
        if (!options.demo) {
          json(
            response,
            404,
            {
              error:
                "Demo identities exist only under `cc-agent demo` (or --unsafe-demo-identities) with the built-in demo org. With --org, your web backend signs customer identities.",
            },
            head,
          );
          return true;
        }
        const { status, body } = demoIdentity(url);
        json(response, status, body, head);
        return true;
      }

      if (DEMO_PAGE.test(path)) {
        const body = file("demo.html");
        if (!body) return false;
        send(
          response,
          200,
          {
            "content-type": "text/html; charset=utf-8",
            "cache-control": "no-cache",
            "content-security-policy": CONTENT_SECURITY_POLICY,
            "x-frame-options": "DENY",
          },
          body,
          head,
        );
        return true;
      }
      return false;
    },
  };
}
