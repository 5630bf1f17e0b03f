// A server gives what malloc holds free back to the system after full collections (server/return-memory.ts, through
// the native addon in native/malloc-trim that `npm ci` builds). Linux with glibc, where malloc keeps freed memory
// between live blocks; needs `npm run build` (npm test builds first).
import { afterEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { listening, spawnServer, stopProcess } from "../helpers/cli-server.js";
import type { CliProcess } from "../helpers/cli-server.js";
import { tempDir } from "../helpers/server.js";

const root = resolve(import.meta.dirname, "../..");
const ADDON = "native/malloc-trim/build/Release/malloc_trim.node";
const MB = 2 ** 20;

function requireGlibc(): void {
  const header = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
  if (process.platform !== "linux" || !header?.glibcVersionRuntime)
    throw new Error("this test needs Linux with glibc (its malloc is what the server trims)");
}

// In a process of its own: malloc's heap fragmented (8 KB blocks, under its mmap threshold, written to; every tenth
// kept), RSS read once the rest is collected; then a server started, a full collection made, the event loop kept busy
// for 3 s (RSS read again), then left idle until RSS drops.
const script = (startServer: string) => `
const { startServer } = await import(${JSON.stringify(startServer)});
const rss = () => process.memoryUsage.rss();
const collect = async () => { globalThis.gc(); await new Promise((done) => setImmediate(done)); };
const pause = (ms) => new Promise((done) => setTimeout(done, ms));
let blocks = Array.from({ length: 12_000 }, () => Buffer.allocUnsafeSlow(8192).fill(1));
const written = rss();
const kept = blocks.filter((_, i) => i % 10 === 0);
blocks = null;
for (let i = 0; i < 3; i++) await collect();
const freed = rss();
const server = await startServer({ port: 0 });
await collect();
for (const until = performance.now() + 3_000; performance.now() < until; await pause(10)) {
  for (const spin = performance.now() + 90; performance.now() < spin; );
}
const busy = rss();
for (const deadline = Date.now() + 10_000; rss() > freed - ${40 * MB} && Date.now() < deadline; ) await pause(50);
const returned = rss();
await server.close();
console.log(JSON.stringify({ written, freed, busy, returned, kept: kept.length }));
`;

let server: CliProcess | null = null;
let home: ReturnType<typeof tempDir> | null = null;
afterEach(async () => {
  if (server) await stopProcess(server);
  home?.remove();
  server = null;
  home = null;
});

describe("returning freed memory", () => {
  it("a running server hands the pages malloc holds free back to the system after a full collection, once it is not busy", () => {
    requireGlibc();
    const out = execFileSync(
      process.execPath,
      ["--expose-gc", "--input-type=module", "-e", script(join(root, "dist/server/start-server.js"))],
      { encoding: "utf8" },
    );
    const { written, freed, busy, returned } = JSON.parse(out.trim().split("\n").at(-1)!) as {
      written: number;
      freed: number;
      busy: number;
      returned: number;
    };
    // Without a server nothing gave the ~84 MB back: glibc returns only what is at the top of its heap.
    expect(freed / MB).toBeGreaterThan(written / MB - 20);
    // With one, not while its event loop is busy (under load, what malloc frees is taken again at once)…
    expect(busy / MB).toBeGreaterThan(freed / MB - 20);
    // …but once it is not.
    expect(returned / MB).toBeLessThan(freed / MB - 40);
  });

  it("the built `cc-agent server` loads the addon", async () => {
    requireGlibc();
    home = tempDir("cc-agent-trim-");
    server = spawnServer(join(home.dir, "data.db"), { cwd: home.dir, home: home.dir });
    await listening(server);
    const maps = readFileSync(`/proc/${server.child.pid}/maps`, "utf8");
    expect(maps, `the server did not load ${ADDON}: run \`npm run build:native\``).toContain(join(root, ADDON));
  });
});
