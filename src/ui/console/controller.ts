// The console's effects: key presses and slash commands become store actions and requests to the
// server. Rendering never happens here; components read the store.
import { sanitizeLine } from "../../protocol/sanitize.js";
import type { ConversationView, Presence, UserView } from "../../protocol/views.js";
import { COMPOSER_LIMIT } from "../components/Composer.js";
import { helpMaxScroll, helpScrollDelta } from "../components/Help.js";
import { filterItems } from "../components/Picker.js";
import type { PickerItem } from "../components/Picker.js";
import type { CommandId, Mode } from "../keys/bindings.js";
import { slashCommand } from "../keys/bindings.js";
import type { KeyPress } from "../keys/key-reader.js";
import type { LineEditor } from "../keys/line-editor.js";
import { insert, replaceText, submitted } from "../keys/line-editor.js";
import { attentionOrder, currentOffer } from "../mirror/selectors.js";
import type { FieldId, Flash, Picker, UiState } from "../mirror/state.js";
import { fieldKey } from "../mirror/state.js";
import { PRESENCE_LABEL, STATE_LABEL } from "../theme/theme.js";
import { Effects } from "../effects.js";
import { switcherItems } from "./attention.js";
import { offerCardHeight } from "./components/OfferCard.js";
import { HOME_LISTS, homeLayout, shownRange } from "./home-layout.js";
import type { EffectsOptions, Field, RequestClient } from "../effects.js";
import type { Action } from "../mirror/reducer.js";

/** Anything that answers requests: the ws client, or a fake one in tests. */
export type ConsoleClient = RequestClient;
export type ControllerOptions = EffectsOptions;

const SETTABLE: Presence[] = ["available", "busy", "dnd", "away", "offline"];

/**
 * Rows of bindings help shows in the console at this size: the overlay ends above an empty composer (status bar,
 * footer, composer, help's border, title and filter take 10 rows) and the offer card keeps its place in it.
 */
export function consoleHelpRoom(state: UiState): number {
  const height = Math.max(10, state.size.rows - 1);
  const offer = currentOffer(state);
  return Math.max(3, height - 10 - (offer ? offerCardHeight(offer) : 0));
}

export function modeOf(state: UiState): Mode {
  if (state.dialog?.kind === "help") return "help";
  if (state.dialog) return "confirm";
  if (state.picker) return "picker";
  return state.focus === "home" ? "home" : "composer";
}

export class ConsoleController extends Effects<UiState, Action, ControllerOptions> {
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

  protected setField(mode: Mode, editor: LineEditor): void {
    const field = this.fieldId(mode);
    if (!field) return;
    this.store.dispatch({ type: "edit", field, editor });
    if (field.kind === "draft" && this.state.quitArmed) this.store.dispatch({ type: "quit-armed", armed: false });
  }

  protected currentFlash(): Flash | null {
    return this.state.flash;
  }

  protected override typeIn(mode: Mode, press: KeyPress): void {
    // 1–9 on an empty picker filter choose that row.
    const picker = this.state.picker;
    if (mode === "picker" && picker && picker.filter === "" && !press.paste && /^[1-9]$/.test(press.input)) {
      if (press.key.ctrl || press.key.meta) return;
      const index = Number(press.input) - 1;
      if (index >= Math.min(9, this.pickerItems(picker).length)) return;
      this.store.dispatch({ type: "picker", picker: { ...picker, index } });
      void this.run("picker-select");
      return;
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
        return this.accept();
      case "reject": {
        const offer = currentOffer(state);
        if (!offer) return this.flash("There is no pending offer.");
        if (await this.call({ type: "reject", offerId: offer.id }))
          this.flash("Offer rejected; it goes to the next rep.");
        return;
      }
      case "transfer":
      case "conference": {
        if (!session) return this.flash(`Open a conversation first, then ${command}.`);
        if (session.view.state !== "active" || session.view.ownerId !== state.me?.id) {
          return this.flash(`You can ${command} only a conversation you accepted and that is Active.`, "warn");
        }
        const picker: Picker =
          command === "transfer"
            ? { kind: "transfer", conversationId: session.id, tab: "queues", filter: "", index: 0, loadedAt: null }
            : { kind: "conference", conversationId: session.id, filter: "", index: 0, loadedAt: null };
        this.store.dispatch({ type: "picker", picker });
        await this.reloadTargets();
        return;
      }
      case "end":
        return this.end();
      case "end-conference": {
        if (!session) return;
        if (await this.call({ type: "end_conference", conversationId: session.id }))
          this.openWrapUp(session.id, "conference");
        return;
      }
      case "close": {
        if (!session) return this.flash("Home is pinned and cannot be closed.", "warn");
        if (session.view.mode !== "persistent")
          return this.flash("Only a persistent chat can be closed to Waiting; end a live chat with Alt+E.", "warn");
        this.store.dispatch({
          type: "dialog",
          dialog: { kind: "confirm-close", conversationId: session.id, choice: "cancel" },
        });
        return;
      }
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
        await this.loadOpenItems();
        return;
      case "next-session":
      case "previous-session": {
        const ids = ["home", ...state.order];
        const at = ids.indexOf(state.focus);
        const next = ids[(at + (command === "next-session" ? 1 : ids.length - 1)) % ids.length]!;
        this.store.dispatch({ type: "focus", target: next });
        return;
      }
      case "scroll-up":
        this.store.dispatch({ type: "scroll", delta: 5 });
        return;
      case "scroll-down":
        this.store.dispatch({ type: "scroll", delta: -5 });
        return;
      case "home-scroll-up":
      case "home-scroll-down": {
        const list = state.home.list;
        const section = homeLayout(state)[list];
        const page = Math.max(1, section.shown.length);
        const offset = section.offset + (command === "home-scroll-up" ? -page : page);
        this.store.dispatch({
          type: "home-scroll",
          list,
          offset: Math.min(offset, Math.max(0, section.total - page)),
        });
        return;
      }
      case "home-next-list": {
        const at = HOME_LISTS.indexOf(state.home.list);
        this.store.dispatch({ type: "home-list", list: HOME_LISTS[(at + 1) % HOME_LISTS.length]! });
        return;
      }
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
        return this.send();
      case "newline": {
        const mode = modeOf(state);
        const editor = this.editorIn(mode);
        if (editor) this.setField(mode, insert(editor, "\n", true));
        return;
      }
      case "clear-or-quit":
        return this.clearOrQuit();
      case "remove-session": {
        if (!session) return this.flash("Home is pinned and cannot be closed.", "warn");
        if (session.view.state !== "closed")
          return this.flash("End the conversation first (Alt+E); a persistent chat can go to Waiting (Alt+W).", "warn");
        this.store.dispatch({ type: "remove-session", conversationId: session.id });
        return;
      }
      case "pick":
        return this.flash("Type /pick N on Home: N from the open work items listed there.");
      case "open-closed":
        return this.flash("Type /open N on Home: N from the recently closed items listed there.");
      case "picker-up":
      case "picker-down":
        return this.movePicker(command === "picker-up" ? -1 : 1);
      case "picker-tab": {
        const picker = state.picker;
        if (picker?.kind === "transfer")
          this.store.dispatch({
            type: "picker",
            picker: { ...picker, tab: picker.tab === "queues" ? "reps" : "queues", index: 0 },
          });
        return;
      }
      case "picker-reload":
        return this.reloadTargets();
      case "picker-escape": {
        if (state.dialog?.kind === "help") {
          this.store.dispatch({ type: "dialog", dialog: state.dialog.filter ? { kind: "help", filter: "" } : null });
          return;
        }
        const picker = state.picker;
        if (!picker) return;
        if (picker.filter) this.store.dispatch({ type: "picker", picker: { ...picker, filter: "", index: 0 } });
        else if (picker.kind === "wrapup") this.flash("Choose a wrap-up reason to finish.", "warn");
        else this.store.dispatch({ type: "picker", picker: null });
        return;
      }
      case "picker-select":
        return this.selectPicked();
      case "confirm-toggle": {
        const dialog = state.dialog;
        if (dialog?.kind === "confirm-close")
          this.store.dispatch({
            type: "dialog",
            dialog: { ...dialog, choice: dialog.choice === "cancel" ? "confirm" : "cancel" },
          });
        return;
      }
      case "confirm-no":
        this.store.dispatch({ type: "dialog", dialog: null });
        return;
      case "confirm-yes": {
        const dialog = state.dialog;
        this.store.dispatch({ type: "dialog", dialog: null });
        if (dialog?.kind !== "confirm-close" || dialog.choice !== "confirm") return;
        if (await this.call({ type: "close", conversationId: dialog.conversationId }))
          this.flash("Closed to Waiting: it uses no capacity until the customer is back.");
        return;
      }
      default:
        if (command.startsWith("session-")) {
          const id = state.order[Number(command.slice(8)) - 1];
          if (id) this.store.dispatch({ type: "focus", target: id });
        }
        return;
    }
  }

  private async accept(): Promise<void> {
    const offer = currentOffer(this.state);
    if (!offer) return this.flash("There is no pending offer.");
    const result = await this.call({ type: "accept", offerId: offer.id });
    if (!result) return;
    this.store.dispatch({ type: "count", what: "accepted" });
    // S4, L3: accepting opens the conversation and focuses it.
    this.store.dispatch({ type: "focus", target: String(result.conversationId ?? offer.conversationId) });
  }

  private async end(): Promise<void> {
    const session = this.focusedSession();
    if (!session) return this.flash("Open a conversation to end it.");
    const meId = this.state.me?.id ?? "";
    if (session.view.wrapUpBy.includes(meId))
      return this.openWrapUp(session.id, session.view.customerEnded ? "customer_ended" : "end");
    if (session.draft.trim()) this.flash("Your unsent draft stays in this session.", "warn");
    if (await this.call({ type: "end", conversationId: session.id })) this.openWrapUp(session.id, "end");
  }

  private openWrapUp(conversationId: string, after: "end" | "transfer" | "conference" | "customer_ended"): void {
    this.store.dispatch({ type: "picker", picker: { kind: "wrapup", conversationId, filter: "", index: 0, after } });
  }

  private async send(): Promise<void> {
    const mode = modeOf(this.state);
    const text = this.draft(mode);
    if (text.trim() === "") return;
    if (text.startsWith("/") && !text.startsWith("//")) {
      this.setDraft(mode, "", true);
      return this.slash(text);
    }
    if (mode === "home") return this.flash("Home takes commands: /pick 1, /status available, /help.", "warn");
    const session = this.focusedSession()!;
    const body = text.startsWith("//") ? text.slice(1) : text;
    if ([...body].length > COMPOSER_LIMIT)
      return this.flash(
        `At most ${COMPOSER_LIMIT} characters: shorten it by ${[...body].length - COMPOSER_LIMIT} to send.`,
        "error",
      );
    // L8: < and > are reserved for template parameters; the draft stays as it is.
    if (/[<>]/.test(body))
      return this.flash(
        "< and > are reserved for template parameters and cannot be sent; your message is still in the composer.",
        "error",
      );
    if (session.view.state !== "active")
      return this.flash(
        `This conversation is ${STATE_LABEL[session.view.state]?.word ?? session.view.state}; messages cannot be sent (your draft is kept).`,
        "warn",
      );
    const clientId = this.newClientId("");
    this.setDraft(mode, "", true);
    this.store.dispatch({ type: "outbox-add", conversationId: session.id, clientId, text: body });
    try {
      await this.client.request({ type: "send", conversationId: session.id, text: body, clientId });
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      // Offline or timed out: the outbox keeps it and the client resends it once back (same clientId).
      if (code.startsWith("connection/") || code === "request/timeout") return;
      this.store.dispatch({ type: "outbox-failed", conversationId: session.id, clientId, text: body });
      this.flash((error as Error).message, "error");
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
    if (!state.quitArmed) {
      this.store.dispatch({ type: "quit-armed", armed: true });
      return this.flash(
        state.consoles > 1
          ? "Press Ctrl+C again to quit (your other console stays signed in)."
          : "Press Ctrl+C again to quit (you will be set Offline).",
        "warn",
      );
    }
    return this.quit();
  }

  async quit(): Promise<void> {
    // With another console of this rep open, the server keeps the presence for it.
    await this.call({ type: "presence", presence: "offline", ifLastConsole: true });
    this.options.exit();
  }

  private async reloadTargets(): Promise<void> {
    const result = await this.call({ type: "targets" });
    if (!result) return;
    this.store.dispatch({ type: "targets", targets: result as unknown as UiState["targets"] & object });
    const picker = this.state.picker;
    if (picker && (picker.kind === "transfer" || picker.kind === "conference")) {
      this.store.dispatch({ type: "picker", picker: { ...picker, loadedAt: this.now() } });
    }
  }

  async loadOpenItems(): Promise<void> {
    const result = await this.call({ type: "open_items" });
    if (result) this.store.dispatch({ type: "open-items", items: (result.items as ConversationView[]) ?? [] });
  }

  private movePicker(delta: number): void {
    const picker = this.state.picker;
    if (!picker) return;
    const count = Math.min(9, this.pickerItems(picker).length);
    if (count === 0) return;
    this.store.dispatch({ type: "picker", picker: { ...picker, index: (picker.index + delta + count) % count } });
  }

  /** The picker's rows, filtered; disabled ones stay visible with their reason. */
  pickerItems(picker: Picker): PickerItem[] {
    const state = this.state;
    let items: PickerItem[] = [];
    switch (picker.kind) {
      case "transfer":
      case "conference": {
        const reps = (state.targets?.reps ?? []).filter((r) => r.id !== state.me?.id && r.capacity > 0);
        const repItems = reps.map((r: UserView) => ({
          id: `rep:${r.id}`,
          label: sanitizeLine(r.name),
          detail: `${PRESENCE_LABEL[r.presence].word} · ${r.used}/${r.capacity}`,
          ...(r.presence !== "available"
            ? { disabled: PRESENCE_LABEL[r.presence].word }
            : r.used >= r.capacity
              ? { disabled: `at capacity ${r.used}/${r.capacity}` }
              : {}),
        }));
        if (picker.kind === "conference" || picker.tab === "reps") items = repItems;
        else
          items = (state.targets?.queues ?? []).map((q) => ({
            id: `queue:${q.id}`,
            label: sanitizeLine(q.name),
            detail: `${q.open} open`,
          }));
        break;
      }
      case "wrapup":
        items = (state.org?.wrapUpReasons ?? []).map((r) => ({ id: r.id, label: r.label }));
        break;
      case "presence":
        items = SETTABLE.map((p) => ({ id: p, label: `${PRESENCE_LABEL[p].glyph} ${PRESENCE_LABEL[p].word}` }));
        break;
      case "switcher":
        items = switcherItems(state);
        break;
    }
    return filterItems(items, picker.filter);
  }

  private async selectPicked(): Promise<void> {
    const picker = this.state.picker;
    if (!picker) return;
    const item = this.pickerItems(picker)[picker.index];
    if (!item) return;
    if (item.disabled) return this.flash(`${item.label} cannot be chosen: ${item.disabled}.`, "warn");
    switch (picker.kind) {
      case "transfer": {
        const [kind, id] = item.id.split(":") as ["queue" | "rep", string];
        const result = await this.call({
          type: "transfer",
          conversationId: picker.conversationId,
          target: { kind, id },
        });
        if (!result) return;
        this.store.dispatch({ type: "count", what: "transferred" });
        // L10: Transfer starts the request and opens the wrap-up dialog.
        this.openWrapUp(picker.conversationId, "transfer");
        return;
      }
      case "conference": {
        const result = await this.call({
          type: "conference",
          conversationId: picker.conversationId,
          repId: item.id.slice(4),
        });
        this.store.dispatch({ type: "picker", picker: null });
        if (result) this.flash(`Conference requested: waiting for ${item.label}.`);
        return;
      }
      case "wrapup": {
        const result = await this.call({ type: "wrapup", conversationId: picker.conversationId, reasonId: item.id });
        if (!result) return;
        this.store.dispatch({ type: "picker", picker: null });
        if (picker.after !== "transfer") this.store.dispatch({ type: "count", what: "ended" });
        // Handed over (transferred, or left a conference): no longer the rep's work, and the server tells
        // them no more about it, so it leaves the pane and My work items instead of staying "Open" forever.
        if (picker.after === "transfer" || picker.after === "conference")
          this.store.dispatch({ type: "remove-session", conversationId: picker.conversationId });
        this.store.dispatch({ type: "focus", target: "home" });
        this.flash(`Wrap-up submitted: ${item.label}.`);
        return;
      }
      case "presence": {
        this.store.dispatch({ type: "picker", picker: null });
        await this.call({ type: "presence", presence: item.id as Presence });
        return;
      }
      case "switcher":
        this.store.dispatch({ type: "picker", picker: null });
        this.store.dispatch({ type: "focus", target: item.id });
        return;
    }
  }

  /** `/pick N`: the open work item shown on Home with N, named when taken; never one off screen. */
  private async pickShown(arg: string): Promise<void> {
    const section = homeLayout(this.state).open;
    const row = section.shown.find((r) => String(r.number) === arg.trim());
    if (!row) {
      if (section.total === 0) return this.flash("There are no open work items to pick.", "warn");
      return this.flash(
        `No open item ${sanitizeLine(arg) || "N"} on screen: /pick takes ${shownRange(section)}` +
          (section.shown.length < section.total ? " (PgDn shows more)." : "."),
        "warn",
      );
    }
    const title = sanitizeLine(row.view.title) || row.id;
    const result = await this.call({ type: "pick", conversationId: row.id });
    if (!result) return;
    this.store.dispatch({ type: "focus", target: row.id });
    this.flash(`Picked ${title} (${sanitizeLine(row.view.queueName)}).`);
  }

  /** `/open N`: the recently closed item shown on Home with N, opened read-only (S3). */
  private async openClosed(arg: string): Promise<void> {
    const section = homeLayout(this.state).closed;
    const row = section.shown.find((r) => String(r.number) === arg.trim());
    if (!row)
      return this.flash(
        section.total === 0
          ? "There are no recently closed items to open."
          : `No closed item ${sanitizeLine(arg) || "N"} on screen: /open takes ${shownRange(section)}.`,
        "warn",
      );
    this.store.dispatch({ type: "focus", target: row.id });
    this.flash(`Opened ${sanitizeLine(row.view.title) || row.id}, closed: read-only.`);
  }

  /** Every action is reachable as a slash command too (a broken Alt key never blocks a rep). */
  async slash(line: string): Promise<void> {
    const [name = "", ...args] = line.trim().split(/\s+/);
    const arg = args.join(" ");
    // Slash commands come from the key table, like keys: /help lists them all.
    const command = slashCommand(name)?.id;
    if (!command)
      return this.flash(
        `Unknown command ${sanitizeLine(name)}; /help lists them. Start with // to send a literal slash.`,
        "warn",
      );
    switch (command) {
      case "transfer":
      case "conference": {
        await this.run(command);
        const picker = this.state.picker;
        if (arg && picker && (picker.kind === "transfer" || picker.kind === "conference")) {
          const isRep = arg.startsWith("@");
          const next =
            picker.kind === "transfer"
              ? { ...picker, tab: isRep ? ("reps" as const) : ("queues" as const), filter: arg.replace(/^@/, "") }
              : { ...picker, filter: arg.replace(/^@/, "") };
          this.store.dispatch({ type: "picker", picker: next });
          if (this.pickerItems(next).length === 1) await this.run("picker-select");
        }
        return;
      }
      case "end":
        await this.run("end");
        if (arg && this.state.picker?.kind === "wrapup") {
          this.store.dispatch({ type: "picker", picker: { ...this.state.picker, filter: arg } });
          if (this.pickerItems(this.state.picker!).length === 1) await this.run("picker-select");
        }
        return;
      case "presence": {
        const wanted = SETTABLE.find(
          (p) => p === arg.toLowerCase() || PRESENCE_LABEL[p].word.toLowerCase() === arg.toLowerCase(),
        );
        if (!wanted) return this.run("presence");
        await this.call({ type: "presence", presence: wanted });
        return;
      }
      case "pick":
        return this.pickShown(arg);
      case "open-closed":
        return this.openClosed(arg);
      // /quit quits at once: no "press again".
      case "clear-or-quit":
        return this.quit();
      default:
        return this.run(command);
    }
  }
}
