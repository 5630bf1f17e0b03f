// `why`: the routing decisions behind where a conversation is, as the server answers a supervisor's `why` request
// and as `cc-agent why` and the monitor put them in words. The routing core computes them with the code that
// decided (server/core/routing.ts, server/core/why.ts); this file only names and words them.
import { sanitizeLine } from "./sanitize.js";
import type { ConversationState, Presence } from "./vocabulary.js";
import { STATE_WORD } from "./vocabulary.js";

/** What keeps a rep from an offer (the order routing checks them in). */
export type Barrier = "not_in_queue" | "presence" | "holds_it" | "capacity" | "declined";
/** Why a rep was passed over: a barrier, the workstream outside its hours, or someone else came first. */
export type PassedOver = Barrier | "outside_hours" | "affinity" | "longer_idle";
/**
 * Why the chosen rep was chosen: the previous owner kept (P11), the longest idle eligible rep, a supervisor's
 * assign (SV5), a rep's own pick, a returning conversation given back to its rep (P12), a transfer to them.
 */
export type ChosenBy = "affinity" | "longest_idle" | "supervisor" | "pick" | "returning" | "transfer";

export interface RepVerdict {
  repId: string;
  name: string;
  /** null: this rep was chosen; else why they were passed over. */
  passedOver: PassedOver | null;
  presence: Presence;
  /** Capacity units in use and in all, at the decision. */
  used: number;
  capacity: number;
  /** Idle since (ms since the epoch): the longest idle eligible rep is offered first. */
  idleSince: number;
}

export interface RoutingDecision {
  /** The event that carried it (an offer or an assignment); null: now, the conversation is Open and offered to nobody. */
  seq: number | null;
  at: number;
  queueId: string;
  /** Who got it and why; null when nobody did. */
  chosen: { repId: string; by: ChosenBy; override: boolean } | null;
  /** Every rep of the org looked at, ranked: the chosen, the eligible in the order routing takes them, the rest. */
  reps: RepVerdict[];
  /** Every rep free to take it had declined it, so the declines were forgotten before this decision. */
  declinesForgotten: boolean;
  /** The offer this decision made ended without bringing the conversation to its rep: how. Absent otherwise. */
  offerEnded?: "rejected" | "timed_out" | "withdrawn";
}

export interface WhyAnswer {
  conversationId: string;
  state: ConversationState;
  queueId: string;
  ownerId: string | null;
  decisions: RoutingDecision[];
}

const PRESENCE_WORD: Readonly<Record<Presence, string>> = {
  available: "Available",
  busy: "Busy",
  dnd: "Busy-DND",
  away: "Away",
  offline: "Offline",
  rona: "RONA",
};

/** Ms since the epoch as people read a moment of the log: `2026-12-05 09:14:03Z`. */
export function whyTime(at: number): string {
  return new Date(at)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}

/** Names and ids come from the org file: made safe for a terminal wherever they are put in words. */
const safe = sanitizeLine;

function nameOf(decision: RoutingDecision, repId: string): string {
  return safe(decision.reps.find((r) => r.repId === repId)?.name ?? repId);
}

/** Why a rep was passed over, in words. */
export function passedOverWords(rep: RepVerdict, decision: RoutingDecision): string {
  const chosen = decision.chosen ? nameOf(decision, decision.chosen.repId) : "";
  switch (rep.passedOver) {
    case null:
      return "chosen";
    case "not_in_queue":
      return `not in queue ${safe(decision.queueId)}`;
    case "presence":
      return `${PRESENCE_WORD[rep.presence]}, not Available`;
    case "holds_it":
      return "already holds it";
    case "capacity":
      return `no room (${rep.used}/${rep.capacity} in use)`;
    case "declined":
      return "declined it";
    case "outside_hours":
      return "free, but the workstream is outside its hours";
    case "affinity":
      return `eligible, but ${chosen} had it before (affinity)`;
    case "longer_idle": {
      const first = decision.reps.find((r) => r.repId === decision.chosen?.repId);
      return first && first.idleSince === rep.idleSince
        ? `eligible, but ${chosen} was idle as long and comes first by id`
        : `eligible, but ${chosen} was idle longer`;
    }
  }
}

const CHOSEN_WORD: Readonly<Record<ChosenBy, string>> = {
  affinity: "had it before (affinity)",
  longest_idle: "idle longest of the eligible reps",
  supervisor: "assigned by a supervisor",
  pick: "picked it from the queue",
  returning: "given back on the customer's return",
  transfer: "transferred to them",
};

const OFFER_ENDED_WORD: Readonly<Record<NonNullable<RoutingDecision["offerEnded"]>, string>> = {
  rejected: " — rejected it",
  timed_out: " — did not answer in time",
  withdrawn: " — the offer was withdrawn",
};

/** A decision's headline: who got it and why, or why nobody did; and how its offer ended when it did not take. */
export function decisionHeadline(decision: RoutingDecision): string {
  const when = decision.seq === null ? `now (${whyTime(decision.at)})` : `#${decision.seq} ${whyTime(decision.at)}`;
  const forgotten = decision.declinesForgotten ? " (every free rep had declined it: declines forgotten)" : "";
  if (!decision.chosen) {
    const closed = decision.reps.some((r) => r.passedOver === "outside_hours");
    return `${when} queue ${safe(decision.queueId)}: offered to nobody${closed ? ", outside the workstream's hours" : ""}${forgotten}`;
  }
  const { repId, by, override } = decision.chosen;
  const past = override ? ", past presence or capacity (override)" : "";
  const ended = decision.offerEnded ? OFFER_ENDED_WORD[decision.offerEnded] : "";
  return `${when} queue ${safe(decision.queueId)}: ${nameOf(decision, repId)}: ${CHOSEN_WORD[by]}${past}${forgotten}${ended}`;
}

/** The whole answer as lines of text, safe for a terminal (the CLI prints them; the monitor shows them). */
export function whyLines(answer: WhyAnswer): string[] {
  const lines = [`${safe(answer.conversationId)}: ${STATE_WORD[answer.state]} in queue ${safe(answer.queueId)}`];
  if (answer.decisions.length === 0) lines.push("  no routing decision yet");
  for (const decision of answer.decisions) {
    lines.push(`  ${decisionHeadline(decision)}`);
    for (const rep of decision.reps) {
      const mark = rep.passedOver === null ? "✔" : "·";
      lines.push(`    ${mark} ${safe(rep.name)} (${safe(rep.repId)}): ${passedOverWords(rep, decision)}`);
    }
  }
  return lines;
}
