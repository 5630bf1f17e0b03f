// The server shell: HTTP (health) and WebSocket on one port, loopback by default, around one Hub.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createNetServer } from "node:net";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import { readCredentials, writeCredentials, removeCredentials } from "./credentials.js";
import { Hub } from "./hub.js";
import type { HubOptions } from "./hub.js";
import { createHttpRoutes } from "./http-routes.js";
import type { Logger } from "./logger.js";
import { silentLogger } from "./logger.js";
import type { OrgFile } from "./org-file.js";
import { DEMO_USER_IDS, demoOrgFile, loadOrgFile } from "./org-file.js";
import { handleReloadRoute, reloadOrgFile } from "./org-reload.js";
import type { ReloadResult } from "./org-reload.js";
import type { State } from "./core/model.js";
import type { EventStore } from "./store/store.js";
import { openMemoryStore } from "./store/memory-store.js";
import { openSqliteStore } from "./store/sqlite-store.js";
import { threadOf } from "./gateway/thread-reads.js";
import { returnFreedMemory } from "./return-memory.js";
import type { SqliteStoreOptions } from "./store/sqlite-store.js";
import { checkDataLocation, isPostgresUrl, redactUrl } from "./store/postgres-url.js";
import { lockDataFile } from "./store/lock.js";
import type { DataFileLock } from "./store/lock.js";
import { INITIAL_ORG_KEY } from "./writer/recovery.js";
import { MAX_FRAME_BYTES } from "../src/protocol/messages.js";

export const VERSION = "0.1.0";

export interface ServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /**
   * SQLite data file, or a `postgres://` / `postgresql://` URL (server/store/postgres-store.ts); null keeps everything
   * in memory (tests, benchmarks).
   */
  dataFile?: string | null;
  /** The org; without it, the one in `orgFile`, else the built-in demo org with secrets kept in the data file. */
  org?: OrgFile;
  /** The org file: loaded at start when `org` is not given, and read again by `reloadOrg()`. */
  orgFile?: string;
  clock?: Clock;
  logger?: Logger;
  /** Write the local credentials file for the other cc-agent commands (a path, or true for the default). */
  credentialsFile?: string | boolean;
  heartbeatMs?: number;
  helloTimeoutMs?: number;
  snapshotEvery?: number;
  /** Options of the SQLite store (tests: a connection hook). */
  storeOptions?: SqliteStoreOptions;
  /**
   * UNSAFE, for demos: serve GET /demo/identity, which signs a customer identity for anyone who asks. Only with the
   * built-in demo org (ignored with `org`); `cc-agent demo` turns it on, a plain `cc-agent server` does not.
   */
  demoIdentities?: boolean;
  /** How long a rep may be disconnected before they are set Offline. */
  presenceGraceMs?: number;
  /** A cluster node's settings beyond its URL (tests: leadership timings, its name). */
  cluster?: Omit<NonNullable<HubOptions["cluster"]>, "url">;
}

export interface RunningServer {
  /** ws://host:port/ws */
  url: string;
  httpUrl: string;
  port: number;
  /** The org file in force (a reload replaces it). */
  readonly org: OrgFile;
  hub: Hub;
  /** Read the org file again and apply it (SIGHUP, `cc-agent server reload`; server/org-reload.ts). */
  reloadOrg(): Promise<ReloadResult>;
  close(): Promise<void>;
}

/**
 * The demo org's secret and tokens are generated once per data file and kept in it (claimed: cluster nodes starting at
 * once on a new database all take the first one's).
 */
async function demoOrg(store: EventStore<State>): Promise<OrgFile> {
  let secrets = await store.getMeta("demo-secrets");
  if (!secrets) {
    const tokens = Object.fromEntries(
      DEMO_USER_IDS.map((id) => [id, `${id}-${randomBytes(18).toString("base64url")}`]),
    );
    secrets = await store.claimMeta(
      "demo-secrets",
      JSON.stringify({ secret: randomBytes(32).toString("hex"), tokens }),
    );
  }
  return demoOrgFile(JSON.parse(secrets) as { secret: string; tokens: Record<string, string> });
}

/** Where the log is kept, as logs may show it: a Postgres URL without its password. */
export function shownData(dataFile: string | null | undefined): string {
  if (!dataFile) return "memory";
  return isPostgresUrl(dataFile) ? redactUrl(dataFile) : dataFile;
}

/**
 * A data file set up from an org file, started without one: the built-in demo org would be applied over it as a
 * difference, removing its queues, workstreams and reps and closing their conversations for good. Refused, saying
 * how to start it. (A demo data file keeps its generated secrets in the store; one from an org file has none.)
 */
async function refuseDemoOverOwnOrg(store: EventStore<State>, dataFile: string | null | undefined): Promise<void> {
  if (!dataFile || (await store.lastSeq()) === 0 || (await store.getMeta("demo-secrets")) !== undefined) return;
  const initial = await store.getMeta(INITIAL_ORG_KEY);
  const name = initial ? (JSON.parse(initial) as { name?: unknown }).name : undefined;
  throw new Error(
    `${shownData(dataFile)} holds the org ${typeof name === "string" ? `"${name}" ` : ""}of an org file, not the demo ` +
      `org: start the server with --org <file>. Without it the built-in demo org would replace that org and close ` +
      `its conversations.`,
  );
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const logger = options.logger ?? silentLogger;
  // One server per data file: a second one stops here, naming the first (server/store/lock.ts). The lock is a file
  // beside the SQLite file; a Postgres database has none.
  if (options.dataFile) checkDataLocation(options.dataFile);
  // A port another program holds, or a host not this machine's, is said before anything is made: no data file or lock
  // is left behind for it (port 0 probes the host alone).
  await checkPortFree(host, options.port ?? 0);
  const lock = options.dataFile && !isPostgresUrl(options.dataFile) ? lockDataFile(options.dataFile) : null;
  try {
    return await listen(options, host, logger, lock);
  } catch (error) {
    lock?.release();
    throw error;
  }
}

async function listen(
  options: ServerOptions,
  host: string,
  logger: Logger,
  lock: DataFileLock | null,
): Promise<RunningServer> {
  // Messages are indexed by conversation: threads are read from the log a page at a time (gateway/thread-reads.ts).
  const store = !options.dataFile
    ? await openMemoryStore<State>(undefined, { threadOf })
    : isPostgresUrl(options.dataFile)
      ? await (await import("./store/postgres-store.js")).openPostgresStore<State>(options.dataFile, { threadOf })
      : await openSqliteStore<State>(options.dataFile, { ...options.storeOptions, threadOf });
  let hub: Hub;
  let org: OrgFile;
  try {
    if (!options.org && !options.orgFile) await refuseDemoOverOwnOrg(store, options.dataFile);
    org = options.org ?? (options.orgFile ? loadOrgFile(options.orgFile) : await demoOrg(store));
    hub = await Hub.open({
      org,
      store,
      clock: options.clock ?? systemClock,
      logger,
      ...(options.snapshotEvery ? { snapshotEvery: options.snapshotEvery } : {}),
      ...(options.presenceGraceMs === undefined ? {} : { presenceGraceMs: options.presenceGraceMs }),
      // A Postgres database is shared: the server is a node of a cluster on it (server/cluster/node.ts).
      ...(options.dataFile && isPostgresUrl(options.dataFile)
        ? { cluster: { url: options.dataFile, storeOptions: { threadOf }, ...options.cluster } }
        : {}),
    });
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return serve(options, host, logger, lock, org, hub);
}

async function serve(
  options: ServerOptions,
  host: string,
  logger: Logger,
  lock: DataFileLock | null,
  startOrg: OrgFile,
  hub: Hub,
): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  let org = startOrg;
  // The chat widget, its demo page and the Origin check of browsers' upgrades (server/http-routes.ts); built again
  // from a reloaded org file.
  const demo = options.demoIdentities === true && !options.org && !options.orgFile;
  let routes = createHttpRoutes({ org, demo, clock, logger });
  const reloadKey = randomBytes(24).toString("base64url");
  const reloadOrg = (): Promise<ReloadResult> =>
    reloadOrgFile(
      options.orgFile,
      async (file) => {
        const applied = await hub.applyOrgFile(file);
        org = file;
        routes = createHttpRoutes({ org, demo, clock, logger });
        try {
          if (options.credentialsFile) writeLocalCredentials();
        } catch (error) {
          // The org is in force: only the other commands on this machine still see the former tokens.
          logger.warn({ err: (error as Error).message }, "the local credentials file could not be rewritten");
        }
        return applied;
      },
      logger,
    );

  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method === "GET" && path === "/healthz") {
      // 503 while the data file refuses writes (docs/operations.md): reads and resumes still work. A cluster node
      // also says its role, and answers 503 while not ready (its replica behind the log, or Postgres unreachable).
      void hub.health().then(
        (health) => {
          const ok = "ready" in health ? health.ready : health.status === "ok";
          response.writeHead(ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
          response.end(JSON.stringify({ ...health, version: VERSION, ...hub.stats() }));
        },
        (error: unknown) => {
          logger.error({ err: (error as Error).message }, "health check failed");
          response.writeHead(503, { "content-type": "application/json", "cache-control": "no-store" });
          response.end(JSON.stringify({ status: "degraded", reason: "health check failed", version: VERSION }));
        },
      );
      return;
    }
    if (handleReloadRoute(request, response, reloadKey, reloadOrg)) return;
    if (routes.handle(request, response)) return;
    response.writeHead(404, { "content-type": "text/plain", "x-content-type-options": "nosniff" });
    response.end("not found\n");
  });
  const wss = new WebSocketServer({
    server: http,
    path: "/ws",
    maxPayload: MAX_FRAME_BYTES,
    verifyClient: (info, callback) => routes.verifyClient(info, callback),
  });
  wss.on("connection", (ws, request) =>
    hub.attach(ws, options.helloTimeoutMs, request.socket.remoteAddress ?? "unknown"),
  );
  // ws passes the HTTP server's errors on: one that stops the listen is the error startServer throws, not a log line.
  let listening = false;
  wss.on("error", (error) => {
    if (listening) logger.error({ err: error.message }, "websocket server error");
  });
  http.on("clientError", (_error, socket) => socket.destroy());

  try {
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(options.port ?? 0, host, () => {
        http.off("error", reject);
        resolve();
      });
    });
    listening = true;
  } catch (error) {
    await hub.close();
    throw listenError(error as NodeJS.ErrnoException, host, options.port ?? 0);
  }
  const port = (http.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  const url = `ws://${shownHost}:${port}/ws`;
  lock?.update(url);
  const heartbeat = setInterval(() => hub.heartbeat(), options.heartbeatMs ?? 30_000);
  heartbeat.unref();
  const stopReturningMemory = returnFreedMemory();

  const credentialsPath = options.credentialsFile === true ? undefined : options.credentialsFile || undefined;
  function writeLocalCredentials(): void {
    writeCredentials(
      {
        url,
        pid: process.pid,
        org: org.name,
        secret: org.secret,
        users: org.users.map((u) => ({ id: u.id, name: u.name, role: u.role, token: u.token })),
        reloadKey,
      },
      credentialsPath,
    );
  }
  // The server that wrote the file before this one, if any: it gets it back when this one stops.
  const previousCredentials = options.credentialsFile ? readCredentials(credentialsPath) : null;
  if (options.credentialsFile) writeLocalCredentials();
  logger.info({ url, host, port, data: shownData(options.dataFile), org: org.name }, "server listening");

  let closing: Promise<void> | null = null;
  return {
    url,
    httpUrl: `http://${shownHost}:${port}`,
    port,
    get org() {
      return org;
    },
    hub,
    reloadOrg,
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        stopReturningMemory();
        await hub.close();
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await new Promise<void>((resolve) => http.close(() => resolve()));
        lock?.release();
        if (options.credentialsFile) removeCredentials(process.pid, credentialsPath, previousCredentials);
        logger.info("server stopped");
      })();
      return closing;
    },
  };
}

/** Listen on the address and let go at once: the error the real listen would meet, before the data file is opened. */
async function checkPortFree(host: string, port: number): Promise<void> {
  const probe = createNetServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen(port, host, () => resolve());
    });
  } catch (error) {
    throw listenError(error as NodeJS.ErrnoException, host, port);
  }
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

/** Why the server could not listen, said as what to change. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (error.code) {
    case "EADDRINUSE":
      return new Error(
        `port ${port} on ${host} is in use by another program: choose another --port (0 picks a free one)`,
      );
    case "EACCES":
      return new Error(`port ${port} needs privileges this process does not have: choose a port above 1023`);
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new Error(`cannot listen on ${host}: it is not an address of this machine (--host)`);
    default:
      return error;
  }
}
