// `cc-agent server`: the bundled routing server.
// The server's modules (SQLite, pino, zod schemas) load only when this command runs: the console starts faster. It
// imports nothing of the other commands: `cc-agent server` has an entry of its own (server-main.ts).
import { writeSync } from "node:fs";
import { InvalidArgumentError } from "commander";
import type { Command } from "commander";
import type { LogLevel } from "../../server/logger.js";
import { checkDataPath } from "./data-option.js";
import { isPostgresUrl } from "../../server/store/postgres-url.js";

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError("a port is a whole number from 0 to 65535");
  return port;
}

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export function registerServerCommand(program: Command): void {
  const server = program
    .command("server")
    .description("run the routing server (WebSocket protocol v1, GET /healthz)")
    .option("--host <host>", "interface to listen on (loopback unless told otherwise)", "127.0.0.1")
    .option("--port <port>", "port; 0 picks a free one", parsePort, 7420)
    .option(
      "--data <file|url>",
      "SQLite data file, or a Postgres database: postgres://user@host:5432/db (password from PGPASSWORD or ~/.pgpass)",
      "cc-agent.db",
    )
    .option("--org <file>", "org file (JSON); without it, the built-in demo org")
    .option("--log-level <level>", `one of ${LEVELS.join(", ")}`, "info")
    .option("--log-file <file>", "write logs to this file instead of stderr")
    .option("--no-credentials", "do not write the local credentials file for the other commands")
    .option(
      "--unsafe-demo-identities",
      "serve /demo/identity, which signs a customer identity for anyone who asks (demo org only; never in production)",
    )
    .action(
      async (options: {
        host: string;
        port: number;
        data: string;
        org?: string;
        logLevel: string;
        logFile?: string;
        credentials: boolean;
        unsafeDemoIdentities?: boolean;
      }) => {
        // A stderr that is gone (its reader quit, its terminal closed) does not stop the server: what it would say
        // there is dropped, and it serves on. Unhandled, the EPIPE of its first line would end it.
        process.stderr.on("error", () => undefined);
        if (!LEVELS.includes(options.logLevel)) throw new Error(`--log-level must be one of ${LEVELS.join(", ")}`);
        if (!isPostgresUrl(options.data)) checkDataPath(options.data, " or a postgres:// URL");
        const [{ createLogger }, { loadOrgFile }, { startServer, shownData }] = await Promise.all([
          import("../../server/logger.js"),
          import("../../server/org-file.js"),
          import("../../server/start-server.js"),
        ]);
        const logger = createLogger({
          level: options.logLevel as LogLevel,
          ...(options.logFile ? { file: options.logFile } : {}),
        });
        if (options.unsafeDemoIdentities && options.org)
          throw new Error("--unsafe-demo-identities works with the built-in demo org only, not with --org.");
        const org = options.org ? loadOrgFile(options.org) : undefined;
        // Past a file-size limit (ulimit -f, systemd's LimitFSIZE) the kernel would kill the process with SIGXFSZ;
        // handled, the write fails with EFBIG instead, and the server holds its commits as on a full disk.
        process.on("SIGXFSZ", () => undefined);
        const server = await startServer({
          host: options.host,
          port: options.port,
          dataFile: options.data,
          logger,
          credentialsFile: options.credentials,
          demoIdentities: options.unsafeDemoIdentities === true,
          ...(org && options.org ? { org, orgFile: options.org } : {}),
        });
        // The org file read again without a restart (docs/org-file.md, "Reloading"); the outcome goes to the log. A
        // terminal that closes sends SIGHUP too: a server started in it then stops, as any program in a terminal does,
        // rather than run on with nowhere to say anything.
        // Ready for SIGINT and SIGTERM before saying it listens: whoever waits for that line may signal at once, and
        // a signal before the handlers would end the process without its clean stop (no final snapshot, so a longer
        // replay at the next start; the local credentials file left naming it).
        let stop: () => void = () => undefined;
        const stopped = new Promise<void>((resolve) => {
          stop = () => resolve();
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        const reload = () => {
          if (terminalGone()) stop();
          else void server.reloadOrg();
        };
        process.on("SIGHUP", reload);
        process.stderr.write(
          `cc-agent server listening on ${server.url} (org: ${server.org.name}, data: ${shownData(options.data)})\n`,
        );
        if (options.unsafeDemoIdentities) {
          process.stderr.write(
            "warning: --unsafe-demo-identities: /demo/identity signs a customer identity for anyone who asks.\n",
          );
        }
        if (options.host !== "127.0.0.1" && options.host !== "::1" && options.host !== "localhost") {
          process.stderr.write(
            `warning: listening on ${options.host}: reachable from other machines; put TLS in front of it.\n`,
          );
        }
        await stopped;
        process.off("SIGHUP", reload);
        await server.close();
        logger.flush?.();
      },
    );
  server
    .command("reload")
    .description("make the server running on this machine read its org file again (as SIGHUP does)")
    .action(async () => {
      const { reloadLocalServer } = await import("./server-reload.js");
      process.exitCode = await reloadLocalServer();
    });
  server
    .command("backup")
    .description("copy a data file consistently, also while a server is running on it")
    .argument("<file>", "the copy to write (must not exist)")
    .option("--data <file>", "the data file to copy", "cc-agent.db")
    .action(async (file: string, options: { data: string }) => {
      if (isPostgresUrl(options.data)) {
        throw new Error("cc-agent server backup copies SQLite data files; back a Postgres database up with pg_dump.");
      }
      checkDataPath(options.data);
      const { backupDataFile } = await import("../../server/store/backup.js");
      const copy = backupDataFile(options.data, file);
      process.stdout.write(
        `backup of ${copy.source} written to ${copy.target}: events up to seq ${copy.seq}, ` +
          `${(copy.bytes / 1024 / 1024).toFixed(1)} MiB, epoch ${copy.epoch}\n`,
      );
    });
}

/** Whether stderr is a terminal that has been closed (hung up): writing to it fails with EIO. */
function terminalGone(): boolean {
  if (!process.stderr.isTTY) return false;
  try {
    writeSync(2, "");
    return false;
  } catch {
    return true;
  }
}
