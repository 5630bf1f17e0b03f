// A day's event log for the report benchmark, written straight through the store in batches: a realistic mix of
// conversations (answered, abandoned, RONAs, transfers, conferences, sentiment, wrap-ups) interleaved in time, 100
// under way at once, with reps changing presence.
import type { Conversation, DomainEvent, EventBody } from "../server/core/model.js";
import { demoOrgFile, toOrg } from "../server/org-file.js";
import type { StoredEvent } from "../server/store/store.js";
import { openSqliteStore } from "../server/store/sqlite-store.js";

const CONCURRENT = 100;
const BATCH = 10_000;
const QUEUES = [
  ["live", "general"],
  ["persistent", "billing"],
] as const;
const REPS = Array.from({ length: 40 }, (_, i) => (i < 3 ? ["alice", "bob", "carol"][i]! : `rep-${i}`));
const CUSTOMER_LINES = [
  "Hello, my order 4411 has not arrived yet",
  "I was charged twice this month, can you check?",
  "Thanks, that helps a lot",
  "This is the third time I ask, it is terrible",
];

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function conversation(id: string, workstreamId: string, queueId: string, at: number, n: number): Conversation {
  return {
    id,
    workstreamId,
    queueId,
    mode: workstreamId === "live" ? "live" : "persistent",
    state: "open",
    customer: { key: `visitor:${n.toString(16).padStart(24, "0")}`, authenticated: false, name: `Visitor ${n}` },
    title: `Visitor ${n}`,
    proactive: false,
    context: {},
    ownerId: null,
    lastOwnerId: null,
    participants: [],
    consultants: [],
    conference: null,
    transfer: null,
    supervisors: {},
    wrapUpBy: [],
    offerId: null,
    declinedBy: [],
    messages: [],
    messageCount: 0,
    sentiment: 0,
    alert: false,
    createdAt: at,
    queuedAt: at,
    assignedAt: null,
    waitingUntil: null,
    customerEnded: false,
    aborted: null,
    closedAt: null,
    closedBy: null,
  };
}

/** The events of one conversation, in order, as bodies (seq and at are stamped when each is written). */
function script(n: number, rand: () => number): ((at: number) => EventBody)[] {
  const id = `c${n}`;
  const [workstreamId, queueId] = QUEUES[n % 4 === 3 ? 1 : 0]!;
  const rep = () => REPS[Math.floor(rand() * REPS.length)]!;
  let offers = 0;
  let messages = 0;
  const message = (role: "customer" | "rep", repId: string) => (at: number) =>
    ({
      type: "message_added",
      conversationId: id,
      message: {
        id: `m${n}-${++messages}`,
        at,
        author: role === "customer" ? { role } : { role, id: repId, name: repId },
        text: role === "customer" ? CUSTOMER_LINES[messages % CUSTOMER_LINES.length]! : "Let me check that for you.",
        ...(role === "customer" ? { sentiment: 0 as const } : {}),
      },
    }) satisfies EventBody;
  const offer = (repId: string, status?: "timed_out") => {
    const offerId = `o${n}-${++offers}`;
    const steps: ((at: number) => EventBody)[] = [
      (at) => ({
        type: "offered",
        offer: {
          id: offerId,
          conversationId: id,
          repId,
          kind: "route",
          status: "pending",
          createdAt: at,
          expiresAt: at + 30_000,
          byId: null,
        },
      }),
    ];
    if (status) {
      steps.push(() => ({ type: "offer_ended", offerId, repId, conversationId: id, status }));
      steps.push(() => ({ type: "presence_changed", userId: repId, presence: "rona", auto: false, reason: "rona" }));
      steps.push(() => ({
        type: "presence_changed",
        userId: repId,
        presence: "available",
        auto: false,
        reason: "manual",
      }));
    } else {
      steps.push(() => ({ type: "offer_accepted", offerId, repId, conversationId: id }));
      steps.push(() => ({
        type: "assigned",
        conversationId: id,
        repId,
        units: 1,
        by: "offer",
        override: false,
        exceededBy: 0,
      }));
    }
    return steps;
  };
  const steps: ((at: number) => EventBody)[] = [
    (at) => ({ type: "conversation_created", conversation: conversation(id, workstreamId, queueId, at, n) }),
    message("customer", ""),
  ];
  if (rand() < 0.08) {
    // Abandoned before anyone answered.
    steps.push(() => ({ type: "closed", conversationId: id, by: "customer" }));
    return steps;
  }
  if (rand() < 0.1) steps.push(...offer(rep(), "timed_out"));
  let owner = rep();
  steps.push(...offer(owner));
  for (let i = 0; i < 3; i++) steps.push(message("rep", owner), message("customer", ""));
  if (rand() < 0.15) steps.push(() => ({ type: "sentiment_changed", conversationId: id, sentiment: -2, alert: true }));
  if (rand() < 0.05) {
    const guest = rep();
    steps.push(() => ({ type: "conference_joined", conversationId: id, repId: guest }));
    steps.push(() => ({ type: "left", conversationId: id, repId: guest, toWrapUp: false }));
  }
  if (rand() < 0.06) {
    const from = owner;
    steps.push(() => ({ type: "left", conversationId: id, repId: from, toWrapUp: true }));
    steps.push(() => ({ type: "queued", conversationId: id, queueId: "billing", declinedBy: [from] }));
    steps.push(() => ({ type: "wrapup_submitted", conversationId: id, repId: from, reasonId: "transferred" }));
    owner = rep();
    steps.push(...offer(owner));
    steps.push(message("rep", owner));
  }
  const last = owner;
  steps.push(() => ({ type: "wrapup_started", conversationId: id, repIds: [last], customerEnded: false }));
  steps.push(() => ({ type: "wrapup_submitted", conversationId: id, repId: last, reasonId: "resolved" }));
  steps.push(() => ({ type: "closed", conversationId: id, by: last }));
  return steps;
}

/** Write `count` events spread over the local day starting at `dayStart`; returns how many were written. */
export async function writeReportLog(file: string, count: number, dayStart: number): Promise<number> {
  const store = await openSqliteStore(file, { synchronous: "NORMAL" });
  const rand = random(42);
  const step = (24 * 3600_000 * 0.95) / count;
  let seq = 0;
  let at = dayStart;
  let batch: StoredEvent[] = [];
  let written = 0;
  const write = async (body: EventBody) => {
    seq++;
    at += step;
    batch.push({ ...body, seq, at: Math.floor(at) } as DomainEvent as unknown as StoredEvent);
    if (batch.length === BATCH) {
      store.append(batch, { expectedSeq: written });
      written = seq;
      batch = [];
      await store.commit();
    }
  };
  const org = toOrg(demoOrgFile({ secret: "bench".repeat(8), tokens: {} }));
  await write({ type: "configured", org });
  for (const repId of REPS)
    await write({ type: "presence_changed", userId: repId, presence: "available", auto: false, reason: "manual" });
  let next = 1;
  const running: ((at: number) => EventBody)[][] = [];
  while (seq < count) {
    while (running.length < CONCURRENT) running.push(script(next++, rand));
    const i = Math.floor(rand() * running.length);
    const steps = running[i]!;
    await write(steps.shift()!(Math.floor(at + step)));
    if (steps.length === 0) running.splice(i, 1);
  }
  store.append(batch, { expectedSeq: written });
  await store.close();
  return seq;
}
