// Theme tokens instead of raw colours. Every state also has a glyph and a word, so NO_COLOR and
// colour-blind users lose nothing. With NO_COLOR set, colours go; bold and inverse stay.
import type { Presence } from "../../protocol/views.js";
import type { WaitLevel } from "../../protocol/response-targets.js";
import { PRESENCE_WORD } from "../../protocol/vocabulary.js";

export interface Theme {
  color: boolean;
  /** Ink colour names per token; undefined when colour is off. */
  /** Customer text: the terminal's normal foreground, the most readable there is. */
  customer: string | undefined;
  /** The customer's name in a thread's gutter: speakers are told apart by colour as well as by name. */
  customerName: string | undefined;
  rep: string | undefined;
  system: string | undefined;
  accent: string | undefined;
  warn: string | undefined;
  error: string | undefined;
  muted: string | undefined;
  ok: string | undefined;
}

export function makeTheme(env: NodeJS.ProcessEnv = process.env): Theme {
  const color = !(env.NO_COLOR !== undefined && env.NO_COLOR !== "");
  const pick = (name: string) => (color ? name : undefined);
  return {
    color,
    customer: undefined,
    customerName: pick("green"),
    rep: pick("blue"),
    system: pick("magenta"),
    accent: pick("cyan"),
    warn: pick("yellow"),
    error: pick("red"),
    muted: pick("gray"),
    ok: pick("green"),
  };
}

export const PRESENCE_LABEL: Record<Presence, { glyph: string; word: string }> = {
  available: { glyph: "●", word: PRESENCE_WORD.available },
  busy: { glyph: "◐", word: PRESENCE_WORD.busy },
  dnd: { glyph: "⊘", word: PRESENCE_WORD.dnd },
  away: { glyph: "○", word: PRESENCE_WORD.away },
  offline: { glyph: "✕", word: PRESENCE_WORD.offline },
  rona: { glyph: "⚠", word: PRESENCE_WORD.rona },
};

export const STATE_LABEL: Record<string, { glyph: string; word: string }> = {
  open: { glyph: "◇", word: "Open" },
  active: { glyph: "▶", word: "Active" },
  waiting: { glyph: "‖", word: "Waiting" },
  wrapup: { glyph: "◔", word: "Wrap-up" },
  closed: { glyph: "■", word: "Closed" },
};

/**
 * Glyphs with one meaning each, all in DejaVu Sans Mono and the other common monospace fonts (no emoji-only
 * code points such as ⏵ or ⏸). STATE_LABEL and PRESENCE_LABEL hold the state and presence glyphs.
 */
export const GLYPH = {
  offer: "◆",
  draft: "✎",
  proactive: "⚑",
  alert: "!",
  home: "⌂",
  selected: "▸",
  meterFull: "▮",
  meterEmpty: "▯",
} as const;

/** Ink props for a colour token: nothing at all when colour is off (NO_COLOR). */
export function fg(color: string | undefined): { color: string } | Record<string, never> {
  return color ? { color } : {};
}

export function border(color: string | undefined): { borderColor: string } | Record<string, never> {
  return color ? { borderColor: color } : {};
}

/** The 7-step sentiment scale (S9, SV3): a bar glyph that grows with the feeling, and its words. */
export const SENTIMENT_LABEL: Record<-3 | -2 | -1 | 0 | 1 | 2 | 3, { glyph: string; word: string }> = {
  [-3]: { glyph: "▁", word: "very negative" },
  [-2]: { glyph: "▂", word: "negative" },
  [-1]: { glyph: "▃", word: "slightly negative" },
  0: { glyph: "▄", word: "neutral" },
  1: { glyph: "▅", word: "slightly positive" },
  2: { glyph: "▆", word: "positive" },
  3: { glyph: "▇", word: "very positive" },
};

// ---- one severity scale (console and monitor) ---------------------------------------------------------

/** Act now (red), watch (yellow), information (grey). Every screen colours by this scale and nothing else. */
export type Severity = "act" | "watch" | "info";

/** The colour of a severity; undefined when colour is off. */
export function severityColor(theme: Theme, level: Severity): string | undefined {
  switch (level) {
    case "act":
      return theme.error;
    case "watch":
      return theme.warn;
    case "info":
      return theme.muted;
  }
}

/** Ink props for a severity: act now is also bold, so it stands out without colour too. */
export function severity(theme: Theme, level: Severity): { color?: string; bold?: boolean } {
  return { ...fg(severityColor(theme, level)), ...(level === "act" ? { bold: true } : {}) };
}

/**
 * A sentiment step on the scale: very negative is act now, negative and slightly negative are watch, neutral
 * and positive are information. The conversation's alert (the org's threshold, S9) is its own mark, `!`,
 * coloured act now; the word keeps the colour of its step wherever it shows (table, preview, thread).
 */
export function sentimentSeverity(step: number): Severity {
  return step <= -3 ? "act" : step < 0 ? "watch" : "info";
}

/**
 * The customer's wait for an answer against the workstream's response targets: a mark that fills as it grows, so
 * the levels read without colour (NO_COLOR), on the severity scale. Past target is also bold (act now).
 */
export const WAIT_LABEL: Record<WaitLevel, { glyph: string; severity: Severity }> = {
  ok: { glyph: "◦", severity: "info" },
  warn: { glyph: "△", severity: "watch" },
  late: { glyph: "▲", severity: "act" },
};

/**
 * A meter as btop draws it: `width` cells, full blocks for the share used and light shade for the rest (drawn
 * dim), so it reads without colour (NO_COLOR). A share over 1 fills the meter. Returns the used and the rest.
 */
export function meter(share: number, width: number): [used: string, rest: string] {
  if (width <= 0) return ["", ""];
  const clamped = Number.isFinite(share) ? Math.min(1, Math.max(0, share)) : 0;
  const full = Math.round(clamped * width);
  // Anything above nothing shows at least one block; anything below everything leaves one empty.
  const filled = clamped > 0 && full === 0 ? 1 : clamped < 1 && full === width ? width - 1 : full;
  return ["█".repeat(filled), "░".repeat(width - filled)];
}

/** The eight heights of a sparkline, lowest first. */
export const SPARK_BLOCKS = "▁▂▃▄▅▆▇█";

/**
 * A sparkline: one cell per value, its height the value's share of `max`. Nothing (0) is the lowest block and
 * anything above it at least the second, so a quiet minute and a busy one differ without colour (NO_COLOR);
 * an unknown value (null) is a blank.
 */
export function sparkline(values: readonly (number | null)[], max: number): string {
  return values
    .map((v) => {
      if (v === null) return " ";
      if (v <= 0 || max <= 0) return SPARK_BLOCKS[0]!;
      return SPARK_BLOCKS[1 + Math.round(Math.min(1, v / max) * (SPARK_BLOCKS.length - 2))]!;
    })
    .join("");
}
