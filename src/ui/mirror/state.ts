// The console's state: what the server told us, plus what belongs to this terminal only (focus,
// drafts, scroll, read markers, dialogs). Reducers are pure; components are pure functions of it.
import type { LineEditor } from "../keys/line-editor.js";
import type {
  ConversationView,
  HistoryItemView,
  MessageView,
  NoteView,
  OfferView,
  OrgView,
  TodayView,
  UserView,
} from "../../protocol/views.js";
import type { QuickReply } from "../../protocol/quick-replies.js";

export type ConnectionStatus = "connecting" | "online" | "reconnecting" | "closed";

export interface Session {
  id: string;
  view: ConversationView;
  messages: MessageView[];
  /** Staff notes, shown in the thread in their own style; never the customer's. */
  notes: NoteView[];
  /** Until when the customer shows as typing (local time); never what they type. */
  customerTypingUntil?: number;
  /** Messages the rep has not seen (S10). */
  unread: number;
  draft: string;
  /** Lines scrolled up from the bottom of the thread (0 = live). */
  scroll: number;
  /** Messages typed while offline or not yet acknowledged: kept until the server has them. */
  outbox: { clientId: string; text: string }[];
  /** An earlier conversation of the customer, opened read-only from the history of this conversation. */
  historyOf?: string;
  /** What the console itself says in the thread (the customer is back, P12): never sent, never stored. */
  lines?: SessionLine[];
  /** Reading the thread's earlier messages a page at a time (`messages`): absent until a page is asked for. */
  earlier?: EarlierPages;
}

/** Where reading a thread's earlier messages stands. */
export interface EarlierPages {
  /** A page is on its way. */
  loading: boolean;
  /** The last page's `more`: false once the oldest message is held. */
  more: boolean;
  /** Why the last page failed, until one arrives. */
  error?: string;
}

export interface SessionLine {
  id: string;
  at: number;
  text: string;
}

export type Picker =
  | {
      kind: "transfer";
      conversationId: string;
      tab: "queues" | "reps";
      filter: string;
      index: number;
      loadedAt: number | null;
    }
  | { kind: "conference"; conversationId: string; filter: string; index: number; loadedAt: number | null }
  /** Whom to ask to consult: reps and supervisors, Available or Busy (a consult costs them no capacity). */
  | { kind: "consult"; conversationId: string; filter: string; index: number; loadedAt: number | null }
  | {
      kind: "wrapup";
      conversationId: string;
      filter: string;
      index: number;
      after: "end" | "transfer" | "conference" | "customer_ended";
    }
  | { kind: "presence"; filter: string; index: number }
  /** Quick replies for a session's composer: Enter inserts the highlighted one at the composer's cursor. */
  | {
      kind: "quickreply";
      conversationId: string;
      filter: string;
      index: number;
      /** The rep's own replies (console settings), offered beside the org's. */
      personal: readonly QuickReply[];
    }
  | { kind: "switcher"; filter: string; index: number }
  /** The customer's earlier conversations, listed through `conversationId`: Enter opens one read-only. */
  | { kind: "history"; conversationId: string; filter: string; index: number };

export type Dialog =
  /** Close a persistent chat to Waiting, or end a conversation holding an unsent draft: asked first, Cancel chosen. */
  | { kind: "confirm-close" | "confirm-end"; conversationId: string; choice: "cancel" | "confirm" }
  | { kind: "help"; filter: string; scroll?: number }
  | null;

/** The fields that take text: a session's composer (or Home's), the picker's filter, help's filter. */
export type FieldId = { kind: "draft"; id: "home" | string } | { kind: "picker" } | { kind: "help" };

export function fieldKey(field: FieldId): string {
  return field.kind === "draft" ? `draft:${field.id}` : field.kind;
}

export interface Targets {
  queues: { id: string; name: string; open: number }[];
  reps: UserView[];
}

export interface Flash {
  level: "info" | "warn" | "error";
  text: string;
  at: number;
}

/** Home's three lists; one is highlighted and scrolls with PgUp/PgDn. */
export type HomeList = "mine" | "open" | "closed";

export interface UiState {
  connection: ConnectionStatus;
  /** How many consoles of this rep are open, this one included (the server's `consoles` frame). */
  consoles: number;
  me: UserView | null;
  org: OrgView | null;
  sessions: Record<string, Session>;
  /** Session order in the pane (arrival order). */
  order: string[];
  offers: Record<string, OfferView>;
  focus: "home" | string;
  /** Home's composer takes slash commands only. */
  homeDraft: string;
  /** The highlighted Home list and how far each list is scrolled (rows from its top). */
  home: { list: HomeList; offsets: Record<HomeList, number> };
  /** Cursor, undo and sent history of each field, by fieldKey (each session keeps its own). */
  editors: Record<string, LineEditor>;
  collapsed: boolean;
  picker: Picker | null;
  dialog: Dialog;
  targets: Targets | null;
  openItems: ConversationView[];
  /** The customer's earlier conversations, by the conversation they were asked through (signed-in customers only). */
  history: Record<string, HistoryItemView[]>;
  flash: Flash | null;
  /** Server time minus local time, for countdowns computed from server deadlines. */
  clockSkew: number;
  now: number;
  /** Ctrl+C pressed once on an empty composer: the next one quits. */
  quitArmed: boolean;
  terminalFocused: boolean;
  size: { columns: number; rows: number };
  /** Today's figures for Home, as the server last answered them (`today`); null until it has. */
  today: TodayView | null;
}

export function initialUiState(now: number, size = { columns: 120, rows: 40 }): UiState {
  return {
    connection: "connecting",
    consoles: 1,
    me: null,
    org: null,
    sessions: {},
    order: [],
    offers: {},
    focus: "home",
    homeDraft: "",
    home: { list: "open", offsets: { mine: 0, open: 0, closed: 0 } },
    editors: {},
    collapsed: false,
    picker: null,
    dialog: null,
    targets: null,
    openItems: [],
    history: {},
    flash: null,
    clockSkew: 0,
    now,
    quitArmed: false,
    terminalFocused: true,
    size,
    today: null,
  };
}
