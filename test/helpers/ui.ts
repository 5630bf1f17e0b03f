// Helpers for app tests: a fake client that records what went over the wire, server-like frames,
// and rendering the console with ink-testing-library.
import { render } from "ink-testing-library";
import { createElement } from "react";
import type { ReactElement } from "react";
import { CcClient } from "../../src/client/client.js";
import type { RequestBody } from "../../src/client/client.js";
import type { EventFrame, Welcome } from "../../src/protocol/messages.js";
import type {
  Change,
  ConversationView,
  MessageView,
  OfferView,
  OrgView,
  SystemMessageCode,
  UserView,
} from "../../src/protocol/views.js";
import { App } from "../../src/ui/console/App.js";
import { ConsoleController } from "../../src/ui/console/controller.js";
import type { ControllerOptions } from "../../src/ui/console/controller.js";
import { initialUiState } from "../../src/ui/mirror/state.js";
import { createStore } from "../../src/ui/mirror/store.js";
import { wire } from "../../src/ui/mirror/wire.js";
import type { Store } from "../../src/ui/mirror/store.js";
import { makeTheme } from "../../src/ui/theme/theme.js";
import type { Theme } from "../../src/ui/theme/theme.js";
import { sampleConversation } from "../../bench/sample-views.js";
import { renderInColumns } from "./ink-terminal.js";
import { waitFor } from "./ws.js";

export const T0 = Date.UTC(2026, 10, 21, 9, 0, 0);

/** A fake client: records requests; answers with `responses[type]` (a result, or an Error to refuse). */
export class FakeClient {
  readonly sent: RequestBody[] = [];
  responses: Partial<
    Record<
      RequestBody["type"],
      Record<string, unknown> | Error | ((body: RequestBody) => Record<string, unknown> | Error)
    >
  > = {};
  request(body: RequestBody): Promise<Record<string, unknown>> {
    this.sent.push(body);
    const response = this.responses[body.type];
    const value = typeof response === "function" ? response(body) : response;
    if (value instanceof Error) return Promise.reject(value);
    return Promise.resolve(value ?? {});
  }
  ofType<T extends RequestBody["type"]>(type: T): Extract<RequestBody, { type: T }>[] {
    return this.sent.filter((b) => b.type === type) as Extract<RequestBody, { type: T }>[];
  }
}

export function refusal(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

export const ORG: OrgView = {
  name: "Contoso Demo",
  masking: true,
  supervisor: { monitor: true, assign: true, transfer: true, forceClose: true, setPresence: true },
  queues: [
    { id: "general", name: "General" },
    { id: "billing", name: "Billing" },
  ],
  workstreams: [
    { id: "live", name: "Live chat", mode: "live", queueId: "general", sentimentThreshold: -1 },
    { id: "persistent", name: "Persistent chat", mode: "persistent", queueId: "billing", sentimentThreshold: -1 },
  ],
  wrapUpReasons: [
    { id: "resolved", label: "Resolved" },
    { id: "follow-up", label: "Needs follow-up" },
    { id: "other", label: "Other" },
  ],
};

export function me(overrides: Partial<UserView> = {}): UserView {
  return {
    id: "alice",
    name: "Alice Moreau",
    role: "rep",
    presence: "available",
    capacity: 3,
    used: 0,
    conversations: 0,
    queues: ["general", "billing"],
    ...overrides,
  };
}

export function conversation(id: string, overrides: Partial<ConversationView> = {}): ConversationView {
  return sampleConversation(id, T0, overrides);
}

/** `line 1` … `line N`, one row each, the customer (Dana Kim) and Alice in turn, a second apart. */
export function alternatingThread(total: number): MessageView[] {
  return Array.from({ length: total }, (_, i) => {
    const n = i + 1;
    return n % 2 === 1
      ? {
          id: `m${n}`,
          at: T0 + n * 1000,
          author: { role: "customer", name: "Dana Kim" },
          text: `line ${n}`,
          sentiment: 0,
        }
      : {
          id: `m${n}`,
          at: T0 + n * 1000,
          author: { role: "rep", id: "alice", name: "Alice Moreau" },
          text: `line ${n}`,
        };
  });
}

let messageCounter = 1000;
export function customerMessage(text: string, at = T0, overrides: Partial<MessageView> = {}): MessageView {
  return {
    id: `m${messageCounter++}`,
    at,
    author: { role: "customer", name: "Visitor" },
    text,
    sentiment: 0,
    ...overrides,
  };
}

export function offer(id: string, conversationId: string, overrides: Partial<OfferView> = {}): OfferView {
  return {
    id,
    conversationId,
    kind: "route",
    status: "pending",
    createdAt: T0,
    expiresAt: T0 + 30_000,
    byName: null,
    title: "Dana Kim",
    customerName: "Dana Kim",
    queueName: "General",
    proactive: false,
    arrivedAt: T0 - 5_000,
    preview: [customerMessage("Hi, my order is late")],
    sentiment: 0,
    alert: false,
    ...overrides,
  };
}

export function welcome(
  conversations: ConversationView[] = [],
  offers: OfferView[] = [],
  user: UserView = me(),
): Welcome {
  return {
    type: "welcome",
    v: 1,
    seq: 1,
    session: { role: "rep", userId: user.id, name: user.name },
    epoch: "e1",
    mode: "snapshot",
    snapshot: { org: ORG, me: user, users: [user], conversations, customerConversations: [], offers },
    serverTime: T0,
  };
}

let seq = 10;
export function event(...changes: Change[]): EventFrame {
  return { type: "event", seq: seq++, at: T0, changes };
}

export interface Console {
  store: Store;
  client: FakeClient;
  controller: ConsoleController;
  frame(): string;
  press(input: string): Promise<void>;
  /** Wait until the last frame satisfies the predicate (macrotask polling, no fixed sleeps). */
  waitForFrame(predicate: (frame: string) => boolean, what?: string): Promise<string>;
  exited: boolean;
  unmount(): void;
}

export const KEYS = {
  enter: "\r",
  escape: "\x1b",
  tab: "\t",
  backspace: "\x7f",
  up: "\x1b[A",
  down: "\x1b[B",
  ctrlC: "\x03",
  ctrlJ: "\n",
  ctrlK: "\x0b",
  alt: (ch: string) => `\x1b${ch}`,
};

/** Render an Ink element and drive it as a person would: read frames, press keys, wait for a frame. */
export function driveInk(
  element: ReactElement,
  /** The terminal's width in cells; ink-testing-library's fixed 100 when not given. */
  columns?: number,
): Pick<Console, "frame" | "press" | "waitForFrame" | "unmount"> {
  const instance = columns === undefined ? render(element) : renderInColumns(element, columns);
  return {
    frame: () => instance.lastFrame() ?? "",
    async press(input: string) {
      instance.stdin.write(input);
      // Let the input handler, the fake client's promise and the re-render run.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    },
    async waitForFrame(predicate: (frame: string) => boolean, what = "frame") {
      const deadline = Date.now() + 3000;
      for (;;) {
        const frame = instance.lastFrame() ?? "";
        if (predicate(frame)) return frame;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${frame}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    unmount: () => instance.unmount(),
  };
}

export async function renderConsole(
  options: {
    welcome?: Welcome;
    columns?: number;
    rows?: number;
    theme?: Theme;
    /** More of the controller's options (the rep's own quick replies, the typing callback). */
    controller?: Pick<ControllerOptions, "quickReplies" | "typing">;
    /** Lay the frame out at `columns` (ink-testing-library's 100 otherwise). */
    sized?: boolean;
  } = {},
): Promise<Console> {
  const store = createStore(initialUiState(T0, { columns: options.columns ?? 120, rows: options.rows ?? 40 }));
  const client = new FakeClient();
  const result: Console = {} as Console;
  let ids = 0;
  const controller = new ConsoleController(store, client, {
    exit: () => (result.exited = true),
    now: () => store.getState().now,
    newClientId: () => `cid-${++ids}`,
    ...options.controller,
  });
  if (options.welcome) store.dispatch({ type: "welcome", welcome: options.welcome, now: T0 });
  Object.assign(result, {
    store,
    client,
    controller,
    exited: false,
    ...driveInk(
      createElement(App, { store, controller, theme: options.theme ?? makeTheme({}) }),
      options.sized ? (options.columns ?? 120) : undefined,
    ),
  });
  return result;
}

// ---- more frames and keys for the app tests --------------------------------------------------------

/** A rep's message as the server echoes it (author id decides "You"). */
export function repMessage(
  text: string,
  at = T0,
  author: { id: string; name: string } = { id: "alice", name: "Alice Moreau" },
  overrides: Partial<MessageView> = {},
): MessageView {
  return { id: `m${messageCounter++}`, at, author: { role: "rep", ...author }, text, ...overrides };
}

export function systemMessage(text: string, code?: SystemMessageCode, at = T0): MessageView {
  return { id: `m${messageCounter++}`, at, author: { role: "system" }, text, ...(code ? { code } : {}) };
}

export function rep(id: string, name: string, overrides: Partial<UserView> = {}): UserView {
  return {
    id,
    name,
    role: "rep",
    presence: "available",
    capacity: 3,
    used: 0,
    conversations: 0,
    queues: ["general"],
    ...overrides,
  };
}

/** Ink's own SGR sequences (colour, bold, inverse, …) removed: what is left must hold no escape at all. */
export function stripSgr(frame: string): string {
  // eslint-disable-next-line no-control-regex -- matching SGR sequences is the point
  return frame.replace(/\x1b\[[0-9;]*m/g, "");
}

/** The SGR parameter lists used in a frame, e.g. ["1", "90", "39", "7"]. */
export function sgrCodes(frame: string): string[] {
  // eslint-disable-next-line no-control-regex -- matching SGR sequences is the point
  return [...frame.matchAll(/\x1b\[([0-9;]*)m/g)].map((m) => m[1] ?? "");
}

export const MORE_KEYS = {
  f1: "\x1bOP",
  ctrlB: "\x02",
  ctrlR: "\x12",
  altEnter: "\x1b\r",
};

/**
 * The foreground colour (SGR parameter, e.g. "90" grey, "34" blue) in effect where `text` first appears in
 * the frame, following the SGR sequences from the start of its line; null when no colour is set.
 */
export function colourAt(frame: string, text: string): string | null {
  const at = frame.indexOf(text);
  if (at < 0) throw new Error(`${JSON.stringify(text)} is not in the frame`);
  const line = frame.slice(frame.lastIndexOf("\n", at) + 1, at);
  let colour: string | null = null;
  for (const params of sgrCodes(line)) {
    const list = params === "" ? ["0"] : params.split(";");
    for (let i = 0; i < list.length; i++) {
      const p = Number(list[i]);
      if (p === 0 || p === 39) colour = null;
      else if ((p >= 30 && p <= 37) || (p >= 90 && p <= 97)) colour = String(p);
      else if (p === 38) {
        colour = list.slice(i, i + (list[i + 1] === "5" ? 3 : 5)).join(";");
        i += list[i + 1] === "5" ? 2 : 4;
      }
    }
  }
  return colour;
}

/** A console signed in to a real server as the rep with `token`, at 120×40 without colour. */
export async function connectConsole(url: string, token: string, cleanups: (() => unknown)[]) {
  const client = new CcClient({ url, hello: { role: "rep", token } });
  const welcome = await client.connect();
  cleanups.push(() => client.close());
  const store = createStore(initialUiState(Date.now(), { columns: 120, rows: 40 }));
  wire(client, store, welcome);
  const controller = new ConsoleController(store, client, { exit: () => undefined });
  const ui = render(createElement(App, { store, controller, theme: makeTheme({ NO_COLOR: "1" }) }));
  cleanups.push(() => ui.unmount());
  /** Wait until the last frame satisfies the predicate; a timeout shows that frame. */
  const frame = (predicate: (f: string) => boolean, what: string) =>
    waitFor(() => predicate(ui.lastFrame() ?? "") && (ui.lastFrame() ?? ""), what).catch((error: Error) => {
      throw new Error(`${error.message}; last frame:\n${ui.lastFrame() ?? ""}`);
    });
  return { client, store, ui, frame };
}
