import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../server/logger.js";
import { serverPerTest } from "../helpers/server.js";
import { waitFor } from "../helpers/ws.js";

const { start, connect, token } = serverPerTest();

describe("server logs", () => {
  it("go to a file with levels and never carry message text or customer details (SPEC L6)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "cc-agent-logs-")), "server.log");
    const logger = createLogger({ level: "trace", file });
    const server = await start({ logger });
    const alice = await connect({ role: "rep", token: token("alice") });
    await alice.request({ type: "presence", presence: "available" });
    const customer = await connect({ role: "customer" });
    const secretText = "my e-mail is melissa@gmail.com and card 4111 1111 1111 1111";
    const { conversationId } = (await customer.request({ type: "start", workstream: "live", text: secretText })) as {
      conversationId: string;
    };
    await alice.waitForOffer(conversationId);
    // A bad frame is logged at debug level at most, and without its content.
    await customer.refused({ type: "send", conversationId: "c999", text: secretText });
    await server.close();
    logger.flush();
    const log = await waitFor(() => {
      const text = readFileSync(file, "utf8");
      return text.includes("server stopped") ? text : undefined;
    }, "the log to be flushed");
    const lines = log
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.every((l) => typeof l.level === "number")).toBe(true);
    expect(log).not.toContain("melissa");
    expect(log).not.toContain("4111");
    expect(log).not.toContain("e-mail is");
  });
});
