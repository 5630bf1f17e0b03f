// The monitor's reducer. Pure. Conversations and messages go through the console's reducer (the
// supervisor's welcome and event frames have the same shape as a rep's); the rest is the monitor's own:
// every user's presence and capacity, unread counts, handle-time starts, change marks, the selection that
// follows its conversation through re-sorts, pause, and the status of transfers this supervisor asked for.
import { sanitizeLine } from "../../protocol/sanitize.js";
import type { LineEditor } from "../keys/line-editor.js";
import type { EventFrame, Welcome } from "../../protocol/messages.js";
import type { Change, Figures, MessageView, UserView } from "../../protocol/views.js";
import { reduce } from "../mirror/reducer.js";
import type { EarlierAction } from "../mirror/reducer.js";
import type { ConnectionStatus, Flash, UiState } from "../mirror/state.js";
import { initialUiState } from "../mirror/state.js";
import { monitorPickerItems } from "./screen.js";
import { liveNow, tableRows, teamRows } from "./selectors.js";
import { SAVED_VIEWS, SORT_KEYS } from "./state.js";
import type { MonitorDialog, MonitorPicker, MonitorState, Screen, TransferStatus, WhyPanel } from "./state.js";

export type MonitorAction =
  | { type: "welcome"; welcome: Welcome; now: number }
  | { type: "event"; frame: EventFrame }
  | { type: "connection"; status: ConnectionStatus }
  | { type: "consoles"; count: number }
  | { type: "typing"; conversationId: string; until: number }
  | { type: "tick"; now: number }
  | { type: "resize"; columns: number; rows: number }
  | { type: "flash"; flash: Flash | null }
  | { type: "move"; delta: number }
  | { type: "select"; id: string }
  /** Up/Down in the team view: the selected rep. */
  | { type: "move-team"; delta: number }
  | { type: "filter"; filter: string; editing: boolean }
  | { type: "screen"; screen: Screen; watchId?: string | null; composing?: boolean; whispering?: boolean }
  | { type: "composing"; composing: boolean; whispering?: boolean }
  | { type: "draft"; conversationId: string; text: string }
  /** A field edited: "filter", "picker", "help", or a conversation id (its draft). */
  | { type: "edit"; field: string; editor: LineEditor }
  | { type: "help-scroll"; delta: number; max: number }
  | { type: "scroll"; delta: number | "live" }
  | { type: "picker"; picker: MonitorPicker | null }
  /** Up/Down in a picker: the highlight moves, round, over the first nine rows it shows. */
  | { type: "move-picker"; delta: number }
  /** Tab in a picker: queues ⇄ reps. */
  | { type: "switch-picker-tab" }
  /** Esc in a picker: a filter is cleared first, then the picker closes. */
  | { type: "dismiss-picker" }
  /** `s`: sort by the next column (ascending); `S`: the same column the other way. */
  | { type: "next-sort" }
  | { type: "reverse-sort" }
  /** `v`: the next saved view. */
  | { type: "next-view" }
  /** `T`: the team screen, or back to the table. */
  | { type: "toggle-team" }
  /** `F`: the live figures, or back to the table. */
  | { type: "toggle-figures" }
  /** The server's answer to a `figures` request. */
  | { type: "figures"; figures: Figures }
  /** Space: freeze the screen, or let it run again. */
  | { type: "toggle-pause" }
  | { type: "dialog"; dialog: MonitorDialog }
  | { type: "pause"; paused: boolean }
  | { type: "transfer-status"; conversationId: string; status: TransferStatus | null }
  /** The server acknowledged monitor, join or leave: show it until its next view of the conversation. */
  | { type: "supervising"; conversationId: string; mode: "monitor" | "join" | null }
  | { type: "why"; why: WhyPanel | null }
  /** A page of a thread's earlier messages asked for, arrived or failed: the console's reducer keeps threads. */
  | EarlierAction;

function countsAsUnread(message: MessageView, meId: string | undefined): boolean {
  return message.author.role !== "system" && !(message.author.role !== "customer" && message.author.id === meId);
}

/** The selected conversation's messages are read as they arrive, unless the screen is frozen. */
function isRead(state: MonitorState, conversationId: string): boolean {
  return (
    !state.paused &&
    (state.selectedId === conversationId || (state.screen === "watch" && state.watchId === conversationId))
  );
}

function applyChange(state: MonitorState, frame: EventFrame, change: Change): MonitorState {
  const previous = state.base;
  const base: UiState = reduce(previous, { type: "event", frame: { ...frame, changes: [change] } });
  let next: MonitorState = { ...state, base };
  const meId = base.me?.id;
  switch (change.kind) {
    case "user":
      return { ...next, users: { ...next.users, [change.user.id]: change.user } };
    case "message": {
      const id = change.conversationId;
      const grew = (base.sessions[id]?.messages.length ?? 0) > (previous.sessions[id]?.messages.length ?? 0);
      next = { ...next, touched: { ...next.touched, [id]: frame.at } };
      if (grew && countsAsUnread(change.message, meId) && !isRead(next, id))
        next = { ...next, unread: { ...next.unread, [id]: (next.unread[id] ?? 0) + 1 } };
      return next;
    }
    case "conversation": {
      const view = change.conversation;
      const before = previous.sessions[view.id]?.view;
      next = { ...next, touched: { ...next.touched, [view.id]: frame.at } };
      if (!before && view.messages && !isRead(next, view.id)) {
        const fresh = view.messages.filter((m) => countsAsUnread(m, meId)).length;
        if (fresh > 0) next = { ...next, unread: { ...next.unread, [view.id]: fresh } };
      }
      // SV7: follow a transfer this supervisor asked for until the target answers.
      const mine = next.transfers[view.id];
      if (mine?.status === "pending" && !view.transfer) {
        let status: TransferStatus["status"] | null = null;
        let text = "";
        const target = mine.target.name;
        if (view.state === "closed") {
          status = "withdrawn";
          text = `The transfer of ${view.id} to ${target} was withdrawn: the conversation is closed.`;
        } else if (mine.target.kind === "rep" && view.ownerId === mine.target.id) {
          status = "accepted";
          const consultant =
            mine.fromId && view.consultants.includes(mine.fromId)
              ? `; ${mine.fromName ?? mine.fromId} stays on as consultant`
              : "";
          text = `${target} accepted the transfer of ${view.id}${consultant}.`;
        } else if (before?.transfer) {
          status = "rejected";
          text = `${target} rejected the transfer of ${view.id}; it stays with ${mine.fromName ?? "its rep"}.`;
        }
        if (status) {
          next = {
            ...next,
            transfers: { ...next.transfers, [view.id]: { ...mine, status, at: frame.at } },
            base: { ...next.base, flash: { level: status === "accepted" ? "info" : "warn", text, at: next.base.now } },
          };
        }
      }
      return next;
    }
    case "notice": {
      // The server's words are general; name the conversation and the target when the transfer was ours.
      const id = change.conversationId;
      const mine = id ? next.transfers[id] : undefined;
      if (
        change.code === "transfer_rejected" &&
        id &&
        mine &&
        (mine.status === "pending" || mine.status === "rejected")
      ) {
        const text = `${mine.target.name} rejected the transfer of ${id}; it stays with ${mine.fromName ?? "its rep"}.`;
        return {
          ...next,
          transfers: { ...next.transfers, [id]: { ...mine, status: "rejected", at: frame.at } },
          base: { ...next.base, flash: { level: "warn", text, at: next.base.now } },
        };
      }
      return next;
    }
    case "offer": {
      // A consult is answered in the console, where the conversation opens: the monitor says so.
      const o = change.offer;
      if (o.kind !== "consult" || o.status !== "pending") return next;
      const text = `${sanitizeLine(o.byName ?? "A rep")} asks you to consult on ${sanitizeLine(o.conversationId)} (${sanitizeLine(o.title)}): answer in the console (cc-agent).`;
      return { ...next, base: { ...next.base, flash: { level: "warn", text, at: next.base.now } } };
    }
    case "org": {
      // A reloaded org file: the user changes of this frame are every user the org has now; one not among them was
      // removed and leaves the team view.
      const users: Record<string, UserView> = {};
      for (const c of frame.changes) if (c.kind === "user") users[c.user.id] = c.user;
      return { ...next, users };
    }
    default:
      return next;
  }
}

/** Closed conversations leave the table; their sessions go too (the live view keeps the one it shows). */
function pruneClosed(state: MonitorState): MonitorState {
  const closed = Object.keys(state.base.sessions).filter(
    (id) => state.base.sessions[id]!.view.state === "closed" && id !== state.watchId,
  );
  if (closed.length === 0) return state;
  const sessions = { ...state.base.sessions };
  const unread = { ...state.unread };
  for (const id of closed) {
    delete sessions[id];
    delete unread[id];
  }
  return { ...state, base: { ...state.base, sessions }, unread };
}

/** Keep the selection on its conversation through re-sorts; when it leaves the table, take the row now at its place. */
function normalize(state: MonitorState): MonitorState {
  const rows = tableRows(state);
  let { selectedId, selectedIndex } = state;
  const at = selectedId ? rows.findIndex((r) => r.id === selectedId) : -1;
  if (at >= 0) selectedIndex = at;
  else {
    selectedIndex = Math.max(0, Math.min(selectedIndex, rows.length - 1));
    selectedId = rows[selectedIndex]?.id ?? null;
  }
  let unread = state.unread;
  if (selectedId && !state.paused && (unread[selectedId] ?? 0) > 0) unread = { ...unread, [selectedId]: 0 };
  if (selectedId === state.selectedId && selectedIndex === state.selectedIndex && unread === state.unread) return state;
  return { ...state, selectedId, selectedIndex, unread };
}

function step(state: MonitorState, action: MonitorAction): MonitorState {
  switch (action.type) {
    case "welcome": {
      const snap = action.welcome.snapshot;
      if (!snap) return { ...state, base: reduce(state.base, action) };
      // A snapshot replaces everything the server told us before.
      const fresh: UiState = { ...initialUiState(state.base.now, state.base.size), flash: state.base.flash };
      const users: Record<string, UserView> = {};
      for (const user of snap.users) users[user.id] = user;
      return { ...state, base: reduce(fresh, action), users, unread: {}, touched: {} };
    }
    case "event": {
      let next = state;
      for (const change of action.frame.changes) next = applyChange(next, action.frame, change);
      if (next.paused) next = { ...next, paused: { ...next.paused, held: next.paused.held + 1 } };
      return pruneClosed(next);
    }
    case "connection":
    case "consoles":
    case "typing":
    case "tick":
    case "resize":
    case "flash":
    case "earlier-loading":
    case "earlier-page":
    case "earlier-failed":
      return { ...state, base: reduce(state.base, action) };
    case "move": {
      const rows = tableRows(state);
      if (rows.length === 0) return state;
      const index = Math.max(0, Math.min(rows.length - 1, state.selectedIndex + action.delta));
      return { ...state, selectedIndex: index, selectedId: rows[index]!.id };
    }
    case "select":
      return { ...state, selectedId: action.id };
    case "move-team": {
      const count = teamRows(state).length;
      if (count === 0) return state;
      return { ...state, teamIndex: Math.max(0, Math.min(count - 1, state.teamIndex + action.delta)) };
    }
    case "filter":
      return { ...state, filter: action.filter, filterEditing: action.editing };
    case "screen":
      return {
        ...state,
        screen: action.screen,
        watchId: action.watchId !== undefined ? action.watchId : state.watchId,
        composing: action.composing ?? false,
        whispering: action.whispering ?? false,
        scroll: action.screen === state.screen && action.watchId === state.watchId ? state.scroll : 0,
        ...(action.screen === "watch" && action.watchId ? { selectedId: action.watchId } : {}),
      };
    case "composing":
      return { ...state, composing: action.composing, whispering: action.composing && (action.whispering ?? false) };
    case "edit": {
      const { field, editor } = action;
      const next = { ...state, editors: { ...state.editors, [field]: editor } };
      if (field === "filter") return { ...next, filter: editor.text, filterEditing: true };
      if (field === "picker")
        return state.picker
          ? {
              ...next,
              picker: {
                ...state.picker,
                filter: editor.text,
                index: editor.text === state.picker.filter ? state.picker.index : 0,
              },
            }
          : state;
      if (field === "help")
        return state.dialog?.kind === "help"
          ? { ...next, dialog: { ...state.dialog, filter: editor.text, scroll: 0 } }
          : state;
      return { ...next, drafts: { ...state.drafts, [field]: editor.text } };
    }
    case "help-scroll":
      if (state.dialog?.kind !== "help") return state;
      return {
        ...state,
        dialog: {
          ...state.dialog,
          scroll: Math.max(0, Math.min(action.max, (state.dialog.scroll ?? 0) + action.delta)),
        },
      };
    case "draft":
      return { ...state, drafts: { ...state.drafts, [action.conversationId]: action.text } };
    case "scroll": {
      const scroll = action.delta === "live" ? 0 : Math.max(0, state.scroll + action.delta);
      return { ...state, scroll };
    }
    case "picker":
      return { ...state, picker: action.picker };
    case "move-picker": {
      const picker = state.picker;
      const count = picker ? monitorPickerItems(state, picker).length : 0;
      if (!picker || count === 0) return state;
      return { ...state, picker: { ...picker, index: (((picker.index + action.delta) % count) + count) % count } };
    }
    case "switch-picker-tab":
      return state.picker && state.picker.kind !== "presence"
        ? { ...state, picker: { ...state.picker, tab: state.picker.tab === "queues" ? "reps" : "queues", index: 0 } }
        : state;
    case "dismiss-picker":
      if (!state.picker) return state;
      return state.picker.filter
        ? { ...state, picker: { ...state.picker, filter: "", index: 0 } }
        : { ...state, picker: null };
    case "next-sort":
      return { ...state, sort: SORT_KEYS[(SORT_KEYS.indexOf(state.sort) + 1) % SORT_KEYS.length]!, reversed: false };
    case "reverse-sort":
      return { ...state, reversed: !state.reversed };
    case "next-view":
      return { ...state, view: SAVED_VIEWS[(SAVED_VIEWS.indexOf(state.view) + 1) % SAVED_VIEWS.length]! };
    case "toggle-team":
      return step(state, { type: "screen", screen: state.screen === "team" ? "table" : "team" });
    case "toggle-figures":
      return step(state, { type: "screen", screen: state.screen === "figures" ? "table" : "figures" });
    case "figures":
      // A paused screen holds still: the next answer after it runs again brings them up to date.
      return state.paused ? state : { ...state, figures: action.figures };
    case "toggle-pause":
      return step(state, { type: "pause", paused: !state.paused });
    case "dialog":
      return { ...state, dialog: action.dialog };
    case "pause":
      if (action.paused === Boolean(state.paused)) return state;
      return {
        ...state,
        paused: action.paused ? { base: state.base, users: state.users, serverNow: liveNow(state), held: 0 } : null,
      };
    case "why":
      return { ...state, why: action.why };
    case "supervising": {
      const session = state.base.sessions[action.conversationId];
      const meId = state.base.me?.id;
      if (!session || !meId) return state;
      const supervisors = { ...session.view.supervisors };
      if (action.mode) supervisors[meId] = action.mode;
      else delete supervisors[meId];
      const sessions = { ...state.base.sessions, [session.id]: { ...session, view: { ...session.view, supervisors } } };
      return { ...state, base: { ...state.base, sessions } };
    }
    case "transfer-status": {
      const transfers = { ...state.transfers };
      if (action.status) transfers[action.conversationId] = action.status;
      else delete transfers[action.conversationId];
      return { ...state, transfers };
    }
  }
}

export function reduceMonitor(state: MonitorState, action: MonitorAction): MonitorState {
  const next = step(state, action);
  return next === state ? state : normalize(next);
}
