// Structured logs with levels, to stderr or a file. Log ids, codes and counts, never message text or
// customer details: logs must not carry unmasked personal data.
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { pino } from "pino";
import type { Logger } from "pino";

export type { Logger };
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export function createLogger(options: { level?: LogLevel; file?: string } = {}): Logger {
  if (options.file) checkWritable(options.file);
  const destination = options.file
    ? pino.destination({ dest: options.file, mkdir: true, sync: false })
    : pino.destination(2);
  // A log that cannot be written any more (a full disk, a terminal that was closed) is dropped: the server serves on.
  // Without this, pino's flush at exit retries the failed write for ever (sonic-boom sleeps and retries any error in
  // flushSync), and the process never ends.
  const drop = () => {
    const dropped = destination as unknown as { write: (chunk: string) => boolean; flushSync: () => void };
    dropped.write = () => true;
    dropped.flushSync = () => undefined;
  };
  destination.on("error", drop);
  // Logging to stderr, a write of the process's own to it can be the first to find it gone (a reader such as
  // `| grep -m1 listening` that quit): the log is dropped then too, or the flush at exit would retry for ever.
  if (!options.file) process.stderr.on("error", drop);
  return pino(
    {
      level: options.level ?? "info",
      base: { service: "cc-agent-server" },
      // Defence in depth: should a text or customer field ever reach a log call, it is censored.
      redact: {
        paths: ["text", "*.text", "customer", "*.customer", "identity", "*.identity", "token", "*.token", "secret"],
        censor: "[masked]",
      },
    },
    destination,
  );
}

export const silentLogger: Logger = pino({ level: "silent" });

/** The log file can be opened for appending (its folder made if needed), or the server does not start, saying why. */
function checkWritable(file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    closeSync(openSync(file, "a", 0o600));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : code === "EISDIR"
          ? "it is a folder"
          : (error as Error).message;
    throw new Error(`cannot write the log file ${file} (${why}); choose another --log-file`, { cause: error });
  }
}
