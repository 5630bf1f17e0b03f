// The built `cc-agent server --org` reads its org file again on SIGHUP and on `cc-agent server reload`
// (docs/org-file.md, "Reloading"): a removed queue's chat is aborted live on the rep's socket, a new rep signs in
// without a restart, and a broken file changes nothing while the server goes on serving.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_USER_IDS, demoOrgFile } from "../../server/org-file.js";
import type { OrgFile } from "../../server/org-file.js";
import { signIdentity } from "../../src/protocol/identity.js";
import { listening, spawnCli, stopProcess, type CliProcess } from "../helpers/cli-server.js";
import { tempDir } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

let tmp: ReturnType<typeof tempDir>;
let orgPath: string;
const processes: CliProcess[] = [];
const clients: TestClient[] = [];

const ORG: OrgFile = demoOrgFile({
  secret: "s".repeat(64),
  tokens: Object.fromEntries(DEMO_USER_IDS.map((id) => [id, `${id}-token-0123456789abcdef`])),
});
const DAVE = {
  id: "dave",
  name: "Dave Lund",
  role: "rep" as const,
  capacity: 2,
  queues: ["general"],
  token: "dave-token-0123456789abcdef",
};
const tokenOf = (id: string) => ORG.users.find((u) => u.id === id)!.token;

beforeEach(() => {
  tmp = tempDir("cc-agent-reload-");
  orgPath = join(tmp.dir, "org.json");
  writeOrg(ORG);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const cli of processes.splice(0)) await stopProcess(cli);
  tmp.remove();
});

function writeOrg(org: OrgFile): void {
  writeFileSync(orgPath, JSON.stringify(org, null, 2), { mode: 0o600 });
}

function run(args: string[]): CliProcess {
  const cli = spawnCli(args, { cwd: tmp.dir, home: join(tmp.dir, "home") });
  processes.push(cli);
  return cli;
}

async function startServer(): Promise<{ cli: CliProcess; url: string }> {
  const cli = run(["server", "--port", "0", "--data", join(tmp.dir, "cc.db"), "--org", orgPath, "--log-level", "info"]);
  return { cli, url: await listening(cli) };
}

async function connect(url: string, hello: ConstructorParameters<typeof TestClient>[1]): Promise<TestClient> {
  const client = await new TestClient(url, hello).connect();
  clients.push(client);
  return client;
}

/** A rep's sign-in: the user id of its welcome, or the code it was refused with. */
async function signIn(url: string, token: string): Promise<string> {
  const client = new TestClient(url, { role: "rep", token });
  try {
    await client.connect();
    return client.welcome!.session.userId!;
  } catch (error) {
    return (error as { code: string }).code;
  } finally {
    await client.close();
  }
}

async function seq(url: string): Promise<number> {
  const health = (await (await fetch(url.replace(/^ws/, "http").replace(/\/ws$/, "/healthz"))).json()) as {
    seq: number;
  };
  return health.seq;
}

const withoutBillingWithDave: OrgFile = {
  ...ORG,
  queues: ORG.queues.filter((q) => q.id !== "billing"),
  workstreams: ORG.workstreams.map((w) => (w.queue === "billing" ? { ...w, queue: "general" } : w)),
  users: [...ORG.users.map((u) => ({ ...u, queues: u.queues.filter((q) => q !== "billing") })), DAVE],
};

describe("cc-agent server: the org file read again while it runs", () => {
  it("SPEC L4: on SIGHUP a removed queue's chat is aborted live for its rep, a new rep signs in, and a broken file changes nothing", async () => {
    const { cli, url } = await startServer();
    const bob = await connect(url, { role: "rep", token: tokenOf("bob") });
    await bob.request({ type: "presence", presence: "available" });
    const customer = await connect(url, {
      role: "customer",
      identity: signIdentity(ORG.secret, { id: "cust-ann", name: "Ann Lee" }),
    });
    const id = (await customer.request({ type: "start", workstream: "persistent", text: "Is my invoice ready?" }))
      .conversationId as string;
    await bob.request({ type: "accept", offerId: (await bob.waitForOffer(id)).id });
    expect(await signIn(url, DAVE.token)).toBe("auth/invalid_token");

    writeOrg(withoutBillingWithDave);
    cli.child.kill("SIGHUP");

    const notice = await waitFor(
      () => bob.notices.find((n) => n.code === "aborted" && n.conversationId === id),
      "the aborted notice on the rep's socket",
    );
    expect(notice.text).toBe("Conversation aborted: queue Billing was deleted. It can only be ended.");
    await bob.waitForText(id, "This conversation was aborted: queue Billing was deleted. It can only be ended.");
    expect(bob.welcomes).toHaveLength(1);
    expect(await signIn(url, DAVE.token)).toBe("dave");

    // A broken file: logged with its reason, nothing recorded, the org in force stays, the server serves on.
    const before = await seq(url);
    writeFileSync(orgPath, '{ "name": "Contoso",');
    cli.child.kill("SIGHUP");
    await waitFor(() => cli.stderr.includes("org file not reloaded"), "the refusal in the log");
    expect(cli.stderr).toMatch(/not valid JSON/);
    expect(cli.child.exitCode).toBeNull();
    expect(await seq(url)).toBe(before);
    expect(await signIn(url, DAVE.token)).toBe("dave");
    await bob.request({ type: "end", conversationId: id });
    expect(bob.fatal).toBeNull();
  });

  it("`cc-agent server reload` applies the file and says so; a broken file is refused with its reason and exit code 1", async () => {
    const { url } = await startServer();
    const carol = await connect(url, { role: "rep", token: tokenOf("carol") });

    // Renamed too: the answer names the org now in force, not the one before.
    writeOrg({ ...ORG, name: "Contoso Care", users: [...ORG.users, DAVE] });
    const reload = run(["server", "reload"]);
    expect((await reload.exit).code).toBe(0);
    expect(reload.stdout).toBe("org file reloaded (Contoso Care)\n");
    expect(await signIn(url, DAVE.token)).toBe("dave");

    const before = await seq(url);
    writeOrg({ ...ORG, users: ORG.users.map((u) => (u.id === "carol" ? { ...u, queues: ["nowhere"] } : u)) });
    const refused = run(["server", "reload"]);
    expect((await refused.exit).code).toBe(1);
    expect(refused.stderr).toMatch(/^cc-agent: the org file was not reloaded; nothing changed\.\nThe org file .*/);
    expect(refused.stderr).toContain('user "carol" is in unknown queue "nowhere"');
    expect(refused.stdout).toBe("");
    // Dave, added by the last good file, still signs in; nothing was recorded; Carol was not signed out.
    expect(await signIn(url, DAVE.token)).toBe("dave");
    expect(await seq(url)).toBe(before);
    expect(carol.fatal).toBeNull();
  });

  it("`cc-agent server reload` with no local server says so and exits with code 1", async () => {
    const reload = run(["server", "reload"]);
    expect((await reload.exit).code).toBe(1);
    expect(reload.stderr).toMatch(/^cc-agent: no local cc-agent server: .*local-server\.json is missing/);
  });
});
