// The console's selectors: what its views show that is derived from the state (which mode the keys are in, help's
// room, a picker's rows). Views and the controller both read them here; views never ask the controller.
import { sanitizeLine } from "../../protocol/sanitize.js";
import type { UserView } from "../../protocol/views.js";
import { presenceItems } from "../components/presence-items.js";
import { filterItems } from "../components/Picker.js";
import type { PickerItem } from "../components/Picker.js";
import type { Mode } from "../keys/modes.js";
import { currentOffer } from "../mirror/selectors.js";
import type { Picker, UiState } from "../mirror/state.js";
import { PRESENCE_LABEL } from "../theme/theme.js";
import { switcherItems } from "./attention.js";
import { offerCardHeight } from "./components/OfferCard.js";
import { replyItems } from "./templates.js";
import { historyItems } from "./history.js";

/**
 * Rows of bindings help shows in the console at this size: the overlay ends above an empty composer (status bar,
 * footer, composer, help's border, title and filter take 10 rows) and the offer card keeps its place in it.
 */
export function consoleHelpRoom(state: UiState): number {
  const height = Math.max(10, state.size.rows - 1);
  const offer = currentOffer(state);
  return Math.max(3, height - 10 - (offer ? offerCardHeight(offer) : 0));
}

/** Which keys apply: help, a confirmation, a picker, Home's command line or a session's composer. */
export function modeOf(state: UiState): Mode {
  if (state.dialog?.kind === "help") return "help";
  if (state.dialog) return "confirm";
  if (state.picker) return "picker";
  return state.focus === "home" ? "home" : "composer";
}

/** "Busy", or "Busy · Training" with the rep's reason (sanitised: the label comes from the org file). */
function presenceWords(user: UserView): string {
  const word = PRESENCE_LABEL[user.presence].word;
  return user.presenceReason ? `${word} · ${sanitizeLine(user.presenceReason.label)}` : word;
}

/**
 * The rows that can be chosen first, in their order, then the disabled ones: the picker opens on someone Enter can
 * take, and the others stay in sight with their reason.
 */
function choosableFirst(items: PickerItem[]): PickerItem[] {
  return [...items.filter((i) => !i.disabled), ...items.filter((i) => i.disabled)];
}

/** The picker's rows, filtered; disabled ones stay visible with their reason. */
export function pickerItems(state: UiState, picker: Picker): PickerItem[] {
  let items: PickerItem[] = [];
  switch (picker.kind) {
    case "transfer":
    case "conference": {
      const reps = (state.targets?.reps ?? []).filter((r) => r.id !== state.me?.id && r.capacity > 0);
      const repItems = reps.map((r: UserView) => ({
        id: `rep:${r.id}`,
        label: sanitizeLine(r.name),
        // The presence with its reason ("Busy · Training"); the refusal says why without saying it again.
        detail: `${presenceWords(r)} · ${r.used}/${r.capacity}`,
        ...(r.presence !== "available"
          ? { disabled: "not Available" }
          : r.used >= r.capacity
            ? { disabled: `at capacity ${r.used}/${r.capacity}` }
            : {}),
      }));
      if (picker.kind === "conference" || picker.tab === "reps") items = choosableFirst(repItems);
      else
        items = (state.targets?.queues ?? []).map((q) => ({
          id: `queue:${q.id}`,
          label: sanitizeLine(q.name),
          detail: `${q.open} open`,
        }));
      break;
    }
    case "consult":
      items = choosableFirst(
        (state.targets?.reps ?? [])
          .filter((r) => r.id !== state.me?.id)
          .map((r: UserView) => ({
            id: `rep:${r.id}`,
            label: sanitizeLine(r.name),
            detail: `${r.role === "supervisor" ? "supervisor · " : ""}${presenceWords(r)}`,
            ...(r.presence === "available" || r.presence === "busy" ? {} : { disabled: "neither Available nor Busy" }),
          })),
      );
      break;
    case "wrapup":
      items = (state.org?.wrapUpReasons ?? []).map((r) => ({ id: r.id, label: r.label }));
      break;
    case "presence":
      items = presenceItems(state.org?.presenceReasons, state.me);
      break;
    case "switcher":
      items = switcherItems(state);
      break;
    case "history":
      items = historyItems(state, picker.conversationId);
      break;
    case "quickreply": {
      // Filtered over title, tags and text by the replies' own matcher.
      const session = state.sessions[picker.conversationId];
      return session ? replyItems(state, session, picker.personal, picker.filter) : [];
    }
  }
  return filterItems(items, picker.filter);
}
