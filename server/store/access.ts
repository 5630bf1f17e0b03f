// A data file the server's user may not write, or beside which it may not make its files: said with what to change.
import os from "node:os";
import path from "node:path";

/**
 * What to change when the server's user may not write a data file or make files beside it (EACCES, EPERM, EROFS,
 * SQLITE_READONLY*), said after the error; "" for any other error.
 */
export function accessRemedy(file: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return "";
  if (code !== "EACCES" && code !== "EPERM" && code !== "EROFS" && !code.startsWith("SQLITE_READONLY")) return "";
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    user = `uid ${process.getuid?.() ?? "?"}`;
  }
  const name = path.basename(file);
  return (
    `: the server runs as ${user}, who must be able to read and write ${name} and make files beside it in ` +
    `${path.dirname(file)} (${name}-wal, ${name}-shm, ${name}.lock): give ${user} that access, or choose another --data`
  );
}
