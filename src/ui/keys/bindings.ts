// Key bindings as data. The one input handler, the footer hints, the help overlay and docs/keys.md all come from
// this table, assembled from each area's bindings. Order matters: where two bindings share a key and a mode, the
// first applies, and hints and docs list bindings in this order.
import { sharedStart, startingWith } from "./complete.js";
import type { Key } from "ink";
import type { Binding } from "./binding.js";
import type { CommandId } from "./commands.js";
import { EDIT_BINDINGS } from "./edit-bindings.js";
import { HOME_BINDINGS } from "./home-bindings.js";
import { FIELD_MODES } from "./modes.js";
import type { Mode } from "./modes.js";
import { MONITOR_BINDINGS } from "./monitor-bindings.js";
import { OVERLAY_BINDINGS } from "./overlay-bindings.js";
import { SESSION_BINDINGS } from "./session-bindings.js";

export const BINDINGS: Binding[] = [
  ...SESSION_BINDINGS,
  ...HOME_BINDINGS,
  ...OVERLAY_BINDINGS,
  ...EDIT_BINDINGS,
  ...MONITOR_BINDINGS,
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
