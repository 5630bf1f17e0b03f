// `cc-agent server reload`: the server running on this machine reads its org file again and answers how it went
// (server/org-reload.ts says why this asks over HTTP instead of sending SIGHUP). It is found, with the key the route
// wants, through the local credentials file the server wrote.
import { sanitizeLine } from "../protocol/sanitize.js";
import { credentialsPath, readCredentials } from "../../server/credentials.js";
import { RELOAD_PATH } from "../../server/org-reload.js";
import type { ReloadResult } from "../../server/org-reload.js";

/** Ask the local server to reload; the exit code: 0 when the file was applied, 1 when it changed nothing. */
export async function reloadLocalServer(): Promise<number> {
  const file = credentialsPath();
  const credentials = readCredentials(file);
  if (!credentials || typeof credentials.url !== "string")
    throw new Error(
      `no local cc-agent server: ${file} is missing (a server started with --no-credentials reloads on SIGHUP: kill -HUP <pid>)`,
    );
  if (typeof credentials.reloadKey !== "string")
    throw new Error(`the server in ${file} (pid ${credentials.pid}) cannot be asked to reload: send it SIGHUP`);
  const url = new URL(credentials.url);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = RELOAD_PATH;
  url.search = "";
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${credentials.reloadKey}` } });
  } catch (error) {
    throw new Error(
      `no cc-agent server answers at ${url.origin} (pid ${credentials.pid}): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const body = (await response.json().catch(() => null)) as ReloadResult | null;
  if (!body) throw new Error(`the server at ${url.origin} answered ${response.status} without a result`);
  if (!body.ok) {
    process.stderr.write(`cc-agent: the org file was not reloaded; nothing changed.\n${body.error}\n`);
    return 1;
  }
  const removed = body.removed.length > 0 ? `; removed (their conversations aborted): ${body.removed.join(", ")}` : "";
  process.stdout.write(
    body.changed ? `org file reloaded (${sanitizeLine(body.org)})${removed}\n` : `org file reloaded: nothing changed\n`,
  );
  return 0;
}
