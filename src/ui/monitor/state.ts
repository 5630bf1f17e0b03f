// The monitor's state: the console's state for what the server sent about conversations and messages
// (the same reducer keeps it), plus every user's presence and capacity, and what belongs to this
// terminal only: the selection, filter, sort, saved view, pause, dialogs, transfer statuses.
import type { LineEditor } from "../keys/line-editor.js";
import type { Figures, UserView } from "../../protocol/views.js";
import type { UiState } from "../mirror/state.js";
import { initialUiState } from "../mirror/state.js";

export type SortKey = "time" | "sentiment" | "state" | "queue" | "rep" | "id";
export const SORT_KEYS: SortKey[] = ["time", "sentiment", "state", "queue", "rep", "id"];

export type SavedView = "all" | "open" | "waiting" | "alerts";
export const SAVED_VIEWS: SavedView[] = ["all", "open", "waiting", "alerts"];

/** The table, the team and queues view, the live figures, or the live view of one conversation (monitored or joined). */
export type Screen = "table" | "team" | "figures" | "watch";

/** Assign or transfer a conversation to a rep or a queue. */
export interface ConversationPicker {
  kind: "assign" | "transfer";
  conversationId: string;
  /** Assign with the presence and capacity override (SV5). */
  override: boolean;
  tab: "queues" | "reps";
  filter: string;
  index: number;
}

/** Set a rep's presence (with one of the org's reasons) for them, from the team view. */
export interface PresencePicker {
  kind: "presence";
  userId: string;
  filter: string;
  index: number;
}

export type MonitorPicker = ConversationPicker | PresencePicker;

export type MonitorDialog =
  | { kind: "force-close"; conversationId: string; choice: "cancel" | "confirm" }
  | { kind: "help"; filter: string; scroll?: number }
  | null;

/** A transfer this supervisor asked for, followed until the target answers (SV7). */
export interface TransferStatus {
  target: { kind: "queue" | "rep"; id: string; name: string };
  fromId: string | null;
  fromName: string | null;
  status: "pending" | "accepted" | "rejected" | "withdrawn" | "queued";
  at: number;
}

/** The routing decisions of a conversation (`why`), shown in the preview in place of its thread: null while asked. */
export interface WhyPanel {
  conversationId: string;
  lines: string[] | null;
}

/** What the screen shows while paused: the data as it was, and how many updates came in since. */
export interface Frozen {
  base: UiState;
  users: Record<string, UserView>;
  /** Server time when paused: timers stand still too. */
  serverNow: number;
  held: number;
}

export interface MonitorState {
  /** Conversations (as sessions with their messages), me, org, connection, clock, flash, size: the console's reducer keeps these. */
  base: UiState;
  users: Record<string, UserView>;
  /** New messages per conversation since the supervisor last had it selected. */
  unread: Record<string, number>;
  /** Server time of the last change per conversation: rows changed in the last seconds are marked. */
  touched: Record<string, number>;
  selectedId: string | null;
  /** Where the selection was: when its conversation leaves the table, the row now there is selected. */
  selectedIndex: number;
  filter: string;
  filterEditing: boolean;
  sort: SortKey;
  /** false: the natural order of the column (longest time, worst sentiment first); true: reversed. */
  reversed: boolean;
  view: SavedView;
  screen: Screen;
  /** The conversation the live view shows. */
  watchId: string | null;
  /** The selected row of the team view (by position in its name order). */
  teamIndex: number;
  /** The composer has focus (joined conversations, or a whisper). */
  composing: boolean;
  /** The composer writes a whisper: to the rep only, never the customer (its draft is kept apart). */
  whispering: boolean;
  drafts: Record<string, string>;
  /** Cursor, undo and sent history of each field: drafts by conversation id, "filter", "picker", "help". */
  editors: Record<string, LineEditor>;
  /** Messages scrolled up in the live view (0 = newest). */
  scroll: number;
  picker: MonitorPicker | null;
  dialog: MonitorDialog;
  paused: Frozen | null;
  transfers: Record<string, TransferStatus>;
  /** The preview's routing explanation, for the conversation it names (y shows and hides it). */
  why: WhyPanel | null;
  /** The server's live figures, as last asked for (only while the live figures are shown). */
  figures: Figures | null;
}

export function initialMonitorState(now: number, size = { columns: 120, rows: 40 }): MonitorState {
  return {
    base: initialUiState(now, size),
    users: {},
    unread: {},
    touched: {},
    selectedId: null,
    selectedIndex: 0,
    filter: "",
    filterEditing: false,
    sort: "time",
    reversed: false,
    view: "all",
    screen: "table",
    watchId: null,
    teamIndex: 0,
    composing: false,
    whispering: false,
    drafts: {},
    editors: {},
    scroll: 0,
    picker: null,
    dialog: null,
    paused: null,
    transfers: {},
    why: null,
    figures: null,
  };
}

/** Where a whisper's draft is kept: apart from what a joined supervisor writes to the customer. */
export function whisperKey(conversationId: string): string {
  return `whisper:${conversationId}`;
}
