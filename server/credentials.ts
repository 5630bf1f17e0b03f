// Local credentials: when a server runs on this machine, it writes where it listens and the users'
// tokens to a file only its owner can read, so that `cc-agent`, `monitor`, `customer` and `seed` find
// it without anyone copying tokens by hand.
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export interface LocalCredentials {
  url: string;
  pid: number;
  org: string;
  /** Signs customer identities for `cc-agent customer --name` (P9). */
  secret: string;
  users: { id: string; name: string; role: "rep" | "supervisor"; token: string }[];
  /** For `cc-agent server reload` (server/org-reload.ts); a new one with each start. Absent from older servers. */
  reloadKey?: string;
}

export function stateDir(): string {
  return process.env.CC_AGENT_HOME ?? join(homedir(), ".cc-agent");
}

export function credentialsPath(): string {
  return join(stateDir(), "local-server.json");
}

export function writeCredentials(credentials: LocalCredentials, path = credentialsPath()): void {
  writePrivateFile(path, JSON.stringify(credentials, null, 2));
}

/** Write `text` to `path` for its owner's eyes only (it may hold a token), whole or not at all (a rename). */
export function writePrivateFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

export function readCredentials(path = credentialsPath()): LocalCredentials | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LocalCredentials;
  } catch {
    return null;
  }
}

/**
 * Remove the file if it still describes this process's server. When it named another server before this one wrote
 * it (`previous`), and that one still runs, it gets the file back: the other commands find it again.
 */
export function removeCredentials(
  pid: number,
  path = credentialsPath(),
  previous: LocalCredentials | null = null,
): void {
  const current = readCredentials(path);
  if (current?.pid !== pid) return;
  if (previous && previous.pid !== pid && running(previous.pid)) writeCredentials(previous, path);
  else rmSync(path, { force: true });
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
