// The org file read again while the server runs (docs/org-file.md, "Reloading"): what it dropped is aborted live on
// the wire (L4), new users sign in, removed ones and replaced tokens are signed out, new settings reach every console,
// and a file with an error changes nothing.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_USER_IDS, demoOrgFile } from "../../server/org-file.js";
import type { OrgFile } from "../../server/org-file.js";
import { startServer } from "../../server/start-server.js";
import type { RunningServer } from "../../server/start-server.js";
import { signIdentity } from "../../src/protocol/identity.js";
import { wire } from "../../src/ui/mirror/wire.js";
import type { MirrorAction } from "../../src/ui/mirror/wire.js";
import { committedSeq, tempDir } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

let tmp: ReturnType<typeof tempDir>;
let server: RunningServer;
let orgPath: string;
const clients: TestClient[] = [];

const ORG: OrgFile = demoOrgFile({
  secret: "s".repeat(64),
  tokens: Object.fromEntries(DEMO_USER_IDS.map((id) => [id, `${id}-token-0123456789abcdef`])),
});

function writeOrg(org: OrgFile): void {
  writeFileSync(orgPath, JSON.stringify(org, null, 2), { mode: 0o600 });
}

async function connect(hello: ConstructorParameters<typeof TestClient>[1]): Promise<TestClient> {
  const client = await new TestClient(server.url, hello).connect();
  clients.push(client);
  return client;
}

const staff = (id: string, role: "rep" | "supervisor" = "rep") =>
  connect({ role, token: server.org.users.find((u) => u.id === id)!.token });

beforeEach(async () => {
  tmp = tempDir();
  orgPath = join(tmp.dir, "org.json");
  writeOrg(ORG);
  server = await startServer({ port: 0, dataFile: join(tmp.dir, "cc.db"), orgFile: orgPath });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
  tmp.remove();
});

/** Bob takes a persistent chat of the Billing queue. */
async function billingChatWithBob(bob: TestClient): Promise<string> {
  await bob.request({ type: "presence", presence: "available" });
  const customer = await connect({
    role: "customer",
    identity: signIdentity(ORG.secret, { id: "cust-ann", name: "Ann Lee" }),
  });
  const id = (await customer.request({ type: "start", workstream: "persistent", text: "Is my invoice ready?" }))
    .conversationId as string;
  await bob.request({ type: "accept", offerId: (await bob.waitForOffer(id)).id });
  return id;
}

const withoutBilling = (org: OrgFile): OrgFile => ({
  ...org,
  queues: org.queues.filter((q) => q.id !== "billing"),
  workstreams: org.workstreams.map((w) => (w.queue === "billing" ? { ...w, queue: "general" } : w)),
  users: org.users.map((u) => ({ ...u, queues: u.queues.filter((q) => q !== "billing") })),
});

describe("reloading the org file", () => {
  it("SPEC L4: a queue removed from the file aborts its conversations at once, live on the wire, with the warning", async () => {
    const bob = await staff("bob");
    const sam = await staff("sam", "supervisor");
    const id = await billingChatWithBob(bob);

    writeOrg(withoutBilling(ORG));
    expect(await server.reloadOrg()).toEqual({ ok: true, changed: true, removed: ["queue billing"], org: ORG.name });

    // Without reconnecting: the rep's console hears of it on the socket it has.
    await waitFor(() => bob.notices.find((n) => n.code === "aborted" && n.conversationId === id), "the aborted notice");
    expect(bob.notices.find((n) => n.conversationId === id)?.text).toBe(
      "Conversation aborted: queue Billing was deleted. It can only be ended.",
    );
    expect(bob.conversations.get(id)).toMatchObject({ state: "active", aborted: "queue Billing was deleted" });
    await bob.waitForText(id, "This conversation was aborted: queue Billing was deleted. It can only be ended.");
    expect(bob.welcomes).toHaveLength(1);
    // The org as consoles hold it follows the file: Billing is gone for the rep and the supervisor alike.
    await waitFor(() => sam.org?.queues.every((q) => q.id !== "billing"), "the supervisor's new org");
    expect(bob.org?.queues.map((q) => q.id)).toEqual(["general"]);
    expect(bob.users.get("bob")?.queues).toEqual(["general"]);
    // The rep can still end it (L4: it can only be ended).
    await bob.request({ type: "end", conversationId: id });
  });

  it("SPEC SV2: a changed setting reaches every connected rep and supervisor, and is in force at once", async () => {
    const alice = await staff("alice");
    const sam = await staff("sam", "supervisor");
    const id = await billingChatWithBob(await staff("bob"));
    expect(sam.org?.supervisor.forceClose).toBe(true);

    writeOrg({ ...ORG, supervisor: { ...ORG.supervisor, forceClose: false } });
    expect(await server.reloadOrg()).toEqual({ ok: true, changed: true, removed: [], org: ORG.name });

    await waitFor(() => sam.org?.supervisor.forceClose === false, "the supervisor's new setting");
    await waitFor(() => alice.org?.supervisor.forceClose === false, "the rep's new setting");
    expect(await sam.refused({ type: "force_close", conversationId: id })).toBe("supervisor/force_close_disabled");
  });

  it("a rep added to the file signs in without a restart; a removed rep's consoles are told and signed out; a replaced token stops working", async () => {
    const bob = await staff("bob");
    // What the console's store is told, through the same wiring the console uses.
    const consoleActions: MirrorAction[] = [];
    wire(bob.client, { dispatch: (action) => consoleActions.push(action) }, bob.welcome!);
    const carol = await staff("carol");
    const oldCarolToken = server.org.users.find((u) => u.id === "carol")!.token;
    const dave = {
      id: "dave",
      name: "Dave Lund",
      role: "rep" as const,
      capacity: 2,
      queues: ["general"],
      token: "dave-token-0123456789abcdef",
    };
    writeOrg({
      ...ORG,
      users: [
        ...ORG.users
          .filter((u) => u.id !== "bob")
          .map((u) => (u.id === "carol" ? { ...u, token: "carol-new-token-0123456789" } : u)),
        dave,
      ],
    });
    expect(await server.reloadOrg()).toEqual({ ok: true, changed: true, removed: ["user bob"], org: ORG.name });

    await waitFor(() => bob.fatal, "bob signed out");
    expect(consoleActions).toContainEqual({
      type: "flash",
      flash: {
        level: "warn",
        text: "You were removed from the org: this console is signed out. Ask your admin if this is a mistake.",
        at: expect.any(Number),
      },
    });
    expect(consoleActions.at(-1)).toEqual({ type: "connection", status: "closed" });
    expect(bob.fatal).toMatchObject({
      code: "auth/invalid_token",
      message: "You were removed from the org: this console is signed out. Ask your admin if this is a mistake.",
    });
    await waitFor(() => carol.fatal, "carol's old token signed out");
    expect(carol.fatal?.message).toBe("Your token was replaced in the org file: sign in again with the new one.");

    const daveConsole = await connect({ role: "rep", token: dave.token });
    expect(daveConsole.welcome?.session).toMatchObject({ userId: "dave", name: "Dave Lund" });
    expect((await connect({ role: "rep", token: "carol-new-token-0123456789" })).welcome?.session.userId).toBe("carol");
    const refused = new TestClient(server.url, { role: "rep", token: oldCarolToken });
    await expect(refused.connect()).rejects.toMatchObject({ code: "auth/invalid_token" });
    await refused.close();
  });

  it("POST /admin/reload-org needs the key of the local credentials: without it nothing is reloaded", async () => {
    writeOrg(withoutBilling(ORG));
    const url = `${server.httpUrl}/admin/reload-org`;
    const wrong = await fetch(url, { method: "POST", headers: { authorization: "Bearer not-the-key" } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ ok: false, error: "not the key of this server's local credentials" });
    expect((await fetch(url, { method: "POST" })).status).toBe(401);
    expect((await fetch(url)).status).toBe(405);
    expect(server.org.queues.map((q) => q.id)).toEqual(["general", "billing"]);
  });

  it("the same file again changes nothing and records nothing", async () => {
    const sam = await staff("sam", "supervisor");
    await sam.synced();
    const seq = await committedSeq(server);
    expect(await server.reloadOrg()).toEqual({ ok: true, changed: false, removed: [], org: ORG.name });
    expect(await committedSeq(server)).toBe(seq);
    await sam.synced();
    expect(sam.events).toHaveLength(0);
  });

  it.each([
    ["not JSON", () => writeFileSync(orgPath, "{ not json"), /^The org file .* is not valid JSON: /],
    [
      "failing validation",
      () => writeOrg({ ...ORG, users: ORG.users.map((u) => (u.id === "bob" ? { ...u, token: "short" } : u)) }),
      /is not valid:\n {2}users\.1\.token: tokens must have at least 16 characters/,
    ],
    ["unreadable", () => rmSync(orgPath), /^Cannot read the org file .*: ENOENT/],
  ])("a file %s changes nothing and says why; the old org stays in force", async (_what, breakIt, reason) => {
    const bob = await staff("bob");
    const sam = await staff("sam", "supervisor");
    const id = await billingChatWithBob(bob);
    await sam.synced();
    const seq = await committedSeq(server);
    const frames = bob.events.length;

    breakIt();
    const result = await server.reloadOrg();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(reason);

    // Nothing was recorded and nobody was told anything; the same tokens and conversations work on.
    expect(await committedSeq(server)).toBe(seq);
    expect(bob.events).toHaveLength(frames);
    await bob.request({ type: "send", conversationId: id, text: "Still here." });
    expect((await staff("bob")).welcome?.session.userId).toBe("bob");
    expect(bob.fatal).toBeNull();
    expect(sam.org?.queues.map((q) => q.id)).toEqual(["general", "billing"]);
  });
});
