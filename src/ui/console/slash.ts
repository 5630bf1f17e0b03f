// The console's slash commands: every action of the key table is reachable as `/name` too (a broken Alt key never
// blocks a rep), some with an argument that fills in what the picker would ask (`/transfer @alice`, `/status busy
// lunch`, `/end resolved`); Home's `/pick N` and `/open N`; and Tab completing a command's name.
import { reasonsFor } from "../../protocol/rules.js";
import { sanitizeLine } from "../../protocol/sanitize.js";
import { SETTABLE_PRESENCES } from "../../protocol/vocabulary.js";
import type { Mode } from "../keys/modes.js";
import { completeSlash, slashCommand } from "../keys/bindings.js";
import type { LineEditor } from "../keys/line-editor.js";
import { replaceRange } from "../keys/line-editor.js";
import type { Picker } from "../mirror/state.js";
import { PRESENCE_LABEL } from "../theme/theme.js";
import { note } from "./compose.js";
import type { ConsoleContext } from "./context.js";
import { homeLayout, shownRange } from "./home-layout.js";
import { openQuickReplies } from "./pickers.js";
import { pickerItems } from "./selectors.js";

/** Why a line starting with `/` names no command (a typo: the composer keeps it), or null when it names one. */
export function unknownSlash(line: string): string | null {
  const name = line.trim().split(/\s+/)[0] ?? "";
  if (slashCommand(name)) return null;
  return `Unknown command ${sanitizeLine(name)}; /help lists them (your text is still in the composer). Start with // to send a literal slash.`;
}

/** A line typed in a composer that starts with `/` (not `//`): the command it names, run with its argument. */
export async function runSlashCommand(context: ConsoleContext, line: string): Promise<void> {
  const [name = "", ...args] = line.trim().split(/\s+/);
  const arg = args.join(" ");
  // Slash commands come from the key table, like keys: /help lists them all.
  const command = slashCommand(name)?.id;
  if (!command) return context.flash(unknownSlash(line)!, "warn");
  switch (command) {
    case "consult": {
      await context.run(command);
      const picker = context.state.picker;
      if (arg && picker?.kind === "consult") await narrowPicker(context, { ...picker, filter: arg.replace(/^@/, "") });
      return;
    }
    case "transfer":
    case "conference": {
      await context.run(command);
      const picker = context.state.picker;
      if (arg && picker && (picker.kind === "transfer" || picker.kind === "conference")) {
        const isRep = arg.startsWith("@");
        await narrowPicker(
          context,
          picker.kind === "transfer"
            ? { ...picker, tab: isRep ? "reps" : "queues", filter: arg.replace(/^@/, "") }
            : { ...picker, filter: arg.replace(/^@/, "") },
        );
      }
      return;
    }
    case "end": {
      await context.run("end");
      const picker = context.state.picker;
      if (arg && picker?.kind === "wrapup") await narrowPicker(context, { ...picker, filter: arg });
      return;
    }
    case "presence":
      return setPresence(context, arg);
    case "note":
      // The note keeps its line breaks and spacing.
      await note(context, line.replace(/^\s*\/note\s?/, ""), line);
      return;
    case "quick-reply":
      return openQuickReplies(context, arg);
    case "pick":
      return pickShown(context, arg);
    case "open-closed":
      return openClosed(context, arg);
    // /quit quits at once: no "press again".
    case "clear-or-quit":
      return context.quit();
    default:
      return context.run(command);
  }
}

/** The picker a command opened, filtered by the command's argument; with one row left, that row is chosen. */
async function narrowPicker(context: ConsoleContext, picker: Picker): Promise<void> {
  context.store.dispatch({ type: "picker", picker });
  if (pickerItems(context.state, picker).length === 1) await context.run("picker-select");
}

/** `/status busy`, `/status busy lunch`: the presence, then one of its reasons by label or id. */
async function setPresence(context: ConsoleContext, arg: string): Promise<void> {
  const [word = "", ...rest] = arg.trim().toLowerCase().split(/\s+/);
  const wanted = SETTABLE_PRESENCES.find((p) => p === word || PRESENCE_LABEL[p].word.toLowerCase() === word);
  const said = rest.join(" ");
  const reason = wanted
    ? reasonsFor(context.state.org?.presenceReasons, wanted).find(
        (r) => r.id.toLowerCase() === said || r.label.toLowerCase() === said,
      )
    : undefined;
  if (!wanted || (said && !reason)) {
    // Not one of them: the dialog opens filtered by what was typed.
    await context.run("presence");
    const picker = context.state.picker;
    if (picker?.kind === "presence")
      context.store.dispatch({ type: "picker", picker: { ...picker, filter: arg.trim() } });
    return;
  }
  await context.call(
    reason ? { type: "presence", presence: wanted, reasonId: reason.id } : { type: "presence", presence: wanted },
  );
}

/** `/pick N`: the open work item shown on Home with N, named when taken; never one off screen. */
async function pickShown(context: ConsoleContext, arg: string): Promise<void> {
  const section = homeLayout(context.state).open;
  const row = section.shown.find((r) => String(r.number) === arg.trim());
  if (!row) {
    if (section.total === 0) return context.flash("There are no open work items to pick.", "warn");
    return context.flash(
      `No open item ${sanitizeLine(arg) || "N"} on screen: /pick takes ${shownRange(section)}` +
        (section.shown.length < section.total ? " (PgDn shows more)." : "."),
      "warn",
    );
  }
  const title = sanitizeLine(row.view.title) || row.id;
  const result = await context.call({ type: "pick", conversationId: row.id });
  if (!result) return;
  context.store.dispatch({ type: "focus", target: row.id });
  context.flash(`Picked ${title} (${sanitizeLine(row.view.queueName)}).`);
}

/** `/open N`: the recently closed item shown on Home with N, opened read-only (S3). */
async function openClosed(context: ConsoleContext, arg: string): Promise<void> {
  const section = homeLayout(context.state).closed;
  const row = section.shown.find((r) => String(r.number) === arg.trim());
  if (!row)
    return context.flash(
      section.total === 0
        ? "There are no recently closed items to open."
        : `No closed item ${sanitizeLine(arg) || "N"} on screen: /open takes ${shownRange(section)}.`,
      "warn",
    );
  context.store.dispatch({ type: "focus", target: row.id });
  context.flash(`Opened ${sanitizeLine(row.view.title) || row.id}, closed: read-only.`);
}

/** Tab after `/tr`: the name completed as far as the commands it may be agree, a space after a whole one. */
export function completeSlashName(context: ConsoleContext, mode: Mode, editor: LineEditor, typed: string): void {
  const { completed, candidates } = completeSlash(typed);
  if (candidates.length === 0)
    return context.flash(`No command starts with ${sanitizeLine(typed)}; /help lists them.`, "warn");
  const whole = candidates.length === 1 && !/^\s/.test(editor.text.slice(editor.cursor));
  const text = whole ? `${completed} ` : completed;
  if (text !== typed) context.setField(mode, replaceRange(editor, 0, typed.length, text));
  if (candidates.length > 1) context.flash(candidates.join(" · "));
}
