// A throwaway Postgres cluster for tests: initdb in a temp dir, started on a free port with its unix socket in that
// dir, trust authentication for local connections, stopped and removed afterwards. Run as the `postgres` user when
// the tests run as root (Postgres refuses to run as root). Without Postgres installed it throws, saying how to install
// it: the Postgres tests fail rather than skip.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres — the cluster's maintenance database. */
  url: string;
  port: number;
  /** A new, empty database; its URL. */
  createDatabase(): Promise<string>;
  /** Shut the server down (connections are cut), keeping its data, until resume(). */
  halt(): void;
  /** Start it again on the same port, with the same data. */
  resume(): void;
  /** Stop it and remove its temp dir. */
  stop(): void;
}

/** The directory holding initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<version>/bin. */
export function postgresBinDir(searchPath = process.env.PATH ?? "", base = "/usr/lib/postgresql"): string {
  for (const dir of searchPath.split(":")) {
    if (dir !== "" && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) return dir;
  }
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] !== undefined) return join(base, versions[0], "bin");
  throw new Error(
    "Postgres is not installed (no initdb on PATH or under /usr/lib/postgresql/*/bin): the Postgres tests need it. " +
      "Install it with `apt-get install -y postgresql` (.ci/run does).",
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const asRoot = process.getuid?.() === 0;

function run(bin: string, command: string, args: string[]): void {
  const [file, ...rest] = asRoot
    ? ["runuser", "-u", "postgres", "--", join(bin, command), ...args]
    : [join(bin, command), ...args];
  try {
    execFileSync(file!, rest, { stdio: "pipe" });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "");
    throw new Error(`${command} ${args.join(" ")} failed: ${stderr || String(error)}`, { cause: error });
  }
}

/**
 * Start a cluster of its own in a temp dir. Tests run it without fsync (it need not survive a power cut, and the
 * machine is shared); `durable: true` keeps Postgres's defaults (fsync on), for measuring commits (bench/pg-commit.ts).
 */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), "cc-agent-pg-"));
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  const port = await freePort();
  const start = () => {
    const fsync = options.durable === true ? "" : " -c fsync=off";
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${fsync} -c max_connections=50`;
    run(bin, "pg_ctl", ["-D", data, "-o", settings, "-l", join(dir, "log"), "-w", "-t", "30", "start"]);
  };
  try {
    // --no-sync (initdb's own files) and fsync=off unless durable: a throwaway cluster need not survive a power cut.
    run(bin, "initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  let stopped = false;
  return {
    url,
    port,
    async createDatabase() {
      const name = `cc_test_${++databases}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    halt() {
      run(bin, "pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
    },
    resume() {
      start();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        // Already down after a halt() without resume(): nothing to stop.
        if (existsSync(join(data, "postmaster.pid"))) run(bin, "pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
