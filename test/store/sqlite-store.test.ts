import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import ts from "typescript";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore, SCHEMA_VERSION } from "../../server/store/sqlite-store.js";
import type { EventStore, StoredEvent, StoreError, StoreErrorCode } from "../../server/store/store.js";
import { ev, range, rejected, type TestState } from "./contract.js";

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
const isWindows = process.platform === "win32";

const dirs: string[] = [];
const stores: EventStore<TestState>[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) {
    // Remove the node_modules link first so nothing can ever follow it.
    fs.rmSync(path.join(dir, "node_modules"), { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cc-agent-"));
  dirs.push(dir);
  return dir;
}

async function openSqlite(
  file: string,
  options?: Parameters<typeof openSqliteStore>[1],
): Promise<EventStore<TestState>> {
  const store = await openSqliteStore<TestState>(file, options);
  stores.push(store);
  return store;
}

/** Events with a `thread` and a number `n` are in that thread at position n. */
const numbered = (e: StoredEvent) =>
  typeof e.thread === "string" ? { thread: e.thread, position: e.n as number } : undefined;

/** The StoreError opening `file` is refused with, with `code`. */
async function refusedOpen(file: string, code: StoreErrorCode): Promise<StoreError> {
  return rejected(openSqlite(file), code);
}

describe("sqlite store: the file", () => {
  it("uses WAL, the documented tables and the schema version", async () => {
    const file = path.join(tempDir(), "events.db");
    await openSqlite(file, { synchronous: "FULL" });
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      const columns = (table: string): string[] =>
        (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
      expect(columns("events")).toEqual(["seq", "at", "type", "body", "thread", "position"]);
      expect(columns("snapshots")).toEqual(["seq", "body"]);
      expect(columns("snapshot_pieces")).toEqual(["seq", "piece", "body"]);
      expect(columns("meta")).toEqual(["key", "value"]);
    } finally {
      db.close();
    }
  });

  it("opens a file of schema 1 (before threads and pieces): its messages are indexed once, its snapshot loads", async () => {
    const file = path.join(tempDir(), "events.db");
    const old = new Database(file);
    old.exec(`
      CREATE TABLE events (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL);
      CREATE TABLE snapshots (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      PRAGMA application_id = ${0x63634147};
      PRAGMA user_version = 1;
    `);
    const insert = old.prepare("INSERT INTO events (seq, at, type, body) VALUES (?, ?, ?, ?)");
    for (const e of [ev(1, "said", { thread: "c1", n: 1 }), ev(2), ev(3, "said", { thread: "c1", n: 3 })])
      insert.run(e.seq, e.at, e.type, JSON.stringify(e));
    old.prepare("INSERT INTO snapshots (seq, body) VALUES (2, ?)").run(JSON.stringify({ queues: { q: ["a"] } }));
    old.close();

    const logged: string[] = [];
    const options = {
      threadOf: (e: StoredEvent) =>
        typeof e.thread === "string" ? { thread: e.thread, position: e.n as number } : undefined,
      log: (message: string) => logged.push(message),
    };
    const store = await openSqlite(file, options);
    expect((await store.threadPage("c1", { limit: 10 })).events.map((e) => e.seq)).toEqual([1, 3]);
    expect(await store.loadSnapshot()).toEqual({ seq: 2, state: { queues: { q: ["a"] } } });
    expect(logged).toEqual([expect.stringMatching(/^indexed 2 stored events by thread in \d+ ms$/)]);
    const db = new Database(file, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();

    // Indexed once: opened again, nothing is indexed (or told) again.
    await store.close();
    const again = await openSqlite(file, options);
    expect((await again.threadPage("c1", { before: 3, limit: 10 })).events.map((e) => e.seq)).toEqual([1]);
    expect(logged).toHaveLength(1);
  });

  it("opens a file of schema 2 (threads indexed on the events table): its threads move to their own table", async () => {
    const file = path.join(tempDir(), "events.db");
    const old = new Database(file);
    old.exec(`
      CREATE TABLE events (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL,
        thread TEXT, position INTEGER);
      CREATE TABLE snapshots (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE INDEX events_by_thread ON events (thread, position) WHERE thread IS NOT NULL;
      CREATE TABLE snapshot_pieces (seq INTEGER NOT NULL, piece INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (seq, piece));
      INSERT INTO meta (key, value) VALUES ('threads_indexed', '1');
      PRAGMA application_id = ${0x63634147};
      PRAGMA user_version = 2;
    `);
    const insert = old.prepare("INSERT INTO events (seq, at, type, body, thread, position) VALUES (?, ?, ?, ?, ?, ?)");
    for (let seq = 1; seq <= 6; seq++) {
      const e = seq % 2 === 0 ? ev(seq) : ev(seq, "said", { thread: "c1", n: seq });
      insert.run(e.seq, e.at, e.type, JSON.stringify(e), e.thread ?? null, (e.n as number | undefined) ?? null);
    }
    old.close();

    const store = await openSqlite(file, { threadOf: numbered });
    expect((await store.threadPage("c1", { limit: 10 })).events.map((e) => e.seq)).toEqual([1, 3, 5]);
    store.append([ev(7, "said", { thread: "c1", n: 7 })], { expectedSeq: 6 });
    await store.commit();
    expect((await store.threadPage("c1", { before: 7, limit: 2 })).events.map((e) => e.seq)).toEqual([3, 5]);
    expect((await store.threadPage("c1", { limit: 2 })).events.map((e) => e.seq)).toEqual([5, 7]);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      const indexes = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events'").pluck();
      expect(indexes.all()).toEqual([]);
      expect(db.prepare("SELECT seq FROM thread_index WHERE thread = 'c1' ORDER BY position").pluck().all()).toEqual([
        1, 3, 5,
      ]);
    } finally {
      db.close();
    }
  });

  it("indexes threads in batches as the log grows; every page reads the same before, during and after a batch, and after a reopen", async () => {
    const file = path.join(tempDir(), "events.db");
    let store = await openSqlite(file, { threadOf: numbered });
    const threads = 300;
    const expected = new Map<string, number[]>();
    const check = async (): Promise<void> => {
      for (const thread of ["t0", "t7", "t299"]) {
        const all = expected.get(thread) ?? [];
        const latest = await store.threadPage(thread, { limit: 5 });
        expect(latest.events.map((e) => e.seq)).toEqual(all.slice(-5));
        expect(latest.more).toBe(all.length > 5);
        const middle = all[Math.floor(all.length / 2)];
        if (middle === undefined) continue;
        const before = all.filter((seq) => seq < middle);
        const page = await store.threadPage(thread, { before: middle, limit: 40 });
        expect(page.events.map((e) => e.seq)).toEqual(before.slice(-40));
        expect(page.more).toBe(before.length > 40);
      }
    };
    const indexedRows = (): number => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare("SELECT count(*) FROM thread_index").pluck().get() as number;
      } finally {
        db.close();
      }
    };
    const seen: number[] = [];
    let seq = 0;
    for (let turn = 0; turn < 500; turn++) {
      const events: StoredEvent[] = [];
      for (let i = 0; i < 50; i++) {
        seq++;
        // One event in ten is in no thread; the others go round the threads.
        if (seq % 10 === 0) events.push(ev(seq));
        else {
          const thread = `t${seq % threads}`;
          events.push(ev(seq, "said", { thread, n: seq }));
          expected.set(thread, [...(expected.get(thread) ?? []), seq]);
        }
      }
      store.append(events, { expectedSeq: seq - 50 });
      await store.commit();
      if (turn % 5 === 0) {
        await check();
        seen.push(indexedRows());
      }
      if (turn === 260) {
        // Closed in the middle of the log's growth: the events after the last batch are found again at open.
        await store.close();
        stores.splice(stores.indexOf(store), 1);
        store = await openSqlite(file, { threadOf: numbered });
        await check();
      }
    }
    await check();
    // The index grew in steps, behind the log: not with every commit.
    const inThreads = 22_500;
    expect(seen[0]).toBe(0);
    expect(new Set(seen).size).toBeLessThan(seen.length);
    expect(indexedRows()).toBeLessThan(inThreads);
    expect(indexedRows()).toBeGreaterThan(inThreads - 2 * 8192);
    // A snapshot's write takes the whole tail into the index with it.
    await store.saveSnapshot({ seq, state: { queues: {} } });
    expect(indexedRows()).toBe(inThreads);
    await check();
  });

  it("reads a thread whose positions do not follow the order of the log in position order, from the tail too", async () => {
    const file = path.join(tempDir(), "events.db");
    const store = await openSqlite(file, { threadOf: numbered });
    store.append(
      [30, 20, 10, 25].map((n, i) => ev(i + 1, "said", { thread: "z", n })),
      { expectedSeq: 0 },
    );
    await store.commit();
    const ns = (page: { events: StoredEvent[] }) => page.events.map((e) => e.n);
    expect(ns(await store.threadPage("z", { limit: 3 }))).toEqual([20, 25, 30]);
    expect(ns(await store.threadPage("z", { before: 25, limit: 3 }))).toEqual([10, 20]);
    await store.saveSnapshot({ seq: 4, state: { queues: {} } });
    expect(ns(await store.threadPage("z", { before: 30, limit: 2 }))).toEqual([20, 25]);
  });

  it("creates missing parent directories", async () => {
    const file = path.join(tempDir(), "var", "lib", "cc-agent", "events.db");
    const store = await openSqlite(file);
    store.append([ev(1)], { expectedSeq: 0 });
    await store.commit();
    expect(fs.existsSync(file)).toBe(true);
  });

  it.skipIf(isWindows)("keeps the data file and its WAL private to the owner (0600)", async () => {
    const file = path.join(tempDir(), "events.db");
    const store = await openSqlite(file);
    store.append([ev(1)], { expectedSeq: 0 });
    await store.commit();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
    await store.close();

    fs.chmodSync(file, 0o644);
    await openSqlite(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it("refuses a file that is not a database, naming it and leaving it untouched", async () => {
    const file = path.join(tempDir(), "notes.txt");
    fs.writeFileSync(file, "call the customer back at 5pm\n".repeat(20));
    const error = await refusedOpen(file, "NOT_A_DATABASE");
    expect(error.message).toContain(file);
    // What to do: a wrong path, or a data file whose header was overwritten.
    expect(error.message).toContain("check the --data path");
    expect(error.message).toContain("restore it from a backup (cc-agent server backup)");
    expect(error.file).toBe(file);
    expect(fs.readFileSync(file, "utf8")).toBe("call the customer back at 5pm\n".repeat(20));
  });

  it("refuses a data file written by a newer schema, naming it", async () => {
    const file = path.join(tempDir(), "events.db");
    await (await openSqlite(file)).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const error = await refusedOpen(file, "NEWER_SCHEMA");
    expect(error.message).toContain(file);
    expect(error.message).toContain("newer");
  });

  it("refuses another program's SQLite database", async () => {
    const file = path.join(tempDir(), "other.db");
    const db = new Database(file);
    db.exec("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)");
    db.close();
    const error = await refusedOpen(file, "FOREIGN_DATABASE");
    expect(error.message).toContain(file);
  });

  it("reports a path it cannot open, naming it", async () => {
    const dir = tempDir();
    const error = await refusedOpen(dir, "OPEN_FAILED");
    expect(error.message).toContain(dir);
  });

  it("every commit a process reported survives kill -9", async () => {
    const dir = tempDir();
    writeChildProgram(dir);
    const file = path.join(dir, "data", "events.db");
    const child = spawn(process.execPath, [path.join(dir, "child.js"), file], { stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);

    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
    const reported: number[] = [];
    let partial = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        const lines = (partial + chunk).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) reported.push(Number(line));
        if (reported.length >= 200) resolve();
      });
      child.once("close", (code, signal) =>
        reject(new Error(`writer exited on its own (${code ?? signal}): ${stderr}`)),
      );
    });
    expect(child.kill("SIGKILL")).toBe(true);
    await closed; // every line written before death has been delivered by now
    expect(child.signalCode).toBe("SIGKILL");

    const store = await openSqlite(file);
    const events: StoredEvent[] = [];
    for await (const event of store.eventsAfter(0)) events.push(event);
    const stored = new Set(events.map((e) => e.seq));
    expect(reported.length).toBeGreaterThanOrEqual(200);
    expect(reported.filter((seq) => !stored.has(seq))).toEqual([]);
    // Commits are atomic: no gaps, and every turn is there whole.
    expect(events.map((e) => e.seq)).toEqual(range(1, events.length));
    const perTurn = new Map<number, number>();
    for (const e of events) perTurn.set(e["turn"] as number, (perTurn.get(e["turn"] as number) ?? 0) + 1);
    for (const [turn, count] of perTurn) expect(count).toBe(1 + (turn % 4));
  });
});

/**
 * The writer runs the real store: the two store modules are transpiled (types stripped) into `dir`, next to a link to
 * the project's node_modules so `better-sqlite3` resolves as it does in the project.
 */
function writeChildProgram(dir: string): void {
  for (const name of ["store", "access", "queued-store", "sqlite-threads", "sqlite-store"]) {
    const source = fs.readFileSync(path.join(projectRoot, "server", "store", `${name}.ts`), "utf8");
    const { outputText } = ts.transpileModule(source, {
      fileName: `${name}.ts`,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    fs.writeFileSync(path.join(dir, `${name}.js`), outputText);
  }
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
  fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(dir, "node_modules"), "junction");
  fs.writeFileSync(
    path.join(dir, "child.js"),
    `
import { openSqliteStore } from "./sqlite-store.js";

const store = await openSqliteStore(process.argv[2]);
let seq = await store.lastSeq();
let turn = 0;
const note = "x".repeat(200);

// One group commit per event-loop turn, like the server; a seq is printed only once commit() has resolved.
async function runTurn() {
  turn += 1;
  const batch = [];
  const expectedSeq = seq;
  for (let i = 0; i < 1 + (turn % 4); i += 1) {
    seq += 1;
    batch.push({ seq, at: Date.now(), type: "test.tick", turn, note });
  }
  store.append(batch, { expectedSeq });
  await store.commit();
  process.stdout.write(batch.map((e) => e.seq).join("\\n") + "\\n");
  if (turn < 1000000) setImmediate(() => void runTurn()); // bound in case nobody kills us
}
void runTurn();
`,
  );
}
