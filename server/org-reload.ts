// The org file read again while the server runs: on SIGHUP (the convention of nginx, HAProxy and Prometheus) and on
// `cc-agent server reload`, which asks the running server over POST /admin/reload-org. The command asks instead of
// signalling because the answer (applied, or why the file was refused) comes back to it, which a signal cannot
// carry; the route answers only loopback addresses holding the key the server wrote to the owner-only local
// credentials file, so it is the server's owner on this machine who can ask, and nobody over the network.
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Command, State } from "./core/model.js";
import type { Org } from "./core/org.js";
import type { Logger } from "./logger.js";
import { loadOrgFile } from "./org-file.js";
import type { OrgFile } from "./org-file.js";

export const RELOAD_PATH = "/admin/reload-org";

export type ReloadResult = { ok: true; changed: boolean; removed: string[] } | { ok: false; error: string };

/**
 * L4: the workstreams, queues and users the state knows and `org` no longer lists, with the admin command that
 * deletes each (its conversations are aborted with a warning; those of a removed workstream, and Open ones in a
 * removed queue, are closed) instead of waiting in a queue nobody serves, staying with someone who can no longer
 * sign in, or stopping the server for want of their workstream's settings.
 */
export function droppedBy(state: State, org: Org): { command: Command; what: string }[] {
  const workstreams = new Set(org.workstreams.map((w) => w.id));
  const queues = new Set(org.queues.map((q) => q.id));
  const users = new Set(org.users.map((u) => u.id));
  return [
    ...state.org.workstreams
      .filter((w) => !workstreams.has(w.id))
      .map((w) => ({
        command: { type: "delete_workstream" as const, workstreamId: w.id },
        what: `workstream ${w.id}`,
      })),
    ...Object.values(state.queues)
      .filter((q) => !q.deleted && !queues.has(q.id))
      .map((q) => ({ command: { type: "delete_queue" as const, queueId: q.id }, what: `queue ${q.id}` })),
    ...Object.values(state.users)
      .filter((u) => !u.deleted && !users.has(u.id))
      .map((u) => ({ command: { type: "delete_user" as const, userId: u.id }, what: `user ${u.id}` })),
  ];
}

/**
 * Read `path` again and hand it to `apply`. A file that cannot be read, is not JSON or fails validation changes
 * nothing: the reason is logged and returned.
 */
export function reloadOrgFile(
  path: string | undefined,
  apply: (file: OrgFile) => { changed: boolean; removed: string[] },
  logger: Logger,
): ReloadResult {
  let result: ReloadResult;
  try {
    if (path === undefined)
      throw new Error("the server runs the built-in demo org: there is no org file to read again");
    const file = loadOrgFile(path);
    result = { ok: true, ...apply(file) };
  } catch (error) {
    result = { ok: false, error: (error as Error).message };
  }
  if (result.ok) logger.info({ org: path, changed: result.changed, removed: result.removed }, "org file reloaded");
  else logger.error({ org: path, reason: result.error }, "org file not reloaded: nothing was changed");
  return result;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** POST /admin/reload-org with `Authorization: Bearer <reloadKey>` from a loopback address; false: not this route. */
export function handleReloadRoute(
  request: IncomingMessage,
  response: ServerResponse,
  reloadKey: string,
  reload: () => ReloadResult,
): boolean {
  const path = (request.url ?? "/").split("?")[0];
  if (path !== RELOAD_PATH) return false;
  const answer = (status: number, body: Record<string, unknown>): true => {
    response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    response.end(JSON.stringify(body));
    return true;
  };
  if (request.method !== "POST") return answer(405, { ok: false, error: "POST only" });
  if (!LOOPBACK.test(request.socket.remoteAddress ?? ""))
    return answer(403, { ok: false, error: "reloading is for this machine only" });
  const given = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "");
  const key = Buffer.from(reloadKey);
  if (given.length !== key.length || !timingSafeEqual(given, key))
    return answer(401, { ok: false, error: "not the key of this server's local credentials" });
  const result = reload();
  return answer(result.ok ? 200 : 422, result);
}
