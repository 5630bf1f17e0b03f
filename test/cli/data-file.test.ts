// The data file under the built CLI: one server per file (a second one refuses, naming the first; a lock left by
// kill -9 does not block a restart), a damaged file refused at start, and `cc-agent server backup` of a live file.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { demoOrgFile } from "../../server/org-file.js";
import { startServer } from "../../server/start-server.js";
import {
  credentialsOf,
  listening,
  spawnCli,
  spawnServer,
  stopProcess,
  tokenOf,
  type CliProcess,
} from "../helpers/cli-server.js";
import { tempDir } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

let tmp: ReturnType<typeof tempDir>;
const processes: CliProcess[] = [];
const clients: TestClient[] = [];

beforeEach(() => {
  tmp = tempDir("cc-agent-datafile-");
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const cli of processes.splice(0)) await stopProcess(cli);
  tmp.remove();
});

function run(args: string[], home = "home"): CliProcess {
  const cli = spawnCli(args, { cwd: tmp.dir, home: join(tmp.dir, home) });
  processes.push(cli);
  return cli;
}

/** The uid of a user of this machine, if there is one by that name. */
function uidOf(name: string): number | undefined {
  try {
    return Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
  } catch {
    return undefined;
  }
}

function server(dataFile: string, home = "home"): CliProcess {
  const cli = spawnServer(dataFile, { cwd: tmp.dir, home: join(tmp.dir, home) });
  processes.push(cli);
  return cli;
}

async function connect(url: string, hello: ConstructorParameters<typeof TestClient>[1]): Promise<TestClient> {
  const client = await new TestClient(url, hello).connect();
  clients.push(client);
  return client;
}

function sha(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

describe("one server per data file", () => {
  it("a second server on the same file refuses at start, naming the first; after kill -9 a restart takes over", async () => {
    const data = join(tmp.dir, "cc.db");
    const first = server(data);
    const url = await listening(first);

    const second = server(data, "home2");
    const { code } = await second.exit;
    expect(code).not.toBe(0);
    expect(second.stderr).toContain(`data file ${data} is in use by another cc-agent server`);
    expect(second.stderr).toContain(`pid ${first.child.pid} listening on ${url}`);
    // The first one is unharmed.
    const health = await fetch(`${url.replace(/^ws/, "http").replace(/\/ws$/, "")}/healthz`);
    expect(health.status).toBe(200);

    // kill -9 leaves its lock behind; its process is gone, so the next server takes the lock over.
    first.child.kill("SIGKILL");
    await first.exit;
    const third = server(data, "home3");
    const url3 = await listening(third);
    expect(url3).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
  });
});

describe("a damaged data file", () => {
  it("is refused at start with a message saying it is damaged and to restore a backup, and left as it was", async () => {
    const data = join(tmp.dir, "cc.db");
    // A file with some history: 30 conversations of long messages, over many pages.
    const running = await startServer({ port: 0, dataFile: data });
    for (let i = 0; i < 30; i++) {
      const customer = await connect(running.url, { role: "customer" });
      await customer.request({ type: "start", workstream: "live", text: `conversation ${i} ${"m".repeat(900)}` });
    }
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await running.close();

    // Overwrite four pages in the middle of the file, as a failing disk or a stray write would.
    const pageSize = 4096;
    const pages = statSync(data).size / pageSize;
    expect(pages).toBeGreaterThan(10);
    const fd = openSync(data, "r+");
    writeSync(fd, Buffer.alloc(pageSize * 4, 0xa5), 0, pageSize * 4, Math.floor(pages / 2) * pageSize);
    closeSync(fd);
    const before = sha(data);

    const refused = server(data);
    const { code } = await refused.exit;
    expect(code).not.toBe(0);
    expect(refused.stderr).toContain(`data file ${data} is damaged`);
    expect(refused.stderr).toMatch(/restore the file from a backup/);
    expect(refused.stderr).not.toMatch(/listening on/);
    expect(sha(data)).toBe(before);
  });
});

describe("the org a data file was set up with", () => {
  it("a file set up from an org file, started without --org, is refused, saying how to start it; nothing is closed", async () => {
    const data = join(tmp.dir, "cc.db");
    const orgFile = join(tmp.dir, "org.json");
    const org = demoOrgFile({ secret: "s".repeat(64), tokens: { alice: "alice-token-0123456789abcdef" } });
    writeFileSync(orgFile, JSON.stringify({ ...org, name: "Contoso Care" }), { mode: 0o600 });
    const first = run(["server", "--port", "0", "--data", data, "--org", orgFile]);
    const customer = await connect(await listening(first), { role: "customer" });
    const { conversationId } = await customer.request({ type: "start", workstream: "live", text: "Hello?" });
    await customer.close();
    await stopProcess(first);

    const refused = run(["server", "--port", "0", "--data", data]);
    const { code } = await refused.exit;
    expect(code).toBe(1);
    expect(refused.stderr).toContain(`${data} holds the org "Contoso Care" of an org file, not the demo org`);
    expect(refused.stderr).toContain("start the server with --org <file>");
    expect(refused.stderr).not.toMatch(/listening on/);

    // With its org file it starts as it was: the conversation is still open.
    const again = run(["server", "--port", "0", "--data", data, "--org", orgFile, "--log-level", "warn"]);
    const url = await listening(again);
    const health = (await (await fetch(url.replace(/^ws/, "http").replace(/\/ws$/, "/healthz"))).json()) as {
      status: string;
    };
    expect(health.status).toBe("ok");
    const sam = await connect(url, { role: "supervisor", token: org.users.find((u) => u.id === "sam")!.token });
    expect(sam.conversations.get(conversationId as string)?.state).toBe("open");
  });
});

describe("where the server is told to keep its data and listen", () => {
  it("a --data URL of another scheme (or a typo of postgres://) is refused, and no folder is made after it", async () => {
    for (const url of ["mysql://x@y/z", "postgress://x@y/z"]) {
      const refused = run(["server", "--port", "0", "--data", url]);
      expect((await refused.exit).code).toBe(1);
      expect(refused.stderr).toBe(
        `cc-agent: --data ${url.split("://")[0]}://… is not supported: give a SQLite file path, or a postgres:// URL for a Postgres database\n`,
      );
    }
    expect(existsSync(join(tmp.dir, "mysql:"))).toBe(false);
    expect(existsSync(join(tmp.dir, "postgress:"))).toBe(false);
  });

  it("an empty --data (an unset variable) is refused, not run in memory; a folder is refused naming a file in it", async () => {
    const empty = run(["server", "--port", "0", "--data", ""]);
    expect((await empty.exit).code).toBe(1);
    expect(empty.stderr).toBe(
      "cc-agent: --data is empty: give the data file's path or a postgres:// URL (left out, it is cc-agent.db)\n",
    );
    const folder = run(["server", "--port", "0", "--data", tmp.dir]);
    expect((await folder.exit).code).toBe(1);
    expect(folder.stderr).toBe(
      `cc-agent: data file ${tmp.dir} is a folder: give --data the file in it, e.g. --data ${join(tmp.dir, "cc-agent.db")}\n`,
    );
    // The commands that read a data file say the same, instead of "disk I/O error".
    for (const args of [
      ["report", "--data"],
      ["server", "backup", join(tmp.dir, "copy.db"), "--data"],
    ]) {
      const noFile = run([...args, " "]);
      expect((await noFile.exit).code).toBe(1);
      expect(noFile.stderr).toBe(
        "cc-agent: --data is empty: give the data file's path (left out, it is cc-agent.db)\n",
      );
      const inFolder = run([...args, tmp.dir]);
      expect((await inFolder.exit).code).toBe(1);
      expect(inFolder.stderr).toBe(
        `cc-agent: data file ${tmp.dir} is a folder: give --data the file in it, e.g. --data ${join(tmp.dir, "cc-agent.db")}\n`,
      );
    }
    expect(existsSync(join(tmp.dir, "copy.db"))).toBe(false);
  });

  // Root may write anything: run as nobody then.
  const asRoot = process.getuid?.() === 0;
  const nobody = asRoot ? uidOf("nobody") : undefined;
  it.skipIf(asRoot && nobody === undefined)(
    "a data file or folder the server's user may not write is said with who needs what access, on one line",
    async () => {
      const user = asRoot ? "nobody" : userInfo().username;
      const dir = join(tmp.dir, "data");
      mkdirSync(dir);
      if (nobody !== undefined) {
        chownSync(tmp.dir, nobody, -1);
        chownSync(dir, nobody, -1);
      }
      const start = () =>
        spawnCli(["server", "--port", "0", "--no-credentials", "--data", join(dir, "cc.db")], {
          cwd: tmp.dir,
          home: join(tmp.dir, "home"),
          ...(asRoot ? { wrapper: ["runuser", "-u", "nobody", "--"] } : {}),
        });
      const remedy =
        `: the server runs as ${user}, who must be able to read and write cc.db and make files beside it in ${dir} ` +
        `(cc.db-wal, cc.db-shm, cc.db.lock): give ${user} that access, or choose another --data\n`;

      chmodSync(dir, 0o500); // the folder: no lock, no -wal can be made
      const folder = start();
      processes.push(folder);
      expect((await folder.exit).code).toBe(1);
      expect(folder.stderr).toMatch(/^cc-agent: cannot lock data file .*EACCES: permission denied[^\n]*\n$/);
      expect(folder.stderr.endsWith(remedy)).toBe(true);

      chmodSync(dir, 0o700);
      writeFileSync(join(dir, "cc.db"), "");
      if (nobody !== undefined) chownSync(join(dir, "cc.db"), nobody, -1);
      chmodSync(join(dir, "cc.db"), 0o400); // the file itself, read only
      const file = start();
      processes.push(file);
      expect((await file.exit).code).toBe(1);
      expect(file.stderr).toMatch(/^cc-agent: cannot open data file .*EACCES: permission denied[^\n]*\n$/);
      expect(file.stderr.endsWith(remedy)).toBe(true);
    },
  );

  it("a port in use is said as such, with what to do, on one line, and leaves no data file behind", async () => {
    const first = run(["server", "--port", "0", "--data", join(tmp.dir, "a.db")]);
    const port = new URL(await listening(first)).port;
    const second = run(["server", "--port", port, "--data", join(tmp.dir, "b.db")], "home-b");
    expect((await second.exit).code).toBe(1);
    // The log's own lines (JSON) aside, one line says it.
    const said = second.stderr.split("\n").filter((line) => line !== "" && !line.startsWith("{"));
    expect(said).toEqual([
      `cc-agent: port ${port} on 127.0.0.1 is in use by another program: choose another --port (0 picks a free one)`,
    ]);
    expect(second.stderr).not.toContain("EADDRINUSE");
    // Said before anything was made: no data file or lock left behind.
    expect(existsSync(join(tmp.dir, "b.db"))).toBe(false);
    expect(existsSync(join(tmp.dir, "b.db.lock"))).toBe(false);
  });

  it("a --host that is not this machine's is said before anything is made, with --port 0 too", async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    const refused = run(["server", "--port", "0", "--host", "192.0.2.1", "--data", join(tmp.dir, "c.db")]);
    expect((await refused.exit).code).toBe(1);
    const said = refused.stderr.split("\n").filter((line) => line !== "" && !line.startsWith("{"));
    expect(said).toEqual(["cc-agent: cannot listen on 192.0.2.1: it is not an address of this machine (--host)"]);
    expect(existsSync(join(tmp.dir, "c.db"))).toBe(false);
    expect(existsSync(join(tmp.dir, "c.db.lock"))).toBe(false);
  });
});

describe("the local credentials file", () => {
  it("a second server on this machine takes it while it runs and gives it back to the first when it stops", async () => {
    const home = join(tmp.dir, "home");
    const first = run(["server", "--port", "0", "--data", join(tmp.dir, "a.db")]);
    const firstUrl = await listening(first);
    expect(credentialsOf(first, home).url).toBe(firstUrl);
    const second = run(["server", "--port", "0", "--data", join(tmp.dir, "b.db")]);
    await listening(second);
    expect(credentialsOf(second, home).pid).toBe(second.child.pid);

    await stopProcess(second, "SIGTERM");
    // The other commands find the first server again, with its tokens.
    const credentials = credentialsOf(first, home);
    expect(credentials.url).toBe(firstUrl);
    const alice = await connect(credentials.url, { role: "rep", token: tokenOf(credentials, "alice") });
    expect(alice.welcome!.session.userId).toBe("alice");
  });
});

describe("stopping", () => {
  it("a SIGTERM sent as soon as the server says it listens stops it cleanly, every time", async () => {
    // Whoever waits for the line (a service manager, a script) may signal at once; each try races the signal against
    // the server's next steps, which is why there are several.
    for (let i = 0; i < 8; i++) {
      const home = join(tmp.dir, `home-${i}`);
      const started = run(["server", "--port", "0", "--data", join(tmp.dir, `s${i}.db`)], `home-${i}`);
      await new Promise<void>((resolve) =>
        started.child.stderr!.on("data", () => {
          if (started.stderr.includes("listening on")) resolve();
        }),
      );
      started.child.kill("SIGTERM");
      expect(await started.exit).toEqual({ code: 0, signal: null });
      expect(existsSync(join(home, "local-server.json"))).toBe(false);
    }
  });
});

describe("the log file", () => {
  it("one that cannot be written is refused before the server listens, saying why", async () => {
    const refused = run(["server", "--port", "0", "--data", join(tmp.dir, "cc.db"), "--log-file", tmp.dir]);
    const { code } = await refused.exit;
    expect(code).toBe(1);
    expect(refused.stderr).toBe(
      `cc-agent: cannot write the log file ${tmp.dir} (it is a folder); choose another --log-file\n`,
    );
  });
});

describe("cc-agent server backup", () => {
  it("copies a live data file while the server takes traffic; a server on the copy has every conversation acknowledged before", async () => {
    const data = join(tmp.dir, "live.db");
    const copy = join(tmp.dir, "backups", "copy.db");
    const live = server(data);
    const url = await listening(live);

    const acked: { conversationId: string; text: string }[] = [];
    let stop = false;
    const customers = await Promise.all(Array.from({ length: 3 }, () => connect(url, { role: "customer" })));
    const traffic = customers.map(async (customer, k) => {
      const started = await customer.request({ type: "start", workstream: "live", text: `customer ${k} opening` });
      const conversationId = started.conversationId as string;
      acked.push({ conversationId, text: `customer ${k} opening` });
      for (let i = 1; !stop; i++) {
        const text = `customer ${k} message ${i}`;
        await customer.request({ type: "send", conversationId, text, clientId: `k${k}-${i}` });
        acked.push({ conversationId, text });
      }
    });
    await waitFor(() => acked.length >= 60, "traffic");

    const before = [...acked];
    const backup = run(["server", "backup", copy, "--data", data]);
    const { code } = await backup.exit;
    const duringBackup = acked.length - before.length;
    stop = true;
    await Promise.all(traffic);
    expect(backup.stderr).toBe("");
    expect(code).toBe(0);
    expect(backup.stdout).toMatch(new RegExp(`backup of ${data} written to ${copy}: events up to seq \\d+`));
    expect(duringBackup, "the server kept committing while the backup ran").toBeGreaterThan(0);
    expect(statSync(copy).mode & 0o777).toBe(0o600);

    // A second backup to the same name is refused: a backup never overwrites a file.
    const again = run(["server", "backup", copy, "--data", data]);
    expect((await again.exit).code).not.toBe(0);
    expect(again.stderr).toContain("already exists");

    await stopProcess(live, "SIGTERM");
    const restored = server(copy, "home-restored");
    const url2 = await listening(restored);
    const credentials = credentialsOf(restored, join(tmp.dir, "home-restored"));
    const sam = await connect(url2, { role: "supervisor", token: tokenOf(credentials, "sam") });
    const ids = sam.welcome!.snapshot!.conversations.map((c) => c.id);
    expect(ids).toHaveLength(3);
    const shown = new Map<string, string[]>();
    for (const id of ids)
      shown.set(
        id,
        (await sam.thread(id)).map((m) => m.text),
      );
    const missing = before.filter((m) => !shown.get(m.conversationId)?.includes(m.text));
    expect(missing).toEqual([]);
  });
});
