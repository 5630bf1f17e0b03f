// The notices an event, already applied to the state, means for one member of staff: a line said to them in words
// (the footer of the console and of the monitor), with the conversation it is about. Views are changes.ts's.
import type { Change } from "../../src/protocol/views.js";
import type { Conversation, DomainEvent, State, TransferTarget } from "./model.js";
import { nameOf } from "./org-views.js";
import { staffCustomerName, staffTitle } from "./staff-text.js";
import { canSee } from "./viewer.js";
import type { Viewer } from "./viewer.js";
import { reasonsFor } from "../../src/protocol/rules.js";
import { PRESENCE_WORD, urgentAttentionText } from "../../src/protocol/vocabulary.js";

type Staff = Extract<Viewer, { role: "rep" | "supervisor" }>;

/** The notices `event` means for `viewer` (staff), `c` the conversation it is about, if any. */
export function noticesFor(state: State, event: DomainEvent, viewer: Staff, c: Conversation | undefined): Change[] {
  const changes: Change[] = [];
  const me = viewer.id;
  switch (event.type) {
    case "offer_ended":
      if (event.repId === me && event.status === "withdrawn")
        changes.push({
          kind: "notice",
          code: "offer_withdrawn",
          text: "The offer was withdrawn.",
          conversationId: event.conversationId,
        });
      // The rep who asked a colleague to consult or to join learns that they will not (a transfer says so itself).
      if (event.byId === me && c && event.status !== "withdrawn") {
        const asked = event.kind === "consult" ? "consult" : event.kind === "conference" ? "conference" : null;
        if (asked) {
          const request = `your ${asked} request on ${staffTitle(state, c)}`;
          changes.push({
            kind: "notice",
            code: asked === "consult" ? "consult_declined" : "conference_declined",
            text:
              event.status === "rejected"
                ? `${nameOf(state, event.repId)} declined ${request}.`
                : `${nameOf(state, event.repId)} did not answer ${request} in time.`,
            conversationId: c.id,
          });
        }
      }
      break;
    case "presence_changed":
      if (event.reason === "rona" && event.userId === me) {
        changes.push({
          kind: "notice",
          code: "rona",
          text: "You did not answer an offer in time and are now RONA: no offers reach you until you set yourself Available.",
        });
      }
      // The rep learns who changed their presence for them, and to what.
      if (event.by !== undefined && event.by !== me && event.userId === me) {
        // The event's own reason: the presence may have moved on within the same command (Busy at capacity).
        const reason =
          event.reasonId === undefined
            ? undefined
            : (reasonsFor(state.org.presenceReasons, event.presence).find((r) => r.id === event.reasonId)?.label ??
              event.reasonId);
        changes.push({
          kind: "notice",
          code: "presence_set",
          text: `${nameOf(state, event.by)} set your presence to ${PRESENCE_WORD[event.presence]}${reason ? ` · ${reason}` : ""}.`,
        });
      }
      break;
    case "sentiment_changed":
      if (event.alert && c && canSee(state, viewer, c) && (viewer.role !== "rep" || inRepsPane(viewer.id, c))) {
        changes.push({
          kind: "notice",
          code: "sentiment_alert",
          text: urgentAttentionText(
            staffTitle(state, c),
            watchingOnly(viewer, c) ? { ownerName: nameOf(state, c.ownerId) } : undefined,
          ),
          conversationId: c.id,
        });
      }
      break;
    case "assigned":
      // P12: the customer wrote again in a parked chat, and it came straight back to its rep, without an offer.
      if (event.by === "auto" && event.repId === me && c)
        changes.push({
          kind: "notice",
          code: "customer_back",
          text: `${staffCustomerName(state, c)} is back: their conversation is assigned to you again.`,
          conversationId: c.id,
        });
      break;
    case "queued":
      // P6: the customer is back in a chat this rep parked, and it waits in the queue (they are not Available, or it
      // is not theirs by the workstream's rules): told where it is. An offer of it to them is a card of its own.
      if (
        event.returning &&
        c &&
        viewer.role === "rep" &&
        c.lastOwnerId === me &&
        !(c.id in (state.users[me]?.items ?? {}))
      )
        changes.push({
          kind: "notice",
          code: "customer_back",
          text: `${staffCustomerName(state, c)} is back: their conversation went to the ${state.queues[c.queueId]?.name ?? c.queueId} queue${awayWord(state, me)}.`,
          conversationId: c.id,
        });
      break;
    case "wrapup_started":
      if (event.customerEnded && event.repIds.includes(me)) {
        changes.push({
          kind: "notice",
          code: "customer_ended",
          text: "Customer ended the conversation",
          conversationId: event.conversationId,
        });
      }
      break;
    case "aborted":
      if (c && canSee(state, viewer, c))
        changes.push({
          kind: "notice",
          code: "aborted",
          text: `Conversation aborted: ${event.reason}. It can only be ended.`,
          conversationId: event.conversationId,
        });
      break;
    case "transfer_requested":
      // SV6: a supervisor moves a rep's conversation to another rep: the rep learns it before the offer is answered.
      if (c && event.transfer.by === "supervisor" && event.transfer.fromRepId === me)
        changes.push({
          kind: "notice",
          code: "supervisor_transfer",
          text: `A supervisor is transferring ${staffTitle(state, c)} to ${targetName(state, event.transfer.target)}; it stays yours until they answer.`,
          conversationId: c.id,
        });
      break;
    case "consultant_added":
      // SV6: a supervisor moved this rep's conversation to a queue, keeping them on as its consultant.
      if (c && event.repId === me && c.ownerId === null)
        changes.push({
          kind: "notice",
          code: "supervisor_transfer",
          text: `A supervisor transferred ${staffTitle(state, c)} to the ${targetName(state, { kind: "queue", id: c.queueId })}; you stay on as its consultant.`,
          conversationId: c.id,
        });
      // The rep who asked is told their colleague is in.
      if (c && c.ownerId === me && event.repId !== me)
        changes.push({
          kind: "notice",
          code: "consult_joined",
          text: `${nameOf(state, event.repId)} joined the consult on ${staffTitle(state, c)}: what they write reaches you only.`,
          conversationId: c.id,
        });
      break;
    case "consultant_left":
      // The rep is told their consultant left of their own accord (they know when they ended it themselves).
      if (c && c.ownerId === me && event.by === event.repId && event.repId !== me)
        changes.push({
          kind: "notice",
          code: "consult_left",
          text: `${nameOf(state, event.repId)} left the consult on ${staffTitle(state, c)}.`,
          conversationId: c.id,
        });
      // The consultant no longer sees the conversation: they are told, so their console lets it go.
      if (event.repId === me && c)
        changes.push({
          kind: "notice",
          code: "consult_ended",
          text:
            event.by === me
              ? `You left the consult on ${staffTitle(state, c)}.`
              : `${nameOf(state, event.by)} ended your consult on ${staffTitle(state, c)}.`,
          conversationId: c.id,
        });
      break;
    case "closed":
      // A supervisor's force close: the reps it was taken from are told who closed it (the thread's line is the
      // customer's too, and says only that it ended).
      if (c && viewer.role === "rep" && event.by !== me && state.users[event.by]?.role === "supervisor")
        changes.push({
          kind: "notice",
          code: "force_closed",
          text: `${nameOf(state, event.by)} closed ${staffTitle(state, c)}.`,
          conversationId: c.id,
        });
      break;
    case "transfer_ended":
      // L10: the rep who transferred it learns that the target did not take it, and where it went.
      if (event.notAcceptedBy && event.fromRepId === me && c) {
        changes.push({
          kind: "notice",
          code: "transfer_not_accepted",
          text: `${nameOf(state, event.notAcceptedBy)} did not accept the transfer of ${staffTitle(state, c)}; it went back to the ${state.queues[c.queueId]?.name ?? c.queueId} queue.`,
          conversationId: c.id,
        });
      }
      if (event.outcome === "rejected" && viewer.role === "supervisor") {
        changes.push({
          kind: "notice",
          code: "transfer_rejected",
          text: "The transfer was rejected; the conversation stays where it was.",
          conversationId: event.conversationId,
        });
      }
      break;
    default:
      break;
  }
  return changes;
}

/** A supervisor looking at a conversation they take no part in (S9's hint then says whose it is). */
function watchingOnly(viewer: Viewer, c: Conversation): boolean {
  return viewer.role === "supervisor" && c.ownerId !== viewer.id && !c.participants.includes(viewer.id);
}

/**
 * A conversation that is one of a rep's sessions (the console's pane): theirs, a conference or consult they are in, or
 * parked in Waiting from their hands. Not one only offered to them: its card shows the sentiment already.
 */
function inRepsPane(repId: string, c: Conversation): boolean {
  return (
    c.ownerId === repId ||
    c.participants.includes(repId) ||
    c.consultants.includes(repId) ||
    (c.state === "waiting" && c.lastOwnerId === repId)
  );
}

/** ", while you are Away": why a customer who came back was not offered to their rep; nothing while Available. */
function awayWord(state: State, repId: string): string {
  const presence = state.users[repId]?.presence;
  return presence && presence !== "available" ? `, while you are ${PRESENCE_WORD[presence]}` : "";
}

/** "Bob Okafor", "Billing queue": where a transfer goes, as people name it. */
function targetName(state: State, target: TransferTarget): string {
  return target.kind === "rep"
    ? (nameOf(state, target.id) ?? target.id)
    : `${state.queues[target.id]?.name ?? target.id} queue`;
}
