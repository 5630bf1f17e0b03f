// The monitor's screen selectors: which keys apply, how much help and table fit, what an action applies to,
// whether it can be done (the server's own rules) and a picker's rows. The view and the controller both read
// them here; the view never asks the controller.
import { sanitizeLine } from "../../protocol/sanitize.js";
import type { UserView } from "../../protocol/views.js";
import { filterItems } from "../components/Picker.js";
import type { PickerItem } from "../components/Picker.js";
import type { CommandId } from "../keys/commands.js";
import type { Mode } from "../keys/modes.js";
import { PRESENCE_LABEL } from "../theme/theme.js";
import { presenceItems } from "../components/presence-items.js";
import { measureComposer } from "../components/Composer.js";
import type { Session } from "../mirror/state.js";
import { displayed, presenceRefusalFor, refusalFor, transferLine } from "./selectors.js";
import type { SupervisorAction } from "./selectors.js";
import type { ConversationPicker, MonitorPicker, MonitorState } from "./state.js";
import { whisperKey } from "./state.js";

export function monitorMode(state: MonitorState): Mode {
  if (state.dialog?.kind === "help") return "help";
  if (state.dialog) return "confirm";
  if (state.picker) return "picker";
  if (state.filterEditing) return "monitor-filter";
  if (state.screen === "team") return "monitor-team";
  if (state.screen === "figures") return "monitor-figures";
  // A conversation that closed while being written in takes no more text: its keys are the live view's (Esc goes back).
  if (state.screen === "watch") return state.composing && !watchedClosed(state) ? "monitor-compose" : "monitor-watch";
  return "monitor";
}

/**
 * Rows the monitor's frame takes: one fewer than the terminal has (a frame as high as the terminal makes every
 * update a full-screen repaint), and never more than it has, however small it was made: a frame taller than the
 * terminal scrolls its header off the top and leaves the rows it drew before on screen.
 */
export function monitorFrameHeight(state: MonitorState): number {
  return Math.max(1, state.base.size.rows - 1);
}

/** Rows between the header (and the pause banner) and the footer: the table and preview, a view, the live view. */
export function monitorBodyHeight(state: MonitorState): number {
  return Math.max(0, monitorFrameHeight(state) - 2 - 2 - (state.paused ? 1 : 0));
}

/**
 * Rows a conversation pane of `height` rows leaves its thread: less its banner, title, details, status, rating and
 * transfer lines, and the composer under it.
 */
export function paneThreadRoom(
  state: MonitorState,
  session: Session,
  height: number,
  banner: boolean,
  composerHeight: number,
): number {
  const v = session.view;
  const transfer = transferLine(v, state.transfers[v.id], displayed(state).users) !== null;
  const details = (v.aborted ? 4 : 3) + (Object.keys(v.context).length > 0 ? 1 : 0) + (v.rating ? 1 : 0);
  return Math.max(2, height - (banner ? 1 : 0) - 1 - details - 1 - (transfer ? 1 : 0) - composerHeight);
}

/** The live view's composer: its rows (none when there is nothing to write in), its draft's key and text. */
export function watchComposer(state: MonitorState, session: Session): { height: number; key: string; draft: string } {
  const v = session.view;
  const joined = v.supervisors[state.base.me?.id ?? ""] === "join" && v.state !== "closed";
  const whispering = state.composing && state.whispering && v.state !== "closed";
  const key = whispering ? whisperKey(v.id) : v.id;
  const draft = state.drafts[key] ?? "";
  const offline = state.base.connection !== "online";
  const height =
    joined || whispering
      ? measureComposer(state.composing ? draft : "", state.base.size.columns - 1, offline) + (whispering ? 1 : 0)
      : 0;
  return { height, key, draft };
}

/**
 * Entries PgUp and PgDn move the live view's thread by: half the rows the thread has on screen, as in the console, so
 * that a message of two rows still overlaps a page with the last; at least one.
 */
export function watchScrollPage(state: MonitorState): number {
  const session = state.watchId ? displayed(state).sessions[state.watchId] : undefined;
  if (!session) return 1;
  const rows = paneThreadRoom(state, session, monitorBodyHeight(state), true, watchComposer(state, session).height);
  return Math.max(1, Math.floor(rows / 2));
}

/** Rows of bindings help shows in the monitor at this size. */
export function monitorHelpRoom(state: MonitorState): number {
  return Math.max(3, monitorFrameHeight(state) - 4 - (state.paused ? 1 : 0) - 4);
}

/** Rows of the table that fit on the screen (PgUp/PgDn move by this much). */
export function tablePage(state: MonitorState): number {
  return Math.max(1, tableRoom(state) - 1);
}

/** The most rows the table takes (its column titles included): under half of what the tabs leave, at least four. */
export function tableRoom(state: MonitorState): number {
  return Math.max(4, Math.floor((monitorBodyHeight(state) - 1) * 0.45));
}

/** The conversation an action applies to: the one in the live view, else the selected row. */
export function actionTarget(state: MonitorState): string | null {
  return state.screen === "watch" ? state.watchId : state.selectedId;
}

const ACTION_OF: Partial<Record<CommandId, SupervisorAction>> = {
  "mon-monitor": "monitor",
  "mon-join": "join",
  "mon-assign": "assign",
  "mon-assign-override": "assign",
  "mon-transfer": "transfer",
  "mon-force-close": "force-close",
};

/** For the footer: is the command usable on what it applies to, and if not, why (the server's words). */
export function availability(state: MonitorState, command: CommandId): string | null {
  if (command === "mon-set-presence") return presenceRefusalFor(state);
  if (command === "mon-write") return writeRefusalFor(state);
  const action = ACTION_OF[command];
  return action ? refusalFor(state, action, actionTarget(state)) : null;
}

/** Why Enter would not write in the watched conversation: only a supervisor who joined it writes. */
export function writeRefusalFor(state: MonitorState): string | null {
  const id = state.watchId;
  const meId = state.base.me?.id;
  const joined = id !== null && meId !== undefined && state.base.sessions[id]?.view.supervisors[meId] === "join";
  return joined ? null : "You are monitoring silently: join (J) to write.";
}

/** Reps (with presence and capacity, live) or queues (with their open count); disabled rows keep their reason. */
export function monitorPickerItems(state: MonitorState, picker: MonitorPicker): PickerItem[] {
  // The live data even while paused: a choice is made on the present.
  const { users, base } = state;
  if (picker.kind === "presence")
    return filterItems(presenceItems(base.org?.presenceReasons, users[picker.userId] ?? null), picker.filter);
  const sessions = base.sessions;
  const view = sessions[picker.conversationId]?.view;
  let items: PickerItem[];
  if (picker.tab === "queues") {
    const open = (queueId: string) =>
      Object.values(sessions).filter((s) => s.view.state === "open" && s.view.queueId === queueId).length;
    items = (state.base.org?.queues ?? []).map((q) => ({
      id: `queue:${q.id}`,
      label: sanitizeLine(q.name),
      detail: `${open(q.id)} open`,
    }));
  } else {
    const reps = Object.values(users)
      .filter((u) => u.capacity > 0)
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    items = reps.map((u) =>
      repItem(picker, u, view?.ownerId ?? null, view ? [...view.participants, ...view.consultants] : []),
    );
  }
  return filterItems(items, picker.filter);
}

function repItem(picker: ConversationPicker, u: UserView, ownerId: string | null, inIt: string[]): PickerItem {
  const presence = PRESENCE_LABEL[u.presence];
  const full = u.used >= u.capacity;
  const base = { id: `rep:${u.id}`, label: sanitizeLine(u.name) };
  const load = `${presence.glyph} ${presence.word} · ${u.used}/${u.capacity}`;
  if (picker.kind === "assign" && picker.override) {
    // SV5: the override takes anyone; say what it overrides.
    const overrides = [u.presence !== "available" ? `${presence.word} overridden` : "", full ? "over capacity" : ""]
      .filter(Boolean)
      .join(", ");
    return { ...base, detail: overrides ? `${load} · ${overrides}` : load };
  }
  if (picker.kind === "transfer") {
    if (u.id === ownerId) return { ...base, detail: load, disabled: "has it now" };
    if (inIt.includes(u.id)) return { ...base, detail: load, disabled: "already in it" };
  }
  // The override is a key of the table (A on the row): in the picker A would be typed into its filter.
  const hint = picker.kind === "assign" ? " — Esc, then A assigns anyway" : "";
  if (u.presence !== "available") return { ...base, detail: load, disabled: `${presence.word}${hint}` };
  if (full) return { ...base, detail: load, disabled: `at capacity ${u.used}/${u.capacity}${hint}` };
  return { ...base, detail: load };
}

function watchedClosed(state: MonitorState): boolean {
  return state.watchId !== null && state.base.sessions[state.watchId]?.view.state === "closed";
}
