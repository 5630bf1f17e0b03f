// Quick replies in the composer: the picker's rows, known parameters filled from what the rep sees (masked values
// stay masked), and the `<label>` prompts the rep fills (Tab goes to the next; typing replaces the one at the cursor).
import { sanitizeLine } from "../../protocol/sanitize.js";
import { fillKnown, matchReplies, placeholders } from "../../protocol/quick-replies.js";
import type { ParameterValues, Placeholder, QuickReply } from "../../protocol/quick-replies.js";
import type { PickerItem } from "../components/Picker.js";
import type { Session, UiState } from "../mirror/state.js";

/**
 * The known parameters' values in a session: its view is already masked for the rep, so nothing hidden leaks. A
 * visitor's name is the server's "Visitor 12", not theirs: their name stays a prompt (never "Hi Visitor,").
 */
export function parameterValues(state: UiState, session: Session): ParameterValues {
  const v = session.view;
  return {
    customerName: v.customer.authenticated ? v.customer.name : "",
    repName: state.me?.name ?? "",
    queue: v.queueName,
    workstream: v.workstreamName,
    context: v.context,
  };
}

/** The org's replies, then the rep's own (each id once: the rep's own wins). */
export function allReplies(state: UiState, personal: readonly QuickReply[]): QuickReply[] {
  const own = new Set(personal.map((r) => r.id));
  return [...(state.org?.quickReplies ?? []).filter((r) => !own.has(r.id)), ...personal];
}

/** The `<label>`s the rep's quick replies ask for: a prompt in a draft is one of these (`<br>` typed by hand is not). */
function promptLabels(state: UiState, personal: readonly QuickReply[]): Set<string> {
  return new Set(allReplies(state, personal).flatMap((r) => placeholders(r.text).map((p) => p.label)));
}

/**
 * The prompts of a draft, in order: the `<label>`s a quick reply put there that the rep has not filled yet (filling
 * one replaces it), told from `<b>` or `x < y > z` typed or pasted by hand by their label being one the rep's quick
 * replies ask for. The one notion of a prompt: the highlight, Tab, typing over one, Backspace on one, the count
 * after a reply is inserted and the refusal to send all read it.
 */
export function prompts(state: UiState, personal: readonly QuickReply[], text: string): Placeholder[] {
  if (!text.includes("<")) return [];
  const labels = promptLabels(state, personal);
  return placeholders(text).filter((p) => labels.has(p.label));
}

/** The prompt that starts at `at` (the cursor on it: typing replaces it, Backspace clears it), if any. */
export function promptAt(all: readonly Placeholder[], at: number): Placeholder | undefined {
  return all.find((p) => p.start === at);
}

/** The picker's rows: title, and the text as it would be inserted (known parameters filled). */
export function replyItems(
  state: UiState,
  session: Session,
  personal: readonly QuickReply[],
  filter: string,
): (PickerItem & { text: string })[] {
  const values = parameterValues(state, session);
  return matchReplies(allReplies(state, personal), session.view.workstreamId, filter).map((r) => {
    const text = fillKnown(r.text, values);
    const item: PickerItem & { text: string } = { id: r.id, label: r.title, preview: text.replace(/\s+/g, " "), text };
    if (r.tags && r.tags.length > 0) item.detail = sanitizeLine(r.tags.join(", "));
    return item;
  });
}

/** The prompt the composer highlights: the one at (or around) the cursor, else the first one left. */
export function highlighted(all: readonly Placeholder[], cursor: number): Placeholder | undefined {
  return all.find((p) => p.start <= cursor && cursor < p.end) ?? all[0];
}

/** Where Tab goes: the start of the next prompt after the cursor, wrapping around; null when none is left. */
export function nextPromptStart(all: readonly Placeholder[], cursor: number): number | null {
  if (all.length === 0) return null;
  return (all.find((p) => p.start > cursor) ?? all[0]!).start;
}
