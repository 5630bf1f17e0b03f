// The org and its users as clients see them: settings, queues, workstreams and reasons; each user's presence and load.
import type { OrgView, UserView } from "../../src/protocol/views.js";
import { loadOf } from "./load.js";
import type { State, UserState } from "./model.js";
import { reasonsFor } from "../../src/protocol/rules.js";
import { REASON_PRESENCES } from "../../src/protocol/vocabulary.js";
import type { PresenceReasons } from "../../src/protocol/vocabulary.js";

/** A user's name as views show it; their id when the state has no such user. */
export function nameOf(state: State, id: string | null): string | null {
  return id ? (state.users[id]?.name ?? id) : null;
}

/** A user's presence, capacity and load; `reasons` (the org's) name the reason given with the presence. */
export function userView(u: UserState, reasons?: PresenceReasons): UserView {
  const load = loadOf(u);
  const view: UserView = {
    id: u.id,
    name: u.name,
    role: u.role,
    presence: u.presence,
    capacity: u.capacity,
    used: load.units,
    conversations: load.seats,
    queues: [...u.queues],
  };
  if (u.presenceReasonId) {
    // A reason the org no longer lists keeps its id as its label.
    const reason = reasonsFor(reasons, u.presence).find((r) => r.id === u.presenceReasonId);
    view.presenceReason = { id: u.presenceReasonId, label: reason?.label ?? u.presenceReasonId };
  }
  if (u.presenceSince !== undefined) view.presenceSince = u.presenceSince;
  return view;
}

/** The org as clients see it; staff also get the quick replies. */
export function orgView(state: State, forStaff = true): OrgView {
  const org = state.org;
  const view: OrgView = {
    name: org.name,
    masking: org.masking,
    supervisor: { ...org.supervisor, setPresence: org.supervisor.setPresence ?? false },
    queues: org.queues.map((q) => ({ id: q.id, name: q.name })),
    workstreams: org.workstreams.map((w) => ({
      id: w.id,
      name: w.name,
      mode: w.mode,
      queueId: w.queueId,
      sentimentThreshold: w.sentimentThreshold as -3,
      ...(forStaff && w.responseTargets ? { responseTargets: { ...w.responseTargets } } : {}),
    })),
    wrapUpReasons: org.wrapUpReasons.map((r) => ({ ...r })),
  };
  if (forStaff && org.quickReplies && org.quickReplies.length > 0)
    view.quickReplies = org.quickReplies.map((r) => ({ ...r }));
  const reasons = presenceReasonsView(org.presenceReasons);
  if (forStaff && reasons) view.presenceReasons = reasons;
  return view;
}

function presenceReasonsView(reasons: PresenceReasons | undefined): PresenceReasons | undefined {
  const view: PresenceReasons = {};
  for (const p of REASON_PRESENCES) {
    const list = reasons?.[p];
    if (list && list.length > 0) view[p] = list.map((r) => ({ id: r.id, label: r.label }));
  }
  return Object.keys(view).length > 0 ? view : undefined;
}

/** The org's users, less those deleted. */
export function activeUsers(state: State): UserState[] {
  return state.org.users.map((u) => state.users[u.id]!).filter((u) => u && !u.deleted);
}
