// The monitor's effects: key presses become store actions and supervisor requests (SV1–SV8). Every
// action is checked first against the org's settings and the conversation's state, and refused with its
// reason; the server's own refusal, when it comes, is shown as it words it. Rendering never happens here.
import { sanitizeLine, sanitizeText } from "../../protocol/sanitize.js";
import type { Figures } from "../../protocol/views.js";
import { COMPOSER_LIMIT } from "../components/Composer.js";
import type { PickerItem } from "../components/Picker.js";
import type { CommandId } from "../keys/commands.js";
import type { Mode } from "../keys/modes.js";
import type { KeyPress } from "../keys/key-reader.js";
import type { LineEditor } from "../keys/line-editor.js";
import type { WhyAnswer } from "../../protocol/why.js";
import { whyLines } from "../../protocol/why.js";
import { editorFor, insert, replaceText, submitted } from "../keys/line-editor.js";
import { helpMaxScroll, helpScrollDelta } from "../components/Help.js";
import type { Flash } from "../mirror/state.js";
import { localMidnight } from "../text/index.js";
import type { Store } from "../mirror/store.js";
import { PRESENCE_LABEL } from "../theme/theme.js";
import type { MonitorAction } from "./reducer.js";
import { allRows, completeFilter, presenceRefusalFor, refusalFor, selectedTeamRow, tableRows } from "./selectors.js";
import { pickedPresence } from "../components/presence-items.js";
import type { SupervisorAction } from "./selectors.js";
import type { MonitorPicker, MonitorState } from "./state.js";
import { whisperKey } from "./state.js";
import { Effects } from "../effects.js";
import { loadEarlier, nearThreadTop, threadTop, wantsEarlier } from "../mirror/earlier.js";
import {
  actionTarget,
  monitorHelpRoom,
  monitorMode,
  monitorPickerItems,
  tablePage,
  watchScrollPage,
  writeRefusalFor,
} from "./screen.js";
import type { EffectsOptions, Field, RequestClient } from "../effects.js";

export type MonitorClient = RequestClient;

export interface MonitorControllerOptions extends EffectsOptions {
  /** How long quitting waits for the server to hear that we stop monitoring (default 1 s). */
  leaveTimeoutMs?: number;
}

export type MonitorStore = Store<MonitorState, MonitorAction>;

/** While the live figures are shown, they are asked for again this often (by the terminal's clock ticks). */
export const FIGURES_EVERY_MS = 5000;

export class MonitorController extends Effects<MonitorState, MonitorAction, MonitorControllerOptions> {
  /** When the live figures were last asked for (the store's clock), and whether the answer is still awaited. */
  private figuresAskedAt = Number.NEGATIVE_INFINITY;
  private figuresAwaited = false;

  constructor(store: MonitorStore, client: MonitorClient, options: MonitorControllerOptions) {
    super(store, client, options);
    // Only while they are shown: the table and the other views cost the server nothing for them.
    store.subscribe(() => {
      const state = this.state;
      if (state.screen === "figures" && state.base.now - this.figuresAskedAt >= FIGURES_EVERY_MS) this.refreshFigures();
      // A conversation opened in the live view that holds fewer messages than it has reads the page before its oldest.
      const watched = state.screen === "watch" && state.watchId ? state.base.sessions[state.watchId] : undefined;
      if (watched && !watched.earlier && watched.messages.length < watched.view.messageCount)
        void this.loadEarlier(watched.id);
    });
  }

  /** Ask the server for the live figures; a refusal is shown in the flash line. */
  refreshFigures(): void {
    if (this.figuresAwaited) return;
    this.figuresAwaited = true;
    this.figuresAskedAt = this.state.base.now;
    // With the day's figures of each rep, from this terminal's local midnight.
    void this.call({ type: "figures", since: localMidnight(this.state.base.now) }).then((result) => {
      this.figuresAwaited = false;
      const figures = result?.figures as Figures | undefined;
      if (figures) this.store.dispatch({ type: "figures", figures });
    });
  }

  private get meId(): string {
    return this.state.base.me?.id ?? "";
  }

  /** The conversation an action applies to: the one in the live view, else the selected row. */
  private target(): string | null {
    return actionTarget(this.state);
  }

  private titleOf(id: string): string {
    const view = this.state.base.sessions[id]?.view;
    return view ? `${id} (${sanitizeLine(view.title)})` : id;
  }

  /** Refuse client-side with the reason when the setting is off or the state does not allow it. */
  private refused(action: SupervisorAction, id: string | null): boolean {
    const reason = refusalFor(this.state, action, id);
    if (reason) this.flash(reason, "warn");
    return reason !== null;
  }

  // ---- input ----------------------------------------------------------------------------------------

  protected mode(): Mode {
    return monitorMode(this.state);
  }

  /** The store's key of the field that takes text in `mode`. */
  private fieldKey(mode: Mode): string | null {
    if (mode === "monitor-filter") return "filter";
    if (mode === "monitor-compose")
      return this.state.watchId && this.state.whispering ? whisperKey(this.state.watchId) : this.state.watchId;
    if (mode === "picker") return "picker";
    if (mode === "help") return "help";
    return null;
  }

  protected field(mode: Mode): Field | null {
    const key = this.fieldKey(mode);
    if (!key) return null;
    const state = this.state;
    const text =
      key === "filter"
        ? state.filter
        : key === "picker"
          ? (state.picker?.filter ?? "")
          : key === "help"
            ? state.dialog?.kind === "help"
              ? state.dialog.filter
              : ""
            : (state.drafts[key] ?? "");
    return { text, editor: state.editors[key], multiline: mode === "monitor-compose" };
  }

  protected setField(mode: Mode, editor: LineEditor): void {
    const key = this.fieldKey(mode);
    if (!key) return;
    // Remote text is never trusted, and a filter holds only what the table can show.
    const text = key === "filter" ? sanitizeText(editor.text) : editor.text;
    this.store.dispatch({
      type: "edit",
      field: key,
      editor: text === editor.text ? editor : replaceText(editor, text),
    });
  }

  protected currentFlash(): Flash | null {
    return this.state.base.flash;
  }

  protected override typeIn(mode: Mode, press: KeyPress): void {
    // 1–9 on an empty picker filter choose that row.
    const picker = this.state.picker;
    if (mode === "picker" && picker && picker.filter === "" && !press.paste && /^[1-9]$/.test(press.input)) {
      if (press.key.ctrl || press.key.meta) return;
      const index = Number(press.input) - 1;
      if (index >= this.pickerItems(picker).length) return;
      this.store.dispatch({ type: "picker", picker: { ...picker, index } });
      void this.run("picker-select");
      return;
    }
    super.typeIn(mode, press);
  }

  // ---- commands -------------------------------------------------------------------------------------

  async run(command: CommandId): Promise<void> {
    const state = this.state;
    switch (command) {
      case "mon-up":
      case "mon-down":
        return this.store.dispatch({ type: "move", delta: command === "mon-up" ? -1 : 1 });
      case "mon-page-up":
      case "mon-page-down":
        return this.store.dispatch({ type: "move", delta: (command === "mon-page-up" ? -1 : 1) * tablePage(state) });
      case "mon-open": {
        const id = state.selectedId;
        if (!id) return this.flash("No conversation is selected.");
        const watching = state.base.sessions[id]?.view.supervisors[this.meId];
        if (!watching)
          return this.flash(`Monitor (m) or join (J) ${id} to open its live view; the preview shows it meanwhile.`);
        return this.store.dispatch({ type: "screen", screen: "watch", watchId: id, composing: watching === "join" });
      }
      case "mon-filter":
        return this.store.dispatch({ type: "filter", filter: state.filter, editing: true });
      case "mon-command":
        return this.store.dispatch({ type: "filter", filter: ":", editing: true });
      case "mon-filter-apply":
        return this.store.dispatch({ type: "filter", filter: state.filter.trim(), editing: false });
      case "mon-filter-complete": {
        const { completed, candidates } = completeFilter(state.filter, allRows(state));
        if (candidates.length === 0)
          return this.flash(
            "Nothing to complete: Tab completes a column (state, queue, rep, mode, id, customer) or its values.",
          );
        const field = this.field("monitor-filter");
        if (field && completed !== state.filter)
          this.setField("monitor-filter", replaceText(editorFor(field.text, field.editor), completed));
        if (candidates.length > 1)
          this.flash(candidates.length > 8 ? `${candidates.slice(0, 8).join(" · ")} · …` : candidates.join(" · "));
        return;
      }
      case "mon-filter-clear":
        return this.store.dispatch({ type: "filter", filter: "", editing: false });
      case "mon-monitor":
        return this.watch("monitor");
      case "mon-join":
        return this.watch("join");
      case "mon-leave":
        return this.leave();
      case "mon-whisper":
        return this.openWhisper();
      case "mon-assign":
      case "mon-assign-override": {
        const id = this.target();
        if (this.refused("assign", id)) return;
        this.store.dispatch({
          type: "picker",
          picker: {
            kind: "assign",
            conversationId: id!,
            override: command === "mon-assign-override",
            tab: "reps",
            filter: "",
            index: 0,
          },
        });
        return;
      }
      case "mon-transfer": {
        const id = this.target();
        if (this.refused("transfer", id)) return;
        this.store.dispatch({
          type: "picker",
          picker: { kind: "transfer", conversationId: id!, override: false, tab: "reps", filter: "", index: 0 },
        });
        return;
      }
      case "mon-force-close": {
        const id = this.target();
        if (this.refused("force-close", id)) return;
        // SV8: behind a confirmation whose default is Cancel.
        this.store.dispatch({ type: "dialog", dialog: { kind: "force-close", conversationId: id!, choice: "cancel" } });
        return;
      }
      case "mon-pause":
        return this.store.dispatch({ type: "toggle-pause" });
      case "mon-sort":
        return this.store.dispatch({ type: "next-sort" });
      case "mon-sort-reverse":
        return this.store.dispatch({ type: "reverse-sort" });
      case "mon-view":
        return this.store.dispatch({ type: "next-view" });
      case "mon-team":
        return this.store.dispatch({ type: "toggle-team" });
      case "mon-team-up":
      case "mon-team-down":
        return this.store.dispatch({ type: "move-team", delta: command === "mon-team-up" ? -1 : 1 });
      case "mon-set-presence": {
        // SV2: refused here, in the server's words, when the org does not allow it.
        const refusal = presenceRefusalFor(state);
        if (refusal) return this.flash(refusal, "warn");
        const rep = selectedTeamRow(state)!;
        this.store.dispatch({ type: "picker", picker: { kind: "presence", userId: rep.id, filter: "", index: 0 } });
        return;
      }
      case "mon-why":
        return this.why();
      case "mon-figures":
        this.store.dispatch({ type: "toggle-figures" });
        if (this.state.screen === "figures") this.refreshFigures();
        return;
      case "mon-help":
      case "help":
        return this.store.dispatch({ type: "dialog", dialog: { kind: "help", filter: "" } });
      case "help-up":
      case "help-down":
      case "help-page-up":
      case "help-page-down":
        return this.store.dispatch({
          type: "help-scroll",
          delta: helpScrollDelta(command, monitorHelpRoom(state)),
          max: helpMaxScroll(state.dialog?.kind === "help" ? state.dialog.filter : "", true, monitorHelpRoom(state)),
        });
      case "mon-quit":
        return this.quit();
      case "mon-back":
        // From the composer to the live view, then to the table: one step only while there is a composer to leave.
        if (monitorMode(state) === "monitor-compose")
          return this.store.dispatch({ type: "composing", composing: false });
        return this.store.dispatch({ type: "screen", screen: "table" });
      case "mon-write": {
        const refusal = writeRefusalFor(state);
        if (refusal === null) return this.store.dispatch({ type: "composing", composing: true });
        return this.flash(refusal);
      }
      case "mon-scroll-up": {
        // In the live view, never past the oldest line held; at the top, the page before it is read.
        const watched = state.screen === "watch" && state.watchId ? state.base.sessions[state.watchId] : undefined;
        const page = watchScrollPage(state);
        if (!watched) return this.store.dispatch({ type: "scroll", delta: page });
        const delta = Math.min(page, Math.max(0, threadTop(watched) - state.scroll));
        if (delta > 0) this.store.dispatch({ type: "scroll", delta });
        if (nearThreadTop(watched, this.state.scroll, state.base.size.rows)) await this.loadEarlier(watched.id);
        return;
      }
      case "mon-scroll-down":
        return this.store.dispatch({ type: "scroll", delta: -watchScrollPage(state) });
      case "mon-scroll-live":
        return this.store.dispatch({ type: "scroll", delta: "live" });
      case "mon-send":
        return state.whispering ? this.whisper() : this.send();
      case "mon-newline": {
        const editor = this.editorIn("monitor-compose");
        if (editor) this.setField("monitor-compose", insert(editor, "\n", true));
        return;
      }
      case "mon-clear": {
        const editor = this.editorIn("monitor-compose");
        if (editor) this.setField("monitor-compose", replaceText(editor, ""));
        return;
      }
      // pickers, dialogs and help: the console's keys
      case "picker-up":
      case "picker-down":
        return this.store.dispatch({ type: "move-picker", delta: command === "picker-up" ? -1 : 1 });
      case "picker-tab":
        return this.store.dispatch({ type: "switch-picker-tab" });
      case "picker-reload":
        return this.flash("These lists are live: presence, capacity and open counts update as they change.");
      case "picker-escape": {
        if (state.dialog?.kind === "help")
          return this.store.dispatch({
            type: "dialog",
            dialog: state.dialog.filter ? { kind: "help", filter: "" } : null,
          });
        return this.store.dispatch({ type: "dismiss-picker" });
      }
      case "picker-select":
        return this.selectPicked();
      case "confirm-toggle": {
        const dialog = state.dialog;
        if (dialog?.kind === "force-close")
          this.store.dispatch({
            type: "dialog",
            dialog: { ...dialog, choice: dialog.choice === "cancel" ? "confirm" : "cancel" },
          });
        return;
      }
      case "confirm-no":
        return this.store.dispatch({ type: "dialog", dialog: null });
      case "confirm-yes":
        return this.confirmForceClose();
      case "clear-or-quit":
        if (state.dialog) return this.store.dispatch({ type: "dialog", dialog: null });
        if (state.picker) return this.store.dispatch({ type: "picker", picker: null });
        return;
      default:
        return;
    }
  }

  /** The page of messages before the oldest one a conversation holds; a failure shows in the status line. */
  private async loadEarlier(conversationId: string): Promise<void> {
    const session = this.state.base.sessions[conversationId];
    if (!wantsEarlier(session)) return;
    await loadEarlier(
      session,
      this.client,
      (action) => this.store.dispatch(action),
      (text) => this.flash(text, "error"),
    );
  }

  /** SV4: monitor silently, or join to write to rep and customer; the live view opens on success. */
  private async watch(mode: "monitor" | "join"): Promise<void> {
    const id = this.target();
    if (this.refused(mode, id)) return;
    const conversationId = id!;
    const current = this.state.base.sessions[conversationId]?.view.supervisors[this.meId];
    if (current !== mode) {
      if (!(await this.call({ type: mode, conversationId }))) return;
      // The server's next view of the conversation says the same; until then, show what it acknowledged.
      this.store.dispatch({ type: "supervising", conversationId, mode });
    }
    const view = this.state.base.sessions[conversationId]?.view;
    const rep = view?.ownerName ? sanitizeLine(view.ownerName) : "the rep";
    this.store.dispatch({ type: "screen", screen: "watch", watchId: conversationId, composing: mode === "join" });
    this.flash(
      mode === "monitor"
        ? `Monitoring ${this.titleOf(conversationId)} silently: ${rep} and the customer do not see you.`
        : `Joined ${this.titleOf(conversationId)}: ${rep} and the customer see what you write.`,
    );
  }

  /** A whisper to the rep of a conversation: monitored silently first if need be, then the whisper composer opens. */
  private async openWhisper(): Promise<void> {
    const id = this.target();
    if (this.refused("monitor", id)) return;
    const conversationId = id!;
    const view = this.state.base.sessions[conversationId]?.view;
    if (!view?.ownerId) return this.flash(`${this.titleOf(conversationId)} has no rep to whisper to.`, "warn");
    if (!view.supervisors[this.meId]) {
      if (!(await this.call({ type: "monitor", conversationId }))) return;
      this.store.dispatch({ type: "supervising", conversationId, mode: "monitor" });
    }
    this.store.dispatch({
      type: "screen",
      screen: "watch",
      watchId: conversationId,
      composing: true,
      whispering: true,
    });
    const rep = view.ownerName ? sanitizeLine(view.ownerName) : "the rep";
    this.flash(`Whisper to ${rep}: only ${rep} sees it, never the customer. Enter sends, Esc goes back.`);
  }

  /** Whether a composed text may go: not blank, within the limit (else the composer says by how much). */
  private sendable(text: string): boolean {
    if (text.trim() === "") return false;
    const length = [...text].length;
    if (length <= COMPOSER_LIMIT) return true;
    this.flash(`At most ${COMPOSER_LIMIT} characters: shorten it by ${length - COMPOSER_LIMIT} to send.`, "error");
    return false;
  }

  private async whisper(): Promise<void> {
    const id = this.state.watchId;
    if (!id) return;
    const key = whisperKey(id);
    const text = this.state.drafts[key] ?? "";
    if (!this.sendable(text)) return;
    const editor = this.editorIn("monitor-compose");
    if (editor) this.setField("monitor-compose", submitted(editor, text));
    try {
      await this.client.request({ type: "whisper", conversationId: id, text });
      const rep = this.state.base.sessions[id]?.view.ownerName;
      this.flash(`Whispered to ${rep ? sanitizeLine(rep) : "the rep"}; the customer does not see it.`);
    } catch (error) {
      // Refused: the text goes back into the composer, nothing is lost.
      const now = this.state.drafts[key] ?? "";
      this.store.dispatch({ type: "draft", conversationId: key, text: now === "" ? text : `${text}\n${now}` });
      this.flash(sanitizeLine((error as Error).message), "error");
    }
  }

  /** The routing decisions behind where the selected conversation is, in the preview; y again hides them. */
  private async why(): Promise<void> {
    const id = this.state.selectedId;
    if (!id) return this.flash("No conversation is selected.");
    if (this.state.why?.conversationId === id) return this.store.dispatch({ type: "why", why: null });
    this.store.dispatch({ type: "why", why: { conversationId: id, lines: null } });
    const answer = await this.call({ type: "why", conversationId: id });
    // Hidden or moved on meanwhile: the answer is not wanted any more.
    if (this.state.why?.conversationId !== id) return;
    this.store.dispatch({
      type: "why",
      why: answer ? { conversationId: id, lines: whyLines(answer as unknown as WhyAnswer) } : null,
    });
  }

  private async leave(): Promise<void> {
    const id = this.target();
    if (!id) return this.flash("No conversation is selected.");
    if (!this.state.base.sessions[id]?.view.supervisors[this.meId]) return this.flash(`You are not monitoring ${id}.`);
    if (!(await this.call({ type: "leave", conversationId: id }))) return;
    this.store.dispatch({ type: "supervising", conversationId: id, mode: null });
    if (this.state.screen === "watch") this.store.dispatch({ type: "screen", screen: "table" });
    this.flash(`You left ${this.titleOf(id)}.`);
  }

  private async send(): Promise<void> {
    const id = this.state.watchId;
    if (!id) return;
    const text = this.state.drafts[id] ?? "";
    if (!this.sendable(text)) return;
    if (/[<>]/.test(text))
      return this.flash(
        "< and > are reserved for template parameters and cannot be sent; your message is still in the composer.",
        "error",
      );
    const view = this.state.base.sessions[id]?.view;
    if (view?.supervisors[this.meId] !== "join") return this.flash(`Join (J) ${id} to write in it.`, "warn");
    const clientId = this.newClientId("sup-");
    const editor = this.editorIn("monitor-compose");
    if (editor) this.setField("monitor-compose", submitted(editor, text));
    try {
      await this.client.request({ type: "send", conversationId: id, text, clientId });
    } catch (error) {
      // Refused: the text goes back into the composer, nothing is lost.
      const now = this.state.drafts[id] ?? "";
      this.store.dispatch({ type: "draft", conversationId: id, text: now === "" ? text : `${text}\n${now}` });
      this.flash(sanitizeLine((error as Error).message), "error");
    }
  }

  /** Quit, leaving what we monitor or joined (best effort, bounded). */
  async quit(): Promise<void> {
    const me = this.meId;
    const watched = Object.values(this.state.base.sessions).filter(
      (s) => s.view.supervisors[me] && s.view.state !== "closed",
    );
    if (watched.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.leaveTimeoutMs ?? 1000)));
      await Promise.race([
        Promise.allSettled(watched.map((s) => this.client.request({ type: "leave", conversationId: s.id }))),
        bound,
      ]);
      clearTimeout(timer);
    }
    this.options.exit();
  }

  // ---- pickers ----------------------------------------------------------------------------------------

  private pickerItems(picker: MonitorPicker): PickerItem[] {
    return monitorPickerItems(this.state, picker);
  }

  private async selectPicked(): Promise<void> {
    const picker = this.state.picker;
    if (!picker) return;
    const item = this.pickerItems(picker)[picker.index];
    if (!item) return;
    if (item.disabled) return this.flash(`${item.label} cannot be chosen: ${item.disabled}.`, "warn");
    if (picker.kind === "presence") return this.setPresence(picker.userId, item);
    const [kind, targetId] = item.id.split(":") as ["queue" | "rep", string];
    const target = { kind, id: targetId };
    const id = picker.conversationId;
    if (picker.kind === "assign") {
      // The rep's presence as it was when chosen: an assignment that fills them sets them Busy before it is answered.
      const before = kind === "rep" ? this.state.users[targetId]?.presence : undefined;
      const result = await this.call({ type: "assign", conversationId: id, target, override: picker.override });
      if (!result) return;
      this.store.dispatch({ type: "picker", picker: null });
      const exceededBy = Number(result.exceededBy ?? 0);
      if (kind === "queue") return this.flash(`Assigned ${id} to queue ${item.label}.`);
      const presence =
        picker.override && before !== undefined && before !== "available"
          ? ` (${PRESENCE_LABEL[before].word} overridden)`
          : "";
      // SV5: when capacity is overridden, by how many units it is exceeded.
      const exceeded = exceededBy > 0 ? ` — capacity exceeded by ${exceededBy} unit${exceededBy === 1 ? "" : "s"}` : "";
      return this.flash(`Assigned ${id} to ${item.label}${presence}${exceeded}.`, exceededBy > 0 ? "warn" : "info");
    }
    // SV6, SV7: transfer; a rep target answers later, and the status follows until then.
    const view = this.state.base.sessions[id]?.view;
    const fromId = view?.ownerId ?? null;
    const fromName = view?.ownerName ? sanitizeLine(view.ownerName) : null;
    this.store.dispatch({
      type: "transfer-status",
      conversationId: id,
      status: { target: { kind, id: targetId, name: item.label }, fromId, fromName, status: "pending", at: this.now() },
    });
    const result = await this.call({ type: "supervisor_transfer", conversationId: id, target });
    if (!result) {
      this.store.dispatch({ type: "transfer-status", conversationId: id, status: null });
      return;
    }
    this.store.dispatch({ type: "picker", picker: null });
    if (kind === "rep")
      return this.flash(`Transfer of ${id} to ${item.label} requested: waiting for ${item.label} to accept or reject.`);
    const mine = this.state.transfers[id];
    if (mine)
      this.store.dispatch({
        type: "transfer-status",
        conversationId: id,
        status: { ...mine, status: "queued", at: this.now() },
      });
    this.flash(`Transferred ${id} to queue ${item.label}${fromName ? `; ${fromName} stays on as consultant` : ""}.`);
  }

  /** SV2, L2: set a rep's presence for them (Offline for a rep who left, Available after RONA); they are told. */
  private async setPresence(userId: string, item: PickerItem): Promise<void> {
    const result = await this.call({ type: "set_presence", userId, ...pickedPresence(item.id) });
    if (!result) return;
    this.store.dispatch({ type: "picker", picker: null });
    const name = sanitizeLine(this.state.users[userId]?.name ?? userId);
    this.flash(`${name} is now ${item.label}; ${name.split(" ")[0]} is told you set it.`);
  }

  private async confirmForceClose(): Promise<void> {
    const dialog = this.state.dialog;
    this.store.dispatch({ type: "dialog", dialog: null });
    if (dialog?.kind !== "force-close" || dialog.choice !== "confirm") return;
    const title = this.titleOf(dialog.conversationId);
    if (!(await this.call({ type: "force_close", conversationId: dialog.conversationId }))) return;
    this.flash(`Force-closed ${title}: it is Closed.`);
  }

  /** Rows the table shows now (for tests and the app). */
  rows() {
    return tableRows(this.state);
  }
}
