// The cluster benchmark's failover part: a light traffic loop over a 3-node cluster — conversations whose customer
// and rep sit on different nodes, each side sending in turn, every send retried with the same clientId until it is
// acknowledged (as a client does), and a new conversation started now and then — while the leader is killed with -9
// and restarted, again and again, then frozen (SIGSTOP past its lease) and woken. Each client reconnects to its own
// node's address when the node comes back.
import { CcClient } from "../src/client/client.js";
import type { EventFrame, Welcome } from "../src/protocol/messages.js";
import type { MessageView } from "../src/protocol/views.js";
import type { ClusterRig } from "./cluster-rig.js";
import { sleep } from "./lib.js";
import { repToken } from "./orgs.js";

interface Conversation {
  index: number;
  id: string;
  customer: CcClient;
  rep: CcClient;
  sent: number;
}

/** An acknowledged send: when its last attempt went out and when the ack came (performance.now()). */
interface Ack {
  sentAt: number;
  ackedAt: number;
}

const client = (url: string, hello: ConstructorParameters<typeof CcClient>[0]["hello"]) =>
  new CcClient({ url, hello, reconnect: true, requestTimeoutMs: 3_000 });

/** Accept every pending offer made to this rep (a socket of its own). */
function autoAccept(rep: CcClient, repId: string, accepted: Map<string, string>): void {
  // The offers on a rep's socket are that rep's.
  const accept = (offer: { id: string; status: string; conversationId: string }) => {
    if (offer.status !== "pending") return;
    rep.request({ type: "accept", offerId: offer.id }).then(
      () => accepted.set(offer.conversationId, repId),
      () => undefined,
    );
  };
  rep.on("welcome", (welcome: Welcome) => welcome.snapshot?.offers.forEach(accept));
  rep.on("event", (frame: EventFrame) => {
    for (const change of frame.changes) if (change.kind === "offer") accept(change.offer);
  });
}

export class FailoverTraffic {
  readonly acked = new Map<string, string>();
  readonly acks: Ack[] = [];
  /** Sends given up (refused for good, or not acknowledged within 30 s): never acknowledged, so not owed. */
  abandoned = 0;
  readonly conversations: Conversation[] = [];
  private readonly reps: CcClient[] = [];
  private readonly starters: CcClient[] = [];
  /** conversation id → the rep whose accept was acknowledged. */
  readonly accepted = new Map<string, string>();
  private running = true;
  private loops: Promise<void>[] = [];
  started = 0;

  private constructor(
    private readonly rig: ClusterRig,
    private readonly intervalMs: number,
  ) {}

  /** `count` conversations: customer i on node i, its rep on node i + 1 (reps r0…r(count-1), all Available). */
  static async start(rig: ClusterRig, count: number, intervalMs: number): Promise<FailoverTraffic> {
    const traffic = new FailoverTraffic(rig, intervalMs);
    const n = rig.nodes.length;
    for (let i = 0; i < count; i++) {
      const rep = client(rig.nodes[(i + 1) % n]!.url, { role: "rep", token: repToken(i) });
      autoAccept(rep, `r${i}`, traffic.accepted);
      await rep.connect();
      await rep.request({ type: "presence", presence: "available" });
      traffic.reps.push(rep);
    }
    for (let i = 0; i < count; i++) {
      const customer = client(rig.nodes[i % n]!.url, { role: "customer" });
      await customer.connect();
      const { conversationId } = (await customer.request({
        type: "start",
        workstream: "live",
        text: `start ${i}`,
      })) as { conversationId: string };
      const deadline = performance.now() + 10_000;
      while (!traffic.accepted.has(conversationId)) {
        if (performance.now() > deadline) throw new Error(`conversation ${i} was never accepted`);
        await sleep(10);
      }
      const repId = traffic.accepted.get(conversationId)!;
      const rep = traffic.reps[Number(repId.slice(1))]!;
      traffic.conversations.push({ index: i, id: conversationId, customer, rep, sent: 0 });
    }
    traffic.loops = traffic.conversations.map((c) => traffic.loop(c));
    return traffic;
  }

  private async loop(conv: Conversation): Promise<void> {
    while (this.running) {
      const n = conv.sent++;
      const text = `f${conv.index}-${n}`;
      const from = n % 2 === 0 ? conv.customer : conv.rep;
      const giveUp = performance.now() + 30_000;
      for (;;) {
        const sentAt = performance.now();
        try {
          await from.request({ type: "send", conversationId: conv.id, text, clientId: text });
          this.acks.push({ sentAt, ackedAt: performance.now() });
          this.acked.set(text, conv.id);
          break;
        } catch (error) {
          const code = (error as { code?: string }).code ?? "";
          const retry = code === "server/unavailable" || code === "request/timeout" || code.startsWith("connection");
          if (!retry || performance.now() > giveUp) {
            this.abandoned++;
            break;
          }
          await sleep(20);
        }
      }
      await sleep(this.intervalMs);
    }
  }

  /** A new customer on node `index` starts a conversation (one attempt; the reps accept it wherever it lands). */
  async startOne(index: number): Promise<void> {
    const customer = client(this.rig.nodes[index]!.url, { role: "customer" });
    this.starters.push(customer);
    try {
      await customer.connect();
      await customer.request({ type: "start", workstream: "live", text: `churn ${this.started}` });
      this.started++;
    } catch {
      // A start refused in a failover is not owed: only acknowledged messages are counted.
    }
  }

  /** ms from `t0` to the first ack of a send whose (last) attempt went out after t0. */
  async firstAckAfter(t0: number, timeoutMs: number): Promise<number> {
    const deadline = t0 + timeoutMs;
    for (let from = 0; ;) {
      for (; from < this.acks.length; from++) {
        const ack = this.acks[from]!;
        if (ack.sentAt >= t0) return ack.ackedAt - t0;
      }
      if (performance.now() > deadline) throw new Error(`no send acknowledged within ${timeoutMs} ms of the kill`);
      await sleep(5);
    }
  }

  /** Until every client is online again (after a restart of its node). */
  async online(timeoutMs: number): Promise<void> {
    const all = [...this.reps, ...this.conversations.map((c) => c.customer)];
    const deadline = performance.now() + timeoutMs;
    while (all.some((c) => c.state !== "online")) {
      if (performance.now() > deadline) throw new Error("clients did not come back online");
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /**
   * Read every conversation's thread back (its rep's socket, a page at a time) and count the acknowledged messages
   * missing from it and the messages that appear more than once.
   */
  async check(): Promise<{ lost: number; duplicates: number; messages: number }> {
    let lost = 0;
    let duplicates = 0;
    let messages = 0;
    for (const conv of this.conversations) {
      const thread: MessageView[] = [];
      let before: string | undefined;
      for (;;) {
        const page = (await conv.rep.request({
          type: "messages",
          conversationId: conv.id,
          limit: 200,
          ...(before === undefined ? {} : { before }),
        })) as { messages: MessageView[]; more: boolean };
        thread.unshift(...page.messages);
        if (!page.more || page.messages.length === 0) break;
        before = page.messages[0]!.id;
      }
      const seen = new Map<string, number>();
      for (const m of thread) seen.set(m.text, (seen.get(m.text) ?? 0) + 1);
      for (const count of seen.values()) if (count > 1) duplicates += count - 1;
      messages += thread.length;
      for (const [text, id] of this.acked) if (id === conv.id && !seen.has(text)) lost++;
    }
    return { lost, duplicates, messages };
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.reps, ...this.starters, ...this.conversations.map((c) => c.customer)].map((c) => c.close()),
    );
  }
}

/**
 * Conversations assigned to a second rep while a first still held them, from the log: an `assigned` to another rep
 * while the conversation has an owner that nothing (queued, closed, waiting, wrap-up, aborted, left) released.
 */
export async function doubleAssignments(rig: ClusterRig): Promise<{ double: number; assigned: number }> {
  const rows = await rig.query<{ type: string; body: string }>(
    "SELECT type, body FROM events WHERE type IN ('assigned', 'queued', 'closed', 'waiting', 'wrapup_started', 'aborted', 'left') ORDER BY seq",
  );
  const owner = new Map<string, string | null>();
  let double = 0;
  let assigned = 0;
  for (const row of rows) {
    const body = JSON.parse(row.body) as { conversationId: string; repId?: string };
    if (row.type === "assigned") {
      assigned++;
      const held = owner.get(body.conversationId);
      if (held && held !== body.repId) double++;
      owner.set(body.conversationId, body.repId ?? null);
    } else if (row.type !== "left" || owner.get(body.conversationId) === body.repId)
      owner.set(body.conversationId, null);
  }
  return { double, assigned };
}

/**
 * Offers in the log with no outcome (neither accepted nor ended), read until there are none or `waitMs` passed: an
 * offer made just before the traffic stopped may still be being accepted; one lost in a failover never is (the bench
 * org's offers expire after minutes, so a lost offer's deadline does not hide it).
 */
export async function offersWithoutOutcome(rig: ClusterRig, waitMs: number): Promise<{ open: number; offers: number }> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    const rows = await rig.query<{ type: string; body: string }>(
      "SELECT type, body FROM events WHERE type IN ('offered', 'offer_accepted', 'offer_ended') ORDER BY seq",
    );
    const offers = new Set<string>();
    const ended = new Set<string>();
    for (const row of rows) {
      const body = JSON.parse(row.body) as { offer?: { id: string }; offerId?: string };
      if (row.type === "offered") offers.add(body.offer!.id);
      else ended.add(body.offerId!);
    }
    const open = [...offers].filter((id) => !ended.has(id)).length;
    if (open === 0 || performance.now() > deadline) return { open, offers: offers.size };
    await sleep(200);
  }
}
