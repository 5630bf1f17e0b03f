// What the composer's text becomes: a message to the customer (or, from a consultant, a line to the rep only), a
// slash command, or a note for staff; and Tab's walk through a quick reply's <parameters>. A refused text stays in the
// composer, so that nothing the rep typed is lost.
import { sanitizeLine } from "../../protocol/sanitize.js";
import { COMPOSER_LIMIT } from "../components/Composer.js";
import type { Mode } from "../keys/modes.js";
import type { LineEditor } from "../keys/line-editor.js";
import { cursorTo } from "../keys/line-editor.js";
import { isConsulting } from "../mirror/selectors.js";
import { STATE_LABEL } from "../theme/theme.js";
import type { ConsoleContext } from "./context.js";
import { modeOf } from "./selectors.js";
import { unknownSlash } from "./slash.js";
import { nextPromptStart, prompts } from "./templates.js";

/** Enter: the draft goes as a message, or runs as a slash command (`//` sends a literal slash). */
export async function send(context: ConsoleContext): Promise<void> {
  const mode = modeOf(context.state);
  const text = context.draft(mode);
  if (text.trim() === "") return;
  if (text.startsWith("/") && !text.startsWith("//")) {
    // A mistyped command stays in the composer to be corrected; a known one runs from an empty composer.
    const unknown = unknownSlash(text);
    if (unknown) return context.flash(unknown, "warn");
    context.setDraft(mode, "", true);
    return context.slash(text);
  }
  if (mode === "home") return context.flash("Home takes commands: /pick 1, /status available, /help.", "warn");
  const session = context.focusedSession()!;
  // `//` sends a literal slash; line breaks left at the end (a paste ending in one) are not sent.
  const lead = text.startsWith("//") ? 1 : 0;
  const body = text.slice(lead).replace(/\n+$/, "");
  if ([...body].length > COMPOSER_LIMIT)
    return context.flash(
      `At most ${COMPOSER_LIMIT} characters: shorten it by ${[...body].length - COMPOSER_LIMIT} to send.`,
      "error",
    );
  // A consultant's line goes to the rep only (a staff-only note), never to the customer.
  if (isConsulting(session.view, context.state.me?.id)) {
    context.setDraft(mode, "", true);
    if (await context.call({ type: "note", conversationId: session.id, text: body }))
      context.flash(`Sent to ${sanitizeLine(session.view.ownerName ?? "the rep")} only; the customer never sees it.`);
    else context.setDraft(mode, text);
    return;
  }
  // A quick reply's prompt still unfilled: the draft stays, the cursor goes to it. `a<b and c>d` or `<br>`, typed by
  // hand, is no prompt (the L8 refusal below says why).
  const unfilled = prompts(context.state, context.options.quickReplies ?? [], body)[0];
  if (unfilled) {
    const editor = context.editorIn(mode);
    if (editor) context.setField(mode, cursorTo(editor, unfilled.start + lead));
    return context.flash(
      `Fill in <${unfilled.label}> first (type its value; Tab goes to the next one); your message is still in the composer.`,
      "error",
    );
  }
  // L8: < and > are reserved for template parameters; the draft stays as it is.
  if (/[<>]/.test(body))
    return context.flash(
      "< and > are reserved for template parameters and cannot be sent; your message is still in the composer.",
      "error",
    );
  if (session.view.state !== "active")
    return context.flash(
      `This conversation is ${STATE_LABEL[session.view.state]?.word ?? session.view.state}; messages cannot be sent (your draft is kept).`,
      "warn",
    );
  const clientId = context.newClientId("");
  context.setDraft(mode, "", true);
  context.store.dispatch({ type: "submit-draft", conversationId: session.id, clientId, text: body });
  try {
    await context.client.request({ type: "send", conversationId: session.id, text: body, clientId });
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    // Offline or timed out: the outbox keeps it and the client resends it once back (same clientId).
    if (code.startsWith("connection/") || code === "request/timeout") return;
    context.store.dispatch({ type: "outbox-failed", conversationId: session.id, clientId, text: body });
    context.flash((error as Error).message, "error");
  }
}

/** Alt+O: the composer's text becomes a note (staff only); it stays in the composer if the note is refused. */
export async function noteFromComposer(context: ConsoleContext): Promise<void> {
  const mode = modeOf(context.state);
  const text = context.draft(mode);
  if (text.trim() === "") return context.flash("Type the note in the composer, then Alt+O (or /note text).");
  context.setDraft(mode, "", true);
  if (!(await note(context, text, null))) context.setDraft(mode, text);
}

/** A note for staff in the focused conversation; `/note text` comes back to the composer if it is refused. */
export async function note(context: ConsoleContext, text: string, line: string | null): Promise<boolean> {
  const session = context.focusedSession();
  const restore = () => (line !== null ? context.setDraft("composer", line) : undefined);
  if (!session) {
    context.flash("Open a conversation to write a note in it.", "warn");
    return false;
  }
  if (text.trim() === "") {
    restore();
    context.flash("Usage: /note text — a note for staff, never shown to the customer.", "warn");
    return false;
  }
  // Offline, the note waits in the client and is saved once the connection is back: said now, and not put back in
  // the composer if no answer comes in time (saved twice, else).
  const offline = context.state.connection !== "online";
  if (offline) context.flash("Offline: the note is saved once the connection is back.", "warn");
  const result = await context.call({ type: "note", conversationId: session.id, text });
  if (!result) {
    if (offline) return true;
    restore();
    return false;
  }
  context.flash("Note saved: staff see it, the customer never does.");
  return true;
}

/** Tab in the composer: the cursor goes to the next <parameter> of a quick reply, wrapping around. */
export function nextParameter(context: ConsoleContext, mode: Mode, editor: LineEditor): void {
  const at = nextPromptStart(prompts(context.state, context.options.quickReplies ?? [], editor.text), editor.cursor);
  if (at === null) return context.flash("No <parameter> left to fill.");
  context.setField(mode, cursorTo(editor, at));
}
