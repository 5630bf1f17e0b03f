// Structured logs with levels, to stderr or a file. Log ids, codes and counts, never message text or
// customer details: logs must not carry unmasked personal data.
import { pino } from "pino";
import type { Logger } from "pino";

export type { Logger };
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export function createLogger(options: { level?: LogLevel; file?: string } = {}): Logger {
  const destination = options.file
    ? pino.destination({ dest: options.file, mkdir: true, sync: false })
    : pino.destination(2);
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
