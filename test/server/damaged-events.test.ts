// A data file whose pages are sound but whose stored events no longer are (a body overwritten inside a page): the
// server refuses it at start, saying it is damaged and to restore a backup, instead of replaying part of it.
// (test/cli/data-file.test.ts overwrites whole pages of a real file under the built CLI.)
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import Database from "better-sqlite3";
import { startServer } from "../../server/start-server.js";
import { tempDir } from "../helpers/server.js";
import { TestClient } from "../helpers/ws.js";

let tmp: ReturnType<typeof tempDir>;

beforeEach(() => {
  tmp = tempDir("cc-agent-damaged-");
});

afterEach(() => {
  tmp.remove();
});

describe("a damaged event in the data file", () => {
  it("is refused at start with a clear message, and the file can be opened again once restored", async () => {
    const data = join(tmp.dir, "cc.db");
    const first = await startServer({ port: 0, dataFile: data });
    const customer = await new TestClient(first.url, { role: "customer" }).connect();
    await customer.request({ type: "start", workstream: "live", text: "hello" });
    await customer.close();
    await first.close();

    const db = new Database(data);
    const last = db.prepare<[], number>("SELECT max(seq) FROM events").pluck().get()!;
    // Without its snapshot, a start replays every event, the damaged one too.
    db.prepare("DELETE FROM snapshots").run();
    db.prepare("UPDATE events SET body = substr(body, 1, 20) WHERE seq = ?").run(last);
    db.close();

    await expect(startServer({ port: 0, dataFile: data })).rejects.toMatchObject({
      code: "DAMAGED",
      message: expect.stringMatching(
        new RegExp(
          `^data file ${data} is damaged \\(event ${last} is not valid JSON\\): restore the file from a backup`,
        ),
      ),
    });
    // The refused start let the lock go: nothing else holds the file.
    const again = new Database(data);
    again.prepare("DELETE FROM events WHERE seq = ?").run(last);
    again.close();
    const restored = await startServer({ port: 0, dataFile: data });
    await restored.close();
  });
});
