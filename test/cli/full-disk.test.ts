// The built server on a file system that refuses to let the data file grow: a file-size limit (prlimit --fsize,
// as `ulimit -f` or systemd's LimitFSIZE set it) makes the server's writes fail in the kernel, as a full disk does.
// It starts, serves what is stored, holds and refuses writes, says so in /healthz, and recovers once the limit is
// raised on the running process. (test/server/disk-full.test.ts checks the same with SQLITE_FULL, in detail.)
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { startServer } from "../../server/start-server.js";
import { listening, spawnServer, stopProcess, type CliProcess } from "../helpers/cli-server.js";
import { tempDir } from "../helpers/server.js";
import { TestClient } from "../helpers/ws.js";

let tmp: ReturnType<typeof tempDir>;
const processes: CliProcess[] = [];
const clients: TestClient[] = [];

beforeEach(() => {
  tmp = tempDir("cc-agent-fsize-");
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const cli of processes.splice(0)) await stopProcess(cli);
  tmp.remove();
});

function requirePrlimit(): void {
  const found = spawnSync("prlimit", ["--version"]);
  if (found.error || found.status !== 0)
    throw new Error("this test needs prlimit (util-linux): install it with `sudo apt-get install util-linux`");
}

async function health(url: string): Promise<{ code: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url.replace(/^ws/, "http").replace(/\/ws$/, "")}/healthz`);
  return { code: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the built server when the data file cannot grow", () => {
  it("starts, serves what is stored, holds and refuses writes while degraded, and recovers when there is room again", async () => {
    requirePrlimit();
    const data = join(tmp.dir, "cc.db");
    const before = await startServer({ port: 0, dataFile: data });
    const first = await new TestClient(before.url, { role: "customer" }).connect();
    const started = await first.request({ type: "start", workstream: "live", text: "stored before" });
    await first.close();
    await before.close();
    const conversationId = started.conversationId as string;

    // 64 KiB per file: the data file is smaller, so the server starts; its write-ahead log soon cannot grow.
    const server = spawnServer(data, {
      cwd: tmp.dir,
      home: join(tmp.dir, "home"),
      wrapper: ["prlimit", "--fsize=65536:"],
    });
    processes.push(server);
    const url = await listening(server);
    expect((await health(url)).code).toBe(200);
    const customer = await new TestClient(url, {
      role: "customer",
      conversationToken: started.conversationToken as string,
    }).connect();
    clients.push(customer);
    expect(customer.texts(conversationId)).toContain("stored before");

    // Long messages until one is held: not acknowledged, and /healthz degraded.
    let held: Promise<unknown> | null = null;
    let acked = 0;
    for (let i = 0; held === null; i++) {
      expect(i, "the limit is reached within 40 messages").toBeLessThan(40);
      let settled = false;
      const request = customer.request({ type: "send", conversationId, text: `message ${i} ${"x".repeat(900)}` });
      request.then(
        () => (settled = true),
        () => (settled = true),
      );
      for (;;) {
        if (settled) {
          await request;
          acked++;
          break;
        }
        if ((await health(url)).code === 503) {
          held = request;
          break;
        }
      }
    }
    expect(acked).toBeGreaterThan(0);
    expect((await health(url)).body).toMatchObject({ status: "degraded", reason: "storage I/O error" });
    expect(await customer.refused({ type: "send", conversationId, text: "refused" })).toBe("server/unavailable");
    expect(server.child.exitCode).toBeNull();

    // Room again: raise the limit of the running server. The held message is committed and acknowledged.
    const raised = spawnSync("prlimit", ["--pid", String(server.child.pid), "--fsize=unlimited:"]);
    expect(raised.status, raised.stderr.toString()).toBe(0);
    await held;
    expect((await health(url)).body).toMatchObject({ status: "ok" });
    await customer.request({ type: "send", conversationId, text: "after" });

    await customer.close();
    clients.splice(0);
    await stopProcess(server, "SIGTERM");
    expect(server.child.exitCode).toBe(0);
    expect(server.stderr).toContain("the data file refuses writes");
    expect(server.stderr).toContain("the data file accepts writes again");
  });
});
