// docs/keys.md is generated from the key table by `npm run docs:keys`; a test keeps it in step.
import { BINDINGS } from "./bindings.js";
import type { Binding } from "./binding.js";
import { isEditCommand } from "./commands.js";
import type { Mode } from "./modes.js";

const SECTIONS: { title: string; modes: Mode[]; editing?: boolean }[] = [
  { title: "Console — composer and sessions", modes: ["composer", "home"] },
  {
    title: "Editing — every composer and filter of the console and the monitor",
    modes: ["composer", "picker", "help", "monitor-filter", "monitor-compose"],
    editing: true,
  },
  { title: "Help (`F1`)", modes: ["help"] },
  {
    title: "Pickers (transfer, conference, wrap-up, presence, switcher; the monitor's assign and transfer)",
    modes: ["picker"],
  },
  {
    title: "Confirmation dialogs (close to Waiting; end with an unsent draft; the monitor's force close)",
    modes: ["confirm"],
  },
  { title: "Monitor (`cc-agent monitor`) — the live table", modes: ["monitor"] },
  { title: "Monitor — the filter prompt (`/`)", modes: ["monitor-filter"] },
  { title: "Monitor — the team and queues view (`T`)", modes: ["monitor-team"] },
  { title: "Monitor — the live figures (`F`)", modes: ["monitor-figures"] },
  { title: "Monitor — the live view of a monitored or joined conversation", modes: ["monitor-watch"] },
  { title: "Monitor — the composer while joined", modes: ["monitor-compose"] },
];

const isMonitor = (mode: Mode) => mode.startsWith("monitor");

function row(b: Binding): string {
  const keys = b.keys.map((k) => `\`${k}\``).join(", ");
  return `| ${keys} | ${b.description.replace(/\|/g, "\\|")} | ${b.slash ? `\`${b.slash}\`` : ""} |`;
}

export function keysMarkdown(): string {
  const lines = [
    "# Keys",
    "",
    "Generated from `src/ui/keys/bindings.ts` by `npm run docs:keys`; do not edit by hand.",
    "Every console action also has a slash command, typed in the composer (`//` sends a literal slash).",
    "",
  ];
  for (const section of SECTIONS) {
    // Console sections list console keys only; the monitor's pickers and dialogs use the keys listed above.
    // The editing keys are the same in every field: listed once, in their own section.
    const rows = BINDINGS.filter((b) =>
      section.editing
        ? isEditCommand(b.id)
        : !isEditCommand(b.id) &&
          section.modes.some((m) => b.modes.includes(m)) &&
          (section.modes.some(isMonitor) || !b.modes.some(isMonitor)),
    );
    const seen = new Set<string>();
    lines.push(`## ${section.title}`, "", "| keys | action | slash command |", "|---|---|---|");
    for (const b of rows) {
      if (seen.has(b.id)) continue;
      seen.add(b.id);
      lines.push(row(b));
    }
    lines.push("");
  }
  return lines.join("\n");
}
