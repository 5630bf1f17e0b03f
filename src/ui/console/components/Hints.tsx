import { Text } from "ink";
import type { Binding } from "../../keys/binding.js";
import type { CommandId } from "../../keys/commands.js";
import { cellWidth, padEnd } from "../../text/index.js";
import type { Theme } from "../../theme/theme.js";
import { fg } from "../../theme/theme.js";

/** Footer words where the binding's own label or first word would not say it. */
const SHORT: Partial<Record<CommandId, string>> = {
  conference: "conference",
  "end-conference": "leave",
  presence: "presence",
  "next-attention": "attention",
  "toggle-pane": "pane",
};

/** A binding's footer word: short, one or two words. */
export function hintLabel(b: Binding): string {
  return SHORT[b.id] ?? b.label ?? b.description.split(/[\s,(]/)[0]!;
}

/** At most this many hints before the help key. */
const MOST = 6;

/**
 * The footer's key hints as lazygit shows them: the key in the accent colour, a short dim word, whole hints only
 * (never one cut mid-word), at most six, then the help key — "F1 more" when some were left out. Bindings come
 * in order with the help key last (hintBindings).
 */
export function Hints(props: { bindings: Binding[]; width: number; theme: Theme }) {
  const { theme, width } = props;
  const help = props.bindings.find((b) => b.keys.includes("F1"));
  const rest = props.bindings.filter((b) => b !== help);
  const sep = "  ";
  const cost = (b: Binding, label = hintLabel(b)) => cellWidth(`${b.keys[0]} ${label}`);
  const helpCost = help ? cost(help, "more") + sep.length : 0;
  const kept: Binding[] = [];
  let used = helpCost;
  for (const b of rest) {
    if (kept.length === MOST) break;
    const next = cost(b) + (kept.length > 0 ? sep.length : 0);
    if (used + next > width) break;
    kept.push(b);
    used += next;
  }
  const shown = help ? [...kept, help] : kept;
  const helpLabel = kept.length < rest.length ? "more" : help ? hintLabel(help) : "";
  const pieces = shown.map((b) => ({ key: b.keys[0]!, label: b === help ? helpLabel : hintLabel(b) }));
  const total = pieces.reduce((n, p, i) => n + (i > 0 ? sep.length : 0) + cellWidth(`${p.key} ${p.label}`), 0);
  return (
    <Text wrap="truncate-end">
      {pieces.map((p, i) => (
        <Text key={`${p.key}-${i}`}>
          {i > 0 ? sep : ""}
          <Text {...fg(theme.accent)} bold>
            {p.key}
          </Text>
          <Text {...fg(theme.muted)}> {p.label}</Text>
        </Text>
      ))}
      {padEnd("", Math.max(0, width - total))}
    </Text>
  );
}
