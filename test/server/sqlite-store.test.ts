import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import ts from "typescript";
import { afterEach, describe, expect, it } from "vitest";
import { openMemoryStore, openSqliteStore, SCHEMA_VERSION } from "../../server/store/sqlite-store.js";
import { StoreError, type EventStore, type StoredEvent, type StoreErrorCode } from "../../server/store/store.js";

interface TestState {
  queues: Record<string, string[]>;
}

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
const isWindows = process.platform === "win32";

const dirs: string[] = [];
const stores: EventStore<TestState>[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  for (const store of stores.splice(0)) store.close();
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

function openSqlite(file: string, options?: Parameters<typeof openSqliteStore>[1]): EventStore<TestState> {
  const store = openSqliteStore<TestState>(file, options);
  stores.push(store);
  return store;
}

function openMemory(): EventStore<TestState> {
  const store = openMemoryStore<TestState>();
  stores.push(store);
  return store;
}

function ev(seq: number, type = "contact.offered", payload: Record<string, unknown> = {}): StoredEvent {
  return { seq, at: 1_700_000_000_000 + seq, type, ...payload };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function seqsOf(events: Iterable<StoredEvent>): number[] {
  return Array.from(events, (e) => e.seq);
}

function storeError(action: () => unknown): StoreError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error("expected a StoreError, nothing was thrown");
}

function expectStoreError(action: () => unknown, code: StoreErrorCode): StoreError {
  const error = storeError(action);
  expect(error.code).toBe(code);
  return error;
}

/** The behaviour every EventStore must have; run against each implementation. */
function behaviouralSuite(name: string, open: () => EventStore<TestState>): void {
  describe(`${name}: EventStore behaviour`, () => {
    it("starts empty", () => {
      const store = open();
      expect(store.lastSeq()).toBe(0);
      expect(store.pending).toBe(0);
      expect(store.loadSnapshot()).toBeUndefined();
      expect([...store.eventsAfter(0)]).toEqual([]);
      expect(store.commit()).toBe(0);
    });

    it("commit writes everything appended, in order, and reports how many; nothing is visible before", () => {
      const store = open();
      store.append([ev(1), ev(2)]);
      store.append([ev(3, "agent.state", { agentId: "a1", state: "ready" })]);
      expect(store.pending).toBe(3);
      expect([...store.eventsAfter(0)]).toEqual([]);
      expect(store.lastSeq()).toBe(0);

      expect(store.commit()).toBe(3);
      expect(store.pending).toBe(0);
      expect(store.lastSeq()).toBe(3);
      expect([...store.eventsAfter(0)]).toEqual([
        ev(1),
        ev(2),
        ev(3, "agent.state", { agentId: "a1", state: "ready" }),
      ]);
      expect(store.commit()).toBe(0);
    });

    it("returns the whole event, payload included, as fresh copies", () => {
      const store = open();
      const event = ev(1, "message.received", {
        contactId: "c-1",
        text: 'Olá — "quoted" \\ back\nslash 👋',
        nested: { tags: ["vip", "pt"], score: -0.5, none: null },
      });
      store.append([event]);
      event["contactId"] = "changed after append";
      store.commit();

      const [first] = [...store.eventsAfter(0)];
      expect(first).toEqual({ ...event, contactId: "c-1" });
      if (first === undefined) return;
      first["contactId"] = "changed by a reader";
      expect([...store.eventsAfter(0)][0]).toMatchObject({ contactId: "c-1" });
    });

    it("eventsAfter skips events at or below afterSeq and honours limit", () => {
      const store = open();
      store.append(range(1, 10).map((seq) => ev(seq)));
      store.commit();
      expect(seqsOf(store.eventsAfter(3))).toEqual(range(4, 10));
      expect(seqsOf(store.eventsAfter(3, 4))).toEqual(range(4, 7));
      expect(seqsOf(store.eventsAfter(0, 0))).toEqual([]);
      expect(seqsOf(store.eventsAfter(10))).toEqual([]);
      expect(seqsOf(store.eventsAfter(-1, 2))).toEqual([1, 2]);
      expectStoreError(() => store.eventsAfter(0, -1), "INVALID_DATA");
      expectStoreError(() => store.eventsAfter(0, 1.5), "INVALID_DATA");
    });

    it("seqs need not be contiguous", () => {
      const store = open();
      store.append([ev(2), ev(5), ev(9)]);
      store.commit();
      expect(seqsOf(store.eventsAfter(0))).toEqual([2, 5, 9]);
      expect(seqsOf(store.eventsAfter(3))).toEqual([5, 9]);
      expect(seqsOf(store.eventsAfter(5, 1))).toEqual([9]);
      expect(store.lastSeq()).toBe(9);
    });

    it("iterates long logs page by page, and commits may run while an iteration is in progress", () => {
      const store = open();
      store.append(range(1, 2_500).map((seq) => ev(seq)));
      store.commit();
      expect(seqsOf(store.eventsAfter(0))).toEqual(range(1, 2_500));
      expect(seqsOf(store.eventsAfter(100, 1_500))).toEqual(range(101, 1_600));

      const iterator = store.eventsAfter(2_490)[Symbol.iterator]();
      expect(iterator.next().value?.seq).toBe(2_491);
      store.append([ev(2_501), ev(2_502)]);
      expect(store.commit()).toBe(2);
      const rest: number[] = [];
      for (let step = iterator.next(); step.done !== true; step = iterator.next()) rest.push(step.value.seq);
      expect(rest).toEqual(range(2_492, 2_502));
    });

    it("rejects an event whose seq is not greater than the last one, queueing nothing from that call", () => {
      const store = open();
      store.append([ev(1), ev(2), ev(3)]);
      store.commit();
      const error = expectStoreError(() => store.append([ev(3)]), "OUT_OF_ORDER");
      expect(error.message).toContain("3");
      expectStoreError(() => store.append([ev(1)]), "OUT_OF_ORDER");

      store.append([ev(4)]);
      expectStoreError(() => store.append([ev(4)]), "OUT_OF_ORDER");
      expectStoreError(() => store.append([ev(5), ev(6), ev(6)]), "OUT_OF_ORDER");
      expect(store.pending).toBe(1);
      expect(store.commit()).toBe(1);
      expect(seqsOf(store.eventsAfter(0))).toEqual([1, 2, 3, 4]);
    });

    it("rejects malformed events", () => {
      const store = open();
      expectStoreError(() => store.append([ev(1.5)]), "INVALID_DATA");
      expectStoreError(() => store.append([{ seq: 1, at: Number.NaN, type: "x" }]), "INVALID_DATA");
      expectStoreError(() => store.append([{ seq: 1, at: 1, type: "" }]), "INVALID_DATA");
      expectStoreError(() => store.append([ev(1, "x", { big: 10n })]), "INVALID_DATA");
      expect(store.pending).toBe(0);
    });

    it("saves a snapshot (committing pending events first) and replays the events after it", () => {
      const store = open();
      store.append(range(1, 5).map((seq) => ev(seq)));
      store.saveSnapshot({ seq: 3, state: { queues: { sales: ["c-1", "c-2"] } } });
      expect(store.pending).toBe(0);
      expect(store.lastSeq()).toBe(5);

      const snapshot = store.loadSnapshot();
      expect(snapshot).toEqual({ seq: 3, state: { queues: { sales: ["c-1", "c-2"] } } });
      expect(seqsOf(store.eventsAfter(snapshot?.seq ?? 0))).toEqual([4, 5]);
      // Events covered by the snapshot are kept: clients resume from them.
      expect(seqsOf(store.eventsAfter(0))).toEqual(range(1, 5));

      store.saveSnapshot({ seq: 5, state: { queues: {} } });
      expect(store.loadSnapshot()).toEqual({ seq: 5, state: { queues: {} } });
      store.saveSnapshot({ seq: 5, state: { queues: { support: [] } } });
      expect(store.loadSnapshot()).toEqual({ seq: 5, state: { queues: { support: [] } } });
    });

    it("refuses a snapshot ahead of the log or older than the stored one, writing nothing", () => {
      const store = open();
      store.saveSnapshot({ seq: 0, state: { queues: {} } });
      store.append([ev(1), ev(2)]);
      expectStoreError(() => store.saveSnapshot({ seq: 3, state: { queues: {} } }), "OUT_OF_ORDER");
      expect(store.pending).toBe(2);
      store.saveSnapshot({ seq: 2, state: { queues: {} } });
      expectStoreError(() => store.saveSnapshot({ seq: 1, state: { queues: {} } }), "OUT_OF_ORDER");
      expectStoreError(() => store.saveSnapshot({ seq: 2, state: undefined as unknown as TestState }), "INVALID_DATA");
      expect(store.loadSnapshot()?.seq).toBe(2);
    });

    it("keeps metadata", () => {
      const store = open();
      expect(store.getMeta("demo.secret")).toBeUndefined();
      store.setMeta("demo.secret", "s3cr3t");
      store.setMeta("server.name", "Recepção");
      expect(store.getMeta("demo.secret")).toBe("s3cr3t");
      store.setMeta("demo.secret", "rotated");
      expect(store.getMeta("demo.secret")).toBe("rotated");
      expect(store.getMeta("server.name")).toBe("Recepção");
    });

    it("close is idempotent and the store refuses use afterwards", () => {
      const store = open();
      store.append([ev(1)]);
      store.close();
      store.close();
      expectStoreError(() => store.lastSeq(), "CLOSED");
      expectStoreError(() => store.append([ev(2)]), "CLOSED");
      expectStoreError(() => store.commit(), "CLOSED");
      expectStoreError(() => store.eventsAfter(0), "CLOSED");
      expectStoreError(() => store.getMeta("x"), "CLOSED");
    });
  });
}

behaviouralSuite("memory store", openMemory);
behaviouralSuite("sqlite store", () => openSqlite(path.join(tempDir(), "events.db")));

describe("sqlite store: durability", () => {
  it("reopening returns the committed events in order, the snapshot and the metadata", () => {
    const file = path.join(tempDir(), "events.db");
    const first = openSqlite(file);
    first.append(range(1, 50).map((seq) => ev(seq, "contact.routed", { queue: "sales", n: seq })));
    first.commit();
    first.saveSnapshot({ seq: 40, state: { queues: { sales: ["c-9"] } } });
    first.append([ev(51)]);
    first.commit();
    first.setMeta("demo.secret", "abc");
    first.close();

    const second = openSqlite(file);
    expect(second.lastSeq()).toBe(51);
    expect([...second.eventsAfter(0)]).toEqual([
      ...range(1, 50).map((seq) => ev(seq, "contact.routed", { queue: "sales", n: seq })),
      ev(51),
    ]);
    expect(second.loadSnapshot()).toEqual({ seq: 40, state: { queues: { sales: ["c-9"] } } });
    expect(seqsOf(second.eventsAfter(40))).toEqual(range(41, 51));
    expect(second.getMeta("demo.secret")).toBe("abc");
    expectStoreError(() => second.append([ev(51)]), "OUT_OF_ORDER");
  });

  it("uncommitted events are not on disk; committed ones are, as soon as commit returns", () => {
    const file = path.join(tempDir(), "events.db");
    const writer = openSqlite(file);
    writer.append([ev(1), ev(2)]);
    writer.commit();
    writer.append([ev(3), ev(4)]);

    // A fresh handle sees what a restarted server would if the writer died now.
    const reader = openSqlite(file);
    expect(seqsOf(reader.eventsAfter(0))).toEqual([1, 2]);
    expect(reader.lastSeq()).toBe(2);

    expect(writer.commit()).toBe(2);
    expect(seqsOf(reader.eventsAfter(0))).toEqual([1, 2, 3, 4]);
  });

  it("close commits pending events", () => {
    const file = path.join(tempDir(), "events.db");
    const store = openSqlite(file);
    store.append([ev(1), ev(2)]);
    store.close();
    expect(seqsOf(openSqlite(file).eventsAfter(0))).toEqual([1, 2]);
  });

  it("uses WAL, the documented tables and the schema version", () => {
    const file = path.join(tempDir(), "events.db");
    openSqlite(file, { synchronous: "FULL" });
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      const columns = (table: string): string[] =>
        (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
      expect(columns("events")).toEqual(["seq", "at", "type", "body"]);
      expect(columns("snapshots")).toEqual(["seq", "body"]);
      expect(columns("meta")).toEqual(["key", "value"]);
    } finally {
      db.close();
    }
  });

  it("creates missing parent directories", () => {
    const file = path.join(tempDir(), "var", "lib", "cc-agent", "events.db");
    const store = openSqlite(file);
    store.append([ev(1)]);
    store.commit();
    expect(fs.existsSync(file)).toBe(true);
  });

  it.skipIf(isWindows)("keeps the data file and its WAL private to the owner (0600)", () => {
    const file = path.join(tempDir(), "events.db");
    const store = openSqlite(file);
    store.append([ev(1)]);
    store.commit();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
    store.close();

    fs.chmodSync(file, 0o644);
    openSqlite(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it("refuses a file that is not a database, naming it and leaving it untouched", () => {
    const file = path.join(tempDir(), "notes.txt");
    fs.writeFileSync(file, "call the customer back at 5pm\n".repeat(20));
    const error = expectStoreError(() => openSqlite(file), "NOT_A_DATABASE");
    expect(error.message).toContain(file);
    expect(error.file).toBe(file);
    expect(fs.readFileSync(file, "utf8")).toBe("call the customer back at 5pm\n".repeat(20));
  });

  it("refuses a data file written by a newer schema, naming it", () => {
    const file = path.join(tempDir(), "events.db");
    openSqlite(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const error = expectStoreError(() => openSqlite(file), "NEWER_SCHEMA");
    expect(error.message).toContain(file);
    expect(error.message).toContain("newer");
  });

  it("refuses another program's SQLite database", () => {
    const file = path.join(tempDir(), "other.db");
    const db = new Database(file);
    db.exec("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)");
    db.close();
    const error = expectStoreError(() => openSqlite(file), "FOREIGN_DATABASE");
    expect(error.message).toContain(file);
  });

  it("reports a path it cannot open, naming it", () => {
    const dir = tempDir();
    const error = expectStoreError(() => openSqlite(dir), "OPEN_FAILED");
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

    const store = openSqlite(file);
    const events = [...store.eventsAfter(0)];
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
  for (const name of ["store", "sqlite-store"]) {
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

const store = openSqliteStore(process.argv[2]);
let seq = store.lastSeq();
let turn = 0;
const note = "x".repeat(200);

// One group commit per event-loop turn, like the server; a seq is printed only once commit() has returned.
function runTurn() {
  turn += 1;
  const batch = [];
  for (let i = 0; i < 1 + (turn % 4); i += 1) {
    seq += 1;
    batch.push({ seq, at: Date.now(), type: "test.tick", turn, note });
  }
  store.append(batch);
  store.commit();
  process.stdout.write(batch.map((e) => e.seq).join("\\n") + "\\n");
  if (turn < 1000000) setImmediate(runTurn); // bound in case nobody kills us
}
runTurn();
`,
  );
}
