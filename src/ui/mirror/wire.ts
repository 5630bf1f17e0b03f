// The wiring from the client: server frames flow into a mirror of the server's state from outside React.
// The console and the monitor keep the same frames (the monitor's reducer runs the console's for them).
import type { CcClient } from "../../client/client.js";
import type { EventFrame, TypingFrame, Welcome } from "../../protocol/messages.js";
import type { ConnectionStatus, Flash } from "./state.js";

export type MirrorAction =
  | { type: "welcome"; welcome: Welcome; now: number }
  | { type: "event"; frame: EventFrame }
  | { type: "connection"; status: ConnectionStatus }
  | { type: "consoles"; count: number }
  | { type: "flash"; flash: Flash | null }
  /** The customer is typing in a conversation (a transient frame): shown until `until` (local time). */
  | { type: "typing"; conversationId: string; until: number };

/** How long "typing…" stays after a typing frame: a little more than the interval between two of them. */
export const TYPING_SHOWN_MS = 4000;

export function wire(client: CcClient, store: { dispatch(action: MirrorAction): void }, welcome: Welcome): void {
  store.dispatch({ type: "welcome", welcome, now: Date.now() });
  client.on("welcome", (w: Welcome) => store.dispatch({ type: "welcome", welcome: w, now: Date.now() }));
  client.on("event", (frame: EventFrame) => store.dispatch({ type: "event", frame }));
  client.on("typing", (frame: TypingFrame) => {
    if (frame.from === "customer")
      store.dispatch({ type: "typing", conversationId: frame.conversationId, until: Date.now() + TYPING_SHOWN_MS });
  });
  client.on("state", (state: ConnectionStatus) => store.dispatch({ type: "connection", status: state }));
  // What the server says outside any request, such as why it signs this console out (a reloaded org removed the user).
  client.on("server-error", (error: Error) =>
    store.dispatch({ type: "flash", flash: { level: "warn", text: error.message, at: Date.now() } }),
  );
  // The first count may have come with the welcome, before these listeners: start from the client's.
  store.dispatch({ type: "consoles", count: client.consoles });
  client.on("consoles", (count: number) => store.dispatch({ type: "consoles", count }));
}
