// Key bindings as data. The one input handler, the footer hints, the help overlay and docs/keys.md
// all come from this table.
import { sharedStart, startingWith } from "./complete.js";
import type { Key } from "ink";
import type { EditCommand } from "./line-editor.js";

export type Mode =
  | "composer"
  | "home"
  | "picker"
  | "confirm"
  | "help"
  // the monitor: the table, its filter prompt, the team view, the live figures, the live view of a monitored or joined conversation and its composer
  | "monitor"
  | "monitor-filter"
  | "monitor-team"
  | "monitor-figures"
  | "monitor-watch"
  | "monitor-compose";

export type CommandId =
  | "accept"
  | "reject"
  | "transfer"
  | "conference"
  | "end"
  | "end-conference"
  | "consult"
  | "leave-consult"
  | "end-consult"
  | "close"
  | "presence"
  | "switcher"
  | "next-attention"
  | "home"
  | "session-1"
  | "session-2"
  | "session-3"
  | "session-4"
  | "session-5"
  | "session-6"
  | "session-7"
  | "session-8"
  | "session-9"
  | "next-session"
  | "previous-session"
  | "scroll-up"
  | "scroll-down"
  | "scroll-live"
  | "home-scroll-up"
  | "home-scroll-down"
  | "home-next-list"
  | "toggle-pane"
  | "help"
  | "send"
  | "newline"
  | "clear-or-quit"
  | "remove-session"
  | "note"
  | "quick-reply"
  | "next-parameter"
  | "complete-slash"
  | "pick"
  | "open-closed"
  | "history"
  | "picker-up"
  | "picker-down"
  | "picker-select"
  | "picker-tab"
  | "picker-reload"
  | "picker-escape"
  | "confirm-toggle"
  | "confirm-yes"
  | "confirm-no"
  // monitor
  | "mon-up"
  | "mon-down"
  | "mon-filter"
  | "mon-command"
  | "mon-monitor"
  | "mon-join"
  | "mon-leave"
  | "mon-whisper"
  | "mon-assign"
  | "mon-assign-override"
  | "mon-transfer"
  | "mon-force-close"
  | "mon-pause"
  | "mon-sort"
  | "mon-view"
  | "mon-team"
  | "mon-team-up"
  | "mon-team-down"
  | "mon-set-presence"
  | "mon-why"
  | "mon-figures"
  | "mon-quit"
  | "mon-page-up"
  | "mon-page-down"
  | "mon-open"
  | "mon-sort-reverse"
  | "mon-help"
  | "mon-filter-apply"
  | "mon-filter-complete"
  | "mon-filter-clear"
  | "mon-back"
  | "mon-write"
  | "mon-scroll-up"
  | "mon-scroll-down"
  | "mon-scroll-live"
  | "mon-send"
  | "mon-newline"
  | "mon-clear"
  | "help-up"
  | "help-down"
  | "help-page-up"
  | "help-page-down"
  | EditCommand;

/** Modes with a field that takes text: composers (several lines) and filters (one line). */
export const COMPOSER_MODES: Mode[] = ["composer", "home", "monitor-compose"];
export const FILTER_MODES: Mode[] = ["picker", "help", "monitor-filter"];
const FIELD_MODES: Mode[] = [...COMPOSER_MODES, ...FILTER_MODES];

export function isEditCommand(id: CommandId): id is EditCommand {
  return id.startsWith("edit-");
}

/**
 * What a footer hint needs to be true (an offer pending, a conversation open, …): the footer shows only the
 * keys that would do something now. Each app says which of these hold.
 */
export type Need =
  "offer" | "session" | "owned-active" | "persistent" | "closed-session" | "transfer-picker" | "consulting";

export interface Binding {
  id: CommandId;
  /** Human notation, e.g. "Alt+Y". The first is shown in hints. */
  keys: string[];
  modes: Mode[];
  description: string;
  /** Slash command reaching the same action from the composer. */
  slash?: string;
  /** Shown in the footer for these modes. */
  hint?: boolean;
  /** A short name for the footer hint (else the description up to its first comma or parenthesis). */
  label?: string;
  /** The footer shows the hint only when these hold. */
  needs?: Need[];
  /** The keys mean this only while the field holds text (else the next binding of the same key applies). */
  whenText?: boolean;
}

const EDIT_BINDINGS: Binding[] = [
  { id: "edit-left", keys: ["Left"], modes: FIELD_MODES, description: "cursor one character left" },
  { id: "edit-right", keys: ["Right"], modes: FIELD_MODES, description: "cursor one character right" },
  {
    id: "edit-word-left",
    keys: ["Alt+B", "Ctrl+Left", "Alt+Left"],
    modes: FIELD_MODES,
    description: "cursor one word left",
  },
  {
    id: "edit-word-right",
    keys: ["Alt+F", "Ctrl+Right", "Alt+Right"],
    modes: FIELD_MODES,
    description: "cursor one word right",
  },
  { id: "edit-home", keys: ["Home", "Ctrl+A"], modes: FIELD_MODES, description: "cursor to the start of the line" },
  { id: "edit-end", keys: ["End", "Ctrl+E"], modes: FIELD_MODES, description: "cursor to the end of the line" },
  {
    id: "edit-up",
    keys: ["Up"],
    modes: COMPOSER_MODES,
    description: "cursor to the line above; on an empty composer, the previous message sent from it",
  },
  {
    id: "edit-down",
    keys: ["Down"],
    modes: COMPOSER_MODES,
    description: "cursor to the line below; after Up, the next message sent",
  },
  {
    id: "edit-backspace",
    keys: ["Backspace"],
    modes: FIELD_MODES,
    description: "delete the character before the cursor",
  },
  { id: "edit-delete", keys: ["Delete"], modes: FIELD_MODES, description: "delete the character at the cursor" },
  {
    id: "edit-kill-word",
    keys: ["Ctrl+W"],
    modes: FIELD_MODES,
    description: "delete the word before the cursor (to a blank)",
  },
  {
    id: "edit-kill-alnum-word",
    keys: ["Alt+Backspace"],
    modes: FIELD_MODES,
    description: "delete the word before the cursor (letters and digits)",
  },
  { id: "edit-kill-start", keys: ["Ctrl+U"], modes: FIELD_MODES, description: "delete to the start of the line" },
  {
    id: "edit-kill-end",
    keys: ["Ctrl+K"],
    modes: FIELD_MODES,
    description: "delete to the end of the line (on an empty composer Ctrl+K opens the quick switcher)",
    whenText: true,
  },
  { id: "edit-undo", keys: ["Ctrl+Z", "Ctrl+_"], modes: FIELD_MODES, description: "undo the last edit" },
];

const SESSION_KEYS: Binding[] = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({
  id: `session-${n}` as CommandId,
  keys: [`Alt+${n}`],
  modes: ["composer", "home"] as Mode[],
  description: `jump to session ${n}`,
}));

export const BINDINGS: Binding[] = [
  {
    id: "accept",
    keys: ["Alt+Y"],
    modes: ["composer", "home"],
    description: "accept the pending offer",
    slash: "/accept",
    hint: true,
    needs: ["offer"],
  },
  {
    id: "reject",
    keys: ["Alt+N"],
    modes: ["composer", "home"],
    description: "reject the pending offer",
    slash: "/reject",
    hint: true,
    needs: ["offer"],
  },
  {
    id: "transfer",
    keys: ["Alt+T"],
    modes: ["composer"],
    description: "transfer to a queue or a rep (then wrap-up)",
    slash: "/transfer",
    hint: true,
    needs: ["owned-active"],
  },
  {
    id: "conference",
    keys: ["Alt+C"],
    modes: ["composer"],
    description: "invite a rep to a conference",
    slash: "/conference",
    hint: true,
    needs: ["owned-active"],
  },
  {
    id: "consult",
    keys: ["Alt+U"],
    modes: ["composer"],
    description: "ask a rep or a supervisor to consult: they see the thread and write to you only (/consult name)",
    slash: "/consult",
    label: "consult",
    needs: ["owned-active"],
  },
  {
    id: "leave-consult",
    keys: ["Alt+L"],
    modes: ["composer"],
    description: "leave a conversation you consult on",
    slash: "/leave",
    hint: true,
    label: "leave consult",
    needs: ["consulting"],
  },
  {
    id: "end-consult",
    keys: [],
    modes: ["composer"],
    description: "end the consult on a conversation you handle: every consultant leaves it (/endconsult)",
    slash: "/endconsult",
  },
  {
    id: "end-conference",
    keys: ["Alt+X"],
    modes: ["composer"],
    description: "leave the conference (then wrap-up)",
    slash: "/endconference",
  },
  {
    id: "end",
    keys: ["Alt+E"],
    modes: ["composer"],
    description: "end the conversation with a wrap-up reason",
    slash: "/end",
    hint: true,
    needs: ["session"],
  },
  {
    id: "close",
    keys: ["Alt+W"],
    modes: ["composer", "home"],
    description: "close a persistent chat to Waiting (asks first)",
    slash: "/close",
    hint: true,
    needs: ["persistent"],
  },
  {
    id: "presence",
    keys: ["Alt+P"],
    modes: ["composer", "home"],
    description: "set presence (the way out of RONA)",
    slash: "/status",
    hint: true,
  },
  {
    id: "switcher",
    keys: ["Ctrl+K", "Alt+K"],
    modes: ["composer", "home"],
    description: "quick switcher, ordered by attention (Ctrl+K when the composer is empty, Alt+K always)",
    slash: "/switch",
    hint: true,
    label: "switch",
  },
  {
    id: "next-attention",
    keys: ["Alt+A"],
    modes: ["composer", "home"],
    description: "next session needing attention",
    slash: "/next",
    hint: true,
  },
  { id: "home", keys: ["Alt+0"], modes: ["composer", "home"], description: "go to Home", slash: "/home" },
  ...SESSION_KEYS,
  { id: "next-session", keys: ["Alt+Down", "Ctrl+N"], modes: ["composer", "home"], description: "next session" },
  { id: "previous-session", keys: ["Alt+Up", "Ctrl+P"], modes: ["composer", "home"], description: "previous session" },
  { id: "scroll-up", keys: ["PgUp"], modes: ["composer"], description: "scroll the thread up" },
  { id: "scroll-down", keys: ["PgDn"], modes: ["composer"], description: "scroll the thread down" },
  { id: "scroll-live", keys: ["Ctrl+End", "Ctrl+L"], modes: ["composer"], description: "back to the newest messages" },
  {
    id: "toggle-pane",
    keys: ["Ctrl+B"],
    modes: ["composer", "home"],
    description: "collapse or expand the session pane",
  },
  {
    id: "remove-session",
    keys: ["Alt+Q"],
    modes: ["composer", "home"],
    description: "remove an ended session from the pane (Home stays)",
    slash: "/dismiss",
    hint: true,
    label: "dismiss",
    needs: ["closed-session"],
  },
  {
    id: "help",
    keys: ["F1", "?"],
    modes: ["composer", "home", "picker", "confirm"],
    description: "help (F1 anywhere; ? where you are not typing)",
    slash: "/help",
    hint: true,
  },
  { id: "send", keys: ["Enter"], modes: ["composer", "home"], description: "send the message" },
  { id: "newline", keys: ["Alt+Enter", "Ctrl+J"], modes: ["composer"], description: "add a line break" },
  {
    id: "clear-or-quit",
    keys: ["Ctrl+C"],
    modes: ["composer", "home", "picker", "confirm", "help"],
    description: "clear the composer; twice on empty quits (sets Offline)",
    slash: "/quit",
  },
  {
    id: "note",
    keys: ["Alt+O"],
    modes: ["composer"],
    description: "save the composer's text as a note for staff (the customer never sees it)",
    slash: "/note",
    label: "note",
    needs: ["session"],
  },
  {
    id: "quick-reply",
    keys: ["Alt+I"],
    modes: ["composer"],
    description: "insert a quick reply at the cursor (/q words filters)",
    slash: "/q",
    hint: true,
    label: "quick reply",
    needs: ["session"],
  },
  {
    id: "history",
    keys: ["Alt+H"],
    modes: ["composer"],
    description: "the signed-in customer's earlier conversations; Enter opens one read-only",
    slash: "/history",
    label: "history",
  },
  {
    id: "next-parameter",
    keys: ["Tab"],
    modes: ["composer"],
    description: "complete the /command being typed; else go to the next <parameter> of a quick reply, type to fill it",
  },
  { id: "home-scroll-up", keys: ["PgUp"], modes: ["home"], description: "scroll the highlighted Home list up" },
  { id: "home-scroll-down", keys: ["PgDn"], modes: ["home"], description: "scroll the highlighted Home list down" },
  {
    id: "complete-slash",
    keys: ["Tab"],
    modes: ["home"],
    description: "complete the /command being typed",
    whenText: true,
  },
  {
    id: "home-next-list",
    keys: ["Tab"],
    modes: ["home"],
    description: "highlight the next Home list (my work items, open items, recently closed)",
  },
  {
    id: "pick",
    keys: [],
    modes: ["home"],
    description: "pick open work item N from Home's list (/pick N)",
    slash: "/pick",
  },
  {
    id: "open-closed",
    keys: [],
    modes: ["home"],
    description: "open recently closed item N from Home's list, read-only (/open N)",
    slash: "/open",
  },

  { id: "help-up", keys: ["Up"], modes: ["help"], description: "scroll help up", hint: true, label: "scroll" },
  { id: "help-down", keys: ["Down"], modes: ["help"], description: "scroll help down" },
  { id: "help-page-up", keys: ["PgUp"], modes: ["help"], description: "scroll help a page up" },
  { id: "help-page-down", keys: ["PgDn"], modes: ["help"], description: "scroll help a page down" },
  { id: "picker-up", keys: ["Up"], modes: ["picker"], description: "move up" },
  { id: "picker-down", keys: ["Down"], modes: ["picker"], description: "move down" },
  { id: "picker-select", keys: ["Enter"], modes: ["picker"], description: "select", hint: true },
  {
    id: "picker-tab",
    keys: ["Tab"],
    modes: ["picker"],
    description: "switch Queues / Reps",
    hint: true,
    needs: ["transfer-picker"],
  },
  { id: "picker-reload", keys: ["Ctrl+R"], modes: ["picker"], description: "reload the list", hint: true },
  {
    id: "picker-escape",
    keys: ["Esc"],
    modes: ["picker", "help"],
    description: "clear the filter, then close",
    hint: true,
  },
  {
    id: "confirm-toggle",
    keys: ["Tab", "Left", "Right"],
    modes: ["confirm"],
    description: "switch between Cancel and Confirm",
    hint: true,
  },
  { id: "confirm-yes", keys: ["Enter"], modes: ["confirm"], description: "choose the highlighted button", hint: true },
  { id: "confirm-no", keys: ["Esc"], modes: ["confirm"], description: "cancel", hint: true },
  ...EDIT_BINDINGS,
  // monitor: the live table
  { id: "mon-up", keys: ["Up", "k"], modes: ["monitor"], description: "select the previous conversation" },
  { id: "mon-down", keys: ["Down", "j"], modes: ["monitor"], description: "select the next conversation" },
  { id: "mon-page-up", keys: ["PgUp"], modes: ["monitor"], description: "a page up in the table" },
  { id: "mon-page-down", keys: ["PgDn"], modes: ["monitor"], description: "a page down in the table" },
  {
    id: "mon-open",
    keys: ["Enter"],
    modes: ["monitor"],
    description: "open the live view of a conversation you monitor or joined",
    label: "live view",
  },
  {
    id: "mon-filter",
    keys: ["/"],
    modes: ["monitor"],
    description: "filter the table: words, or state: queue: rep: mode: id:",
    hint: true,
    label: "filter",
  },
  {
    id: "mon-command",
    keys: [":"],
    modes: ["monitor"],
    description: "command line: :queue billing, :rep alice, :state waiting (a filter by one column)",
  },
  {
    id: "mon-monitor",
    keys: ["m"],
    modes: ["monitor"],
    description: "monitor silently (Active or Wrap-up, not your own)",
    hint: true,
    label: "monitor",
  },
  {
    id: "mon-join",
    keys: ["J"],
    modes: ["monitor", "monitor-watch"],
    description: "join: write to rep and customer (Active or Wrap-up)",
    hint: true,
    label: "join",
  },
  {
    id: "mon-whisper",
    keys: ["w"],
    modes: ["monitor", "monitor-watch"],
    description: "whisper to the rep (monitors first if need be); the customer never sees it",
    hint: true,
    label: "whisper",
  },
  {
    id: "mon-leave",
    keys: ["L"],
    modes: ["monitor", "monitor-watch"],
    description: "stop monitoring, or leave a joined conversation",
    label: "leave",
  },
  {
    id: "mon-assign",
    keys: ["a"],
    modes: ["monitor"],
    description: "assign an Open unassigned conversation to a rep or a queue",
    hint: true,
    label: "assign",
  },
  {
    id: "mon-assign-override",
    keys: ["A"],
    modes: ["monitor"],
    description: "assign overriding the rep's presence and capacity",
    hint: true,
    label: "override",
  },
  {
    id: "mon-transfer",
    keys: ["t"],
    modes: ["monitor", "monitor-watch"],
    description: "transfer an Active or Waiting conversation to a rep or a queue",
    hint: true,
    label: "transfer",
  },
  {
    id: "mon-force-close",
    keys: ["Ctrl+D"],
    modes: ["monitor", "monitor-watch", "monitor-compose"],
    description: "force close (asks first, Cancel is the default)",
    hint: true,
    label: "force close",
  },
  {
    id: "mon-pause",
    keys: ["Z"],
    modes: ["monitor", "monitor-team", "monitor-figures"],
    description: "pause or resume live updates",
    hint: true,
    label: "pause",
  },
  {
    id: "mon-sort",
    keys: ["s"],
    modes: ["monitor"],
    description: "cycle the sort column: time, sentiment, state, queue, rep, id",
    hint: true,
    label: "sort",
  },
  { id: "mon-sort-reverse", keys: ["S"], modes: ["monitor"], description: "reverse the sort order" },
  {
    id: "mon-view",
    keys: ["v"],
    modes: ["monitor"],
    description: "cycle saved views: all, Open, Waiting, alerts",
    hint: true,
    label: "view",
  },
  {
    id: "mon-why",
    keys: ["y"],
    modes: ["monitor"],
    description: "why it is where it is: each routing decision, every rep's verdict, in the preview (y again hides)",
    label: "why",
  },
  {
    id: "mon-team",
    keys: ["T"],
    modes: ["monitor", "monitor-team", "monitor-figures"],
    description: "team and queues view (T again goes back)",
    hint: true,
    label: "team",
  },
  { id: "mon-team-up", keys: ["Up", "k"], modes: ["monitor-team"], description: "select the previous rep" },
  { id: "mon-team-down", keys: ["Down", "j"], modes: ["monitor-team"], description: "select the next rep" },
  {
    id: "mon-set-presence",
    keys: ["p"],
    modes: ["monitor-team"],
    description: "set the selected rep's presence (sign out a rep who left, Available after RONA); they are told",
    hint: true,
    label: "presence",
  },
  {
    id: "mon-figures",
    keys: ["F"],
    modes: ["monitor", "monitor-team", "monitor-figures"],
    description:
      "live figures: each queue now and over the last hour, with charts, and the reps' occupancy (F again goes back)",
    hint: true,
    label: "figures",
  },
  {
    id: "mon-help",
    keys: ["?", "F1"],
    modes: ["monitor", "monitor-team", "monitor-figures", "monitor-watch", "monitor-filter", "monitor-compose"],
    description: "help, filterable",
    hint: true,
    label: "help",
  },
  {
    id: "mon-quit",
    keys: ["q", "Ctrl+C"],
    modes: ["monitor", "monitor-team", "monitor-figures"],
    description: "quit (leaves what you monitor or joined)",
    hint: true,
    label: "quit",
  },
  // monitor: the filter prompt
  {
    id: "mon-filter-apply",
    keys: ["Enter"],
    modes: ["monitor-filter"],
    description: "keep the filter and go back to the table",
    hint: true,
    label: "keep",
  },
  {
    id: "mon-filter-complete",
    keys: ["Tab"],
    modes: ["monitor-filter"],
    description: "complete a column's name or one of its values (:qu → :queue, queue:b → queue:Billing)",
  },
  {
    id: "mon-filter-clear",
    keys: ["Esc"],
    modes: ["monitor-filter"],
    description: "clear the filter",
    hint: true,
    label: "clear",
  },
  // monitor: the team view and the live view of one conversation
  {
    id: "mon-back",
    keys: ["Esc"],
    modes: ["monitor-team", "monitor-figures", "monitor-watch", "monitor-compose"],
    description: "back: from the composer to the live view, then to the table",
    hint: true,
    label: "back",
  },
  {
    id: "mon-write",
    keys: ["Enter"],
    modes: ["monitor-watch"],
    description: "write in a joined conversation",
    hint: true,
    label: "write",
  },
  {
    id: "mon-scroll-up",
    keys: ["PgUp"],
    modes: ["monitor-watch", "monitor-compose"],
    description: "scroll the thread up",
  },
  {
    id: "mon-scroll-down",
    keys: ["PgDn"],
    modes: ["monitor-watch", "monitor-compose"],
    description: "scroll the thread down",
  },
  {
    id: "mon-scroll-live",
    keys: ["Ctrl+End", "Ctrl+L"],
    modes: ["monitor-watch", "monitor-compose"],
    description: "back to the newest messages",
  },
  {
    id: "mon-send",
    keys: ["Enter"],
    modes: ["monitor-compose"],
    description: "send: to the rep and the customer (joined), or to the rep only (whisper)",
    hint: true,
    label: "send",
  },
  { id: "mon-newline", keys: ["Alt+Enter", "Ctrl+J"], modes: ["monitor-compose"], description: "add a line break" },
  { id: "mon-clear", keys: ["Ctrl+C"], modes: ["monitor-compose"], description: "clear the composer" },
];

/** The notation of one key press, as written in the table. */
export function notation(input: string, key: Key): string | null {
  const named = key.return
    ? "Enter"
    : key.escape
      ? "Esc"
      : key.tab
        ? "Tab"
        : key.upArrow
          ? "Up"
          : key.downArrow
            ? "Down"
            : key.leftArrow
              ? "Left"
              : key.rightArrow
                ? "Right"
                : key.pageUp
                  ? "PgUp"
                  : key.pageDown
                    ? "PgDn"
                    : key.end
                      ? "End"
                      : key.home
                        ? "Home"
                        : key.backspace
                          ? "Backspace"
                          : key.delete
                            ? "Delete"
                            : null;
  if (named) {
    // Ink reports a lone Esc with meta set: it is Esc, not Alt+Esc.
    if (key.escape) return "Esc";
    if (key.meta) return `Alt+${named}`;
    if (key.ctrl) return `Ctrl+${named}`;
    return named;
  }
  if (input === "\x1bOP" || input === "\x1b[11~") return "F1";
  if (input.length !== 1) return null;
  if (key.ctrl) return `Ctrl+${input.toUpperCase()}`;
  if (key.meta) return `Alt+${/[a-z]/i.test(input) ? input.toUpperCase() : input}`;
  return input;
}

const byMode = new Map<Mode, Map<string, Binding[]>>();
for (const binding of BINDINGS) {
  for (const mode of binding.modes) {
    let table = byMode.get(mode);
    if (!table) byMode.set(mode, (table = new Map()));
    for (const k of binding.keys) table.set(k, [...(table.get(k) ?? []), binding]);
  }
}

/** What the key table needs to know of the field with focus. */
export interface KeyContext {
  /** The field holds text (Ctrl+K deletes to the end rather than opening the switcher). */
  fieldHasText?: boolean;
}

/** Pure: which command a key press means in a mode, or null (typed text). */
export function matchKey(input: string, key: Key, mode: Mode, context: KeyContext = {}): CommandId | null {
  const written = notation(input, key);
  if (!written) return null;
  // "?" is typed text in a composer or a filter; help there is F1.
  // (Home's composer takes commands only: there ? is help, as before.)
  if (FIELD_MODES.includes(mode) && mode !== "home" && written === "?") return null;
  const candidates = byMode.get(mode)?.get(written) ?? [];
  const conditional = candidates.find((b) => b.whenText);
  if (conditional && context.fieldHasText) return conditional.id;
  return candidates.find((b) => !b.whenText)?.id ?? null;
}

export function bindingsFor(mode: Mode): Binding[] {
  return BINDINGS.filter((b) => b.modes.includes(mode));
}

export function hintText(b: Binding): string {
  return `${b.keys[0]} ${b.label ?? b.description.split(/[,(]/)[0]!.trim()}`;
}

/** The footer's hints for a mode: only what would act now (each need holds), the help key always last. */
export function hintBindings(mode: Mode, holds: (need: Need) => boolean = () => true): Binding[] {
  const items = bindingsFor(mode).filter((b) => b.hint && (b.needs ?? []).every(holds));
  const help = items.find((b) => b.keys.includes("F1"));
  return [...items.filter((b) => b !== help), ...(help ? [help] : [])];
}

export function hintItems(mode: Mode, holds?: (need: Need) => boolean): string[] {
  return hintBindings(mode, holds).map(hintText);
}

/**
 * Which hints fit on one line of `width` cells: whole hints only, never one cut mid-word; when they do not all
 * fit, the last one (help) stays and "…" (null) says there are more.
 */
export function fitHintSlots(items: string[], width: number): (number | null)[] {
  const sep = " · ";
  const all = items.map((_, i) => i);
  if ([...items.join(sep)].length <= width || items.length === 0) return all;
  const last = items.length - 1;
  const kept: number[] = [];
  let used = [...items[last]!].length + [...`${sep}…${sep}`].length;
  for (const i of all.slice(0, -1)) {
    const cost = [...items[i]!].length + (kept.length > 0 ? sep.length : 0);
    if (used + cost > width) break;
    kept.push(i);
    used += cost;
  }
  return [...kept, null, last];
}

export function fitHints(items: string[], width: number): string {
  return fitHintSlots(items, width)
    .map((i) => (i === null ? "…" : items[i]!))
    .join(" · ");
}

export function hintsFor(mode: Mode, holds?: (need: Need) => boolean): string {
  return hintItems(mode, holds).join(" · ");
}

export function slashCommand(name: string): Binding | undefined {
  return BINDINGS.find((b) => b.slash === name);
}

/**
 * Tab on a slash command's name typed so far (`/tr`): the commands it may still be, and the name extended as far as
 * they all agree (`/e` → `/end`, which /endconsult and /endconference also start with).
 */
export function completeSlash(typed: string): { completed: string; candidates: string[] } {
  const names = [...new Set(BINDINGS.map((b) => b.slash))].filter((name): name is string => name !== undefined);
  const candidates = startingWith(typed, names).sort();
  return { completed: sharedStart(typed, candidates), candidates };
}
