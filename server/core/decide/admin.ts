// The organisation changes: a new org file, and what it no longer lists (L4).
import type { Actor, Conversation, State } from "../model.js";
import { fill } from "../org.js";
import type { Org } from "../org.js";
import { workstreamOf } from "../routing.js";
import type { CommandOf } from "./common.js";
import { freed, liveConversations, pendingOffersOf, repOf, systemMessage, withdrawOffers } from "./common.js";
import { refuse } from "./tx.js";
import type { Tx } from "./tx.js";

/**
 * A new org (the org file, at start or reloaded). L4: the file is the admin's word. What it no longer lists is deleted
 * first, while the org that knew it is still in force: the conversations of a removed workstream, queue or user are
 * aborted with a warning (those of a removed workstream, and Open ones in a removed queue, are closed) instead of
 * waiting in a queue nobody serves, staying with someone who can no longer sign in, or stopping the server for want of
 * their workstream's settings. The result names what was removed.
 */
export function configure(tx: Tx, actor: Actor, command: CommandOf<"configure">): void {
  const { state } = tx;
  const removed = droppedBy(state, command.org);
  for (const { kind, id } of removed) {
    if (kind === "workstream") deleteWorkstream(tx, actor, { type: "delete_workstream", workstreamId: id });
    else if (kind === "queue") deleteQueue(tx, actor, { type: "delete_queue", queueId: id });
    else deleteUser(tx, actor, { type: "delete_user", userId: id });
  }
  tx.emit({ type: "configured", org: command.org });
  tx.touch(Object.keys(state.queues));
  if (removed.length > 0) tx.result = { removed: removed.map(({ kind, id }) => `${kind} ${id}`) };
}

/** The workstreams, queues and users the state knows and `org` no longer lists, in the order they are deleted. */
export function droppedBy(state: State, org: Org): { kind: "workstream" | "queue" | "user"; id: string }[] {
  const workstreams = new Set(org.workstreams.map((w) => w.id));
  const queues = new Set(org.queues.map((q) => q.id));
  const users = new Set(org.users.map((u) => u.id));
  return [
    ...state.org.workstreams
      .filter((w) => !workstreams.has(w.id))
      .map((w) => ({ kind: "workstream" as const, id: w.id })),
    ...Object.values(state.queues)
      .filter((q) => !q.deleted && !queues.has(q.id))
      .map((q) => ({ kind: "queue" as const, id: q.id })),
    ...Object.values(state.users)
      .filter((u) => !u.deleted && !users.has(u.id))
      .map((u) => ({ kind: "user" as const, id: u.id })),
  ];
}

export function deleteWorkstream(tx: Tx, actor: Actor, command: CommandOf<"delete_workstream">): void {
  const { state } = tx;
  // L4: without its workstream a conversation has no routing, capacity cost or texts left: it is aborted and
  // closed. Reps wrapping one up still submit their reason.
  const ws = state.org.workstreams.find((w) => w.id === command.workstreamId);
  if (!ws) refuse("workstream/not_found", `There is no workstream ${command.workstreamId}.`);
  const reason = `workstream ${ws.name} was removed`;
  for (const c of liveConversations(state).filter((x) => x.workstreamId === ws.id)) {
    const holders = Object.keys(state.users)
      .filter((id) => c.id in state.users[id]!.items)
      .sort();
    withdrawOffers(tx, c);
    systemMessage(tx, c, "aborted", fill(ws.texts.aborted, { reason }));
    if (!c.aborted) tx.emit({ type: "aborted", conversationId: c.id, reason });
    tx.emit({ type: "closed", conversationId: c.id, by: "system" });
    for (const id of holders) freed(tx, id);
  }
}

export function deleteQueue(tx: Tx, actor: Actor, command: CommandOf<"delete_queue">): void {
  const { state } = tx;
  const queue = state.queues[command.queueId];
  if (!queue || queue.deleted) refuse("queue/not_found", `There is no queue ${command.queueId}.`);
  const reason = `queue ${queue.name} was deleted`;
  for (const c of liveConversations(state).filter((x) => x.queueId === queue.id)) {
    const texts = workstreamOf(state, c).texts;
    if (c.state === "open") {
      withdrawOffers(tx, c);
      systemMessage(tx, c, "aborted", fill(texts.aborted, { reason }));
      tx.emit({ type: "aborted", conversationId: c.id, reason });
      tx.emit({ type: "closed", conversationId: c.id, by: "system" });
    } else if (!c.aborted) {
      // The message first: a customer's client that hears the conversation is over says so after it.
      systemMessage(tx, c, "aborted", fill(texts.aborted, { reason }));
      tx.emit({ type: "aborted", conversationId: c.id, reason });
    }
  }
  tx.emit({ type: "queue_deleted", queueId: queue.id });
}

export function deleteUser(tx: Tx, actor: Actor, command: CommandOf<"delete_user">): void {
  const { state } = tx;
  const rep = repOf(state, command.userId);
  const reason = `rep ${rep.name} was removed`;
  for (const o of pendingOffersOf(state, rep.id)) {
    const c = state.conversations[o.conversationId]!;
    if (o.kind === "conference") tx.emit({ type: "conference_cancelled", conversationId: c.id, repId: rep.id });
    if (o.kind === "transfer" || o.kind === "supervisor_transfer")
      tx.emit({ type: "transfer_ended", conversationId: c.id, outcome: "withdrawn" });
    tx.emit({
      type: "offer_ended",
      offerId: o.id,
      repId: o.repId,
      conversationId: o.conversationId,
      status: "withdrawn",
    });
    tx.touch([c.queueId]);
  }
  for (const c of liveConversations(state)) {
    if (c.ownerId === rep.id && c.state === "active") {
      systemMessage(tx, c, "aborted", fill(workstreamOf(state, c).texts.aborted, { reason }));
      tx.emit({ type: "aborted", conversationId: c.id, reason });
      if (nobodyLeftToEnd(state, c, rep.id)) tx.emit({ type: "closed", conversationId: c.id, by: "system" });
    } else if (c.participants.includes(rep.id)) {
      tx.emit({ type: "left", conversationId: c.id, repId: rep.id, toWrapUp: false });
    }
  }
  const wrappingUp = liveConversations(state).filter((c) => c.state === "wrapup" && c.wrapUpBy.includes(rep.id));
  tx.emit({ type: "user_deleted", userId: rep.id });
  // Nobody else was wrapping them up: they would stay in Wrap-up for ever.
  for (const c of wrappingUp)
    if (c.wrapUpBy.length === 0) tx.emit({ type: "closed", conversationId: c.id, by: "system" });
}

/**
 * L4 says the rep ends an aborted conversation. When that rep is the one removed, someone else must be able to: a
 * rep still in it, the customer of a live chat, or a supervisor allowed to force-close. With none of them (a persistent
 * chat, force close off) it would stay Active for ever, so it is closed with its warning.
 */
function nobodyLeftToEnd(state: State, c: Conversation, removedId: string): boolean {
  const staffLeft = c.participants.some((id) => id !== removedId && !state.users[id]?.deleted);
  return !staffLeft && c.mode === "persistent" && !state.org.supervisor.forceClose;
}
