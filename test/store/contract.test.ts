// The store contract (test/store/contract.ts) run against each store the product has: SQLite on a real file in a
// temp dir, and memory. A full disk is SQLite's max_page_count (writes needing a page fail with SQLITE_FULL, as on a
// full filesystem) and, for memory, a medium whose writes fail with ENOSPC.
import { join } from "node:path";
import Database from "better-sqlite3";
import { MemoryLog, memoryMedium } from "../../server/store/memory-store.js";
import { openQueuedStore, type Medium } from "../../server/store/queued-store.js";
import { openSqliteStore } from "../../server/store/sqlite-store.js";
import { tempDir } from "../helpers/server.js";
import { storeContract, type LogUnderTest, type TestState } from "./contract.js";

function fill(db: Database.Database, full: boolean): void {
  db.pragma(`max_page_count = ${full ? Number(db.pragma("page_count", { simple: true })) : 1073741823}`);
}

storeContract(
  "sqlite",
  (): LogUnderTest => {
    const temp = tempDir("cc-agent-store-");
    const file = join(temp.dir, "events.db");
    const connections: Database.Database[] = [];
    let full = false;
    return {
      open: (options = {}) =>
        openSqliteStore<TestState>(file, {
          ...options,
          onOpen: (db) => {
            connections.push(db);
            if (full) fill(db, true);
          },
        }),
      setFull(next) {
        full = next;
        for (const db of connections) if (db.open) fill(db, next);
      },
      dropSnapshotPiece(piece) {
        const db = new Database(file);
        try {
          db.prepare("DELETE FROM snapshot_pieces WHERE piece = ?").run(piece);
        } finally {
          db.close();
        }
      },
      remove: () => temp.remove(),
    };
  },
  { snapshotPieces: true },
);

storeContract("memory", (): LogUnderTest => {
  const log = new MemoryLog();
  let full = false;
  const medium = (): Medium => {
    const inner = memoryMedium(log);
    return {
      ...inner,
      write: (events, snapshot, expectedLast, outcomes) => {
        if (full) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
        return inner.write(events, snapshot, expectedLast, outcomes);
      },
    };
  };
  return {
    open: (options) => openQueuedStore<TestState>(medium(), options),
    setFull(next) {
      full = next;
    },
    remove: () => undefined,
  };
});
