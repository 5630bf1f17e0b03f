// What the console's and the monitor's controllers share: the store, the client, the clock, the flash
// line, requests whose refusal is shown there (as the server words it) instead of thrown, and key presses read
// against the key table.
import type { RequestBody } from "../client/client.js";
import { matchKey } from "./keys/bindings.js";
import { isEditCommand } from "./keys/commands.js";
import type { CommandId } from "./keys/commands.js";
import type { Mode } from "./keys/modes.js";
import type { KeyPress } from "./keys/key-reader.js";
import { textPresses } from "./keys/key-reader.js";
import type { EditCommand, LineEditor } from "./keys/line-editor.js";
import { edit, editorFor, insert } from "./keys/line-editor.js";
import type { Flash } from "./mirror/state.js";
import type { Store } from "./mirror/store.js";

export interface RequestClient {
  request(body: RequestBody): Promise<Record<string, unknown>>;
}

export interface EffectsOptions {
  /** Called to leave the app. */
  exit: () => void;
  now?: () => number;
  newClientId?: () => string;
}

/** A field that takes text: its text as the store holds it, and its editor (cursor, undo, history). */
export interface Field {
  text: string;
  editor: LineEditor | undefined;
  multiline: boolean;
}

export abstract class Effects<S, A, O extends EffectsOptions> {
  private counter = 0;
  constructor(
    protected readonly store: Store<S, A>,
    protected readonly client: RequestClient,
    protected readonly options: O,
  ) {}

  protected get state(): S {
    return this.store.getState();
  }

  /** The mode the key table is read in now. */
  protected abstract mode(): Mode;
  /** Run a command of the key table. */
  abstract run(command: CommandId): Promise<void>;
  /** The field that takes text in `mode` (a composer or a filter), if any. */
  protected abstract field(mode: Mode): Field | null;
  /** Put an edited field back into the store. */
  protected abstract setField(mode: Mode, editor: LineEditor): void;
  /** The flash line shown now (the next key press clears it). */
  protected abstract currentFlash(): Flash | null;

  /** The editor of the field with focus in `mode`, with its cursor, undo and history. */
  protected editorIn(mode: Mode): LineEditor | null {
    const field = this.field(mode);
    return field ? editorFor(field.text, field.editor) : null;
  }

  /**
   * One key press, read against the state as it is now: each press sees what the one before it did, so keys
   * that arrive together act as if typed one by one.
   */
  handlePress(press: KeyPress): void {
    // A message is true when shown; the next action replaces it (or a few seconds pass, see the reducer).
    if (this.currentFlash()) this.store.dispatch({ type: "flash", flash: null } as A);
    const mode = this.mode();
    if (press.paste) {
      // A paste is text for a field. Where none takes text, a marked paste is dropped (pasted words never
      // act as keys); an unmarked chunk is keys a slow link joined, each handled in turn.
      if (this.field(mode)) return this.typeIn(mode, press);
      if (press.marked) return;
      for (const key of textPresses(press.input)) this.handlePress(key);
      return;
    }
    const editor = this.editorIn(mode);
    const command = matchKey(press.fn === "F1" ? "\x1bOP" : press.input, press.key, mode, {
      fieldHasText: (editor?.text ?? "") !== "",
    });
    if (command && isEditCommand(command)) this.editField(mode, command);
    else if (command) void this.run(command);
    else if (!press.fn) this.typeIn(mode, press);
  }

  protected editField(mode: Mode, command: EditCommand): void {
    const field = this.field(mode);
    const editor = this.editorIn(mode);
    if (!field || !editor) return;
    const next = edit(editor, command, field.multiline);
    if (next !== editor) this.setField(mode, next);
  }

  /** A key press that is no command: typed or pasted text goes into the field that has focus, at the cursor. */
  protected typeIn(mode: Mode, press: KeyPress): void {
    const { input, key } = press;
    if (!press.paste && (input === "" || key.ctrl || key.meta)) return;
    const field = this.field(mode);
    const editor = this.editorIn(mode);
    if (!field || !editor) return;
    const next = insert(editor, input, field.multiline);
    if (next !== editor) this.setField(mode, next);
  }

  protected now(): number {
    return this.options.now?.() ?? Date.now();
  }

  protected flash(text: string, level: Flash["level"] = "info"): void {
    this.store.dispatch({ type: "flash", flash: { level, text, at: this.now() } } as A);
  }

  /** A request; a refusal is shown in the flash line and null comes back. */
  protected async call(body: RequestBody): Promise<Record<string, unknown> | null> {
    try {
      return await this.client.request(body);
    } catch (error) {
      // Unanswered while the connection is down: the client keeps the request and sends it once back.
      if ((error as { code?: string }).code === "request/timeout")
        this.flash("No answer yet: it goes to the server once the connection is back; nothing to do again.", "warn");
      else this.flash((error as Error).message, "error");
      return null;
    }
  }

  /** A fresh id for a message, so that a resend is recognised as the same message. */
  protected newClientId(prefix: string): string {
    return this.options.newClientId?.() ?? `${prefix}${this.now().toString(36)}-${(this.counter++).toString(36)}`;
  }
}
