// Who may see which conversations, indexed for what a staff member is sent at sign-in (snapshot.ts). A snapshot
// scanned every conversation the server had ever held — Closed ones included, which stay in the state — so each
// sign-in or resume that the log could not serve cost ~1 µs per conversation of history: 110–120 ms with 100,000
// Closed, in the event loop that serves every socket. The index keeps the conversations that are not Closed and, per
// rep, those they may see and the latest they may see that closed; a snapshot looks only at those.
//
// Like indexes.ts: derived, beside the state (snapshots and events stay as they are), built from the state on first
// use — only a state that serves snapshots, the gateway's replica, ever builds it — and kept current by evolve
// (`noteVisibility`). Entries are added eagerly and dropped lazily: a rep's entry is a candidate that canSee
// confirms at each read.
import { byNumericId } from "./dict.js";
import type { Conversation, DomainEvent, State } from "./model.js";
import { conversationIdOf, staffOf } from "./audience.js";

/**
 * How many Closed conversations a rep's snapshot carries, the most recently closed first: enough for Home's
 * "Recently closed", while a rep's history of weeks would make every sign-in a download of megabytes.
 */
export const RECENTLY_CLOSED_IN_SNAPSHOT = 20;

/**
 * How many Closed conversations the index keeps per rep: more than a snapshot shows, so that should one no longer be
 * theirs to see, enough are left behind it.
 */
const CLOSED_KEPT = 2 * RECENTLY_CLOSED_IN_SNAPSHOT;

interface Visibility {
  /** Conversations not Closed, in the order they were created. */
  live: Set<string>;
  /** Per rep, conversations not Closed that they were part of (each may have closed, or left them, since). */
  repLive: Map<string, Set<string>>;
  /** Per rep, the latest Closed conversations (CLOSED_KEPT) they were part of at their close, oldest first. */
  repClosed: Map<string, string[]>;
}

const built = new WeakMap<State, Visibility>();

/** Reps who may see `c` now, or may have (audience.ts). */
function repsOf(state: State, c: Conversation): string[] {
  const reps: string[] = [];
  staffOf(state, c, reps);
  return reps;
}

function addLive(v: Visibility, repId: string, id: string): void {
  const set = v.repLive.get(repId);
  if (set) set.add(id);
  else v.repLive.set(repId, new Set([id]));
}

function addClosed(v: Visibility, repId: string, id: string): void {
  const list = v.repClosed.get(repId);
  if (!list) v.repClosed.set(repId, [id]);
  else if (!list.includes(id)) {
    list.push(id);
    if (list.length > CLOSED_KEPT) list.shift();
  }
}

/** Closed conversations in the order a snapshot ranks them, reversed: the earliest closed first. */
export function byClosing(a: Conversation, b: Conversation): number {
  return (a.closedAt ?? 0) - (b.closedAt ?? 0) || a.id.localeCompare(b.id, "en");
}

function visibilityOf(state: State): Visibility {
  let found = built.get(state);
  if (!found) {
    found = { live: new Set(), repLive: new Map(), repClosed: new Map() };
    const closed: Conversation[] = [];
    for (const id in state.conversations) {
      const c = state.conversations[id]!;
      if (c.state === "closed") closed.push(c);
      else {
        found.live.add(id);
        for (const repId of repsOf(state, c)) addLive(found, repId, id);
      }
    }
    closed.sort(byClosing);
    for (const c of closed) for (const repId of repsOf(state, c)) addClosed(found, repId, c.id);
    built.set(state, found);
  }
  return found;
}

/**
 * For evolve, after it applied `event`: the index (where built) learns who is part of the conversation the event is
 * about. Events that change only a record's thread (messages, sentiment) change nobody's part in it.
 */
export function noteVisibility(state: State, event: DomainEvent): void {
  const v = built.get(state);
  if (!v || event.type === "message_added" || event.type === "sentiment_changed") return;
  const id = conversationIdOf(event);
  const c = id === undefined ? undefined : state.conversations[id];
  if (!c) return;
  if (c.state !== "closed") {
    v.live.add(c.id);
    for (const repId of repsOf(state, c)) addLive(v, repId, c.id);
  } else if (event.type === "closed") {
    v.live.delete(c.id);
    for (const repId of repsOf(state, c)) {
      v.repLive.get(repId)?.delete(c.id);
      addClosed(v, repId, c.id);
    }
  }
}

/** The conversations not Closed, in the order they were created. */
export function conversationsNotClosed(state: State): Conversation[] {
  const v = visibilityOf(state);
  const found: Conversation[] = [];
  for (const id of v.live) {
    const c = state.conversations[id];
    if (c && c.state !== "closed") found.push(c);
    else v.live.delete(id);
  }
  return found;
}

/**
 * The conversations rep `repId` may see (a reader confirms each with canSee): those not Closed, and the latest
 * Closed ones, RECENTLY_CLOSED_IN_SNAPSHOT of them at least, in the order they were created.
 */
export function repCandidates(state: State, repId: string): Conversation[] {
  const v = visibilityOf(state);
  const ids: string[] = [];
  const live = v.repLive.get(repId);
  if (live)
    for (const id of live) {
      if (state.conversations[id]?.state === "closed") live.delete(id);
      else ids.push(id);
    }
  ids.push(...(v.repClosed.get(repId) ?? []));
  return ids
    .sort(byNumericId)
    .map((id) => state.conversations[id])
    .filter((c) => c !== undefined);
}
