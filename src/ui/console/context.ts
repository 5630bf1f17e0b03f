// What the console's parts act through. The controller hands its slash commands, pickers and composer this view of
// itself (the store, requests whose refusal shows in the flash line, the fields being typed in, the commands), so that
// each part is plain functions that read the state as it is when they run.
import type { RequestBody } from "../../client/client.js";
import type { RequestClient } from "../effects.js";
import type { CommandId } from "../keys/commands.js";
import type { Mode } from "../keys/modes.js";
import type { LineEditor } from "../keys/line-editor.js";
import type { Action } from "../mirror/reducer.js";
import type { Flash, Session, UiState } from "../mirror/state.js";
import type { Store } from "../mirror/store.js";
import type { ControllerOptions } from "./controller.js";

export interface ConsoleContext {
  readonly store: Store<UiState, Action>;
  readonly client: RequestClient;
  readonly options: ControllerOptions;
  /** The state as it is now: read it again after anything awaited. */
  readonly state: UiState;
  now(): number;
  flash(text: string, level?: Flash["level"]): void;
  /** A request; a refusal is shown in the flash line and null comes back. */
  call(body: RequestBody): Promise<Record<string, unknown> | null>;
  newClientId(prefix: string): string;
  /** The conversation in focus; none on Home. */
  focusedSession(): Session | undefined;
  /** The composer's text in `mode` (Home's or the focused conversation's). */
  draft(mode: Mode): string;
  /** Replace the draft (cleared): undo can bring it back. Sent: an empty composer that remembers it (Up). */
  setDraft(mode: Mode, text: string, sent?: boolean): void;
  editorIn(mode: Mode): LineEditor | null;
  setField(mode: Mode, editor: LineEditor): void;
  run(command: CommandId): Promise<void>;
  slash(line: string): Promise<void>;
  quit(): Promise<void>;
  /** Ask the server for today's figures again (after the rep's own accept, transfer or wrap-up). */
  loadToday(): Promise<void>;
}
