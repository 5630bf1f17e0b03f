// The built `cc-agent report` reading the data file of a server that is running, with traffic from real clients.
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../server/start-server.js";
import type { RunningServer } from "../../server/start-server.js";
import { CliProcess, requireBuiltCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(requireBuiltCli);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serverWithTraffic(): Promise<{ server: RunningServer; dataFile: string }> {
  const tmp = tempDir("cc-agent-report-");
  cleanups.push(() => tmp.remove());
  const dataFile = join(tmp.dir, "data.db");
  const server = await startServer({ port: 0, dataFile, credentialsFile: false });
  cleanups.push(() => server.close());
  const token = server.org.users.find((u) => u.id === "alice")!.token;
  const alice = await new TestClient(server.url, { role: "rep", token }).connect();
  cleanups.push(() => alice.close());
  await alice.request({ type: "presence", presence: "available" });

  // One answered, handled and wrapped up.
  const first = await new TestClient(server.url, { role: "customer" }).connect();
  cleanups.push(() => first.close());
  const { conversationId } = (await first.request({ type: "start", workstream: "live", text: "Hello" })) as {
    conversationId: string;
  };
  const offer = await alice.waitForOffer(conversationId);
  await alice.request({ type: "accept", offerId: offer.id });
  await alice.request({ type: "send", conversationId, text: "Hi, how can I help?" });
  await alice.request({ type: "end", conversationId });
  await alice.request({ type: "wrapup", conversationId, reasonId: "resolved" });

  // One the customer gives up on: nobody is available.
  await alice.request({ type: "presence", presence: "away" });
  const second = await new TestClient(server.url, { role: "customer" }).connect();
  cleanups.push(() => second.close());
  const started = (await second.request({ type: "start", workstream: "live", text: "Anyone?" })) as {
    conversationId: string;
  };
  await second.request({ type: "end", conversationId: started.conversationId });
  return { server, dataFile };
}

function run(...args: string[]): CliProcess {
  // The POSIX locale, whatever this machine's: times are then 24-hour, as on every screen of the product.
  const cli = new CliProcess(["report", ...args], { LC_ALL: "C" });
  cleanups.push(() => cli.kill());
  return cli;
}

describe("cc-agent report", () => {
  it("reads a running server's data file: JSON figures by queue, a table by rep", async () => {
    const { server, dataFile } = await serverWithTraffic();
    const json = run("--data", dataFile, "--json");
    expect(await json.exited()).toBe(0);
    const report = JSON.parse(json.stdout) as { by: string; rows: Record<string, unknown>[]; total: object };
    expect(report.by).toBe("queue");
    expect(report.rows).toHaveLength(1);
    expect(report.rows[0]).toMatchObject({
      group: "general",
      offered: 2,
      answered: 1,
      abandoned: 1,
      handled: 1,
      wrapUps: { resolved: 1 },
      sentiment: { negative: 0, neutral: 2, positive: 0 },
    });
    expect(report.rows[0]!.asaSeconds).toEqual(expect.any(Number));
    expect(report.rows[0]!.ahtSeconds).toEqual(expect.any(Number));
    expect(report.rows[0]!.firstResponseSeconds).toEqual(expect.any(Number));

    // The server carries on undisturbed while and after the report reads its file.
    const token = server.org.users.find((u) => u.id === "bob")!.token;
    const bob = await new TestClient(server.url, { role: "rep", token }).connect();
    cleanups.push(() => bob.close());
    await bob.request({ type: "presence", presence: "available" });

    const table = run("--data", dataFile, "--by", "rep");
    expect(await table.exited()).toBe(0);
    const lines = table.stdout.split("\n");
    // The period in the product's way of writing times: "7 Dec 2026, 00:00 – 7 Dec 2026, 21:28".
    expect(lines[0]).toMatch(/^Report by rep, \d{1,2} \w{3} \d{4}, 00:00 – \d{1,2} \w{3} \d{4}, \d\d:\d\d$/);
    expect(lines[2]).toMatch(/^rep\s+offered\s+answered\s+abandoned\s+ASA s/);
    expect(lines.find((l) => l.startsWith("alice"))).toMatch(/^alice\s+1\s+1\s+/);
    expect(table.stdout).toContain("occupancy");
    // Time in each presence is a duration ("offline 9h12"), not a time of day.
    expect(lines.find((l) => l.startsWith("alice"))).toMatch(/ offline \d+h\d\d/);
    // eslint-disable-next-line no-control-regex -- no colour at all
    expect(table.stdout).not.toMatch(/\x1b\[/);
  });

  it("says what is wrong with a missing data file or clashing flags", async () => {
    const missing = run("--data", "/nonexistent/cc-agent.db");
    expect(await missing.exited()).toBe(1);
    expect(missing.stderr).toContain("no data file at /nonexistent/cc-agent.db");
    const both = run("--json", "--csv");
    expect(await both.exited()).toBe(2);
    expect(both.stderr).toContain("choose one of --json and --csv");
    const badDate = run("--from", "2026-13-01");
    expect(await badDate.exited()).toBe(2);
    await waitFor(() => badDate.stderr.includes("not a valid date") || badDate.stderr.includes("YYYY-MM-DD"));
  });
});
