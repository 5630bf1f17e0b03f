// The state machines of evolve.ts: every allowed conversation and offer transition is reachable by
// some sequence of commands, and a forbidden one makes evolve throw.
//
// Reachability is observed, not assumed: each scenario runs commands through decide, then its event
// log is replayed onto a fresh state with evolve, recording every state change it makes.
import { describe, expect, it } from "vitest";
import { CONVERSATION_TRANSITIONS, evolve, initialState, OFFER_TRANSITIONS } from "../../server/core/evolve.js";
import type { ConversationState, DomainEvent, EventBody, OfferStatus, State } from "../../server/core/model.js";
import { DAY } from "../../server/core/org.js";
import type { Org } from "../../server/core/org.js";
import { CoreHarness, rep, supervisor, testOrg } from "../helpers/core.js";

type Transition = `${string}->${string}`;

interface Scenario {
  /** The SPEC ids the transition belongs to. */
  spec: string;
  org?: Org;
  /** Bring a conversation (or offer) to the `from` state; returns the conversation id. */
  given(h: CoreHarness): string;
  /** The command that makes the transition. */
  when(h: CoreHarness, id: string): void;
}

function handled(
  h: CoreHarness,
  repId: string,
  workstreamId = "live",
  identity: { id?: string; name?: string } = {},
): string {
  const id = h.start(workstreamId, "Hello, I need help", identity);
  h.ok(rep(repId), { type: "accept", offerId: h.offerFor(repId, id)! });
  return id;
}

function parked(h: CoreHarness): string {
  h.available("alice");
  const id = handled(h, "alice", "persistent", { id: "kenny", name: "Kenny Smith" });
  h.ok(rep("alice"), { type: "close", conversationId: id });
  return id;
}

const autoAssignOrg = (): Org => {
  const base = testOrg();
  return {
    ...base,
    workstreams: base.workstreams.map((w) => (w.mode === "persistent" ? { ...w, autoAssignReturning: true } : w)),
  };
};

const CONVERSATION_SCENARIOS: Record<Transition, Scenario> = {
  "open->active": {
    spec: "SPEC S4",
    given: (h) => {
      h.available("alice");
      return h.start("live");
    },
    when: (h, id) => h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! }),
  },
  "open->closed": {
    spec: "SPEC L12",
    given: (h) => h.start("live"),
    when: (h, id) => h.ok(h.customerOf(id), { type: "customer.end", conversationId: id }),
  },
  "active->open": {
    spec: "SPEC L10",
    given: (h) => {
      h.available("alice");
      return handled(h, "alice");
    },
    when: (h, id) =>
      h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "queue", id: "billing" } }),
  },
  "active->waiting": {
    spec: "SPEC P6",
    given: (h) => {
      h.available("alice");
      return handled(h, "alice", "persistent", { id: "kenny", name: "Kenny Smith" });
    },
    when: (h, id) => h.ok(rep("alice"), { type: "close", conversationId: id }),
  },
  "active->wrapup": {
    spec: "SPEC L12",
    given: (h) => {
      h.available("alice");
      return handled(h, "alice");
    },
    when: (h, id) => h.ok(rep("alice"), { type: "end", conversationId: id }),
  },
  "active->closed": {
    spec: "SPEC SV8",
    given: (h) => {
      h.available("alice");
      return handled(h, "alice");
    },
    when: (h, id) => h.ok(supervisor(), { type: "force_close", conversationId: id }),
  },
  "waiting->open": {
    spec: "SPEC P6",
    given: parked,
    when: (h, id) => h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "I am back" }),
  },
  "waiting->active": {
    spec: "SPEC P12",
    org: autoAssignOrg(),
    given: parked,
    when: (h, id) => h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "I am back" }),
  },
  "waiting->wrapup": {
    spec: "SPEC P8",
    given: parked,
    when: (h, id) => h.ok(rep("alice"), { type: "end", conversationId: id }),
  },
  "waiting->closed": {
    spec: "SPEC P7",
    given: parked,
    when: (h) => h.advance(28 * DAY),
  },
  "wrapup->closed": {
    spec: "SPEC L12",
    given: (h) => {
      h.available("alice");
      const id = handled(h, "alice");
      h.ok(rep("alice"), { type: "end", conversationId: id });
      return id;
    },
    when: (h, id) => h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" }),
  },
};

const OFFER_SCENARIOS: Record<Transition, Scenario> = {
  "pending->accepted": {
    spec: "SPEC S4",
    given: (h) => {
      h.available("alice");
      return h.start("live");
    },
    when: (h, id) => h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! }),
  },
  "pending->rejected": {
    spec: "SPEC L10",
    given: (h) => {
      h.available("alice");
      const id = h.start("live");
      // Someone else to pass it to (were Alice the only free rep, it would come straight back to her).
      h.available("bob");
      return id;
    },
    when: (h, id) => h.ok(rep("alice"), { type: "reject", offerId: h.offerFor("alice", id)! }),
  },
  "pending->timed_out": {
    spec: "SPEC L2",
    given: (h) => {
      h.available("alice");
      return h.start("live");
    },
    when: (h) => h.advance(30_000),
  },
  "pending->withdrawn": {
    spec: "SPEC L2",
    given: (h) => {
      h.available("alice");
      return h.start("live");
    },
    when: (h) => h.ok(rep("alice"), { type: "presence", presence: "away" }),
  },
};

/** Every `from->to` pair a transition table allows. */
function allowed<S extends string>(table: Record<S, readonly S[]>): Transition[] {
  return (Object.keys(table) as S[]).flatMap((from) => table[from].map((to): Transition => `${from}->${to}`));
}

/** Replay `events` onto a fresh state; the conversation and offer transitions made by events from index `from` on. */
function replay(
  org: Org,
  events: readonly DomainEvent[],
  from: number,
): { conversations: Set<Transition>; offers: Set<Transition> } {
  const state = initialState(org);
  const conversations = new Set<Transition>();
  const offers = new Set<Transition>();
  events.forEach((original, index) => {
    const event = structuredClone(original);
    const before = new Map(Object.values(state.conversations).map((c) => [c.id, c.state]));
    const offerBefore = "offerId" in event ? state.offers[event.offerId]?.status : undefined;
    evolve(state, event);
    if (index < from) return;
    for (const c of Object.values(state.conversations)) {
      const was = before.get(c.id);
      if (was !== undefined && was !== c.state) conversations.add(`${was}->${c.state}`);
    }
    if (event.type === "offer_accepted") offers.add(`${offerBefore}->accepted`);
    if (event.type === "offer_ended") offers.add(`${offerBefore}->${event.status}`);
  });
  return { conversations, offers };
}

function run(scenario: Scenario) {
  const org = scenario.org ?? testOrg();
  const h = new CoreHarness(org);
  const id = scenario.given(h);
  const mark = h.log.length;
  scenario.when(h, id);
  return { h, id, ...replay(org, h.log, mark) };
}

describe("conversation transitions", () => {
  it("every allowed conversation transition has a scenario, and nothing else does", () => {
    expect(Object.keys(CONVERSATION_SCENARIOS).sort()).toEqual(allowed(CONVERSATION_TRANSITIONS).sort());
  });

  for (const [transition, scenario] of Object.entries(CONVERSATION_SCENARIOS)) {
    it(`${scenario.spec}: ${transition} is reachable by commands`, () => {
      // given: a conversation in the "from" state; when: the scenario's command runs
      const { h, id, conversations } = run(scenario);
      // then: replaying the log with evolve makes exactly that change, and the conversation is in "to"
      const [, to] = transition.split("->") as [ConversationState, ConversationState];
      expect([...conversations]).toContain(transition);
      expect(h.conversation(id).state).toBe(to);
    });
  }

  it("replaying every scenario from scratch reaches every allowed transition and no other", () => {
    // given: every scenario's log; when: each is replayed from scratch; then: evolve accepts all of it
    const seen = new Set<Transition>();
    for (const scenario of Object.values(CONVERSATION_SCENARIOS)) {
      const org = scenario.org ?? testOrg();
      const h = new CoreHarness(org);
      scenario.when(h, scenario.given(h));
      for (const t of replay(org, h.log, 0).conversations) seen.add(t);
    }
    for (const t of seen) expect(allowed(CONVERSATION_TRANSITIONS)).toContain(t);
    expect([...seen].sort()).toEqual(allowed(CONVERSATION_TRANSITIONS).sort());
  });

  // States to start a forbidden move from, and an event that would move a conversation to each state.
  const IN_STATE: Record<ConversationState, { given: (h: CoreHarness) => string }> = {
    open: { given: (h) => h.start("live") },
    active: { given: CONVERSATION_SCENARIOS["active->wrapup"]!.given },
    waiting: { given: parked },
    wrapup: { given: CONVERSATION_SCENARIOS["wrapup->closed"]!.given },
    closed: {
      given: (h) => {
        const id = h.start("live");
        h.ok(h.customerOf(id), { type: "customer.end", conversationId: id });
        return id;
      },
    },
  };
  const MOVE_TO: Record<ConversationState, (id: string, at: number) => EventBody> = {
    open: (id) => ({ type: "queued", conversationId: id, queueId: "general" }),
    active: (id) => ({
      type: "assigned",
      conversationId: id,
      repId: "carol",
      units: 1,
      by: "supervisor",
      override: false,
      exceededBy: 0,
    }),
    waiting: (id, at) => ({ type: "waiting", conversationId: id, byRepId: "alice", until: at + DAY }),
    wrapup: (id) => ({ type: "wrapup_started", conversationId: id, repIds: ["alice"], customerEnded: false }),
    closed: (id) => ({ type: "closed", conversationId: id, by: "system" }),
  };
  const STATES = Object.keys(CONVERSATION_TRANSITIONS) as ConversationState[];
  const forbidden = STATES.flatMap((from) =>
    STATES.filter((to) => to !== from && !CONVERSATION_TRANSITIONS[from].includes(to)).map((to) => [from, to] as const),
  );

  it("the table forbids some moves, and Closed is final", () => {
    expect(forbidden.length).toBeGreaterThan(0);
    expect(CONVERSATION_TRANSITIONS.closed).toEqual([]);
  });

  for (const [from, to] of forbidden) {
    it(`a forbidden ${from}->${to} makes evolve throw`, () => {
      // given: a conversation in "from"
      const h = new CoreHarness();
      const id = IN_STATE[from].given(h);
      expect(h.conversation(id).state).toBe(from);
      // when: an event tries to move it to "to"
      const event = { ...MOVE_TO[to](id, h.now), seq: h.state.seq + 1, at: h.now } as DomainEvent;
      // then: evolve refuses it as a programmer error
      expect(() => evolve(h.state, event)).toThrow(`cannot go from ${from} to ${to}`);
    });
  }
});

describe("offer transitions", () => {
  it("every allowed offer transition has a scenario, and nothing else does", () => {
    expect(Object.keys(OFFER_SCENARIOS).sort()).toEqual(allowed(OFFER_TRANSITIONS).sort());
  });

  for (const [transition, scenario] of Object.entries(OFFER_SCENARIOS)) {
    it(`${scenario.spec}: offer ${transition} is reachable by commands`, () => {
      // given: a pending offer; when: the scenario's command runs
      const { h, id, offers } = run(scenario);
      // then: the replay settles it that way, and no offer for it is pending any more
      expect([...offers]).toContain(transition);
      expect(Object.values(h.state.offers).filter((o) => o.conversationId === id && o.repId === "alice")).toEqual([]);
    });
  }

  /** A state holding one offer in `status` (settled offers are normally dropped, so it is put back by hand). */
  function withOffer(status: OfferStatus): { state: State; offerId: string } {
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live");
    const offerId = h.offerFor("alice", id)!;
    h.state.offers[offerId]!.status = status;
    return { state: h.state, offerId };
  }

  const SETTLED = (Object.keys(OFFER_TRANSITIONS) as OfferStatus[]).filter((s) => OFFER_TRANSITIONS[s].length === 0);
  const TARGETS: Exclude<OfferStatus, "pending">[] = ["accepted", "rejected", "timed_out", "withdrawn"];

  it("only a pending offer can change", () => {
    expect(SETTLED.sort()).toEqual(["accepted", "rejected", "timed_out", "withdrawn"]);
    expect([...OFFER_TRANSITIONS.pending].sort()).toEqual([...TARGETS].sort());
  });

  for (const from of SETTLED) {
    for (const to of TARGETS) {
      it(`a forbidden offer ${from}->${to} makes evolve throw`, () => {
        // given: an offer already settled as "from"
        const { state, offerId } = withOffer(from);
        const offer = state.offers[offerId]!;
        // when: an event settles it again as "to"
        const body: EventBody =
          to === "accepted"
            ? { type: "offer_accepted", offerId, repId: offer.repId, conversationId: offer.conversationId }
            : { type: "offer_ended", offerId, repId: offer.repId, conversationId: offer.conversationId, status: to };
        // then: evolve throws
        expect(() => evolve(state, { ...body, seq: state.seq + 1, at: offer.createdAt } as DomainEvent)).toThrow(
          `cannot go from ${from} to ${to}`,
        );
      });
    }
  }

  it("a settled offer is forgotten: settling it twice throws", () => {
    // given: Alice rejected an offer
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live");
    const offerId = h.offerFor("alice", id)!;
    h.ok(rep("alice"), { type: "reject", offerId });
    // when: the same offer is ended again
    const event = {
      type: "offer_ended",
      offerId,
      repId: "alice",
      conversationId: id,
      status: "withdrawn",
      seq: h.state.seq + 1,
      at: h.now,
    } as DomainEvent;
    // then: evolve throws, and decide refuses to accept it
    expect(() => evolve(h.state, event)).toThrow(/unknown offer/);
    expect(h.refused(rep("alice"), { type: "accept", offerId })).toBe("offer/not_pending");
  });
});
