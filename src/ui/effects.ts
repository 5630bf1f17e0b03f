// What the console's and the monitor's controllers share: the store, the client, the clock, the flash
// line, requests whose refusal is shown there (as the server words it) instead of thrown, and key presses read
// against the key table.
import type { Key } from "ink";
import type { RequestBody } from "../client/client.js";
import type { CommandId, Mode } from "./keys/bindings.js";
import { bindingsFor, matchKey } from "./keys/bindings.js";
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
  /** A key press that is no command: typing into the field that has focus in `mode`, if any. */
  protected abstract typeIn(mode: Mode, input: string, key: Key): void;

  /** Function keys come as raw sequences: Ink hands useInput an empty input with no key flag for them. */
  handleFunctionKey(name: "F1"): void {
    const command = bindingsFor(this.mode()).find((b) => b.keys.includes(name))?.id;
    if (command) void this.run(command);
  }

  handleInput(input: string, key: Key): void {
    const mode = this.mode();
    const command = matchKey(input, key, mode);
    if (command) void this.run(command);
    else this.typeIn(mode, input, key);
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
      this.flash((error as Error).message, "error");
      return null;
    }
  }

  /** A fresh id for a message, so that a resend is recognised as the same message. */
  protected newClientId(prefix: string): string {
    return this.options.newClientId?.() ?? `${prefix}${this.now().toString(36)}-${(this.counter++).toString(36)}`;
  }
}
