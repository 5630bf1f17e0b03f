// The console's pickers: when each may open (refused with the reason otherwise), what it loads, and what choosing a
// row does: transfer, conference and consult targets, the wrap-up reason, presence, a quick reply, a session, or a
// customer's earlier conversation.
import { sanitizeLine } from "../../protocol/sanitize.js";
import { prompts as draftPrompts } from "./templates.js";
import type { ConversationView, HistoryItemView } from "../../protocol/views.js";
import type { PickerItem } from "../components/Picker.js";
import { pickedPresence } from "../components/presence-items.js";
import { editorFor, insert } from "../keys/line-editor.js";
import type { Picker, UiState } from "../mirror/state.js";
import { fieldKey } from "../mirror/state.js";
import type { ConsoleContext } from "./context.js";
import { historyOrigin, historyText } from "./history.js";
import { pickerItems } from "./selectors.js";

/** Alt+T, Alt+C: who the focused conversation can go to (queues or reps), or which rep to bring in. */
export async function openTransferOrConference(
  context: ConsoleContext,
  command: "transfer" | "conference",
): Promise<void> {
  const session = context.focusedSession();
  if (!session) return context.flash(`Open a conversation first, then ${command}.`);
  if (session.view.state !== "active" || session.view.ownerId !== context.state.me?.id) {
    return context.flash(`You can ${command} only a conversation you accepted and that is Active.`, "warn");
  }
  const picker: Picker =
    command === "transfer"
      ? { kind: "transfer", conversationId: session.id, tab: "queues", filter: "", index: 0, loadedAt: null }
      : { kind: "conference", conversationId: session.id, filter: "", index: 0, loadedAt: null };
  context.store.dispatch({ type: "picker", picker });
  await reloadTargets(context);
}

/** Alt+U: the reps who can consult; the owner or a participant asks, while the conversation is Active. */
export async function openConsult(context: ConsoleContext): Promise<void> {
  const session = context.focusedSession();
  if (!session) return context.flash("Open a conversation first, then ask someone to consult.");
  const meId = context.state.me?.id ?? "";
  if (session.view.state !== "active" || (session.view.ownerId !== meId && !session.view.participants.includes(meId)))
    return context.flash("You can ask for a consult only in an Active conversation you handle.", "warn");
  context.store.dispatch({
    type: "picker",
    picker: { kind: "consult", conversationId: session.id, filter: "", index: 0, loadedAt: null },
  });
  await reloadTargets(context);
}

/** The wrap-up reasons, once the conversation is no longer the rep's to handle (`after` says how it went). */
export function openWrapUp(
  context: ConsoleContext,
  conversationId: string,
  after: "end" | "transfer" | "conference" | "customer_ended",
): void {
  // After a transfer the org's "Transferred" reason, if it has one, is the likely answer: it is highlighted first.
  const reasons = context.state.org?.wrapUpReasons ?? [];
  const transferred = after === "transfer" ? reasons.findIndex((r) => r.id === "transferred") : -1;
  const index = Math.max(0, transferred);
  context.store.dispatch({ type: "picker", picker: { kind: "wrapup", conversationId, filter: "", index, after } });
}

/** Alt+I, /q: the org's quick replies and the rep's own, for the focused conversation. */
export function openQuickReplies(context: ConsoleContext, filter: string): void {
  const session = context.focusedSession();
  if (!session) return context.flash("Open a conversation to insert a quick reply.", "warn");
  context.store.dispatch({
    type: "picker",
    picker: {
      kind: "quickreply",
      conversationId: session.id,
      filter,
      index: 0,
      personal: context.options.quickReplies ?? [],
    },
  });
}

/** The queues and reps to transfer, conference or consult to, asked anew (Ctrl+R); the picker notes when. */
export async function reloadTargets(context: ConsoleContext): Promise<void> {
  const result = await context.call({ type: "targets" });
  if (!result) return;
  context.store.dispatch({ type: "targets", targets: result as unknown as UiState["targets"] & object });
  const picker = context.state.picker;
  if (picker && (picker.kind === "transfer" || picker.kind === "conference" || picker.kind === "consult")) {
    context.store.dispatch({ type: "picker", picker: { ...picker, loadedAt: context.now() } });
  }
}

/** The customer's earlier conversations, asked through `conversationId`; a refusal is said only when `loud`. */
export async function loadHistory(context: ConsoleContext, conversationId: string, loud: boolean): Promise<boolean> {
  let result: Record<string, unknown>;
  try {
    result = await context.client.request({ type: "history", conversationId });
  } catch (error) {
    if (loud) context.flash((error as Error).message, "error");
    return false;
  }
  context.store.dispatch({ type: "history", conversationId, items: (result.items as HistoryItemView[]) ?? [] });
  return true;
}

/** Alt+H, /history: the signed-in customer's earlier conversations in a picker; Enter opens one read-only. */
export async function openHistory(context: ConsoleContext): Promise<void> {
  const session = context.focusedSession();
  if (!session)
    return context.flash("Open a conversation of a signed-in customer, then Alt+H lists their earlier ones.");
  if (!session.view.customer.authenticated)
    return context.flash("This customer is a visitor, not signed in: there is no history to list.", "warn");
  const origin = historyOrigin(session);
  if (!(await loadHistory(context, origin, true))) return;
  if ((context.state.history[origin] ?? []).length === 0)
    return context.flash(`${sanitizeLine(session.view.customer.name)} has no earlier conversations.`);
  context.store.dispatch({ type: "picker", picker: { kind: "history", conversationId: origin, filter: "", index: 0 } });
}

/** Esc: the help's filter, then the help; a picker goes, except the wrap-up, which wants a reason. */
export function escapePicker(context: ConsoleContext): void {
  const { dialog, picker } = context.state;
  if (dialog?.kind === "help") {
    context.store.dispatch({ type: "dialog", dialog: dialog.filter ? { kind: "help", filter: "" } : null });
    return;
  }
  if (picker?.kind === "wrapup" && !picker.filter) return context.flash("Choose a wrap-up reason to finish.", "warn");
  context.store.dispatch({ type: "dismiss-picker" });
}

/** Enter (or 1–9) in a picker: what the selected row stands for is done; a disabled row says why not. */
export async function selectPicked(context: ConsoleContext): Promise<void> {
  const picker = context.state.picker;
  if (!picker) return;
  const item = pickerItems(context.state, picker)[picker.index];
  if (!item) return;
  if (item.disabled) return context.flash(`${item.label} cannot be chosen: ${item.disabled}.`, "warn");
  switch (picker.kind) {
    case "transfer": {
      const [kind, id] = item.id.split(":") as ["queue" | "rep", string];
      const result = await context.call({
        type: "transfer",
        conversationId: picker.conversationId,
        target: { kind, id },
      });
      if (!result) return;
      void context.loadToday();
      // L10: Transfer starts the request and opens the wrap-up dialog.
      openWrapUp(context, picker.conversationId, "transfer");
      return;
    }
    case "conference":
    case "consult": {
      // Both ask a rep in: the picker goes whatever the answer; the request is named like the picker.
      const result = await context.call({
        type: picker.kind,
        conversationId: picker.conversationId,
        repId: item.id.slice(4),
      });
      context.store.dispatch({ type: "picker", picker: null });
      if (result)
        context.flash(
          picker.kind === "conference"
            ? `Conference requested: waiting for ${item.label}.`
            : `Consult requested: waiting for ${item.label}. They will write to you only.`,
        );
      return;
    }
    case "wrapup": {
      const result = await context.call({ type: "wrapup", conversationId: picker.conversationId, reasonId: item.id });
      if (!result) return;
      context.store.dispatch({ type: "picker", picker: null });
      void context.loadToday();
      // Handed over (transferred, or left a conference): no longer the rep's work, and the server tells
      // them no more about it, so it leaves the pane and My work items instead of staying "Open" forever.
      if (picker.after === "transfer" || picker.after === "conference")
        context.store.dispatch({ type: "remove-session", conversationId: picker.conversationId });
      context.store.dispatch({ type: "focus", target: "home" });
      context.flash(`Wrap-up submitted: ${item.label}.`);
      return;
    }
    case "presence": {
      context.store.dispatch({ type: "picker", picker: null });
      await context.call({ type: "presence", ...pickedPresence(item.id) });
      return;
    }
    case "quickreply": {
      context.store.dispatch({ type: "picker", picker: null });
      const session = context.state.sessions[picker.conversationId];
      if (!session) return;
      const field = { kind: "draft", id: session.id } as const;
      const editor = editorFor(session.draft, context.state.editors[fieldKey(field)]);
      const text = (item as PickerItem & { text?: string }).text ?? "";
      // After a word (a reply inserted before, or typed text), a space keeps the two apart.
      const before = editor.text.slice(0, editor.cursor);
      const joined = before === "" || /\s$/.test(before) ? text : ` ${text}`;
      const next = insert(editor, joined, true);
      context.store.dispatch({ type: "edit", field, editor: next });
      // Every prompt of the message, not only this reply's: what is left to fill before it can be sent.
      const prompts = draftPrompts(context.state, context.options.quickReplies ?? [], next.text).length;
      if (prompts > 0)
        context.flash(
          prompts === 1 ? "1 parameter to fill: Tab goes to it." : `${prompts} parameters to fill: Tab goes to each.`,
        );
      return;
    }
    case "switcher":
      context.store.dispatch({ type: "picker", picker: null });
      context.store.dispatch({ type: "focus", target: item.id });
      return;
    case "history": {
      const result = await context.call({
        type: "history_conversation",
        conversationId: picker.conversationId,
        earlierId: item.id,
      });
      if (!result) return;
      context.store.dispatch({ type: "picker", picker: null });
      const conversation = result.conversation as ConversationView;
      context.store.dispatch({ type: "history-opened", conversation, historyOf: picker.conversationId });
      const listed = context.state.history[picker.conversationId]?.find((h) => h.id === item.id);
      context.flash(
        `Opened the conversation of ${listed ? historyText(listed) : item.label}, read-only. Alt+H lists the others.`,
      );
      return;
    }
  }
}
