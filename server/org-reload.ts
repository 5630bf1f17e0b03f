// The org file read again while the server runs: on SIGHUP (the convention of nginx, HAProxy and Prometheus) and on
// `cc-agent server reload`, which asks the running server over POST /admin/reload-org. The command asks instead of
// signalling because the answer (applied, or why the file was refused) comes back to it, which a signal cannot
// carry; the route answers only loopback addresses holding the key the server wrote to the owner-only local
// credentials file, so it is the server's owner on this machine who can ask, and nobody over the network.
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { UserState } from "./core/model.js";
import type { Logger } from "./logger.js";
import { loadOrgFile } from "./org-file.js";
import type { OrgFile } from "./org-file.js";

export const RELOAD_PATH = "/admin/reload-org";

/** A reload's answer; `org` is the name of the org now in force. */
export type ReloadResult =
  { ok: true; changed: boolean; removed: string[]; org: string } | { ok: false; error: string };

/**
 * Read `path` again and hand it to `apply`. A file that cannot be read, is not JSON or fails validation changes
 * nothing: the reason is logged and returned.
 */
export async function reloadOrgFile(
  path: string | undefined,
  apply: (file: OrgFile) => Promise<{ changed: boolean; removed: string[] }>,
  logger: Logger,
): Promise<ReloadResult> {
  let result: ReloadResult;
  try {
    if (path === undefined)
      throw new Error("the server runs the built-in demo org: there is no org file to read again");
    const file = loadOrgFile(path);
    result = { ok: true, ...(await apply(file)), org: file.name };
  } catch (error) {
    result = { ok: false, error: (error as Error).message };
  }
  if (result.ok) logger.info({ org: path, changed: result.changed, removed: result.removed }, "org file reloaded");
  else logger.error({ org: path, reason: result.error }, "org file not reloaded: nothing was changed");
  return result;
}

/**
 * Why a staff connection is signed out after a reload (null: it stays): its user was removed, or the token it signed
 * in with is no longer that user's (`holdsToken`).
 */
export function signOutReason(user: UserState | undefined, holdsToken: boolean): string | null {
  if (!user || user.deleted)
    return "You were removed from the org: this console is signed out. Ask your admin if this is a mistake.";
  if (!holdsToken) return "Your token was replaced in the org file: sign in again with the new one.";
  return null;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** POST /admin/reload-org with `Authorization: Bearer <reloadKey>` from a loopback address; false: not this route. */
export function handleReloadRoute(
  request: IncomingMessage,
  response: ServerResponse,
  reloadKey: string,
  reload: () => Promise<ReloadResult>,
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
  void reload().then((result) => answer(result.ok ? 200 : 422, result));
  return true;
}
