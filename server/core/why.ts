// `why`: the routing decisions behind where a conversation is, recomputed from the log by the code that decided.
//
// The log is folded through the same evolve up to each decision about the conversation, and the same selection
// (routing.ts `choose`, with every rep looked at) explains it on the state it was taken on. Every event is applied
// as it is emitted, so the state folded up to an `offered` event is exactly the state routing chose on. Recording
// the explanation in each offer instead would put every rep of the queue into every offer event, for every
// conversation, though it is asked about rarely; recomputing keeps the log as it is and the answer exact, as long
// as the rules that wrote the log are the rules that read it (an upgrade that changes them explains old offers by
// the new rules).
import { usedUnits } from "./load.js";
import type { Conversation, DomainEvent, State, UserState } from "./model.js";
import { isOpenAt } from "./org.js";
import { before, choose, workstreamOf } from "./routing.js";
import type { Barrier, ChosenBy, RepVerdict, RoutingDecision, WhyAnswer } from "../../src/protocol/why.js";

const BARRIER_ORDER: readonly Barrier[] = ["declined", "capacity", "holds_it", "presence", "not_in_queue"];

function verdict(rep: UserState, passedOver: RepVerdict["passedOver"]): RepVerdict {
  return {
    repId: rep.id,
    name: rep.name,
    passedOver,
    presence: rep.presence,
    used: usedUnits(rep),
    capacity: rep.capacity,
    idleSince: rep.idleSince,
  };
}

/** The reps an explanation lists: every rep of the org, and anyone else in the queue (a supervisor may take work). */
function listed(state: State, queueId: string): string[] {
  const ids: string[] = [];
  for (const u of state.org.users) {
    const rep = state.users[u.id];
    if (rep && !rep.deleted && (rep.role === "rep" || rep.queues.includes(queueId))) ids.push(u.id);
  }
  return ids.sort();
}

/** Rank: the chosen; the eligible in the order routing takes them; the rest by what kept them, then by id. */
function rank(state: State, reps: RepVerdict[]): RepVerdict[] {
  const group = (r: RepVerdict): number =>
    r.passedOver === null ? 0 : BARRIER_ORDER.includes(r.passedOver as Barrier) ? 2 : 1;
  return reps.sort((a, b) => {
    const ga = group(a);
    const gb = group(b);
    if (ga !== gb) return ga - gb;
    if (ga === 1) return before(state.users[a.repId]!, state.users[b.repId]!) ? -1 : 1;
    if (ga === 2) {
      const order = BARRIER_ORDER.indexOf(a.passedOver as Barrier) - BARRIER_ORDER.indexOf(b.passedOver as Barrier);
      if (order !== 0) return order;
    }
    return a.repId < b.repId ? -1 : a.repId > b.repId ? 1 : 0;
  });
}

/**
 * Why routing offers `c` to whom it does at `at` on `state`, every rep's verdict included: the selection policy run
 * over every rep, after the hours check routing makes first (P2).
 */
export function explainRouting(
  state: State,
  c: Conversation,
  at: number,
  seq: number | null,
  declinesForgotten = false,
): RoutingDecision {
  const ws = workstreamOf(state, c);
  const open = isOpenAt(ws.operatingHours, at);
  const barriers = new Map<UserState, Barrier | null>();
  const selection = choose(state, c, ws, listed(state, c.queueId), (rep, barrier) => {
    if (barrier !== "deleted" && barrier !== "not_member") barriers.set(rep, barrier);
  });
  const chosen = open ? selection : null;
  const reps: RepVerdict[] = [];
  for (const [rep, barrier] of barriers) {
    let passedOver: RepVerdict["passedOver"] = barrier;
    if (barrier === null) {
      if (!chosen) passedOver = "outside_hours";
      else if (chosen.rep !== rep) passedOver = chosen.by === "affinity" ? "affinity" : "longer_idle";
    }
    reps.push(verdict(rep, passedOver));
  }
  return {
    seq,
    at,
    queueId: c.queueId,
    chosen: chosen && { repId: chosen.rep.id, by: chosen.by, override: false },
    reps: rank(state, reps),
    declinesForgotten,
  };
}

/** A rep chosen by a person (a supervisor, the rep, a transfer) or given back on return: that rep as they were. */
function chosenBy(state: State, c: Conversation, event: DomainEvent, repId: string, by: ChosenBy, override: boolean) {
  const rep = state.users[repId];
  return {
    seq: event.seq,
    at: event.at,
    queueId: c.queueId,
    chosen: { repId, by, override },
    reps: rep ? [verdict(rep, null)] : [],
    declinesForgotten: false,
  } satisfies RoutingDecision;
}

const ASSIGNED_BY: Readonly<Record<"auto" | "supervisor" | "pick", ChosenBy>> = {
  auto: "returning",
  supervisor: "supervisor",
  pick: "pick",
};

/** Collects the decisions about one conversation while a log is folded: `see` each event before it is applied. */
export class WhyFold {
  private readonly decisions: RoutingDecision[] = [];
  /** The decision each offer of the conversation came from, until the offer ends. */
  private readonly byOffer = new Map<string, RoutingDecision>();
  private forgotten = false;

  constructor(readonly conversationId: string) {}

  see(state: State, event: DomainEvent): void {
    const id = this.conversationId;
    switch (event.type) {
      case "declines_forgotten":
        if (event.conversationId === id) this.forgotten = true;
        return;
      case "offered": {
        const o = event.offer;
        const c = state.conversations[id];
        if (o.conversationId !== id || !c) return;
        // A log folded from its start with a later org may lack the workstream: nothing to explain it by.
        const known = state.org.workstreams.some((w) => w.id === c.workstreamId);
        const decision =
          o.kind === "route"
            ? known
              ? explainRouting(state, c, event.at, event.seq, this.forgotten)
              : null
            : o.kind !== "conference" && o.kind !== "consult"
              ? chosenBy(state, c, event, o.repId, "transfer", false)
              : null;
        if (decision) {
          this.decisions.push(decision);
          this.byOffer.set(o.id, decision);
        }
        this.forgotten = false;
        return;
      }
      case "offer_ended": {
        // A rejected or unanswered offer did not bring the conversation to that rep: its decision says so.
        const decision = event.conversationId === id ? this.byOffer.get(event.offerId) : undefined;
        if (decision) decision.offerEnded = event.status;
        this.byOffer.delete(event.offerId);
        return;
      }
      case "offer_accepted":
        this.byOffer.delete(event.offerId);
        return;
      case "assigned": {
        const c = state.conversations[id];
        // An accepted offer was explained when it was made.
        if (event.conversationId !== id || !c || event.by === "offer") return;
        this.decisions.push(chosenBy(state, c, event, event.repId, ASSIGNED_BY[event.by], event.override));
        return;
      }
      default:
        return;
    }
  }

  /** The answer on the state folded to the end, at `now`; null when the conversation is not in it. */
  answer(state: State, now: number): WhyAnswer | null {
    const c = state.conversations[this.conversationId];
    if (!c) return null;
    const decisions = [...this.decisions];
    // Open and offered to nobody: why nobody, now.
    const known = state.org.workstreams.some((w) => w.id === c.workstreamId);
    if (c.state === "open" && !c.offerId && !c.transfer && known) decisions.push(explainRouting(state, c, now, null));
    return { conversationId: c.id, state: c.state, queueId: c.queueId, ownerId: c.ownerId, decisions };
  }
}
