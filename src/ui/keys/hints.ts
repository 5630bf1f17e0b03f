// The footer's hints, read from the key table: which bindings show for a mode and what holds, and how many fit.
import { bindingsFor } from "./bindings.js";
import type { Binding, Need } from "./binding.js";
import type { Mode } from "./modes.js";

export function hintText(b: Binding): string {
  return `${b.keys[0]} ${b.label ?? b.description.split(/[,(]/)[0]!.trim()}`;
}

/** The footer's hints for a mode: only what would act now (each need holds), the help key always last. */
export function hintBindings(mode: Mode, holds: (need: Need) => boolean = () => true): Binding[] {
  const items = bindingsFor(mode).filter((b) => b.hint && (b.needs ?? []).every(holds));
  const help = items.find((b) => b.keys.includes("F1"));
  return [...items.filter((b) => b !== help), ...(help ? [help] : [])];
}

/**
 * A binding as the footer shows it while the field holds text: when a text-editing binding takes its first key then
 * (Ctrl+K deletes to the end of the line), the key that still acts comes first (Alt+K).
 */
export function shownWhileTyping(b: Binding, mode: Mode, fieldHasText: boolean): Binding {
  if (!fieldHasText || b.keys.length < 2) return b;
  const first = b.keys[0]!;
  const taken = bindingsFor(mode).some((other) => other !== b && other.whenText && other.keys.includes(first));
  return taken ? { ...b, keys: [...b.keys.slice(1), first] } : b;
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
