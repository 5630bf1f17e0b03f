// A long thread in the console against a real server (issue 12, items 4–5): the console opened after 241 messages
// gets the conversation with its latest few and their count, and reads the rest from the server's log a page at a
// time as the rep opens it and scrolls up.
import { afterEach, describe, expect, it } from "vitest";
import { parseOrgFile } from "../../server/org-file.js";
import { startServer } from "../../server/start-server.js";
import type { RunningServer } from "../../server/start-server.js";
import { connectConsole } from "../helpers/ui.js";
import { TestClient } from "../helpers/ws.js";

let server: RunningServer | undefined;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await server?.close();
  server = undefined;
});

const TOKEN = "alice-long-thread-token-01";
const REPLIES = 240;
/** One rep whose connection may send as fast as the test writes. */
const ORG = parseOrgFile({
  name: "Fabrikam",
  secret: "long-thread-test-secret-0123456789abcdefgh",
  queues: [{ id: "general", name: "General" }],
  workstreams: [{ id: "live", name: "Live chat", mode: "live", queue: "general" }],
  users: [{ id: "alice", name: "Alice Moreau", queues: ["general"], token: TOKEN }],
  wrapUpReasons: [{ id: "resolved", label: "Resolved" }],
  limits: { connection: { burst: 1000, perSecond: 1000 } },
});

describe("a long thread from a real server", () => {
  it("a console opened on a 241-message conversation shows its latest messages, and the rest as the rep scrolls up", async () => {
    server = await startServer({ port: 0, dataFile: null, org: ORG });
    const alice = await new TestClient(server.url, { role: "rep", token: TOKEN }).connect();
    cleanups.push(() => alice.close());
    await alice.request({ type: "presence", presence: "available" });
    const customer = await new TestClient(server.url, { role: "customer" }).connect();
    cleanups.push(() => customer.close());
    const { conversationId } = (await customer.request({
      type: "start",
      workstream: "live",
      text: "Tell me everything",
    })) as { conversationId: string };
    const offer = await alice.waitForOffer();
    await alice.request({ type: "accept", offerId: offer.id });
    for (let n = 1; n <= REPLIES; n++) await alice.request({ type: "send", conversationId, text: `reply ${n}` });

    // The rep opens a console now: its snapshot holds the conversation's latest messages and their count.
    const { store, ui, frame } = await connectConsole(server.url, TOKEN, cleanups);
    const shown = () => [...(ui.lastFrame() ?? "").matchAll(/reply (\d+)\b/g)].map((m) => Number(m[1]));

    ui.stdin.write("\x1b1");
    await frame((f) => f.includes(`reply ${REPLIES}`) && f.includes("reply 215"), "the latest messages and the page");
    expect(shown().at(-1)).toBe(REPLIES);
    // Up to the top: every page from the server's log, in order, until the customer's first message.
    for (let i = 0; i < 80 && !(ui.lastFrame() ?? "").includes("Tell me everything"); i++) {
      ui.stdin.write("\x1b[5~");
      await frame(() => !store.getState().sessions[conversationId]?.earlier?.loading, "the page");
    }
    const top = await frame((f) => f.includes("Tell me everything"), "the first message");
    expect(top).not.toContain("earlier message");
    const thread = store.getState().sessions[conversationId]!.messages.map((m) => m.text);
    expect(thread.filter((t) => t.startsWith("reply "))).toEqual(
      Array.from({ length: REPLIES }, (_, i) => `reply ${i + 1}`),
    );
  });
});
