// The built `cc-agent why` against a server in a child process: the routing decisions behind where a conversation
// is, every rep's verdict, as the server recomputes them from its log (SPEC L2, L10).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { readCredentials } from "../../server/credentials.js";
import type { LocalCredentials } from "../../server/credentials.js";
import { CliProcess, requireBuiltCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(requireBuiltCli);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function cli(home: string, ...args: string[]): CliProcess {
  const child = new CliProcess(args, { CC_AGENT_HOME: home });
  cleanups.push(() => child.kill());
  return child;
}

async function startServer(): Promise<{ home: string; credentials: LocalCredentials }> {
  const tmp = tempDir("cc-agent-why-");
  cleanups.push(() => tmp.remove());
  const home = join(tmp.dir, "home");
  mkdirSync(home);
  const child = cli(home, "server", "--port", "0", "--data", join(tmp.dir, "data.db"), "--log-level", "warn");
  await waitFor(() => /listening on ws:\/\//.test(child.stdout + child.stderr), "the server to listen", 15_000);
  return { home, credentials: readCredentials(join(home, "local-server.json"))! };
}

async function signIn(credentials: LocalCredentials, id: string): Promise<TestClient> {
  const token = credentials.users.find((u) => u.id === id)!.token;
  const client = await new TestClient(credentials.url, { role: "rep", token }).connect();
  cleanups.push(() => client.close());
  return client;
}

describe("cc-agent why", () => {
  it("SPEC L10: names each routing decision, who was chosen and why, and why every other rep was passed over", async () => {
    // given alice and bob Available; carol stays Offline
    const { home, credentials } = await startServer();
    const alice = await signIn(credentials, "alice");
    await alice.request({ type: "presence", presence: "available" });
    const bob = await signIn(credentials, "bob");
    await bob.request({ type: "presence", presence: "available" });
    const customer = await new TestClient(credentials.url, { role: "customer" }).connect();
    cleanups.push(() => customer.close());

    // when a live conversation is offered to alice, who rejects it, and then goes to bob
    const { conversationId } = (await customer.request({ type: "start", workstream: "live", text: "Hi" })) as {
      conversationId: string;
    };
    const offer = await alice.waitForOffer(conversationId);
    await alice.request({ type: "reject", offerId: offer.id });
    await bob.waitForOffer(conversationId);

    // then a supervisor's `why` shows both decisions, each rep's verdict in words
    const run = cli(home, "why", conversationId, "--as", "sam");
    expect(await run.exited()).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`${conversationId}: Open in queue general`);
    // Alice's offer did not take: the decision says how it ended.
    const first = lines.findIndex((l) =>
      /queue general: Alice Moreau: idle longest of the eligible reps — rejected it$/.test(l),
    );
    const second = lines.findIndex((l) => /queue general: Bob Okafor: idle longest of the eligible reps$/.test(l));
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(lines.slice(first + 1, second)).toEqual([
      "    ✔ Alice Moreau (alice): chosen",
      expect.stringMatching(
        /^ {4}· Bob Okafor \(bob\): eligible, but Alice Moreau was idle (longer|as long and comes first by id)$/,
      ),
      "    · Carol Tanaka (carol): Offline, not Available",
      "    · Sam Rivera (sam): Offline, not Available",
    ]);
    expect(lines.slice(second + 1)).toEqual([
      "    ✔ Bob Okafor (bob): chosen",
      "    · Alice Moreau (alice): declined it",
      "    · Carol Tanaka (carol): Offline, not Available",
      "    · Sam Rivera (sam): Offline, not Available",
    ]);

    // and --json is the server's answer itself
    const json = cli(home, "why", conversationId, "--as", "sam", "--json");
    expect(await json.exited()).toBe(0);
    const answer = JSON.parse(json.stdout) as { decisions: { chosen: { repId: string } }[] };
    expect(answer.decisions.map((d) => d.chosen.repId)).toEqual(["alice", "bob"]);
  });

  it("refuses an unknown conversation and a rep", async () => {
    const { home } = await startServer();

    const unknown = cli(home, "why", "c999", "--as", "sam");
    expect(await unknown.exited()).toBe(1);
    expect(unknown.stderr).toContain("There is no conversation c999.");

    const rep = cli(home, "why", "c1", "--as", "alice");
    expect(await rep.exited()).toBe(1);
    expect(rep.stderr).toContain("only supervisors sign in to the monitor, events and why");
  });
});
