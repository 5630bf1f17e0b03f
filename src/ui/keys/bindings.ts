// Key bindings as data. The one input handler, the footer hints, the help overlay and docs/keys.md
// all come from this table.
import type { Key } from "ink";

export type Mode =
  | "composer"
  | "home"
  | "picker"
  | "confirm"
  | "help"
  // the monitor: the table, its filter prompt, the team view, the live view of a monitored or joined conversation and its composer
  | "monitor"
  | "monitor-filter"
  | "monitor-team"
  | "monitor-watch"
  | "monitor-compose";

export type CommandId =
  | "accept"
  | "reject"
  | "transfer"
  | "conference"
  | "end"
  | "end-conference"
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
  | "mon-assign"
  | "mon-assign-override"
  | "mon-transfer"
  | "mon-force-close"
  | "mon-pause"
  | "mon-sort"
  | "mon-view"
  | "mon-team"
  | "mon-quit"
  | "mon-page-up"
  | "mon-page-down"
  | "mon-open"
  | "mon-sort-reverse"
  | "mon-help"
  | "mon-filter-apply"
  | "mon-filter-clear"
  | "mon-back"
  | "mon-write"
  | "mon-scroll-up"
  | "mon-scroll-down"
  | "mon-scroll-live"
  | "mon-send"
  | "mon-newline"
  | "mon-clear";

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
}

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
  },
  {
    id: "reject",
    keys: ["Alt+N"],
    modes: ["composer", "home"],
    description: "reject the pending offer",
    slash: "/reject",
    hint: true,
  },
  {
    id: "transfer",
    keys: ["Alt+T"],
    modes: ["composer"],
    description: "transfer to a queue or a rep (then wrap-up)",
    slash: "/transfer",
    hint: true,
  },
  {
    id: "conference",
    keys: ["Alt+C"],
    modes: ["composer"],
    description: "invite a rep to a conference",
    slash: "/conference",
    hint: true,
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
  },
  {
    id: "close",
    keys: ["Alt+W"],
    modes: ["composer", "home"],
    description: "close a persistent chat to Waiting (asks first)",
    slash: "/close",
    hint: true,
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
    keys: ["Ctrl+K"],
    modes: ["composer", "home"],
    description: "quick switcher, ordered by attention",
    slash: "/switch",
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
  },
  {
    id: "help",
    keys: ["F1", "?"],
    modes: ["composer", "home"],
    description: "help (? outside the composer)",
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
  { id: "home-scroll-up", keys: ["PgUp"], modes: ["home"], description: "scroll the highlighted Home list up" },
  { id: "home-scroll-down", keys: ["PgDn"], modes: ["home"], description: "scroll the highlighted Home list down" },
  {
    id: "home-next-list",
    keys: ["Tab"],
    modes: ["home"],
    description: "highlight the next Home list (my work items, open items, recently closed)",
  },
  { id: "picker-up", keys: ["Up"], modes: ["picker"], description: "move up" },
  { id: "picker-down", keys: ["Down"], modes: ["picker"], description: "move down" },
  { id: "picker-select", keys: ["Enter"], modes: ["picker"], description: "select", hint: true },
  { id: "picker-tab", keys: ["Tab"], modes: ["picker"], description: "switch Queues / Reps", hint: true },
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
    modes: ["monitor", "monitor-team"],
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
    id: "mon-team",
    keys: ["T"],
    modes: ["monitor", "monitor-team"],
    description: "team and queues view (T again goes back)",
    hint: true,
    label: "team",
  },
  {
    id: "mon-help",
    keys: ["?", "F1"],
    modes: ["monitor", "monitor-team", "monitor-watch"],
    description: "help, filterable",
    hint: true,
    label: "help",
  },
  {
    id: "mon-quit",
    keys: ["q", "Ctrl+C"],
    modes: ["monitor", "monitor-team"],
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
    modes: ["monitor-team", "monitor-watch", "monitor-compose"],
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
    description: "send to the rep and the customer",
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

const byMode = new Map<Mode, Map<string, CommandId>>();
for (const binding of BINDINGS) {
  for (const mode of binding.modes) {
    let table = byMode.get(mode);
    if (!table) byMode.set(mode, (table = new Map()));
    for (const k of binding.keys) if (!table.has(k)) table.set(k, binding.id);
  }
}

/** Pure: which command a key press means in a mode, or null (typed text). */
export function matchKey(input: string, key: Key, mode: Mode): CommandId | null {
  const written = notation(input, key);
  if (!written) return null;
  // "?" is typed text in the composer; help there is F1.
  if (mode === "composer" && written === "?") return null;
  return byMode.get(mode)?.get(written) ?? null;
}

export function bindingsFor(mode: Mode): Binding[] {
  return BINDINGS.filter((b) => b.modes.includes(mode));
}

export function hintsFor(mode: Mode): string {
  return bindingsFor(mode)
    .filter((b) => b.hint)
    .map((b) => `${b.keys[0]} ${b.label ?? b.description.split(/[,(]/)[0]!.trim()}`)
    .join(" · ");
}

export function slashCommand(name: string): Binding | undefined {
  return BINDINGS.find((b) => b.slash === name);
}
