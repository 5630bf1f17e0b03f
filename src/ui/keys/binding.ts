// What one row of the key table says: its keys, the modes it acts in, its help text and when its footer hint shows.
import type { CommandId } from "./commands.js";
import type { Mode } from "./modes.js";

/**
 * What a footer hint needs to be true (an offer pending, a conversation open, …): the footer shows only the
 * keys that would do something now. Each app says which of these hold.
 */
export type Need =
  | "offer"
  | "session"
  | "owned-active"
  | "persistent"
  | "closed-session"
  | "transfer-picker"
  | "consulting"
  /** A rep invited into another rep's conversation (a conference): they leave it; its owner ends it. */
  | "conference-guest"
  /** The focused conversation is the rep's to end: theirs, not as a consultant or a conference guest. */
  | "ends"
  /** The focused conversation takes messages now (Active). */
  | "writable"
  /** Esc acts in the overlay: it clears a filter or closes (a wrap-up reason cannot be skipped). */
  | "escapable";

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
