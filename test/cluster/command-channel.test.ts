// Commands from a follower to the leader through one real Postgres database (test/helpers/postgres.ts): the
// follower's PostgresCommandChannel inserts them into cc_commands, the leader's CommandInbox has a real Writer run
// them, and the outcome is recorded in the same transaction as the command's events. Checked: the same outcomes as in
// one process, events on the follower's bus before the outcome, and exactly once across a leader's death.
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { InProcessBus } from "../../server/bus.js";
import { PostgresCommandChannel } from "../../server/cluster/command-channel-pg.js";
import { CommandInbox } from "../../server/cluster/command-inbox.js";
import { LogFollowingBus } from "../../server/cluster/log-bus.js";
import { InProcessCommandChannel, type CommandChannel, type CommandOutcome } from "../../server/command-channel.js";
import type { Actor, Command, State } from "../../server/core/model.js";
import { silentLogger } from "../../server/logger.js";
import { openMemoryStore } from "../../server/store/memory-store.js";
import { openPostgresStore } from "../../server/store/postgres-store.js";
import type { EventStore } from "../../server/store/store.js";
import { Writer } from "../../server/writer/writer.js";
import { customer, rep, testOrg } from "../helpers/core.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { startPostgres, type PostgresCluster } from "../helpers/postgres.js";
import { waitFor } from "../helpers/ws.js";

let cluster: PostgresCluster;
const closing: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
}, 60_000);

// Each test lets go of its connections: the test cluster takes 50.
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close().catch(() => undefined);
});

afterAll(() => cluster?.stop());

const START = 1_700_000_000_000;

interface Leader {
  store: EventStore<State>;
  clock: ManualClock;
  writer: Writer;
  inbox: CommandInbox;
  /** Stop as a dying leader does: its inbox and writer go (what the disk never took goes with them). */
  stop(): Promise<void>;
}

async function leaderOn(url: string, options: { full?: () => boolean; keepAnsweredMs?: number } = {}): Promise<Leader> {
  const store = await openPostgresStore<State>(url, {
    beforeWrite: async (client) => {
      if (options.full?.())
        await client.query("DO $$ BEGIN RAISE EXCEPTION 'full' USING ERRCODE = 'disk_full'; END $$");
    },
  });
  const bus = new InProcessBus(store, await store.lastSeq());
  const clock = new ManualClock(START);
  const writer = await Writer.open({ org: testOrg(), store, bus, clock, logger: silentLogger });
  const inbox = await CommandInbox.open({
    url,
    writer,
    pollMs: 100,
    ...(options.keepAnsweredMs === undefined ? {} : { keepAnsweredMs: options.keepAnsweredMs }),
  });
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await inbox.close();
      await writer.close().catch(() => undefined);
    })());
  closing.push(stop);
  return { store, clock, writer, inbox, stop };
}

interface Follower {
  bus: LogFollowingBus;
  channel: PostgresCommandChannel;
  /** What the follower's bus handed its subscriber, and outcomes as they came, in order. */
  heard: string[];
}

async function followerOn(
  url: string,
  options: { timeoutMs?: number; pollMs?: number; reconnectMs?: number } = {},
): Promise<Follower> {
  const store = await openPostgresStore<State>(url);
  const bus = await LogFollowingBus.open(store, await store.lastSeq(), { url });
  const channel = await PostgresCommandChannel.open({ url, node: "n2", replica: bus, ...options });
  closing.push(
    () => store.close(),
    () => bus.close(),
    () => channel.close(),
  );
  const heard: string[] = [];
  bus.subscribe(bus.lastSeq(), (events) => heard.push(...events.map((e) => `event ${e.type}`)));
  return { bus, channel, heard };
}

/** A database whose cc_leader says a node leads (the lease a leader's campaign would hold). */
async function database(): Promise<{ url: string; admin: pg.Client }> {
  const url = await cluster.createDatabase();
  await (await openPostgresStore(url)).close();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  closing.push(() => admin.end());
  await admin.query("UPDATE cc_leader SET term = 1, node = 'n1', lease_until = now() + interval '1 hour'");
  return { url, admin };
}

function run(channel: CommandChannel, actor: Actor, command: Command, heard?: string[]): Promise<CommandOutcome> {
  return new Promise((resolve) =>
    channel.submit(actor, command, (outcome) => {
      heard?.push("outcome");
      resolve(outcome);
    }),
  );
}

/** What a client is told: the outcome without its events (those reach every node through the log). */
function told(outcome: CommandOutcome): unknown {
  return outcome.ok ? { ok: true, result: outcome.result } : outcome;
}

const conversations = (writer: Writer) => Object.values(writer.state.conversations);

async function rows(admin: pg.Client): Promise<{ id: number; answered: boolean }[]> {
  const result = await admin.query<{ id: string; answered: boolean }>(
    "SELECT id, outcome IS NOT NULL AS answered FROM cc_commands ORDER BY id",
  );
  return result.rows.map((row) => ({ id: Number(row.id), answered: row.answered }));
}

const start = (text: string, clientId?: string): Command => ({
  type: "customer.start",
  workstreamId: "live",
  identity: { name: "Dana" },
  text,
  ...(clientId === undefined ? {} : { clientId }),
});

describe("commands from a follower to the leader, through Postgres", () => {
  it("a command submitted on a follower gets the outcome it gets in one process, after its events reached the follower", async () => {
    const { url } = await database();
    const leader = await leaderOn(url);
    const follower = await followerOn(url);
    expect(follower.channel.unavailable()).toBeNull();

    const store = await openMemoryStore<State>();
    const bus = new InProcessBus(store, 0);
    const reference = await Writer.open({
      org: testOrg(),
      store,
      bus,
      clock: new ManualClock(START),
      logger: silentLogger,
    });
    const inProcess = new InProcessCommandChannel(reference);

    const commands: [Actor, Command][] = [
      [rep("alice"), { type: "presence", presence: "available" }],
      [customer("k1"), start("hello", "c1")],
      [rep("alice"), { type: "accept", offerId: "no-such-offer" }],
      [customer("k1"), { type: "customer.message", conversationId: "nope", text: "hi" }],
    ];
    for (const [actor, command] of commands) {
      const expected = await run(inProcess, actor, command);
      follower.heard.length = 0;
      const outcome = await run(follower.channel, actor, command, follower.heard);
      expect(told(outcome)).toEqual(told(expected));
      // Every event of the command was handed to the follower's subscribers before the outcome came back.
      const events = expected.ok ? expected.events.map((e) => `event ${e.type}`) : [];
      expect(follower.heard).toEqual([...events, "outcome"]);
    }
    expect(commands.map(([, command]) => command.type)).toEqual([
      "presence",
      "customer.start",
      "accept",
      "customer.message",
    ]);
    expect(conversations(leader.writer)).toHaveLength(1);
    await reference.close();
  });

  it("outcomes come back in the order submitted, a refusal behind the command before it; settle waits for them all", async () => {
    const { url } = await database();
    await leaderOn(url);
    const follower = await followerOn(url);
    const outcomes: string[] = [];
    const note = (what: string) => (o: CommandOutcome) => outcomes.push(o.ok ? `${what} ok` : o.error.code);
    follower.channel.submit(rep("alice"), { type: "presence", presence: "available" }, note("presence"));
    follower.channel.submit(rep("alice"), { type: "accept", offerId: "no-such-offer" }, note("accept"));
    follower.channel.submit(rep("alice"), { type: "presence", presence: "away" }, note("away"));
    await follower.channel.settle();
    expect(outcomes).toEqual(["presence ok", "offer/not_found", "away ok"]);
  });

  it("a leader that dies after committing an answer does not run that command again", async () => {
    const { url, admin } = await database();
    const first = await leaderOn(url);
    // The row of a follower that went away before taking its answer.
    await admin.query("INSERT INTO cc_commands (node, actor, command) VALUES ('gone', $1, $2)", [
      JSON.stringify(customer("k1")),
      JSON.stringify(start("hello")),
    ]);
    await admin.query("NOTIFY cc_commands");
    await waitForRows(admin, (all) => all.length === 1 && all[0]!.answered);
    expect(conversations(first.writer)).toHaveLength(1);
    await first.stop();

    const second = await leaderOn(url);
    await second.inbox.read();
    await second.writer.settle();
    expect(conversations(second.writer)).toHaveLength(1);
    expect((await rows(admin)).map((row) => row.answered)).toEqual([true]);
  });

  it("a command decided but never committed when its leader died is run exactly once by the next leader", async () => {
    const { url, admin } = await database();
    let full = false;
    const first = await leaderOn(url, { full: () => full });
    const follower = await followerOn(url, { timeoutMs: 60_000 });
    // The first leader decides the command, then its disk refuses the commit: nothing of it is stored.
    full = true;
    const answer = run(follower.channel, customer("k1"), start("hello"), follower.heard);
    await waitFor(() => first.writer.health().status === "degraded", "the first leader's refused commit");
    expect(conversations(first.writer)).toHaveLength(1);
    await first.stop();
    expect(await rows(admin)).toEqual([{ id: expect.any(Number), answered: false }]);

    const second = await leaderOn(url);
    const outcome = await answer;
    expect(outcome).toMatchObject({ ok: true, result: { conversationId: expect.any(String) } });
    // Its events, from the second leader's commit, reached the follower before the outcome.
    expect(follower.heard.at(-1)).toBe("outcome");
    expect(follower.heard.slice(0, -1)).toContain("event conversation_created");
    await second.inbox.read();
    await second.writer.settle();
    expect(conversations(second.writer)).toHaveLength(1);
    // The follower took its answer: no row is left to run again.
    expect(await rows(admin)).toEqual([]);
    await second.stop();
    const third = await leaderOn(url);
    await third.inbox.read();
    await third.writer.settle();
    expect(conversations(third.writer)).toHaveLength(1);
  });

  it("a client's request retried after its leader died (same client id) is applied once", async () => {
    const { url } = await database();
    const first = await leaderOn(url);
    const follower = await followerOn(url);
    const sent = await run(follower.channel, customer("k1"), start("hello", "c1"));
    expect(sent.ok).toBe(true);
    await first.stop();

    // The ack was lost with the leader: the client sends the same request again, and a new leader answers it.
    const second = await leaderOn(url);
    const again = await run(follower.channel, customer("k1"), start("hello", "c1"));
    expect(again).toMatchObject({ ok: true, result: { conversationId: sent.ok && sent.result?.conversationId } });
    const all = conversations(second.writer);
    expect(all).toHaveLength(1);
    // One customer message, with the queue's system messages after it.
    expect(all[0]!.messages.filter((m) => m.text === "hello")).toHaveLength(1);
    expect(all[0]!.messages).toHaveLength(3);
  });

  it("a follower whose listening connection was cut listens again, and hears of its answers through it", async () => {
    const { url, admin } = await database();
    await leaderOn(url);
    // No poll: an answer can only come through a notification.
    const follower = await followerOn(url, { pollMs: 3_600_000, reconnectMs: 20 });
    const listeners =
      "SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN cc_outcomes' AND datname = current_database()";
    const [before] = (await admin.query<{ pid: number }>(listeners)).rows;
    await admin.query("SELECT pg_terminate_backend($1)", [before!.pid]);
    await waitForCondition(async () => {
      const now = (await admin.query<{ pid: number }>(listeners)).rows;
      return now.length === 1 && now[0]!.pid !== before!.pid;
    });
    const outcome = await run(follower.channel, rep("alice"), { type: "presence", presence: "available" });
    expect(outcome).toMatchObject({ ok: true });
  });

  it("a command the leader could not run (its database refused writes) is run once it can, and answered then", async () => {
    const { url, admin } = await database();
    let full = false;
    const leader = await leaderOn(url, { full: () => full });
    const follower = await followerOn(url, { timeoutMs: 60_000 });
    full = true;
    leader.writer.submit(rep("alice"), { type: "presence", presence: "available" }, () => undefined);
    await waitFor(() => leader.writer.health().status === "degraded", "the leader's refused commit");
    let outcome: CommandOutcome | null = null;
    void run(follower.channel, customer("k1"), start("hello")).then((o) => (outcome = o));
    // The inbox handed it over and the writer refused it at once, unrun: the row waits, unanswered.
    await waitForRows(admin, (all) => all.length === 1);
    await leader.inbox.read();
    await leader.inbox.read();
    expect(await rows(admin)).toEqual([{ id: expect.any(Number), answered: false }]);
    expect(conversations(leader.writer)).toHaveLength(0);
    expect(outcome).toBeNull();
    // The database takes writes again: the writer's retry commits, and the next read of the inbox runs the row.
    full = false;
    leader.clock.advance(100);
    await waitFor(() => leader.writer.health().status === "ok", "the leader's retried commit");
    const answered = await waitFor(() => outcome, "the follower's answer");
    expect(answered).toMatchObject({ ok: true, result: { conversationId: expect.any(String) } });
    expect(conversations(leader.writer)).toHaveLength(1);
  });

  it("a new leader runs every row left unanswered, more than one read's worth, each once and in order", async () => {
    const { url, admin } = await database();
    const count = 1_205;
    await admin.query(
      "INSERT INTO cc_commands (node, actor, command) SELECT 'gone', $1, json_build_object('type', 'presence', 'presence', CASE WHEN n % 2 = 0 THEN 'available' ELSE 'away' END) FROM generate_series(0, $2 - 1) AS n",
      [JSON.stringify(rep("alice")), count],
    );
    const leader = await leaderOn(url);
    await waitForRows(admin, (all) => all.length === count && all.every((row) => row.answered));
    const changed = await admin.query<{ presence: string }>(
      "SELECT body::jsonb ->> 'presence' AS presence FROM events WHERE type = 'presence_changed' ORDER BY seq",
    );
    expect(changed.rows.map((row) => row.presence)).toEqual(
      Array.from({ length: count }, (_, n) => (n % 2 === 0 ? "available" : "away")),
    );
    expect(leader.writer.state.users.alice?.presence).toBe("available");
  });

  it("the leader deletes answered rows that no follower took, once they are old", async () => {
    const { url, admin } = await database();
    await admin.query(
      "INSERT INTO cc_commands (node, actor, command, outcome, seq, created_at) VALUES ('gone', '{}', '{}', '{\"ok\": true}', 1, now() - interval '1 hour'), ('gone', '{}', '{}', '{\"ok\": true}', 1, now())",
    );
    await leaderOn(url, { keepAnsweredMs: 60_000 });
    await waitForRows(admin, (all) => all.length === 1);
    expect(await rows(admin)).toEqual([{ id: 2, answered: true }]);
  });

  it("while no leader answers, the follower says why and refuses a command after its timeout; no later leader runs it", async () => {
    const { url, admin } = await database();
    await admin.query("UPDATE cc_leader SET node = NULL, lease_until = NULL");
    const follower = await followerOn(url, { timeoutMs: 300, pollMs: 50 });
    expect(follower.channel.unavailable()).toMatch(/no node leads the cluster/);
    const outcome = await run(follower.channel, customer("k1"), start("hello"));
    expect(outcome).toMatchObject({ ok: false, error: { code: "server/unavailable" } });
    expect(!outcome.ok && outcome.error.message).toMatch(/no node leads the cluster/);
    expect(await rows(admin)).toEqual([]);

    await admin.query("UPDATE cc_leader SET term = 2, node = 'n1', lease_until = now() + interval '1 hour'");
    const leader = await leaderOn(url);
    await leader.inbox.read();
    await leader.writer.settle();
    expect(conversations(leader.writer)).toHaveLength(0);
    await waitFor(() => follower.channel.unavailable() === null, "the follower to see the leader's lease");
  });
});

async function waitForRows(
  admin: pg.Client,
  condition: (all: { id: number; answered: boolean }[]) => boolean,
): Promise<void> {
  await waitForCondition(async () => condition(await rows(admin)), "the rows of cc_commands");
}

/** Resolves once `condition` holds, asked again after each answer (each is a query to the database). */
async function waitForCondition(condition: () => Promise<boolean>, what = "a condition"): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}
