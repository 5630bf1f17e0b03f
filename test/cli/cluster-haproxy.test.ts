// Three built `cc-agent server --data postgres://…` nodes behind HAProxy running deploy/haproxy.cfg (docs/operations.md,
// "Deployment"), with reps, customers and a supervisor connected through HAProxy and talking all along: each customer
// sends a line, its rep answers it, the customer waits for the answer and sends the next. Mid-traffic the leader is
// killed with -9, then the node that took over is frozen (SIGSTOP) for longer than its lease and woken again. Clients
// cut by either reconnect through HAProxy and resume with their last seq and epoch; requests cut in flight are sent
// again with the same clientId. Asserted over the wire at the end: every acknowledged message is in the log (the
// supervisor's `events`) and in its thread (`messages` pages) exactly once, no conversation is assigned to two reps,
// every offer has an outcome, every client was resumed after each cut, and on every client the seq only grows within
// the one epoch. The woken node writes nothing: it steps down and serves as a follower.
import { EventEmitter } from "node:events";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestBody } from "../../src/client/client.js";
import type { MessageView } from "../../src/protocol/views.js";
import { credentialsOf, listening, spawnServer, stopProcess, tokenOf, type CliProcess } from "../helpers/cli-server.js";
import { startHaproxy, type Haproxy } from "../helpers/haproxy.js";
import { startPostgres, type PostgresCluster } from "../helpers/postgres.js";
import { tempDir } from "../helpers/server.js";
import { TestClient } from "../helpers/ws.js";

let postgres: PostgresCluster;
let tmp: ReturnType<typeof tempDir>;
let haproxy: Haproxy | null = null;
const nodes: Node[] = [];
const clients: TestClient[] = [];

interface Node {
  name: string;
  cli: CliProcess;
  url: string;
  http: string;
  frozen: boolean;
}

beforeAll(async () => {
  postgres = await startPostgres();
  tmp = tempDir("cc-agent-cluster-haproxy-");
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await haproxy?.stop();
  for (const node of nodes.splice(0)) {
    if (node.frozen) node.cli.child.kill("SIGCONT");
    await stopProcess(node.cli);
  }
  tmp?.remove();
  postgres?.stop();
}, 30_000);

async function startNode(data: string, name: string): Promise<Node> {
  const cli = spawnServer(data, { cwd: tmp.dir, home: join(tmp.dir, name) });
  const node: Node = { name, cli, url: "", http: "", frozen: false };
  nodes.push(node);
  node.url = await listening(cli);
  node.http = node.url.replace(/^ws/, "http").replace(/\/ws$/, "");
  return node;
}

/** GET /healthz: its HTTP status (0 when it does not answer within 2 s), role and readiness. */
async function health(node: Node): Promise<{ http: number; role?: unknown; ready?: unknown }> {
  try {
    const response = await fetch(`${node.http}/healthz`, { signal: AbortSignal.timeout(2_000) });
    const { role, ready } = (await response.json()) as { role?: unknown; ready?: unknown };
    return { http: response.status, role, ready };
  } catch {
    return { http: 0 };
  }
}

/** Resolve once the node's log (stderr) holds `line` after the first `from` characters: no polling. */
function logged(node: Node, line: string, from: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = node.cli.child.stderr!;
    const check = () => {
      if (!node.cli.stderr.slice(from).includes(line)) return;
      finish();
      resolve();
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`${node.name} did not log "${line}" within ${timeoutMs} ms:\n${node.cli.stderr.slice(from)}`));
    }, timeoutMs);
    const abandoned = () => {
      finish();
      reject(new Error(`no longer waiting for ${node.name} to log "${line}"`));
    };
    const finish = () => {
      clearTimeout(timer);
      stream.off("data", check);
      signal?.removeEventListener("abort", abandoned);
    };
    stream.on("data", check);
    signal?.addEventListener("abort", abandoned);
    check();
  });
}

/** The first of these nodes to log that it leads; its /healthz then says so. */
async function nextLeader(candidates: Node[], timeoutMs: number): Promise<Node> {
  const from = new Map(candidates.map((node) => [node, node.cli.stderr.length]));
  const others = new AbortController();
  const leader = await Promise.any(
    candidates.map((node) =>
      logged(node, "this node leads the cluster", from.get(node)!, timeoutMs, others.signal).then(() => node),
    ),
  ).finally(() => others.abort());
  expect(await health(leader)).toMatchObject({ http: 200, role: "leader", ready: true });
  return leader;
}

/**
 * Resolve once `check` holds, tested each time one of these clients hears from its server or changes state (no
 * polling). Rejects after `timeoutMs`.
 */
function whenever<T>(
  watched: TestClient[],
  check: () => T | undefined | false | null,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const signals = ["event", "welcome", "state"] as const;
  return new Promise((resolve, reject) => {
    const test = () => {
      const value = check();
      if (value === undefined || value === false || value === null) return;
      finish();
      resolve(value);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      for (const c of watched) for (const signal of signals) c.client.off(signal, test);
    };
    for (const c of watched) for (const signal of signals) c.client.on(signal, test);
    test();
  });
}

/** How many times each client's connection was cut (it went from online to reconnecting). */
const cuts = new Map<TestClient, number>();

async function connect(hello: ConstructorParameters<typeof TestClient>[1]): Promise<TestClient> {
  const client = new TestClient(haproxy!.url, hello, { reconnect: true });
  cuts.set(client, 0);
  client.client.on("state", (state: string) => {
    if (state === "reconnecting") cuts.set(client, cuts.get(client)! + 1);
  });
  clients.push(client);
  return client.connect();
}

/**
 * A request as a client that lost its connection sends it again: a request cut in flight gets no answer, so it is sent
 * again once the client is back (through HAProxy, on whichever node); one refused with server/unavailable (no leader
 * for a moment) is sent again at once. Only for requests that are safe to repeat: reads, and `send` with a clientId.
 */
async function reliably(client: TestClient, body: RequestBody): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt++) {
    let onState: ((state: string) => void) | undefined;
    const cut = new Promise<"cut">((resolve) => {
      onState = (state) => {
        if (state === "reconnecting") resolve("cut");
      };
      client.client.on("state", onState);
    });
    const sent = client.request(body);
    const outcome = await Promise.race([
      sent.then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      ),
      cut,
    ]);
    client.client.off("state", onState!);
    if (outcome === "cut") {
      // Never answered now; it times out later, unheard.
      sent.catch(() => undefined);
      continue;
    }
    if ("result" in outcome) return outcome.result;
    const code = (outcome.error as { code?: string }).code;
    if (code !== "server/unavailable" || attempt >= 40) throw outcome.error;
  }
}

interface Rep {
  id: string;
  client: TestClient;
  /** The conversations it accepted. */
  owned: Set<string>;
}

interface Customer {
  name: string;
  client: TestClient;
  conversationId: string;
  rep: Rep;
  sent: number;
}

describe("three cc-agent server nodes on Postgres behind HAProxy, under traffic", () => {
  it("the leader killed with -9, then the next one frozen past its lease: every acknowledged message once, no double assignment, every client resumed, seqs only grow", async () => {
    const started = Date.now();
    const data = await postgres.createDatabase();
    // One after another: the first creates the demo org's secrets in the database, the others read them.
    const first = await startNode(data, "node1");
    // A node listens once it leads or sees a leader: the first one leads.
    expect(await health(first)).toMatchObject({ http: 200, role: "leader", ready: true });
    await startNode(data, "node2");
    await startNode(data, "node3");
    haproxy = await startHaproxy(nodes.map((node) => Number(new URL(node.url).port)));
    for (const node of ["node1", "node2", "node3"]) await haproxy.waitForStatus(node, "UP");
    const roles = await Promise.all(nodes.map(health));
    expect(roles.map((r) => r.role).sort()).toEqual(["follower", "follower", "leader"]);
    const firstLeader = nodes[roles.findIndex((r) => r.role === "leader")]!;

    const credentials = credentialsOf(first.cli, join(tmp.dir, "node1"));
    const token = (id: string) => tokenOf(credentials, id);
    const sam = await connect({ role: "supervisor", token: token("sam") });
    const reps: Rep[] = [];
    for (const id of ["alice", "bob", "carol"]) {
      const client = await connect({ role: "rep", token: token(id) });
      await client.request({ type: "presence", presence: "available" });
      reps.push({ id, client, owned: new Set() });
    }

    // Every line acknowledged to its sender, by conversation.
    const acked: { conversationId: string; text: string }[] = [];

    // Customers start their conversations; whichever rep is offered one accepts it.
    const customers: Customer[] = [];
    for (let i = 1; i <= 6; i++) {
      const name = `customer ${i}`;
      const client = await connect({ role: "customer" });
      const text = `${name} says hello`;
      const { conversationId } = (await client.request({ type: "start", workstream: "live", text })) as {
        conversationId: string;
      };
      acked.push({ conversationId, text });
      const rep = await whenever(
        reps.map((r) => r.client),
        () => reps.find((r) => r.client.pendingOffer(conversationId)),
        `an offer of ${conversationId}`,
      );
      await rep.client.request({ type: "accept", offerId: rep.client.pendingOffer(conversationId)!.id });
      rep.owned.add(conversationId);
      customers.push({ name, client, conversationId, rep, sent: 0 });
    }

    // Reps answer every customer line of their conversations, once, in order, each answer with a clientId.
    // Customers stop first (each after the answer to its last line), then the reps.
    let customersStopping = false;
    let repsStopping = false;
    const progress = new EventEmitter();
    let roundTrips = 0;
    let failure: unknown = null;
    const failed = new Promise<never>((_, reject) => progress.once("failed", reject));
    failed.catch(() => undefined);
    const fail = (error: unknown) => {
      failure ??= error;
      progress.emit("failed", error);
    };
    const wakes: (() => void)[] = [];
    const repWorkers = reps.map((rep) => {
      const answered = new Set<string>();
      const queue: { conversationId: string; message: MessageView }[] = [];
      let wake: (() => void) | null = null;
      wakes.push(() => wake?.());
      rep.client.client.on("event", (frame: { changes: { kind: string }[] }) => {
        for (const change of frame.changes as { kind: string; conversationId: string; message: MessageView }[])
          if (
            change.kind === "message" &&
            change.message.author.role === "customer" &&
            rep.owned.has(change.conversationId) &&
            / line \d+$/.test(change.message.text) &&
            !answered.has(change.message.id)
          ) {
            answered.add(change.message.id);
            queue.push({ conversationId: change.conversationId, message: change.message });
            wake?.();
          }
      });
      return (async () => {
        for (;;) {
          const next = queue.shift();
          if (next === undefined) {
            if (repsStopping) return;
            await new Promise<void>((resolve) => (wake = resolve));
            wake = null;
            continue;
          }
          const text = `re: ${next.message.text}`;
          await reliably(rep.client, {
            type: "send",
            conversationId: next.conversationId,
            text,
            clientId: `re-${next.message.id}`,
          });
          acked.push({ conversationId: next.conversationId, text });
        }
      })().catch(fail);
    });
    const stopReps = () => {
      repsStopping = true;
      for (const wakeUp of wakes) wakeUp();
    };

    // Customers: a line, its acknowledgement, the rep's answer, the next line.
    const customerLoops = customers.map((customer) =>
      (async () => {
        while (!customersStopping) {
          const text = `${customer.name} line ${++customer.sent}`;
          await reliably(customer.client, {
            type: "send",
            conversationId: customer.conversationId,
            text,
            clientId: `${customer.name}-${customer.sent}`,
          });
          acked.push({ conversationId: customer.conversationId, text });
          await whenever(
            [customer.client],
            () => customer.client.texts(customer.conversationId).includes(`re: ${text}`),
            `the answer to "${text}"`,
          ).catch((error: Error) => {
            // A stalled round trip says where the line stopped: at the rep, in its answer, or on the way back.
            const rep = customer.rep;
            const debug = {
              repHasIt: rep.client.texts(customer.conversationId).includes(text),
              repAcked: acked.some((a) => a.text === `re: ${text}`),
              repState: rep.client.client.state,
              repCuts: cuts.get(rep.client),
              repWelcomes: rep.client.welcomes.map((w) => [w.mode, w.seq, w.snapshotReason]),
              repLastSeq: rep.client.client.lastSeq,
              repTail: rep.client.texts(customer.conversationId).slice(-4),
              customerState: customer.client.client.state,
              customerCuts: cuts.get(customer.client),
              customerWelcomes: customer.client.welcomes.map((w) => [w.mode, w.seq, w.snapshotReason]),
              customerLastSeq: customer.client.client.lastSeq,
              customerTail: customer.client.texts(customer.conversationId).slice(-4),
              nodes: nodes.map((n) => [n.name, n.cli.stderr.slice(-1500)]),
            };
            throw new Error(`${error.message}: ${JSON.stringify(debug)}`);
          });
          roundTrips++;
          progress.emit("round trip");
        }
      })().catch(fail),
    );

    /** Resolve once `count` more round trips were completed (fails as soon as a traffic loop failed). */
    const moreRoundTrips = (count: number, what: string): Promise<void> => {
      const target = roundTrips + count;
      let check = () => undefined as void;
      let timer: NodeJS.Timeout | undefined;
      const reached = new Promise<void>((resolve, reject) => {
        check = () => {
          if (roundTrips >= target) resolve();
        };
        timer = setTimeout(
          () => reject(new Error(`traffic stalled ${what}: ${roundTrips} of ${target} round trips`)),
          30_000,
        );
        progress.on("round trip", check);
      });
      return Promise.race([reached, failed]).finally(() => {
        clearTimeout(timer);
        progress.off("round trip", check);
      });
    };

    await moreRoundTrips(12, "before the kill");

    // 1. The leader is killed with -9 mid-traffic; another node leads, and traffic goes on.
    const survivors = nodes.filter((node) => node !== firstLeader);
    const cutBefore = new Map(cuts);
    // (How fast is the bench's failover figure, over 10 kills; here, that it happens and loses nothing.)
    const killedAt = Date.now();
    firstLeader.cli.child.kill("SIGKILL");
    const secondLeader = await nextLeader(survivors, 10_000);
    const failoverMs = Date.now() - killedAt;
    await moreRoundTrips(12, "after the kill");
    // The killed node held clients: they were cut and are back.
    const cutByKill = [...cuts].filter(([client, count]) => count > cutBefore.get(client)!).length;
    expect(cutByKill).toBeGreaterThan(0);

    // 2. The new leader is frozen for longer than its lease: the last node takes over, and traffic goes on there.
    const lastNode = survivors.find((node) => node !== secondLeader)!;
    const frozenLogFrom = secondLeader.cli.stderr.length;
    const cutBeforeFreeze = new Map(cuts);
    const frozenAt = Date.now();
    secondLeader.cli.child.kill("SIGSTOP");
    secondLeader.frozen = true;
    const thirdLeader = await nextLeader([lastNode], 15_000);
    const replacedMs = Date.now() - frozenAt;
    // Not before its lease (5 s) ran out without renewal.
    expect(replacedMs).toBeGreaterThanOrEqual(4_000);
    await moreRoundTrips(12, "while the second leader is frozen");
    const cutByFreeze = [...cuts].filter(([client, count]) => count > cutBeforeFreeze.get(client)!).length;
    expect(cutByFreeze).toBeGreaterThan(0);

    // Frozen until another node led, so past its lease. Woken, it cannot write: its commits are fenced (what it held
    // is refused, and its clients' retries land on the leader), it steps down and serves as a follower.
    const frozenMs = Date.now() - frozenAt;
    secondLeader.cli.child.kill("SIGCONT");
    secondLeader.frozen = false;
    await logged(secondLeader, "the writer of this node was given up", frozenLogFrom, 10_000);
    expect(secondLeader.cli.stderr.slice(frozenLogFrom)).toContain("this node no longer leads the cluster");
    const woken = await health(secondLeader);
    expect(woken.role === "follower" || woken.http !== 200).toBe(true);
    expect(await health(thirdLeader)).toMatchObject({ http: 200, role: "leader", ready: true });
    // A console straight on the woken node (HAProxy may not send it traffic yet): its write is the leader's.
    const direct = new TestClient(secondLeader.url, { role: "rep", token: token(customers[0]!.rep.id) });
    clients.push(direct);
    await direct.connect();
    const directText = "written through the woken node";
    await reliably(direct, {
      type: "send",
      conversationId: customers[0]!.conversationId,
      text: directText,
      clientId: "direct-1",
    });
    acked.push({ conversationId: customers[0]!.conversationId, text: directText });
    await direct.close();
    clients.splice(clients.indexOf(direct), 1);

    // 3. Every client not cut so far loses its connection once (a network blip) and resumes through HAProxy.
    const blipped = [...cuts].filter(([, count]) => count === 0).map(([client]) => client);
    for (const client of blipped) client.client.dropConnection();
    await moreRoundTrips(12, "after the last cuts");
    customersStopping = true;
    await Promise.race([Promise.all(customerLoops), failed]);
    stopReps();
    await Promise.race([Promise.all(repWorkers), failed]);
    expect(failure).toBeNull();

    // Every client: a snapshot first, then one resume after each cut, all in one epoch; seqs only grow, and no
    // message reached it twice.
    const epoch = sam.welcome!.epoch;
    for (const client of clients) {
      const who = `${client.welcomes[0]!.session.role} ${client.welcomes[0]!.session.userId ?? ""}`;
      await whenever([client], () => client.client.state === "online", `${who} back online`);
      expect(cuts.get(client), who).toBeGreaterThan(0);
      expect(
        client.welcomes.map((w) => w.mode),
        who,
      ).toEqual(["snapshot", ...Array<string>(cuts.get(client)!).fill("resume")]);
      expect(new Set(client.welcomes.map((w) => w.epoch)), who).toEqual(new Set([epoch]));
      const seqs = client.events.map((frame) => frame.seq);
      expect(seqs, who).toEqual([...seqs].sort((a, b) => a - b));
      const messageIds = client.events.flatMap((frame) =>
        frame.changes.flatMap((change) => (change.kind === "message" ? [change.message.id] : [])),
      );
      expect(new Set(messageIds).size, who).toBe(messageIds.length);
    }

    // The log, read by the supervisor over the wire: seqs 1…n, each once.
    const log: { seq: number; type: string; [field: string]: unknown }[] = [];
    for (;;) {
      const page = (await reliably(sam, { type: "events", fromSeq: log.length + 1, limit: 1000 })) as {
        events: typeof log;
      };
      if (page.events.length === 0) break;
      log.push(...page.events);
    }
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));

    // Every acknowledged message exactly once, in the log and in its thread; nothing in a thread twice.
    const added = log.filter((e) => e.type === "message_added") as unknown as {
      conversationId: string;
      message: { text: string };
    }[];
    const created = log.filter((e) => e.type === "conversation_created") as unknown as {
      conversation: { id: string; messages: { text: string }[] };
    }[];
    const inLog = (conversationId: string, text: string) =>
      added.filter((e) => e.conversationId === conversationId && e.message.text === text).length +
      created
        .filter((e) => e.conversation.id === conversationId)
        .flatMap((e) => e.conversation.messages)
        .filter((m) => m.text === text).length;
    for (const { conversationId, text } of acked) expect(inLog(conversationId, text), text).toBe(1);
    for (const customer of customers) {
      const thread: MessageView[] = [];
      for (let before: string | undefined; ;) {
        const page = (await reliably(sam, {
          type: "messages",
          conversationId: customer.conversationId,
          limit: 200,
          ...(before === undefined ? {} : { before }),
        })) as { messages: MessageView[]; more: boolean };
        thread.unshift(...page.messages);
        if (!page.more) break;
        before = page.messages[0]!.id;
      }
      const texts = thread.filter((m) => m.author.role !== "system").map((m) => m.text);
      expect(new Set(texts).size, customer.name).toBe(texts.length);
      for (const { text } of acked.filter((a) => a.conversationId === customer.conversationId))
        expect(
          texts.filter((t) => t === text),
          text,
        ).toEqual([text]);
    }

    // No conversation assigned to two reps at once: each was assigned once, to the rep who accepted it. Every offer
    // has an outcome.
    const owner = new Map<string, string>();
    for (const event of log as unknown as { type: string; conversationId: string; repId: string }[]) {
      if (event.type === "assigned") {
        expect(owner.get(event.conversationId), `${event.conversationId} assigned twice`).toBeUndefined();
        owner.set(event.conversationId, event.repId);
      }
      if (event.type === "left" && owner.get(event.conversationId) === event.repId) owner.delete(event.conversationId);
    }
    for (const customer of customers) expect(owner.get(customer.conversationId)).toBe(customer.rep.id);
    const offers = log
      .filter((e) => e.type === "offered")
      .map((e) => (e as unknown as { offer: { id: string } }).offer.id);
    const outcomes = new Set(
      log
        .filter((e) => e.type === "offer_accepted" || e.type === "offer_ended")
        .map((e) => (e as unknown as { offerId: string }).offerId),
    );
    expect(offers.filter((id) => !outcomes.has(id))).toEqual([]);

    // Only one node leads at the end: the last one.
    expect((await Promise.all([secondLeader, thirdLeader].map(health))).map((h) => h.role)).toEqual([
      "follower",
      "leader",
    ]);
    console.log(
      `cluster behind HAProxy: ${acked.length} messages acknowledged, ${log.length} events, failover after kill -9 ${failoverMs} ms, frozen leader replaced after ${replacedMs} ms (frozen ${frozenMs} ms), clients cut by the kill ${cutByKill}, by the freeze ${cutByFreeze}, by a blip ${blipped.length}, ${Date.now() - started} ms in all`,
    );
  }, 120_000);
});
