// What the rep does to an offer or to the conversation in focus: accept or reject, end (then the wrap-up), close a
// persistent chat to Waiting once confirmed, end a conference or a consult, take a closed one out of the pane. Each is
// refused first, with the reason, when the conversation's state or the rep's part in it does not allow it.
import { sanitizeLine } from "../../protocol/sanitize.js";
import type { OfferView } from "../../protocol/views.js";
import { currentOffer, isConferenceGuest, isConsulting, sessionTitle } from "../mirror/selectors.js";
import type { ConsoleContext } from "./context.js";
import { openWrapUp } from "./pickers.js";

/** Alt+Y: the oldest pending offer is taken; its conversation opens in focus. */
export async function acceptOffer(context: ConsoleContext): Promise<void> {
  const offer = currentOffer(context.state);
  if (!offer) return context.flash("There is no pending offer.");
  const result = await context.call({ type: "accept", offerId: offer.id });
  if (!result) return;
  void context.loadToday();
  // Taken from a picker (the card's Alt+Y works over one): the picker was for what the rep is leaving.
  if (context.state.picker) context.store.dispatch({ type: "picker", picker: null });
  // S4, L3: accepting opens the conversation and focuses it.
  context.store.dispatch({ type: "focus", target: String(result.conversationId ?? offer.conversationId) });
}

export async function rejectOffer(context: ConsoleContext): Promise<void> {
  const offer = currentOffer(context.state);
  if (!offer) return context.flash("There is no pending offer.");
  if (!(await context.call({ type: "reject", offerId: offer.id }))) return;
  context.flash(declinedText(offer));
}

/** What the rep who declined an offer is told: where the conversation goes, or who learns of it. */
function declinedText(offer: OfferView): string {
  const by = sanitizeLine(offer.byName ?? "");
  switch (offer.kind) {
    case "route":
      return "Offer rejected: another rep is offered it, or you again once no other rep is free.";
    case "consult":
      return `Consult request declined: ${by} is told.`;
    case "conference":
      return `Conference invitation declined: ${by} is told.`;
    case "transfer":
      return `Transfer declined: it goes back to the queue, and ${by} is told.`;
    case "supervisor_transfer":
      return `Transfer declined: it stays where it was, and ${by} is told.`;
  }
}

/**
 * Alt+E: the conversation ends and the wrap-up asks why; a consultant is told who ends it instead. With an unsent
 * draft it asks first (UX: End with an unsent draft asks first): once ended, the draft can never be sent.
 */
export async function endConversation(context: ConsoleContext, confirmed = false): Promise<void> {
  const session = context.focusedSession();
  if (!session) return context.flash("Open a conversation to end it.");
  const meId = context.state.me?.id ?? "";
  if (isConsulting(session.view, meId))
    return context.flash(
      `You are consulting: ${sanitizeLine(session.view.ownerName ?? "the rep")} ends it; /leave (Alt+L) leaves it.`,
      "warn",
    );
  if (session.view.wrapUpBy.includes(meId))
    return openWrapUp(context, session.id, session.view.customerEnded ? "customer_ended" : "end");
  if (isConferenceGuest(session.view, meId))
    return context.flash(
      `You are in ${sanitizeLine(session.view.ownerName ?? "the rep")}'s conference: they end it; Alt+X leaves it (then your wrap-up).`,
      "warn",
    );
  if (session.draft.trim() && !confirmed) {
    context.store.dispatch({
      type: "dialog",
      dialog: { kind: "confirm-end", conversationId: session.id, choice: "cancel" },
    });
    return;
  }
  if (await context.call({ type: "end", conversationId: session.id })) openWrapUp(context, session.id, "end");
}

/** Enter in the end dialog: ended only when End is the choice; the dialog goes either way. */
export async function endIfConfirmed(context: ConsoleContext): Promise<void> {
  const dialog = context.state.dialog;
  context.store.dispatch({ type: "dialog", dialog: null });
  if (dialog?.kind !== "confirm-end" || dialog.choice !== "confirm") return;
  if (context.state.focus !== dialog.conversationId) return;
  await endConversation(context, true);
}

/** Alt+X: this rep leaves the conference, then gives a wrap-up reason. */
export async function endConference(context: ConsoleContext): Promise<void> {
  const session = context.focusedSession();
  if (!session) return;
  if (await context.call({ type: "end_conference", conversationId: session.id }))
    openWrapUp(context, session.id, "conference");
}

/** Alt+L: a consultant leaves the conversation they were asked into. */
export async function leaveConsult(context: ConsoleContext): Promise<void> {
  const session = context.focusedSession();
  if (!session || !isConsulting(session.view, context.state.me?.id))
    return context.flash("You are not consulting on this conversation.", "warn");
  // The consult_ended notice follows and takes the conversation out of the pane.
  await context.call({ type: "end_consult", conversationId: session.id });
}

/** /endconsult: every consultant leaves the conversation, one request each; the first refusal stops there. */
export async function endConsults(context: ConsoleContext): Promise<void> {
  const session = context.focusedSession();
  const meId = context.state.me?.id ?? "";
  const consultants = session?.view.consultants.filter((id) => id !== meId) ?? [];
  if (!session || consultants.length === 0) return context.flash("Nobody is consulting on this conversation.", "warn");
  for (const repId of consultants)
    if (!(await context.call({ type: "end_consult", conversationId: session.id, repId }))) return;
  context.flash(
    consultants.length === 1 ? "The consult ended: the consultant left." : "The consults ended: the consultants left.",
  );
}

/** Alt+W: closing a persistent chat to Waiting asks first, with Cancel chosen. */
export function askToClose(context: ConsoleContext): void {
  const session = context.focusedSession();
  if (!session) return context.flash("Home is pinned and cannot be closed.", "warn");
  if (session.view.mode !== "persistent")
    return context.flash("Only a persistent chat can be closed to Waiting; end a live chat with Alt+E.", "warn");
  if (session.view.ownerId !== context.state.me?.id)
    return context.flash(`${sessionTitle(session)} is not yours to close: only the rep who has it closes it.`, "warn");
  context.store.dispatch({
    type: "dialog",
    dialog: { kind: "confirm-close", conversationId: session.id, choice: "cancel" },
  });
}

/** Enter in the close dialog: closed to Waiting only when Confirm is the choice; the dialog goes either way. */
export async function closeIfConfirmed(context: ConsoleContext): Promise<void> {
  const dialog = context.state.dialog;
  context.store.dispatch({ type: "dialog", dialog: null });
  if (dialog?.kind !== "confirm-close" || dialog.choice !== "confirm") return;
  if (await context.call({ type: "close", conversationId: dialog.conversationId }))
    context.flash("Closed to Waiting: it uses no capacity until the customer is back.");
}

/** A closed conversation leaves the pane; one still open must be ended (or closed to Waiting) first. */
export function removeClosedSession(context: ConsoleContext): void {
  const session = context.focusedSession();
  if (!session) return context.flash("Home is pinned and cannot be closed.", "warn");
  if (session.view.state !== "closed")
    return context.flash("End the conversation first (Alt+E); a persistent chat can go to Waiting (Alt+W).", "warn");
  context.store.dispatch({ type: "remove-session", conversationId: session.id });
}
