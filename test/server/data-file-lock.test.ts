// One server per data file, also within one process: the lock is the operating system's (through SQLite), released
// when its holder stops in any way. (test/cli/data-file.test.ts does the same with the built CLI and kill -9.)
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "../../server/start-server.js";
import type { RunningServer } from "../../server/start-server.js";
import { tempDir } from "../helpers/server.js";

let tmp: ReturnType<typeof tempDir>;
const servers: RunningServer[] = [];

beforeEach(() => {
  tmp = tempDir("cc-agent-lock-");
});

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  tmp.remove();
});

describe("the data file lock", () => {
  it("a second server on the same file is refused, naming the first; once the first stops, it starts", async () => {
    const data = join(tmp.dir, "cc.db");
    const first = await startServer({ port: 0, dataFile: data });
    servers.push(first);
    await expect(startServer({ port: 0, dataFile: data })).rejects.toMatchObject({
      code: "LOCKED",
      message: `data file ${data} is in use by another cc-agent server (pid ${process.pid} listening on ${first.url}). Stop that server first, or start this one with another --data file.`,
    });
    // The refused one left the first untouched: it still serves.
    expect((await fetch(`${first.httpUrl}/healthz`)).status).toBe(200);

    await first.close();
    servers.splice(0);
    expect(existsSync(`${data}.lock-owner`)).toBe(false);
    const second = await startServer({ port: 0, dataFile: data });
    servers.push(second);
    expect((await fetch(`${second.httpUrl}/healthz`)).status).toBe(200);
  });
});
