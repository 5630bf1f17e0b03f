// docs/keys.md is generated from the key table by `npm run docs:keys`; a test keeps it in step.
import { BINDINGS } from "./bindings.js";
import type { Binding, Mode } from "./bindings.js";

const SECTIONS: { title: string; modes: Mode[] }[] = [
  { title: "Console — composer and sessions", modes: ["composer", "home"] },
  { title: "Pickers (transfer, conference, wrap-up, presence, switcher)", modes: ["picker"] },
  { title: "Confirmation dialogs", modes: ["confirm"] },
  { title: "Monitor (`cc-agent monitor`)", modes: ["monitor"] },
];

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
    const rows = BINDINGS.filter((b) => section.modes.some((m) => b.modes.includes(m)) && !(section.modes[0] !== "monitor" && b.modes.includes("monitor")));
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
