// A harness for driving the pure routing core: a test org, a manual clock and one-line commands.
import { decide, nextDeadline } from "../../server/core/decide/index.js";
import { initialState } from "../../server/core/evolve.js";
import type {
  Actor,
  Command,
  Conversation,
  DomainEvent,
  Message,
  Outcome,
  State,
  UserState,
} from "../../server/core/model.js";
import { DEFAULT_TEXTS } from "../../server/core/org.js";
import type { Org, Workstream } from "../../server/core/org.js";

/** The units of capacity a user's items cost, summed from the items themselves (not the core's derived load). */
export function unitsHeld(u: UserState): number {
  return Object.values(u.items).reduce((sum, item) => sum + item.units, 0);
}

export function testWorkstream(
  overrides: Partial<Workstream> & Pick<Workstream, "id" | "mode" | "queueId">,
): Workstream {
  return {
    name: overrides.id,
    affinity: overrides.mode === "persistent",
    autoAssignReturning: false,
    offerTimeoutSeconds: 30,
    capacityCost: 1,
    waitingExpiryDays: 28,
    sentimentThreshold: -1,
    operatingHours: null,
    texts: { ...DEFAULT_TEXTS },
    ...overrides,
  };
}

/** Two queues, a live and a persistent workstream, reps alice/bob/carol (capacity 2) and supervisor sam. */
export function testOrg(overrides: Partial<Org> = {}): Org {
  return {
    name: "Test Org",
    autoBusyAtCapacity: true,
    masking: true,
    supervisor: { monitor: true, assign: true, transfer: true, forceClose: true },
    queues: [
      { id: "general", name: "General" },
      { id: "billing", name: "Billing" },
    ],
    workstreams: [
      testWorkstream({ id: "live", mode: "live", queueId: "general" }),
      testWorkstream({ id: "persistent", mode: "persistent", queueId: "billing" }),
    ],
    users: [
      { id: "alice", name: "Alice Moreau", role: "rep", capacity: 2, queues: ["general", "billing"] },
      { id: "bob", name: "Bob Okafor", role: "rep", capacity: 2, queues: ["general", "billing"] },
      { id: "carol", name: "Carol Tanaka", role: "rep", capacity: 2, queues: ["general"] },
      { id: "sam", name: "Sam Rivera", role: "supervisor", capacity: 0, queues: [] },
    ],
    wrapUpReasons: [
      { id: "resolved", label: "Resolved" },
      { id: "other", label: "Other" },
    ],
    ...overrides,
  };
}

export const rep = (id: string): Actor => ({ role: "rep", id });
export const supervisor = (id = "sam"): Actor => ({ role: "supervisor", id });
export const customer = (key: string): Actor => ({ role: "customer", key });
export const admin: Actor = { role: "admin" };
export const system: Actor = { role: "system" };

export class CoreHarness {
  state: State;
  now = 1_700_000_000_000;
  readonly log: DomainEvent[] = [];

  constructor(org: Org = testOrg()) {
    this.state = initialState(org);
  }

  run(actor: Actor, command: Command): Outcome {
    const outcome = decide(this.state, { at: this.now, actor, command });
    if (outcome.ok) this.log.push(...outcome.events);
    return outcome;
  }

  /** Run and expect success; returns the result. */
  ok(actor: Actor, command: Command): Record<string, unknown> {
    const outcome = this.run(actor, command);
    if (!outcome.ok)
      throw new Error(`expected ${command.type} to succeed, got ${outcome.error.code}: ${outcome.error.message}`);
    return outcome.result ?? {};
  }

  /** Run and expect a refusal; returns its code. */
  refused(actor: Actor, command: Command): string {
    const outcome = this.run(actor, command);
    if (outcome.ok) throw new Error(`expected ${command.type} to be refused`);
    return outcome.error.code;
  }

  advance(ms: number): void {
    this.now += ms;
    this.run(system, { type: "tick" });
  }

  available(...ids: string[]): void {
    for (const id of ids) this.ok(rep(id), { type: "presence", presence: "available" });
  }

  /** A visitor (or an authenticated customer with `id`) starts a conversation; returns its id. */
  start(workstreamId: string, text = "Hello, I need help", identity: { id?: string; name?: string } = {}): string {
    const key = identity.id ? `auth:${identity.id}` : `visitor-session:${this.log.length}`;
    const result = this.ok(customer(key), { type: "customer.start", workstreamId, identity, text });
    return result.conversationId as string;
  }

  /**
   * A conversation's whole thread, from the events (what a client reads with `messages`): the state keeps only its
   * latest messages, and none once it is parked in Waiting or Closed.
   */
  thread(id: string): Message[] {
    return this.log.flatMap((e) => (e.type === "message_added" && e.conversationId === id ? [e.message] : []));
  }

  conversation(id: string): Conversation {
    const c = this.state.conversations[id];
    if (!c) throw new Error(`no conversation ${id}`);
    return c;
  }

  customerOf(id: string): Actor {
    return customer(this.conversation(id).customer.key);
  }

  /** The pending offer for `repId`, if any. */
  offerFor(repId: string, conversationId?: string): string | undefined {
    return Object.values(this.state.offers).find(
      (o) => o.repId === repId && o.status === "pending" && (!conversationId || o.conversationId === conversationId),
    )?.id;
  }

  used(repId: string): number {
    return unitsHeld(this.state.users[repId]!);
  }

  presence(repId: string): string {
    return this.state.users[repId]!.presence;
  }

  deadline(): number | null {
    return nextDeadline(this.state, this.now);
  }

  events(type: DomainEvent["type"]): DomainEvent[] {
    return this.log.filter((e) => e.type === type);
  }
}
