// The console's reducer: server frames and key-driven actions in, a new state out. Pure.
import type { EventFrame, Welcome } from "../../protocol/messages.js";
import type {
  Change,
  ConversationView,
  HistoryItemView,
  MessageView,
  NoteView,
  NoticeCode,
  OfferView,
  Snapshot,
  TodayView,
  UserView,
} from "../../protocol/views.js";
import { replyWaitAfter, replyWaitOf } from "../../protocol/response-targets.js";
import { HOME_LISTS, homeLayout } from "../console/home-layout.js";
import { pickerItems } from "../console/selectors.js";
import { alertHint } from "./selectors.js";
import type { LineEditor } from "../keys/line-editor.js";
import type { ConnectionStatus, Dialog, FieldId, Flash, Picker, Session, Targets, UiState } from "./state.js";
import { fieldKey } from "./state.js";

export type Action =
  | { type: "welcome"; welcome: Welcome; now: number }
  | { type: "event"; frame: EventFrame }
  | { type: "connection"; status: ConnectionStatus }
  | { type: "consoles"; count: number }
  | { type: "tick"; now: number }
  | { type: "focus"; target: "home" | string }
  | { type: "draft"; conversationId: string; text: string }
  /** A field edited: its text goes where the field keeps it, the cursor, undo and history beside it. */
  | { type: "edit"; field: FieldId; editor: LineEditor }
  | { type: "help-scroll"; delta: number; max: number }
  /** The rep sends what they typed: it leaves the composer and waits in the outbox for the server's echo. */
  | { type: "submit-draft"; conversationId: string; clientId: string; text: string }
  | { type: "outbox-failed"; conversationId: string; clientId: string; text: string }
  | { type: "scroll"; delta: number | "live" }
  | { type: "toggle-pane" }
  /** Alt+Up/Down and the like: the next (1) or previous (-1) of Home and the sessions, round. */
  | { type: "select-next-session"; step: 1 | -1 }
  /** Tab on Home: highlight the next of Home's lists. */
  | { type: "next-home-list" }
  /** PgUp/PgDn on Home: the highlighted list by a page of what it shows, never past its ends. */
  | { type: "page-home-list"; direction: 1 | -1 }
  | { type: "picker"; picker: Picker | null }
  /** Up/Down in a picker: the highlight moves, round, over the first nine rows it shows. */
  | { type: "move-picker"; delta: number }
  /** Tab in the transfer picker: queues ⇄ reps. */
  | { type: "switch-picker-tab" }
  /** Esc in a picker: a filter is cleared first; then the picker closes (a wrap-up reason cannot be skipped). */
  | { type: "dismiss-picker" }
  | { type: "dialog"; dialog: Dialog }
  | { type: "targets"; targets: Targets }
  | { type: "open-items"; items: ConversationView[] }
  /** The customer's earlier conversations, as the server listed them through `conversationId`. */
  | { type: "history"; conversationId: string; items: HistoryItemView[] }
  /** An earlier conversation the server sent whole: a read-only session (not in the pane), focused. */
  | { type: "history-opened"; conversation: ConversationView; historyOf: string }
  | { type: "flash"; flash: Flash | null }
  | { type: "quit-armed"; armed: boolean }
  | { type: "remove-session"; conversationId: string }
  | { type: "resize"; columns: number; rows: number }
  | { type: "terminal-focus"; focused: boolean }
  | { type: "today"; today: TodayView }
  | { type: "typing"; conversationId: string; until: number }
  /** A page of earlier messages asked for (`messages`), arrived (with staff notes on a first page) or failed. */
  | { type: "earlier-loading"; conversationId: string }
  | { type: "earlier-page"; conversationId: string; messages: MessageView[]; more: boolean; notes?: NoteView[] }
  | { type: "earlier-failed"; conversationId: string; error: string };

/** What reading a thread a page at a time dispatches (the monitor passes these to this reducer too). */
export type EarlierAction = Extract<Action, { type: "earlier-loading" | "earlier-page" | "earlier-failed" }>;

/** How long a message stays in the flash line when nothing else replaces it. */
export const FLASH_MS = 5000;

/** Whether a conversation is one of the rep's sessions (rather than only an offer's preview). */
export function isMine(view: ConversationView, meId: string | undefined): boolean {
  if (!meId) return false;
  // A conference guest's part ends with their wrap-up: the conversation waits for the owner's, not theirs.
  const guest = view.participants.includes(meId) && (view.state !== "wrapup" || view.wrapUpBy.includes(meId));
  return (
    view.ownerId === meId ||
    guest ||
    view.wrapUpBy.includes(meId) ||
    view.consultants.includes(meId) ||
    (view.state === "waiting" && view.lastOwnerId === meId)
  );
}

/** A message id's number ("m120" → 120): ids grow with time, so they order a thread. */
function messageNumber(message: MessageView): number {
  const n = Number(message.id.slice(1));
  return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
}

/** Messages merged by id, ordered by their number (a page of earlier ones is prepended; a resume may interleave). */
export function mergeMessages(existing: MessageView[], incoming: MessageView[]): MessageView[] {
  if (incoming.length === 0) return existing;
  const known = new Set(existing.map((m) => m.id));
  const fresh = incoming.filter((m) => !known.has(m.id));
  if (fresh.length === 0) return existing;
  const merged = existing.concat(fresh);
  const last = existing.at(-1);
  if (last && fresh.some((m) => messageNumber(m) < messageNumber(last)))
    merged.sort((a, b) => messageNumber(a) - messageNumber(b) || a.at - b.at);
  return merged;
}

function mergeNotes(existing: NoteView[], incoming: NoteView[]): NoteView[] {
  const known = new Set(existing.map((n) => n.id));
  const fresh = incoming.filter((n) => !known.has(n.id));
  return fresh.length === 0 ? existing : existing.concat(fresh);
}

function counts(message: MessageView, meId: string | undefined): boolean {
  return message.author.role !== "system" && !(message.author.role !== "customer" && message.author.id === meId);
}

/**
 * Unread in a thread seen for the first time here (a restarted console, another console of the rep's): what came
 * after the rep's own last message. What they answered they read, in this console or another; all of it when they
 * never wrote in it (a new offer, a transfer to them).
 */
function unreadOnFirstSight(messages: readonly MessageView[], meId: string | undefined): number {
  let last = -1;
  messages.forEach((m, i) => {
    if (m.author.role !== "customer" && m.author.role !== "system" && m.author.id === meId) last = i;
  });
  return messages.slice(last + 1).filter((m) => counts(m, meId)).length;
}

/**
 * A session's thread with the latest messages of a view sent whole. The server sends one whole again after the
 * conversation was out of this user's sight (an offer that ended, then another): what was written meanwhile never
 * came. When none of the latest is held and the thread still falls short of its count, messages are missing between
 * what is held and them: the thread starts again from them, and the pages before are read as for any first sight.
 */
function withLatest(session: Session, latest: MessageView[], messageCount: number): Session {
  const merged = mergeMessages(session.messages, latest);
  // One of the latest was held already (the merge left it out): the thread joins them.
  const joined = merged.length < session.messages.length + latest.length;
  if (latest.length === 0 || joined || merged.length >= messageCount) return { ...session, messages: merged };
  const { earlier: _pagesOfTheOldThread, ...rest } = session;
  return { ...rest, messages: latest };
}

function upsertConversation(state: UiState, view: ConversationView): UiState {
  const meId = state.me?.id;
  const previous = state.sessions[view.id];
  const { messages, notes, ...rest } = view;
  const session: Session = previous
    ? withLatest(
        { ...previous, view: { ...previous.view, ...rest }, notes: mergeNotes(previous.notes, notes ?? []) },
        messages ?? [],
        view.messageCount,
      )
    : {
        id: view.id,
        view: rest,
        messages: messages ?? [],
        notes: notes ?? [],
        unread: 0,
        draft: "",
        scroll: 0,
        outbox: [],
      };
  // A conversation first seen closed is history (Home's recently closed), not work: no unread, not in the pane.
  const closed = view.state === "closed";
  if (!previous && messages && state.focus !== view.id && !closed) session.unread = unreadOnFirstSight(messages, meId);
  const sessions = { ...state.sessions, [view.id]: session };
  let order = state.order;
  if (isMine(session.view, meId) && !order.includes(view.id) && !(closed && !previous)) order = [...order, view.id];
  // A conversation that is no longer the rep's (transferred and wrapped up, here or in another console of theirs;
  // closed) leaves the pane, unless it still holds a draft: nothing typed is lost.
  if (!isMine(session.view, meId) && order.includes(view.id) && session.draft === "" && session.outbox.length === 0) {
    order = order.filter((id) => id !== view.id);
  }
  let focus = state.focus;
  if (focus === view.id && !order.includes(view.id)) focus = "home";
  return { ...state, sessions, order, focus };
}

/**
 * A snapshot is the whole of what the server holds now (a restart, a new history, a resume refused): the mirrored
 * server state is replaced, not merged, so nothing of another history stays on screen. What belongs to this terminal
 * stays: settings, the flash, today's figures, and the drafts, outbox, scroll and read markers of conversations that still
 * exist. An alert the rep has not been told of here is said loudly, as its notice would have.
 */
function replaceMirror(state: UiState, snap: Snapshot): UiState {
  const meId = snap.me?.id;
  const offers: Record<string, OfferView> = {};
  for (const offer of snap.offers) offers[offer.id] = offer;
  const sessions: Record<string, Session> = {};
  for (const view of snap.conversations) {
    const { messages = [], notes = [], ...rest } = view;
    const before = state.sessions[view.id];
    const known = new Set(before?.messages.map((m) => m.id));
    const fresh = view.state === "closed" || state.focus === view.id ? [] : messages.filter((m) => !known.has(m.id));
    const unread = before
      ? before.unread + fresh.filter((m) => counts(m, meId)).length
      : unreadOnFirstSight(fresh, meId);
    // The snapshot's messages replace the thread (its latest ones): earlier pages are read again as needed.
    sessions[view.id] = before
      ? { ...withoutEarlier(before), view: rest, messages, notes, unread: view.state === "closed" ? 0 : unread }
      : { id: view.id, view: rest, messages, notes, unread, draft: "", scroll: 0, outbox: [] };
  }
  // A conversation closed while away leaves the pane (Home lists it under Recently closed); one the rep saw
  // close stays until dismissed, as it would have; anything holding a draft stays, so nothing typed is lost.
  const keeps = (s: Session) =>
    s.draft !== "" ||
    s.outbox.length > 0 ||
    (isMine(s.view, meId) &&
      (s.view.state !== "closed" || state.focus === s.id || state.sessions[s.id]?.view.state === "closed"));
  const kept = state.order.filter((id) => sessions[id] && keeps(sessions[id]));
  const arrived = snap.conversations
    .map((v) => v.id)
    .filter((id) => !kept.includes(id) && isMine(sessions[id]!.view, meId) && sessions[id]!.view.state !== "closed");
  const order = [...kept, ...arrived];
  const exists = (id: string) => id in sessions;
  const focus = state.focus !== "home" && !exists(state.focus) ? "home" : state.focus;
  const picker =
    state.picker && "conversationId" in state.picker && !exists(state.picker.conversationId) ? null : state.picker;
  const dialog =
    state.dialog && "conversationId" in state.dialog && !exists(state.dialog.conversationId) ? null : state.dialog;
  const editors = Object.fromEntries(
    Object.entries(state.editors).filter(
      ([key]) => !key.startsWith("draft:") || key === "draft:home" || exists(key.slice(6)),
    ),
  );
  const alerted = order.map((id) => sessions[id]!).find((s) => s.view.alert && !state.sessions[s.id]?.view.alert);
  const alert = alerted ? alertHint(alerted) : null;
  return {
    ...state,
    me: snap.me,
    org: snap.org,
    offers,
    sessions,
    order,
    focus,
    picker,
    dialog,
    editors,
    // Open items were asked of the history being replaced: the console asks again after each welcome. (Transfer
    // targets are asked again whenever a picker opens, and an open picker keeps its rows.)
    openItems: [],
    history: {},
    flash: alert ? { level: "warn", text: alert, at: state.now } : state.flash,
  };
}

function withoutEarlier(session: Session): Session {
  const { earlier: _earlier, ...rest } = session;
  return rest;
}

/** The rep has this session's newest lines before their eyes: what arrives there is read, not unread. */
function readingNewest(state: UiState, session: Session): boolean {
  return state.focus === session.id && session.scroll === 0 && state.terminalFocused;
}

function addMessage(state: UiState, conversationId: string, message: MessageView): UiState {
  const session = state.sessions[conversationId];
  if (!session) return state;
  const messages = mergeMessages(session.messages, [message]);
  if (messages === session.messages) return state;
  const visible = readingNewest(state, session);
  const outbox = message.clientId ? session.outbox.filter((o) => o.clientId !== message.clientId) : session.outbox;
  const unread = !visible && counts(message, state.me?.id) ? session.unread + 1 : session.unread;
  // A message comes without a new view: the customer's wait follows from the messages, as the server works it out
  // (from the last one alone when it is the newest; from them all when a resume put it among earlier ones).
  const wait = messages.at(-1) === message ? replyWaitAfter(session.view, message) : replyWaitOf(messages);
  const view = {
    ...session.view,
    customerWaitingSince: wait.customerWaitingSince,
    firstResponseAt: wait.firstResponseAt,
    // A message comes without its view: the count follows it, until the next view says it again.
    messageCount: session.view.messageCount + 1,
  };
  // Scrolled back (reading earlier lines), the rep keeps their place: a new line below lengthens "N more ↓" instead.
  const scroll = session.scroll > 0 && messages.at(-1) === message ? session.scroll + 1 : session.scroll;
  const next: Session = { ...session, view, messages, unread, outbox, scroll };
  // The customer's message (or the chat's end) is what their typing led to: "is typing…" goes with it.
  if (message.author.role === "customer" || message.author.role === "system") delete next.customerTypingUntil;
  return { ...state, sessions: { ...state.sessions, [conversationId]: next } };
}

/** Notices said in their session's thread too, where the rep reads what happened to the conversation. */
const THREAD_NOTICES: ReadonlySet<NoticeCode> = new Set<NoticeCode>([
  "customer_back",
  "consult_joined",
  "consult_left",
]);

/**
 * P12: the customer is back in a parked chat now assigned to this rep again; a consultant joined or left: said in
 * that session's thread too.
 */
function threadLine(state: UiState, change: Extract<Change, { kind: "notice" }>, at: number): UiState {
  if (!THREAD_NOTICES.has(change.code) || !change.conversationId) return state;
  return withSession(state, change.conversationId, (s) => ({
    ...s,
    lines: [...(s.lines ?? []), { id: `line:${at}:${s.lines?.length ?? 0}`, at, text: change.text }],
  }));
}

/**
 * A conversation out of this user's sight (another console of theirs wrapped up its transfer, say) leaves the pane
 * and the mirror, unless it holds a draft or unsent messages: nothing typed is lost.
 */
function letGo(state: UiState, conversationId: string): UiState {
  const session = state.sessions[conversationId];
  if (!session || session.draft !== "" || session.outbox.length > 0) return state;
  const sessions = { ...state.sessions };
  delete sessions[conversationId];
  const editors = { ...state.editors };
  delete editors[`draft:${conversationId}`];
  const order = state.order.filter((id) => id !== conversationId);
  return { ...state, sessions, editors, order, focus: state.focus === conversationId ? "home" : state.focus };
}

function applyChange(state: UiState, change: Change, at: number): UiState {
  switch (change.kind) {
    case "conversation":
      return upsertConversation(state, change.conversation);
    case "message":
      return addMessage(state, change.conversationId, change.message);
    case "note": {
      // A whisper or a consultant's line is written to this rep: unread, like a message, until they look.
      const toMe = change.note.kind !== undefined && change.note.author.id !== state.me?.id;
      return withSession(state, change.conversationId, (s) => {
        const notes = mergeNotes(s.notes, [change.note]);
        const seen = readingNewest(state, s);
        const unread = toMe && notes !== s.notes && !seen ? s.unread + 1 : s.unread;
        const scroll = s.scroll > 0 && notes !== s.notes ? s.scroll + 1 : s.scroll;
        return { ...s, notes, unread, scroll };
      });
    }
    case "offer":
      return { ...state, offers: { ...state.offers, [change.offer.id]: change.offer } };
    case "offer_ended": {
      const offers = { ...state.offers };
      delete offers[change.offerId];
      return { ...state, offers };
    }
    case "user":
      return change.user.id === state.me?.id ? { ...state, me: change.user } : state;
    case "gone":
      return letGo(state, change.conversationId);
    case "notice": {
      const warn =
        change.code === "rona" ||
        change.code === "aborted" ||
        change.code === "sentiment_alert" ||
        change.code === "transfer_not_accepted" ||
        change.code === "consult_declined" ||
        change.code === "conference_declined" ||
        change.code === "presence_set";
      const flash: Flash = { level: warn ? "warn" : "info", text: change.text, at: state.now };
      const next = threadLine(state, change, at);
      // A consult that ended: the conversation is no longer this user's to see; it leaves the pane.
      if (change.code === "consult_ended" && change.conversationId) {
        const id = change.conversationId;
        const meId = state.me?.id;
        const left = withSession(state, id, (s) => ({
          ...s,
          view: { ...s.view, consultants: s.view.consultants.filter((c) => c !== meId) },
        }));
        const order = left.order.filter((o) => o !== id);
        return { ...left, order, focus: left.focus === id ? "home" : left.focus, flash };
      }
      return { ...next, flash };
    }
    case "org":
      return { ...state, org: change.org };
    case "customer_conversation":
      return state;
  }
}

function withSession(state: UiState, id: string, update: (s: Session) => Session): UiState {
  const session = state.sessions[id];
  return session ? { ...state, sessions: { ...state.sessions, [id]: update(session) } } : state;
}

export function reduce(state: UiState, action: Action): UiState {
  switch (action.type) {
    case "welcome": {
      const { welcome } = action;
      const next: UiState = { ...state, connection: "online", clockSkew: welcome.serverTime - action.now };
      return welcome.snapshot ? replaceMirror(next, welcome.snapshot) : next;
    }
    case "event": {
      let next = state;
      for (const change of action.frame.changes) next = applyChange(next, change, action.frame.at);
      return next;
    }
    case "connection":
      return { ...state, connection: action.status };
    case "consoles":
      return { ...state, consoles: action.count };
    case "typing":
      return withSession(state, action.conversationId, (s) => ({ ...s, customerTypingUntil: action.until }));
    case "tick":
      return {
        ...state,
        now: action.now,
        flash: state.flash && action.now - state.flash.at > FLASH_MS ? null : state.flash,
      };
    case "focus": {
      if (action.target === "home") return { ...state, focus: "home", quitArmed: false };
      if (!state.sessions[action.target]) return state;
      // S10: focusing a session clears its unread count.
      const next = withSession(state, action.target, (s) => ({ ...s, unread: 0, scroll: 0 }));
      return { ...next, focus: action.target, quitArmed: false };
    }
    case "select-next-session": {
      const ids = ["home", ...state.order];
      const at = ids.indexOf(state.focus);
      return reduce(state, { type: "focus", target: ids[(at + action.step + ids.length) % ids.length]! });
    }
    case "next-home-list": {
      const at = HOME_LISTS.indexOf(state.home.list);
      return { ...state, home: { ...state.home, list: HOME_LISTS[(at + 1) % HOME_LISTS.length]! } };
    }
    case "page-home-list": {
      const list = state.home.list;
      const section = homeLayout(state)[list];
      const page = Math.max(1, section.shown.length);
      const offset = Math.max(0, Math.min(section.offset + action.direction * page, section.total - page));
      return { ...state, home: { ...state.home, offsets: { ...state.home.offsets, [list]: offset } } };
    }
    case "edit": {
      const { field, editor } = action;
      const next = { ...state, editors: { ...state.editors, [fieldKey(field)]: editor } };
      switch (field.kind) {
        case "draft":
          if (field.id === "home") return { ...next, homeDraft: editor.text };
          return withSession(next, field.id, (s) => ({ ...s, draft: editor.text }));
        case "picker": {
          const picker = state.picker;
          if (!picker) return state;
          return {
            ...next,
            picker: { ...picker, filter: editor.text, index: editor.text === picker.filter ? picker.index : 0 },
          };
        }
        case "help":
          if (state.dialog?.kind !== "help") return state;
          return { ...next, dialog: { ...state.dialog, filter: editor.text, scroll: 0 } };
      }
      return state;
    }
    case "help-scroll": {
      if (state.dialog?.kind !== "help") return state;
      return {
        ...state,
        dialog: {
          ...state.dialog,
          scroll: Math.max(0, Math.min(action.max, (state.dialog.scroll ?? 0) + action.delta)),
        },
      };
    }
    case "draft":
      if (action.conversationId === "home") return { ...state, homeDraft: action.text };
      return withSession(state, action.conversationId, (s) => ({ ...s, draft: action.text }));
    case "submit-draft":
      return withSession(state, action.conversationId, (s) => ({
        ...s,
        draft: "",
        scroll: 0,
        outbox: [...s.outbox, { clientId: action.clientId, text: action.text }],
      }));
    case "outbox-failed":
      // The server refused it: the text goes back into the composer, nothing is lost.
      return withSession(state, action.conversationId, (s) => ({
        ...s,
        outbox: s.outbox.filter((o) => o.clientId !== action.clientId),
        draft: s.draft === "" ? action.text : `${action.text}\n${s.draft}`,
      }));
    case "scroll": {
      if (state.focus === "home") return state;
      return withSession(state, state.focus, (s) => {
        const scroll = action.delta === "live" ? 0 : Math.max(0, s.scroll + action.delta);
        return { ...s, scroll, unread: scroll === 0 ? 0 : s.unread };
      });
    }
    case "toggle-pane":
      return { ...state, collapsed: !state.collapsed };
    case "picker":
      return { ...state, picker: action.picker };
    case "move-picker": {
      const picker = state.picker;
      const count = picker ? pickerItems(state, picker).length : 0;
      if (!picker || count === 0) return state;
      return { ...state, picker: { ...picker, index: (((picker.index + action.delta) % count) + count) % count } };
    }
    case "switch-picker-tab": {
      const picker = state.picker;
      if (picker?.kind !== "transfer") return state;
      return { ...state, picker: { ...picker, tab: picker.tab === "queues" ? "reps" : "queues", index: 0 } };
    }
    case "dismiss-picker": {
      const picker = state.picker;
      if (!picker) return state;
      if (picker.filter) return { ...state, picker: { ...picker, filter: "", index: 0 } };
      return picker.kind === "wrapup" ? state : { ...state, picker: null };
    }
    case "dialog":
      return { ...state, dialog: action.dialog };
    case "targets":
      return { ...state, targets: action.targets };
    case "open-items":
      return { ...state, openItems: action.items };
    case "history":
      return { ...state, history: { ...state.history, [action.conversationId]: action.items } };
    case "history-opened": {
      // Closed and seen for the first time: upsertConversation keeps it out of the pane and unread.
      const next = upsertConversation(state, action.conversation);
      const opened = withSession(next, action.conversation.id, (s) => ({ ...s, historyOf: action.historyOf }));
      return reduce(opened, { type: "focus", target: action.conversation.id });
    }
    case "flash":
      return { ...state, flash: action.flash };
    case "quit-armed":
      return { ...state, quitArmed: action.armed };
    case "remove-session": {
      // Out of the pane, its draft goes with it (a closed one's was said not to be sent): one left in the mirror,
      // out of sight, would be counted by the quit warning and bring the session back on the next snapshot.
      const order = state.order.filter((id) => id !== action.conversationId);
      const editors = { ...state.editors };
      delete editors[`draft:${action.conversationId}`];
      const next = withSession(state, action.conversationId, (s) => ({ ...s, draft: "" }));
      return { ...next, editors, order, focus: state.focus === action.conversationId ? "home" : state.focus };
    }
    case "resize":
      return { ...state, size: { columns: action.columns, rows: action.rows } };
    case "terminal-focus": {
      const next = { ...state, terminalFocused: action.focused };
      return action.focused && state.focus !== "home"
        ? withSession(next, state.focus, (s) => (s.scroll === 0 ? { ...s, unread: 0 } : s))
        : next;
    }
    case "today":
      return { ...state, today: action.today };
    case "earlier-loading":
      return withSession(state, action.conversationId, (s) => ({
        ...s,
        earlier: { loading: true, more: s.earlier?.more ?? true },
      }));
    case "earlier-page":
      // Earlier messages were there before the rep came: they are read, never unread. The scroll counts from the
      // bottom, so the message being read stays where it is.
      return withSession(state, action.conversationId, (s) => ({
        ...s,
        messages: mergeMessages(s.messages, action.messages),
        notes: mergeNotes(s.notes, action.notes ?? []),
        earlier: { loading: false, more: action.more },
      }));
    case "earlier-failed":
      return withSession(state, action.conversationId, (s) => ({
        ...s,
        earlier: { loading: false, more: s.earlier?.more ?? true, error: action.error },
      }));
  }
}

export type { UserView };
