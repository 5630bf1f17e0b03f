// The console's effects: key presses and slash commands become store actions and requests to the
// server. Rendering never happens here; components read the store.
import type { ConversationView, TodayView } from "../../protocol/views.js";
import { localMidnight } from "../text/index.js";
import { helpMaxScroll, helpScrollDelta } from "../components/Help.js";
import type { CommandId } from "../keys/commands.js";
import type { Mode } from "../keys/modes.js";
import type { KeyPress } from "../keys/key-reader.js";
import type { EditCommand, LineEditor } from "../keys/line-editor.js";
import { insert, replaceRange, replaceText, submitted } from "../keys/line-editor.js";
import { attentionOrder, currentOffer, isConsulting } from "../mirror/selectors.js";
import type { FieldId, Flash, UiState } from "../mirror/state.js";
import { fieldKey } from "../mirror/state.js";
import { Effects } from "../effects.js";
import { consoleHelpRoom, modeOf, pickerItems } from "./selectors.js";
import { itemNumber } from "../components/Picker.js";
import type { EffectsOptions, Field, RequestClient } from "../effects.js";
import type { Action } from "../mirror/reducer.js";
import type { Placeholder } from "../../protocol/quick-replies.js";
import type { QuickReply } from "../../protocol/quick-replies.js";
import { historyOrigin } from "./history.js";
import type { Store } from "../mirror/store.js";
import { loadEarlier, nearThreadTop, threadTop, wantsEarlier } from "../mirror/earlier.js";
import { noteFromComposer, nextParameter, send } from "./compose.js";
import { promptAt, prompts } from "./templates.js";
import type { ConsoleContext } from "./context.js";
import {
  acceptOffer,
  askToClose,
  closeIfConfirmed,
  endIfConfirmed,
  endConference,
  endConsults,
  endConversation,
  leaveConsult,
  rejectOffer,
  removeClosedSession,
} from "./conversation-actions.js";
import {
  escapePicker,
  loadHistory,
  openConsult,
  openHistory,
  openQuickReplies,
  openTransferOrConference,
  reloadTargets,
  selectPicked,
} from "./pickers.js";
import { completeSlashName, runSlashCommand } from "./slash.js";
import { isCommandName } from "../keys/complete.js";

/** Anything that answers requests: the ws client, or a fake one in tests. */
export type ConsoleClient = RequestClient;
export interface ControllerOptions extends EffectsOptions {
  /** The rep's own quick replies (the console's settings), beside the org's. */
  quickReplies?: readonly QuickReply[];
  /** Say "I am typing" in a conversation (the client spaces these out). */
  typing?: (conversationId: string) => void;
}

/** A history asked for on focus this recently is not asked for again on focus (Alt+H always asks). */
const HISTORY_FRESH_MS = 10_000;

/**
 * While Home shows, what it lists from the server besides the mirror (open items to pick, today's figures) is asked
 * for again this often: other reps pick, other consoles of this rep act, supervisors move conversations.
 */
export const HOME_EVERY_MS = 5000;

/** Rows of the console that are not the thread's: status bar, footer, the details above it, the composer below. */
const THREAD_FRAME_ROWS = 10;

export class ConsoleController extends Effects<UiState, Action, ControllerOptions> {
  /** The focus the customer's history was last asked for. */
  private historyFocus: string = "home";
  /** When each conversation's history was last asked for on focus: quick switching asks again at most this often. */
  private readonly historyAskedAt = new Map<string, number>();
  /** This controller as the composer, the pickers and the slash commands act through it. */
  private readonly context: ConsoleContext;
  /** When Home's lists were last asked for, and whether the answer is still awaited. */
  private homeAskedAt: number;
  private homeAwaited = false;

  constructor(store: Store<UiState, Action>, client: ConsoleClient, options: ControllerOptions) {
    super(store, client, options);
    // The console asks for them as it starts (console-command.ts): the next time is a while after.
    this.homeAskedAt = this.now();
    this.context = {
      store,
      client,
      options,
      get state() {
        return store.getState();
      },
      now: () => this.now(),
      flash: (text, level) => this.flash(text, level),
      call: (body) => this.call(body),
      newClientId: (prefix) => this.newClientId(prefix),
      focusedSession: () => this.focusedSession(),
      draft: (mode) => this.draft(mode),
      setDraft: (mode, text, sent) => this.setDraft(mode, text, sent),
      editorIn: (mode) => this.editorIn(mode),
      setField: (mode, editor) => this.setField(mode, editor),
      run: (command) => this.run(command),
      slash: (line) => this.slash(line),
      quit: () => this.quit(),
      loadToday: () => this.loadToday(),
    };
    // Whenever a session of a signed-in customer comes into focus, its earlier conversations are asked for (anew:
    // conversations close meanwhile), so that the details list them.
    store.subscribe(() => {
      const focus = this.state.focus;
      if (focus === "home" && this.state.connection === "online" && this.now() - this.homeAskedAt >= HOME_EVERY_MS)
        void this.loadHome();
      const session = this.focusedSession();
      // A focused conversation holding fewer messages than it has reads the page before its oldest one, once (on
      // focus, or when a snapshot replaced its thread); further pages as the rep scrolls up.
      if (session && !session.earlier && session.messages.length < session.view.messageCount)
        void this.loadEarlier(session.id);
      if (focus === this.historyFocus) return;
      this.historyFocus = focus;
      if (!session?.view.customer.authenticated) return;
      const origin = historyOrigin(session);
      const asked = this.historyAskedAt.get(origin);
      if (asked !== undefined && this.now() - asked < HISTORY_FRESH_MS) return;
      this.historyAskedAt.set(origin, this.now());
      void loadHistory(this.context, origin, false);
    });
  }

  // ---- input ----------------------------------------------------------------------------------------

  protected mode(): Mode {
    return modeOf(this.state);
  }

  private fieldId(mode: Mode): FieldId | null {
    if (mode === "composer" || mode === "home")
      return { kind: "draft", id: mode === "home" ? "home" : this.state.focus };
    if (mode === "picker") return { kind: "picker" };
    if (mode === "help") return { kind: "help" };
    return null;
  }

  protected field(mode: Mode): Field | null {
    const id = this.fieldId(mode);
    if (!id) return null;
    const state = this.state;
    const text =
      id.kind === "draft"
        ? this.draft(mode)
        : id.kind === "picker"
          ? (state.picker?.filter ?? "")
          : state.dialog?.kind === "help"
            ? state.dialog.filter
            : "";
    return { text, editor: state.editors[fieldKey(id)], multiline: id.kind === "draft" };
  }

  override handlePress(press: KeyPress): void {
    // "Any other key goes on": only a second Ctrl+C quits; whatever else comes first disarms the warning.
    const secondCtrlC = press.key.ctrl && press.input === "c";
    if (this.state.quitArmed && !secondCtrlC) this.store.dispatch({ type: "quit-armed", armed: false });
    super.handlePress(press);
  }

  protected setField(mode: Mode, editor: LineEditor): void {
    const field = this.fieldId(mode);
    if (!field) return;
    this.store.dispatch({ type: "edit", field, editor });
    if (field.kind === "draft" && this.state.quitArmed) this.store.dispatch({ type: "quit-armed", armed: false });
  }

  protected currentFlash(): Flash | null {
    return this.state.flash;
  }

  /**
   * Entries PgUp and PgDn move the thread by: half the rows it has (the terminal's, less the frame around it), so
   * that messages of two rows still overlap a page with the last; never fewer than 5.
   */
  private scrollPage(): number {
    return Math.max(5, Math.floor((this.state.size.rows - THREAD_FRAME_ROWS) / 2));
  }

  /** The quick reply prompts of a draft (templates.ts says which `<label>`s are): the composer highlights them. */
  prompts(text: string): Placeholder[] {
    return prompts(this.state, this.options.quickReplies ?? [], text);
  }

  /** Backspace or Delete on a quick reply's prompt (highlighted at the cursor) clears the prompt, as on a selection. */
  protected override editField(mode: Mode, command: EditCommand): void {
    const editor = this.editorIn(mode);
    const prompt =
      mode === "composer" && editor && (command === "edit-backspace" || command === "edit-delete")
        ? promptAt(this.prompts(editor.text), editor.cursor)
        : undefined;
    if (editor && prompt) this.setField(mode, replaceRange(editor, prompt.start, prompt.end, ""));
    else super.editField(mode, command);
  }

  protected override typeIn(mode: Mode, press: KeyPress): void {
    // A digit on an empty picker filter chooses the row with that number (its position, 1–9, unless the row has a
    // number of its own); a number no row has does nothing, except 0, which filters.
    const picker = this.state.picker;
    const digit = /^[0-9]$/.test(press.input) ? Number(press.input) : null;
    if (mode === "picker" && picker && picker.filter === "" && !press.paste && digit !== null) {
      if (press.key.ctrl || press.key.meta) return;
      const items = pickerItems(this.state, picker);
      const index = items.findIndex((_, i) => itemNumber(items, i) === digit);
      if (index >= 0) {
        this.store.dispatch({ type: "picker", picker: { ...picker, index } });
        void this.run("picker-select");
        return;
      }
      if (digit !== 0) return;
    }
    if (mode === "composer" && (press.paste || (press.input !== "" && !press.key.ctrl && !press.key.meta))) {
      const session = this.focusedSession();
      const editor = this.editorIn(mode);
      if (session && editor) {
        // A quick reply's prompt at the cursor: what the rep types replaces it, in one undo step with it (Ctrl+Z
        // brings the prompt back, never a blank where it was).
        const prompt = promptAt(this.prompts(editor.text), editor.cursor);
        if (prompt) this.setField(mode, { ...replaceRange(editor, prompt.start, prompt.end, ""), typing: true });
        super.typeIn(mode, press);
        // A consultant writes to the rep only: the customer is never told they type. Nor are they told of a slash
        // command (a note, say) as it is typed: the draft as it is now, its first "/" included.
        if (
          session.view.state === "active" &&
          !this.draft(mode).startsWith("/") &&
          !isConsulting(session.view, this.state.me?.id)
        )
          this.options.typing?.(session.id);
        return;
      }
    }
    super.typeIn(mode, press);
  }

  private draft(mode: Mode): string {
    return mode === "home" ? this.state.homeDraft : (this.state.sessions[this.state.focus]?.draft ?? "");
  }

  /** Replace the draft (cleared): undo can bring it back. Sent: an empty composer that remembers it (Up). */
  private setDraft(mode: Mode, text: string, sent = false): void {
    const editor = this.editorIn(mode);
    if (editor) this.setField(mode, sent ? submitted(editor, editor.text) : replaceText(editor, text));
  }

  // ---- commands -------------------------------------------------------------------------------------

  focusedSession() {
    const focus = this.state.focus;
    return focus === "home" ? undefined : this.state.sessions[focus];
  }

  async run(command: CommandId): Promise<void> {
    const state = this.state;
    const session = this.focusedSession();
    switch (command) {
      case "accept":
        return acceptOffer(this.context);
      case "reject":
        return rejectOffer(this.context);
      case "transfer":
      case "conference":
        return openTransferOrConference(this.context, command);
      case "consult":
        return openConsult(this.context);
      case "leave-consult":
        return leaveConsult(this.context);
      case "end-consult":
        return endConsults(this.context);
      case "end":
        return endConversation(this.context);
      case "end-conference":
        return endConference(this.context);
      case "close":
        return askToClose(this.context);
      case "presence":
        this.store.dispatch({ type: "picker", picker: { kind: "presence", filter: "", index: 0 } });
        return;
      case "switcher":
        this.store.dispatch({ type: "picker", picker: { kind: "switcher", filter: "", index: 0 } });
        return;
      case "next-attention": {
        const next = attentionOrder(state)[0];
        if (next) this.store.dispatch({ type: "focus", target: next });
        else this.flash(currentOffer(state) ? "An offer is waiting: Alt+Y to accept." : "Nothing needs attention.");
        return;
      }
      case "home":
        this.store.dispatch({ type: "focus", target: "home" });
        await this.loadHome();
        return;
      case "next-session":
      case "previous-session": {
        this.store.dispatch({ type: "select-next-session", step: command === "next-session" ? 1 : -1 });
        return;
      }
      case "scroll-up": {
        // Never past the oldest line held: the top of the thread stays on screen (and asks for the page before it).
        const top = session ? threadTop(session) : 0;
        const delta = session && session.scroll < top ? Math.min(this.scrollPage(), top - session.scroll) : 0;
        if (delta > 0) this.store.dispatch({ type: "scroll", delta });
        // At the top of what is held, the page before it is read (again, after a failure).
        const scrolled = this.focusedSession();
        if (wantsEarlier(scrolled) && nearThreadTop(scrolled, scrolled.scroll, this.state.size.rows))
          await this.loadEarlier(scrolled.id);
        return;
      }
      case "scroll-down":
        this.store.dispatch({ type: "scroll", delta: -this.scrollPage() });
        return;
      case "home-scroll-up":
      case "home-scroll-down":
        this.store.dispatch({ type: "page-home-list", direction: command === "home-scroll-up" ? -1 : 1 });
        return;
      case "complete-slash": {
        const editor = this.editorIn("home");
        const typed = editor?.text.slice(0, editor.cursor) ?? "";
        if (editor && isCommandName(typed)) return completeSlashName(this.context, "home", editor, typed);
        this.store.dispatch({ type: "next-home-list" });
        return;
      }
      case "home-next-list":
        this.store.dispatch({ type: "next-home-list" });
        return;
      case "scroll-live":
        this.store.dispatch({ type: "scroll", delta: "live" });
        return;
      case "toggle-pane":
        this.store.dispatch({ type: "toggle-pane" });
        return;
      case "help":
        this.store.dispatch({ type: "dialog", dialog: { kind: "help", filter: "" } });
        return;
      case "help-up":
      case "help-down":
      case "help-page-up":
      case "help-page-down":
        this.store.dispatch({
          type: "help-scroll",
          delta: helpScrollDelta(command, consoleHelpRoom(state)),
          max: helpMaxScroll(state.dialog?.kind === "help" ? state.dialog.filter : "", false, consoleHelpRoom(state)),
        });
        return;
      case "send":
        return send(this.context);
      case "newline": {
        const mode = modeOf(state);
        const editor = this.editorIn(mode);
        if (editor) this.setField(mode, insert(editor, "\n", true));
        return;
      }
      case "clear-or-quit":
        return this.clearOrQuit();
      case "remove-session":
        return removeClosedSession(this.context);
      case "note":
        return noteFromComposer(this.context);
      case "quick-reply":
        return openQuickReplies(this.context, "");
      case "next-parameter": {
        const mode = modeOf(state);
        const editor = this.editorIn(mode);
        if (!editor) return;
        const typed = editor.text.slice(0, editor.cursor);
        if (isCommandName(typed)) return completeSlashName(this.context, mode, editor, typed);
        return nextParameter(this.context, mode, editor);
      }
      case "pick":
        return this.flash("Type /pick N on Home: N from the open work items listed there.");
      case "open-closed":
        return this.flash("Type /open N on Home: N from the recently closed items listed there.");
      case "history":
        return openHistory(this.context);
      case "picker-up":
      case "picker-down":
        this.store.dispatch({ type: "move-picker", delta: command === "picker-up" ? -1 : 1 });
        return;
      case "picker-tab":
        this.store.dispatch({ type: "switch-picker-tab" });
        return;
      case "picker-reload":
        return reloadTargets(this.context);
      case "picker-escape":
        return escapePicker(this.context);
      case "picker-select":
        return selectPicked(this.context);
      case "confirm-toggle": {
        const dialog = state.dialog;
        if (dialog?.kind === "confirm-close" || dialog?.kind === "confirm-end")
          this.store.dispatch({
            type: "dialog",
            dialog: { ...dialog, choice: dialog.choice === "cancel" ? "confirm" : "cancel" },
          });
        return;
      }
      case "confirm-no":
        this.store.dispatch({ type: "dialog", dialog: null });
        return;
      case "confirm-yes":
        return state.dialog?.kind === "confirm-end" ? endIfConfirmed(this.context) : closeIfConfirmed(this.context);
      case "session-1":
      case "session-2":
      case "session-3":
      case "session-4":
      case "session-5":
      case "session-6":
      case "session-7":
      case "session-8":
      case "session-9": {
        const id = state.order[Number(command.slice(8)) - 1];
        if (id) this.store.dispatch({ type: "focus", target: id });
        return;
      }
      default:
        return notTheConsoles(command);
    }
  }

  private async clearOrQuit(): Promise<void> {
    const state = this.state;
    if (state.dialog) return this.store.dispatch({ type: "dialog", dialog: null });
    if (state.picker && state.picker.kind !== "wrapup") return this.store.dispatch({ type: "picker", picker: null });
    const mode = modeOf(state);
    if (this.draft(mode) !== "") {
      this.setDraft(mode, "");
      return;
    }
    // The warning is drawn in the keys row (App), not as a flash: an alert or RONA hint stays in sight.
    if (!state.quitArmed) return this.store.dispatch({ type: "quit-armed", armed: true });
    return this.quit();
  }

  async quit(): Promise<void> {
    // With another console of this rep open, the server keeps the presence for it.
    await this.call({ type: "presence", presence: "offline", ifLastConsole: true });
    this.options.exit();
  }

  /** The page of messages before the oldest one a session holds; a failure shows in the status line. */
  private async loadEarlier(conversationId: string): Promise<void> {
    const session = this.state.sessions[conversationId];
    if (!wantsEarlier(session)) return;
    await loadEarlier(
      session,
      this.client,
      (action) => this.store.dispatch(action),
      (text) => this.flash(text, "error"),
    );
  }

  /** What Home lists from the server besides the mirror: the open items to pick and today's figures. */
  async loadHome(): Promise<void> {
    if (this.homeAwaited) return;
    this.homeAwaited = true;
    this.homeAskedAt = this.now();
    try {
      await Promise.all([this.loadOpenItems(), this.loadToday()]);
    } finally {
      this.homeAwaited = false;
    }
  }

  async loadOpenItems(): Promise<void> {
    const result = await this.call({ type: "open_items" });
    if (result) this.store.dispatch({ type: "open-items", items: (result.items as ConversationView[]) ?? [] });
  }

  /** Today's figures as the server counts them, from this terminal's local midnight. */
  async loadToday(): Promise<void> {
    const result = await this.call({ type: "today", since: localMidnight(this.now()) });
    if (result?.today) this.store.dispatch({ type: "today", today: result.today as TodayView });
  }

  /** Every action is reachable as a slash command too (a broken Alt key never blocks a rep). */
  slash(line: string): Promise<void> {
    return runSlashCommand(this.context, line);
  }
}

/**
 * The commands that never reach the console's run: the monitor's own, and the edit keys (handlePress gives them to
 * the field). Naming them, rather than letting the switch's default take anything, makes a new command of the console
 * fail to compile until the switch has a case for it.
 */
function notTheConsoles(_command: `mon-${string}` | EditCommand): void {}
