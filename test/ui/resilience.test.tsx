// The console against a real server: a dropped connection shows "reconnecting", resumes with nothing lost
// and nothing shown twice, and a message typed while offline is kept and sent when back.
import { afterEach, describe, expect, it } from "vitest";
import { startServer } from "../../server/start-server.js";
import type { RunningServer } from "../../server/start-server.js";
import { connectConsole } from "../helpers/ui.js";
import { TestClient, waitFor } from "../helpers/ws.js";

let server: RunningServer | undefined;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await server?.close();
  server = undefined;
});

describe("console resilience", () => {
  it("shows reconnecting, resumes without loss or duplicates, and sends what was typed offline", async () => {
    server = await startServer({ port: 0, dataFile: null });
    const token = server.org.users.find((u) => u.id === "alice")!.token;
    const { client, store, ui, frame } = await connectConsole(server.url, token, cleanups);

    await client.request({ type: "presence", presence: "available" });
    const customer = await new TestClient(server.url, { role: "customer" }).connect();
    cleanups.push(() => customer.close());
    const { conversationId } = (await customer.request({
      type: "start",
      workstream: "live",
      text: "first message",
    })) as { conversationId: string };
    await frame((f) => f.includes("New conversation: Visitor 1"), "the offer");
    ui.stdin.write("\x1by");
    await frame((f) => f.includes("[Active]") && f.includes("first message"), "the accepted session");

    // The network drops: the header says so.
    client.dropConnection();
    await frame((f) => f.includes("reconnecting"), "reconnecting in the header");
    // While offline: the customer writes, and the rep types and sends a reply.
    await customer.request({ type: "send", conversationId, text: "second message while you were away" });
    ui.stdin.write("typed while offline");
    const offline = await frame((f) => f.includes("› typed while offline"), "the draft");
    expect(offline).toMatch(/offline: messages are kept and sent when back\s*│/);
    ui.stdin.write("\r");

    await frame(
      (f) => f.includes("online") && f.includes("second message while you were away"),
      "back online with the missed message",
    );
    await customer.waitForText(conversationId, "typed while offline");
    const session = store.getState().sessions[conversationId]!;
    const texts = session.messages.map((m) => m.text);
    // Nothing lost, nothing twice.
    expect(texts.filter((t) => t === "first message")).toHaveLength(1);
    expect(texts.filter((t) => t === "second message while you were away")).toHaveLength(1);
    await waitFor(
      () => store.getState().sessions[conversationId]!.messages.some((m) => m.text === "typed while offline"),
      "own message echoed",
    );
    expect(
      store.getState().sessions[conversationId]!.messages.filter((m) => m.text === "typed while offline"),
    ).toHaveLength(1);
    expect(store.getState().sessions[conversationId]!.outbox).toHaveLength(0);
    expect(customer.texts(conversationId).filter((t) => t === "typed while offline")).toHaveLength(1);
  });
});
