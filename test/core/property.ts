// The property of the routing core (DESIGN "The routing core"), shared by its tests: random command sequences from
// every actor, with the invariants checked after every step (properties.test.ts), and the same sequences through the
// real stores (test/store/replay-properties.test.ts, test/store/postgres-replay-properties.test.ts). The generator
// draws abstract steps (indices and flags); each is resolved against the current state into a concrete command, so
// that most commands are meaningful (an accept names a pending offer, a wrap-up names a conversation the rep is
// wrapping up).
import fc from "fast-check";
import { isDeepStrictEqual } from "node:util";
import { SEED } from "../helpers/fast-check-seed.js";
import { decide, nextDeadline } from "../../server/core/decide/index.js";
import { evolve, evolveReplica, initialState } from "../../server/core/evolve.js";
import { loadOf } from "../../server/core/load.js";
import { applyShared } from "../../server/core/sharing.js";
import type {
  Actor,
  Command,
  Conversation,
  DomainEvent,
  Offer,
  Outcome,
  Presence,
  State,
  TransferTarget,
} from "../../server/core/model.js";
import { DAY, isOpenAt, MINUTE, nextClosing, nextOpening } from "../../server/core/org.js";
import { conversationIdsOf, indexesOf, waitingIndexOf } from "../../server/core/indexes.js";
import { CLIENT_ID_WINDOW, clientIdCount } from "../../server/core/thread.js";
import { RECENT_MESSAGES } from "../../src/protocol/wire.js";
import { eligible, workstreamOf } from "../../server/core/routing.js";
import { explainRouting } from "../../server/core/why.js";
import type { Org } from "../../server/core/org.js";
import { threadOf } from "../../server/gateway/thread-reads.js";
import { visibleConversations } from "../../server/core/snapshot.js";
import { canSee, type Viewer } from "../../server/core/viewer.js";
import { RECENTLY_CLOSED_IN_SNAPSHOT } from "../../server/core/visibility.js";
import type { StoreOptions } from "../../server/store/queued-store.js";
import type { EventStore, StoredEvent } from "../../server/store/store.js";
import { replayLog } from "../../server/writer/recovery.js";
import { admin, customer, rep, supervisor, system, testOrg, testWorkstream, unitsHeld } from "../helpers/core.js";

// ---- the org --------------------------------------------------------------------------------------

export interface OrgVariant {
  autoBusyAtCapacity: boolean;
  autoAssignReturning: boolean;
  liveCost: number;
  offerTimeoutSeconds: number;
  waitingExpiryDays: number;
  operatingHours: boolean;
  /** Users who set themselves Available first (as commands, part of the sequence). */
  available: string[];
}

export const BASE_VARIANT: OrgVariant = {
  autoBusyAtCapacity: true,
  autoAssignReturning: false,
  liveCost: 1,
  offerTimeoutSeconds: 30,
  waitingExpiryDays: 28,
  operatingHours: false,
  available: [],
};

/** testOrg, with supervisor sam able to take work (capacity 1) and a few settings varied. */
export function makeOrg(v: OrgVariant): Org {
  const hours = v.operatingHours ? { days: [1, 2, 3, 4, 5], open: "09:00", close: "17:00", utcOffsetMinutes: 0 } : null;
  const base = testOrg();
  return testOrg({
    autoBusyAtCapacity: v.autoBusyAtCapacity,
    workstreams: [
      testWorkstream({
        id: "live",
        mode: "live",
        queueId: "general",
        capacityCost: v.liveCost,
        offerTimeoutSeconds: v.offerTimeoutSeconds,
        operatingHours: hours,
      }),
      testWorkstream({
        id: "persistent",
        mode: "persistent",
        queueId: "billing",
        autoAssignReturning: v.autoAssignReturning,
        waitingExpiryDays: v.waitingExpiryDays,
        offerTimeoutSeconds: v.offerTimeoutSeconds,
        // P2: persistent customers write at any time; they are routed when the hours open.
        operatingHours: hours,
      }),
    ],
    users: base.users.map((u) => (u.id === "sam" ? { ...u, capacity: 1, queues: ["general"] } : u)),
  });
}

export const orgVariant: fc.Arbitrary<OrgVariant> = fc.record({
  autoBusyAtCapacity: fc.boolean(),
  autoAssignReturning: fc.boolean(),
  liveCost: fc.constantFrom(1, 2),
  offerTimeoutSeconds: fc.constantFrom(30, 300),
  waitingExpiryDays: fc.constantFrom(28, 2),
  operatingHours: fc.integer({ min: 0, max: 3 }).map((n) => n === 3),
  available: fc.subarray(["alice", "bob", "carol", "sam"]),
});

// `npm test` explores the same sequences every time (the fixed seed of test/helpers/fast-check-seed.ts), so its
// verdict depends on the code alone. `npm run fuzz` explores fresh ones: FC_SEED=random (or a number to replay a
// failure), FC_NUM_RUNS and FC_MAX_STEPS go further (e.g. 50000 and 150).
export const NUM_RUNS = Math.max(1000, Number(process.env.FC_NUM_RUNS ?? 1000));
export const MAX_STEPS = Number(process.env.FC_MAX_STEPS ?? 60);
export { SEED };

/** Tuesday 14 November 2023, 10:13 UTC: inside the variant's operating hours. */
const START = 1_699_956_800_000;

// ---- abstract steps -------------------------------------------------------------------------------

const KINDS = {
  start: 8,
  customer_message: 6,
  customer_end: 3,
  presence: 6,
  accept: 16,
  reject: 3,
  pick: 4,
  message: 5,
  transfer: 5,
  conference: 6,
  end_conference: 8,
  consult: 4,
  end_consult: 3,
  whisper: 2,
  close: 5,
  end: 6,
  wrapup: 8,
  monitor: 3,
  leave: 3,
  assign: 4,
  supervisor_transfer: 4,
  force_close: 2,
  admin: 1,
  advance: 9,
} as const;
type Kind = keyof typeof KINDS;

export interface Step {
  kind: Kind;
  /** Index into the conversations (or offers) the step is about. */
  conv: number;
  /** Index into the actors. */
  who: number;
  /** Index into the step's options (text, target, presence…). */
  x: number;
  /** Pick a meaningful target and actor (most steps), or a random one. */
  natural: boolean;
  flag: boolean;
  /** Clock advance, for `advance`. */
  ms: number;
}

const kindArb: fc.Arbitrary<Kind> = fc.oneof(
  ...(Object.entries(KINDS) as [Kind, number][]).map(([kind, weight]) => ({ arbitrary: fc.constant(kind), weight })),
);

const msArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constant(0), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 20_000 }), weight: 5 },
  { arbitrary: fc.integer({ min: 0, max: 60_000 }), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 60 * MINUTE }), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 40 * DAY }), weight: 1 },
);

export const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: kindArb,
  conv: fc.nat(1000),
  who: fc.nat(1000),
  x: fc.nat(1000),
  natural: fc.integer({ min: 0, max: 99 }).map((n) => n < 85),
  flag: fc.boolean(),
  ms: msArb,
});

// ---- resolving a step against the state -----------------------------------------------------------

const USERS = ["alice", "bob", "carol", "sam"] as const;
/**
 * Ids that are also names of JavaScript properties (Object.prototype's, or the prototype itself): as a conversation,
 * queue, rep, offer, workstream or reason id they get the same answer as any other unknown id.
 */
const HOSTILE = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", "prototype"];
const ANY_USERS = [...USERS, "ghost", "__proto__", "hasOwnProperty"] as const;
const AUTHENTICATED = [
  { id: "ann", name: "Ann Lee", email: "ann@example.com" },
  { id: "ben", account: "Contoso" },
  { id: "cat", name: "+447966197542", phone: "+447966197542" },
];
const CUSTOMER_TEXTS = [
  "Hello, I need help with my order",
  "This is terrible, I am furious. Worst service ever, I hate this and you are useless!",
  "My card is 4111 1111 1111 1111, please charge it",
  "Call me on + 1 (123) 456 7890 or write to melissa@gmail.com",
  "IBAN GB82 WEST 1234 5698 7654 32",
  "thanks, that is great, you are wonderful!",
  "   ",
  "x".repeat(1001),
];
const STAFF_TEXTS = [
  "Hi, how can I help?",
  "Let me check.\n\n\nOne moment.",
  "Dear <name>, hello",
  "",
  "y".repeat(1000),
  "y".repeat(1001),
];
const PRESENCE_CHOICES: Presence[] = [
  "available",
  "available",
  "available",
  "available",
  "busy",
  "dnd",
  "away",
  "offline",
  "available",
  "available",
  "available",
  "rona",
  "constructor" as Presence,
];
const TARGETS: TransferTarget[] = [
  { kind: "queue", id: "general" },
  { kind: "queue", id: "billing" },
  { kind: "rep", id: "alice" },
  { kind: "rep", id: "bob" },
  { kind: "rep", id: "carol" },
  { kind: "rep", id: "sam" },
  { kind: "queue", id: "nowhere" },
  { kind: "rep", id: "ghost" },
  { kind: "queue", id: "__proto__" },
  { kind: "rep", id: "constructor" },
  { kind: "queue", id: "toString" },
  { kind: "rep", id: "__proto__" },
];

export function userActor(state: State, id: string): Actor {
  return state.users[id]?.role === "supervisor" ? supervisor(id) : rep(id);
}

function at<T>(list: readonly T[], index: number): T {
  return list[index % list.length]!;
}

function byNumericId(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1)) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * What a viewer is sent whole, by a scan of every conversation (what snapshot.ts did before its index): a customer's
 * own that did not end; a supervisor's every one not Closed; a rep's that they can see, with their latest Closed.
 */
function scannedConversations(state: State, viewer: Viewer): Conversation[] {
  const seen = conversations(state, (c) => canSee(state, viewer, c));
  if (viewer.role === "customer")
    return seen.filter((c) => c.state !== "closed" && !(c.mode === "persistent" && c.state === "wrapup"));
  if (viewer.role === "supervisor") return seen.filter((c) => c.state !== "closed");
  const latestClosed = new Set(
    seen
      .filter((c) => c.state === "closed")
      .sort((a, b) => (b.closedAt ?? 0) - (a.closedAt ?? 0) || b.id.localeCompare(a.id, "en"))
      .slice(0, RECENTLY_CLOSED_IN_SNAPSHOT),
  );
  return seen.filter((c) => c.state !== "closed" || latestClosed.has(c));
}

function conversations(state: State, where: (c: Conversation) => boolean = () => true): Conversation[] {
  return Object.keys(state.conversations)
    .sort(byNumericId)
    .map((id) => state.conversations[id]!)
    .filter(where);
}

/** A natural step found nothing meaningful to act on; it drives traffic instead (see `progress`). */
class NothingToDo extends Error {}

/** A natural step picks among the conversations `where` selects (or does something else if there are none); others pick any. */
function pickConversation(state: State, step: Step, where: (c: Conversation) => boolean): string {
  if (step.natural) {
    const meaningful = conversations(state, where);
    if (meaningful.length > 0) return at(meaningful, step.conv).id;
    throw new NothingToDo();
  }
  const all = conversations(state);
  if (step.x % 4 === 0) return at(HOSTILE, step.conv);
  return all.length > 0 ? at(all, step.conv).id : `c${step.conv % 5}`;
}

/** Whoever of `ids` the step names when natural; else any user (or a non-existent one). */
function pickActor(state: State, step: Step, ids: readonly (string | null | undefined)[]): Actor {
  const present = ids.filter((id): id is string => typeof id === "string");
  if (step.natural && present.length > 0) return userActor(state, at(present, step.who));
  return userActor(state, at(step.natural ? USERS : ANY_USERS, step.who));
}

function holders(state: State, conversationId: string, role?: string): string[] {
  return Object.keys(state.users)
    .sort()
    .filter((id) => {
      const item = state.users[id]!.items[conversationId];
      return item !== undefined && (role === undefined || item.role === role);
    });
}

/** Reps who could take `conversationId` now: Available, not deleted, not already holding it. */
function freeReps(state: State, conversationId: string): string[] {
  return USERS.filter((id) => {
    const u = state.users[id];
    return u !== undefined && !u.deleted && u.presence === "available" && !(conversationId in u.items);
  });
}

/** A queue or rep to transfer or assign to: a free rep or a real queue when natural, anything otherwise. */
function target(state: State, step: Step, conversationId: string): TransferTarget {
  if (!step.natural) return at(TARGETS, step.x);
  const free = freeReps(state, conversationId);
  if (step.x % 3 === 0 || free.length === 0) return at(TARGETS.slice(0, 6), step.x);
  return { kind: "rep", id: at(free, step.who) };
}

interface Resolved {
  actor: Actor;
  command: Command;
  /** Clock advance before the command. */
  advance: number;
}

function plain(actor: Actor, command: Command): Resolved {
  return { actor, command, advance: 0 };
}

export function pendingOffers(state: State): Offer[] {
  return Object.values(state.offers)
    .filter((o) => o.status === "pending")
    .sort((a, b) => byNumericId(a.id, b.id));
}

function resolve(state: State, step: Step): Resolved {
  try {
    return resolveStep(state, step);
  } catch (error) {
    if (!(error instanceof NothingToDo)) throw error;
    return progress(state, step);
  }
}

/** Keep traffic flowing: accept a pending offer, else make someone Available, else start a conversation. */
function progress(state: State, step: Step): Resolved {
  const pending = pendingOffers(state);
  if (pending.length > 0) {
    const o = at(pending, step.conv);
    return plain(userActor(state, o.repId), { type: "accept", offerId: o.id });
  }
  const present = USERS.filter((id) => state.users[id] && !state.users[id].deleted);
  if (present.length > 0 && !present.some((id) => state.users[id]!.presence === "available")) {
    return plain(userActor(state, at(present, step.who)), { type: "presence", presence: "available" });
  }
  return resolveStep(state, { ...step, kind: "start", natural: true });
}

function resolveStep(state: State, step: Step): Resolved {
  const conv = (id: string): Conversation | undefined => state.conversations[id];
  switch (step.kind) {
    case "start": {
      const workstreamId =
        !step.natural && step.x % 5 === 0 ? at(HOSTILE, step.who) : step.flag ? "persistent" : "live";
      const authenticated = (step.natural && step.flag) || step.x % 2 === 0;
      const identity = authenticated ? at(AUTHENTICATED, step.who) : {};
      const key = authenticated ? `auth:${at(AUTHENTICATED, step.who).id}` : `visitor-session:${step.who % 3}`;
      const text = step.conv % 4 === 0 ? undefined : at(CUSTOMER_TEXTS.slice(0, step.natural ? 6 : 8), step.conv);
      const command: Command = {
        type: "customer.start",
        workstreamId,
        identity,
        ...(text !== undefined ? { text } : {}),
        ...(step.x % 7 === 0 ? { proactive: true, context: { page: "/pricing", seconds: "42" } } : {}),
        // Keys a customer's page sends are theirs to choose: JSON gives "__proto__" as a key of its own.
        ...(step.x % 7 === 1 ? { proactive: true, context: JSON.parse('{"__proto__":"x","constructor":"y"}') } : {}),
      };
      return plain(customer(key), command);
    }
    case "customer_message":
    case "customer_end": {
      const conversationId = pickConversation(
        state,
        step,
        (c) => c.state !== "closed" && (step.kind === "customer_message" || c.mode === "live"),
      );
      const c = conv(conversationId);
      const key = c && step.natural ? c.customer.key : `visitor-session:${step.who % 3}`;
      if (step.kind === "customer_end") return plain(customer(key), { type: "customer.end", conversationId });
      const text = at(CUSTOMER_TEXTS, step.x);
      return plain(customer(key), {
        type: "customer.message",
        conversationId,
        text,
        ...(step.flag ? { clientId: step.x % 5 === 0 ? "__proto__" : `k${step.who % 3}` } : {}),
      });
    }
    case "presence":
      return plain(userActor(state, at(USERS, step.who)), { type: "presence", presence: at(PRESENCE_CHOICES, step.x) });
    case "accept":
    case "reject": {
      const pending = pendingOffers(state);
      if (step.natural && pending.length === 0) throw new NothingToDo();
      if (pending.length > 0) {
        // Half the time, answer a transfer or conference request if there is one (they are rarer than routing offers).
        const requests = pending.filter((o) => o.kind !== "route");
        const o = step.flag && requests.length > 0 ? at(requests, step.conv) : at(pending, step.conv);
        const actor = step.natural ? userActor(state, o.repId) : userActor(state, at(USERS, step.who));
        return plain(actor, { type: step.kind, offerId: o.id });
      }
      const offerId = step.x % 3 === 0 ? at(HOSTILE, step.conv) : `o${step.conv % 20}`;
      return plain(userActor(state, at(USERS, step.who)), { type: step.kind, offerId });
    }
    case "pick": {
      const conversationId = pickConversation(state, step, (c) => c.state === "open");
      return plain(userActor(state, at(USERS, step.who)), { type: "pick", conversationId });
    }
    case "message": {
      const conversationId = pickConversation(
        state,
        step,
        (c) => c.state === "active" || Object.values(c.supervisors).includes("join"),
      );
      const c = conv(conversationId);
      const joined = c ? Object.keys(c.supervisors).filter((id) => c.supervisors[id] === "join") : [];
      const actor = pickActor(state, step, c ? [c.ownerId, ...c.participants, ...joined] : []);
      return plain(actor, {
        type: "message",
        conversationId,
        text: at(STAFF_TEXTS, step.x),
        ...(step.flag ? { clientId: `r${step.who % 3}` } : {}),
      });
    }
    case "transfer":
    case "conference":
    case "close": {
      const conversationId = pickConversation(
        state,
        step,
        (c) => c.state === "active" && (step.kind !== "close" || c.mode === "persistent"),
      );
      const c = conv(conversationId);
      const actor = pickActor(state, step, [c?.ownerId]);
      if (step.kind === "transfer")
        return plain(actor, { type: "transfer", conversationId, target: target(state, step, conversationId) });
      if (step.kind === "close") return plain(actor, { type: "close", conversationId });
      const free = freeReps(state, conversationId);
      return plain(actor, {
        type: "conference",
        conversationId,
        repId: step.natural && free.length > 0 ? at(free, step.x) : at(ANY_USERS, step.x),
      });
    }
    case "end_conference": {
      const conversationId = pickConversation(state, step, (c) => c.state === "active" && c.participants.length > 0);
      const c = conv(conversationId);
      return plain(pickActor(state, step, c ? [c.ownerId, ...c.participants] : []), {
        type: "end_conference",
        conversationId,
      });
    }
    case "consult": {
      const conversationId = pickConversation(state, step, (c) => c.state === "active");
      const c = conv(conversationId);
      return plain(pickActor(state, step, c ? [c.ownerId, ...c.participants] : []), {
        type: "consult",
        conversationId,
        repId: at(step.natural ? USERS : ANY_USERS, step.x),
      });
    }
    case "end_consult": {
      const conversationId = pickConversation(state, step, (c) => c.consultants.length > 0);
      const c = conv(conversationId);
      // The consultant leaves, or the rep ends it.
      if (step.flag || !c)
        return plain(pickActor(state, step, c?.consultants ?? []), { type: "end_consult", conversationId });
      return plain(pickActor(state, step, [c.ownerId, ...c.participants]), {
        type: "end_consult",
        conversationId,
        repId: at(c.consultants, step.x),
      });
    }
    case "whisper": {
      const conversationId = pickConversation(state, step, (c) => Object.keys(c.supervisors).length > 0);
      const actor = step.natural ? supervisor("sam") : userActor(state, at(USERS, step.who));
      return plain(actor, { type: "whisper", conversationId, text: at(STAFF_TEXTS, step.x) });
    }
    case "end": {
      const conversationId = pickConversation(state, step, (c) => c.state === "active" || c.state === "waiting");
      const c = conv(conversationId);
      return plain(pickActor(state, step, [c?.state === "waiting" ? c.lastOwnerId : c?.ownerId]), {
        type: "end",
        conversationId,
      });
    }
    case "wrapup": {
      const conversationId = pickConversation(state, step, (c) => holders(state, c.id, "wrapup").length > 0);
      const reasonId =
        step.x % 5 === 0 ? (step.flag ? "constructor" : "no-such-reason") : step.flag ? "resolved" : "other";
      return plain(pickActor(state, step, holders(state, conversationId, "wrapup")), {
        type: "wrapup",
        conversationId,
        reasonId,
      });
    }
    case "monitor":
    case "leave":
    case "assign":
    case "supervisor_transfer":
    case "force_close": {
      const actor = step.natural ? supervisor("sam") : userActor(state, at(USERS, step.who));
      if (step.kind === "monitor") {
        const conversationId = pickConversation(state, step, (c) => c.state === "active" || c.state === "wrapup");
        return plain(actor, { type: "monitor", conversationId, mode: step.flag ? "join" : "monitor" });
      }
      if (step.kind === "leave") {
        return plain(actor, {
          type: "leave",
          conversationId: pickConversation(state, step, (c) => Object.keys(c.supervisors).length > 0),
        });
      }
      if (step.kind === "assign") {
        const conversationId = pickConversation(state, step, (c) => c.state === "open" && !c.ownerId && !c.transfer);
        return plain(actor, {
          type: "assign",
          conversationId,
          target: target(state, step, conversationId),
          ...(step.flag ? { override: true } : step.x % 3 === 0 ? { override: false } : {}),
        });
      }
      if (step.kind === "supervisor_transfer") {
        const conversationId = pickConversation(state, step, (c) => c.state === "active" || c.state === "waiting");
        return plain(actor, {
          type: "supervisor_transfer",
          conversationId,
          target: target(state, step, conversationId),
        });
      }
      return plain(actor, {
        type: "force_close",
        conversationId: pickConversation(state, step, (c) => c.state !== "closed"),
      });
    }
    case "admin":
      // Rare (about one step in a hundred): deleting a queue or a user ends much of the run's traffic.
      if (step.flag)
        return plain(admin, {
          type: "delete_queue",
          queueId: at(["general", "billing", "nowhere", "__proto__", "constructor"], step.x),
        });
      return plain(admin, { type: "delete_user", userId: at(ANY_USERS, step.x) });
    case "advance":
      return { actor: system, command: { type: "tick" }, advance: step.ms };
  }
}

// ---- invariants -----------------------------------------------------------------------------------

const STATES = new Set(["open", "active", "waiting", "wrapup", "closed"]);

export interface Context {
  /** Every conversation ever created in this run. */
  created: ReadonlySet<string>;
  now: number;
  /** The command just run. */
  command: Command["type"];
}

interface Invariant {
  name: string;
  check(state: State, context: Context): string[];
}

/** The Open conversations routing could offer now (no offer out, no transfer pending, no operating hours), by queue. */
function routable(state: State): { queueId: string; c: Conversation; ws: ReturnType<typeof workstreamOf> }[] {
  const found: { queueId: string; c: Conversation; ws: ReturnType<typeof workstreamOf> }[] = [];
  for (const queueId of Object.keys(state.queues).sort())
    for (const id of state.queues[queueId]!.open) {
      const c = state.conversations[id];
      if (!c || c.offerId || c.transfer) continue;
      const ws = workstreamOf(state, c);
      if (!ws.operatingHours) found.push({ queueId, c, ws });
    }
  return found;
}

export const INVARIANTS: Invariant[] = [
  {
    name: "each conversation is in exactly one of the five states, and in its queue's open list iff it is Open",
    check(state) {
      const found: string[] = [];
      const seenIn = new Map<string, string[]>();
      for (const queueId of Object.keys(state.queues).sort()) {
        for (const id of state.queues[queueId]!.open) seenIn.set(id, [...(seenIn.get(id) ?? []), queueId]);
      }
      for (const [id, queues] of seenIn) {
        if (!state.conversations[id]) found.push(`queue list(s) ${queues.join(", ")} hold unknown conversation ${id}`);
      }
      for (const c of conversations(state)) {
        if (!STATES.has(c.state)) found.push(`${c.id} is in no known state (${String(c.state)})`);
        const queues = seenIn.get(c.id) ?? [];
        if (c.state === "open" && !(queues.length === 1 && queues[0] === c.queueId)) {
          found.push(
            `Open ${c.id} (queue ${c.queueId}) is in the open lists [${queues.join(", ")}]; expected exactly [${c.queueId}]`,
          );
        }
        if (c.state !== "open" && queues.length > 0)
          found.push(`${c.state} ${c.id} is still in the open list(s) of [${queues.join(", ")}]`);
      }
      return found;
    },
  },
  {
    name: "SPEC SV5: no rep above capacity unless a supervisor overrode it",
    check(state) {
      const found: string[] = [];
      for (const id of Object.keys(state.users).sort()) {
        const u = state.users[id]!;
        const used = unitsHeld(u);
        const overridden = Object.values(u.items).some((item) => item.override === true);
        if (used > u.capacity && !overridden)
          found.push(`${id} uses ${used} units of ${u.capacity} without an override: ${JSON.stringify(u.items)}`);
      }
      return found;
    },
  },
  {
    name: "SPEC P6: Waiting uses no capacity (only wrap-up items, no owner)",
    check(state) {
      const found: string[] = [];
      for (const c of conversations(state, (x) => x.state === "waiting")) {
        if (c.ownerId !== null) found.push(`Waiting ${c.id} still has owner ${c.ownerId}`);
        if (c.participants.length > 0)
          found.push(`Waiting ${c.id} still has participants ${c.participants.join(", ")}`);
        for (const id of holders(state, c.id)) {
          const item = state.users[id]!.items[c.id]!;
          if (item.role === "wrapup") continue;
          // A supervisor's transfer of a Waiting conversation (SV6) reserves the target's capacity while
          // the offer is pending, as any offer does; it is the target's, not the parked rep's.
          const o = Object.values(state.offers).find((x) => x.conversationId === c.id && x.repId === id);
          if (item.role === "offer" && o?.kind === "supervisor_transfer") continue;
          found.push(`Waiting ${c.id} is held by ${id} as ${item.role} (${item.units} units)`);
        }
      }
      return found;
    },
  },
  {
    name: "SPEC L4, SPEC L10: no conversation is lost",
    check(state, { created }) {
      const found: string[] = [];
      for (const id of created)
        if (!state.conversations[id]) found.push(`conversation ${id} was created and no longer exists`);
      for (const c of conversations(state)) {
        if (c.state === "open") {
          const queue = state.queues[c.queueId];
          // Deleting a queue closes its Open conversations, and an aborted one never goes back to a queue (L4).
          if (!queue || queue.deleted) found.push(`Open ${c.id} sits in queue ${c.queueId}, which does not exist`);
          if (c.ownerId !== null) found.push(`Open ${c.id} has owner ${c.ownerId}`);
        }
        if (c.state === "active") {
          const owner = c.ownerId ? state.users[c.ownerId] : undefined;
          if (!owner && !c.aborted) found.push(`Active ${c.id} has no owner`);
          if (owner?.deleted && !c.aborted)
            found.push(`Active ${c.id} belongs to deleted ${owner.id} and is not aborted`);
          for (const id of c.participants) {
            if (state.users[id]?.items[c.id]?.role !== "conference") {
              found.push(
                `${id} is in the conference on ${c.id} without a conference item (${JSON.stringify(state.users[id]?.items[c.id])})`,
              );
            }
          }
        }
        if (c.state === "wrapup") {
          if (c.wrapUpBy.length === 0) found.push(`Wrap-up ${c.id} waits for nobody, so it never closes`);
          for (const id of c.wrapUpBy) {
            if (state.users[id]?.items[c.id]?.role !== "wrapup")
              found.push(`Wrap-up ${c.id} waits for ${id}, who has no wrap-up item, so it never closes`);
            if (state.users[id]?.deleted)
              found.push(`Wrap-up ${c.id} waits for ${id}, who was deleted, so it never closes`);
          }
        }
        if (c.state === "closed") {
          for (const id of holders(state, c.id)) {
            const role = state.users[id]!.items[c.id]!.role;
            if (role !== "wrapup") found.push(`Closed ${c.id} is still held by ${id} as ${role}`);
          }
        }
      }
      return found;
    },
  },
  {
    name: "SPEC SV7: no conversation is assigned twice; a pending offer exists iff its rep holds it",
    check(state) {
      const found: string[] = [];
      for (const c of conversations(state)) {
        const owners = holders(state, c.id, "owner");
        if (owners.length > 1) found.push(`${c.id} is owned by ${owners.join(" and ")}`);
        for (const id of owners)
          if (id !== c.ownerId) found.push(`${id} holds ${c.id} as owner but its owner is ${String(c.ownerId)}`);
        if (c.state === "active" && c.ownerId && !state.users[c.ownerId]?.deleted && owners[0] !== c.ownerId) {
          found.push(
            `Active ${c.id} belongs to ${c.ownerId}, who does not hold it as owner (${JSON.stringify(state.users[c.ownerId]?.items[c.id])})`,
          );
        }
        if (c.offerId && state.offers[c.offerId]?.conversationId !== c.id)
          found.push(`${c.id} points at offer ${c.offerId}, which is not pending for it`);
      }
      for (const id of Object.keys(state.offers).sort()) {
        const o = state.offers[id]!;
        if (o.status !== "pending") found.push(`settled offer ${id} (${o.status}) is still in state.offers`);
        if (state.users[o.repId]?.items[o.conversationId]?.role !== "offer")
          found.push(`pending offer ${id} to ${o.repId} for ${o.conversationId} is not held by them as an offer`);
        const c = state.conversations[o.conversationId];
        if (!c || c.state === "closed" || c.state === "wrapup")
          found.push(`pending offer ${id} is for ${o.conversationId}, which is ${c?.state ?? "missing"}`);
      }
      for (const uid of Object.keys(state.users).sort()) {
        const items = state.users[uid]!.items;
        if (state.users[uid]!.deleted && Object.keys(items).length > 0)
          found.push(`deleted ${uid} still holds ${JSON.stringify(items)}`);
        for (const cid of Object.keys(items).sort()) {
          if (!state.conversations[cid]) found.push(`${uid} holds unknown conversation ${cid}`);
          if (items[cid]!.role !== "offer") continue;
          const pending = Object.values(state.offers).filter((o) => o.repId === uid && o.conversationId === cid);
          if (pending.length !== 1)
            found.push(`${uid} holds an offer item for ${cid} with ${pending.length} pending offers behind it`);
        }
      }
      return found;
    },
  },
  {
    // Routing runs after every command on what it may have freed (and an arrival routes only itself), so no
    // conversation waits while a rep could take it. Operating hours are left out: the tick releases those.
    name: "routing leaves no conversation waiting while an eligible rep is free",
    check(state) {
      const found: string[] = [];
      for (const { queueId, c, ws } of routable(state)) {
        // Every user of the org, not the indexes selectRep uses.
        const rep = state.org.users.find((u) => state.users[u.id] && eligible(state.users[u.id]!, c, ws.capacityCost));
        if (rep) found.push(`${c.id} waits in ${queueId} while ${rep.id} could take it`);
      }
      return found;
    },
  },
  {
    // Issue 10 §4: declines never strand a conversation. Once every rep of its queue who is Available with room (and
    // does not hold it) has declined it, the declines are forgotten and routing starts over: so after every step no
    // Open conversation waits while such a rep exists, whether they declined it or not.
    name: "no conversation waits while a rep of its queue is Available with room, declined or not",
    check(state) {
      const found: string[] = [];
      for (const { queueId, c, ws } of routable(state)) {
        const rep = state.org.users
          .map((u) => state.users[u.id])
          .find(
            (u) =>
              u !== undefined &&
              !u.deleted &&
              u.presence === "available" &&
              u.capacity > 0 &&
              u.queues.includes(c.queueId) &&
              !(c.id in u.items) &&
              unitsHeld(u) + ws.capacityCost <= u.capacity,
          );
        if (rep)
          found.push(
            `${c.id} waits in ${queueId} while ${rep.id} is Available with room (declined by ${c.declinedBy.join(", ") || "nobody"})`,
          );
      }
      return found;
    },
  },
  {
    name: "the derived indexes agree with the state",
    check(state) {
      const found: string[] = [];
      const indexes = indexesOf(state);
      const waiting = waitingIndexOf(state);
      const keys = new Map<string, string[]>();
      for (const c of conversations(state)) {
        if (c.state === "waiting" && !waiting.has(c.id)) found.push(`Waiting ${c.id} is not in the waiting index`);
        if (c.declinedBy.length > 0 && !indexes.declined.has(c.id))
          found.push(`${c.id}, declined by ${c.declinedBy.join(", ")}, is not in the declined index`);
        keys.set(c.customer.key, [...(keys.get(c.customer.key) ?? []), c.id]);
        // What a conversation keeps of its thread: its latest messages, no more, and none while parked in Waiting or
        // once Closed (the log has them; those written since it last left Waiting otherwise).
        if (
          c.messages.length > Math.min(c.messageCount, RECENT_MESSAGES) ||
          ((c.state === "waiting" || c.state === "closed") && c.messages.length > 0)
        )
          found.push(`${c.id} keeps ${c.messages.length} of its ${c.messageCount} messages in ${c.state}`);
        const clientIds = clientIdCount(c);
        if (clientIds > CLIENT_ID_WINDOW) found.push(`${c.id} keeps ${clientIds} client ids`);
      }
      for (const [key, ids] of keys) {
        if (!isDeepStrictEqual([...conversationIdsOf(state, key)].sort(), [...ids].sort()))
          found.push(`customer ${key}: index ${conversationIdsOf(state, key).join(",")}, state ${ids.join(",")}`);
      }
      for (const u of Object.values(state.users)) {
        if (u.presence === "available" && !indexes.available.has(u.id))
          found.push(`Available ${u.id} is not in the available index`);
        if (u.presence === "available" && unitsHeld(u) < u.capacity && !indexes.roomy.has(u.id))
          found.push(`Available ${u.id} has room but is not in the index of reps with room`);
        for (const cid of Object.keys(u.items))
          if (!indexes.holders.get(cid)?.includes(u.id))
            found.push(`${u.id} holds ${cid} but is not among its holders`);
        const items = Object.values(u.items);
        const summed = {
          units: unitsHeld(u),
          handling: items.filter((i) => i.role !== "offer").reduce((sum, i) => sum + i.units, 0),
          items: items.length,
          seats: items.filter((i) => i.role === "owner" || i.role === "conference").length,
        };
        if (!isDeepStrictEqual({ ...loadOf(u) }, summed))
          found.push(
            `${u.id}'s derived load ${JSON.stringify(loadOf(u))} is not what their items add up to ${JSON.stringify(summed)}`,
          );
      }
      return found;
    },
  },
  {
    name: "what a snapshot sends each viewer (from the visibility index) is what a scan of every conversation finds",
    check(state) {
      const found: string[] = [];
      const viewers: Viewer[] = [
        ...Object.values(state.users).map((u): Viewer => ({
          role: u.role === "supervisor" ? "supervisor" : "rep",
          id: u.id,
        })),
        ...[...new Set(conversations(state).map((c) => c.customer.key))].map((key): Viewer => ({
          role: "customer",
          key,
        })),
      ];
      for (const viewer of viewers) {
        const expected = scannedConversations(state, viewer).map((c) => c.id);
        const actual = visibleConversations(state, viewer).map((c) => c.id);
        if (!isDeepStrictEqual(actual, expected))
          found.push(`${JSON.stringify(viewer)} is sent ${actual.join(",")}, a scan finds ${expected.join(",")}`);
      }
      return found;
    },
  },
  {
    name: "nextDeadline (from the indexes) is the earliest deadline a scan of the whole state finds",
    check(state, { now }) {
      let expected = Infinity;
      for (const o of Object.values(state.offers))
        if (o.status === "pending") expected = Math.min(expected, o.expiresAt);
      const held = new Set<string>();
      for (const c of conversations(state)) {
        if (c.state === "waiting" && c.waitingUntil !== null) expected = Math.min(expected, c.waitingUntil);
        if (c.state === "open" && !c.offerId) held.add(c.workstreamId);
      }
      for (const id of held) {
        const ws = state.org.workstreams.find((w) => w.id === id);
        if (!ws?.operatingHours || isOpenAt(ws.operatingHours, now)) continue;
        const opening = nextOpening(ws.operatingHours, now);
        if (opening !== null) expected = Math.min(expected, opening);
      }
      // P2: a live workstream's closing, while anyone waits in its queue (its live customers are then told).
      for (const ws of state.org.workstreams) {
        if (
          ws.mode !== "live" ||
          !ws.operatingHours ||
          !conversations(state).some((c) => c.state === "open" && c.queueId === ws.queueId)
        )
          continue;
        const closing = nextClosing(ws.operatingHours, now);
        if (closing !== null) expected = Math.min(expected, closing);
      }
      const actual = nextDeadline(state, now);
      return actual === (expected === Infinity ? null : expected)
        ? []
        : [`nextDeadline ${String(actual)}, the whole state says ${expected}`];
    },
  },
  {
    name: "SPEC L2, SPEC P7: a tick leaves nothing overdue",
    check(state, { now, command }) {
      if (command !== "tick") return [];
      const found: string[] = [];
      for (const o of pendingOffers(state))
        if (o.expiresAt <= now)
          found.push(`offer ${o.id} to ${o.repId} expired at ${o.expiresAt} and is still pending at ${now}`);
      for (const c of conversations(
        state,
        (x) => x.state === "waiting" && x.waitingUntil !== null && x.waitingUntil <= now,
      )) {
        found.push(`Waiting ${c.id} expired at ${String(c.waitingUntil)} and is still Waiting at ${now}`);
      }
      return found;
    },
  },
];

/** Why `offer` should not have been made in `state` (L2; one work item per rep and conversation). */
export function offerProblems(state: State, offer: Offer): string[] {
  const found: string[] = [];
  const u = state.users[offer.repId];
  const c = state.conversations[offer.conversationId];
  if (!u || u.deleted) return [`offer ${offer.id} went to ${offer.repId}, who does not exist`];
  if (!c) return [`offer ${offer.id} is for unknown conversation ${offer.conversationId}`];
  // A consult asks for help, not work: Busy people may be asked, and it costs no capacity.
  const consult = offer.kind === "consult";
  if (u.presence !== "available" && !(consult && u.presence === "busy"))
    found.push(`${offer.kind} offer ${offer.id} for ${c.id} went to ${u.id}, who is ${u.presence}`);
  if (c.id in u.items)
    found.push(
      `${offer.kind} offer ${offer.id} for ${c.id} went to ${u.id}, who already holds it as ${u.items[c.id]!.role}`,
    );
  const cost = state.org.workstreams.find((w) => w.id === c.workstreamId)?.capacityCost ?? 1;
  if (!consult && unitsHeld(u) + cost > u.capacity)
    found.push(
      `${offer.kind} offer ${offer.id} for ${c.id} went to ${u.id}, who has ${u.capacity - unitsHeld(u)} of ${cost} units free`,
    );
  return found;
}

export function violations(state: State, context: Context): string[] {
  return INVARIANTS.flatMap((invariant) => invariant.check(state, context).map((v) => `${invariant.name}: ${v}`));
}

// ---- running a sequence ---------------------------------------------------------------------------

class PropertyFailure extends Error {}

/** The first path where two JSON values differ, for a readable message. */
export function firstDifference(a: unknown, b: unknown, path = "state"): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (
    typeof a === "object" &&
    typeof b === "object" &&
    a !== null &&
    b !== null &&
    Array.isArray(a) === Array.isArray(b)
  ) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
      const found = firstDifference(ra[key], rb[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 300)} vs ${JSON.stringify(b)?.slice(0, 300)}`;
}

/** Where the live state differs from the state its committed events rebuild, if anywhere (as stored: JSON). */
function liveVersusReplayed(live: State, replica: State): string | null {
  const a = JSON.stringify(live);
  const b = JSON.stringify(replica);
  return a === b ? null : (firstDifference(JSON.parse(a), JSON.parse(b)) ?? "the same values in another order");
}

export function json<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function describeStep(r: Resolved): string {
  const who =
    r.actor.role === "rep" || r.actor.role === "supervisor"
      ? `${r.actor.role} ${r.actor.id}`
      : r.actor.role === "customer"
        ? `customer ${r.actor.key}`
        : r.actor.role;
  return `${r.advance > 0 ? `+${r.advance}ms, ` : ""}${who}: ${JSON.stringify(r.command)}`;
}

/** Counts of accepted commands by type over all runs: the generator must reach every path. */
export const coverage = new Map<string, number>();
/** Refusals by command type and code, to tune the generator when coverage drops. */
export const refusals = new Map<string, number>();
/** Event types seen over all runs. */
export const reached = new Set<string>();
export let runs = 0;

/**
 * `why` explains a routing offer with the selection that made it: on the state just before the offer, the
 * explanation chooses the offered rep, and every other rep it lists was passed over for a reason.
 */
function whyProblems(before: State, event: DomainEvent & { type: "offered" }): string[] {
  const o = event.offer;
  const c = before.conversations[o.conversationId];
  if (o.kind !== "route" || !c) return [];
  const decision = explainRouting(before, c, event.at, event.seq);
  const found: string[] = [];
  if (decision.chosen?.repId !== o.repId)
    found.push(`${o.id} went to ${o.repId}; the explanation chose ${decision.chosen?.repId ?? "nobody"}`);
  for (const r of decision.reps)
    if ((r.passedOver === null) !== (r.repId === o.repId))
      found.push(`${r.repId} is listed as ${r.passedOver ?? "chosen"} for ${o.id} to ${o.repId}`);
  return found;
}

/** A broken rule, with the org and the steps that led there. */
function propertyFailure(
  variant: OrgVariant,
  trace: readonly string[],
  index: number,
  rule: string,
  details: string[],
): PropertyFailure {
  return new PropertyFailure(
    [
      `${rule} — violated after step ${index + 1}:`,
      ...details.map((d) => `  - ${d}`),
      `org: ${JSON.stringify(variant)}`,
      "steps:",
      ...trace.map((t, i) => `  ${i + 1}. ${t}`),
    ].join("\n"),
  );
}

/** What a store must hold for a run: each committed step's events, and the live state (JSON) they lead to. */
export interface CommittedStep {
  /** The step's index in the trace. */
  index: number;
  events: DomainEvent[];
  live: string;
}

export interface SequenceRun {
  org: Org;
  variant: OrgVariant;
  /** The steps as resolved, with what each did: the failure report. */
  trace: string[];
  committed: CommittedStep[];
  /** The live state at the end, as stored (JSON). */
  live: string;
}

/**
 * Run `steps` through decide and evolve, checking the invariants and that the events replayed in memory rebuild the
 * live state after every step; throws PropertyFailure with the steps that led there. With `record`, it keeps each
 * committed step's events and live state, for replaying through a real store (replayThroughStore).
 */
export function runSequence(
  variant: OrgVariant,
  steps: readonly Step[],
  options: { record?: boolean } = {},
): SequenceRun {
  runs++;
  const committed: CommittedStep[] = [];
  const org = makeOrg(variant);
  const state = initialState(structuredClone(org));
  // What a restart rebuilds: the stored (serialised) events replayed onto the configured org.
  const replica = initialState(structuredClone(org));
  // What the gateway's replica in the same process does: the very event objects applied a command late (the writer has
  // decided the next one when they are published), the records of conversations those events only add messages to
  // taken from the live state before they are applied, and the conversation records shared with the live state
  // wherever they agree (core/sharing.ts). Neither may change the other's.
  const inProcess = initialState(structuredClone(org));
  let published: DomainEvent[] = [];
  const log: DomainEvent[] = [];
  const created = new Set<string>();
  const trace: string[] = [];
  let now = START;

  const fail = (index: number, rule: string, details: string[]): never => {
    throw propertyFailure(variant, trace, index, rule, details);
  };

  const warmUp = variant.available.map((id): Step => ({
    kind: "presence",
    conv: 0,
    who: USERS.indexOf(id as (typeof USERS)[number]),
    x: 0,
    natural: true,
    flag: false,
    ms: 0,
  }));
  for (const [index, step] of [...warmUp, ...steps].entries()) {
    const resolved = resolve(state, step);
    now += resolved.advance;
    const beforeSeq = state.seq;
    let outcome: Outcome;
    try {
      outcome = decide(state, { at: now, actor: resolved.actor, command: resolved.command });
    } catch (error) {
      trace.push(`${describeStep(resolved)} → threw`);
      return fail(index, "decide never throws for a well-formed command", [
        String(error instanceof Error ? (error.stack ?? error.message) : error),
      ]);
    }
    trace.push(
      `${describeStep(resolved)} → ${outcome.ok ? outcome.events.map((e) => e.type).join(", ") || "no events" : outcome.error.code}`,
    );

    if (!outcome.ok) {
      const key = `${resolved.command.type} ${outcome.error.code}`;
      refusals.set(key, (refusals.get(key) ?? 0) + 1);
      // Nothing of it was committed, so the live state is still the one the committed events rebuild.
      const difference = liveVersusReplayed(state, replica);
      if (difference)
        fail(index, "a refused command changes nothing (live = rebuilt from the committed events)", [difference]);
      continue;
    }
    coverage.set(resolved.command.type, (coverage.get(resolved.command.type) ?? 0) + 1);
    for (const e of outcome.events) reached.add(e.type);

    // Sequence numbers only grow, one at a time, and state.seq is the last one.
    const seqs = outcome.events.map((e) => e.seq);
    const expected = outcome.events.map((_, i) => beforeSeq + 1 + i);
    if (!isDeepStrictEqual(seqs, expected))
      fail(index, "sequence numbers only grow, by one", [`emitted ${seqs.join(",")}, expected ${expected.join(",")}`]);
    if (state.seq !== beforeSeq + outcome.events.length)
      fail(index, "state.seq is the last emitted seq", [
        `state.seq ${state.seq}, expected ${beforeSeq + outcome.events.length}`,
      ]);
    for (const e of outcome.events)
      if (e.at !== now) fail(index, "events carry the command's time", [`${e.type} at ${e.at}, expected ${now}`]);

    // The replica as committed before this command: what the in-process replica must equal once it applied the last.
    const committedBefore = json(replica);
    applyShared(state, inProcess, published, outcome.events, (adopted) => {
      for (const event of published) evolveReplica(inProcess, event, adopted);
    });
    published = outcome.events;
    const sharedDifference = firstDifference(committedBefore, json(inProcess));
    if (sharedDifference)
      fail(index, "a replica sharing the live state's records equals one rebuilt from the stored events", [
        sharedDifference,
      ]);

    for (const event of json(outcome.events)) {
      log.push(event);
      if (event.type === "conversation_created") created.add(event.conversation.id);
      // Checked on the replica just before the event lands: the state the offer was made in.
      if (event.type === "offered") {
        const problems = offerProblems(replica, event.offer);
        if (problems.length > 0)
          fail(
            index,
            "SPEC L2: only an Available rep with room, who does not hold the conversation yet, is offered it",
            problems,
          );
        const why = whyProblems(replica, event);
        if (why.length > 0)
          fail(
            index,
            "why: the explanation of a routing offer names the rep routing chose, and why each other was not",
            why,
          );
      }
      try {
        evolve(replica, event);
      } catch (error) {
        fail(index, "replaying the stored events rebuilds the state", [
          `evolve threw on ${event.type} #${event.seq}: ${String(error)}`,
        ]);
      }
    }
    for (const invariant of INVARIANTS) {
      const found = invariant.check(state, { created, now, command: resolved.command.type });
      if (found.length > 0) fail(index, invariant.name, found);
    }
    const difference = liveVersusReplayed(state, replica);
    if (difference) fail(index, "replaying the stored events rebuilds the live state (a server restart)", [difference]);
    if (options.record === true && outcome.events.length > 0)
      committed.push({ index, events: json(outcome.events), live: JSON.stringify(state) });
  }

  // The whole log, replayed from scratch, once more.
  const rebuilt = initialState(structuredClone(org));
  for (const event of log) evolve(rebuilt, event);
  const difference = firstDifference(json(state), json(rebuilt));
  if (difference)
    fail(trace.length - 1, "replaying the whole log from the start rebuilds the live state", [difference]);
  return { org, variant, trace, committed, live: JSON.stringify(state) };
}

// ---- through a real store -------------------------------------------------------------------------

/** A log in one of the product's stores, opened as often as a run needs: the writer, a reader, a restart. */
export interface ReplayLog {
  open(options: StoreOptions): Promise<EventStore<State>>;
  /** Let go of what it holds (a temp dir); the stores opened on it are closed first. */
  remove(): Promise<void> | void;
}

/**
 * The run's committed steps go through a real store as the server writes them (one commit per command), and the
 * state rebuilt from what the store gives back is the live state: after every commit for a second store reading the
 * log by seq (a follower's replica), and at the end for a store opened afresh that loads the snapshot saved half-way
 * and the events after it (a restart, through the server's own replayLog).
 */
export async function replayThroughStore(run: SequenceRun, log: ReplayLog, medium: string): Promise<void> {
  const fail = (index: number, rule: string, difference: string): never => {
    throw propertyFailure(run.variant, run.trace, index, rule, [difference]);
  };
  const opened: EventStore<State>[] = [];
  const open = async (): Promise<EventStore<State>> => {
    const store = await log.open({ threadOf });
    opened.push(store);
    return store;
  };
  try {
    const writer = await open();
    const reader = await open();
    const replica = initialState(structuredClone(run.org));
    const half = Math.floor(run.committed.length / 2);
    for (const [i, step] of run.committed.entries()) {
      writer.append(step.events as unknown as StoredEvent[], { expectedSeq: replica.seq });
      await writer.commit();
      for await (const event of reader.eventsAfter(replica.seq)) evolve(replica, event as unknown as DomainEvent);
      const difference = storedVersusLive(replica, step.live);
      if (difference)
        fail(
          step.index,
          `the events committed to ${medium}, read back by another store, rebuild the live state`,
          difference,
        );
      if (i === half) await writer.saveSnapshot({ seq: replica.seq, state: JSON.parse(step.live) as State });
    }
    await writer.close();
    const { state } = await replayLog(await open(), structuredClone(run.org));
    const difference = storedVersusLive(state, run.live);
    if (difference)
      fail(
        run.trace.length - 1,
        `a restart on ${medium} (its snapshot and the events after it) rebuilds the live state`,
        difference,
      );
  } finally {
    for (const store of opened) await store.close().catch(() => undefined);
    await log.remove();
  }
}

function storedVersusLive(rebuilt: State, live: string): string | null {
  const a = JSON.stringify(rebuilt);
  return a === live ? null : (firstDifference(JSON.parse(a), JSON.parse(live)) ?? "the same values in another order");
}

/**
 * The property over `numRuns` random sequences, each through a fresh log of `medium` (newLog). The sequences are
 * shorter than the core property's: every step is a commit and a read on a real store.
 */
export async function assertReplayThroughStore(
  medium: string,
  newLog: () => Promise<ReplayLog> | ReplayLog,
  numRuns: number,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(orgVariant, fc.array(stepArb, { minLength: 5, maxLength: MAX_STEPS }), async (variant, steps) => {
      const run = runSequence(variant, steps, { record: true });
      await replayThroughStore(run, await newLog(), medium);
    }),
    SEED === undefined ? { numRuns } : { numRuns, seed: SEED },
  );
}
